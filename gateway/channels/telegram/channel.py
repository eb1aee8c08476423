"""Telegram channel on python-telegram-bot v22: webhook (`POST /telegram/webhook`) or long polling.

Webhook mode checks the `X-Telegram-Bot-Api-Secret-Token` header in constant time (401 when
missing, 403 when wrong), stores the update in the durable inbox (`gateway.inbox`, keyed by
`update_id`, so a repeated delivery is dropped) and only then answers; the update is processed when
a gateway instance claims it. Polling mode (`OCOP_TELEGRAM_MODE=polling`) needs no public URL: the
updates `getUpdates` returns are stored in the same inbox before the next call's offset confirms them
to Telegram. A turn carries the inbox key (`telegram:update:<update_id>`) to Rasa as its message id,
so a replay after a crash does not run the Rasa turn twice.
Commands: /start, /help, /danhgia (self-assessment), /hotline. Rasa buttons become inline keyboards
whose presses are acknowledged with answerCallbackQuery and sent to Rasa as the button's payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from gateway.capacity import Busy
from gateway.channels.telegram.callback_keys import CallbackKeys
from gateway.conversation import EXPIRED_BUTTON_REPLY, NON_TEXT_REPLY, BotMessage, Conversation
from gateway.formatting import TELEGRAM_TEXT_LIMIT, split_text, utf16_length
from gateway.http_guards import json_body
from gateway.inbox import Inbox, Item
from gateway.settings import Settings
from knowledge_base.hotline import hotline_message

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
CHANNEL = "telegram"
# getUpdates long polling: seconds Telegram holds the request open, and the wait after a failed call.
POLL_TIMEOUT = 10
POLL_RETRY_SECONDS = 2.0
# Commands that start a Rasa turn, and the intent payload each sends.
RASA_COMMANDS = {"start": "/greet", "help": "/help", "danhgia": "/start_self_assessment"}
UNKNOWN_COMMAND_REPLY = (
    "Tôi chưa hiểu lệnh này. Các lệnh dùng được: /start (bắt đầu), /help (hướng dẫn), "
    "/danhgia (tự đánh giá sản phẩm), /hotline (số liên hệ). Hoặc bạn cứ gõ câu hỏi."
)
NO_BUTTON_TEXT = "Mời bạn chọn:"
MAX_RETRY_AFTER = 30.0
# The inbox item being processed (PTB runs the handlers inside `process()`, in the same task).
_ITEM: contextvars.ContextVar[Item | None] = contextvars.ContextVar("telegram_inbox_item", default=None)


class TelegramChannel:
    def __init__(self, settings: Settings, conversation: Conversation, keys: CallbackKeys, inbox: Inbox) -> None:
        self.settings = settings
        self.conversation = conversation
        self.keys = keys
        self.inbox = inbox
        self.polling = settings.telegram_mode == "polling"
        self.state = "off"
        self._poller: asyncio.Task | None = None
        # No PTB updater: both modes store updates in the inbox and process them from there.
        self.application = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(f"{settings.telegram_api_url}/bot")
            .base_file_url(f"{settings.telegram_api_url}/file/bot")
            .updater(None)
            .build()
        )
        self._add_handlers()
        self.router = APIRouter()
        if not self.polling:  # in polling mode there is no webhook to accept updates from
            self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    def _add_handlers(self) -> None:
        add = self.application.add_handler
        for command, payload in RASA_COMMANDS.items():
            add(CommandHandler(command, self._rasa_command(payload)))
        add(CommandHandler("hotline", self._on_hotline))
        add(MessageHandler(filters.COMMAND, self._on_unknown_command))
        add(MessageHandler(filters.TEXT, self._on_text))
        add(CallbackQueryHandler(self._on_button))
        add(MessageHandler(filters.ALL, self._on_non_text))
        self.application.add_error_handler(self._on_error)

    async def start(self) -> None:
        """Connect to the Bot API; on failure the gateway keeps serving the other channels."""
        try:
            await self.application.initialize()
            if self.polling:
                await self.application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
            elif self.settings.public_base_url:
                await self.application.bot.set_webhook(
                    f"{self.settings.public_base_url}{WEBHOOK_PATH}",
                    secret_token=self.settings.telegram_webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            await self.application.start()
        except TelegramError as error:
            self.state = "failed"
            logger.error("Telegram channel disabled: %s", error)
            with contextlib.suppress(TelegramError, RuntimeError):
                await self.application.shutdown()
            return
        self.state = "on"
        if self.polling:
            self._poller = asyncio.create_task(self._poll())
        logger.info("Telegram channel on (%s)", self.settings.telegram_mode)

    async def stop(self) -> None:
        if self.state != "on":
            return
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        await self.application.stop()
        await self.application.shutdown()
        self.state = "off"

    async def webhook(self, request: Request) -> JSONResponse:
        """Receive one update from Telegram: check the secret, store it in the inbox, acknowledge."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return JSONResponse({"error": "missing secret token header"}, 401)
        expected = self.settings.telegram_webhook_secret.encode()
        if not hmac.compare_digest(given.encode("latin-1", "replace"), expected):
            return JSONResponse({"error": "wrong secret token"}, 403)
        if self.state != "on":
            return JSONResponse({"error": "Telegram channel is not running"}, 503)
        try:
            data = await json_body(request)  # decoded once, by the JSON guard
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"error": "body is not valid JSON"}, 400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return JSONResponse({"error": "not a Telegram update (update_id missing)"}, 400)
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            return JSONResponse({"error": f"malformed update: {type(error).__name__}"}, 400)
        try:
            added = await self._store(update, data)
        except Exception as error:  # noqa: BLE001 (database unreachable: Telegram delivers it again)
            logger.error("Telegram update not stored: %s", type(error).__name__)
            return JSONResponse({"error": "temporarily unable to store the update"}, 503)
        return JSONResponse({"ok": True, "duplicate": not added})

    async def _store(self, update: Update, data: dict) -> bool:
        """Put one update in the inbox, keyed by its `update_id`; False for a repeated delivery."""
        chat = update.effective_chat
        sender = f"telegram:{chat.id}" if chat else f"telegram-update:{data['update_id']}"
        body = json.dumps(data)  # ASCII: lone surrogates and NULs stay escaped, any database stores it
        return await self.inbox.put(CHANNEL, f"update:{data['update_id']}", sender, body)

    async def _poll(self) -> None:
        """Long-poll getUpdates; the offset moves past an update only once it is stored in the inbox."""
        offset: int | None = None
        bot = self.application.bot
        while True:
            try:
                updates = await bot.get_updates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
                for update in updates:
                    await self._store(update, update.to_dict())
                    offset = update.update_id + 1
            except Exception as error:  # noqa: BLE001 (Bot API or database down: the same updates come again)
                logger.warning("Telegram polling failed: %s", type(error).__name__)
                await asyncio.sleep(POLL_RETRY_SECONDS)

    async def process(self, item: Item) -> None:
        """Run the handlers for one stored update (called by the inbox worker)."""
        token = _ITEM.set(item)
        try:
            await self.application.process_update(Update.de_json(json.loads(item.body), self.application.bot))
        finally:
            _ITEM.reset(token)

    # Handlers ---------------------------------------------------------------------------------

    def _rasa_command(self, payload: str):
        async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self._turn(update, context, payload)

        return handler

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, context, update.effective_message.text or "")

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await query.answer()
        except TelegramError as error:  # e.g. "query is too old": the press still counts
            logger.warning("answerCallbackQuery failed: %s", error)
        payload = self.keys.decode(query.data or "")
        if payload is None:
            replies = self.conversation.notice(_sender(update), "expired button", EXPIRED_BUTTON_REPLY, "command")
            await self._send(context, update.effective_chat.id, replies)
            return
        await self._turn(update, context, payload)

    async def _on_hotline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sender = _sender(update)
        replies = self.conversation.notice(sender, "/hotline", hotline_message(), "command")
        await self._send(context, update.effective_chat.id, replies)

    async def _on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        replies = self.conversation.notice(_sender(update), "unknown command", UNKNOWN_COMMAND_REPLY, "command")
        await self._send(context, update.effective_chat.id, replies)

    async def _on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is None:
            return
        replies = self.conversation.notice(_sender(update), _kind(update), NON_TEXT_REPLY)
        await self._send(context, update.effective_chat.id, replies)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Telegram update failed: %r", context.error, exc_info=context.error)

    async def _turn(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        chat_id = update.effective_chat.id
        sender = _sender(update)
        async with self.conversation.lock(sender):
            try:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:
                logger.warning("sendChatAction failed: %s", error)
            item = _ITEM.get()
            key, replay, arrived = (item.key, item.replay, item.received_at) if item else ("", False, None)
            try:
                replies = await self.conversation.reply(sender, text, key, replay, arrived)
            except Busy:
                replies = self.conversation.busy(sender)
            await self._send(context, chat_id, replies)

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[BotMessage]) -> None:
        for reply in replies:
            pieces = split_text(reply.text, TELEGRAM_TEXT_LIMIT, utf16_length) or [NO_BUTTON_TEXT]
            markup = self._keyboard(reply)
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                await _send_message(context.bot, chat_id, piece, markup if last else None)

    def _keyboard(self, reply: BotMessage) -> InlineKeyboardMarkup | None:
        if not reply.buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.title, callback_data=self.keys.encode(b.payload))] for b in reply.buttons]
        )


async def _send_message(bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """sendMessage, tried again once after a flood-control wait or a connection dropped before the answer.

    A timeout is not retried: Telegram may have delivered the message already.
    """
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    except RetryAfter as error:
        delay = error.retry_after.total_seconds() if hasattr(error.retry_after, "total_seconds") else error.retry_after
        logger.warning("Telegram flood control: retrying in %.0f s", delay)
        await asyncio.sleep(min(float(delay), MAX_RETRY_AFTER))
    except TimedOut:
        raise
    except NetworkError as error:
        logger.warning("sendMessage failed (%s); retrying once", error)
    await bot.send_message(chat_id, text, reply_markup=markup)


def _sender(update: Update) -> str:
    return f"telegram:{update.effective_chat.id}"


def _kind(update: Update) -> str:
    message = update.effective_message
    if message is None:
        return "non-text"
    for kind in ("sticker", "photo", "voice", "audio", "video", "video_note", "document", "location", "contact"):
        if getattr(message, kind, None):
            return kind
    return "non-text"
