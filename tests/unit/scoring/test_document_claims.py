"""Prose that says which scoring sheets print something is checked against the sheets' YAML.

Each claim names a document, a pattern that finds the sentence and captures the list of sheets it names
("phiếu 1, 2, 3, 4, 23, 24 và 25", "bộ 7–15 và 18–20"), and the property of a sheet the sentence states. The test
fails when the prose names a different set of sheets than the YAML gives, so a summary cannot drift from the sheets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge_base.scoring import list_sheets

DOCS = Path(__file__).resolve().parents[3] / "knowledge_base" / "documents"
SHEETS = list_sheets()
LIST = r"(?P<s>\d+(?:(?:–|, | và )\d+)*)"


def sheet_list(text: str) -> set[int]:
    out: set[int] = set()
    for part in re.split(r", | và ", text):
        low, _, high = part.partition("–")
        out.update(range(int(low), int(high or low) + 1))
    return out


def criteria(sheet, *labels):
    return [c for c in sheet.criteria if c.label.startswith(labels)]


def marked(*labels, star, points=None, at_least=None):
    """Sheets with a criterion whose label starts with one of ``labels`` and an option marked for ``star``."""

    def holds(sheet):
        return any(
            o.min_star == star and (points is None or o.points == points) and (at_least is None or o.points >= at_least)
            for c in criteria(sheet, *labels)
            for o in c.options
        )

    return holds


def has_rule(rule_id):
    return lambda sheet: rule_id in sheet.rules


def idea_top(*must, lacks=()):
    """Sheets whose criterion 2.1 option marked for 4 stars contains every phrase of ``must`` and none of ``lacks``."""

    def holds(sheet):
        return any(
            o.min_star == 4 and all(m in o.label for m in must) and not any(x in o.label for x in lacks)
            for c in criteria(sheet, "Nguồn gốc ý tưởng sản phẩm")
            if c.label == "Nguồn gốc ý tưởng sản phẩm"
            for o in c.options
        )

    return holds


def province_wide(sheet):
    return any("100%" in n and "cấp tỉnh" in n for c in criteria(sheet, "Nguồn gốc sản phẩm") for n in c.notes)


def common_product_note(sheet):
    return any(
        n.startswith("Ghi chú: Không đánh giá những sản phẩm có tính phổ biến")
        for c in criteria(sheet, "Nguồn gốc ý tưởng sản phẩm")
        for n in c.notes
    )


def own_distribution_ladder(sheet):
    ladder = criteria(sheet, "Khu vực phân phối chính")
    return bool(ladder) and not any(o.min_star or "siêu thị" in o.label for c in ladder for o in c.options)


def food_safety_three_star(sheet):
    return any(
        o.min_star == 3 and ("an toàn thực phẩm" in o.label or "GMP" in o.label)
        for c in sheet.criteria
        for o in c.options
    )


def food_safety_certificate_three_star(sheet):
    """The quality-assurance criterion's ★3 option is the food-safety certificate (1 point)."""
    return any(
        o.min_star == 3 and o.points == 1 and "an toàn thực phẩm" in o.label
        for c in criteria(sheet, *ASSURANCE)
        for o in c.options
    )


def declaration_or_food_safety_three_star(sheet):
    return food_safety_three_star(sheet) or marked("Công bố", star=3)(sheet)


def company_points(sheet):
    """Points of the "Công ty TNHH; hoặc doanh nghiệp tư nhân…" option of criterion 3.1."""
    return next(
        o.points for c in criteria(sheet, "Loại hình tổ chức") for o in c.options if o.label.startswith("Công ty")
    )


def sensory_four_star(sheet):
    return any(o.min_star == 4 for c in sheet.criteria if c.number.startswith("6.") for o in c.options)


def no_mark(star, *labels):
    return lambda sheet: bool(criteria(sheet, *labels)) and not marked(*labels, star=star)(sheet)


PACKAGING = ("Đóng gói, bao bì",)
PACK_LABEL = ("Bao bì, ghi nhãn", "Phong cách, ghi nhãn sản phẩm")
LABEL = ("Phong cách, ghi nhãn hàng hóa",)
IP = ("Sở hữu trí tuệ",)
DIST = ("Khu vực phân phối chính",)
STORY = ("Câu chuyện sản phẩm",)
IDENTITY = ("Trí tuệ/bản sắc địa phương",)
DECLARATION = ("Công bố chất lượng sản phẩm", "Công bố sản phẩm")
ASSURANCE = ("Đảm bảo chất lượng sản phẩm",)
LINK = ("Liên kết chuỗi trong sản xuất", "Liên kết sản xuất")
ENV = ("Bảo vệ môi trường trong quá trình sản xuất",)
GROWTH = ("Tăng trưởng sản xuất kinh doanh",)
UNIQUE = ("Tính độc đáo",)
RAW = ("Nguồn nguyên liệu",)

CLAIMS = [
    # tieu-chi-cham-diem.md
    ("tieu-chi-cham-diem", rf"không rõ nguồn gốc\*\*\" in ở phiếu {LIST}\.", has_rule("toan_bo_nguyen_lieu_nhap_khau")),
    ("tieu-chi-cham-diem", rf"Yêu cầu tối thiểu 3 sao: ≥ 1 điểm ở phiếu {LIST};", marked(*RAW, star=3, points=1)),
    ("tieu-chi-cham-diem", rf"; ≥ 2 điểm ở các bộ {LIST}\.", marked(*RAW, star=3, points=2)),
    ("tieu-chi-cham-diem", rf"Phiếu {LIST} ghi yêu cầu \*\*100% sản phẩm", province_wide),
    (
        "tieu-chi-cham-diem",
        rf"- phiếu {LIST}: sản phẩm đặc trưng của tỉnh, chất lượng nổi trội, thương mại gắn với",
        idea_top("đặc trưng của tỉnh", "chỉ dẫn"),
    ),
    (
        "tieu-chi-cham-diem",
        rf"- phiếu {LIST}: đặc sản truyền thống .*ít nhất 36 tháng",
        idea_top("sản phẩm mới", "36 tháng"),
    ),
    (
        "tieu-chi-cham-diem",
        rf"- phiếu {LIST}: chỉ có đặc sản truyền thống",
        idea_top("đặc sản", lacks=("sản phẩm mới",)),
    ),
    ("tieu-chi-cham-diem", rf"ở phiếu {LIST}, sản phẩm \*\*giống hệt", has_rule("giong_het_san_pham_khac")),
    ("tieu-chi-cham-diem", rf"Phiếu {LIST} có ghi chú khác: \"Không đánh giá", common_product_note),
    (
        "tieu-chi-cham-diem",
        rf"các phiếu {LIST} có tiêu chí \*\*vùng nguyên liệu",
        lambda s: bool(criteria(s, "Vùng nguyên liệu được cấp chứng nhận")),
    ),
    ("tieu-chi-cham-diem", rf"ở phiếu {LIST} là 4 điểm \(\*\*yêu cầu tối thiểu 5 sao", marked(*LINK, star=5, points=4)),
    ("tieu-chi-cham-diem", rf"Hai dấu sao này in ở phiếu {LIST};", marked(*LINK, star=4)),
    (
        "tieu-chi-cham-diem",
        rf"1 điểm \(\*\*yêu cầu tối thiểu 4 sao\*\*, phiếu {LIST}\);",
        marked(*ENV, star=4, points=1),
    ),
    ("tieu-chi-cham-diem", rf"\*\*Đóng gói, bao bì\*\* \(3 điểm, phiếu {LIST}\)", marked(*PACKAGING, star=3, points=2)),
    ("tieu-chi-cham-diem", rf"\*\*Phong cách, ghi nhãn\*\* \(3 điểm, phiếu {LIST}\)", marked(*LABEL, star=4, points=3)),
    (
        "tieu-chi-cham-diem",
        rf"sinh vật cảnh \(phiếu {LIST}\), bao bì và nhãn gộp",
        lambda s: bool(criteria(s, *PACK_LABEL)),
    ),
    ("tieu-chi-cham-diem", rf"mức 4 điểm là yêu cầu 4 sao ở phiếu {LIST}, mức", marked(*PACK_LABEL, star=4, points=4)),
    (
        "tieu-chi-cham-diem",
        rf"\(\*\*tối thiểu 4 sao\*\*, phiếu {LIST}; phiếu 26: 3 điểm\)",
        marked(*GROWTH, star=4, points=2),
    ),
    ("tieu-chi-cham-diem", rf"\(\*\*tối thiểu 4 sao\*\* ở phiếu {LIST}; ở phiếu 10", marked(*IP, star=4, points=2)),
    ("tieu-chi-cham-diem", rf"thang và dấu sao dưới đây in ở phiếu {LIST}\)", marked(*DIST, star=5, points=5)),
    (
        "tieu-chi-cham-diem",
        rf"- Phiếu {LIST} \(cây cảnh, động vật cảnh\) có thang phân phối riêng",
        own_distribution_ladder,
    ),
    ("tieu-chi-cham-diem", rf"→ 5 \(\*\*tối thiểu 4 sao\*\*, phiếu {LIST}\)\.", marked(*STORY, star=4, points=5)),
    (
        "tieu-chi-cham-diem",
        rf"gắn với xuất xứ → 1 \(\*\*tối thiểu 3 sao\*\*, phiếu {LIST}\);",
        marked(*IDENTITY, star=3, points=1),
    ),
    ("tieu-chi-cham-diem", rf"\(ghi chú của phiếu {LIST}\)\.", has_rule("tap_chat_nguy_hai")),
    (
        "tieu-chi-cham-diem",
        rf"Phiếu {LIST} \(nước khoáng, nước uống đóng chai\) dừng đánh giá",
        has_rule("cam_quan_0_diem"),
    ),
    (
        "tieu-chi-cham-diem",
        rf"Một số bộ \({LIST}\) có tiêu chí \*\*dinh dưỡng",
        lambda s: bool(criteria(s, "Dinh dưỡng")),
    ),
    (
        "tieu-chi-cham-diem",
        rf"→ 3 \(\*\*tối thiểu 4 sao\*\*, phiếu {LIST}\);\n- rất độc đáo",
        marked(*UNIQUE, star=4, points=3),
    ),
    ("tieu-chi-cham-diem", rf"\(\*\*tối thiểu 5 sao\*\* ở phiếu {LIST}; bộ 1 không", marked(*UNIQUE, star=5, points=5)),
    (
        "tieu-chi-cham-diem",
        rf"\(\*\*tối thiểu 3 sao\*\*, phiếu {LIST}; phiếu 18–20 có tiêu chí công bố riêng",
        marked(*DECLARATION, star=3, points=2),
    ),
    (
        "tieu-chi-cham-diem",
        rf"thực phẩm\*\* → 1 điểm \(\*\*tối thiểu 3 sao\*\*, phiếu {LIST}; phiếu 21",
        food_safety_certificate_three_star,
    ),
    ("tieu-chi-cham-diem", rf"\*\*điều kiện loại hồ sơ\*\* của bộ {LIST}\.", has_rule("khong_gcn_attp")),
    (
        "tieu-chi-cham-diem",
        rf"5 điểm ở phiếu {LIST}: đồ uống",
        lambda s: any(c.max == 5 for c in criteria(s, "Cơ hội thị trường toàn cầu")),
    ),
    (
        "tieu-chi-cham-diem",
        rf"\(\*\*tối thiểu 5 sao\*\*, phiếu {LIST}\)\. \*\*Vi phạm",
        marked("Thiết kế độc đáo", star=5, points=5),
    ),
    # hang-sao.md
    ("hang-sao", rf"bao bì đẹp \(≥ 2 điểm\) — phiếu {LIST};", marked(*PACKAGING, star=3, points=2)),
    ("hang-sao", rf"tem nhãn đúng quy định \(≥ 1 điểm\) — phiếu {LIST}\.", marked(*PACK_LABEL, star=3, points=1)),
    (
        "hang-sao",
        rf"\*\*Nhãn\*\*: đầy đủ nội dung, đúng quy định \(≥ 1 điểm\) — phiếu {LIST}\.",
        marked(*LABEL, star=3, points=1),
    ),
    ("hang-sao", rf"được chấp nhận hoặc công bố \(≥ 1 điểm\) — phiếu {LIST}\.", marked(*IP, star=3, points=1)),
    ("hang-sao", rf"bán ra ngoài địa bàn xã \(≥ 2 điểm\) — phiếu {LIST}\.", marked(*DIST, star=3, points=2)),
    ("hang-sao", rf"trí tuệ/bản sắc địa phương\) — phiếu {LIST}\.", marked(*IDENTITY, star=3, points=1)),
    ("hang-sao", rf"có công bố chất lượng \(≥ 2 điểm\) — phiếu {LIST};", marked(*DECLARATION, star=3, points=2)),
    ("hang-sao", rf"; \(≥ 1 điểm\) — phiếu {LIST}\.\n- \*\*Đảm bảo", marked(*DECLARATION, star=3, points=1)),
    ("hang-sao", rf"an toàn thực phẩm \(≥ 1 điểm\) — phiếu {LIST} \(phiếu 21", food_safety_certificate_three_star),
    (
        "hang-sao",
        rf"tiêu chí chất lượng an toàn thực phẩm\) — phiếu {LIST}\.",
        marked("Chất lượng an toàn thực phẩm", star=3, points=1),
    ),
    ("hang-sao", rf"trong tỉnh \(≥ 1 điểm\) — phiếu {LIST}; từ 50%", marked(*RAW, star=3, points=1)),
    ("hang-sao", rf"trong tỉnh \(≥ 2 điểm\) — phiếu {LIST}\.", marked(*RAW, star=3, points=2)),
    ("hang-sao", rf"5 điểm ở phiếu 25\) — phiếu {LIST}\.", marked(*ASSURANCE, star=3, at_least=4)),
    (
        "hang-sao",
        rf"Phiếu {LIST} \(nước khoáng, nước uống đóng chai\) không gắn 3 sao",
        lambda s: (
            s.group in ("thuc_pham", "do_uong", "duoc_lieu") and not marked(*ASSURANCE, "Chất lượng an toàn", star=3)(s)
        ),
    ),
    (
        "hang-sao",
        rf"phiếu {LIST} không có yêu cầu 3 sao về công bố chất lượng hay an toàn thực phẩm",
        lambda s: s.group != "du_lich" and not declaration_or_food_safety_three_star(s),
    ),
    (
        "hang-sao",
        rf"[Pp]hiếu {LIST} \(du lịch\) chỉ có một yêu cầu 3 sao",
        lambda s: sum(1 for c in s.criteria if any(o.min_star == 3 for o in c.options)) == 1,
    ),
    ("hang-sao", rf"cho trên 75% sản lượng \(≥ 2 điểm\) — phiếu {LIST}\.", marked(*LINK, star=4, points=2)),
    ("hang-sao", rf"thủ tục môi trường theo quy định \(≥ 1 điểm\) — phiếu {LIST}\.", marked(*ENV, star=4, points=1)),
    ("hang-sao", rf"mức cao nhất của tiêu chí 2.1 — phiếu {LIST} \(", marked("Nguồn gốc ý tưởng sản phẩm", star=4)),
    ("hang-sao", rf"điện tử\*\* \(3 điểm\) — phiếu {LIST};", marked(*LABEL, star=4, points=3)),
    ("hang-sao", rf"bao bì, nhãn ở mức 4 điểm — phiếu {LIST};", marked(*PACK_LABEL, star=4, points=4)),
    ("hang-sao", rf"; mức 5 điểm — phiếu {LIST}\.", marked(*PACK_LABEL, star=4, points=5)),
    ("hang-sao", rf"HTX xếp loại khá trở lên \(2 điểm\) — phiếu {LIST};", marked(*GROWTH, star=4, points=2)),
    ("hang-sao", rf"dấu hiệu chỉ dẫn nguồn gốc địa lý \(≥ 2 điểm\) — phiếu {LIST};", marked(*IP, star=4, points=2)),
    ("hang-sao", rf"ở phiếu {LIST},? bản chính thức không gắn dấu 4 sao", no_mark(4, *IP)),
    ("hang-sao", rf"mọi phiếu trừ phiếu {LIST}\)", no_mark(4, *IP)),
    ("hang-sao", rf"ngoài xã \(≥ 3 điểm\) — phiếu {LIST}\.", marked(*DIST, star=4, points=3)),
    ("hang-sao", rf"truy xuất điện tử \(5 điểm\) — phiếu {LIST}\.", marked(*STORY, star=4, points=5)),
    ("hang-sao", rf"ISO, HACCP \(≥ 3 điểm\) — phiếu {LIST}; phiếu 18", marked(*ASSURANCE, star=4, points=3)),
    ("hang-sao", rf"\(ISO, HACCP…\) \(phiếu {LIST}\)\.", marked(*ASSURANCE, star=4, points=3)),
    ("hang-sao", rf"đặc trưng\" \(≥ 3 điểm\) — phiếu {LIST}; sinh vật cảnh", marked(*UNIQUE, star=4, points=3)),
    ("hang-sao", rf"theo từng phiếu — phiếu {LIST}\.", sensory_four_star),
    ("hang-sao", rf"nhãn có mã truy xuất nguồn gốc điện tử \(phiếu {LIST}\)", marked(*LABEL, star=4, points=3)),
    (
        "hang-sao",
        rf"có hồ sơ môi trường \(phiếu {LIST}\)",
        lambda s: marked(*LINK, star=4)(s) and marked(*ENV, star=4)(s),
    ),
    ("hang-sao", rf"HTX xếp loại khá \(phiếu {LIST}\)", marked(*GROWTH, star=4)),
    ("hang-sao", rf"tính đến lúc đăng ký \(mức điểm cao nhất\) — phiếu {LIST}\.", marked(*LINK, star=5)),
    ("hang-sao", rf"liên kết chuỗi ổn định từ 12 tháng \(phiếu {LIST}\)", marked(*LINK, star=5)),
    ("hang-sao", rf"đường dẫn gian hàng\) — 5 điểm — phiếu {LIST}\.", marked(*DIST, star=5, points=5)),
    ("hang-sao", rf"kênh hiện đại có hợp đồng và minh chứng \(phiếu {LIST}\)", marked(*DIST, star=5, points=5)),
    ("hang-sao", rf"Phiếu {LIST} có thang phân phối riêng", own_distribution_ladder),
    ("hang-sao", rf"đặc trưng \(5 điểm\) — phiếu {LIST};", marked(*UNIQUE, star=5, points=5)),
    ("hang-sao", rf"mức cao nhất 8, 9, 10 điểm — phiếu {LIST}\.", marked(*UNIQUE, star=5, at_least=8)),
    ("hang-sao", rf"tính độc đáo ở mức cao nhất \(phiếu {LIST}\)", marked(*UNIQUE, star=5)),
    ("hang-sao", rf"sơ chế, bảo quản — phiếu {LIST}\.", marked("Gia tăng giá trị", star=5)),
    (
        "hang-sao",
        rf"trí tuệ địa phương\" \(5 điểm\) — phiếu {LIST}\.",
        lambda s: marked("Thiết kế độc đáo", star=5, points=5)(s) and marked("Mức độ tinh xảo", star=5, points=5)(s),
    ),
    ("hang-sao", rf"tiêu chí 6.2 — phiếu {LIST}\)", marked("Thiết kế độc đáo", star=5, points=5)),
    (
        "hang-sao",
        rf"an toàn chất lượng ở mức cao nhất \(5 điểm\) — phiếu {LIST}\.",
        marked("Điều kiện đảm bảo an toàn chất lượng", star=5, points=5),
    ),
    (
        "hang-sao",
        rf"Phiếu {LIST} \(du lịch\) không có phương án gắn 5 sao",
        lambda s: not any(o.min_star == 5 for c in s.criteria for o in c.options),
    ),
    ("hang-sao", rf"đơn đăng ký nhãn hiệu đã được chấp nhận \(phiếu {LIST}\)", marked(*IP, star=3, points=1)),
    ("hang-sao", rf"câu chuyện riêng gắn với xuất xứ \(phiếu {LIST}\)", marked(*IDENTITY, star=3, points=1)),
    ("hang-sao", rf"bán ra ngoài xã \(phiếu {LIST}\)", marked(*DIST, star=3, points=2)),
    (
        "hang-sao",
        rf"nhãn đúng quy định và bao bì đẹp \(phiếu {LIST}\)",
        lambda s: marked(*LABEL, star=3)(s) and marked(*PACKAGING, star=3)(s),
    ),
    ("hang-sao", rf"có công bố chất lượng \(phiếu {LIST}\)\.", marked(*DECLARATION, star=3)),
    # chu-the-tham-gia.md
    ("chu-the-tham-gia", rf"với thực phẩm, đồ uống \(phiếu {LIST}\), cơ sở còn cần", has_rule("khong_gcn_attp")),
    ("chu-the-tham-gia", rf"điều kiện loại ở phiếu {LIST}\)\.", has_rule("toan_bo_nguyen_lieu_nhap_khau")),
    ("chu-the-tham-gia", rf"\(thực phẩm, đồ uống, phiếu {LIST}\);", has_rule("khong_gcn_attp")),
    ("chu-the-tham-gia", rf"giấy phép sản xuất \(phiếu {LIST}\);", has_rule("khong_giay_phep_san_xuat")),
    ("chu-the-tham-gia", rf"GMP hoặc tương đương \(phiếu {LIST}\);", has_rule("khong_gcn_gmp")),
    ("chu-the-tham-gia", rf"bản công bố sản phẩm \(phiếu {LIST}\);", has_rule("khong_ban_cong_bo")),
    ("chu-the-tham-gia", rf"đơn đăng ký nhãn hiệu được chấp nhận \(phiếu {LIST}\);", marked(*IP, star=3, points=1)),
    ("chu-the-tham-gia", rf"có câu chuyện riêng \(phiếu {LIST}\);", marked(*IDENTITY, star=3, points=1)),
    ("chu-the-tham-gia", rf"bán ra ngoài xã \(phiếu {LIST}\);", marked(*DIST, star=3, points=2)),
    (
        "chu-the-tham-gia",
        rf"bao bì đẹp \(phiếu {LIST}\);",
        lambda s: marked(*LABEL, star=3)(s) and marked(*PACKAGING, star=3)(s),
    ),
    ("chu-the-tham-gia", rf"công bố chất lượng \(phiếu {LIST}\)\.", marked(*DECLARATION, star=3)),
    ("chu-the-tham-gia", rf"\(riêng phiếu {LIST} in mức này là 1 điểm\)", lambda s: company_points(s) == 1),
    ("chu-the-tham-gia", rf"\(phiếu {LIST} in 1 điểm\)", lambda s: company_points(s) == 1),
    ("chu-the-tham-gia", rf"yêu cầu tối thiểu 4 sao ở phiếu {LIST}; phiếu 26", marked(*GROWTH, star=4, points=2)),
    # nhom-san-pham.md, ngoai-pham-vi.md
    (
        "nhom-san-pham",
        rf"Phiếu bộ 1 \(như các phiếu {LIST}\) yêu cầu 100%",
        lambda s: province_wide(s) and s.number != 1,
    ),
    ("nhom-san-pham", rf"Theo ghi chú của phiếu {LIST}, sản phẩm phổ biến", common_product_note),
    ("nhom-san-pham", rf"Phiếu {LIST} cùng yêu cầu 100%", lambda s: province_wide(s) and s.group == "sinh_vat_canh"),
    ("nhom-san-pham", rf"Phiếu {LIST} có thang phân phối riêng", own_distribution_ladder),
    ("ngoai-pham-vi", rf"\"Hồ sơ bị loại khi\" của phiếu {LIST}, Phụ lục II", has_rule("gia_mao_ho_so")),
]


@pytest.mark.parametrize("doc, pattern, holds", CLAIMS, ids=[f"{d}:{i}" for i, (d, _, _) in enumerate(CLAIMS)])
def test_sheets_named_in_the_prose_are_the_sheets_that_print_it(doc, pattern, holds):
    text = (DOCS / f"{doc}.md").read_text(encoding="utf-8")
    matches = list(re.finditer(pattern, text))
    assert matches, f"{doc}.md no longer states: {pattern}"
    expected = {s.number for s in SHEETS if holds(s)}
    for m in matches:
        assert sheet_list(m.group("s")) == expected, f"{doc}.md: “{m.group(0)}” — the sheets say {sorted(expected)}"


def test_the_sheet_26_choice_of_cases_names_its_criteria():
    text = (DOCS / "hang-sao.md").read_text(encoding="utf-8")
    named = sheet_list(
        re.search(rf"Ở các tiêu chí {LIST}, phiếu ghi \"lựa chọn một trong hai trường hợp\"", text).group("s")
    )
    tourism = next(s for s in SHEETS if s.number == 26)
    assert named == {int(c.number) for c in tourism.criteria if c.cases}


def test_a_claim_fails_when_the_prose_names_other_sheets():
    wrong = 'Ghi chú "bị loại nếu sử dụng **toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc**" in ở phiếu 1–20.'
    pattern, holds = CLAIMS[0][1], CLAIMS[0][2]
    m = re.search(pattern, wrong)
    assert sheet_list(m.group("s")) != {s.number for s in SHEETS if holds(s)}
