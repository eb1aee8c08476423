"""One-off development helper: write draft YAML scoring sheets from the parsed official text.

The drafts were written once into ``knowledge_base/criteria/`` and then reviewed and edited by hand; re-running
this script would overwrite those edits, so it refuses to touch existing files unless ``--force`` is given.
The application and the tests never import this module.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from knowledge_base.scoring.tools.extract_sheets import Item, Sheet, leaves, parse_official_text
from knowledge_base.textnorm import fold

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "criteria"

# Sheet-level disqualifying conditions, split from the "Hồ sơ bị loại khi" line of each sheet.
DQ = {
    "gia_mao_ho_so": "Giả mạo hồ sơ",
    "khong_gcn_attp": "Không tuân thủ đầy đủ các quy định về giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm theo quy định",
    "khong_giay_phep_san_xuat": "Không có giấy phép sản xuất theo quy định",
    "khong_gcn_gmp": "Không tuân thủ đầy đủ các quy định về giấy chứng nhận cơ sở đủ điều kiện sản xuất sản phẩm (GMP đối với thực phẩm bảo vệ sức khỏe hoặc tương đương)",
    "ho_so_cong_bo_nhan_quang_cao": "Hồ sơ đăng ký (bản đăng ký công bố chất lượng sản phẩm, ghi nhãn sản phẩm, quảng cáo sản phẩm) không đáp ứng quy định",
    "khong_du_dieu_kien_san_xuat": "Không có đủ điều kiện bắt buộc để sản xuất sản phẩm theo quy định quản lý chuyên ngành",
    "khong_du_dieu_kien_san_xuat_byt": "Không có đủ điều kiện bắt buộc để sản xuất sản phẩm theo quy định quản lý chuyên ngành của Bộ Y tế",
    "khong_ban_cong_bo": "Không có bản công bố sản phẩm (hoặc tương đương)",
    "ho_so_khong_dat": "Không đáp ứng về hồ sơ đăng ký theo quy định",
}
DQ_BY_SHEET = {
    **{n: ["gia_mao_ho_so", "khong_gcn_attp", "ho_so_khong_dat"] for n in range(1, 17)},
    15: ["gia_mao_ho_so", "khong_gcn_attp", "khong_giay_phep_san_xuat", "ho_so_khong_dat"],
    17: ["gia_mao_ho_so", "khong_gcn_attp", "khong_giay_phep_san_xuat", "ho_so_khong_dat"],
    18: ["gia_mao_ho_so", "khong_gcn_gmp", "ho_so_cong_bo_nhan_quang_cao", "ho_so_khong_dat"],
    19: ["gia_mao_ho_so", "khong_du_dieu_kien_san_xuat_byt", "khong_ban_cong_bo", "ho_so_khong_dat"],
    20: ["gia_mao_ho_so", "khong_du_dieu_kien_san_xuat", "khong_ban_cong_bo", "ho_so_khong_dat"],
    **{n: ["gia_mao_ho_so", "ho_so_khong_dat"] for n in range(21, 26)},
    26: [],
}

PARTS = {"A": "Sản phẩm và sức mạnh của cộng đồng", "B": "Khả năng tiếp thị", "C": "Chất lượng sản phẩm"}

# Key criteria for the quick chat self-assessment: folded label prefix -> (question, [(regex on folded option
# label, short button label)]). First matching regex wins.
KEY = [
    (
        "nguon nguyen lieu",
        "Nguyên liệu chính có nguồn gốc trong tỉnh chiếm bao nhiêu phần trăm?",
        [
            (r"duoi 50", "Dưới 50% trong tỉnh"),
            (r"50% den duoi 75", "Từ 50% đến dưới 75%"),
            (r"75% den 100", "Từ 75% đến 100%"),
        ],
    ),
    (
        "nguon goc san pham",
        "Bao nhiêu phần trăm sản phẩm được trồng/nuôi trên địa bàn xã?",
        [
            (r"duoi 50", "Dưới 50% trong xã"),
            (r"50% den duoi 75", "Từ 50% đến dưới 75%"),
            (r"75% den 100", "Từ 75% đến 100%"),
        ],
    ),
    (
        "lien ket",
        "Sản phẩm có hợp đồng liên kết sản xuất/tiêu thụ không, cho bao nhiêu sản lượng?",
        [
            (r"khong co lien ket", "Chưa có liên kết rõ ràng"),
            (r"12 thang", "Trên 75%, ổn định từ 12 tháng"),
            (r"tren 75", "Hợp đồng trên 75% sản lượng"),
            (r"50% den duoi 75", "Hợp đồng 50% – dưới 75%"),
        ],
    ),
    (
        "bao ve moi truong trong qua",
        "Cơ sở đã có hồ sơ, thủ tục về môi trường theo quy định chưa?",
        [
            (r"bao goi than thien", "Có hồ sơ + xử lý chất thải + bao gói xanh"),
            (r"thu gom va xu ly", "Có hồ sơ + công trình xử lý chất thải"),
            (r"ho so, thu tuc", "Có hồ sơ, thủ tục môi trường"),
        ],
    ),
    (
        "nguon goc y tuong san pham",
        "Sản phẩm phổ biến ở nhiều nơi hay là đặc sản, đặc trưng của địa phương?",
        [
            (r"dac san.*36 thang", "Đặc sản xã, gắn chỉ dẫn địa lý/SP mới ≥ 36 tháng"),
            (r"dac san.*chi dan", "Đặc sản của xã, gắn chỉ dẫn địa lý"),
            (r"dac san", "Đặc sản, chỉ có ở xã"),
            (r"pho bien.*nhung", "Phổ biến nhưng chất lượng nổi trội"),
            (r"pho bien", "Phổ biến ở nhiều tỉnh"),
            (r"dac trung cua tinh.*chi dan", "Đặc trưng của tỉnh, gắn chỉ dẫn địa lý"),
            (r"dac trung cua tinh|nhieu noi tren dia ban", "Đặc trưng của tỉnh"),
        ],
    ),
    (
        "dong goi, bao bi",
        "Bao bì, cách đóng gói sản phẩm hiện nay thế nào?",
        [
            (r"khong co bao bi", "Chưa có bao bì"),
            (r"bao bi don gian", "Bao bì đơn giản"),
            (r"sang trong", "Sáng tạo, tiện lợi, sang trọng"),
            (r"bao bi dep", "Sáng tạo, bao bì đẹp"),
        ],
    ),
    (
        "phong cach, ghi nhan hang hoa",
        "Nhãn sản phẩm đã đầy đủ, đúng quy định và có mã truy xuất nguồn gốc điện tử chưa?",
        [
            (r"truy xuat", "Nhãn đẹp + mã truy xuất điện tử"),
            (r"thong diep", "Nhãn đúng + thông điệp câu chuyện"),
            (r"day du", "Nhãn đầy đủ, đúng quy định"),
        ],
    ),
    (
        "bao bi, ghi nhan",
        "Bao bì, nhãn sản phẩm đã đúng quy định và có mã truy xuất nguồn gốc điện tử chưa?",
        [
            (r"truy xuat", "Nhãn đẹp + mã truy xuất điện tử"),
            (r"thong diep|cau chuyen", "Nhãn đúng + thông điệp câu chuyện"),
            (r".", "Nhãn đầy đủ, đúng quy định"),
        ],
    ),
    (
        "phong cach, ghi nhan san pham",
        "Tem, nhãn sản phẩm đã đúng quy định và có mã truy xuất nguồn gốc điện tử chưa?",
        [
            (r"truy xuat", "Nhãn đẹp + mã truy xuất điện tử"),
            (r"thong diep|cau chuyen", "Nhãn đúng + thông điệp câu chuyện"),
            (r".", "Nhãn đầy đủ, đúng quy định"),
        ],
    ),
    (
        "loai hinh to chuc",
        "Chủ thể sản xuất thuộc loại hình nào?",
        [
            (r"^htx|hop tac xa", "HTX hoặc CTCP cộng đồng góp ≥ 51%"),
            (r"cong ty tnhh", "Công ty TNHH, DNTN, CTCP khác"),
            (r"ho san xuat|ho gia dinh", "Hộ có ĐKKD, trang trại, tổ hợp tác"),
        ],
    ),
    (
        "tang truong san xuat",
        "Lợi nhuận những năm gần đây có tăng không?",
        [(r"kha tro len", "Tăng 2 năm liền (HTX loại khá)"), (r"trung binh", "Năm trước tăng (HTX loại TB)")],
    ),
    (
        "so huu tri tue",
        "Sản phẩm đã có giấy chứng nhận đăng ký nhãn hiệu chưa?",
        [
            (r"bang doc quyen|bang sang che", "Có GCN nhãn hiệu + bằng KDCN/sáng chế"),
            (r"giay chung nhan dang ky nhan hieu", "GCN nhãn hiệu + dấu hiệu nguồn gốc địa lý"),
            (r"don dang ky", "Đơn nhãn hiệu đã được chấp nhận"),
        ],
    ),
    (
        "khu vuc phan phoi chinh",
        "Sản phẩm đang được bán ở đâu?",
        [
            (r"trong dia ban cap xa", "Chỉ bán trong xã"),
            (r"duoi 5", "Ngoài xã, dưới 5 đại lý"),
            (r"≥ 5|>= 5", "Ngoài xã, từ 5 đại lý"),
            (r"quoc te", "Quốc tế/siêu thị/TMĐT có hợp đồng, minh chứng"),
            (r"ngoai thi truong cap xa", "Ngoài xã"),
            (r"trong dia ban cap tinh", "Trong tỉnh"),
            (r"ngoai dia ban cap tinh", "Ngoài tỉnh"),
        ],
    ),
    (
        "cau chuyen san pham",
        "Sản phẩm đã có câu chuyện sản phẩm chưa, được thể hiện ở đâu?",
        [
            (r"khong co", "Chưa có câu chuyện"),
            (r"truy xuat", "Tờ rơi, website + truy xuất điện tử"),
            (r"website", "Tờ rơi và website"),
            (r"to roi", "In trên tờ rơi"),
            (r"co cau chuyen", "Có câu chuyện"),
        ],
    ),
    (
        "tri tue/ban sac",
        "Câu chuyện sản phẩm có riêng và gắn với văn hóa địa phương không?",
        [
            (r"giong voi", "Giống câu chuyện khác"),
            (r"truyen cam", "Đậm văn hóa địa phương, truyền cảm"),
            (r"sac thai", "Mang sắc thái văn hóa địa phương"),
            (r"rieng", "Câu chuyện riêng gắn xuất xứ"),
        ],
    ),
    (
        "tinh doc dao",
        "Sản phẩm độc đáo, khác biệt đến mức nào so với sản phẩm cùng loại?",
        [
            (r"rat doc dao", "Rất độc đáo, đặc trưng"),
            (r"tuong doi", "Tương đối độc đáo"),
            (r"doc dao", "Độc đáo, mang tính đặc trưng"),
            (r"trung binh", "Trung bình"),
        ],
    ),
    (
        "cong bo",
        "Sản phẩm đã công bố chất lượng chưa, theo tiêu chuẩn nào?",
        [
            (r"quoc te", "Công bố + tiêu chuẩn quốc tế"),
            (r"quoc gia", "Công bố + tiêu chuẩn quốc gia"),
            (r"nguyen lieu.*kiem nghiem|kiem nghiem", "Công bố + tiêu chuẩn NL + kiểm nghiệm"),
            (r"nguyen lieu", "Công bố + tiêu chuẩn nguyên liệu"),
            (r"khong co", "Chưa có công bố"),
            (r"co", "Có công bố chất lượng"),
        ],
    ),
    (
        "dam bao chat luong",
        "Cơ sở có giấy chứng nhận đủ điều kiện ATTP hoặc chứng nhận quản lý chất lượng (ISO, HACCP…) chưa?",
        [
            (r"quoc te", "Chứng nhận QLCL quốc tế"),
            (r"quoc gia", "Chứng nhận QLCL quốc gia (ISO, HACCP…)"),
            (r"du dieu kien an toan", "Có GCN đủ điều kiện ATTP"),
            (r"truy xuat", "Kiểm soát nội bộ + truy xuất"),
            (r"ke hoach", "Có kế hoạch kiểm soát nội bộ"),
            (r"khong co", "Chưa kiểm soát chất lượng"),
        ],
    ),
    (
        "chat luong an toan thuc pham",
        "Cơ sở có giấy chứng nhận đủ điều kiện sản xuất (GMP hoặc tương đương) còn hiệu lực chưa?",
        [
            (r"tien tien", "GMP + đã hậu kiểm + dây chuyền hiện đại"),
            (r"kiem tra", "GMP + đã được hậu kiểm"),
            (r".", "Có GCN GMP còn hiệu lực"),
        ],
    ),
    ("dieu kien dam bao an toan", "Cơ sở đã đáp ứng điều kiện bảo đảm an toàn, chất lượng nước uống ở mức nào?", []),
]
KEY_26 = {"1.2", "1.3", "2.1", "2.3", "3.1", "3.3", "3.4", "3.5", "4.1", "4.4", "5.1", "8", "13", "14"}


def _slug_number(number: str) -> str:
    return "c" + number.replace(".", "_")


def _sentence(label: str) -> str:
    if label.upper() == label and any(c.isalpha() for c in label):
        label = label.lower()
        return label[0].upper() + label[1:]
    return label


def _auto_short(label: str) -> str:
    words, out = label.split(), ""
    for w in words:
        if len(out) + len(w) + 1 > 44:
            return out + "…"
        out = (out + " " + w).strip()
    return out


def _template(label: str):
    f = fold(label)
    for prefix, q, shorts in KEY:
        if f.startswith(prefix):
            return q, shorts
    return None


def build_sheet(s: Sheet, meta: dict) -> dict:
    lv = leaves(s)
    leaf_numbers = {i.number for i in lv}
    rules_counter = 0

    def criterion(it: Item) -> dict:
        nonlocal rules_counter
        c: dict = {"id": _slug_number(it.number), "number": it.number, "label": _sentence(it.label), "max": it.points}
        notes, rules = [], []
        for n in it.notes:
            fn = fold(n)
            if fn.startswith("lua chon mot") or re.match(r"^[ab]\. truong hop", fn):
                continue
            if "bi loai" in fn and "nhap khau" in fn:
                rules.append(
                    {
                        "id": "toan_bo_nguyen_lieu_nhap_khau",
                        "kind": "disqualify",
                        "text": "Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc",
                    }
                )
            elif "bi loai" in fn and "giong het" in fn:
                rules.append(
                    {
                        "id": "giong_het_san_pham_khac",
                        "kind": "disqualify",
                        "text": "Bị loại nếu phát hiện giống hệt sản phẩm của nhà sản xuất khác, chỉ thay đổi tên sản phẩm, nhà sản xuất",
                    }
                )
            elif "so huu tri tue" in fn and "loai" in fn:
                rules.append(
                    {
                        "id": "vi_pham_so_huu_tri_tue",
                        "kind": "disqualify",
                        "text": "Sản phẩm vi phạm sở hữu trí tuệ sẽ bị loại bỏ",
                    }
                )
            elif "tap chat" in fn and ("khong danh gia" in fn or "khong xem xet" in fn):
                rules.append({"id": "tap_chat_nguy_hai", "kind": "halt", "text": n.split(":", 1)[1].strip()})
            elif "0 diem" in fn and "khong danh gia" in fn:
                rules.append({"id": "cam_quan_0_diem", "kind": "halt", "text": n.split(":", 1)[1].strip()})
            elif "phieu cong bo" in fn and "khong danh gia" in fn:
                rules.append({"id": "khong_phieu_cong_bo", "kind": "halt", "text": n.split(":", 1)[1].strip()})
            else:
                notes.append(n)
        if notes:
            c["notes"] = notes
        if rules:
            c["rules"] = rules
        opts = []
        cases = sorted({o.case for o in it.options if o.case})
        if cases:
            c["cases"] = [{"id": k, "label": ""} for k in cases]
        if not it.options:
            opts = [
                {"id": "o0", "label": "Không", "points": 0, "min_star": None, "implicit": True},
                {"id": "o1", "label": "Có", "points": it.points, "min_star": None, "implicit": True},
            ]
            c.setdefault("notes", []).append("Phiếu không liệt kê phương án; chấm 0 hoặc 1 điểm (có/không).")
        else:
            for k, o in enumerate(it.options, 1):
                od = {
                    "id": f"o{k}",
                    "label": o.label,
                    "points": o.points if o.points is not None else 0,
                    "min_star": o.stars,
                }
                if o.case:
                    od["case"] = o.case
                if o.points is None:
                    od["note"] = "Ô điểm để trống trong văn bản; hiểu là 0 điểm."
                opts.append(od)
            if not any(o["points"] == 0 for o in opts):
                imp = {
                    "id": "o0",
                    "label": "Chưa đáp ứng phương án nào của tiêu chí",
                    "points": 0,
                    "min_star": None,
                    "implicit": True,
                }
                for r in rules:
                    if r["id"] in ("toan_bo_nguyen_lieu_nhap_khau",):
                        imp["label"] = "Sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc"
                        imp["triggers"] = r["id"]
                opts.insert(0, imp)
        tpl = _template(it.label)
        is_key = (tpl is not None and s.number != 26) or (s.number == 26 and it.number in KEY_26)
        if is_key:
            c["key"] = True
            c["question"] = tpl[0] if tpl else f"{_sentence(it.label)}: sản phẩm đạt mức nào?"
            shorts = tpl[1] if tpl else []
            for od in opts:
                if od.get("implicit") and od["id"] == "o0":
                    od["short"] = "Nhập khẩu/không rõ nguồn gốc" if od.get("triggers") else "Chưa có / chưa đạt"
                    continue
                fl = fold(od["label"])
                od["short"] = next((sh for rx, sh in shorts if re.search(rx, fl)), _auto_short(od["label"]))
        c["options"] = opts
        return c

    # (applies_if is inserted by _apply_patches; options stay last for readability)

    parts = []
    for p in "ABC":
        items = [i for i in s.items if i.part == p]
        groups: list[dict] = []
        stack: list[tuple[str, dict]] = []
        for it in items:
            if it.number in leaf_numbers:
                crit = criterion(it)
                parent = next((g for num, g in reversed(stack) if it.number.startswith(num + ".")), None)
                if parent is None:
                    # a top-level scored item (e.g. "7. DINH DƯỠNG") is its own group of one criterion
                    g = {"number": it.number, "label": _sentence(it.label), "max": it.points, "criteria": [crit]}
                    groups.append(g)
                else:
                    parent.setdefault("criteria", []).append(crit)
            else:
                g = {"number": it.number, "label": _sentence(it.label), "max": it.points}
                parent = next((gg for num, gg in reversed(stack) if it.number.startswith(num + ".")), None)
                if parent is None:
                    groups.append(g)
                else:
                    parent.setdefault("groups", []).append(g)
                stack.append((it.number, g))
        parts.append({"id": p, "label": PARTS[p], "max": s.part_max[p], "groups": groups})

    out = {
        "id": meta["id"],
        "number": s.number,
        "name": meta["name"],
        "official_title": s.title if s.title[0].isupper() else s.title[0].upper() + s.title[1:],
        "group": meta["group"],
        "subgroup": meta["subgroup"],
        "header": s.header,
        "citation": f"Phụ lục II, QĐ 26/2026/QĐ-TTg (phiếu {s.number})",
        "disqualify": [{"id": k, "text": DQ[k]} for k in DQ_BY_SHEET[s.number]],
        "parts": parts,
    }
    return out


# Reviewed corrections and additions, applied on top of the parsed draft. Keyed by (sheet number, criterion number).
# "short" lists give button labels in option order (implicit o0 first when present).
PATCHES: dict[tuple[int, str], dict] = {
    (4, "7"): {
        "fix_points": {"o3": (3, 'Văn bản in "13" điểm; tiêu chí tối đa 3 điểm nên hiểu là 3 (nghi lỗi chép).')}
    },
    (11, "6.1.1"): {
        "fix_points": {
            "o2": (
                1,
                'Văn bản in "11" điểm; tiêu chí tối đa 2 điểm, phương án kế tiếp 2 điểm nên hiểu là 1 (nghi lỗi chép).',
            )
        }
    },
    (3, "5.1"): {"note": 'Dấu yêu cầu tối thiểu của phương án 5 điểm in cách nhau "* * * *" (4 sao).'},
    (7, "3.1"): {
        "note": 'Văn bản ghi phương án "Công ty TNHH; hoặc doanh nghiệp tư nhân; hoặc công ty cổ phần có vốn góp của '
        'cộng đồng người địa phương <51%" là 1 điểm, trong khi 25 phiếu còn lại ghi 2 điểm — nghi lỗi chép; '
        "dữ liệu giữ đúng văn bản (1 điểm), cần đối chiếu bản gốc."
    },
    (7, "7"): {
        "note": 'Phương án "Rất độc đáo và có tính đặc trưng" (5 điểm, *****) trong văn bản in ký hiệu "o" thay cho ô □.'
    },
    (23, "9"): {
        "note": 'Ô điểm tối đa trong văn bản ghi "4" kèm một số "1" lạc dòng; điểm tối đa 4 khớp phương án cao nhất và tổng phần C (35).'
    },
    (23, "6.2"): {"note": 'Văn bản ghi hai phương án "Chấp nhận được" và "Phù hợp với đặc tính sản phẩm" cùng 1 điểm.'},
    (19, "2.3"): {
        "note": 'Văn bản in phương án 1 điểm (***) của tiêu chí ghi nhãn bằng nội dung "Đơn đăng ký nhãn hiệu..." '
        '(trùng phương án tiêu chí 3.5) — nghi lỗi chép; các phiếu khác ghi "Có nhãn, ghi nhãn hàng hóa đầy đủ, '
        'theo đúng quy định". Dữ liệu giữ đúng văn bản.',
        "short": [
            "Chưa có / chưa đạt",
            "Mức 1 điểm (***)",
            "Nhãn đúng + thông điệp câu chuyện",
            "Nhãn đẹp + mã truy xuất điện tử",
        ],
    },
    (16, "9"): {
        "question": "Cơ sở đã có giấy chứng nhận đủ điều kiện an toàn sản xuất (hoặc tương đương) còn hiệu lực chưa?",
        "short": [
            "Chưa có",
            "Có GCN đủ điều kiện còn hiệu lực",
            "GCN + đã được hậu kiểm",
            "GCN + hậu kiểm + dây chuyền hiện đại",
        ],
    },
    (18, "12"): {"key": False},
    (18, "7"): {
        "question": "Sản phẩm đã có bản đăng ký công bố chất lượng, nhãn, quảng cáo đúng quy định còn hiệu lực chưa?",
        "short": ["Chưa có", "Có bản công bố, nhãn đúng quy định", "+ đủ hồ sơ lưu trữ"],
    },
    (21, "8"): {
        "note": 'Phiếu thủ công mỹ nghệ ghi phương án 1 điểm (***) là "giấy chứng nhận đủ điều kiện an toàn thực phẩm" '
        "như các phiếu thực phẩm — giữ đúng văn bản."
    },
    (24, "2.2"): {
        "note": "Phương án 4 điểm của phiếu 24 gắn ***** (5 sao), trong khi phiếu 25 cùng nội dung gắn **** — giữ đúng văn bản.",
        "short": [
            "Chưa có / chưa đạt",
            "Thông tin, thuyết minh đầy đủ",
            "+ thông điệp câu chuyện",
            "+ ấn tượng, mã truy xuất điện tử",
        ],
    },
    (25, "2.2"): {
        "short": [
            "Chưa có / chưa đạt",
            "Thông tin, thuyết minh đầy đủ",
            "+ thông điệp câu chuyện",
            "+ ấn tượng, mã truy xuất điện tử",
        ]
    },
    **{
        (n, "7"): {
            "short": [
                "Dưới mức trung bình",
                "Trung bình",
                "Tương đối độc đáo",
                "Độc đáo, mang tính đặc trưng",
                "Rất độc đáo, đặc trưng",
            ]
        }
        for n in (23, 24, 25)
    },
    **{
        (n, "8"): {"question": "Cơ sở có kế hoạch kiểm soát nội bộ chất lượng, gắn với truy xuất nguồn gốc chưa?"}
        for n in (23, 24, 25)
    },
    (26, "1.2"): {
        "question": "Hoạt động dịch vụ du lịch đã có cơ chế, quy định quản lý chưa?",
        "short": [
            "Chưa có",
            "Có quy định quản lý",
            "Quy định, phân nhiệm rõ ràng",
            "Phân nhiệm rõ, người dân cùng quản lý, hưởng lợi",
        ],
    },
    (26, "1.3"): {
        "question": "Nơi làm du lịch bảo vệ môi trường ở mức nào?",
        "short": [
            "Chưa có giải pháp",
            "Có giải pháp cụ thể (rác, nước thải)",
            "+ hạ tầng kỹ thuật môi trường",
            "+ mô hình cộng đồng tự quản",
            "+ đạt chuẩn môi trường NTM / có ĐTM",
        ],
    },
    (26, "2.1"): {
        "question": "Ý tưởng sản phẩm du lịch của bạn xuất phát từ đâu?",
        "short": [
            "Chưa rõ",
            "Dựa trên sản phẩm nơi khác",
            "Ý tưởng riêng, không trùng lặp",
            "Độc đáo, gắn văn hóa truyền thống",
        ],
    },
    (26, "2.3"): {
        "question": "Cộng đồng có hoạt động bảo tồn di sản, thiên nhiên, đa dạng sinh học không?",
        "short": ["Chưa có", "Có hoạt động bảo tồn", "Có kế hoạch chung của cộng đồng", "Cả cộng đồng cùng tham gia"],
    },
    (26, "3.3"): {
        "question": "Bao nhiêu phần trăm lao động là người trên địa bàn xã?",
        "short": ["Dưới 25%", "Từ 25% đến dưới 50%", "Từ 50% đến 75%", "Từ 75% trở lên"],
    },
    (26, "4.1"): {
        "question": "Có bao nhiêu đại diện/đại lý quảng bá sản phẩm du lịch?",
        "short": [
            "Chưa có",
            "Có đại diện/đại lý",
            "Từ 3 đại lý trong và ngoài tỉnh",
            "Từ 5 đại lý trong và ngoài tỉnh",
        ],
    },
    (26, "4.4"): {
        "question": "Sản phẩm được quảng bá, đặt dịch vụ trực tuyến thế nào?",
        "short": [
            "Chưa có website",
            "Có website giới thiệu",
            "+ kênh đặt dịch vụ trực tuyến",
            "+ Booking, Agoda, Traveloka…",
            "Quảng bá quốc tế, web tiếng nước ngoài",
        ],
    },
    (26, "5.1"): {
        "question": "Đã có cẩm nang hoặc câu chuyện về sản phẩm du lịch chưa?",
        "short": [
            "Chưa có",
            "Có cẩm nang/câu chuyện",
            "Riêng, đặc sắc, bản sắc địa phương",
            "Đặc sắc + có bản tiếng nước ngoài",
        ],
    },
    (26, "8"): {
        "question": "Các cơ sở dịch vụ đã đủ đăng ký và điều kiện kinh doanh chưa?",
        "short": [
            "Chưa đủ",
            "Cộng đồng: đủ ĐKKD và điều kiện",
            "Cộng đồng: + cơ sở đạt chuẩn phục vụ khách",
            "Điểm du lịch: đủ ĐKKD và điều kiện",
            "Điểm du lịch: + được công nhận/đạt chuẩn",
        ],
    },
    (26, "13"): {
        "question": "Sản phẩm dịch vụ du lịch được đánh giá thế nào?",
        "short": [
            "Chưa đạt",
            "Phong phú, hấp dẫn",
            "+ an toàn, chất lượng cao",
            "+ khách đánh giá cao trên Booking…",
            "+ đặc sắc vùng miền, khách đánh giá cao",
        ],
    },
    (26, "14"): {
        "question": "Chất lượng phục vụ khách ra sao?",
        "short": [
            "Chưa đạt",
            "Thân thiện, chu đáo",
            "+ khách đánh giá cao",
            "+ đánh giá cao trên trang lữ hành uy tín",
        ],
    },
}
SHEET_NOTES = {
    17: [
        'Dòng "Hồ sơ bị loại khi" của phiếu 17 viết "...; hoặc giấy phép sản xuất theo quy định hoặc..." (thiếu chữ); '
        'hiểu như phiếu 15 là "không có giấy phép sản xuất theo quy định".'
    ],
    18: [
        'Dòng "Hồ sơ bị loại khi" của phiếu 18 viết "GMP đối với thực phẩm bảo vệ hoặc tương đương" và '
        '"Hồ sơ đăng ký bản đăng ký công bố chất lượng sản phẩm, ghi nhãn sản phẩm, quảng cáo sản phẩm" (câu thiếu chữ); '
        "dữ liệu diễn đạt lại đủ ý."
    ],
    26: ['Phiếu 26 không có dòng "Hồ sơ bị loại khi".'],
}
CASES_26 = {
    "8": {"a": "Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp", "b": "Trường hợp 2: Điểm dịch vụ du lịch"},
    "9": {
        "a": "Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp",
        "b": "Trường hợp 2: Dịch vụ du lịch do tổ chức, cá nhân cung cấp",
    },
    "15": {
        "a": "Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp",
        "b": "Trường hợp 2: Dịch vụ du lịch do tổ chức, cá nhân cung cấp",
    },
}


def _apply_patches(sheet_number: int, data: dict) -> None:
    def walk(groups):
        for g in groups:
            yield from g.get("criteria", [])
            yield from walk(g.get("groups", []))

    all_criteria = [c for p in data["parts"] for c in walk(p["groups"])]
    for c in all_criteria:
        if any(fold(n).startswith("chi ap dung khi co cau chuyen san pham") for n in c.get("notes", [])):
            story = next(o for o in all_criteria if o["number"] == "5.1")
            c["applies_if"] = {"criterion": story["id"], "min_points": 1}
    for c in all_criteria:
        rule_ids = {r["id"] for r in c.get("rules", [])}
        if "khong_phieu_cong_bo" in rule_ids:
            # "Không đánh giá các bước tiếp theo nếu không có Phiếu công bố": the 0-point answer stops the evaluation
            zero = next(o for o in c["options"] if o["points"] == 0)
            zero["triggers"] = "khong_phieu_cong_bo"
            if zero.get("implicit"):
                zero["label"] = "Không có phiếu công bố sản phẩm theo quy định"
                if "short" in zero:
                    zero["short"] = "Chưa có phiếu công bố"
        if "cam_quan_0_diem" in rule_ids:
            # sheet 16: "Nếu được 0 điểm tại một trong các chỉ tiêu trên" = the sensory criteria 6.1–6.4
            for other in all_criteria:
                if other["number"].startswith("6.") and other["number"] <= c["number"]:
                    for o in other["options"]:
                        if o["points"] == 0:
                            o["triggers"] = "cam_quan_0_diem"
    for c in all_criteria:
        if sheet_number == 26 and c["number"] in CASES_26:
            c["cases"] = [{"id": k, "label": v} for k, v in CASES_26[c["number"]].items()]
            c["notes"] = ["Lựa chọn một trong hai trường hợp."] + c.get("notes", [])
        patch = PATCHES.get((sheet_number, c["number"]))
        if not patch:
            continue
        for oid, (pts, note) in patch.get("fix_points", {}).items():
            o = next(o for o in c["options"] if o["id"] == oid)
            o["official_points"] = o["points"]
            o["points"] = pts
            o["note"] = note
        if "note" in patch:
            c.setdefault("notes", []).append(patch["note"])
        if patch.get("key") is False:
            for k in ("key", "question"):
                c.pop(k, None)
            for o in c["options"]:
                o.pop("short", None)
        if "question" in patch:
            c["question"] = patch["question"]
        if "short" in patch:
            assert len(patch["short"]) == len(c["options"]), (sheet_number, c["number"])
            for o, sh in zip(c["options"], patch["short"]):
                o["short"] = sh
    for c in all_criteria:  # options last
        c["options"] = c.pop("options")
    if sheet_number in SHEET_NOTES:
        data["notes"] = SHEET_NOTES[sheet_number]


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def main(argv: list[str]) -> None:
    force = "--force" in argv
    only = [int(a) for a in argv if a.isdigit()]
    index = yaml.safe_load((CRITERIA_DIR / "product_sets.yml").read_text(encoding="utf-8"))
    metas = {m["number"]: m for m in index["product_sets"]}
    for s in parse_official_text():
        if only and s.number not in only:
            continue
        meta = metas[s.number]
        path = CRITERIA_DIR / meta["file"]
        if path.exists() and not force:
            print(f"skip {path.name} (exists)")
            continue
        data = build_sheet(s, meta)
        _apply_patches(s.number, data)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
        header = (
            f"# Phiếu đánh giá sản phẩm OCOP số {s.number} — {meta['name']}\n"
            f"# Source: QĐ 26/2026/QĐ-TTg, Phụ lục II. Labels keep the official wording; points and star marks\n"
            f"# (min_star: 3/4/5 = option marked ***/****/***** as minimum requirement) exactly as printed.\n"
            f"# Options with implicit: true are not printed in the sheet (0 points when no option is met).\n"
        )
        path.write_text(header + text, encoding="utf-8")
        print(f"wrote {path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
