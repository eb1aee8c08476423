"""Capacity of one running stack: simulated producers chatting through the gateway's web chat, in steps.

    .venvs/app/bin/python scripts/bench_capacity.py [--url URL] [--users 1,10,20,30,40] [--think 0.2-1.0]
                                                    [--step-seconds 30] [--single-turns 40]

Needs a running stack (`make run`, or pass --url of a gateway). First one conversation alone asks
--single-turns questions one after the other (p50/p95 of a single conversation). Then, for each user count of
--users, that many producers chat at once for --step-seconds: each in its own conversation (a new one after
--turns-per-conversation questions), asking questions of tests/answers/questions.yml in a random order and
thinking a random --think seconds between a reply and the next question. Per step it prints the offered users,
completed turns a second, p50/p95/p99 latency of the answered turns, the "busy" 429s of a gateway at capacity,
rate-limit 429s (set OCOP_RATE_LIMIT_PER_MINUTE=0 on the stack for a clean run) and errors (other failures,
or the apology the gateway sends when Rasa cannot answer); then the throughput at p95 <= --p95-ms: the
completed turns a second of the busiest step whose p95 stays within it with at most 1% of its turns busy or
failed. The busy 429s' own p95 shows how fast a gateway at capacity answers. Everything is bounded: at most
MAX_USERS users, MAX_STEP_SECONDS a step, every request times out after --timeout seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.conversation import unavailable_reply  # noqa: E402
from stack.settings import StackSettings  # noqa: E402

QUESTIONS = ROOT / "tests" / "answers" / "questions.yml"
MAX_USERS = 200
MAX_STEP_SECONDS = 300.0
WARMUP_TURNS = 3
MAX_REFUSED = 0.01  # a step with more busy replies or errors than this share does not count as sustained
APOLOGY = unavailable_reply().split(";")[0]
BUSY_DETAIL = "at capacity"  # the `detail` of the gateway's 429 past its in-flight turn limit


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank `q`th percentile of `values` (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


@dataclass
class Step:
    """The outcome of one step: latencies (seconds) of the answered turns and the counts of the others."""

    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    busy_latencies: list[float] = field(default_factory=list)
    rate_limited: int = 0
    errors: int = 0

    @property
    def busy(self) -> int:
        return len(self.busy_latencies)

    def refused_share(self) -> float:
        """Busy replies and errors among the turns asked (rate-limited ones left out)."""
        asked = len(self.latencies) + self.busy + self.errors
        return (self.busy + self.errors) / asked if asked else 0.0

    def turns_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds > 0 else 0.0

    def p(self, q: float) -> float:
        """The `q`th percentile latency in milliseconds."""
        return percentile(self.latencies, q) * 1000


def throughput_within(steps: list[Step], p95_ms: float, max_refused: float = MAX_REFUSED) -> Step | None:
    """The step with the most completed turns a second among those whose p95 is within `p95_ms` and that
    answered nearly every turn (at most `max_refused` of them busy or failed)."""
    fitting = [s for s in steps if s.latencies and s.p(95) <= p95_ms and s.refused_share() <= max_refused]
    return max(fitting, key=Step.turns_per_second, default=None)


def parse_users(text: str) -> list[int]:
    users = [int(part) for part in text.split(",") if part.strip()]
    if not users or any(not 1 <= n <= MAX_USERS for n in users):
        raise argparse.ArgumentTypeError(f"user counts must be 1-{MAX_USERS}, comma-separated")
    return users


def parse_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    low_s, high_s = float(low), float(high or low)
    if not 0 <= low_s <= high_s <= 60:
        raise argparse.ArgumentTypeError("think time must be MIN-MAX seconds, 0 <= MIN <= MAX <= 60")
    return low_s, high_s


def load_questions(path: Path) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = [item["question"] for item in items if isinstance(item, dict) and item.get("question")]
    if not questions:
        raise SystemExit(f"no questions in {path}")
    return questions


class Producer:
    """One simulated producer: a conversation of up to `turns_per_conversation` questions, then a new one."""

    def __init__(self, client: httpx.AsyncClient, questions: list[str], rng: random.Random, turns: int) -> None:
        self.client = client
        self.questions = questions
        self.rng = rng
        self.turns = turns
        self.asked = 0
        self.sender = ""

    async def ask(self, step: Step | None) -> None:
        if self.asked % self.turns == 0:
            self.sender = f"bench{uuid.uuid4().hex[:16]}"
        self.asked += 1
        body = {"sender": self.sender, "message": self.rng.choice(self.questions)}
        started = time.perf_counter()
        try:
            response = await self.client.post("/api/chat", json=body)
        except httpx.HTTPError:
            if step:
                step.errors += 1
            return
        elapsed = time.perf_counter() - started
        if step is None:
            return
        if response.status_code == 429:
            if BUSY_DETAIL in str(response.json().get("detail", "")):
                step.busy_latencies.append(elapsed)
            else:
                step.rate_limited += 1
        elif response.status_code != 200 or any(
            m.get("text", "").startswith(APOLOGY) for m in response.json().get("messages", [])
        ):
            step.errors += 1
        else:
            step.latencies.append(elapsed)


async def run_step(url: str, questions: list[str], users: int, seconds: float, args, rng: random.Random) -> Step:
    """`users` producers chatting for `seconds`; turns still running at the end are waited for and counted."""
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=url, timeout=args.timeout, limits=limits) as client:
        step = Step(users, seconds)
        deadline = time.monotonic() + seconds

        async def producer(number: int) -> None:
            me = Producer(client, questions, random.Random(rng.random()), args.turns_per_conversation)
            await asyncio.sleep(me.rng.uniform(0, args.think[1]))  # arrivals spread out, not in lockstep
            while time.monotonic() < deadline:
                await me.ask(step)
                await asyncio.sleep(me.rng.uniform(*args.think))

        started = time.monotonic()
        await asyncio.gather(*(producer(n) for n in range(users)))
        step.seconds = time.monotonic() - started
        return step


async def single_conversation(url: str, questions: list[str], turns: int, args, rng: random.Random) -> Step:
    """One conversation alone: `turns` questions one after the other (after a few warm-up turns)."""
    async with httpx.AsyncClient(base_url=url, timeout=args.timeout) as client:
        me = Producer(client, questions, rng, turns + WARMUP_TURNS)
        for _ in range(WARMUP_TURNS):
            await me.ask(None)
        step = Step(1, 0.0)
        started = time.monotonic()
        for _ in range(turns):
            await me.ask(step)
        step.seconds = time.monotonic() - started
        return step


def row(step: Step) -> str:
    return (
        f"{step.users:>5} {step.seconds:>6.1f} {len(step.latencies):>6} {step.turns_per_second():>7.2f} "
        f"{step.p(50):>8.0f} {step.p(95):>8.0f} {step.p(99):>8.0f} {step.busy:>5} {step.rate_limited:>5} "
        f"{step.errors:>6} {percentile(step.busy_latencies, 95) * 1000:>8.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{StackSettings.from_env().gateway_port}")
    parser.add_argument("--users", type=parse_users, default=parse_users("1,10,20,30,40"))
    parser.add_argument("--think", type=parse_range, default=(0.2, 1.0), help="seconds between turns, MIN-MAX")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--single-turns", type=int, default=40, help="turns of the single conversation (0: skip)")
    parser.add_argument("--turns-per-conversation", type=int, default=10)
    parser.add_argument("--p95-ms", type=float, default=500.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if not 0 < args.step_seconds <= MAX_STEP_SECONDS:
        parser.error(f"--step-seconds must be in (0, {MAX_STEP_SECONDS:.0f}]")
    if args.turns_per_conversation < 1 or not 0 <= args.single_turns <= 1000:
        parser.error("--turns-per-conversation must be >= 1 and --single-turns 0-1000")
    url = args.url.rstrip("/")
    questions = load_questions(args.questions)
    rng = random.Random(args.seed)
    try:
        httpx.get(f"{url}/readyz", timeout=10).raise_for_status()
    except httpx.HTTPError as error:
        print(f"The gateway at {url} is not ready ({error}); start the stack with `make run`.", file=sys.stderr)
        return 1
    print(
        f"Gateway {url}: {len(questions)} questions, users per step {','.join(map(str, args.users))}, "
        f"think time {args.think[0]:g}-{args.think[1]:g} s, {args.step_seconds:g} s a step, "
        f"{args.turns_per_conversation} turns a conversation, request timeout {args.timeout:g} s"
    )
    if args.single_turns:
        single = asyncio.run(single_conversation(url, questions, args.single_turns, args, rng))
        print(
            f"Single conversation: {len(single.latencies)} turns, p50 {single.p(50):.0f} ms, "
            f"p95 {single.p(95):.0f} ms (errors {single.errors}, busy {single.busy})"
        )
    print(
        f"{'users':>5} {'secs':>6} {'turns':>6} {'turns/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'busy':>5} {'rate':>5} {'errors':>6} {'busy p95':>8}"
    )
    steps = []
    for users in args.users:
        steps.append(asyncio.run(run_step(url, questions, users, args.step_seconds, args, rng)))
        print(row(steps[-1]), flush=True)
    best = throughput_within(steps, args.p95_ms)
    if best is None:
        print(f"Throughput at p95 <= {args.p95_ms:g} ms: no step stayed within it")
    else:
        print(
            f"Throughput at p95 <= {args.p95_ms:g} ms: {best.turns_per_second():.2f} turns/s "
            f"({best.users} users, p95 {best.p(95):.0f} ms)"
        )
    if any(s.rate_limited for s in steps):
        print("Some turns hit the per-sender rate limit: rerun with OCOP_RATE_LIMIT_PER_MINUTE=0 on the stack.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
