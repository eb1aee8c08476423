"""Compose a short, cited Vietnamese answer from the knowledge base (used by the Rasa action server).

``answer_question`` answers each question of a message (``question_kind.split_questions``) in turn:
- a product or product-set question ("nước mắm thuộc nhóm nào", "bộ 9 cần gì để đạt 4 sao") is answered
  from the scoring sheets as data (``product_answers``);
- a question whether one named product is OCOP is searched as one about "sản phẩm này" (``named_products``);
- otherwise the hybrid retriever (cached per process) finds a question-bank entry, whose answer is sent
  whole, or a document section, whose most relevant whole passages are sent; then the citation line, a
  note when the source decision is superseded, and one or two follow-up buttons. A yes/no entry's bare
  opening ("Không.", "Có.") is dropped when the question is not a yes/no question ("…thì phải làm gì"), or asks
  what must be done ("có bắt buộc…") of an entry written for what may be done ("có được…"), or the reverse;
- when confidence is below ``CONFIDENCE_THRESHOLD``, or a bank entry wins undecided (``Retriever.decided``:
  no phrasing close to the question and a runner-up almost as strong), it says it is not sure (or, for a message the NLU
  found out of scope, that the OCOP decisions do not cover it) and names who can help; a question naming a
  subject outside the decisions (``outside_subjects.yml``: tax, loans, VietGAP …) that no entry covers is told
  so, with who knows that subject.
It never guesses. Lists are never cut: a channel splits a long reply into several messages.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from knowledge_base import criteria_mentions, legal, named_products, outside_subjects, settings, textnorm
from knowledge_base.hotline import hotline_message
from knowledge_base.product_answers import answer_from_data
from knowledge_base.question_kind import kind_of, split_questions
from knowledge_base.retrieval import Hit, Retriever, get_retriever
from knowledge_base.retrieval.chunks import Chunk
from knowledge_base.starmarks import render_star_marks
from knowledge_base.topics import INTENT_TOPICS, REGISTRY

log = logging.getLogger(__name__)

# Calibrated on the gold set (tests/retrieval/gold.yml): see docs/benchmarks.md.
CONFIDENCE_THRESHOLD = 0.44
# Budget for the direct answer before the citation (channels may cut further with max_chars).
BODY_CHARS = 700

NOT_SURE = (
    "Xin lỗi, tôi chưa tìm thấy thông tin đủ chắc chắn để trả lời câu hỏi này trong các văn bản về OCOP mà tôi có."
)
OUTSIDE_OPENING = (
    "Câu hỏi này nằm ngoài phạm vi các quyết định về Chương trình OCOP mà tôi dựa vào để trả lời, "
    "nên tôi không trả lời đoán."
)
OUTSIDE = (
    f"{OUTSIDE_OPENING} Tôi tư vấn về OCOP: điều kiện tham gia, nhóm sản phẩm, hồ sơ, quy trình "
    "đánh giá, tiêu chí và hạng sao."
)
# At most this many questions of one message are answered, each under its own heading.
MAX_QUESTIONS = 3
EMPTY_QUESTION = 'Anh/chị vui lòng nhập câu hỏi về chương trình OCOP (ví dụ: "hồ sơ OCOP gồm những gì?").'

# Follow-up suggestions per topic: (button title, intent), from the topic registry.
_FOLLOW_UPS: dict[str, list[tuple[str, str]]] = REGISTRY.follow_ups()
_HOTLINE_BUTTON = {"title": "Gặp cán bộ hỗ trợ", "payload": "/human_handoff"}

# A yes/no entry's opening sentence of one word ("Có.", "Không được.") and what follows it.
_YESNO_OPENING_RE = re.compile(r"^(?:Có|Không|Được|Không được|Chưa)\.\s+(?=\S)")
# Whatever kind question_kind ranks first, a question ending in "không/chưa" or asking "có … không" wants a yes/no.
_YESNO_QUESTION_RE = re.compile(r"\b(?:khong|chua)(?: (?:a|ha|nhi|vay|the|nhe))*$|\bco\b.*\b(?:khong|chua)\b")
# What a yes/no question asks: what must be done ("có bắt buộc…", "có cần…", "có phải nộp…") or what may be
# done ("có được…", "có thể…"). A bare "Không." written for the one answers the other's opposite.
_MUST_RE = re.compile(
    r"\b(?:bat buoc|buoc phai|co can|can phai|phai co"
    r"|co phai (?:nop|lam|dang ky|xin|cho|doi|danh gia|co|gui|in|dan|ghi))\b"
)
_MAY_RE = re.compile(r"\b(?:duoc|co the)\b")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;:])\s+(?=\S)")
_MARKDOWN_RE = re.compile(r"\*\*|__|`|^#+\s*", re.MULTILINE)


@dataclass
class Answer:
    text: str
    citation: str
    buttons: list[dict] = field(default_factory=list)
    confident: bool = False
    hits: list[Hit] = field(default_factory=list)
    note: str = ""  # superseded-decision note, sent after the citation


def _entity_decisions(entities) -> set[str]:
    """Decisions named in Rasa entities: a list of {"entity", "value"} dicts or a {name: value} mapping."""
    if isinstance(entities, dict):
        items = [{"entity": k, "value": v} for k, v in entities.items()]
    else:
        items = [e for e in entities or () if isinstance(e, dict)]
    values = []
    for item in items:
        if item.get("entity") == "decision":
            value = item.get("value")
            values += value if isinstance(value, list) else [value]
    return {str(v).strip() for v in values if v}


def plain_text(markdown: str) -> str:
    """Document text as a chat message shows it: emphasis marks and heading hashes removed."""
    return _MARKDOWN_RE.sub("", render_star_marks(markdown))


def _passages(text: str) -> list[str]:
    """Paragraph blocks of a chunk, markdown emphasis removed (lists stay with their lead line)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", plain_text(text)) if b.strip()]
    return [b for b in blocks if not b.startswith("|---")]


def _section_passages(chunks: list[Chunk], best: Chunk) -> list[str]:
    """Passages of the whole section ``best`` belongs to (windows re-joined, overlaps dropped)."""
    passages: list[str] = []
    for chunk in chunks:
        if chunk.section_id == best.section_id and chunk.heading == best.heading:
            passages += [p for p in _passages(chunk.text) if p not in passages]
    return passages or _passages(best.text)


def _words(text: str, keep_marks: bool) -> set[str]:
    return set((textnorm.normalize if keep_marks else textnorm.normalize_folded)(text).split())


def _direct_answer(question: str, passages: list[str], heading: str, budget: int) -> str:
    """The section's first passage plus the passages sharing most words with the question, in order,
    each whole (``budget`` bounds what is added after the first).

    Words are compared with their diacritics when the question has any ("bộ" is not "bổ"), folded
    otherwise; a passage must share at least half as many words as the best one to be added.
    """
    if not passages:
        return heading
    keep_marks = textnorm.fold(question) != question.lower()
    query_words = _words(question, keep_marks)
    overlaps = [len(query_words & _words(p, keep_marks)) for p in passages]
    needed = max(1, max(overlaps[1:], default=0) / 2)
    chosen = {0}
    size = len(passages[0])
    for i in sorted(range(1, len(passages)), key=lambda i: (-overlaps[i], i)):
        if overlaps[i] >= needed and size + 2 + len(passages[i]) <= budget:
            chosen.add(i)
            size += 2 + len(passages[i])
    return "\n\n".join(passages[i] for i in sorted(chosen))  # whole passages: a list is never cut


def trim_to_sentences(text: str, limit: int) -> str:
    """``text`` cut at the last sentence (or list line) boundary that fits in ``limit`` characters."""
    if len(text) <= limit:
        return text
    pieces = [p for line in text.split("\n") for p in (_SENTENCE_END_RE.split(line) + ["\n"])]
    out = ""
    for piece in pieces:
        candidate = out + piece if piece == "\n" or not out or out.endswith("\n") else f"{out} {piece}"
        if len(candidate.rstrip()) > limit - 1:
            break
        out = candidate
    out = out.rstrip()
    if not out:  # a single sentence longer than the limit: cut at a word boundary
        out = text[: max(limit - 1, 0)].rsplit(" ", 1)[0]
    return out + "…" if len(out) < len(text.rstrip()) else out


def _superseded_note(chunk: Chunk, body: str) -> str:
    """The validity note, unless the passage quoted already says the decision is no longer in force."""
    if "hết hiệu lực" in body and chunk.superseded_by in body:
        return ""
    if chunk.validity == "superseded":
        replaced = f", đã được thay thế bởi {chunk.superseded_by}" if chunk.superseded_by else ""
        return f"Lưu ý: {chunk.decision or 'văn bản này'} đã hết hiệu lực{replaced}. " + legal.sentence("applies_from")
    if chunk.validity == "programme":
        return f"Lưu ý: {chunk.decision or 'văn bản này'} phê duyệt một giai đoạn của chương trình đã kết thúc."
    return ""


def _buttons(chunk: Chunk, intent: str | None) -> list[dict]:
    asked = INTENT_TOPICS.get(intent or "")
    topic = next((t for t in chunk.topics if t in _FOLLOW_UPS and t != asked), None) or next(
        (t for t in chunk.topics if t in _FOLLOW_UPS), "tong_quan"
    )
    buttons, seen = [], {intent}
    for title, follow in _FOLLOW_UPS[topic]:
        if follow not in seen:
            seen.add(follow)
            buttons.append({"title": title, "payload": f"/{follow}"})
    return buttons[:2]


def _fit(parts: list[str], max_chars: int | None) -> str:
    """Join the answer's parts; when too long, shorten the first (the direct answer) only."""
    text = "\n\n".join(p for p in parts if p)
    if not max_chars or len(text) <= max_chars:
        return text
    tail = "\n\n".join(p for p in parts[1:] if p)
    room = max_chars - len(tail) - 2
    if room < 40:
        return trim_to_sentences(text, max_chars)
    return "\n\n".join(p for p in [trim_to_sentences(parts[0], room)] + parts[1:] if p)


# A question on how OCOP scores a subject ("chứng nhận hữu cơ được cộng mấy điểm") is inside the decisions even
# when the subject itself is not: the reply then says it is not sure, not that the question is outside.
_SCORING_RE = re.compile(r"\b(?:diem|[1-5] sao|may sao|hang sao|phieu cham|bo tieu chi|tieu chi ocop)\b")


def asks_about_scoring(question: str) -> bool:
    """Whether ``question`` asks how OCOP scores something (points, a star level, the sheets)."""
    return bool(_SCORING_RE.search(textnorm.normalize_folded(question)))


def outside_subjects_text(question: str) -> str:
    """That the subjects outside the decisions ``question`` names are not covered, and who to ask ("" if none)."""
    subjects = outside_subjects.chosen(outside_subjects.named(question))
    if not subjects:
        return ""
    asks = outside_subjects.who_to_ask(subjects, ask="anh/chị hãy hỏi")
    scored = asks_about_scoring(question) and not all(s.own_rating for s in subjects)
    opening = NOT_SURE if scored else OUTSIDE_OPENING
    return f"{opening} {asks[0].upper()}{asks[1:]}."


def _not_sure(hits: list[Hit], max_chars: int | None, intent: str | None = None, question: str = "") -> Answer:
    opening = outside_subjects_text(question) or (OUTSIDE if intent == "out_of_scope" else NOT_SURE)
    return Answer(_fit([opening, hotline_message()], max_chars), "", [dict(_HOTLINE_BUTTON)], False, hits)


def confidence_threshold() -> float:
    """``OCOP_KB_MIN_CONFIDENCE`` overrides the calibrated threshold (e.g. for a different embedder)."""
    value = settings.load().kb_min_confidence
    try:
        return float(value) if value else CONFIDENCE_THRESHOLD
    except ValueError:
        log.warning("OCOP_KB_MIN_CONFIDENCE=%r is not a number; using %s", value, CONFIDENCE_THRESHOLD)
        return CONFIDENCE_THRESHOLD


def asks_yes_or_no(question: str) -> bool:
    """Whether ``question`` wants a yes or a no first ("…có bị loại không", "htx tham gia dc ko")."""
    return kind_of(question) == "yesno" or bool(_YESNO_QUESTION_RE.search(textnorm.normalize_folded(question)))


def modality(text: str) -> str:
    """ "must" for a question on an obligation, "may" for one on a permission, "" for neither."""
    folded = textnorm.normalize_folded(text)
    return "must" if _MUST_RE.search(folded) else "may" if _MAY_RE.search(folded) else ""


def _asks_the_other_modality(question: str, phrasings: tuple[str, ...]) -> bool:
    """Whether ``question`` asks an obligation and the entry's phrasings (mostly) a permission, or the reverse."""
    asked = modality(question)
    kinds = [modality(p) for p in phrasings]
    must, may = kinds.count("must"), kinds.count("may")
    written = "must" if must > may else "may" if may > must else ""
    return bool(asked and written) and asked != written


def fit_opening(answer: str, question: str, phrasings: tuple[str, ...] = ()) -> str:
    """``answer`` without its one-word yes/no opening sentence when ``question`` is not a yes/no question, or asks
    what must be done of an entry written for what may be done (or the reverse: ``phrasings`` are the entry's)."""
    opening = _YESNO_OPENING_RE.match(answer)
    if not opening or (asks_yes_or_no(question) and not _asks_the_other_modality(question, phrasings)):
        return answer
    rest = answer[opening.end() :]
    return rest[0].upper() + rest[1:]


def _found(question: str, hits: list[Hit], retriever: Retriever) -> bool:
    """Whether the best hit answers ``question`` surely enough to be sent."""
    return retriever.confidence(question, hits) >= confidence_threshold() and retriever.decided(question, hits)


def _answer_one(question: str, intent: str | None, entities, retriever: Retriever) -> Answer:
    """The answer to one question, or a refusal (``confident`` False) without the hotline text."""
    question = named_products.generalized(question)  # "Nước mắm Cửa Khe là OCOP?" asks about one product
    # A product named beside a subject outside the decisions ("mật ong ... thuế") is not a product question.
    subjects = outside_subjects.named(question)
    data = None if subjects else answer_from_data(question)
    if data is not None:
        return Answer(data.text, data.citation, [], True, [])
    decisions = _entity_decisions(entities)
    hits = retriever.search(question, k=5, decisions=decisions)
    found = _found(question, hits, retriever)
    if not found and retriever.has_semantic:
        # The semantic signal may have moved a sure answer for the words typed below an entry it is unsure of.
        lexical = retriever.search(question, k=5, decisions=decisions, semantic=False)
        if _found(question, lexical, retriever):
            hits, found = lexical, True
    # How the sheets score such a subject ("VietGAP được mấy điểm") is answered from the sheets, unless an entry
    # on how OCOP treats it answers (an entry saying only that the subject is outside the decisions does not).
    if subjects and asks_about_scoring(question) and (not found or hits[0].chunk.kind == "qa-outside"):
        earns = asks_yes_or_no(question) and " diem " in f" {textnorm.normalize_folded(question)} "
        scored = criteria_mentions.answer(subjects, yes_first=earns)
        if scored is not None:
            return Answer(scored.text, scored.citation, [], True, hits)
    if not found:
        return Answer("", "", [], False, hits)
    best = hits[0].chunk
    if best.is_qa:  # a question-bank entry: its answer is written to be sent whole
        body = fit_opening(render_star_marks(best.text), question, retriever.entry_phrasings[best.section_id])
    else:
        body = _direct_answer(question, _section_passages(retriever.index.chunks, best), best.heading, BODY_CHARS)
    return Answer(body, best.citation(), _buttons(best, intent), True, hits, _superseded_note(best, body))


def answer_question(
    text: str,
    intent: str | None = None,
    entities=None,
    max_chars: int | None = None,
    retriever: Retriever | None = None,
) -> Answer:
    """A cited answer to every question of ``text`` (see module docstring); ``confident`` is False on refusal.

    ``retriever`` defaults to the process-wide hybrid retriever (another one is for measurements)."""
    retriever = retriever or get_retriever("hybrid")
    message = textnorm.collapse_spaces(textnorm.nfc(text or ""))[:2000]
    if not textnorm.normalize_folded(message):
        return Answer(_fit([EMPTY_QUESTION], max_chars), "", [], False, [])
    questions = split_questions(message)[:MAX_QUESTIONS]
    answers = [_answer_one(q, intent, entities, retriever) for q in questions] if len(questions) > 1 else []
    found = [(q, a) for q, a in zip(questions, answers) if a.confident]
    if len(found) < 2:  # one question, or only one part answered: answer the message as a whole
        whole = _answer_one(message, intent, entities, retriever)
        if not whole.confident:
            return _not_sure(whole.hits, max_chars, intent, message)
        return Answer(
            _fit([whole.text, whole.citation, whole.note], max_chars),
            whole.citation,
            whole.buttons,
            True,
            whole.hits,
            whole.note,
        )
    parts, seen = [], set()
    for question, answer in found:
        if answer.text not in seen:  # two questions answered by the same entry are answered once
            seen.add(answer.text)
            parts.append("\n".join(p for p in (f"❓ {question}", answer.text, answer.citation, answer.note) if p))
    skipped = [q for q, a in zip(questions, answers) if not a.confident]
    if skipped:
        parts.append("Tôi chưa tìm thấy thông tin đủ chắc chắn cho câu: " + "; ".join(f"“{q}”" for q in skipped))
    first = found[0][1]
    return Answer(_fit(parts, max_chars), first.citation, first.buttons, True, first.hits)
