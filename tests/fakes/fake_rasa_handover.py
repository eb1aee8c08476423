"""A fake Rasa that also pauses and resumes conversations, as the real server does for a hand-over.

"gặp cán bộ" (or `/human_handoff`) answers with the hand-over marker and pauses the conversation, as
`action_handoff` does; "không biết" gets the knowledge base's refusal. While a conversation is paused its
messages are recorded and nothing is answered. `POST /conversations/<id>/tracker/events` appends events
(`pause`, `resume`); everything else is the scripted `FakeRasa`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from knowledge_base.answer import NOT_SURE
from knowledge_base.textnorm import fold
from tests.fakes.fake_rasa import FakeRasa, scripted_reply

HANDOVER_REPLY = {"custom": {"ocop": "handover"}}
REFUSAL_TEXT = f"{NOT_SURE}\nAnh/chị vui lòng liên hệ UBND cấp xã."


class PausingFakeRasa(FakeRasa):
    def __init__(self) -> None:
        self.paused: set[str] = set()
        super().__init__()

    def _build(self) -> FastAPI:
        base = super()._build()
        app = FastAPI()

        @app.post("/webhooks/rest/webhook")
        async def rest(request: Request) -> JSONResponse:
            body = await request.json()
            sender, message = body["sender"], body["message"]
            with self._lock:
                self.requests.append(body)
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            folded = fold(message)
            if sender in self.paused:
                replies = []
            elif message.startswith("/human_handoff") or "gap can bo" in folded:
                replies = [HANDOVER_REPLY]
            elif "khong biet" in folded:
                replies = [{"text": REFUSAL_TEXT}]
            else:
                replies = scripted_reply(message)
            self._save_turn(body, replies)
            if replies == [HANDOVER_REPLY]:
                with self._lock:
                    self.trackers[sender][-2]["parse_data"] = {"intent": {"name": "human_handoff"}}
                self._apply(sender, [{"event": "pause"}])
            return JSONResponse([{"recipient_id": sender, **reply} for reply in replies])

        @app.post("/conversations/{sender:path}/tracker/events")
        async def events(sender: str, request: Request) -> JSONResponse:
            if self.mode == "down":
                return JSONResponse({"error": "internal"}, 500)
            body = await request.json()
            self._apply(sender, body if isinstance(body, list) else [body])
            return JSONResponse({"sender_id": sender, "paused": sender in self.paused})

        app.mount("/", base)
        return app

    def _apply(self, sender: str, events: list[dict]) -> None:
        with self._lock:
            for event in events:
                if event.get("event") == "pause":
                    self.paused.add(sender)
                elif event.get("event") == "resume":
                    self.paused.discard(sender)
                self.trackers.setdefault(sender, []).append(event)
