"""The durable inbox: a webhook update is acknowledged only after it is stored here.

Each channel's webhook calls `Inbox.put()`, which records the update under a de-duplication key
(a repeated delivery is dropped, also by another gateway instance or after a restart) and only then
lets the webhook answer 200. Workers in every gateway instance claim pending updates with a lease
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's write lock in the embedded default),
process them and mark them done. A worker renews the leases of what it holds; when an instance dies,
its leases run out and another instance (or the same one after a restart) takes the updates over.
Only the oldest pending update of each sender can be claimed, so one user's turns stay in order
across instances. An update claimed `MAX_ATTEMPTS` times without finishing is given up (logged).
The handler gets the `Item`: its key is the message id the turn carries to Rasa, and `replay` says a
previous claim may have run the turn already (the instance died before marking it done).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from gateway.database import Database

logger = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600
MAX_ATTEMPTS = 3
POLL_SECONDS = 0.5

_CLAIM = """
SELECT q.id, q.key, q.channel, q.body, q.attempts, q.received_at FROM inbox q
WHERE q.done = 0 AND q.channel IN :channels AND q.received_at >= :oldest
  AND (q.lease_until IS NULL OR q.lease_until < :now)
  AND NOT EXISTS (
      SELECT 1 FROM inbox o WHERE o.sender = q.sender AND o.done = 0 AND o.id < q.id AND o.received_at >= :oldest
  )
ORDER BY q.id LIMIT :limit
"""


@dataclass(frozen=True)
class Item:
    id: int
    channel: str
    body: str
    key: str = ""  # `<channel>:<update key>`, unique: the message id of the turn
    attempts: int = 1  # claims so far, this one included
    received_at: float | None = None  # when it was accepted (time.time()): a turn's wait counts from it

    @property
    def replay(self) -> bool:
        """Claimed before: the earlier attempt may have run the turn and died before `finish()`."""
        return self.attempts > 1


Handler = Callable[[Item], Awaitable[None]]


def instance_name() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Inbox:
    """Stores, claims and finishes webhook updates; `start()` processes them in the background."""

    def __init__(self, database: Database, lease_seconds: float, max_age: float, concurrency: int = 16) -> None:
        self._db = database
        self.lease_seconds = lease_seconds
        self.max_age = max_age
        self.concurrency = concurrency
        self.owner = instance_name()
        self._wake = asyncio.Event()
        self._held: set[int] = set()
        self._tasks: set[asyncio.Task] = set()
        self._stopping = False
        self._runner: asyncio.Task | None = None
        self._renewer: asyncio.Task | None = None
        # Lease renewals get a thread of their own: a backlog of webhook writes must not delay them
        # past the lease (another instance would then take over an update still being processed).
        self._renewal_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-renew")

    # Storage ---------------------------------------------------------------------------------

    def accept(self, channel: str, key: str, sender: str, body: str) -> bool:
        """Store a new update durably; False when `key` was accepted before (a repeated delivery)."""
        added = self._db.run(
            "INSERT INTO inbox (key, channel, sender, body, received_at) VALUES (:key, :channel, :sender, :body, :now) "
            "ON CONFLICT DO NOTHING",
            key=f"{channel}:{key}",
            channel=channel,
            sender=sender,
            body=body,
            now=time.time(),
        )
        return added == 1

    async def put(self, channel: str, key: str, sender: str, body: str) -> bool:
        """`accept()` off the event loop, then wake this instance's worker for the new update."""
        added = await asyncio.to_thread(self.accept, channel, key, sender, body)
        if added:
            self._wake.set()
        return added

    def claim(self, limit: int, channels: list[str]) -> list[Item]:
        """Take up to `limit` pending updates of `channels` under a lease held by this instance."""
        now = time.time()
        lock = " FOR UPDATE OF q SKIP LOCKED" if self._db.shared else ""
        query = text(_CLAIM + lock).bindparams(bindparam("channels", expanding=True))
        with self._db.transaction() as connection:
            rows = connection.execute(
                query, {"now": now, "oldest": now - self.max_age, "limit": limit, "channels": channels}
            ).fetchall()
            if not rows:
                return []
            given_up = [row.id for row in rows if row.attempts >= MAX_ATTEMPTS]
            taken = [row for row in rows if row.attempts < MAX_ATTEMPTS]
            for item_id in given_up:
                connection.execute(text("UPDATE inbox SET done = 1, body = '' WHERE id = :id"), {"id": item_id})
            for row in taken:
                connection.execute(
                    text(
                        "UPDATE inbox SET lease_until = :until, claimed_by = :owner, attempts = attempts + 1 "
                        "WHERE id = :id"
                    ),
                    {"until": now + self.lease_seconds, "owner": self.owner, "id": row.id},
                )
        for item_id in given_up:
            logger.error("Inbox item %s given up after %s attempts", item_id, MAX_ATTEMPTS)
        return [Item(row.id, row.channel, row.body, row.key, row.attempts + 1, row.received_at) for row in taken]

    def finish(self, item_id: int) -> None:
        """Mark an update processed; only its key stays (for de-duplication), for a week."""
        self._db.run("UPDATE inbox SET done = 1, body = '', lease_until = NULL WHERE id = :id", id=item_id)

    def renew(self) -> None:
        """Extend the leases of the updates this instance is processing."""
        if self._held:
            self._db.run(
                "UPDATE inbox SET lease_until = :until WHERE claimed_by = :owner AND done = 0",
                until=time.time() + self.lease_seconds,
                owner=self.owner,
            )

    def release(self) -> None:
        """Give back the leases of unfinished updates (a stopping instance), so a peer takes them now."""
        self._db.run("UPDATE inbox SET lease_until = NULL WHERE claimed_by = :owner AND done = 0", owner=self.owner)

    def prune(self) -> None:
        self._db.run("DELETE FROM inbox WHERE received_at < :oldest", oldest=time.time() - KEEP_SECONDS)

    def pending(self) -> int:
        """Updates accepted and not processed yet (for health checks and tests)."""
        return self._db.rows("SELECT COUNT(*) FROM inbox WHERE done = 0")[0][0]

    # Processing ------------------------------------------------------------------------------

    def start(self, handlers: Mapping[str, Handler]) -> None:
        """Process the updates of each channel with `handlers[channel](item)` until `stop()`."""
        self._stopping = False
        self._runner = asyncio.create_task(self._run(dict(handlers)))

    async def stop(self, grace: float) -> None:
        """Stop claiming, let running updates finish for `grace` seconds, give the rest back."""
        self._stopping = True
        self._wake.set()
        if self._runner is None:
            return
        await asyncio.gather(self._runner, return_exceptions=True)
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._renewer is not None:
            self._renewer.cancel()
            await asyncio.gather(self._renewer, return_exceptions=True)
        try:
            await asyncio.to_thread(self.release)
        except Exception as error:  # noqa: BLE001 (the leases then simply run out)
            logger.error("Inbox leases not released: %s", type(error).__name__)
        self._renewal_thread.shutdown(wait=False)

    async def _run(self, handlers: dict[str, Handler]) -> None:
        """Claim and process updates; a database outage is logged and retried."""
        try:
            await asyncio.to_thread(self.prune)
        except Exception as error:  # noqa: BLE001
            logger.error("Inbox prune failed: %s", type(error).__name__)
        self._renewer = asyncio.create_task(self._renew_forever())
        while not self._stopping:
            self._wake.clear()
            free = self.concurrency - len(self._tasks)
            items = []
            if free > 0:
                try:
                    items = await asyncio.to_thread(self.claim, free, list(handlers))
                except Exception as error:  # noqa: BLE001 (any driver error: wait and retry)
                    logger.error("Inbox claim failed: %s", type(error).__name__)
            for item in items:
                if item.id in self._held:
                    continue  # still ours and running: its lease had lapsed and is renewed again
                self._held.add(item.id)
                task = asyncio.create_task(self._process(handlers[item.channel], item))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if items and len(self._tasks) < self.concurrency:
                continue  # more may be waiting
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _process(self, handler: Handler, item: Item) -> None:
        try:
            await handler(item)
        except Exception:
            logger.exception("Inbox item %s (%s) failed", item.id, item.channel)
        try:
            await asyncio.to_thread(self.finish, item.id)
        finally:
            self._held.discard(item.id)
            self._wake.set()  # a slot is free, and this sender's next update may be claimable now

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await asyncio.get_running_loop().run_in_executor(self._renewal_thread, self.renew)
            except Exception as error:  # noqa: BLE001
                logger.error("Inbox lease renewal failed: %s", type(error).__name__)
