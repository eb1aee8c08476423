"""A fake Rasa server: REST channel, `/model/parse` and `/status`, with scripted Vietnamese answers.

Answers depend on the message: greetings and intent payloads give buttons (one with a payload
longer than Telegram's 64-byte callback limit), "dài" gives a reply of about 9,000 characters,
anything else an answer that repeats the question and ends with a citation line.
`mode` switches to failures: "down" (HTTP 500), "empty" (what Rasa returns when the action server
is down), "no_model" (`/status` 409). `delay` adds latency to every REST reply before the turn is
saved; a client that goes away meanwhile cancels the turn, as Sanic cancels Rasa's request handler.
`reply_delay` holds the reply back after the turn is saved, like a Rasa whose answer is on the way
when the gateway dies. Saved turns are served as trackers (`GET /conversations/<id>/tracker`, user events
with their metadata, bot events with their buttons), and `turns_of()` counts the turns of a message id.
"""

from __future__ import annotations

import asyncio
import threading
import time

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


async def _wait_unless_disconnected(request: Request, seconds: float) -> bool:
    """Sleep `seconds`; False as soon as the client has gone away."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if await request.is_disconnected():
            return False
        await asyncio.sleep(min(left, 0.05))
    return True


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
        self.reply_delay = 0.0
        self.trackers: dict[str, list[dict]] = {}
        self.tracker_api = True  # False: the tracker endpoint answers 404 (Rasa without its HTTP API)
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
                    if not await _wait_unless_disconnected(request, self.delay):
                        return JSONResponse({"error": "client went away"}, 499)
                finally:
                    with self._lock:
                        self.holding.remove(body["message"])
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            replies = [] if self.mode == "empty" else scripted_reply(body["message"])
            self._save_turn(body, replies)
            if self.reply_delay:
                await asyncio.sleep(self.reply_delay)
            return JSONResponse([{"recipient_id": body["sender"], **reply} for reply in replies])

        @app.get("/conversations/{sender:path}/tracker")
        async def tracker(sender: str) -> JSONResponse:
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            if not self.tracker_api:
                return JSONResponse({"error": "not found"}, 404)
            with self._lock:
                events = list(self.trackers.get(sender, []))
            return JSONResponse({"sender_id": sender, "events": events})

        @app.post("/model/parse")
        async def parse(request: Request) -> JSONResponse:
            body = await request.json()
            self.parsed.append(body["text"])
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            intent = {"name": "ask_dossier", "confidence": 0.93}
            return JSONResponse({"text": body["text"], "intent": intent, "entities": [], "intent_ranking": [intent]})

        return app

    def _save_turn(self, body: dict, replies: list[dict]) -> None:
        """Append the turn to the sender's tracker as Rasa stores it (one save at the end of the turn)."""
        events = [{"event": "user", "text": body["message"], "metadata": body.get("metadata") or {}}]
        for reply in replies:
            data = {"buttons": reply.get("buttons"), "image": None, "custom": None}
            events.append({"event": "bot", "text": reply.get("text"), "data": data})
        with self._lock:
            self.trackers.setdefault(body["sender"], []).extend(events)

    def turns_of(self, message_id: str) -> int:
        """How many saved turns carry `message_id` in their metadata."""
        with self._lock:
            return sum(
                1
                for events in self.trackers.values()
                for event in events
                if event["event"] == "user" and event["metadata"].get("message_id") == message_id
            )

    def messages_from(self, sender: str) -> list[str]:
        with self._lock:
            return [r["message"] for r in self.requests if r["sender"] == sender]
