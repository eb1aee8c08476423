"""The self-assessment router inside the real gateway (`gateway.app.create_app()`)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings


def test_gateway_serves_the_page_and_the_api(tmp_path: Path):
    app = create_app(Settings(rasa_url="http://127.0.0.1:9", data_dir=tmp_path / "var"))
    with TestClient(app) as client:
        page = client.get("/tu-danh-gia?bo=4")
        assert page.status_code == 200 and "Tự đánh giá sản phẩm OCOP" in page.text
        assert client.get("/static/selfassess.js").status_code == 200
        assert len(client.get("/api/sheets").json()["sheets"]) == 26
        assert client.get("/api/match", params={"q": "nuoc mam"}).json()["candidates"][0]["number"] == 9

        sheet = client.get("/api/sheets/9").json()
        answers = {
            c["id"]: max(c["options"], key=lambda o: o["points"])["id"]
            for p in sheet["parts"]
            for g in p["groups"]
            for c in g["criteria"]
        }
        result = client.post("/api/score", json={"sheet": 9, "answers": answers})
        assert result.status_code == 200 and result.json()["total"] == 100 and result.json()["star"] == 5

        broken = client.post("/api/score", content=b'{"sheet": 4,', headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and "JSON" in broken.json()["error"]
        assert client.get("/api/sheets/27").status_code == 404
        assert client.get("/api/match", params={"limit": "nhieu"}).status_code == 422
