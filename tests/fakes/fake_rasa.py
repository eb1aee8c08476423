"""A fake Rasa server: REST channel, `/model/parse` and `/status`, with scripted Vietnamese answers.

Answers depend on the message: greetings and intent payloads give buttons (one with a payload
longer than Telegram's 64-byte callback limit), "dài" gives a reply of about 9,000 characters,
anything else an answer that repeats the question and ends with a citation line.
`mode` switches to failures: "down" (HTTP 500), "empty" (what Rasa returns when the action server
is down), "no_model" (`/status` 409). `delay` adds latency to every REST reply.
"""

from __future__ import annotations

import asyncio
import threading

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from knowledge_base.textnorm import fold

CITATION = "Nguồn: QĐ 26/2026/QĐ-TTg, Điều 6."
LONG_PAYLOAD = '/ask_product_group{"product": "mật ong rừng Tây Bắc đặc sản của hợp tác xã"}'
MAIN_BUTTONS = [
    {"title": "Hồ sơ đăng ký", "payload": "/ask_dossier"},
    {"title": "Hạng sao OCOP", "payload": "/ask_star_levels"},
    {"title": "Mật ong thuộc nhóm nào?", "payload": LONG_PAYLOAD},
]
ASSESSMENT_BUTTONS = [
    {"title": "Thực phẩm", "payload": '/inform{"product_group": "thuc_pham"}'},
    {"title": "Đồ uống", "payload": '/inform{"product_group": "do_uong"}'},
]
LONG_SENTENCE = "Sản phẩm OCOP được đánh giá theo ba phần A, B và C với tổng điểm tối đa là 100 điểm. "


def scripted_reply(message: str) -> list[dict]:
    folded = fold(message)
    if message.startswith("/greet") or "xin chao" in folded:
        return [{"text": "Xin chào! Tôi là trợ lý OCOP. Bạn muốn hỏi về:", "buttons": MAIN_BUTTONS}]
    if message.startswith("/start_self_assessment"):
        return [{"text": "Sản phẩm của bạn thuộc nhóm nào?", "buttons": ASSESSMENT_BUTTONS}]
    if message.startswith("/help"):
        return [{"text": "Tôi trả lời câu hỏi về chương trình OCOP và giúp tự đánh giá sản phẩm."}]
    if message == LONG_PAYLOAD:
        return [{"text": f"Mật ong thuộc nhóm Thực phẩm.\n{CITATION}"}]
    if message.startswith("/inform") or message.startswith("/ask_"):
        return [{"text": f"Đã ghi nhận lựa chọn {message}.\n{CITATION}"}]
    if "dai" in folded.split():
        return [{"text": LONG_SENTENCE * 100 + CITATION}]
    return [{"text": f"Bạn hỏi: {message}\nHồ sơ đăng ký OCOP gồm phiếu đăng ký và phương án sản xuất.\n{CITATION}"}]


class FakeRasa:
    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.requests: list[dict] = []
        self.holding: list[str] = []  # messages whose reply is waiting out `delay` right now
        self.parsed: list[str] = []
        self._lock = threading.Lock()
        self.app = self._build()

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/")
        async def hello() -> PlainTextResponse:
            return PlainTextResponse("Hello from Rasa: 3.6.21")

        @app.get("/status")
        async def status() -> JSONResponse:
            if self.mode == "down":
                return JSONResponse({"error": "down"}, 500)
            if self.mode == "no_model":
                return JSONResponse({"status": "failure", "reason": "No agent loaded"}, 409)
            return JSONResponse({"model_file": "models/fake.tar.gz", "model_id": "fake", "num_active_training_jobs": 0})

        @app.post("/webhooks/rest/webhook")
        async def rest(request: Request) -> JSONResponse:
            body = await request.json()
            with self._lock:
                self.requests.append(body)
            if self.delay:
                with self._lock:
                    self.holding.append(body["message"])
                try:
                    await asyncio.sleep(self.delay)
                finally:
                    with self._lock:
                        self.holding.remove(body["message"])
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            if self.mode == "empty":
                return JSONResponse([])
            replies = scripted_reply(body["message"])
            return JSONResponse([{"recipient_id": body["sender"], **reply} for reply in replies])

        @app.post("/model/parse")
        async def parse(request: Request) -> JSONResponse:
            body = await request.json()
            self.parsed.append(body["text"])
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            intent = {"name": "ask_dossier", "confidence": 0.93}
            return JSONResponse({"text": body["text"], "intent": intent, "entities": [], "intent_ranking": [intent]})

        return app

    def messages_from(self, sender: str) -> list[str]:
        with self._lock:
            return [r["message"] for r in self.requests if r["sender"] == sender]
