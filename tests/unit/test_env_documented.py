"""Every `OCOP_*` variable the code reads is documented in `.env.example`, and nothing documented is unused.

"Read" means a field of a settings class (`OcopSettings` subclasses: gateway, knowledge base and actions,
dev stack) or an `OCOP_` name written anywhere in the project's Python code (the stdlib reader of
`stack.rasa_run`, error messages naming a variable). The names the stack computes for Rasa's endpoint
files are not settings an operator sets; they are listed below and checked to still be written by code.
"""

from __future__ import annotations

import re
from pathlib import Path

import gateway.settings
import stack.settings
from knowledge_base.settings import OcopSettings, env_names

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("gateway", "knowledge_base", "actions", "stack", "rasa_components", "scripts")
# A whole variable name: not a prefix in prose such as `OCOP_DB_*` or `OCOP_HOTLINE_<FIELD>`.
NAME = re.compile(r"\bOCOP_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_<*{])")
DOCUMENTED = re.compile(r"^(OCOP_[A-Z0-9_]+)=", re.MULTILINE)
# Written by stack.rasa_run/stack.services for endpoints.yml and deploy/endpoints.scale.yml (split from
# OCOP_DATABASE_URL / OCOP_REDIS_URL, or the loopback action server of `make run`).
FOR_RASA_ENDPOINTS = {
    "OCOP_ACTION_SERVER_URL",
    "OCOP_DB_HOST",
    "OCOP_DB_PORT",
    "OCOP_DB_NAME",
    "OCOP_DB_USER",
    "OCOP_DB_PASSWORD",
    "OCOP_REDIS_HOST",
    "OCOP_REDIS_PORT",
    "OCOP_REDIS_DB",
    "OCOP_REDIS_PASSWORD",
}


def settings_classes(base: type = OcopSettings) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *settings_classes(cls)]
    return found


def names_in_code(text: str) -> set[str]:
    return set(NAME.findall(text))


def documented(text: str) -> set[str]:
    return set(DOCUMENTED.findall(text))


def undocumented(read: set[str], docs: set[str]) -> tuple[set[str], set[str]]:
    """(read but not documented, documented but never read)."""
    return read - docs, docs - read


def code_names() -> set[str]:
    names: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            names |= names_in_code(path.read_text(encoding="utf-8"))
    return names


def fields_names() -> set[str]:
    return {var for cls in settings_classes() for var in env_names(cls).values()}


def test_the_three_processes_settings_are_found():
    assert {gateway.settings.Settings, stack.settings.StackSettings} <= set(settings_classes())
    assert "OCOP_KB_DOCUMENTS_DIR" in fields_names() and "OCOP_VENVS_DIR" in fields_names()


def test_names_in_code_are_whole_variables():
    code = 'os.environ["OCOP_NEW_THING"]  # `OCOP_DB_*` values, OCOP_HOTLINE_<FIELD>, f"OCOP_{x}", OCOP_\n'
    assert names_in_code(code) == {"OCOP_NEW_THING"}


def test_a_variable_added_in_code_but_not_in_env_example_is_reported():
    docs = documented("# comment naming OCOP_NEW_THING is not documentation\nOCOP_RASA_URL=http://x\nOCOP_OLD=\n")
    assert undocumented({"OCOP_RASA_URL", "OCOP_NEW_THING"}, docs) == ({"OCOP_NEW_THING"}, {"OCOP_OLD"})


def test_every_variable_read_is_documented_in_env_example_and_every_documented_one_is_read():
    read = (fields_names() | code_names()) - FOR_RASA_ENDPOINTS
    docs = documented((ROOT / ".env.example").read_text(encoding="utf-8"))
    missing, unused = undocumented(read, docs)
    assert not missing, f"read in code but not documented in .env.example: {sorted(missing)}"
    assert not unused, f"documented in .env.example but read nowhere: {sorted(unused)}"


def test_the_names_computed_for_rasa_are_still_written_by_the_stack():
    assert FOR_RASA_ENDPOINTS <= code_names()
