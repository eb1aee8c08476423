"""Telegram channel: the webhook/polling adapter (`channel`) and short keys for long button payloads (`callback_keys`)."""
