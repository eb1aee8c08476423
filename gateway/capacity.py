"""Turn admission: at most `limit` turns in flight to Rasa per gateway, and a bounded wait for a slot.

Rasa answers a few turns a second per instance; past that, every extra turn only queues inside it and
makes everyone wait. `TurnSlots.slot()` lets a turn in when one of the `limit` slots is free or frees up
within `wait` seconds (counted from when the message arrived, so an update that already waited in the
inbox gets less), and raises `Busy` otherwise: the channel then answers at once with the polite
"busy" reply. A `limit` of 0 admits every turn.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

logger = logging.getLogger(__name__)

# Under overload refusals come many a second: one warning at most this often, with the count.
LOG_EVERY_SECONDS = 10.0


class Busy(Exception):
    """No slot for a turn to Rasa came free within the wait."""


class TurnSlots:
    """The slots of one gateway process (shared by all its channels)."""

    def __init__(self, limit: int, wait: float) -> None:
        self.limit = limit
        self.wait = wait
        self._free = asyncio.Semaphore(limit) if limit > 0 else None
        self.refused = 0  # turns refused since the start
        self._logged = (0, -LOG_EVERY_SECONDS)  # (refused, monotonic time) at the last warning

    @asynccontextmanager
    async def slot(self, arrived: float | None = None) -> AsyncIterator[None]:
        """Hold a slot for the body of the `with`; `arrived` (time.time()) is when the message came in."""
        if self._free is None:
            yield
            return
        if self._free.locked():
            budget = self.wait - (time.time() - arrived if arrived is not None else 0.0)
            if budget <= 0:
                raise self._busy()
            try:
                await asyncio.wait_for(self._free.acquire(), budget)
            except TimeoutError:
                raise self._busy() from None
        else:
            await self._free.acquire()  # a free slot: taken without waiting
        try:
            yield
        finally:
            self._free.release()

    def _busy(self) -> Busy:
        self.refused += 1
        count, at = self._logged
        now = time.monotonic()
        if now - at >= LOG_EVERY_SECONDS:
            logger.warning(
                "At capacity (%s turns in flight to Rasa): %s turn(s) answered busy since the last warning",
                self.limit,
                self.refused - count,
            )
            self._logged = (self.refused, now)
        return Busy()
