"""The FastAPI gateway: web chat, Telegram and Zalo channels, health endpoints.

`uvicorn bot.app:app` serves the module-level app, built on first access from the environment and
`.env`; tests and tools call `create_app(settings)`. Telegram is on when a bot token is set, Zalo when the
app id and OA secret key are set; the web chat is always on.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bot import assist, selfassess, sqlite_state
from bot.callback_keys import CallbackKeys
from bot.channels import web
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.conversation import Conversation
from bot.http_guards import BodySizeLimit, validation_error
from bot.logging_setup import configure_logging
from bot.message_log import MessageLog
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.settings import Settings, load_env_file

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway. One app object serves one lifespan (start, then stop)."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.secrets())
    state_db = sqlite_state.connect(settings.data_dir)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_token)
    conversation = Conversation(rasa, MessageLog(settings.data_dir), settings.max_message_chars)
    telegram = TelegramChannel(settings, conversation, CallbackKeys(state_db)) if settings.telegram_enabled else None
    zalo = ZaloChannel(settings, conversation, state_db) if settings.zalo_enabled else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for channel in (zalo, telegram):
            if channel:
                await channel.start()
        try:
            yield
        finally:
            for channel in (telegram, zalo):
                if channel:
                    await channel.stop()
            await rasa.aclose()
            state_db.close()

    app = FastAPI(title="OCOP advisor gateway", lifespan=lifespan)
    app.state.settings = settings
    app.state.rasa_client = rasa  # also used by the hotline assistant (bot/assist.py)
    app.state.conversation = conversation
    app.add_middleware(BodySizeLimit)
    app.add_exception_handler(RequestValidationError, validation_error)

    @app.get("/healthz")
    async def healthz() -> dict:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Rasa is reachable and has a model loaded."""
        channels = {
            "web": "on",
            "telegram": telegram.state if telegram else "off",
            "zalo": "on" if zalo else "off",
        }
        try:
            status = await rasa.status()
        except RasaUnavailable as error:
            return JSONResponse({"status": "not ready", "reason": f"Rasa: {error}", "channels": channels}, 503)
        model = str(status.get("model_file", ""))
        return JSONResponse({"status": "ready", "model": model, "channels": channels})

    app.include_router(web.router)
    for channel in (telegram, zalo):
        if channel:
            app.include_router(channel.router)
    app.include_router(assist.router)
    app.include_router(selfassess.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return app


def __getattr__(name: str) -> FastAPI:
    """`bot.app.app`, built from the environment on first access (so importing has no side effects)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    load_env_file()
    globals()["app"] = built = create_app(Settings.from_env())
    return built
