"""The channel-independent turn: clean the user's text, ask Rasa, turn its answer into messages.

Every channel calls `Conversation.reply()` with a namespaced sender id (`telegram:123`,
`zalo:456`, `web:<id>`). Empty, over-long and word-less messages are answered here without
calling Rasa; when Rasa or the action server is down the user gets an apology with the hotline.
The incoming message is logged before Rasa is called, so it stays in the message log even when the
gateway dies mid-turn. A turn carries its message id (the inbox key) to Rasa in the message metadata;
a replayed update whose turn is already Rasa's last one gets that turn's answer back without a second turn.
Past the gateway's capacity (`gateway.capacity`) a turn that gets no slot to Rasa in time raises `Busy`
after its message is logged (status `busy`); the channel answers with `busy()`, the polite "busy" reply.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from typing import NamedTuple

from gateway.capacity import Busy, TurnSlots
from gateway.formatting import clean_user_text, has_words
from gateway.message_log import MessageLog
from gateway.rasa_client import RasaClient, RasaUnavailable
from knowledge_base.hotline import hotline_message

logger = logging.getLogger(__name__)

EMPTY_REPLY = (
    "Bạn chưa nhập nội dung. Vui lòng gõ câu hỏi về chương trình OCOP, ví dụ: “Hồ sơ đăng ký OCOP gồm những gì?”"
)
NO_WORDS_REPLY = "Xin lỗi, tôi chỉ hiểu câu hỏi viết bằng chữ. Vui lòng gõ câu hỏi của bạn."
NON_TEXT_REPLY = (
    "Xin lỗi, tôi chưa xem được hình ảnh, nhãn dán, tệp hay tin nhắn thoại. Vui lòng gõ câu hỏi của bạn bằng chữ."
)
EXPIRED_BUTTON_REPLY = "Lựa chọn này đã cũ. Vui lòng gõ lại câu hỏi của bạn."
# Rasa answers a typed /restart by resetting the tracker and saying nothing; that silence is not an outage.
RESTART_COMMANDS = ("/restart",)
RESTART_REPLY = "Đã bắt đầu lại cuộc trò chuyện. Bạn muốn hỏi gì về chương trình OCOP?"


def too_long_reply(length: int, limit: int) -> str:
    def number(value: int) -> str:  # Vietnamese digit grouping: 10.000
        return f"{value:,}".replace(",", ".")

    return (
        f"Tin nhắn của bạn dài quá ({number(length)} ký tự). "
        f"Vui lòng gõ câu hỏi ngắn gọn hơn, dưới {number(limit)} ký tự."
    )


def unavailable_reply() -> str:
    return (
        "Xin lỗi, hệ thống tư vấn đang tạm gián đoạn nên chưa trả lời được câu hỏi của bạn; "
        "câu hỏi đã được ghi lại. Bạn vui lòng thử lại sau ít phút.\n" + hotline_message()
    )


def busy_reply() -> str:
    return (
        "Xin lỗi, lúc này có nhiều người hỏi cùng lúc nên hệ thống đang bận, chưa trả lời ngay được câu hỏi của bạn; "
        "câu hỏi đã được ghi lại. Bạn vui lòng gửi lại sau ít giây.\n" + hotline_message()
    )


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"text": self.text, "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


class Reply(NamedTuple):
    messages: list[BotMessage]
    live: bool | None = None  # staff hold the conversation after the turn; None: not looked up


class Conversation:
    """Turns one user message into the bot's messages, logging both sides."""

    def __init__(
        self, rasa: RasaClient, log: MessageLog, max_message_chars: int, slots: TurnSlots | None = None
    ) -> None:
        self.rasa = rasa
        self.log = log
        self.max_message_chars = max_message_chars
        self.slots = slots or TurnSlots(0, 0.0)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.handovers = None  # gateway.handover.service.Handovers: staff hand-over and data deletion

    def lock(self, sender: str) -> asyncio.Lock:
        """A lock per sender: hold it around reply + send so one user's turns stay in order."""
        lock = self._locks.get(sender)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[sender] = lock
        return lock

    async def reply(
        self, sender: str, text: str, message_id: str = "", replay: bool = False, arrived: float | None = None
    ) -> list[BotMessage]:
        """The bot's answer to `text` from `sender`; never raises for Rasa failures, raises `Busy` past capacity.

        `message_id` identifies the update across deliveries; `replay` says an earlier attempt at it may
        have run the Rasa turn already (then the tracker is asked first, so the turn runs once). `arrived`
        (`time.time()`) is when the update was acknowledged: the wait for a slot to Rasa counts from it.
        """
        return (await self.respond(sender, text, message_id, replay, arrived)).messages

    async def respond(
        self, sender: str, text: str, message_id: str = "", replay: bool = False, arrived: float | None = None
    ) -> Reply:
        """`reply()` with whether staff hold the conversation after the turn (None: not looked up)."""
        text = clean_user_text(text)
        if not text:
            return Reply(self._local(sender, text, "empty", EMPTY_REPLY))
        if len(text) > self.max_message_chars:
            return Reply(self._local(sender, text, "too_long", too_long_reply(len(text), self.max_message_chars)))
        if not has_words(text):
            return Reply(self._local(sender, text, "no_words", NO_WORDS_REPLY))
        held, streak = await self.handovers.turn_state(sender) if self.handovers else (None, 0)
        if held is not None:  # staff hold the conversation: the message goes to them, the bot stays silent
            return Reply(await self.handovers.forward(held, sender, text), True)
        channel = sender.split(":", 1)[0]
        earlier = await self._earlier_turn(sender, message_id) if replay and message_id else None
        if earlier is not None:
            logger.info("A replayed %s update was answered by Rasa before: its reply is sent again", channel)
            return Reply(self._answered(sender, to_bot_messages(earlier), "replayed"), False)
        metadata = {"channel": channel, "message_id": message_id} if message_id else {"channel": channel}
        try:
            async with self.slots.slot(arrived):
                self.log.record(sender, "in", text, "retried" if replay else "received")
                raw = await self.rasa.send(sender, text, metadata=metadata)
        except Busy:
            self.log.record(sender, "in", text, "busy")
            raise
        except RasaUnavailable as error:
            logger.warning("Rasa unavailable for a %s message: %s", channel, error)
            return Reply(self._answered(sender, [], "rasa_unavailable"), False)
        messages, live = to_bot_messages(raw), False
        if self.handovers:
            messages, live = await self.handovers.after_turn(sender, text, raw, messages, streak)
        if not messages and text.lower() in RESTART_COMMANDS:
            return Reply(self._answered(sender, [BotMessage(RESTART_REPLY)], "restart"), live)
        return Reply(self._answered(sender, messages, "ok"), live)

    async def _earlier_turn(self, sender: str, message_id: str) -> list[dict] | None:
        """The bot messages of Rasa's turn for `message_id`, or None (no such turn, or cannot tell)."""
        try:
            return await self.rasa.replies_to(sender, message_id)
        except RasaUnavailable as error:  # the turn then runs (again, if it ran): at least once
            logger.warning("Rasa tracker not readable for a replayed update: %s", error)
            return None

    def _answered(self, sender: str, messages: list[BotMessage], status: str) -> list[BotMessage]:
        """Log the outgoing side of a Rasa turn (its incoming side is logged before Rasa is asked)."""
        if not messages:
            if status != "rasa_unavailable":
                logger.warning("Rasa returned no message (is the action server down?)")
                status = "no_reply"
            self.log.record(sender, "out", unavailable_reply(), status)
            return [BotMessage(unavailable_reply())]
        for message in messages:
            self.log.record(sender, "out", message.text, status)
        return messages

    def busy(self, sender: str) -> list[BotMessage]:
        """The reply to a turn refused with `Busy` (its incoming message is logged already)."""
        self.log.record(sender, "out", busy_reply(), "busy")
        return [BotMessage(busy_reply())]

    def notice(self, sender: str, what: str, reply: str, status: str = "non_text") -> list[BotMessage]:
        """Answer a message the gateway handles itself (a sticker, a command): log and reply."""
        return self._local(sender, f"[{what}]", status, reply)

    def _local(self, sender: str, text: str, status: str, reply: str) -> list[BotMessage]:
        self.log.record(sender, "in", text, status)
        self.log.record(sender, "out", reply, status)
        return [BotMessage(reply)]


def to_bot_messages(raw: list[dict]) -> list[BotMessage]:
    """Rasa REST messages -> BotMessages (text, image links and button lists; other kinds dropped)."""
    messages = []
    for item in raw:
        parts = []
        if isinstance(item.get("text"), str) and item["text"].strip():
            parts.append(item["text"].strip())
        if isinstance(item.get("image"), str) and item["image"].strip():
            parts.append(item["image"].strip())
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str) and custom["text"].strip():
            parts.append(custom["text"].strip())
        buttons = tuple(_buttons(item.get("buttons")))
        if parts or buttons:
            messages.append(BotMessage("\n".join(parts), buttons))
    return messages


def _buttons(raw: object) -> list[Button]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str) or not entry["title"].strip():
            continue
        payload = entry.get("payload")
        title = entry["title"].strip()
        buttons.append(Button(title, payload.strip() if isinstance(payload, str) and payload.strip() else title))
    return buttons
