"""Properties of `POST /api/score`: any answers to any sheet give a consistent result; any body gives no 5xx."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge_base.scoring import get_sheet
from tests.hostile_json import hostile_json

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def answer_sets(draw):
    sheet = get_sheet(draw(st.integers(1, 26)))
    answers = {}
    for c in sheet.criteria:
        if draw(st.booleans()) or draw(st.booleans()):
            answers[c.id] = draw(st.sampled_from([o.id for o in c.options]))
    rules = sorted(sheet.rules)
    wants_conditions = rules and draw(st.integers(0, 4)) == 0  # sheet 26 has no disqualifying rules
    conditions = draw(st.lists(st.sampled_from(rules), max_size=2)) if wants_conditions else []
    return sheet, answers, conditions


@SETTINGS
@given(answer_sets())
def test_results_are_consistent(client, case):
    sheet, answers, conditions = case
    response = client.post("/api/score", json={"sheet": sheet.id, "answers": answers, "conditions": conditions})
    assert response.status_code == 200
    r = response.json()
    assert r["total"] == sum(p["points"] for p in r["parts"]) == sum(r["points"].values())
    assert 0 <= r["total"] <= 100
    assert all(0 <= p["points"] <= p["max"] for p in r["parts"])
    assert len(r["plan"]) <= 5
    assert r["complete"] == (len(answers) == len(sheet.criteria))
    if r["complete"]:
        assert r["disqualified"] == (r["star"] is None)
        assert r["disqualified"] or 1 <= r["star"] <= r["band_star"]
    else:
        assert r["range"]["total_min"] <= r["total"] <= r["range"]["total_max"] <= 100
    if conditions:
        assert r["disqualified"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
bodies = json_values | st.fixed_dictionaries(
    {"sheet": json_values | st.sampled_from([4, "4", "mat_ong_nong_san_khac"])},
    optional={
        "answers": json_values
        | st.dictionaries(
            st.sampled_from(["c1_1", "c2_2", "x"]), st.sampled_from(["o0", "o1", "o3", "zz"]), max_size=3
        ),
        "conditions": json_values | st.lists(st.sampled_from(["gia_mao_ho_so", "nope"]), max_size=2),
    },
)


@SETTINGS
@given(bodies)
def test_any_json_body_gets_200_or_a_clear_4xx(client, body):
    response = client.post("/api/score", json=body)
    assert response.status_code in (200, 400, 422)
    if response.status_code != 200:
        assert response.json()["error"]


@SETTINGS
@given(st.text(max_size=60))
def test_any_match_query_is_answered(client, query):
    response = client.get("/api/match", params={"q": query})
    assert response.status_code == 200
    assert all(1 <= c["number"] <= 26 for c in response.json()["candidates"])


@SETTINGS
@given(hostile_json)
def test_nan_deep_nesting_and_huge_integers_get_400(client, body):
    response = client.post("/api/score", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"].startswith("Dữ liệu gửi lên")


@SETTINGS
@given(st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=5) | st.integers(0, 10**60).map(str))
def test_only_ascii_digits_one_to_26_name_a_sheet(client, key):
    response = client.get(f"/api/sheets/{quote(key)}")
    is_number = key.isascii() and len(key) <= 3 and 1 <= int(key) <= 26
    assert response.status_code == (200 if is_number else 404)
    assert len(response.content) < 1000 or is_number
