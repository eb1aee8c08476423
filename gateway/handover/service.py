"""Live hand-over: queue a conversation for staff, keep the bot silent, carry staff replies to the producer.

- A hand-over starts when the `action_handoff` action (intent `human_handoff`: "Gặp cán bộ", the hotline
  button) pauses the Rasa conversation and sends the `{"ocop": "handover"}` marker, or when the knowledge
  base refuses two questions in a row (the gateway then pauses the conversation with Rasa's `pause` event).
  The producer is told that a staff member will answer in the same chat, with the expected wait in office
  hours, or when the staff come in.
- While it lasts, the producer's messages go to the transcript (and to Rasa, which records them without
  answering, since the conversation is paused); the bot's replies are never sent.
- A staff reply goes out on the producer's channel through the channel's deliverer (Telegram sendMessage,
  the Zalo CS message API within its reply window, the web chat's push stream).
- "Trả lại cho trợ lý", "Đóng" or a timeout (office time without a message either way) resumes the Rasa
  conversation (`resume` event) and tells the producer.
"""

from __future__ import annotations

import asyncio
import logging
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.conversation import BotMessage
from gateway.handover.hours import OfficeHours
from gateway.handover.store import Handover, HandoverStore, Message
from gateway.rasa_client import RasaClient, RasaUnavailable
from knowledge_base.answer import NOT_SURE, OUTSIDE

logger = logging.getLogger(__name__)

MARKER_KEY = "ocop"
HANDOVER_MARKER = "handover"
ERASE_MARKER = "erase"
REFUSALS_IN_A_ROW = 2
CONTEXT_MESSAGES = 30
WAIT_SAMPLES = 3
# Resuming also records the listen that the pause cut off (the pausing turn ended without it), so the
# policies see an ordinary conversation waiting for the user's next message.
RESUME_EVENTS = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
# Zalo lets an OA answer for free within 48 hours of the user's last message.
REPLY_WINDOWS = {"zalo": 48 * 3600.0}
# Reasons a hand-over ends, and what the producer is told.
FINISHED = {
    "returned": (
        "Cán bộ tư vấn đã chuyển bạn lại cho trợ lý tự động. Bạn cứ tiếp tục đặt câu hỏi về OCOP; "
        "khi cần gặp cán bộ, hãy gõ “gặp cán bộ”."
    ),
    "closed": (
        "Cán bộ tư vấn đã kết thúc cuộc trao đổi. Cảm ơn bạn! Trợ lý tự động tiếp tục trả lời các câu hỏi khác của bạn."
    ),
    "timeout": (
        "Cuộc trao đổi với cán bộ đã tạm dừng vì lâu không có tin nhắn mới, nên trợ lý tự động trả lời bạn trở lại. "
        "Khi cần, bạn gõ “gặp cán bộ” để được chuyển lại cho cán bộ."
    ),
}

# deliver(user_id, text) -> "sent" | "stored" | "window_closed" | "failed"
Deliver = Callable[[str, str], Awaitable[str]]


class HandoverError(Exception):
    """A staff action that cannot be done (the conversation is closed, unknown, or Rasa is unreachable)."""


@dataclass(frozen=True)
class HandoverConfig:
    hours: OfficeHours
    timeout: float  # seconds of office time without a message before the bot takes over again
    typical_wait: float  # seconds, until enough hand-overs have been answered to measure it


def is_refusal(messages: list[BotMessage]) -> bool:
    """The knowledge base's answer says it is not sure, or that the question is outside the OCOP decisions."""
    return bool(messages) and messages[0].text.startswith((NOT_SURE, OUTSIDE))


def has_marker(raw: list[dict], marker: str) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get(MARKER_KEY) == marker for m in raw)


class Handovers:
    """The hand-over service of one gateway (the queue itself is shared through the store)."""

    def __init__(self, store: HandoverStore, rasa: RasaClient, config: HandoverConfig, log) -> None:
        self.store = store
        self.rasa = rasa
        self.config = config
        self.log = log
        self.deliverers: dict[str, Deliver] = {}
        self.eraser = None  # gateway.privacy.Eraser, set by `gateway.handover.install`

    def register(self, channel: str, deliver: Deliver) -> None:
        self.deliverers[channel] = deliver

    async def _db(self, method, *args, **kwargs):
        return await asyncio.to_thread(method, *args, **kwargs)

    # The producer's side ---------------------------------------------------------------------

    async def holding(self, sender: str) -> Handover | None:
        """The active hand-over of `sender`, if staff hold the conversation."""
        return await self._db(self.store.active, sender)

    async def turn_state(self, sender: str) -> tuple[Handover | None, int]:
        """What a turn reads first: the active hand-over of `sender` and its run of refusals so far."""
        return await self._db(self.store.turn_state, sender)

    async def forward(self, handover: Handover, sender: str, text: str) -> list[BotMessage]:
        """A producer's message while staff hold the conversation: into the transcript, no bot reply."""
        await self._db(self.store.add_message, handover.id, "in", text)
        self.log.record(sender, "in", text, "handover")
        try:  # Rasa records it; the conversation is paused, so nothing is predicted
            await self.rasa.send(sender, text, metadata={"channel": handover.channel, "handover": handover.id})
        except RasaUnavailable as error:
            logger.warning("Rasa did not record a message held by staff: %s", error)
        return []

    async def after_turn(
        self, sender: str, text: str, raw: list[dict], messages: list[BotMessage], streak: int
    ) -> tuple[list[BotMessage], bool]:
        """Start a hand-over when Rasa asked for one or after two refusals in a row, erase the producer's data
        when they confirmed it; else the bot's messages. `streak` is the sender's run of refusals before this
        turn (`turn_state`); an answer ends it, with a write only when there is one. True: staff hold it now."""
        if self.eraser and has_marker(raw, ERASE_MARKER):
            return await self.eraser.after_confirmation(sender), False
        if has_marker(raw, HANDOVER_MARKER):
            return messages + await self.start(sender, "asked", paused=True), True
        if is_refusal(messages):
            if await self._db(self.store.refused, sender) >= REFUSALS_IN_A_ROW:
                # the refusal's buttons (hotline, rephrase) would only reach the staff now
                answered = [BotMessage(m.text) for m in messages]
                return answered + await self.start(sender, "refusals", paused=False, question=text), True
        elif messages and streak:
            await self._db(self.store.answered, sender)
        return messages, False

    async def start(self, sender: str, reason: str, paused: bool, question: str = "") -> list[BotMessage]:
        """Queue `sender` for staff; the message telling the producer what happens next."""
        if not paused:
            try:
                await self.rasa.add_events(sender, [{"event": "pause"}])
            except RasaUnavailable as error:  # the gateway still keeps the bot's replies back
                logger.warning("Rasa conversation not paused for a hand-over: %s", error)
        context, last_question = await self._context(sender)
        handover, created = await self._db(self.store.start, sender, reason, question or last_question, context)
        await self._db(self.store.answered, sender)
        notice = await self._db(self.queued_notice, handover, reason, time.time())
        await self._db(self.store.add_message, handover.id, "bot", notice)
        if created:
            logger.info("Hand-over %s queued (%s, %s)", handover.id, handover.channel, reason)
        return [BotMessage(notice)]

    async def _context(self, sender: str) -> tuple[list[tuple[str, str]], str]:
        """The conversation so far from Rasa's tracker, and the producer's last question in it."""
        try:
            events = await self.rasa.tracker_events(sender)
        except RasaUnavailable as error:
            logger.warning("No transcript from Rasa for a hand-over: %s", error)
            return [], ""
        context, question = [], ""
        for event in events:
            text = event.get("text") if isinstance(event.get("text"), str) else ""
            if not text.strip():
                continue
            if event.get("event") == "user":
                context.append(("in", text))
                intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
                if not text.startswith("/") and intent != "human_handoff":
                    question = text
            elif event.get("event") == "bot":
                context.append(("bot", text))
        return context[-CONTEXT_MESSAGES:], question

    def expected_wait(self) -> float:
        """Seconds a producer waits in office hours for a first reply (measured, else the configured value)."""
        hours = self.config.hours
        waits = [hours.office_seconds(start, end) for start, end in self.store.recent_first_replies()]
        return statistics.median(waits) if len(waits) >= WAIT_SAMPLES else self.config.typical_wait

    def queued_notice(self, handover: Handover, reason: str, now: float) -> str:
        hours = self.config.hours
        opening = (
            "Tôi chưa tìm được câu trả lời chắc chắn cho hai câu hỏi liên tiếp của bạn, nên đã chuyển cuộc trò chuyện "
            "cho cán bộ tư vấn OCOP."
            if reason == "refusals"
            else "Tôi đã chuyển cuộc trò chuyện cho cán bộ tư vấn OCOP."
        )
        if hours.is_open(now):
            minutes = max(1, math.ceil(self.expected_wait() / 60))
            ahead = self.store.waiting_ahead(handover)
            queue = f" (có {ahead} người đang chờ trước bạn)" if ahead else ""
            when = f"Cán bộ sẽ trả lời bạn ngay tại đây, thời gian chờ dự kiến khoảng {minutes} phút{queue}."
        else:
            opening_at = hours.describe(hours.next_opening(now), now)
            when = (
                f"Hiện đang ngoài giờ làm việc ({hours.summary()}); cán bộ sẽ trả lời bạn ngay tại đây từ {opening_at}."
            )
        return f"{opening} {when} Trong lúc chờ, bạn cứ nhắn thêm thông tin, cán bộ sẽ đọc được."

    # The staff side --------------------------------------------------------------------------

    async def _active(self, handover_id: int) -> Handover:
        handover = await self._db(self.store.get, handover_id)
        if handover is None:
            raise HandoverError("Không tìm thấy cuộc trò chuyện này.")
        if not handover.active:
            raise HandoverError("Cuộc trò chuyện này đã đóng.")
        return handover

    async def _deliver(self, handover: Handover, text: str) -> str:
        deliver = self.deliverers.get(handover.channel)
        if deliver is None:
            return "failed"
        window = REPLY_WINDOWS.get(handover.channel)
        if window is not None and time.time() - handover.last_in_at > window:
            return "window_closed"
        user_id = handover.sender.split(":", 1)[1]
        try:
            return await deliver(user_id, text)
        except Exception as error:  # noqa: BLE001 (any platform failure: the staff member is told)
            logger.error("Staff message to %s not delivered: %s", handover.channel, type(error).__name__)
            return "failed"

    async def reply(self, handover_id: int, author: str, text: str) -> Message:
        """Send a staff member's reply on the producer's channel; the transcript entry says whether it went."""
        handover = await self._active(handover_id)
        delivery = await self._deliver(handover, text)
        message_id = await self._db(self.store.add_message, handover.id, "staff", text, author, delivery)
        if delivery in ("sent", "stored"):
            self.log.record(handover.sender, "out", text, "staff")
        return (await self._db(self.store.messages, handover.id, message_id - 1))[0]

    async def assign(self, handover_id: int, username: str) -> Handover:
        handover = await self._active(handover_id)
        await self._db(self.store.assign, handover.id, username)
        return await self._db(self.store.get, handover.id)

    async def set_note(self, handover_id: int, note: str) -> None:
        if not await self._db(self.store.set_note, handover_id, note):
            raise HandoverError("Không tìm thấy cuộc trò chuyện này.")

    async def finish(self, handover_id: int, how: str) -> Handover:
        """Give the conversation back to the assistant (`how`: returned, closed, timeout) and tell the producer."""
        handover = await self._active(handover_id)
        try:
            await self.rasa.add_events(handover.sender, RESUME_EVENTS)
        except RasaUnavailable as error:
            raise HandoverError(
                "Chưa trả được cuộc trò chuyện cho trợ lý: máy chủ Rasa không phản hồi. Vui lòng thử lại sau."
            ) from error
        if await self._db(self.store.close, handover.id, how):
            notice = FINISHED[how]
            delivery = await self._deliver(handover, notice)
            await self._db(self.store.add_message, handover.id, "system", notice, "", delivery)
            self.log.record(handover.sender, "out", notice, "handover")
            logger.info("Hand-over %s ended (%s)", handover.id, how)
        return await self._db(self.store.get, handover.id)

    async def expire(self, now: float | None = None) -> list[int]:
        """End the hand-overs without a message for the timeout (office time); their ids."""
        now = time.time() if now is None else now
        hours = self.config.hours
        ended = []
        for handover in await self._db(self.store.listing):
            if hours.office_seconds(handover.last_activity, now) < self.config.timeout:
                continue
            try:
                await self.finish(handover.id, "timeout")
                ended.append(handover.id)
            except HandoverError as error:
                logger.warning("Hand-over %s not timed out yet: %s", handover.id, error)
        return ended

    async def run_timeouts(self, interval: float = 30.0) -> None:
        """The background task ending timed-out hand-overs (every gateway runs one; closing is idempotent)."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.expire()
            except Exception as error:  # noqa: BLE001 (database down: try again next round)
                logger.warning("Hand-over timeouts not checked: %s", type(error).__name__)
