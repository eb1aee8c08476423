"""How a staff message reaches the producer on each channel; each deliverer returns what happened.

"sent" (the platform accepted it), "stored" (the web chat fetches it from its push stream),
"window_closed" (Zalo refuses: the user wrote last more than 48 hours ago, or does not follow the OA)
or "failed".
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from gateway.channels.zalo.api import WINDOW_ERRORS, ZaloOA
from gateway.formatting import TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT, split_text, utf16_length

logger = logging.getLogger(__name__)


async def web(user_id: str, text: str) -> str:
    return "stored"


def zalo(oa: ZaloOA):
    async def deliver(user_id: str, text: str) -> str:
        for piece in split_text(text, ZALO_TEXT_LIMIT):
            code = await oa.send_text_status(user_id, piece)
            if code in WINDOW_ERRORS:
                return "window_closed"
            if code != 0:
                return "failed"
        return "sent"

    return deliver


def telegram(bot):
    async def deliver(user_id: str, text: str) -> str:
        try:
            for piece in split_text(text, TELEGRAM_TEXT_LIMIT, utf16_length):
                await bot.send_message(int(user_id), piece)
        except (TelegramError, ValueError) as error:
            logger.warning("Telegram staff message not sent: %s", type(error).__name__)
            return "failed"
        return "sent"

    return deliver
