"""Document parsing: front matter, section metadata comments and inheritance."""

from pathlib import Path

import pytest

from knowledge_base.retrieval.documents import DocumentError, parse_document, parse_meta_comment, parse_topics

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "documents"


def test_front_matter_and_sections():
    doc = parse_document(FIXTURE_DOCS / "qd-moi.md")
    assert doc.id == "qd-moi"
    assert doc.meta["validity"] == "current"
    assert [s.heading for s in doc.sections] == [
        "Hồ sơ đăng ký lần đầu gồm những gì",
        "Giấy chứng nhận có giá trị bao lâu",
        "Mật ong rừng thuộc bộ sản phẩm nào",
    ]
    assert len(doc.sha256) == 64


def test_section_metadata_overrides_and_inherits():
    first, second, _ = parse_document(FIXTURE_DOCS / "qd-moi.md").sections
    assert first.meta["article"] == "Điều 6 khoản 1"
    assert first.meta["topics"] == ["ho_so"]
    assert first.meta["decision"] == "QĐ 26/2026/QĐ-TTg"  # inherited from the front matter
    assert second.meta["topics"] == ["hieu_luc"]
    assert "confidence" not in second.meta
    assert "<!--" not in first.text and "Đoạn mở đầu" not in first.text


def test_subsections_inherit_from_their_section():
    section = parse_document(FIXTURE_DOCS / "huong-dan.md").sections[0]
    part_a, part_b = section.subsections
    assert part_a.meta["topics"] == ["tieu_chi", "chu_the"]
    assert part_a.meta["article"] == "Phụ lục II phần A"
    assert part_b.meta["article"] == "Điều 3 khoản 1"  # no comment: inherits the section's


def test_meta_comment_values_may_contain_commas():
    meta = parse_meta_comment("<!-- article: Điều 7 khoản 3, khoản 4; topics: ho_so, quy_trinh; confidence: A -->")
    assert meta == {"article": "Điều 7 khoản 3, khoản 4", "topics": ["ho_so", "quy_trinh"], "confidence": "A"}
    assert parse_meta_comment("plain text") is None


@pytest.mark.parametrize(
    "value, expected", [(["a", "b"], ["a", "b"]), ("[a, b]", ["a", "b"]), ("a b", ["a", "b"]), (None, []), ("", [])]
)
def test_parse_topics(value, expected):
    assert parse_topics(value) == expected


def test_missing_front_matter_is_an_error(tmp_path: Path):
    path = tmp_path / "bad.md"
    path.write_text("# Title\n\n## Section\ntext\n", encoding="utf-8")
    with pytest.raises(DocumentError):
        parse_document(path)
