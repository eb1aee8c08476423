"""Parse knowledge-base documents: YAML front matter, `##`/`###` sections and their metadata comments.

A section's metadata comment (``<!-- article: Điều 6 khoản 1; topics: ho_so; confidence: A -->``) is the
first non-blank line after its heading; keys it does not set are inherited from the enclosing section and
then from the front matter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Metadata keys a section may set; everything else in a comment is ignored.
# only_if: phrases of which a query must contain one for the section to rank fully ("nâng hạng, lên sao").
SECTION_KEYS = ("article", "topics", "confidence", "decision", "decision_date", "validity", "superseded_by", "only_if")

_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT_RE = re.compile(r"^\s*<!--(.*?)-->\s*$")
# "a: x; b: y, z" -> split only on a ";" that starts a new "key:" so values may contain ";"-free commas.
_META_SPLIT_RE = re.compile(r";\s*(?=[A-Za-z_]+\s*:)")


class DocumentError(ValueError):
    """A document does not follow the format in docs/contracts.md."""


@dataclass
class Section:
    """A `##` section (level 2) or a `###` subsection (level 3) with its resolved metadata."""

    level: int
    heading: str
    meta: dict
    text: str = ""
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Document:
    id: str
    title: str
    meta: dict
    sections: list[Section]
    sha256: str
    path: Path


def parse_topics(value) -> list[str]:
    """Topics may be a YAML list or a "a, b" / "[a, b]" string."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [t for t in re.split(r"[\s,\[\]]+", str(value or "")) if t]


def parse_meta_comment(line: str) -> dict | None:
    """Metadata of a ``<!-- key: value; ... -->`` line, or None when the line is no such comment."""
    match = _COMMENT_RE.match(line)
    if not match:
        return None
    meta = {}
    for part in _META_SPLIT_RE.split(match.group(1).strip()):
        key, sep, value = part.partition(":")
        key = key.strip().lower()
        if sep and key in SECTION_KEYS:
            if key == "topics":
                meta[key] = parse_topics(value)
            elif key == "only_if":
                meta[key] = [phrase.strip() for phrase in value.split(",") if phrase.strip()]
            else:
                meta[key] = value.strip()
    return meta


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        raise DocumentError(f"{path.name}: missing YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise DocumentError(f"{path.name}: front matter is not a mapping")
    meta = {k: ("" if v is None else v) for k, v in meta.items()}
    meta["topics"] = parse_topics(meta.get("topics"))
    meta["id"] = str(meta.get("id") or path.stem)
    return meta, text[match.end() :]


def parse_document(path: Path) -> Document:
    raw = path.read_bytes()
    text = raw.decode("utf-8").replace("\r\n", "\n")
    front, body = _front_matter(text, path)
    title = str(front.get("title") or "")
    sections: list[Section] = []
    current: Section | None = None  # the section or subsection receiving lines
    expect_meta = False
    for line in body.split("\n"):
        heading = _HEADING_RE.match(line)
        level = len(heading.group(1)) if heading else 0
        if heading and level == 1:
            title = title or heading.group(2)
            current, expect_meta = None, False
            continue
        if heading and level in (2, 3):
            if level == 2:
                current = Section(2, heading.group(2), dict(front))
                sections.append(current)
            elif sections:
                parent = sections[-1]
                current = Section(3, heading.group(2), dict(parent.meta))
                parent.subsections.append(current)
            else:
                raise DocumentError(f"{path.name}: '### {heading.group(2)}' before any '##' section")
            expect_meta = True
            continue
        if current is None:
            continue  # text between the title and the first section is not retrieved
        if expect_meta and line.strip():
            expect_meta = False
            meta = parse_meta_comment(line)
            if meta is not None:
                current.meta.update(meta)
                continue
        current.text += line + "\n"
    for section in sections:
        section.text = section.text.strip()
        for sub in section.subsections:
            sub.text = sub.text.strip()
    return Document(front["id"], title, front, sections, hashlib.sha256(raw).hexdigest(), path)


def load_documents(directory: Path) -> list[Document]:
    """All ``*.md`` documents of a directory, sorted by file name (README files excluded)."""
    paths = sorted(p for p in Path(directory).glob("*.md") if p.name.lower() != "readme.md")
    return [parse_document(p) for p in paths]
