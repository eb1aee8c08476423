"""Builders of Telegram updates as the Bot API sends them."""

from __future__ import annotations

import itertools
import time

_message_ids = itertools.count(1)


def user(chat_id: int) -> dict:
    return {"id": chat_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}


def message_update(update_id: int, chat_id: int, **content) -> dict:
    message = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
        "from": user(chat_id),
        **content,
    }
    return {"update_id": update_id, "message": message}


def text_update(update_id: int, chat_id: int, text: str) -> dict:
    content: dict = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message_update(update_id, chat_id, **content)


def callback_update(update_id: int, chat_id: int, data: str, query_id: str = "cq-1") -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": query_id,
            "from": user(chat_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": next(_message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 777000111, "is_bot": True, "first_name": "OCOP"},
                "text": "Xin chào!",
            },
        },
    }


STICKER = {
    "file_id": "st1",
    "file_unique_id": "u1",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
PHOTO = [{"file_id": "ph1", "file_unique_id": "u2", "width": 90, "height": 90}]
VOICE = {"file_id": "vo1", "file_unique_id": "u3", "duration": 3}
