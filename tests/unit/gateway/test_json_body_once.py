"""A JSON body is decoded once: the guard's strict parse is the value the route gets (`json_body`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from gateway import http_guards


def counting_app(monkeypatch) -> tuple[TestClient, list[bytes]]:
    decoded: list[bytes] = []
    strict = http_guards.parse_json

    def parse(raw):
        decoded.append(raw)
        return strict(raw)

    monkeypatch.setattr(http_guards, "parse_json", parse)
    app = FastAPI()
    http_guards.install(app)

    @app.post("/echo")
    async def echo(request: Request):
        try:
            return {"got": await http_guards.json_body(request)}
        except http_guards.JsonBodyError as error:
            return error.response()

    return TestClient(app), decoded


def test_the_route_gets_the_value_the_guard_decoded(monkeypatch):
    client, decoded = counting_app(monkeypatch)
    response = client.post("/echo", json={"sheet": 4, "answers": {"c1": "o2"}})
    assert response.json() == {"got": {"sheet": 4, "answers": {"c1": "o2"}}}
    assert len(decoded) == 1


def test_a_body_the_guard_did_not_decode_is_decoded_by_the_route(monkeypatch):
    client, decoded = counting_app(monkeypatch)
    response = client.post("/echo", content=b"")  # the guard passes empty bodies on
    assert response.status_code == 400 and response.json()["detail"] == "body is not valid JSON"
    assert decoded == [b""]
