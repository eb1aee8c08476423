"""The editors' review page over real HTTP: refused and "Chưa đúng" questions grouped by similar wording
and counted, a draft for the question bank, CSV and YAML exports (audited), editors only."""

from __future__ import annotations

import csv
import io

import yaml

from gateway.staff.records import Records
from gateway.staff.review import SIMILARITY, group, similarity, words_of
from tests.unit.staff.conftest import csrf_of


def _records(gateway, tmp_path) -> Records:
    return Records(gateway.store.db, tmp_path / "var")


def test_wordings_with_and_without_diacritics_group_together():
    assert similarity(words_of("Hồ sơ OCOP gồm những gì?"), words_of("ho so ocop gom nhung gi")) == 1.0
    assert similarity(words_of("hồ sơ ocop gồm gì"), words_of("giá vàng hôm nay")) < SIMILARITY


def test_refused_and_unhelpful_lists_group_count_and_export(gateway, signed_in, tmp_path):
    records = _records(gateway, tmp_path)
    for sender, question in [
        ("zalo:1", "Thuế thu nhập cho hợp tác xã OCOP là bao nhiêu?"),
        ("telegram:2", "thue thu nhap cho hop tac xa ocop la bao nhieu"),
        ("web:3", "Thuế thu nhập hợp tác xã OCOP bao nhiêu?"),
        ("zalo:4", "Vay vốn ngân hàng để làm OCOP được không?"),
    ]:
        records.answer(sender, question, False, "", "", "", "nlu_fallback")
    records.answer("zalo:5", "Hồ sơ gồm gì?", True, "qa:ho-so", "Điều 7, QĐ 26/2026/QĐ-TTg", "ho_so", "ask_dossier")
    records.feedback("zalo:5", "unhelpful", "Hồ sơ gồm gì?", "qa:ho-so", "Điều 7, QĐ 26/2026/QĐ-TTg")
    records.feedback("zalo:6", "helpful", "Hạng sao là gì?", "qa:hang-sao", "Điều 5")

    client = signed_in("editor")
    page = client.get("/staff/review")
    assert page.status_code == 200
    refused = page.text.split('id="list-refused"')[1].split('id="list-unhelpful"')[0]
    assert "(4 câu, 2 nhóm)" in refused
    assert refused.index("3 lần") < refused.index("Vay vốn ngân hàng")  # the larger group comes first
    unhelpful = page.text.split('id="list-unhelpful"')[1].split('id="list-handover"')[0]
    assert "Hồ sơ gồm gì?" in unhelpful and "Hạng sao là gì?" not in unhelpful

    exported = client.get("/staff/review/refused.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["nhom", "so_lan", "cau_hoi_dai_dien"]
    assert [r[1] for r in rows[1:]] == ["3", "1"]
    assert "zalo" in rows[1][5] and "telegram" in rows[1][5]
    audit = [row[0] for row in gateway.store.db.rows("SELECT action FROM audit_log")]
    assert "export-csv" in audit


def test_a_date_range_leaves_out_older_questions(gateway, signed_in, tmp_path):
    records = _records(gateway, tmp_path)
    records.answer("zalo:1", "Câu hỏi cũ về thuế OCOP", False, "", "", "", "")
    gateway.store.db.run("UPDATE answer_log SET at = at - 90 * 86400")
    records.answer("zalo:1", "Câu hỏi mới về vay vốn", False, "", "", "", "")
    page = signed_in("editor").get("/staff/review").text
    assert "Câu hỏi mới về vay vốn" in page and "Câu hỏi cũ về thuế OCOP" not in page


def test_a_draft_for_the_question_bank_is_kept_and_exported_as_yaml(gateway, signed_in):
    client = signed_in("editor", "bien-tap")
    csrf = csrf_of(client.get("/staff/review").text)
    saved = client.post(
        "/staff/review/drafts",
        data={
            "csrf_token": csrf,
            "source": "refused",
            "questions": "Thuế thu nhập cho HTX OCOP?\nthue thu nhap htx ocop",
            "answer": "Chương trình OCOP không quy định thuế; hãy hỏi cơ quan thuế địa phương.",
            "citation": "",
            "count": "3",
        },
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Đã lưu bản nháp" in page.text and "bien-tap" in page.text
    exported = client.get("/staff/review/drafts.yml")
    [entry] = yaml.safe_load(exported.text)
    assert entry["questions"] == ["Thuế thu nhập cho HTX OCOP?", "thue thu nhap htx ocop"]
    assert entry["answer"].startswith("Chương trình OCOP không quy định thuế")
    assert entry["id"] == "thue-thu-nhap-cho-htx-ocop"


def test_operators_cannot_open_the_review(signed_in):
    client = signed_in("operator")
    assert client.get("/staff/review").status_code == 403
    assert client.get("/staff/review/refused.csv").status_code == 403


def test_grouping_keeps_distinct_questions_apart():
    from gateway.staff.review import Item

    groups = group([Item(1, "giá vàng hôm nay", "zalo"), Item(2, "hồ sơ ocop gồm gì", "zalo")])
    assert [len(g.items) for g in groups] == [1, 1]
