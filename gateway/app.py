"""The FastAPI gateway: web chat, Telegram and Zalo channels, health endpoints.

`uvicorn gateway.app:app` serves the module-level app, built on first access from the environment and
`.env`; tests and tools call `create_app(settings)`. Telegram is on when a bot token is set, Zalo when the
app id and OA secret key are set; the web chat is always on. State lives in `gateway.database` (SQLite, or
PostgreSQL shared by several instances with `OCOP_DATABASE_URL`); webhook updates pass through the
durable inbox (`gateway.inbox`), which this instance's worker processes with the other instances.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from gateway import assist, handover, http_guards, selfassess
from gateway.capacity import TurnSlots
from gateway.channels import web
from gateway.channels.telegram.callback_keys import CallbackKeys
from gateway.channels.telegram.channel import TelegramChannel
from gateway.channels.zalo.channel import ZaloChannel
from gateway.conversation import Conversation
from gateway.database import open_database
from gateway.files import make_private
from gateway.inbox import Inbox
from gateway.logging_setup import configure_logging
from gateway.message_log import open_message_log
from gateway.rasa_client import RasaClient, RasaUnavailable
from gateway.rate_limit import RateLimiter
from gateway.retention import retention_task
from gateway.settings import Settings
from gateway.staff import install as install_staff

logger = logging.getLogger(__name__)

# Webhook turns processed at once by this instance; the rest wait in the inbox, so a burst of
# updates does not crowd out the webhook acknowledgements on the event loop.
CONCURRENT_TURNS = 16
# Seconds a stopping gateway lets running turns finish; the rest go back to the inbox.
STOP_GRACE = 5.0


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway. One app object serves one lifespan (start, then stop)."""
    settings = settings or Settings.from_env()
    assist.require_key_when_public(settings.public_base_url)
    configure_logging(settings.log_level, settings.secrets())
    database = open_database(settings.database_url, settings.data_dir)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_token)
    message_log = open_message_log(
        database, settings.data_dir, settings.message_log_max_bytes, settings.message_log_backups
    )
    slots = TurnSlots(settings.max_inflight_turns, settings.turn_wait_seconds)
    conversation = Conversation(rasa, message_log, settings.max_message_chars, slots)
    make_private(settings.data_dir)  # the database, logs and tokens there are the service's alone
    inbox = Inbox(database, settings.inbox_lease, settings.zalo_timestamp_window, CONCURRENT_TURNS)
    telegram = (
        TelegramChannel(settings, conversation, CallbackKeys(database), inbox) if settings.telegram_enabled else None
    )
    zalo = ZaloChannel(settings, conversation, database, inbox) if settings.zalo_enabled else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for channel in (zalo, telegram):
            if channel:
                await channel.start()
        handlers = {}
        if zalo:
            handlers["zalo"] = zalo.process
        if telegram and telegram.state == "on":
            handlers["telegram"] = telegram.process
        if handlers:
            inbox.start(handlers)
        pruning = asyncio.create_task(retention_task(settings, database, message_log))
        try:
            async with handover.timeouts(app.state.handovers):
                yield
        finally:
            pruning.cancel()
            await inbox.stop(STOP_GRACE)
            for channel in (telegram, zalo):
                if channel:
                    await channel.stop()
            await rasa.aclose()
            database.close()

    app = FastAPI(title="OCOP advisor gateway", lifespan=lifespan)
    app.state.rasa_client = rasa  # also used by the hotline assistant (gateway/assist.py)
    app.state.conversation = conversation
    app.state.rate_limiter = RateLimiter(
        settings.rate_limit_per_minute, settings.rate_limit_per_address_per_minute, settings.trusted_proxies
    )
    handover.install(app, database, settings, conversation, rasa, zalo, telegram)  # staff hand-over, inbox
    http_guards.install(app)

    @app.get("/healthz")
    @app.head("/healthz", include_in_schema=False)
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
        store = {"database": database.dialect}
        try:
            await asyncio.to_thread(database.rows, "SELECT 1")
        except Exception as error:  # noqa: BLE001 (any driver error)
            reason = f"database: {type(error).__name__}"
            return JSONResponse({"status": "not ready", "reason": reason, "channels": channels, **store}, 503)
        try:
            status = await rasa.status()
        except RasaUnavailable as error:
            return JSONResponse({"status": "not ready", "reason": f"Rasa: {error}", "channels": channels, **store}, 503)
        model = str(status.get("model_file", ""))
        return JSONResponse({"status": "ready", "model": model, "channels": channels, **store})

    app.include_router(web.router)
    for channel in (telegram, zalo):
        if channel:
            app.include_router(channel.router)
    app.include_router(assist.router)
    app.include_router(selfassess.router)
    install_staff(app, database, settings)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return app


def __getattr__(name: str) -> FastAPI:
    """`gateway.app.app`, built from the environment on first access (so importing has no side effects)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()["app"] = built = create_app(Settings.from_env())
    return built
