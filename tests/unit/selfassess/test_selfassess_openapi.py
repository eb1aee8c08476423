"""The gateway's `/openapi.json` documents the self-assessment API, and what the API serves is exactly that contract."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.unit.selfassess.cases import HONEY_3_STARS, HONEY_CAPPED


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    var = Path(tmp_path_factory.mktemp("openapi")) / "var"
    with TestClient(create_app(Settings(rasa_url="http://127.0.0.1:9", data_dir=var))) as client:
        yield client


@pytest.fixture(scope="module")
def openapi(gateway: TestClient) -> dict:
    return gateway.get("/openapi.json").json()


def _resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _property(openapi: dict, schema: dict, name: str) -> dict:
    """The schema of one property, through `$ref` and the `anyOf: [X, null]` of an optional field."""
    prop = _resolve(openapi, schema)["properties"][name]
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(openapi, option)
    return _resolve(openapi, prop)


def _response_schema(openapi: dict, method: str, path: str, status: str) -> dict:
    return _resolve(
        openapi, openapi["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    )


def test_score_documents_its_result_fields(openapi):
    result = _response_schema(openapi, "post", "/api/score", "200")
    assert {"total", "max_total", "band_star", "star", "star_label", "disqualified", "caps", "plan", "range"} <= set(
        result["properties"]
    )
    assert {"total_min", "total_max", "star_min", "star_max", "star_likely"} <= set(
        _property(openapi, result, "range")["properties"]
    )
    cap = _resolve(openapi, _property(openapi, result, "caps")["items"])
    assert cap["properties"]["kind"]["enum"] == ["min_star", "disqualify", "halt"]
    step = _resolve(openapi, _property(openapi, result, "plan")["items"])
    assert {"criterion_number", "to_label", "points_gained", "unlocks_star", "text"} <= set(step["properties"])
    assert _property(openapi, result, "mode")["enum"] == ["full", "quick"]

    body = openapi["paths"]["/api/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(_resolve(openapi, body)["properties"]) == {"sheet", "answers", "conditions"}
    for status in ("400", "422", "429"):
        assert set(_response_schema(openapi, "post", "/api/score", status)["properties"]) == {"error", "detail"}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/sheets", {"sheets", "source", "note"}),
        ("/api/sheets/{key}", {"parts", "conditions", "star_bands", "max_total"}),
        ("/api/match", {"query", "ambiguous", "candidates"}),
    ],
)
def test_every_page_endpoint_documents_its_response(openapi, path, fields):
    assert fields <= set(_response_schema(openapi, "get", path, "200")["properties"])


def _closed(openapi: dict, method: str, path: str, status: int) -> dict:
    """The documented response of a route as a JSON Schema that also refuses keys the documentation does not name."""
    components = copy.deepcopy(openapi["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema["additionalProperties"] = False
    documented = openapi["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    return {**documented, "components": components}


def _quick_answers() -> dict:
    return dict(list(HONEY_3_STARS.items())[:10])


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "path"),
    [
        ("get", "/api/sheets", None, 200, "/api/sheets"),
        ("get", "/api/sheets/4", None, 200, "/api/sheets/{key}"),
        ("get", "/api/sheets/26", None, 200, "/api/sheets/{key}"),
        ("get", "/api/sheets/27", None, 404, "/api/sheets/{key}"),
        ("get", "/api/match?q=mat%20ong", None, 200, "/api/match"),
        ("get", "/api/match?limit=nhieu", None, 422, "/api/match"),
        ("post", "/api/score", {"sheet": 4, "answers": HONEY_3_STARS}, 200, "/api/score"),
        ("post", "/api/score", {"sheet": 4, "answers": HONEY_CAPPED}, 200, "/api/score"),
        ("post", "/api/score", {"sheet": 4, "answers": _quick_answers()}, 200, "/api/score"),
        ("post", "/api/score", {"sheet": "mat_ong_nong_san_khac", "answers": {}}, 200, "/api/score"),
        ("post", "/api/score", {"sheet": 4, "answers": {"c1_1": "o99"}}, 422, "/api/score"),
        ("post", "/api/score", {"sheet": 4, "answers": []}, 422, "/api/score"),
    ],
)
def test_served_json_is_exactly_the_documented_contract(gateway, openapi, method, url, body, status, path):
    response = gateway.request(method, url, json=body)
    assert response.status_code == status
    jsonschema.validate(response.json(), _closed(openapi, method, path, status))


def test_a_disqualified_quick_result_matches_the_contract(gateway, openapi):
    sheet = gateway.get("/api/sheets/4").json()
    condition = sheet["conditions"][0]["id"]
    result = gateway.post("/api/score", json={"sheet": 4, "answers": _quick_answers(), "conditions": [condition]})
    data = result.json()
    assert data["mode"] == "quick" and data["disqualified"] and data["range"] is not None
    jsonschema.validate(data, _closed(openapi, "post", "/api/score", 200))


def test_a_broken_body_gets_the_documented_400(gateway, openapi):
    response = gateway.post("/api/score", content=b'{"sheet": 4,', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    jsonschema.validate(response.json(), _closed(openapi, "post", "/api/score", 400))
