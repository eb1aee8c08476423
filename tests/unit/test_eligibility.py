"""The eligibility verdict: who may take part, and what to do when not yet."""

import pytest

from knowledge_base import eligibility


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bên em là htx", "hop_tac_xa"),
        ("Hợp tác xã nông nghiệp", "hop_tac_xa"),
        ("ho kinh doanh ca the", "ho_kinh_doanh"),
        ("công ty TNHH", "doanh_nghiep"),
        ("tổ hợp tác", "to_hop_tac"),
        ("trang trai", "trang_trai"),
        ("cho em hỏi", None),
        ("hop_tac_xa", "hop_tac_xa"),
    ],
)
def test_legal_form_is_recognised_from_free_text(text, expected):
    assert eligibility.legal_form_of(text) == expected


def test_a_registered_cooperative_with_a_local_honey_and_a_food_safety_certificate_is_eligible():
    verdict = eligibility.check("hop_tac_xa", None, True, 4, True)
    assert verdict.eligible
    assert "Mẫu số 01" in verdict.message() and "Điều 2 khoản 3" in verdict.message()


def test_an_unregistered_household_is_told_to_register_first():
    verdict = eligibility.check("ho_kinh_doanh", False, True, 4, True)
    assert not verdict.eligible
    assert "đăng ký kinh doanh" in verdict.message()


def test_a_person_without_registration_is_not_a_subject():
    verdict = eligibility.check("ca_nhan_chua_dang_ky", None, True, 9, True)
    assert not verdict.eligible and "đăng ký hộ kinh doanh" in verdict.message()


def test_food_without_a_food_safety_certificate_is_not_yet_eligible_and_cites_the_sheet():
    verdict = eligibility.check("doanh_nghiep", None, True, 9, False)
    assert not verdict.eligible
    assert "an toàn thực phẩm" in verdict.message() and "Phụ lục II" in verdict.message()


def test_handicrafts_need_no_food_safety_certificate():
    assert eligibility.permit_for(21) is None
    assert eligibility.check("hop_tac_xa", None, True, 21, None).eligible


def test_wine_needs_a_production_licence_too():
    assert "giấy phép sản xuất" in eligibility.permit_for(15)


def test_associations_are_subjects_only_for_tourism():
    assert eligibility.check("hoi_hiep_hoi", None, True, 26, None).eligible
    verdict = eligibility.check("hoi_hiep_hoi", None, True, 9, True)
    assert not verdict.eligible and "du lịch" in verdict.message()


def test_imported_raw_material_is_not_eligible():
    verdict = eligibility.check("hop_tac_xa", None, False, 7, True)
    assert not verdict.eligible and "nhập khẩu" in verdict.message()


def test_unknown_product_set_is_said_not_guessed():
    verdict = eligibility.check("hop_tac_xa", None, True, None, None)
    assert "chưa xác định được bộ sản phẩm" in verdict.message()
