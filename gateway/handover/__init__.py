"""Live hand-over to hotline staff and the staff inbox (see `service`, `store`, `routes`, `hours`)."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI

from gateway.handover import delivery
from gateway.handover.hours import OfficeHours
from gateway.handover.service import HandoverConfig, Handovers
from gateway.handover.store import HandoverStore
from gateway.privacy import Eraser


def config_of(settings) -> HandoverConfig:
    return HandoverConfig(
        hours=OfficeHours.parse(settings.handover_hours, settings.handover_days, settings.handover_timezone),
        timeout=settings.handover_timeout_minutes * 60,
        typical_wait=settings.handover_wait_minutes * 60,
    )


def install(app: FastAPI, database, settings, conversation, rasa, zalo=None, telegram=None) -> Handovers:
    """Wire the hand-over service into the conversation, the channels and the app's routes."""
    from gateway.handover.routes import router

    store = HandoverStore(database)
    handovers = Handovers(store, rasa, config_of(settings), conversation.log)
    handovers.eraser = Eraser(database, store, conversation.log, settings.tracker_path)
    handovers.register("web", delivery.web)
    if zalo:
        handovers.register("zalo", delivery.zalo(zalo.oa))
    if telegram:
        handovers.register("telegram", delivery.telegram(telegram.application.bot))
    conversation.handovers = handovers
    app.state.handovers = handovers
    app.include_router(router)
    return handovers


@contextlib.asynccontextmanager
async def timeouts(handovers: Handovers):
    """Run the hand-over timeouts while the app serves."""
    task = asyncio.create_task(handovers.run_timeouts())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
