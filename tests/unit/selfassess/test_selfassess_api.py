"""The self-assessment API (`gateway.selfassess`): sheets, scoring with hand-computed cases, plan, matching, errors."""

from __future__ import annotations

import pytest

from knowledge_base.scoring import CITATION, get_sheet
from tests.unit.selfassess.cases import HONEY_3_STARS, HONEY_CAPPED


def post_score(client, sheet, answers, conditions=()):
    return client.post("/api/score", json={"sheet": sheet, "answers": answers, "conditions": list(conditions)})


def test_sheet_list_has_the_26_product_sets_in_order(client):
    data = client.get("/api/sheets").json()
    assert [s["number"] for s in data["sheets"]] == list(range(1, 27))
    first = data["sheets"][0]
    assert set(first) >= {"number", "id", "name", "group"}
    assert data["sheets"][3]["id"] == "mat_ong_nong_san_khac"
    assert {s["group_name"] for s in data["sheets"]} >= {"Thực phẩm", "Đồ uống"}


@pytest.mark.parametrize("number", range(1, 27))
def test_every_sheet_is_served_whole(client, number):
    data = client.get(f"/api/sheets/{number}").json()
    sheet = get_sheet(number)
    assert data["id"] == sheet.id and data["number"] == number
    assert [(p["id"], p["max"]) for p in data["parts"]] == [("A", 40), ("B", 25), ("C", 35)]

    def crits(group):
        return group["criteria"] + [c for sub in group["groups"] for c in crits(sub)]

    served = [c for p in data["parts"] for g in p["groups"] for c in crits(g)]
    assert [c["id"] for c in served] == [c.id for c in sheet.criteria]
    for got, crit in zip(served, sheet.criteria):
        assert got["max"] == crit.max and got["label"] == crit.label
        assert [(o["id"], o["label"], o["points"], o["min_star"]) for o in got["options"]] == [
            (o.id, o.label, o.points, o.min_star) for o in crit.options
        ]
        for o in got["options"]:
            assert o["star_mark"] == (f"★{o['min_star']} tối thiểu" if o["min_star"] else None)
    assert {c["id"] for c in data["conditions"]} >= {r.id for r in sheet.disqualify}
    assert "Hội đồng" in data["note"]


def test_sheet_by_id_equals_sheet_by_number(client):
    assert client.get("/api/sheets/mat_ong_nong_san_khac").json() == client.get("/api/sheets/4").json()


def test_worked_case_56_points_three_stars(client):
    r = post_score(client, "mat_ong_nong_san_khac", HONEY_3_STARS).json()
    assert r["complete"] and r["mode"] == "full"
    assert {p["id"]: p["points"] for p in r["parts"]} == {"A": 23, "B": 14, "C": 19}
    assert r["total"] == 56
    assert r["band_star"] == 3 and r["star"] == 3 and r["star_label"] == "3 sao"
    assert r["caps"] == [] and r["range"] is None and not r["disqualified"]
    assert r["points"]["c6_4"] == 3 and r["points"]["c12"] == 0
    assert r["citation"] == f"{CITATION}, phiếu 4"


def test_worked_case_70_points_capped_at_three_stars(client):
    r = post_score(client, 4, HONEY_CAPPED).json()
    assert {p["id"]: p["points"] for p in r["parts"]} == {"A": 27, "B": 18, "C": 25}
    assert r["total"] == 70 and r["band_star"] == 4 and r["star"] == 3
    caps = r["caps"]
    assert {c["criterion_number"] for c in caps} == {"2.1", "2.3", "3.4", "3.5", "5.1"}
    assert all(c["kind"] == "min_star" and c["star"] == 4 for c in caps)
    assert all("Phụ lục II, QĐ 26/2026/QĐ-TTg" in c["reason"] and c["citation"] for c in caps)


def test_plan_gives_steps_with_points_star_and_citation(client):
    r = post_score(client, 4, HONEY_CAPPED).json()
    plan = r["plan"]
    assert 3 <= len(plan) <= 5
    first = plan[0]
    assert first["points_gained"] > 0 and first["criterion_number"] and first["to_option"]
    assert all(step["citation"].startswith(CITATION) for step in plan)
    # fixing the five ★4 marks (one step each) unlocks 4 stars on the last of them
    assert plan[4]["unlocks_star"] == 4
    assert {s["criterion_number"] for s in plan} == {"2.1", "2.3", "3.4", "3.5", "5.1"}
    assert all(step["text"] for step in plan)


def test_all_best_answers_give_100_and_five_stars(client):
    sheet = get_sheet(4)
    r = post_score(client, 4, {c.id: c.best.id for c in sheet.criteria}).json()
    assert r["total"] == 100 and r["star"] == 5 and r["plan"] == []


def test_quick_range_while_criteria_are_unanswered(client):
    answers = {k: HONEY_3_STARS[k] for k in ("c1_1", "c4_1", "c9")}  # 3 + 3 + 2
    r = post_score(client, 4, answers).json()
    assert not r["complete"] and r["mode"] == "quick"
    assert r["answered"] == 3 and len(r["unanswered"]) == 32 - 3
    assert r["total"] == 8
    # best case: 100 less what the three answers miss (1.1: 3/3, 4.1: 3/5, 9: 2/5)
    assert r["range"]["total_min"] <= 8 and r["range"]["total_max"] == 100 - 0 - 2 - 3
    # 4.1 below its ★5 option ("o4") keeps even the best case at 4 stars, and says why
    assert r["range"]["star_max"] == 4 and r["star"] is None
    assert [(c["criterion_number"], c["star"]) for c in r["caps"]] == [("4.1", 5)]
    # the most likely star puts the unanswered criteria at the share the answers reached (8 of 13 points)
    assert r["range"]["total_min"] <= r["range"]["total_likely"] <= r["range"]["total_max"]
    assert r["range"]["star_min"] <= r["range"]["star_likely"] <= r["range"]["star_max"]
    assert (
        f"{r['range']['star_likely']} sao" in r["range"]["likely_text"]
        and "29 tiêu chí chưa hỏi" in r["range"]["likely_text"]
    )


def test_an_empty_answer_set_scores_zero_with_an_open_range(client):
    r = post_score(client, 4, {}).json()
    assert r["total"] == 0 and r["answered"] == 0 and r["plan"] == []
    assert r["range"]["total_max"] == 100


def test_disqualifying_condition(client):
    r = post_score(client, 4, HONEY_3_STARS, ["gia_mao_ho_so"]).json()
    assert r["disqualified"] and r["star"] is None and r["total"] == 56
    assert r["caps"][0]["kind"] == "disqualify" and "Giả mạo hồ sơ" in r["caps"][0]["reason"]


def test_disqualifying_answer_on_sheet_7(client):
    sheet = get_sheet(7)
    answers = {c.id: c.best.id for c in sheet.criteria}
    answers["c1_1"] = "o0"  # whole raw material imported or of unknown origin
    r = post_score(client, 7, answers).json()
    assert r["disqualified"] and r["star_label"].startswith("Bị loại")


def test_match_finds_honey_without_diacritics(client):
    data = client.get("/api/match", params={"q": "mat ong rung"}).json()
    assert data["candidates"][0]["number"] == 4
    assert client.get("/api/match", params={"q": "homestay"}).json()["candidates"][0]["number"] == 26
    assert client.get("/api/match", params={"q": ""}).json()["candidates"] == []


@pytest.mark.parametrize("key", ["99", "0", "-1", "4.5", "khong_co", "mat%20ong"])
def test_unknown_sheet_is_404(client, key):
    response = client.get(f"/api/sheets/{key}")
    assert response.status_code == 404
    assert "Không có bộ sản phẩm" in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"sheet": 99, "answers": {}}, 422, "Không có bộ sản phẩm"),
        ({"sheet": 4, "answers": {"c99": "o1"}}, 422, "không có tiêu chí"),
        ({"sheet": 4, "answers": {"c1_1": "o9"}}, 422, "không có phương án"),
        ({"sheet": 4, "answers": {}, "conditions": ["bay_dat"]}, 422, "không có điều kiện"),
        ({"answers": {}}, 422, "thiếu trường"),
        ({"sheet": 4, "answers": {"c1_1": 3}}, 422, "sai kiểu"),
        ({"sheet": 4, "answers": ["c1_1"]}, 422, "sai kiểu"),
        ({"sheet": True, "answers": {}}, 422, "sai kiểu"),
        ([4], 422, "sai kiểu"),
    ],
)
def test_bad_score_requests_get_a_clear_4xx(client, body, status, words):
    response = client.post("/api/score", json=body)
    assert response.status_code == status
    data = response.json()
    assert words in data["error"] and data["detail"]


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b"null"])
def test_malformed_json_is_400_or_422(client, raw):
    response = client.post("/api/score", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json()["error"]


def test_too_long_match_query_is_422(client):
    response = client.get("/api/match", params={"q": "a" * 201})
    assert response.status_code == 422 and "quá dài" in response.json()["error"]


def test_page_is_served_in_vietnamese_and_offline(client):
    response = client.get("/tu-danh-gia", params={"bo": 4})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'lang="vi"' in html and "In kết quả" in html and "Hội đồng đánh giá" in html
    for name in ("selfassess.html", "selfassess.js", "selfassess.css"):
        text = client.get(f"/static/{name}").text
        assert "http://" not in text and "https://" not in text and "@import" not in text
    script = client.get("/static/selfassess.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_a_one_or_two_star_result_says_it_gets_no_certificate(client):
    sheet = get_sheet(4)
    weakest = {c.id: min((o for o in c.options if not o.triggers), key=lambda o: o.points).id for c in sheet.criteria}
    r = post_score(client, 4, weakest).json()
    assert r["star"] <= 2 and "không được cấp giấy chứng nhận" in r["recognition_note"]
    best = post_score(client, 4, {c.id: c.best.id for c in sheet.criteria}).json()
    assert best["recognition_note"] is None
