"""Turn admission (gateway/capacity.py) through `Conversation.reply`, with a slow fake Rasa client."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from gateway.capacity import Busy, TurnSlots
from gateway.conversation import Conversation, busy_reply
from gateway.message_log import MessageLog
from knowledge_base.hotline import hotline_message

RASA_SECONDS = 0.6
WAIT = 0.2
# What a refused turn may take beyond the wait on a busy CI machine: it must stay far below a Rasa turn.
SLACK = 0.25


class SlowRasa:
    """Answers every turn after `delay` seconds; counts the turns in flight at once."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0
        self.turns = 0

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        self.turns += 1
        return [{"text": f"Trả lời: {text}"}]


def conversation(tmp_path, rasa: SlowRasa, limit: int, wait: float = WAIT) -> Conversation:
    return Conversation(rasa, MessageLog(tmp_path), 2000, TurnSlots(limit, wait))


def records(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "messages.jsonl").read_text().splitlines()]


async def timed(coroutine) -> tuple[float, object]:
    started = time.monotonic()
    try:
        result = await coroutine
    except Busy as busy:
        result = busy
    return time.monotonic() - started, result


async def test_the_turn_past_the_limit_is_refused_within_the_wait_and_its_question_logged(tmp_path):
    rasa = SlowRasa(RASA_SECONDS)
    chat = conversation(tmp_path, rasa, limit=3)
    running = [asyncio.create_task(chat.reply(f"web:user-{n}", f"câu hỏi {n}")) for n in range(3)]
    while rasa.in_flight < 3:
        await asyncio.sleep(0.005)
    elapsed, refused = await timed(chat.reply("web:user-late", "hồ sơ OCOP gồm gì"))
    assert isinstance(refused, Busy)
    assert WAIT - 0.01 <= elapsed < WAIT + SLACK
    assert chat.busy("web:user-late")[0].text == busy_reply()
    assert [len(await task) for task in running] == [1, 1, 1]
    assert rasa.most_in_flight == 3 and rasa.turns == 3
    late = [r for r in records(tmp_path) if r["user"] == chat.log.user_hash("web:user-late")]
    assert [(r["direction"], r["status"], r["text"]) for r in late] == [
        ("in", "busy", "hồ sơ OCOP gồm gì"),
        ("out", "busy", busy_reply()),
    ]
    assert hotline_message() in busy_reply()


async def test_a_slot_that_frees_within_the_wait_is_taken(tmp_path):
    rasa = SlowRasa(0.1)
    chat = conversation(tmp_path, rasa, limit=1, wait=1.0)
    first = asyncio.create_task(chat.reply("web:user-1", "câu một"))
    while rasa.in_flight < 1:
        await asyncio.sleep(0.005)
    elapsed, second = await timed(chat.reply("web:user-2", "câu hai"))
    assert second[0].text == "Trả lời: câu hai"
    assert elapsed < 0.1 * 2 + SLACK
    assert (await first)[0].text == "Trả lời: câu một"
    assert rasa.most_in_flight == 1


async def test_load_within_the_limit_is_not_delayed(tmp_path):
    rasa = SlowRasa(0.2)
    chat = conversation(tmp_path, rasa, limit=8)
    started = time.monotonic()
    replies = await asyncio.gather(*(chat.reply(f"web:user-{n}", f"câu {n}") for n in range(8)))
    assert time.monotonic() - started < 0.2 + SLACK  # all eight at once, none waited for another
    assert [r[0].text for r in replies] == [f"Trả lời: câu {n}" for n in range(8)]
    assert all(r["status"] in ("received", "ok") for r in records(tmp_path))


async def test_an_update_that_waited_in_the_inbox_has_only_the_rest_of_the_wait(tmp_path):
    rasa = SlowRasa(RASA_SECONDS)
    chat = conversation(tmp_path, rasa, limit=1, wait=1.0)
    held = asyncio.create_task(chat.reply("zalo:1", "câu một"))
    while rasa.in_flight < 1:
        await asyncio.sleep(0.005)
    elapsed, refused = await timed(chat.reply("zalo:2", "câu hai", "zalo:m2", arrived=time.time() - 5))
    assert isinstance(refused, Busy) and elapsed < SLACK
    await held
    # with a free slot the same late update runs: nothing is refused that could be answered now
    answered = await chat.reply("zalo:2", "câu hai", "zalo:m2", arrived=time.time() - 5)
    assert answered[0].text == "Trả lời: câu hai"


async def test_no_limit_admits_every_turn(tmp_path):
    rasa = SlowRasa(0.1)
    chat = conversation(tmp_path, rasa, limit=0, wait=0.0)
    await asyncio.gather(*(chat.reply(f"web:user-{n}", "câu") for n in range(20)))
    assert rasa.most_in_flight == 20


async def test_a_failed_or_cancelled_turn_gives_its_slot_back():
    slots = TurnSlots(2, 0.05)
    with pytest.raises(RuntimeError):
        async with slots.slot():
            raise RuntimeError("Rasa client bug")

    async def hold_forever():
        async with slots.slot():
            await asyncio.sleep(3600)

    holder = asyncio.create_task(hold_forever())
    await asyncio.sleep(0.01)
    holder.cancel()
    await asyncio.gather(holder, return_exceptions=True)
    async with slots.slot(), slots.slot():  # both slots are free again
        with pytest.raises(Busy):
            async with slots.slot():
                pass


async def test_refusals_under_overload_are_logged_now_and_then_not_one_line_each(caplog):
    slots = TurnSlots(1, 0.0)
    async with slots.slot():
        for _ in range(50):
            with pytest.raises(Busy):
                async with slots.slot():
                    pass
    warnings = [r for r in caplog.records if r.name == "gateway.capacity"]
    assert len(warnings) == 1 and "1 turn(s) answered busy" in warnings[0].getMessage()
    assert slots.refused == 50
