"""Who producers should contact when the bot cannot answer: defaults in hotline.yml, overridable by settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge_base.settings import load

_DEFAULTS_FILE = Path(__file__).with_name("hotline.yml")
_FIELDS = ("name", "phone", "email", "hours")


@dataclass(frozen=True)
class Hotline:
    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""


@lru_cache(maxsize=1)
def _defaults() -> dict:
    data = yaml.safe_load(_DEFAULTS_FILE.read_text(encoding="utf-8")) or {}
    return {key: str(data.get(key) or "").strip() for key in _FIELDS}


def hotline() -> Hotline:
    """Hotline details: ``OCOP_HOTLINE_<FIELD>`` (environment or `.env`) when set, else the packaged defaults."""
    configured = load()
    values = {key: getattr(configured, f"hotline_{key}") or _defaults()[key] for key in _FIELDS}
    return Hotline(**values)


def hotline_message() -> str:
    """One Vietnamese sentence (or two) telling the user whom to contact and how."""
    line = hotline()
    contacts = [f"điện thoại {line.phone}" if line.phone else "", f"email {line.email}" if line.email else ""]
    contacts = [c for c in contacts if c]
    message = f"Anh/chị vui lòng liên hệ {line.name}"
    message += f" ({', '.join(contacts)})." if contacts else " để được hướng dẫn chính xác."
    if line.hours:
        message += f" Thời gian làm việc: {line.hours}."
    return message
