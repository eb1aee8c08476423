"""stack/tracker_cache.TrackerCache: bounded, handed out once, never a tracker whose rows or events changed."""

from types import SimpleNamespace

from stack.tracker_cache import TrackerCache


def tracker(*events):
    return SimpleNamespace(events=list(events))


def test_a_kept_tracker_is_handed_out_once_while_its_rows_are_unchanged():
    cache = TrackerCache()
    kept = tracker("a", "b")
    cache.keep("web:1", kept, (2, 7))
    assert cache.take("web:1", lambda: (2, 7)) is kept
    assert cache.take("web:1", lambda: (2, 7)) is None  # the caller owns it until it saves again


def test_changed_rows_or_changed_events_mean_a_reload():
    cache = TrackerCache()
    cache.keep("web:1", tracker("a"), (1, 3))
    assert cache.take("web:1", lambda: (2, 4)) is None  # another instance wrote
    grown = tracker("a")
    cache.keep("web:2", grown, (1, 5))
    grown.events.append("not saved")
    assert cache.take("web:2", lambda: (1, 5)) is None
    assert (cache.hits, cache.misses) == (0, 2)


def test_the_least_recently_saved_conversation_leaves_first():
    cache = TrackerCache(max_conversations=2)
    for name in ("web:1", "web:2", "web:1", "web:3"):
        cache.keep(name, tracker(name), (1, 1))
    assert len(cache) == 2
    assert cache.take("web:2", lambda: (1, 1)) is None
    assert cache.take("web:1", lambda: (1, 1)) is not None
