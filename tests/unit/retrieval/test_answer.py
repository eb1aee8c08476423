"""Answer composition: direct answer + citation, superseded note, refusal, channel limits."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.answer import answer_question, fit_opening, trim_to_sentences
from knowledge_base.hotline import hotline_message


def test_confident_answer_cites_its_source(kb_env):
    answer = answer_question("Hồ sơ đăng ký lần đầu gồm những gì?", intent="ask_dossier")
    assert answer.confident
    assert answer.text.startswith("Hồ sơ lần đầu gồm Phiếu đăng ký Mẫu số 01")
    assert answer.citation == "Theo Điều 6 khoản 1, QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    assert answer.citation in answer.text
    assert "hết hiệu lực" not in answer.text
    assert 1 <= len(answer.buttons) <= 2
    assert all(b["payload"].startswith("/ask_") or b["payload"] == "/start_self_assessment" for b in answer.buttons)
    assert "/ask_dossier" not in [b["payload"] for b in answer.buttons]  # no follow-up to the same intent
    assert answer.hits[0].chunk.id == "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi"


def test_no_diacritics_gives_the_same_answer(kb_env):
    assert (
        answer_question("giay chung nhan co gia tri bao lau").text
        == answer_question("Giấy chứng nhận có giá trị bao lâu?").text
    )


def test_superseded_source_says_what_replaced_it(kb_env):
    answer = answer_question(
        "Theo QĐ 148 thì hồ sơ đăng ký lần đầu gồm những gì?", entities=[{"entity": "decision", "value": "148"}]
    )
    assert answer.confident
    assert answer.citation == "Theo Phụ lục II khoản 1, QĐ 148/QĐ-TTg ngày 24/02/2023"
    assert "QĐ 148/QĐ-TTg đã hết hiệu lực, đã được thay thế bởi QĐ 26/2026/QĐ-TTg" in answer.text


def test_out_of_scope_is_refused_with_the_hotline(kb_env):
    answer = answer_question("Giá vàng hôm nay bao nhiêu một chỉ?")
    assert not answer.confident
    assert answer.citation == ""
    assert "chưa tìm thấy thông tin đủ chắc chắn" in answer.text
    assert hotline_message() in answer.text
    assert answer.buttons == [{"title": "Gặp cán bộ hỗ trợ", "payload": "/human_handoff"}]


def test_empty_question_asks_for_one(kb_env):
    for text in ("", "   ", "😀😀", None):
        answer = answer_question(text)
        assert not answer.confident and answer.hits == [] and "nhập câu hỏi" in answer.text


def test_max_chars_keeps_the_citation(kb_env):
    answer = answer_question("Hồ sơ đăng ký lần đầu gồm những gì?", max_chars=120)
    assert len(answer.text) <= 120
    assert answer.text.endswith(answer.citation)


def test_threshold_can_be_overridden(kb_env, monkeypatch):
    monkeypatch.setenv("OCOP_KB_MIN_CONFIDENCE", "1.01")
    assert not answer_question("Giấy chứng nhận có giá trị bao lâu?").confident
    monkeypatch.setenv("OCOP_KB_MIN_CONFIDENCE", "cao")  # not a number: the calibrated value is used
    assert answer_question("Giấy chứng nhận có giá trị bao lâu?").confident


def test_trim_cuts_at_sentence_boundaries():
    text = "Câu một ngắn. Câu hai dài hơn một chút. Câu ba."
    assert trim_to_sentences(text, 100) == text
    assert trim_to_sentences(text, 30) == "Câu một ngắn.…"
    assert trim_to_sentences("- mục một;\n- mục hai;\n- mục ba.", 22) == "- mục một;\n- mục hai;…"


@given(st.text(alphabet=st.sampled_from("ab cđ.;:!?\n"), max_size=300), st.integers(min_value=2, max_value=200))
def test_trim_never_exceeds_the_limit(text, limit):
    trimmed = trim_to_sentences(text, limit)
    assert len(trimmed) <= max(limit, 1)
    assert trimmed.rstrip("…") in text or re.sub(r"\s+", " ", trimmed.rstrip("…")) in re.sub(r"\s+", " ", text)


def test_superseded_note_is_not_repeated(kb_env):
    path = kb_env.documents_dir / "qd-cu.md"
    path.write_text(
        path.read_text(encoding="utf-8").rstrip()
        + (" Lưu ý: QĐ 148/QĐ-TTg đã hết hiệu lực, được thay thế bởi QĐ 26/2026/QĐ-TTg.\n"),
        encoding="utf-8",
    )
    answer = answer_question("Theo QĐ 148 thì hồ sơ đăng ký lần đầu gồm những gì?")
    assert answer.text.count("hết hiệu lực") == 1


def test_windowed_section_answers_from_the_whole_section(kb_env):
    path = kb_env.documents_dir / "qd-moi.md"
    filler = "\n\n".join(f"Đoạn bổ sung số {i} về thủ tục chung của chương trình." for i in range(60))
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Hồ sơ nộp tại UBND cấp xã nơi sản xuất.",
            f"{filler}\n\nHồ sơ nộp tại UBND cấp xã nơi sản xuất, gồm một bộ giấy và một bộ điện tử.",
        ),
        encoding="utf-8",
    )
    answer = answer_question("Hồ sơ nộp tại UBND cấp xã gồm một bộ giấy và bộ điện tử phải không?")
    assert answer.hits[0].chunk.id.startswith("qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi~")
    assert answer.text.startswith("Hồ sơ lần đầu gồm Phiếu đăng ký Mẫu số 01")
    assert "một bộ giấy và một bộ điện tử" in answer.text
    assert len({h.chunk.section_id for h in answer.hits}) == len(answer.hits)  # one hit per section


def test_odd_inputs_never_crash_and_respect_the_limit(kb_env):
    odd = [
        "<script>alert(1)</script>",
        "a" * 100_000,
        "hồ sơ " * 5000,
        "\u0301\u0301",
        "1234567890",
        "ho\u0300 so\u031b",
        "\x00\x01 hồ sơ",
        "QĐ 148 QĐ 1048 QĐ 781 26/2026",
        "?" * 50,
    ]
    for text in odd:
        answer = answer_question(text, max_chars=300)
        assert answer.text and len(answer.text) <= 300


@pytest.mark.parametrize(
    "question, opens",
    [
        ("hết hạn chứng nhận thì phải làm gì", "Giấy chứng nhận"),
        ("Giấy chứng nhận hết hạn thì xử lý thế nào?", "Giấy chứng nhận"),
        ("giấy chứng nhận hết hạn có tự gia hạn không", "Không. Giấy chứng nhận"),
        ("het han co tu gia han duoc ko", "Không. Giấy chứng nhận"),
    ],
)
def test_a_yes_no_opening_is_kept_only_for_a_yes_no_question(question, opens):
    answer = "Không. Giấy chứng nhận không tự gia hạn; chủ thể đăng ký đánh giá lại."
    assert fit_opening(answer, question).startswith(opens)


def test_a_bare_opening_is_dropped_when_the_question_asks_an_obligation_of_a_permission_entry():
    answer = "Không. Giấy chứng nhận đăng ký nhãn hiệu là yêu cầu tối thiểu 4 sao."
    phrasings = ("nhãn hiệu mới có đơn thì có được 4 sao không", "chưa có văn bằng có đc 4 sao ko")
    obliged = fit_opening(answer, "có bắt buộc phải có nhãn hiệu mới được 4 sao không", phrasings)
    assert obliged.startswith("Giấy chứng nhận")  # "Không." would say the trademark is not needed
    assert fit_opening(answer, "nhãn hiệu mới nộp đơn thì có được 4 sao không", phrasings).startswith("Không.")


def test_an_opening_that_is_part_of_the_sentence_stays():
    answer = "Không được với các bộ chế biến ở phiếu 7–15."
    assert fit_opening(answer, "nguyên liệu nhập khẩu thì sao") == answer
