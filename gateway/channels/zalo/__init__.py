"""Zalo OA channel: the webhook adapter (`channel`), the OA API client (`api`), the single-use token store
(`tokens`) and numbered button lists (`numbered_choices`)."""
