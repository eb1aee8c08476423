"""The repository's `.env` file read with the standard library, for the Rasa environment.

The Rasa environment has pydantic 1 (pinned by Rasa 3.6) and no pydantic-settings, so `stack.rasa_run`
reads `.env` with this reader; every other process reads it through `knowledge_base.settings`.
Same rules: `KEY=value` lines, `#` comments, optional quotes and `export`; real environment variables
win, and an empty value means the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parents[1] / ".env"
_ENV_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a `.env` file: `KEY=value` lines, `#` comments, optional quotes and `export`."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def with_env_file(environ: Mapping[str, str], path: Path = ENV_FILE) -> dict[str, str]:
    """`environ` over the values of `path`; an empty variable in `environ` does not hide the file's value."""
    return {**read_env_file(path), **{key: value for key, value in environ.items() if value.strip()}}
