"""The question bank: specific producer questions with short cited answers (``knowledge_base/questions/*.yml``).

Every phrasing of an entry becomes one retrieval chunk (heading = the phrasing, text = the answer); the chunks
of one entry share ``section_id = "qa:<entry id>"``, so the retriever returns an entry once. The citation's
decision, date and validity come from the first source section's document, never typed twice. The format and
its rules are in ``knowledge_base/questions/README.md``; ``check_entries`` enforces them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base import textnorm
from knowledge_base.retrieval.chunks import QA_DOC_ID, Chunk, ChunkParams, chunk_documents
from knowledge_base.retrieval.documents import Document

QA_PREFIX = "qa:"
KINDS = ("what", "how", "who", "when", "where", "yesno", "compare", "howmuch", "list", "outside")
OUTSIDE_TOPIC = "ngoai_pham_vi"
MAX_ANSWER_CHARS = 900
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DIGITS_RE = re.compile(r"\d+")
# Provisions an ``article`` names that the source sections must name too.
_PROVISION_RE = re.compile(r"(Điều \d+|Phụ lục [IVX]+|Mẫu số \d+)", re.IGNORECASE)
_YESNO_STARTS = ("có", "không", "được", "không được", "chưa")


class QuestionBankError(ValueError):
    """An entry does not follow knowledge_base/questions/README.md."""


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    kind: str
    sources: tuple[str, ...]
    article: str
    questions: tuple[str, ...]
    answer: str
    file: str


def _entry(raw: dict, topic: str, file: str) -> Entry:
    if not isinstance(raw, dict):
        raise QuestionBankError(f"{file}: every entry must be a mapping, got {raw!r:.60}")
    missing = [k for k in ("id", "kind", "source", "article", "questions", "answer") if not raw.get(k)]
    if missing:
        raise QuestionBankError(f"{file}: entry {raw.get('id')!r} lacks {', '.join(missing)}")
    sources = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
    questions = raw["questions"]
    if not isinstance(questions, list):
        raise QuestionBankError(f"{file}: entry {raw['id']!r}: questions must be a list")
    return Entry(
        str(raw["id"]),
        topic,
        str(raw["kind"]),
        tuple(str(s).strip() for s in sources),
        str(raw["article"]).strip(),
        tuple(textnorm.nfc(str(q)).strip() for q in questions),
        textnorm.nfc(str(raw["answer"])).strip(),
        file,
    )


def load_entries(directory: Path) -> list[Entry]:
    """All entries of ``<topic>.yml`` files in ``directory`` (none when it does not exist)."""
    paths = sorted(Path(directory).glob("*.yml")) if Path(directory).is_dir() else []
    return [entry for path in paths for entry in _file_entries(path)]


def load_topic(directory: Path, topic: str) -> list[Entry]:
    """The entries of one topic's file, ``<topic>.yml`` (parsing the whole bank takes most of a second)."""
    return _file_entries(Path(directory) / f"{topic}.yml")


def _file_entries(path: Path) -> list[Entry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise QuestionBankError(f"{path.name}: the file must be a YAML list of entries")
    return [_entry(raw, path.stem, path.name) for raw in data]


def file_hashes(directory: Path) -> dict[str, str]:
    """Content hashes of the bank's files, for the index fingerprint."""
    import hashlib

    paths = sorted(Path(directory).glob("*.yml")) if Path(directory).is_dir() else []
    return {f"questions/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@dataclass(frozen=True)
class SourceSection:
    chunk: Chunk  # the section's first chunk: its metadata
    text: str  # heading, article and the text of every window


def source_sections(docs: list[Document]) -> dict[str, SourceSection]:
    """Section id -> its metadata and whole text, over the parsed documents."""
    by_id: dict[str, list[Chunk]] = {}
    for chunk in chunk_documents(docs, ChunkParams()):
        by_id.setdefault(chunk.section_id, []).append(chunk)
    return {
        sid: SourceSection(chunks[0], "\n".join([chunks[0].heading, chunks[0].article] + [c.text for c in chunks]))
        for sid, chunks in by_id.items()
    }


def entry_chunks(entries: list[Entry], sections: dict[str, SourceSection]) -> list[Chunk]:
    """One chunk per phrasing; metadata from the entry and its first source section."""
    chunks: list[Chunk] = []
    for entry in entries:
        source = sections.get(entry.sources[0])
        if source is None:
            raise QuestionBankError(f"{entry.file}: entry {entry.id!r} cites unknown section {entry.sources[0]!r}")
        meta = source.chunk
        section_id = QA_PREFIX + entry.id
        for n, question in enumerate(entry.questions, start=1):
            chunks.append(
                Chunk(
                    id=section_id if n == 1 else f"{section_id}~{n}",
                    section_id=section_id,
                    doc_id=QA_DOC_ID,
                    title=entry.questions[0],
                    heading=question,
                    text=entry.answer,
                    decision=meta.decision,
                    decision_date=meta.decision_date,
                    article=entry.article,
                    topics=tuple(dict.fromkeys((entry.topic,) + meta.topics)),
                    validity=meta.validity,
                    superseded_by=meta.superseded_by,
                    confidence=meta.confidence,
                    kind=f"qa-{entry.kind}",
                )
            )
    return chunks


def _numbers(text: str) -> set[int]:
    return {int(d) for d in _DIGITS_RE.findall(text)}


def check_entry(entry: Entry, sections: dict[str, SourceSection], topics: set[str]) -> list[str]:
    """Every way ``entry`` breaks the README's rules (empty when it follows them)."""
    problems = []
    where = f"{entry.file}:{entry.id}"
    if not _ID_RE.match(entry.id):
        problems.append(f"{where}: id must be [a-z0-9-]")
    if entry.topic not in topics:
        problems.append(f"{where}: file {entry.file} is not a known topic")
    if entry.kind not in KINDS:
        problems.append(f"{where}: kind {entry.kind!r} is not one of {', '.join(KINDS)}")
    if (entry.kind == "outside") != (entry.topic == OUTSIDE_TOPIC):
        problems.append(f"{where}: kind 'outside' belongs in {OUTSIDE_TOPIC}.yml, and only there")
    if len(entry.questions) < 4:
        problems.append(f"{where}: needs at least 4 phrasings")
    if not any(q == textnorm.fold(q) for q in entry.questions):
        problems.append(f"{where}: needs a phrasing without diacritics")
    if len(entry.answer) > MAX_ANSWER_CHARS:
        problems.append(f"{where}: answer is {len(entry.answer)} characters (at most {MAX_ANSWER_CHARS})")
    if "…" in entry.answer or "..." in entry.answer:
        problems.append(f"{where}: answer must not be cut with an ellipsis")
    if entry.kind == "yesno" and not textnorm.fold(entry.answer).startswith(tuple(map(textnorm.fold, _YESNO_STARTS))):
        problems.append(f"{where}: a yes/no answer starts with Có, Không, Được or Không được")
    cited = [sections[s] for s in entry.sources if s in sections]
    for source in entry.sources:
        if source not in sections:
            problems.append(f"{where}: unknown source section {source!r}")
    if cited:
        source_text = "\n".join(s.text for s in cited)
        missing = sorted(_numbers(entry.answer) - _numbers(source_text))
        if missing:
            problems.append(f"{where}: numbers {missing} are not in its source section(s)")
        folded_source = textnorm.fold(source_text)
        for provision in _PROVISION_RE.findall(entry.article):
            if textnorm.fold(provision) not in folded_source:
                problems.append(f"{where}: article names {provision!r}, which its source section(s) do not")
    return problems


def check_entries(entries: list[Entry], sections: dict[str, SourceSection], topics: set[str]) -> list[str]:
    """Rule breaks of every entry, plus ids and phrasings that are not unique across the bank."""
    problems = [p for e in entries for p in check_entry(e, sections, topics)]
    seen_ids: set[str] = set()
    seen_questions: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen_ids:
            problems.append(f"{entry.file}:{entry.id}: duplicate id")
        seen_ids.add(entry.id)
        for question in entry.questions:
            key = textnorm.normalize_folded(question).strip(" ?")
            if key in seen_questions and seen_questions[key] != entry.id:
                problems.append(f"{entry.file}:{entry.id}: phrasing {question!r} also in {seen_questions[key]}")
            seen_questions.setdefault(key, entry.id)
    return problems
