"""Eligibility check: may this producer and product take part in OCOP today, and if not, what to do.

Pure logic over `eligibility_rules.yml`; the chat form in `actions/` only collects the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge_base.textnorm import normalize_folded

RULES_PATH = Path(__file__).parent / "eligibility_rules.yml"


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def legal_form_of(text: str | None) -> str | None:
    """Canonical legal form id from a slot value or free text ("bên em là htx" -> "hop_tac_xa")."""
    if not text:
        return None
    forms = rules()["legal_forms"]
    if text in forms:
        return text
    folded = f" {normalize_folded(text)} "
    best, best_len = None, 0
    for form_id, form in forms.items():
        for keyword in form["keywords"]:
            # Longest keyword wins: "ho kinh doanh" before "hoi".
            if f" {keyword} " in folded and len(keyword) > best_len:
                best, best_len = form_id, len(keyword)
    return best


def needs_registration_question(legal_form: str | None) -> bool:
    form = rules()["legal_forms"].get(legal_form or "", {})
    return not form.get("registered_by_nature", False) and not form.get("not_a_subject", False)


def permit_for(product_set: int | None) -> str | None:
    """The production permit the product set's sheet requires, or None when it requires none."""
    if product_set is None:
        return None
    for entry in rules()["permits"]:
        if product_set in entry["sets"]:
            return entry["permit"]
    return None


@dataclass
class Verdict:
    eligible: bool
    reasons: list[str] = field(default_factory=list)  # why not yet, each with what to do
    notes: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)

    def message(self) -> str:
        if self.eligible:
            lines = [
                "✅ Theo các thông tin bạn cung cấp, cơ sở và sản phẩm của bạn đủ điều kiện đăng ký đánh giá, phân hạng OCOP."
            ]
            lines.append(
                "Bước tiếp theo: chuẩn bị Phiếu đăng ký (Mẫu số 01) và Báo cáo tự đánh giá (Mẫu số 02), nộp tại UBND cấp xã."
            )
        else:
            lines = ["⚠️ Hiện chưa đủ điều kiện đăng ký OCOP, vì:"]
            lines += [f"- {reason}" for reason in self.reasons]
        lines += [f"Lưu ý: {note}" for note in self.notes]
        lines.append("Nguồn: " + "; ".join(dict.fromkeys(self.citations)) + ".")
        lines.append("Đây là kiểm tra sơ bộ; UBND cấp xã và cơ quan tham mưu OCOP cấp tỉnh sẽ xem xét hồ sơ cụ thể.")
        return "\n".join(lines)


def check(
    legal_form: str | None,
    registered: bool | None,
    local_origin: bool | None,
    product_set: int | None,
    has_permit: bool | None,
) -> Verdict:
    """Decide eligibility from the form's answers (None = not asked or unknown)."""
    data = rules()
    verdict = Verdict(eligible=True, citations=[data["subjects_citation"]])
    form = data["legal_forms"].get(legal_form or "")

    if form is None:
        verdict.eligible = False
        verdict.reasons.append(
            "chưa xác định được loại hình cơ sở. Chủ thể OCOP phải là hợp tác xã, tổ hợp tác, doanh nghiệp nhỏ và vừa, "
            "hoặc trang trại, hộ sản xuất, hộ gia đình có đăng ký kinh doanh."
        )
    elif form.get("not_a_subject"):
        verdict.eligible = False
        verdict.reasons.append(
            "cá nhân hoặc hộ chưa đăng ký kinh doanh không thuộc đối tượng chủ thể OCOP. "
            "Việc cần làm: đăng ký hộ kinh doanh (hoặc tham gia/thành lập tổ hợp tác, hợp tác xã) trước khi đăng ký OCOP."
        )
    else:
        if form.get("tourism_only") and product_set not in (None, data["tourism_set"]):
            verdict.eligible = False
            verdict.reasons.append(
                "hội, hiệp hội, trung tâm điều hành chỉ là chủ thể OCOP với nhóm dịch vụ du lịch cộng đồng, "
                "du lịch sinh thái và điểm du lịch. Việc cần làm: sản phẩm hàng hóa nên do hợp tác xã, tổ hợp tác, "
                "doanh nghiệp hoặc hộ có đăng ký kinh doanh đứng tên."
            )
        if registered is False and not form.get("registered_by_nature"):
            verdict.eligible = False
            verdict.reasons.append(
                f"{form['label'].lower()} phải có đăng ký kinh doanh mới là chủ thể OCOP. "
                "Việc cần làm: làm thủ tục đăng ký kinh doanh (hộ kinh doanh, tổ hợp tác…) trước khi nộp hồ sơ."
            )
        if form.get("note"):
            verdict.notes.append(form["note"])

    if local_origin is False:
        verdict.eligible = False
        verdict.citations.append(data["sheets_citation"])
        verdict.reasons.append(
            "sản phẩm OCOP phải có xuất xứ, gắn với địa phương; trên phiếu đánh giá, sản phẩm dùng toàn bộ nguyên liệu "
            "nhập khẩu hoặc không rõ nguồn gốc sẽ bị loại. Việc cần làm: sử dụng nguyên liệu có nguồn gốc rõ ràng, "
            "ưu tiên nguyên liệu trong tỉnh, và lưu giữ hóa đơn, hợp đồng làm minh chứng."
        )

    permit = permit_for(product_set)
    if permit and has_permit is False:
        verdict.eligible = False
        verdict.citations.append(data["sheets_citation"])
        verdict.reasons.append(
            f"phiếu đánh giá của bộ sản phẩm này loại hồ sơ nếu thiếu {permit}. "
            "Việc cần làm: liên hệ cơ quan quản lý chuyên ngành cấp tỉnh để được cấp giấy trước khi nộp hồ sơ."
        )
    if product_set is None:
        verdict.notes.append(
            "chưa xác định được bộ sản phẩm nên chưa kiểm tra giấy tờ chuyên ngành (như giấy chứng nhận cơ sở đủ điều kiện "
            "an toàn thực phẩm với thực phẩm, đồ uống)."
        )
    return verdict
