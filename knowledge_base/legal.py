"""The decision in force and the legal sentences that name it, in one place.

The decision's number and date come from the front matter of the knowledge-base document with
``kind: decision`` and ``validity: current`` (today ``documents/qd-26-2026.md``); the sentences that cite it
are templates in ``legal.yml``. The scorer, the self-assessment API and page, and the answer composer read
them from here, so the next decision is a change of data, not of code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
_TEMPLATES_FILE = Path(__file__).with_name("legal.yml")
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Decision:
    number: str  # "QĐ 26/2026/QĐ-TTg"
    date: str  # "22/5/2026"
    document_id: str  # "qd-26-2026"

    @property
    def cited(self) -> str:
        """ "QĐ 26/2026/QĐ-TTg ngày 22/5/2026"."""
        return f"{self.number} ngày {self.date}" if self.date else self.number


def front_matter(path: Path) -> dict:
    """The YAML front matter of one document (empty when it has none)."""
    match = _FRONT_MATTER_RE.match(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(match.group(1)) if match else None
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def current_decision() -> Decision:
    """The one decision document marked ``validity: current``; an error when there is none or several."""
    found = []
    for path in sorted(DOCUMENTS_DIR.glob("*.md")):
        meta = front_matter(path)
        if meta.get("kind") == "decision" and meta.get("validity") == "current":
            found.append(
                Decision(str(meta["decision"]), str(meta.get("decision_date") or ""), str(meta.get("id") or path.stem))
            )
    if len(found) != 1:
        raise LookupError(f"expected one current decision document in {DOCUMENTS_DIR}, found {len(found)}")
    return found[0]


@lru_cache(maxsize=1)
def _templates() -> dict[str, str]:
    return {k: " ".join(str(v).split()) for k, v in yaml.safe_load(_TEMPLATES_FILE.read_text(encoding="utf-8")).items()}


def sentence(name: str) -> str:
    """A sentence of ``legal.yml`` with the current decision filled in (``KeyError`` for an unknown name)."""
    decision = current_decision()
    return _templates()[name].format(decision=decision.number, date=decision.date)
