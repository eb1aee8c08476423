"""Turn parsed documents into retrieval chunks with stable ids and a citation each.

One `##` section is one chunk. A section longer than ``split_chars`` is split at its `###` subsections
(the section's own lead text keeps the section id); a piece still longer than ``window_chars`` is cut into
windows of whole paragraphs that overlap by about ``overlap_chars``. Ids follow docs/contracts.md:
``<doc id>#<slug>``; later windows get ``~2``, ``~3`` (a character slugs never contain).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from knowledge_base import textnorm
from knowledge_base.retrieval.documents import Document, Section
from knowledge_base.retrieval.policy import chunk_decisions

_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
# ``doc_id`` of the chunks made from question-bank entries (knowledge_base/retrieval/question_bank.py).
QA_DOC_ID = "questions"


def slugify(heading: str) -> str:
    """``textnorm.fold(heading)`` with runs of non-alphanumerics replaced by one ``-``."""
    return _NON_ALNUM_RE.sub("-", textnorm.fold(heading)).strip("-")


@dataclass(frozen=True)
class ChunkParams:
    """Chunking parameters (chosen by measurement on the gold set, see docs/benchmarks.md)."""

    split_chars: int = 1800
    window_chars: int = 1800
    overlap_chars: int = 250


# An article field that locates a provision: "Điều 6 khoản 1", "Phụ lục II", "Mẫu số 02", "QĐ 1162/...".
_PROVISION_RE = re.compile(
    r"(Điều|Khoản|Điểm|Phụ lục|Mục|Chương|Phần|Mẫu|Tiêu chí|QĐ|Quyết định|Nghị quyết)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Chunk:
    id: str
    section_id: str  # id of the enclosing `##` section (equal to ``id`` for unsplit sections)
    doc_id: str
    title: str
    heading: str
    text: str
    decision: str
    decision_date: str
    article: str
    topics: tuple[str, ...]
    validity: str
    superseded_by: str
    confidence: str
    kind: str
    only_if: tuple[str, ...] = ()  # folded phrases; without one of them in the query the chunk is demoted

    @property
    def is_qa(self) -> bool:
        """Made from a question-bank entry: ``heading`` is one phrasing, ``text`` the entry's answer."""
        return self.doc_id == QA_DOC_ID

    def citation(self) -> str:
        """E.g. "Theo Điều 6 khoản 1, QĐ 26/2026/QĐ-TTg ngày 22/5/2026".

        An ``article`` that describes the source instead of locating a provision ("Thông tin bối cảnh",
        "Chính sách của từng tỉnh") follows the decision: "Nguồn: QĐ 490/QĐ-TTg ngày 07/5/2018 — toàn văn".
        """
        source = self.decision + (f" ngày {self.decision_date}" if self.decision and self.decision_date else "")
        if self.article and not _PROVISION_RE.match(self.article):
            note = self.article[0].lower() + self.article[1:]
            return f"Nguồn: {source} — {note}" if source else f"Nguồn: {self.article}"
        if chunk_decisions(self.decision) & chunk_decisions(self.article):  # the article names it already
            source = ""
        parts = [p for p in (self.article, source) if p]
        if not parts:
            return f"Theo tài liệu “{self.title}”"
        return "Theo " + ", ".join(parts)

    def index_text(self) -> str:
        """What the retrievers see: the heading carries much of a section's meaning."""
        return f"{self.heading}\n{self.text}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["topics"] = list(self.topics)
        data["only_if"] = list(self.only_if)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        return cls(**{**data, "topics": tuple(data["topics"]), "only_if": tuple(data.get("only_if", ()))})


def _paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; list items and table rows stay with their block."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _windows(text: str, params: ChunkParams) -> list[str]:
    """Paragraph windows; a short tail is kept with the window before it instead of standing alone."""
    if len(text) <= params.window_chars:
        return [text]
    windows: list[list[str]] = [[]]
    fresh = [0]  # per window: how many of its paragraphs are not carried-over overlap
    size = 0
    for para in _paragraphs(text):
        if windows[-1] and size + len(para) > params.window_chars:
            overlap: list[str] = []
            for prev in reversed(windows[-1]):
                if sum(map(len, overlap)) + len(prev) > params.overlap_chars:
                    break
                overlap.insert(0, prev)
            windows.append(overlap)
            fresh.append(0)
            size = sum(map(len, overlap))
        windows[-1].append(para)
        fresh[-1] += 1
        size += len(para)
    tail = windows[-1][len(windows[-1]) - fresh[-1] :]
    if len(windows) > 1 and sum(map(len, tail)) < params.window_chars // 3:
        windows.pop()
        windows[-1] += tail
    return ["\n\n".join(w) for w in windows]


def _section_text(section: Section) -> str:
    parts = [section.text] + [f"### {s.heading}\n{s.text}" for s in section.subsections]
    return "\n\n".join(p for p in parts if p).strip()


def _make_chunks(
    doc: Document, chunk_id: str, section_id: str, heading: str, text: str, meta: dict, params: ChunkParams
) -> list[Chunk]:
    chunks = []
    for n, window in enumerate(_windows(text, params), start=1):
        chunks.append(
            Chunk(
                id=chunk_id if n == 1 else f"{chunk_id}~{n}",
                section_id=section_id,
                doc_id=doc.id,
                title=doc.title,
                heading=heading,
                text=window,
                decision=str(meta.get("decision", "")),
                decision_date=str(meta.get("decision_date", "")),
                article=str(meta.get("article", "")),
                topics=tuple(meta.get("topics", ())),
                validity=str(meta.get("validity", "") or "current"),
                superseded_by=str(meta.get("superseded_by", "")),
                confidence=str(meta.get("confidence", "")),
                kind=str(meta.get("kind", "")),
                only_if=tuple(textnorm.normalize_folded(p) for p in meta.get("only_if", ())),
            )
        )
    return chunks


def chunk_document(doc: Document, params: ChunkParams = ChunkParams()) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}

    def unique(slug: str) -> str:
        seen[slug] = seen.get(slug, 0) + 1
        return f"{doc.id}#{slug}" if seen[slug] == 1 else f"{doc.id}#{slug}-{seen[slug]}"

    for section in doc.sections:
        section_id = unique(slugify(section.heading))
        whole = _section_text(section)
        if not section.subsections or len(whole) <= params.split_chars:
            chunks += _make_chunks(doc, section_id, section_id, section.heading, whole, section.meta, params)
            continue
        if section.text:
            chunks += _make_chunks(doc, section_id, section_id, section.heading, section.text, section.meta, params)
        for sub in section.subsections:
            chunks += _make_chunks(
                doc,
                unique(slugify(sub.heading)),
                section_id,
                f"{section.heading} — {sub.heading}",
                sub.text,
                sub.meta,
                params,
            )
    return chunks


def chunk_documents(docs: list[Document], params: ChunkParams = ChunkParams()) -> list[Chunk]:
    return [chunk for doc in docs for chunk in chunk_document(doc, params)]
