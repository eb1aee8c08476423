"""The answer-level evaluator scores the one reply a producer reads."""

import textwrap

import pytest

from knowledge_base import answer_evaluation as ev
from knowledge_base.answer import NOT_SURE
from stack.services import ROOT

MARKERS = ev.reply_markers(ROOT / "domain.yml", [NOT_SURE])


def item(**changes) -> ev.Item:
    base = dict(
        id="a1",
        question="Giấy chứng nhận có giá trị bao lâu?",
        origin="",
        real=True,
        style="clean",
        topic="hieu_luc",
        expect="answer",
        must=(("36 thang", "3 nam"), ("dieu 4",)),
        must_not=("24 thang",),
        split="tune",
    )
    return ev.Item(**{**base, **changes})


@pytest.mark.parametrize(
    "reply, outcome",
    [
        ("Giấy chứng nhận có giá trị 36 tháng. Theo Điều 4 khoản 3, QĐ 26/2026/QĐ-TTg", "correct"),
        ("GIAY CHUNG NHAN CO GIA TRI 3 NAM (dieu 4)", "correct"),  # without diacritics or case
        ("Giấy chứng nhận có giá trị 36 tháng.", "partial"),
        ("Giấy chứng nhận có giá trị 24 tháng theo Điều 4.", "wrong"),  # a must_not fact
        ("Hồ sơ gồm Mẫu số 01 và Mẫu số 02.", "wrong"),
        (NOT_SURE + " Anh/chị vui lòng liên hệ UBND cấp xã.", "refused"),
        ("", "refused"),
        ("Chúc bạn và sản phẩm của mình thành công! Khi cần, bạn cứ nhắn lại cho tôi.", "misrouted"),
        ("Tự đánh giá nhanh số sao OCOP dự kiến: sản phẩm của bạn là gì?", "misrouted"),
    ],
)
def test_outcomes(reply, outcome):
    assert ev.score_reply(item(), reply, MARKERS) == outcome


def test_a_refusal_is_refused_even_when_its_hotline_text_holds_a_fact():
    outside = item(expect="outside", must=(("ubnd cap xa",),), must_not=())
    assert ev.score_reply(outside, NOT_SURE + " Hãy hỏi UBND cấp xã.", MARKERS) == "refused"
    assert ev.score_reply(outside, "Việc này ngoài các quyết định OCOP; hãy hỏi UBND cấp xã.", MARKERS) == "correct"


def test_tables_count_each_outcome_by_group():
    results = [(item(style="clean"), "correct"), (item(style="abbrev"), "wrong"), (item(style="clean"), "partial")]
    rows = ev.table(results, lambda i: i.style)
    assert rows["clean"]["correct"] == 1 and rows["clean"]["partial"] == 1
    assert ev.share(rows["all"]) == pytest.approx(1 / 3)
    assert "abbrev" in ev.format_table("style", rows)


def test_the_fingerprint_changes_when_an_item_moves_between_splits():
    assert ev.fingerprint([item()]) != ev.fingerprint([item(split="holdout")])


def test_malformed_items_are_named(tmp_path):
    path = tmp_path / "q.yml"
    path.write_text(
        textwrap.dedent("""\
        - id: a1
          question: "x"
          style: clean
          topic: ho_so
          split: later
          must: ["a"]
    """),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="a1"):
        ev.load_items(path)


def test_the_evaluation_set_loads():
    items = ev.load_items(ROOT / "tests" / "answers" / "questions.yml")
    assert len({i.id for i in items}) == len(items)
