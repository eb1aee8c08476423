"""Hotline assistant API and page, on a small app that includes only the router."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from gateway import http_guards
from gateway.app import create_app
from gateway.assist import PAGE, router
from gateway.settings import Settings, SettingsError
from tests.hostile_json import hostile_json

LOOPBACK = ("127.0.0.1", 50000)


class FakeRasa:
    def __init__(self, result=None, error=None):
        self.result, self.error, self.calls = result, error, []

    async def parse(self, text):
        self.calls.append(text)
        if self.error:
            raise self.error
        return self.result


def make_client(rasa=None, client=LOOPBACK) -> TestClient:
    app = FastAPI()
    http_guards.install(app)
    app.include_router(router)
    if rasa is not None:
        app.state.rasa_client = rasa
    return TestClient(app, client=client)


@pytest.fixture(autouse=True)
def no_key(monkeypatch, kb_env):
    monkeypatch.delenv("OCOP_ASSIST_API_KEY", raising=False)


def test_passages_intent_and_draft():
    rasa = FakeRasa(
        {
            "intent": {"name": "ask_dossier", "confidence": 0.91},
            "entities": [{"entity": "product", "value": "mật ong", "start": 0, "end": 7}],
        }
    )
    response = make_client(rasa).post("/api/assist", json={"question": "  Hồ sơ lần đầu gồm những gì?  "})
    assert response.status_code == 200
    data = response.json()
    assert rasa.calls == ["Hồ sơ lần đầu gồm những gì?"]
    assert data["intent"] == {
        "name": "ask_dossier",
        "confidence": 0.91,
        "available": True,
        "entities": [{"entity": "product", "value": "mật ong"}],
    }
    assert data["draft"]["confident"] is True
    assert data["draft"]["citation"] == "Theo Điều 6 khoản 1, QĐ 26/2026/QĐ-TTg ngày 22/5/2026"
    top = data["passages"][0]
    assert top["id"] == "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi"
    assert top["citation"] and top["heading"] and isinstance(top["score"], float)
    assert len(data["passages"]) <= 5


def test_rasa_unreachable_degrades_to_unknown_intent():
    response = make_client(FakeRasa(error=ConnectionError("refused"))).post(
        "/api/assist", json={"question": "giấy chứng nhận có giá trị bao lâu"}
    )
    assert response.status_code == 200
    assert response.json()["intent"]["name"] is None and response.json()["intent"]["available"] is False
    assert response.json()["passages"][0]["id"] == "qd-moi#giay-chung-nhan-co-gia-tri-bao-lau"


def test_without_rasa_client_intent_is_unknown():
    data = make_client().post("/api/assist", json={"question": "mật ong thuộc bộ nào"}).json()
    assert data["intent"]["name"] is None


def test_out_of_scope_draft_is_not_confident():
    data = make_client().post("/api/assist", json={"question": "giá vàng hôm nay"}).json()
    assert data["draft"]["confident"] is False and "liên hệ" in data["draft"]["text"]


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": "x" * 2001}, {"question": 5}])
def test_invalid_bodies_are_rejected(body):
    assert make_client().post("/api/assist", json=body).status_code == 422


def test_api_key_required_when_set(monkeypatch):
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", "s3cret")
    client = make_client(client=("203.0.113.7", 4000))
    assert client.post("/api/assist", json={"question": "hồ sơ"}).status_code == 401
    assert client.post("/api/assist", json={"question": "hồ sơ"}, headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.post("/api/assist", json={"question": "hồ sơ"}, headers={"X-API-Key": "s3cret"}).status_code == 200


def test_refusals_carry_a_vietnamese_error_like_every_endpoint(monkeypatch):
    """The page shows the server's `error`; a program reads the English `detail`."""
    forbidden = make_client(client=("203.0.113.7", 4000)).post("/api/assist", json={"question": "hồ sơ"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"].startswith("Trợ lý chỉ mở trên máy chủ nội bộ")
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", "s3cret")
    wrong = make_client().post("/api/assist", json={"question": "hồ sơ"}, headers={"X-API-Key": "sai"})
    assert wrong.status_code == 401
    assert wrong.json() == {
        "error": "Thiếu hoặc sai khóa truy cập (X-API-Key).",
        "detail": "missing or wrong X-API-Key",
    }


def test_without_key_only_loopback_is_served():
    assert make_client(client=("203.0.113.7", 4000)).post("/api/assist", json={"question": "hồ sơ"}).status_code == 403
    assert make_client(client=("::1", 4000)).post("/api/assist", json={"question": "hồ sơ"}).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "203.0.113.7"},
        {"X-Real-IP": "203.0.113.7"},
        {"Forwarded": "for=203.0.113.7;proto=https"},
        {"X-Forwarded-For": "127.0.0.1"},
    ],
)
def test_without_key_a_proxied_request_is_not_local(header):
    """Behind a reverse proxy on the same machine every client arrives from loopback."""
    response = make_client().post("/api/assist", json={"question": "hồ sơ"}, headers=header)
    assert response.status_code == 403 and "OCOP_ASSIST_API_KEY" in response.json()["detail"]


def test_with_the_key_a_proxied_request_is_served(monkeypatch):
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", "s3cret")
    headers = {"X-Real-IP": "203.0.113.7", "X-API-Key": "s3cret"}
    assert make_client().post("/api/assist", json={"question": "hồ sơ"}, headers=headers).status_code == 200


@pytest.mark.parametrize("base_url", ["https://ocop.example.vn", "http://203.0.113.7:8080"])
def test_gateway_refuses_to_start_public_without_a_key(tmp_path, base_url):
    with pytest.raises(SettingsError, match="OCOP_ASSIST_API_KEY"):
        create_app(Settings(data_dir=tmp_path, public_base_url=base_url))


@pytest.mark.parametrize("base_url", ["", "http://127.0.0.1:8000", "http://localhost:8000"])
def test_gateway_starts_local_without_a_key(tmp_path, base_url):
    assert create_app(Settings(data_dir=tmp_path, public_base_url=base_url)).title


def test_gateway_starts_public_with_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", "s3cret")
    assert create_app(Settings(data_dir=tmp_path, public_base_url="https://ocop.example.vn")).title


@pytest.mark.parametrize("question", ["NaN", "Infinity", "1e999", "9" * 5000])
def test_odd_numbers_are_refused_with_400_not_500(question):
    body = b'{"question": ' + question.encode() + b"}"
    response = make_client().post("/api/assist", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_json)
def test_nan_deep_nesting_and_huge_integers_get_400(body):
    response = make_client().post("/api/assist", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"].startswith("Dữ liệu gửi lên")


def test_page_is_vietnamese_and_renders_text_safely():
    response = make_client().get("/assist")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'lang="vi"' in page and "Sao chép câu trả lời" in page and "/static/assist.js" in page
    script = (PAGE.parent / "assist.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "textContent" in script
