"""No full-history reload per turn: Rasa's SQL tracker store keeps the conversation a turn saved for the next turn.

Rasa 3.6.21 rebuilds a conversation at the start of every turn: it reads every event row of the latest session,
decodes each one's JSON and replays them all into a new tracker; the cost grows with the conversation's length.
Here `SQLTrackerStore.save`, after Rasa's own save, keeps the tracker it has just written with the database's
stamp of that conversation (number of event rows and highest row id). The next `retrieve`
reads only the stamp (one indexed aggregate query) and hands the kept tracker out when the rows are still the
ones it was saved as; otherwise (another Rasa instance wrote to the conversation, the gateway erased or pruned it,
a turn failed before saving) it reads the conversation from the database as Rasa does.

A tracker is kept only when a reload would give exactly its events: after the save, the rows of the latest
session are as many as the tracker's events (not so after a new session started inside the turn: Rasa then
reloads only the new session). A kept tracker is handed out once (taken out of the cache), so two callers never
share one object, and a tracker that changed after its save is not handed out. At most `MAX_CONVERSATIONS` are
kept (least recently saved first out). The cache lives in the Rasa process; `stack.rasa_speedups` installs it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_CONVERSATIONS = 2000


@dataclass
class _Kept:
    tracker: Any
    length: int  # len(tracker.events) when it was saved
    stamp: tuple[int, int | None]  # (event rows, highest row id) of the conversation after the save


class TrackerCache:
    """The trackers of recently saved conversations, each with the stamp of the rows it was saved as."""

    def __init__(self, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self.max_conversations = max_conversations
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, sender_id: str, tracker: Any, stamp: tuple[int, int | None]) -> None:
        self._kept.pop(sender_id, None)
        self._kept[sender_id] = _Kept(tracker, len(tracker.events), stamp)
        while len(self._kept) > self.max_conversations:
            self._kept.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)

    def take(self, sender_id: str, stamp_now: Any) -> Any | None:
        """The kept tracker if the conversation's rows still have its stamp (`stamp_now()` reads them), else None.

        The entry leaves the cache either way: the caller owns the tracker until it saves it again.
        """
        kept = self._kept.pop(sender_id, None)
        if kept is None:
            return None
        if len(kept.tracker.events) != kept.length or stamp_now() != kept.stamp:
            self.misses += 1
            return None
        self.hits += 1
        return kept.tracker


# One aggregate over the conversation's rows (indexed by sender_id): how many, the highest id, and how many
# belong to the latest session (Rasa's own rule: from the newest session_started event on, or all of them).
_ROWS_SQL = """
SELECT count(e.id), max(e.id),
       sum(CASE WHEN s.session_start IS NULL OR e.timestamp >= s.session_start THEN 1 ELSE 0 END)
FROM events e,
     (SELECT max(timestamp) AS session_start FROM events
      WHERE sender_id = :sender_id AND type_name = 'session_started') s
WHERE e.sender_id = :sender_id
"""


def _rows(session: Any, sender_id: str) -> tuple[tuple[int, int | None], int]:
    """((event rows, highest row id), rows of the latest session) of one conversation."""
    import sqlalchemy as sa

    count, highest, latest_session = session.execute(sa.text(_ROWS_SQL), {"sender_id": sender_id}).one()
    return (int(count), highest), int(latest_session or 0)


def _cache(store: Any) -> TrackerCache:
    cache = store.__dict__.get("_ocop_tracker_cache")
    if cache is None:
        cache = store._ocop_tracker_cache = TrackerCache()
    return cache


def install() -> None:
    """Give Rasa's `SQLTrackerStore` the cache (idempotent)."""
    from rasa.core.tracker_store import SQLTrackerStore

    original_retrieve, original_save = SQLTrackerStore.retrieve, SQLTrackerStore.save
    if getattr(original_retrieve, "ocop_speedup", False):
        return

    async def retrieve(self: SQLTrackerStore, sender_id: str) -> Any:
        cache = _cache(self)

        def stamp_now() -> tuple[int, int | None]:
            with self.session_scope() as session:
                return _rows(session, sender_id)[0]

        tracker = cache.take(sender_id, stamp_now)
        if tracker is not None:
            return tracker
        return await original_retrieve(self, sender_id)

    async def save(self: SQLTrackerStore, tracker: Any) -> None:
        await original_save(self, tracker)
        # Kept only when a reload would give exactly this tracker's events: the latest session has as many rows
        # as it has events (rows another writer added since would make more).
        with self.session_scope() as session:
            stamp, latest_session = _rows(session, tracker.sender_id)
        if latest_session == len(tracker.events):
            _cache(self).keep(tracker.sender_id, tracker, stamp)
        else:
            _cache(self).drop(tracker.sender_id)

    retrieve.ocop_speedup = True
    save.ocop_speedup = True
    SQLTrackerStore.retrieve = retrieve
    SQLTrackerStore.save = save
