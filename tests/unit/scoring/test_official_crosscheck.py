"""Cross-check the reviewed YAML against figures parsed independently from the official text.

The official text (QĐ 26/2026/QĐ-TTg, reference only) lives beside the repository in ``../shared/sources``. This test
uses its own small parser to read, for every sheet, the maximum of every criterion, the
points of every printed option and the options carrying star marks, and compares them with the YAML. Deviations
that are documented in the YAML (copying errors of the printed text) are listed in ``KNOWN``.
"""

import re
from pathlib import Path

import pytest

from knowledge_base.scoring import get_sheet

REPO = Path(__file__).resolve().parents[3]
SOURCE = REPO.parent / "shared" / "sources" / "qd-26-2026-QD-TTg.txt"

pytestmark = pytest.mark.skipif(
    not SOURCE.exists(), reason=f"official text not found at {SOURCE} (CI keeps ../shared beside the clone)"
)

# (sheet, criterion number, printed points) -> points in the YAML
KNOWN = {(4, "7", 13): 3, (11, "6.1.1", 11): 1}
HEAD = re.compile(r"^(\d{1,2})\. (?:Bộ sản phẩm: |Sản phẩm )")
NUM = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")


def _official():
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC II"))
    stop = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC III"))
    sheets, current, want = {}, None, 1
    for i in range(start, stop):
        line = lines[i].strip()
        m = HEAD.match(line)
        if m and int(m.group(1)) == want and lines[i + 1].startswith("("):
            current = sheets.setdefault(want, {"items": [], "in_body": False})
            want += 1
            continue
        if current is None:
            continue
        if line.startswith("Các tiêu chí"):
            current["in_body"] = True
            continue
        if not current["in_body"] or not line.endswith("|"):
            continue
        # the points are on the next non-empty line; the cell may start a few lines above
        nxt = next((lines[j].strip() for j in range(i + 1, min(i + 3, stop)) if lines[j].strip()), "")
        pts = int(nxt) if nxt.isdigit() else None
        j = i
        while j > 0 and lines[j - 1].strip() and not lines[j - 1].strip().isdigit():
            j -= 1
        head = lines[j].strip()
        if head.startswith(("□", "o ")):
            run = re.search(r"([*\s]*)\|?$", head.rstrip("|").rstrip(" ;.")).group(1)
            stars = run.count("*")
            current["items"][-1]["options"].append((pts, stars if stars >= 3 else None))
        elif head.startswith("TỔNG CỘNG"):
            current["in_body"] = False
        else:
            m = NUM.match(head)
            if m and pts is not None and not head.startswith(("Ghi chú", "Yêu cầu")):
                current["items"].append({"number": m.group(1), "max": pts, "options": []})
    return sheets


OFFICIAL = _official() if SOURCE.exists() else {}


def _scored(items):
    return [
        it
        for k, it in enumerate(items)
        if not (k + 1 < len(items) and items[k + 1]["number"].startswith(it["number"] + "."))
    ]


def test_all_26_sheets_found():
    assert sorted(OFFICIAL) == list(range(1, 27))


@pytest.mark.parametrize("number", range(1, 27))
def test_criterion_maxima_match(number):
    official = {it["number"]: it["max"] for it in _scored(OFFICIAL[number]["items"])}
    ours = {c.number: c.max for c in get_sheet(number).criteria}
    assert ours == official
    assert sum(official.values()) == 100


@pytest.mark.parametrize("number", range(1, 27))
def test_option_points_and_star_marks_match(number):
    sheet = get_sheet(number)
    for it in _scored(OFFICIAL[number]["items"]):
        crit = next(c for c in sheet.criteria if c.number == it["number"])
        printed = [o for o in crit.options if not o.implicit]
        if not it["options"]:  # e.g. bilingual label: no printed options, 0/1 by the criterion max
            assert not printed
            continue
        assert len(printed) == len(it["options"]), crit.number
        for ours, (pts, stars) in zip(printed, it["options"]):
            expected = KNOWN.get((number, it["number"], pts), pts if pts is not None else 0)
            assert ours.points == expected, (crit.number, ours.id)
            assert ours.min_star == stars, (crit.number, ours.id)


def test_starred_option_sets_match():
    for number in range(1, 27):
        official = {(it["number"], s) for it in _scored(OFFICIAL[number]["items"]) for _, s in it["options"] if s}
        ours = {(c.number, o.min_star) for c in get_sheet(number).criteria for o in c.options if o.min_star}
        assert ours == official, number


def _disqualify_lines():
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    out, want = {}, 1
    for i, line in enumerate(lines):
        m = HEAD.match(line)
        if m and int(m.group(1)) == want and i + 1 < len(lines) and lines[i + 1].startswith("("):
            current, want = want, want + 1
            out[current] = ""
        elif want > 1 and line.startswith(("Hồ sơ bị loại khi:", "Bị loại khi:")) and not out[want - 1]:
            out[want - 1] = line.lower()
        if want > 26 and line.startswith("PHỤ LỤC III"):
            break
    return out


def test_disqualifying_conditions_match():
    official = _disqualify_lines()
    for number in range(1, 27):
        ours = {r.id for r in get_sheet(number).disqualify}
        text = official[number]
        assert bool(ours) == bool(text), number
        if not text:
            continue
        assert ("gia_mao_ho_so" in ours) == ("giả mạo hồ sơ" in text), number
        assert ("ho_so_khong_dat" in ours) == ("hồ sơ đăng ký theo quy định" in text), number
        assert ("khong_gcn_attp" in ours) == ("đủ điều kiện an toàn thực phẩm" in text), number
        assert ("khong_giay_phep_san_xuat" in ours) == ("giấy phép sản xuất" in text), number
        assert ("khong_gcn_gmp" in ours) == ("gmp" in text), number
        assert bool(ours & {"khong_du_dieu_kien_san_xuat", "khong_du_dieu_kien_san_xuat_byt"}) == (
            "điều kiện bắt buộc" in text
        ), number


def test_in_criterion_disqualifying_notes_match():
    text = SOURCE.read_text(encoding="utf-8")
    body = text[text.index("PHỤ LỤC II") : text.index("PHỤ LỤC III")]
    printed = body.count("Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu")
    ours = sum(
        1
        for n in range(1, 27)
        for c in get_sheet(n).criteria
        for r in c.rules
        if r.id == "toan_bo_nguyen_lieu_nhap_khau"
    )
    assert ours == printed > 0
    printed = body.count("giống hệt sản phẩm")
    ours = sum(
        1 for n in range(1, 27) for c in get_sheet(n).criteria for r in c.rules if r.id == "giong_het_san_pham_khac"
    )
    assert ours == printed > 0
