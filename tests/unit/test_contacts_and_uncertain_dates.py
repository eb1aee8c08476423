"""What the assistant says about whom to call and about QĐ 781 stays within what is known.

The programme has no single national hotline, so no document may send producers to one or to a hotline of the
bot itself; contact details appear only when a deployment configures OCOP_HOTLINE_*. The date of QĐ 781/QĐ-TTg is
not confirmed in our sources, so its citation lines state none.
"""

from pathlib import Path

import pytest

from knowledge_base.hotline import hotline_message
from knowledge_base.retrieval.chunks import chunk_document
from knowledge_base.retrieval.documents import parse_document

DOCS = Path(__file__).resolve().parents[2] / "knowledge_base" / "documents"


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda p: p.stem)
def test_no_document_points_to_a_programme_or_bot_hotline(path):
    text = path.read_text(encoding="utf-8").lower()
    for phrase in (
        "tổng đài hỗ trợ của chương trình",
        "tổng đài của chương trình",
        "tổng đài hỗ trợ của chatbot",
        "hotline của chương trình",
        "đường dây nóng của chương trình",
    ):
        assert phrase not in text


def test_the_handoff_names_offices_unless_a_hotline_is_configured(monkeypatch):
    for key in ("NAME", "PHONE", "EMAIL", "HOURS"):
        monkeypatch.delenv(f"OCOP_HOTLINE_{key}", raising=False)
    default = hotline_message()
    assert "UBND cấp xã" in default and "tổng đài" not in default.lower() and "điện thoại" not in default
    monkeypatch.setenv("OCOP_HOTLINE_PHONE", "0200 000 000")
    assert "điện thoại 0200 000 000" in hotline_message()


def test_qd_781_is_cited_without_a_date_and_its_text_says_the_date_is_unconfirmed():
    doc = parse_document(DOCS / "qd-781.md")
    chunks = chunk_document(doc)
    assert chunks and all("2020" not in c.citation() and "ngày" not in c.citation() for c in chunks)
    assert all("QĐ 781/QĐ-TTg" in c.citation() for c in chunks)
    assert "cần đối chiếu" in (DOCS / "qd-781.md").read_text(encoding="utf-8")
