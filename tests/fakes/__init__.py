"""Fake Telegram Bot API, Zalo OA API and Rasa REST servers speaking the real protocols over loopback HTTP."""
