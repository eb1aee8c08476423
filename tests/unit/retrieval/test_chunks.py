"""Chunking: ids per the contract, splitting long sections, citations."""

from dataclasses import replace
from pathlib import Path

from knowledge_base.retrieval.chunks import ChunkParams, chunk_document, slugify
from knowledge_base.retrieval.documents import parse_document

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "documents"


def test_slug_is_folded_heading_with_dashes():
    assert slugify("Hồ sơ đăng ký lần đầu gồm những gì") == "ho-so-dang-ky-lan-dau-gom-nhung-gi"
    assert slugify("QĐ 26/2026/QĐ-TTg là văn bản gì?") == "qd-26-2026-qd-ttg-la-van-ban-gi"


def test_one_chunk_per_section_with_contract_ids():
    chunks = chunk_document(parse_document(FIXTURE_DOCS / "qd-moi.md"))
    assert [c.id for c in chunks] == [
        "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi",
        "qd-moi#giay-chung-nhan-co-gia-tri-bao-lau",
        "qd-moi#mat-ong-rung-thuoc-bo-san-pham-nao",
    ]
    assert all(c.section_id == c.id for c in chunks)
    assert chunks[0].topics == ("ho_so",) and chunks[0].validity == "current"


def test_short_section_keeps_its_subsections():
    chunks = chunk_document(parse_document(FIXTURE_DOCS / "huong-dan.md"))
    assert chunks[0].id == "huong-dan#bo-tieu-chi-gom-nhung-phan-nao"
    assert "### Phần A chấm những gì" in chunks[0].text


def test_long_section_is_split_at_subsections():
    chunks = chunk_document(parse_document(FIXTURE_DOCS / "huong-dan.md"), ChunkParams(split_chars=100))
    ids = [c.id for c in chunks]
    assert ids[:3] == [
        "huong-dan#bo-tieu-chi-gom-nhung-phan-nao",
        "huong-dan#phan-a-cham-nhung-gi",
        "huong-dan#phan-b-cham-nhung-gi",
    ]
    part_a = chunks[1]
    assert part_a.section_id == "huong-dan#bo-tieu-chi-gom-nhung-phan-nao"
    assert part_a.heading == "Bộ tiêu chí gồm những phần nào — Phần A chấm những gì"
    assert part_a.topics == ("tieu_chi", "chu_the")


def test_oversized_text_is_windowed_with_overlap():
    doc = parse_document(FIXTURE_DOCS / "qd-moi.md")
    paragraphs = [f"Đoạn số {i} nói về hồ sơ OCOP và các giấy tờ cần chuẩn bị." for i in range(12)]
    doc.sections[0].text = "\n\n".join(paragraphs)
    chunks = chunk_document(doc, ChunkParams(split_chars=200, window_chars=200, overlap_chars=60))
    windows = [c for c in chunks if c.section_id == "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi"]
    assert [c.id for c in windows[:2]] == [
        "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi",
        "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi~2",
    ]
    assert all(len(w.text) <= 200 + 200 // 3 for w in windows)
    last_of_first = windows[0].text.split("\n\n")[-1]
    assert windows[1].text.startswith(last_of_first)  # overlap carries the last paragraph over
    assert "".join(paragraphs[-1]) in windows[-1].text


def test_citation_formats():
    chunk = chunk_document(parse_document(FIXTURE_DOCS / "qd-moi.md"))[0]
    assert chunk.citation() == "Theo Điều 6 khoản 1, QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    assert replace(chunk, article="").citation() == "Theo QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    assert replace(chunk, article="Điều 4 QĐ 26/2026/QĐ-TTg").citation() == "Theo Điều 4 QĐ 26/2026/QĐ-TTg"
    assert (
        replace(chunk, article="Điều 1 (thay QĐ 148/QĐ-TTg)").citation()
        == "Theo Điều 1 (thay QĐ 148/QĐ-TTg), QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    )
    assert replace(chunk, article="", decision="").citation().startswith("Theo tài liệu “QĐ 26/2026")
    # An article that describes the source rather than locating a provision follows the decision.
    assert (
        replace(chunk, article="Thông tin bối cảnh").citation()
        == "Nguồn: QĐ 26/2026/QĐ-TTg ngày 22/5/2026 — thông tin bối cảnh"
    )
    assert (
        replace(chunk, article="Chính sách của từng tỉnh", decision="").citation() == "Nguồn: Chính sách của từng tỉnh"
    )


def test_round_trip_through_dict():
    chunk = chunk_document(parse_document(FIXTURE_DOCS / "qd-cu.md"))[0]
    assert type(chunk).from_dict(chunk.to_dict()) == chunk
    assert chunk.validity == "superseded" and chunk.superseded_by == "QĐ 26/2026/QĐ-TTg"


def test_short_tail_stays_with_the_previous_window():
    doc = parse_document(FIXTURE_DOCS / "qd-moi.md")
    doc.sections[0].text = "\n\n".join(["Đoạn dài " + "x" * 150, "Đoạn dài " + "y" * 150, "Đuôi ngắn."])
    chunks = chunk_document(doc, ChunkParams(split_chars=200, window_chars=200, overlap_chars=50))
    windows = [c.text for c in chunks if c.section_id == "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi"]
    assert len(windows) == 2 and windows[-1].endswith("Đuôi ngắn.")
