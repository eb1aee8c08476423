"""Questions whether one named product is OCOP ("Giá Đỗ Nghi An là sản phẩm OCOP?").

The bot holds no list of recognised products (each province and the Ministry publish and change their own),
so such a question is searched as a question about "sản phẩm này": the name, whose product words would pull the
product group's entries ("nước mắm thuộc bộ nào"), is replaced. A name is a run of capitalised words after the
question's first word ("Tân Cương", "Cửa Khe"); all-capital words (OCOP, UBND, HTX) and the words formal text
capitalises (Bộ, Sở, Hội đồng, Quyết định, …) are not names. Only a question about the product's status is
rewritten ("… là / có phải / đã đạt / được công nhận … OCOP", "… đạt mấy sao"): "Mật ong Bản Khoang thuộc nhóm
nào" and "sản phẩm ở Hà Nội có được tham gia OCOP không" keep their words.
"""

from __future__ import annotations

import re

from knowledge_base import textnorm

THIS_PRODUCT = "sản phẩm này"

# Folded words that start with a capital in formal text without naming a product.
_NOT_NAMES = frozenset(
    "bo so hoi dong nha nuoc phu luc mau dieu khoan chuong trinh quyet dinh thu tuong chinh uy ban nhan dan "
    "tinh xa huyen trung uong to tu van nong nghiep moi truong cong thuong khoa hoc cuc ngan hang quy luat "
    "thong tu nghi theo tai cho em anh chi toi ocop".split()
)
# The question asks what the product is or has reached, not what it may do ("được tham gia", "được làm").
_STATUS_RE = re.compile(
    r"\b(?:la|co phai(?: la)?|da (?:la|dat|co|duoc cong nhan|duoc chung nhan)|dat|duoc cong nhan|duoc chung nhan)"
    r"(?: (?:san pham|hang|chuan))? ocop\b"
    r"|\b(?:dat|duoc) (?:ocop )?(?:may|bao nhieu|\d) sao\b"
)


def _title_word(token: str) -> str:
    """The folded word when ``token`` is capitalised like a name ("Cương" -> "cuong"), else ""."""
    word = token.strip(".,;:!?\"'()“”")
    return textnorm.fold(word) if len(word) > 1 and word.istitle() else ""


def generalized(question: str) -> str:
    """``question`` with its named product replaced by "sản phẩm này" when it asks that product's OCOP status."""
    tokens = question.split()
    words = [_title_word(t) for t in tokens]
    start = 1
    while start < len(tokens):
        end = start
        while end < len(tokens) and words[end]:
            end += 1
        if any(w not in _NOT_NAMES for w in words[start:end]):  # a run of capitalised words naming something
            rest = " ".join(tokens[end:])
            if _STATUS_RE.match(textnorm.normalize_folded(rest)):  # the status is asked right after the name
                return f"{THIS_PRODUCT} {rest}"
            return question
        start = end + 1
    return question
