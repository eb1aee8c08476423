"""The decision in force comes from the documents' front matter; star marks reach the reader as stars."""

import pytest

from knowledge_base import legal
from knowledge_base.answer import plain_text
from knowledge_base.scoring import NOTE_COUNCIL
from knowledge_base.starmarks import render_star_marks


def test_current_decision_is_read_from_the_current_decision_document():
    meta = legal.front_matter(legal.DOCUMENTS_DIR / "qd-26-2026.md")
    decision = legal.current_decision()
    assert (decision.number, decision.date) == (meta["decision"], meta["decision_date"])
    assert decision.cited == f"{meta['decision']} ngày {meta['decision_date']}"
    assert NOTE_COUNCIL == legal.sentence("council_note") and meta["decision"] in NOTE_COUNCIL


def test_a_new_decision_is_a_change_of_data(tmp_path, monkeypatch):
    (tmp_path / "qd-moi.md").write_text(
        '---\nid: qd-moi\nkind: decision\ndecision: "QĐ 99/2030/QĐ-TTg"\n'
        'decision_date: "01/01/2030"\nvalidity: current\n---\n# x\n',
        encoding="utf-8",
    )
    (tmp_path / "qd-cu.md").write_text(
        '---\nkind: decision\ndecision: "QĐ 26/2026/QĐ-TTg"\nvalidity: superseded\n---\n', encoding="utf-8"
    )
    monkeypatch.setattr(legal, "DOCUMENTS_DIR", tmp_path)
    legal.current_decision.cache_clear()
    try:
        assert legal.sentence("sheets_citation") == "Phụ lục II, QĐ 99/2030/QĐ-TTg"
        assert legal.sentence("applies_from") == "Hồ sơ nộp từ ngày 01/01/2030 áp dụng QĐ 99/2030/QĐ-TTg."
        (tmp_path / "qd-cu.md").write_text('---\nkind: decision\ndecision: "x"\nvalidity: current\n---\n')
        legal.current_decision.cache_clear()
        with pytest.raises(LookupError):
            legal.current_decision()
    finally:
        legal.current_decision.cache_clear()


@pytest.mark.parametrize(
    "text, shown",
    [
        (
            "các phương án gắn dấu `***`, `****`, `*****` là yêu cầu",
            "các phương án gắn dấu ★3 tối thiểu, ★4 tối thiểu, ★5 tối thiểu là yêu cầu",
        ),
        (
            "phải đạt các phương án gắn 5 sao (*****) trong phiếu",
            "phải đạt các phương án gắn 5 sao (★5 tối thiểu) trong phiếu",
        ),
        ("đánh dấu * * * * ở tiêu chí 5.1", "đánh dấu ★4 tối thiểu ở tiêu chí 5.1"),
    ],
)
def test_star_marks_survive_markdown_stripping(text, shown):
    assert render_star_marks(text) == shown
    assert plain_text(text) == shown


def test_bold_text_is_still_stripped_without_stars():
    assert plain_text("**Phần A** (**tối thiểu 4 sao**) và (***)") == "Phần A (tối thiểu 4 sao) và (★3 tối thiểu)"
