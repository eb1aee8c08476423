"""Answers about one product set computed from the sheets as data, not retrieved from prose.

Three kinds of question are answered, and only when a product (matched with ``knowledge_base.scoring.match_product``)
or a sheet ("bộ 9", "phiếu số 9") is named:

* the set and group: "nước mắm thuộc nhóm nào", "homestay thuoc bo nao";
* what taking part needs: "mật ong tham gia OCOP cần gì" — the set, its group, the sheet's "Hồ sơ bị loại khi"
  conditions (the permits without which the dossier is rejected), its in-criterion rejection or stop notes and
  its ★3 minimum requirements (3 stars is the lowest recognised level);
* what a star level needs: "bộ 9 cần gì để đạt 4 sao" — the points band and, per criterion, the strongest
  option marked for that level or a lower one;
* how a product becomes an OCOP product: "xây dựng sản phẩm nấm linh chi thành sản phẩm OCOP", "làm sao để mật ong
  được công nhận OCOP" — the set, the steps from filing at the commune to recognition (the question bank's
  ``STEPS_ENTRY``, written once there) and what taking part needs, as above.

* where the raw material may come from, or the product be grown: "nước mắm: nguyên liệu mua ở tỉnh khác có bị
  loại không", "rau quả tươi có yêu cầu trồng trong tỉnh không" (answered "Có." and the requirement) — the sheet's
  origin criterion (1.1) as printed: its options with their points and star marks, its printed requirement and
  the case in which it rejects the dossier. Material bought in another province is not imported: on a sheet
  without a printed origin requirement it costs points, it is not a rejection, and a question about rejection or
  permission is answered so ("Không bị loại, nhưng…", "Được, nhưng…").

A yes/no question naming OCOP ("mật ong có được làm OCOP không", "lan hồ điệp tham gia OCOP được không") starts
with the answer: "Được." (a permission) or "Có." when it asks whether the product is recognised ("cá cảnh có được
công nhận OCOP không"), then the set and group (and what taking part needs when it also asks "cần gì"). The set,
needs and yes/no answers also quote the sheet's printed origin requirement, the "Yêu cầu: ..." note under its
"Nguồn gốc sản phẩm" criterion (1.1 on sheets 1–4 and 23–25).

The product is matched on the question without its question words (``QUESTION_PHRASES``) and without the common
phrases that merely contain a product word (``NOT_PRODUCT_PHRASES``: "hành trình" is not "hành", "mật khẩu" not
"mật", "tiêu thụ" not "tiêu"). A question is left to retrieval, even with a product named, when

* it is about another topic (``OTHER_TOPIC_PHRASES``: dossier, procedure, council, validity, support, tax, loans,
  export...), whatever else it says: "mật ong xuất khẩu cần gì", "homestay cần giấy phép kinh doanh gì, thuế thế nào";
* it is about running the business (``BUSINESS_PHRASES``: "giấy phép kinh doanh", "thành lập"...) and does not say
  that it asks about taking part (``PARTICIPATION_PHRASES``: "tham gia", "OCOP", "công nhận"): "homestay cần giấy phép
  kinh doanh gì" is retrieved, "homestay tham gia OCOP cần giấy phép kinh doanh gì" gets the sheet's conditions.

Everything said comes from ``knowledge_base/criteria/`` (``product_sets.yml`` and the sheet's YAML) and the
decision from ``knowledge_base.legal``. Any other question gets ``None`` so the caller retrieves as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from knowledge_base import legal
from knowledge_base.retrieval.question_bank import Entry, load_topic
from knowledge_base.scoring import Criterion, Sheet, get_sheet, load_index, match_product
from knowledge_base.scoring.scorer import BAND_CITATION, BAND_TEXT, STAR_BANDS
from knowledge_base.settings import KBSettings
from knowledge_base.starmarks import star_label
from knowledge_base.textnorm import fold, normalize

# Words of the question itself, removed before matching the product so that "để" is not "dê", "bộ" not "bơ",
# "của" not "cua", "hỏi" not "hồi", "tiêu chí" not "tiêu". Written with diacritics; a question typed without
# any diacritics also drops their folded forms.
QUESTION_PHRASES = (
    "sản phẩm",
    "tham gia",
    "tiêu chí",
    "tiêu chuẩn",
    "yêu cầu",
    "tối thiểu",
    "điều kiện",
    "giấy phép",
    "giấy tờ",
    "chứng nhận",
    "phân hạng",
    "đánh giá",
    "cho hỏi",
    "như thế nào",
    "thế nào",
    "bao nhiêu",
    "nhãn hiệu",
    "cảm ơn",
    "những gì",
    "phân nhóm",
    "bộ tiêu chí",
    "bộ sản phẩm",
    "phiếu chấm",
    "gồm",
    "gom nhung",
    "gom may",
    "gom bao",
    "gom cac",
    "gom co",  # bare "gom" is "gốm" unless it lists: "gồm những"
    "thuộc",
    "nhóm",
    "bộ",
    "phiếu",
    "nào",
    "gì",
    "cần",
    "để",
    "đạt",
    "lên",
    "sao",
    "của",
    "cho",
    "hỏi",
    "là",
    "được",
    "muốn",
    "làm",
    "thì",
    "ạ",
    "phải",
    "vào",
    "loại",
    "ocop",
    "mình",
    "tôi",
    "em",
    "anh",
    "chị",
    "bên",
    "có",
    "không",
    "và",
    "với",
    "ở",
    "về",
    "mỗi",
    "xã",
    "một",
    "số",
    "ngành",
    "hàng",
    "xếp",
    "nằm",
    "trong",
)
# Common phrases that contain a product keyword but do not name a product ("hành trình" is not "hành"). Removed
# like the question words; a question typed without any diacritics also drops their folded forms ("kiem tra" is
# not "trà", "dao tao" not "đào", "lan dau" not "lan").
NOT_PRODUCT_PHRASES = (
    # hành (set 10)
    "hành trình",
    "hành chính",
    "thực hành",
    "tiến hành",
    "ban hành",
    "phát hành",
    "hành vi",
    "hành động",
    "hành nghề",
    "vận hành",
    "điều hành",
    "thi hành",
    "chấp hành",
    "hiện hành",
    "lưu hành",
    "hành lang",
    "hành lý",
    "hành khách",
    "song hành",
    "cử hành",
    # tiêu (set 10)
    "tiêu thụ",
    "bao tiêu",
    "tiêu dùng",
    "chi tiêu",
    "tiêu biểu",
    "mục tiêu",
    "chỉ tiêu",
    "tiêu đề",
    "tiêu cực",
    "tiêu hóa",
    "tiêu điểm",
    "tiêu hủy",
    # muối, hồi (set 10)
    "muối mặt",
    "phản hồi",
    "hồi đáp",
    "hồi âm",
    "hồi phục",
    "hồi trước",
    # mật (set 4)
    "mật khẩu",
    "bí mật",
    "bảo mật",
    "mật độ",
    "mật thiết",
    "thân mật",
    # gạo (set 3), chè, trà (set 11), rượu (set 14), vang (set 15)
    "gạo cội",
    "chè chén",
    "rượu chè",
    "kiểm tra",
    "tra cứu",
    "thanh tra",
    "điều tra",
    "trả lời",
    "trả tiền",
    "vang danh",
    "vang dội",
    "tiếng vang",
    # nhãn, cam (set 1); "cá nhân", "công nhận" are not nhãn when typed without diacritics
    "nhãn mác",
    "nhãn hàng",
    "nhãn hàng hóa",
    "ghi nhãn",
    "dán nhãn",
    "tem nhãn",
    "nhãn sản phẩm",
    "cá nhân",
    "công nhận",
    "cam kết",
    "cam đoan",
    # tương (set 9), ngan (set 2), chả (set 8)
    "tương tự",
    "tương đương",
    "tương ứng",
    "tương lai",
    "tương đối",
    "tương tác",
    "tương thích",
    "tương trợ",
    "ngân hàng",
    "ngân sách",
    "chả biết",
    "chả hiểu",
    # hoa, lan, mai, đào, si (sets 23–24): hoa hồng as a commission, hóa/lần/thương mại/đào tạo without diacritics
    "hoa hồng cho đại lý",
    "hoa hồng đại lý",
    "hoa hồng bán hàng",
    "tiền hoa hồng",
    "hưởng hoa hồng",
    "ăn hoa hồng",
    "nhận hoa hồng",
    "chia hoa hồng",
    "trả hoa hồng",
    "mức hoa hồng",
    "chiết khấu hoa hồng",
    "hoa hồng cho cộng tác viên",
    "hàng hóa",
    "văn hóa",
    "hóa đơn",
    "hóa chất",
    "số hóa",
    "lần đầu",
    "mấy lần",
    "nhiều lần",
    "lần này",
    "lần thứ",
    "lần sau",
    "lan tỏa",
    "lan truyền",
    "lan rộng",
    "thương mại",
    "ngày mai",
    "đào tạo",
    "bán sỉ",
    "giá sỉ",
    "bác sĩ",
    # tranh, sứ, chiếu, bạc (set 21); khăn, vải, lụa, lanh (set 22); son (set 19)
    "cạnh tranh",
    "tranh chấp",
    "tranh thủ",
    "đấu tranh",
    "tranh luận",
    "sử dụng",
    "lịch sử",
    "sứ mệnh",
    "tham chiếu",
    "đối chiếu",
    "chiếu theo",
    "chiếu sáng",
    "trình chiếu",
    "tiền bạc",
    "khó khăn",
    "khan hiếm",
    "vai trò",
    "vài tháng",
    "vài năm",
    "vài ngày",
    "vài lần",
    "một vài",
    "lựa chọn",
    "lãnh đạo",
    "lãnh thổ",
    "lành mạnh",
    "sơn la",
    "lạng sơn",
)
# Topics that belong to the documents even with a product named. Matched as whole words; a word typed with
# diacritics must agree with them ("thuê" is not "thuế"), one typed without matches any ("thue" is both).
OTHER_TOPIC_PHRASES = (
    "hồ sơ",
    "thủ tục",
    "nộp",
    "ở đâu",
    "bao lâu",
    "hỗ trợ",
    "kinh phí",
    "thời hạn",
    "gia hạn",
    "thu hồi",
    "đánh giá lại",
    "quy trình",
    "mẫu số",
    "lợi ích",
    "quyền lợi",
    "hội đồng",
    "hiệu lực",
    "hết hạn",
    "còn hạn",
    "cấp lại",
    "thuế",
    "vay vốn",
    "cho vay",
    "khoản vay",
    "lãi suất",
    "tín dụng",
    "ngân hàng",
    "xuất khẩu",
    "nhập khẩu",
    "xúc tiến",
    "thẩm định",
)
# Who registers rather than what the product is: a yes/no question naming one of these ("hiệp hội có đứng tên
# đăng ký cho nước mắm được không") asks about the producer (chu_the) and is retrieved.
SUBJECT_PHRASES = (
    "đứng tên",
    "chủ thể",
    "hiệp hội",
    "hội phụ nữ",
    "hội nông dân",
    "tổ hợp tác",
    "hợp tác xã",
    "htx",
    "cá nhân",
    "hộ kinh doanh",
)
# Running the business rather than taking part: retrieved unless the question says it is about taking part.
BUSINESS_PHRASES = ("kinh doanh", "thành lập", "đăng ký doanh nghiệp", "mở cơ sở", "mở cửa hàng")
PARTICIPATION_PHRASES = ("tham gia", "ocop", "công nhận", "đánh giá", "phân hạng")


@cache
def _phrase_words(phrases: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Each phrase's words as written and folded, computed once per phrase list."""
    return tuple((tuple(p.split()), tuple(fold(w) for w in p.split())) for p in phrases)


def _says(question: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``question`` contains one of ``phrases`` as whole words (see ``OTHER_TOPIC_PHRASES``): a word
    typed with diacritics must match exactly, one typed without them matches the phrase's folded word."""
    words = re.findall(r"\w+", normalize(question))
    bare = [fold(w) for w in words]
    for wanted, wanted_bare in _phrase_words(phrases):
        n = len(wanted)
        for i in range(len(words) - n + 1):
            if all(
                w == p or (w == b and b == pb)
                for w, b, p, pb in zip(words[i : i + n], bare[i : i + n], wanted, wanted_bare)
            ):
                return True
    return False


_GROUP_RE = re.compile(
    r"\b(?:thuoc|nam trong|xep vao|la)\s+(?:(?:nhom|bo|loai|phan nhom|nganh)\b.*\b(?:nao|gi|may)\b"
    r"|bo so may)|\b(?:nhom|bo|phan nhom)\s+(?:san pham\s+)?(?:nao|gi|may|so may)\b"
)
_NEEDS_RE = re.compile(r"\b(?:can|phai co|yeu cau|dieu kien|tieu chi|giay phep|giay to)\b")
_STAR_RE = re.compile(r"\b(?:dat|len|duoc|thanh|hang|ocop)\s+([1-5])\s*(?:sao|\*)")
# A star level right before what it needs, without a verb: "nước mắm 4 sao cần gì", "mật ong 5 sao thì cần những gì".
_BARE_STAR_RE = re.compile(r"\b([1-5])\s*(?:sao|\*)\s+(?:thi\s+)?(?:can|phai co|yeu cau|dieu kien)\b")
# "xây dựng/đưa/phát triển X thành sản phẩm OCOP", "làm sao để X được công nhận OCOP", "muốn X đạt OCOP"
_JOIN_RE = re.compile(
    r"\b(?:xay dung|dua|phat trien|bien|nang tam|lam)\b.*\b(?:thanh|tro thanh)\s+(?:san pham\s+)?ocop\b"
    r"|\b(?:lam sao|lam the nao|cach nao|cach|muon|de)\b.*"
    r"\b(?:thanh|tro thanh|dat|duoc cong nhan|duoc chung nhan|duoc cap)\s+(?:chung nhan\s+|san pham\s+)?ocop\b"
)
# Any star level named, with or without a verb: "đạt 4 sao", "OCOP 4 sao", "4*".
_ANY_STAR_RE = re.compile(r"\b[1-5]\s*(?:sao|\*)")
# The question-bank entry whose answer lists the steps to recognition, and its topic (the file it is in).
STEPS_ENTRY, STEPS_TOPIC = "quy-trinh-cac-buoc-cong-nhan", "quy_trinh"
_STAR_AIM_RE = re.compile(r"\b(?:can|de|muon|phai|yeu cau|dieu kien|tieu chi|toi thieu|lam sao|lam the nao)\b")
# Where the raw material comes from: "nguyên liệu mua ở tỉnh khác", "nguồn gốc nguyên liệu", "nhập nguyên liệu".
_ORIGIN_RE = re.compile(
    r"\bnguyen (?:vat )?lieu\b|\bnguon goc\b|\b(?:trong|nuoi|khai thac)\b.*\b(?:trong|ngoai) tinh\b"
)
_ELSEWHERE_RE = re.compile(
    r"\b(?:tinh khac|ngoai tinh|trong tinh|tinh ban|noi khac|dia phuong khac|vung khac|mua|nhap|khong phai cua tinh|"
    r"khong phai o tinh|tu ngoai)\b"
)
_IMPORT_RE = re.compile(r"\bnhap khau\b|\bnuoc ngoai\b|\bnhap ngoai\b|\btrung quoc\b")
_REJECTION_RE = re.compile(r"\b(?:bi loai|loai ho so|khong dat|bi truot|bi danh truot)\b")
_PERMISSION_RE = re.compile(r"\b(?:duoc|co the)\b")
_SHEET_RE = re.compile(r"\b(?:bo|phieu)\s+(?:san pham\s+|tieu chi\s+)?(?:so\s+)?(\d{1,2})\b")
# "mật ong có được làm OCOP không", "lan hồ điệp tham gia OCOP được không", "cá koi có làm OCOP được không"
_YESNO_RE = re.compile(
    r"\bco\s+(?:the\s+)?(?:duoc|lam|tham gia|dang ky|cong nhan)\b.*\b(?:khong|ko)\b"
    r"|\b(?:lam|tham gia|dang ky|cong nhan|la)\b.*\bduoc\s+(?:khong|ko)\b"
)


@dataclass(frozen=True)
class DataAnswer:
    text: str  # Vietnamese, complete
    citation: str  # "Theo Phụ lục I và Phụ lục II (Bộ tiêu chí số 9), QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    sheet: int  # 1–26


def _folded_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(normalize(text))))


def _product_text(question: str) -> str:
    """The question without its question words (see ``QUESTION_PHRASES``)."""
    words = normalize(question).split()
    keep_marks = fold(question) != question.lower()
    written = QUESTION_PHRASES + NOT_PRODUCT_PHRASES
    folded = set() if keep_marks else {tuple(fold(p).split()) for p in written} - {("gom",)}
    phrases = sorted({tuple(p.split()) for p in written} | folded, key=len, reverse=True)
    out, i = [], 0
    while i < len(words):
        for phrase in phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _named_set(question: str, folded: str) -> tuple[Sheet, str | None] | None:
    """The sheet the question names ("bộ 9") or the product it names, with the product's catalogue keyword."""
    number = _SHEET_RE.search(folded)
    if number and 1 <= int(number.group(1)) <= 26:
        return get_sheet(int(number.group(1))), None
    text = _product_text(question)
    match = match_product(text)
    if not match.found and fold(question) == question.lower():
        # Typed without diacritics, a question word's folded form may be part of the product ("chị" in "linh
        # chi"): a keyword of two or more words found in the whole question names the product on its own.
        whole = match_product(question)
        if whole.found and not whole.ambiguous and any(len(k.split()) >= 2 for k in whole.best.matched):
            match = whole
    if not match.found or match.ambiguous:
        return None
    best = match.best
    keywords = [k for k in best.matched if not k.startswith("bộ ")]
    if fold(question) != question.lower():  # typed with diacritics: "gồm" must not be "gốm"
        keywords = [k for k in keywords if f" {normalize(k)} " in f" {text} "]
    if not keywords:
        return None
    return get_sheet(best.set_id), max(keywords, key=len)


def _citation(sheet: Sheet, articles: str = "") -> str:
    also = f"{articles}, " if articles else ""
    return (
        f"Theo {also}{legal.sentence('catalog_citation')} (Bộ tiêu chí số {sheet.number}), "
        f"{legal.current_decision().cited}"
    )


def _set_sentence(sheet: Sheet, product: str | None) -> str:
    group = next(g for g in load_index()["groups"] if g["id"] == sheet.group)
    subject = f"“{product[0].upper() + product[1:]}” thuộc" if product else "Đây là"
    group_text = f"nhóm {group['number']}" + (f" “{group['name']}”" if group["name"] != sheet.name else "")
    if sheet.subgroup not in (sheet.name, group["name"]):
        group_text += f", phân nhóm “{sheet.subgroup}”"
    return (
        f"{subject} bộ sản phẩm số {sheet.number} “{sheet.name}” ({group_text}), được chấm theo Bộ tiêu chí "
        f"(phiếu) số {sheet.number} ở Phụ lục II."
    )


def _origin_lines(sheet: Sheet) -> list[str]:
    """The sheet's printed origin requirement: the "Yêu cầu: ..." note under its "Nguồn gốc ..." criterion."""
    return [
        f"Tiêu chí {c.number} “{c.label}” của phiếu số {sheet.number} ghi: “{note.rstrip('.')}”."
        for c in sheet.criteria
        if c.label.startswith("Nguồn gốc")
        for note in c.notes
        if note.startswith("Yêu cầu")
    ]


def _set_text(sheet: Sheet, product: str | None) -> str:
    """The set sentence followed by the sheet's origin requirement, if it prints one."""
    return " ".join([_set_sentence(sheet, product)] + _origin_lines(sheet))


def _mark_line(criterion: Criterion, star: int) -> str:
    """One criterion's requirement for ``star``: its strongest option marked for that level or a lower one."""
    per_case = {}
    for case_id, case_label in criterion.cases or ((None, ""),):
        marked = [o for o in criterion.options if o.min_star and o.min_star <= star and o.case in (case_id, None)]
        if marked:
            option = max(marked, key=lambda o: (o.min_star, -o.points))
            per_case[case_label] = (
                f"{star_label(option.min_star)} “{option.label}” ({option.points}/{criterion.max} điểm)"
            )
    lines = [f"{label}: {text}" if label else text for label, text in per_case.items()]
    return f"- Tiêu chí {criterion.number} {criterion.label}: " + "; ".join(lines) + "."


def _marks(sheet: Sheet, star: int) -> list[str]:
    return [_mark_line(c, star) for c in sheet.criteria if any(o.min_star and o.min_star <= star for o in c.options)]


def _rejections(sheet: Sheet) -> list[str]:
    lines = []
    if sheet.disqualify:
        lines.append("Hồ sơ bị loại khi: " + "; ".join(r.text[0].lower() + r.text[1:] for r in sheet.disqualify) + ".")
    else:
        lines.append(f"Phiếu số {sheet.number} không có dòng “Hồ sơ bị loại khi”.")
    for c in sheet.criteria:
        for r in c.rules:
            kind = "loại hồ sơ" if r.kind == "disqualify" else "dừng đánh giá"
            lines.append(f"Ghi chú tiêu chí {c.number} ({kind}): {r.text.rstrip('.')}.")
    return lines


def _needs_text(sheet: Sheet, product: str | None, steps: str = "") -> str:
    """What taking part needs; ``steps`` (the steps to recognition) goes between the set and the conditions."""
    parts = [_set_text(sheet, product)]
    if steps:
        parts += ["Các bước để được công nhận:", steps]
    parts.append("Điều kiện để hồ sơ được chấm theo phiếu này:")
    parts += [f"- {line}" for line in _rejections(sheet)]
    parts.append(
        f"Để được công nhận (từ 3 sao: tổng điểm từ {_band_floor(3)} trở lên), phiếu số {sheet.number} "
        "yêu cầu tối thiểu:"
    )
    parts += _marks(sheet, 3)
    for c in sheet.criteria:
        if c.cases:
            parts.append(
                f"- Tiêu chí {c.number} {c.label}: chọn một trong hai trường hợp ("
                + "; ".join(label for _, label in c.cases)
                + ") và chấm theo phương án của trường hợp đó."
            )
    return "\n".join(parts)


def _band_floor(star: int) -> int:
    return next(low for low, level in STAR_BANDS if level == star)


def _star_text(sheet: Sheet, product: str | None, star: int) -> str:
    head = _set_text(sheet, product) + "\n" if product else ""
    marks = [f"★{s}" for s in range(3, star + 1)]
    lower = ", ".join(marks[:-1]) + " và " + marks[-1] if len(marks) > 1 else marks[0]
    parts = [
        f"{head}Để đạt {star} sao theo Bộ tiêu chí số {sheet.number} (“{sheet.name}”), sản phẩm cần tổng điểm "
        f"{BAND_TEXT[star]} ({BAND_CITATION}) và đạt các yêu cầu tối thiểu {lower} của phiếu:"
    ]
    parts += _marks(sheet, star)
    if star == 5:
        parts.append(legal.sentence("five_star_route"))
    if not any(o.min_star == star for c in sheet.criteria for o in c.options):
        parts.append(
            f"Phiếu số {sheet.number} không có phương án nào gắn {star_label(star)}; ngoài điểm, chỉ cần "
            "các yêu cầu của hạng thấp hơn."
        )
    hint = (
        f" Các ghi chú loại hồ sơ hoặc dừng đánh giá của từng tiêu chí: hỏi “bộ {sheet.number} tham gia OCOP cần gì”."
        if any(c.rules for c in sheet.criteria)
        else ""
    )
    parts.append(_rejections(sheet)[0] + hint)
    return "\n".join(parts)


def _origin_criterion(sheet: Sheet) -> Criterion | None:
    """The sheet's criterion on where the product or its raw material comes from (1.1), if it has one."""
    return next(
        (c for c in sheet.criteria if c.label.startswith("Nguồn nguyên liệu") or c.label == "Nguồn gốc sản phẩm"),
        None,
    )


def _origin_text(sheet: Sheet, product: str | None, criterion: Criterion, folded: str) -> str:
    """What the sheet's origin criterion says to a producer buying raw material elsewhere (module docstring)."""
    where = f"tiêu chí {criterion.number} “{criterion.label}” (tối đa {criterion.max} điểm) của phiếu số {sheet.number}"
    rejections = [r.text.rstrip(".") for r in criterion.rules if r.kind == "disqualify"]
    required = _origin_lines(sheet)
    if _IMPORT_RE.search(folded):
        head = [f"Phiếu số {sheet.number} ghi ở tiêu chí {criterion.number}: “{r}”." for r in rejections] or [
            f"Phiếu số {sheet.number} không ghi trường hợp loại hồ sơ vì nguyên liệu nhập khẩu; {where} chấm "
            "theo các phương án dưới đây."
        ]
    elif required:  # the sheet itself requires where the product is grown or raised
        head = [("Có. " if re.search(r"\byeu cau\b", folded) else "") + required[0]] + required[1:]
    else:
        fewer = f"nguyên liệu mua ngoài tỉnh được ít điểm hơn ở {where}."
        if _REJECTION_RE.search(folded):
            head = ["Không bị loại, nhưng " + fewer]
        elif _PERMISSION_RE.search(folded):
            head = ["Được, nhưng " + fewer]
        else:
            head = [fewer[0].upper() + fewer[1:]]
    lines = head + [f"Các phương án của tiêu chí {criterion.number}:"]
    for option in criterion.options:
        if not option.implicit:  # options printed on the sheet only
            mark = f" ({star_label(option.min_star)})" if option.min_star else ""
            lines.append(f"- {option.label}: {option.points} điểm{mark}.")
    if rejections and not _IMPORT_RE.search(folded):
        lines.append("Tiêu chí này chỉ loại hồ sơ khi: " + "; ".join(r[0].lower() + r[1:] for r in rejections) + ".")
    lines.append(_set_sentence(sheet, product))
    return "\n".join(lines)


def answer_from_data(question: str) -> DataAnswer | None:
    """A data answer when ``question`` names a product or sheet and asks its set/group, its requirements or a
    star level's minimums (see the module docstring); ``None`` for any other question."""
    folded = _folded_words(question or "")
    if not folded or _says(question, OTHER_TOPIC_PHRASES):
        return None
    if _says(question, BUSINESS_PHRASES) and not _says(question, PARTICIPATION_PHRASES):
        return None
    star = _STAR_RE.search(folded) or _BARE_STAR_RE.search(folded)
    if _ORIGIN_RE.search(folded) and (_ELSEWHERE_RE.search(folded) or _IMPORT_RE.search(folded)):
        kind = "origin"
    elif star and _STAR_AIM_RE.search(folded):
        kind = "star"
    elif _GROUP_RE.search(folded):
        kind = "group"
    elif _JOIN_RE.search(folded) and not _ANY_STAR_RE.search(folded):
        kind = "join"
    elif (
        not star
        and _YESNO_RE.search(folded)
        and re.search(r"\bocop\b", folded)
        and not _says(question, SUBJECT_PHRASES)
    ):
        kind = "yesno"
    elif _NEEDS_RE.search(folded):
        kind = "needs"
    else:
        return None
    named = _named_set(question, folded)
    if named is None:
        return None
    sheet, product = named
    if kind == "origin":
        criterion = _origin_criterion(sheet)
        if criterion is None:
            return None
        text = _origin_text(sheet, product, criterion, folded)
    elif kind == "star":
        level = int(star.group(1))
        if level < 3:
            return None
        text = _star_text(sheet, product, level)
    elif kind == "yesno":
        yes = "Có." if re.search(r"\bcong nhan\b", folded) else "Được."  # recognition vs permission
        if _NEEDS_RE.search(folded):  # "mật ong có được làm OCOP không, cần gì"
            text = f"{yes} {_needs_text(sheet, product)}"
        else:
            text = (
                f"{yes} {_set_text(sheet, product)} Sản phẩm được công nhận OCOP khi đạt từ 3 sao (tổng điểm "
                f"từ {_band_floor(3)} trở lên) theo phiếu này; điều kiện cụ thể: hỏi “bộ {sheet.number} tham gia "
                "OCOP cần gì”."
            )
    elif kind == "group":
        text = _set_text(sheet, product) + (
            " Việc xếp bộ ở đây dựa trên danh mục sản phẩm ví dụ; Hội đồng đánh "
            "giá, phân hạng quyết định bộ sản phẩm chính thức."
        )
    elif kind == "join":
        steps = _steps_entry()
        text = _needs_text(sheet, product, steps.answer)
        return DataAnswer(text=text, citation=_citation(sheet, steps.article), sheet=sheet.number)
    else:
        text = _needs_text(sheet, product)
    return DataAnswer(text=text, citation=_citation(sheet), sheet=sheet.number)


@cache
def _steps_entry() -> Entry:
    bank = KBSettings.from_env().question_bank_dir
    return next(e for e in load_topic(bank, STEPS_TOPIC) if e.id == STEPS_ENTRY)
