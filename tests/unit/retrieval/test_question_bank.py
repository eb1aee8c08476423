"""The question bank: its rules (numbers and citations checked against the documents) and its retrieval."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest

from knowledge_base import textnorm
from knowledge_base.answer import answer_question
from knowledge_base.retrieval import Hit, Retriever
from knowledge_base.retrieval.documents import load_documents
from knowledge_base.retrieval.index import build_in_memory
from knowledge_base.retrieval.question_bank import (
    OUTSIDE_TOPIC,
    Entry,
    check_entries,
    check_entry,
    load_entries,
    source_sections,
)
from knowledge_base.settings import KBSettings
from knowledge_base.topics import INTENT_TOPICS

TOPICS = set(INTENT_TOPICS.values()) | {OUTSIDE_TOPIC}


@pytest.fixture(scope="module")
def real_bank():
    settings = KBSettings.from_env()
    sections = source_sections(load_documents(settings.documents_dir))
    return load_entries(settings.question_bank_dir), sections


def test_every_entry_follows_the_rules(real_bank):
    entries, sections = real_bank
    problems = check_entries(entries, sections, TOPICS)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_the_bank_covers_every_topic_with_400_entries(real_bank):
    entries, _ = real_bank
    per_topic = Counter(e.topic for e in entries)
    assert set(per_topic) == TOPICS, f"topics without entries: {TOPICS - set(per_topic)}"
    assert len(entries) >= 400, per_topic


def test_every_entry_has_an_informal_phrasing(real_bank):
    """Producers type without diacritics and with chat abbreviations; the bank indexes such phrasings."""
    entries, _ = real_bank
    folded = sum(any(q == textnorm.fold(q) for q in e.questions) for e in entries)
    abbreviated = sum(any(textnorm.normalize(q) != textnorm.nfc(q).lower() for q in e.questions) for e in entries)
    assert folded == len(entries)
    assert abbreviated >= 0.5 * len(entries)


def _entry(**changes) -> Entry:
    base = dict(
        id="ho-so-lan-dau",
        topic="ho_so",
        kind="list",
        sources=("qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi",),
        article="Điều 6 khoản 1",
        answer="Hồ sơ gồm Mẫu số 01, Mẫu số 02 và 05 sản phẩm mẫu.",
        questions=("Hồ sơ lần đầu gồm gì?", "ho so lan dau gom gi", "hs lần đầu cần j", "cho em hỏi hồ sơ ạ"),
        file="ho_so.yml",
    )
    return Entry(**{**base, **changes})


@pytest.fixture
def fixture_sections(docs_dir):
    return source_sections(load_documents(docs_dir))


def test_a_correct_entry_passes(fixture_sections):
    assert check_entry(_entry(), fixture_sections, TOPICS) == []


@pytest.mark.parametrize(
    "changes, problem",
    [
        (dict(answer="Hồ sơ gồm 3 văn bản và 05 sản phẩm mẫu."), "numbers [3]"),
        (dict(article="Điều 9 khoản 1"), "Điều 9"),
        (dict(sources=("qd-moi#khong-co",)), "unknown source"),
        (dict(kind="yesno", answer="Hồ sơ gồm Mẫu số 01."), "yes/no"),
        (dict(kind="outside"), "outside"),
        (dict(answer="Hồ sơ gồm Mẫu số 01, Mẫu số 02…"), "ellipsis"),
        (
            dict(questions=("Hồ sơ lần đầu gồm gì?", "hồ sơ lần đầu cần gì", "hs lần đầu cần j", "cho em hỏi hồ sơ ạ")),
            "without diacritics",
        ),
        (dict(kind="why"), "kind"),
    ],
)
def test_a_broken_entry_is_named(fixture_sections, changes, problem):
    problems = check_entry(_entry(**changes), fixture_sections, TOPICS)
    assert any(problem in p for p in problems), problems


def test_a_phrasing_in_two_entries_is_named(fixture_sections):
    twin = _entry(id="ho-so-khac", questions=("HỒ SƠ LẦN ĐẦU GỒM GÌ", "x y z", "ho so khac", "hs khác"))
    problems = check_entries([_entry(), twin], fixture_sections, TOPICS)
    assert any("also in ho-so-lan-dau" in p for p in problems)


@pytest.fixture
def bank_env(kb_env):
    """The fixture corpus with a small question bank beside its documents."""
    bank = kb_env.question_bank_dir
    bank.mkdir()
    (bank / "ho_so.yml").write_text(
        textwrap.dedent("""\
        - id: so-mau-ho-so
          kind: howmuch
          source: qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi
          article: Điều 6 khoản 1
          questions:
            - Phải nộp kèm bao nhiêu sản phẩm mẫu?
            - cho em hỏi gửi mấy cái mẫu ạ
            - nop bao nhieu san pham mau
            - nộp mấy sp mẫu vs hs
          answer: |
            Kèm hồ sơ là 05 sản phẩm mẫu:
            - nộp cùng Phiếu đăng ký Mẫu số 01;
            - nộp cùng Báo cáo tự đánh giá Mẫu số 02.
        """),
        encoding="utf-8",
    )
    return kb_env


def test_bank_entries_are_indexed_beside_sections(bank_env):
    index = build_in_memory(bank_env)
    ids = [c.section_id for c in index.chunks]
    assert ids.count("qa:so-mau-ho-so") == 4  # one chunk per phrasing
    assert "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi" in ids
    hits = Retriever(index).search("nộp mấy cái sản phẩm mẫu vậy", k=3)
    assert hits[0].chunk.section_id == "qa:so-mau-ho-so"
    assert len({h.chunk.section_id for h in hits}) == len(hits)  # an entry is returned once


def test_a_bank_answer_is_sent_whole_with_its_citation(bank_env):
    answer = answer_question("nop bao nhieu san pham mau vay a")
    assert answer.confident
    assert answer.text.startswith("Kèm hồ sơ là 05 sản phẩm mẫu:")
    assert "- nộp cùng Báo cáo tự đánh giá Mẫu số 02." in answer.text  # the whole list
    # The citation takes the decision from the source document's front matter.
    assert answer.citation == "Theo Điều 6 khoản 1, QĐ 26/2026/QĐ-TTg ngày 22/5/2026"


def test_a_message_with_two_questions_gets_both_answers(bank_env):
    answer = answer_question("Phải nộp kèm bao nhiêu sản phẩm mẫu? Giấy chứng nhận có giá trị bao lâu?")
    assert answer.confident
    first, second = answer.text.split("❓ ")[1:]
    assert first.startswith("Phải nộp kèm bao nhiêu sản phẩm mẫu?") and "05 sản phẩm mẫu" in first
    assert second.startswith("Giấy chứng nhận có giá trị bao lâu?") and "36 tháng" in second
    assert "Theo Điều 4 khoản 3" in second  # each answer keeps its own citation


def test_a_question_outside_the_decisions_says_so_and_names_who_helps(bank_env):
    from knowledge_base.answer import OUTSIDE

    answer = answer_question("giá vàng hôm nay bao nhiêu", intent="out_of_scope")
    assert not answer.confident
    assert answer.text.startswith(OUTSIDE)
    assert "UBND cấp xã" in answer.text


def test_an_entry_that_wins_by_generic_words_alone_is_undecided(bank_env):
    index = build_in_memory(bank_env)
    retriever = Retriever(index)
    entry = next(c for c in index.chunks if c.section_id == "qa:so-mau-ho-so")
    section = next(c for c in index.chunks if not c.is_qa)
    asked = "nộp mấy cái sản phẩm mẫu vậy"
    assert retriever.decided(asked, retriever.search(asked, k=3))
    unrelated = "giá vàng hôm nay thế nào"  # no phrasing of the entry shares its words
    assert not retriever.decided(unrelated, [Hit(entry, 1.0), Hit(section, 0.99)])
    assert retriever.decided(unrelated, [Hit(entry, 1.0), Hit(section, 0.5)])  # a clear winner
    assert retriever.decided(unrelated, [Hit(section, 1.0), Hit(entry, 0.99)])  # sections are not judged here
