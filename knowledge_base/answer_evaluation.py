"""Answer-level evaluation: score the one reply a producer reads (format in ``tests/answers/README.md``).

Pure functions over items and reply texts; ``scripts/eval_answers.py`` sends the questions through the
running assistant and prints the tables. Outcomes:

- ``wrong``: a ``must_not`` fact is in the reply, or none of the ``must`` facts is;
- ``refused``: the reply opens by saying the bot is not sure / did not understand (``Markers.refusals``);
- ``misrouted``: the reply is a response that answers no question (goodbye, greeting, a form's question);
- ``partial``: some but not all ``must`` facts are in the reply;
- ``correct``: every ``must`` fact and no ``must_not`` fact.

Facts are matched as substrings without diacritics or case; ``"a|b"`` accepts either alternative.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base import textnorm

OUTCOMES = ("correct", "partial", "wrong", "refused", "misrouted")
STYLES = ("clean", "no_diacritics", "abbrev")
SPLITS = ("tune", "holdout")
EXPECTS = ("answer", "outside")


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    origin: str
    real: bool
    style: str
    topic: str
    expect: str
    must: tuple[tuple[str, ...], ...]
    must_not: tuple[str, ...]
    split: str


@dataclass(frozen=True)
class Markers:
    """Openings of replies that refuse, and of replies that answer no question (folded)."""

    refusals: tuple[str, ...]
    non_answers: tuple[str, ...]


def _alternatives(fact: str) -> tuple[str, ...]:
    return tuple(a for a in (textnorm.fold(p).strip() for p in str(fact).split("|")) if a)


def load_items(path: Path) -> list[Item]:
    """Items of an evaluation file; raises ValueError naming the first malformed item."""
    items = []
    for raw in yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []:
        try:
            item = Item(
                str(raw["id"]),
                str(raw["question"]),
                str(raw.get("origin", "")),
                bool(raw.get("real")),
                str(raw["style"]),
                str(raw["topic"]),
                str(raw.get("expect", "answer")),
                tuple(_alternatives(f) for f in raw.get("must") or ()),
                tuple(a for f in raw.get("must_not") or () for a in _alternatives(f)),
                str(raw["split"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed evaluation item {raw!r:.80}: {exc}") from exc
        if item.style not in STYLES or item.split not in SPLITS or item.expect not in EXPECTS or not item.must:
            raise ValueError(f"item {item.id}: style/split/expect out of range or no must facts")
        items.append(item)
    return items


def _opening(text: str, size: int = 48) -> str:
    return textnorm.fold(textnorm.collapse_spaces(text))[:size].strip()


def markers_from(refusal_texts: list[str], non_answer_texts: list[str]) -> Markers:
    return Markers(
        tuple(_opening(t) for t in refusal_texts if t.strip()),
        tuple(_opening(t) for t in non_answer_texts if t.strip()),
    )


def score_reply(item: Item, reply: str, markers: Markers) -> str:
    """The outcome of ``reply`` (all of a turn's messages joined) for ``item``."""
    folded = textnorm.fold(textnorm.collapse_spaces(reply))
    if any(bad in folded for bad in item.must_not):
        return "wrong"
    if not folded.strip() or any(folded.startswith(m) for m in markers.refusals):
        return "refused"  # even when the refusal's hotline text happens to hold a fact
    if any(folded.startswith(m) for m in markers.non_answers):
        return "misrouted"
    found = [any(a in folded for a in alternatives) for alternatives in item.must]
    if all(found):
        return "correct"
    return "partial" if any(found) else "wrong"


REFUSAL_RESPONSES = ("utter_default",)
# Opening of the self-assessment form (asked by an action, not a domain response).
FORM_OPENINGS = ("Tự đánh giá nhanh số sao OCOP dự kiến",)


def reply_markers(domain_path: Path, refusal_texts: list[str]) -> Markers:
    """Refusal openings (``refusal_texts`` and the domain's fallback response) and non-answer openings
    (every other domain response, and the self-assessment form's first question)."""
    responses = yaml.safe_load(Path(domain_path).read_text(encoding="utf-8"))["responses"]
    texts = {name: [v["text"] for v in variants if "text" in v] for name, variants in responses.items()}
    refusals = list(refusal_texts) + [t for name in REFUSAL_RESPONSES for t in texts.get(name, [])]
    others = [t for name, ts in texts.items() if name not in REFUSAL_RESPONSES for t in ts]
    return markers_from(refusals, others + list(FORM_OPENINGS))


def web_chat_sender(base_url: str, timeout: float = 30.0):
    """``send(question) -> reply text`` over the gateway's web chat (``POST /api/chat``), a new conversation
    for every question."""
    import uuid

    import httpx

    client = httpx.Client(base_url=base_url, timeout=timeout)

    def send(question: str) -> str:
        response = client.post("/api/chat", json={"sender": uuid.uuid4().hex, "message": question})
        response.raise_for_status()
        return "\n".join(m["text"] for m in response.json()["messages"])

    return send


def run(items: list[Item], send, markers: Markers) -> tuple[list[tuple[Item, str, str]], list[float]]:
    """(item, outcome, reply) for every item, ``send(question) -> reply`` timed in milliseconds."""
    results, latencies = [], []
    for item in items:
        started = time.perf_counter()
        reply = send(item.question)
        latencies.append((time.perf_counter() - started) * 1000)
        results.append((item, score_reply(item, reply, markers), reply))
    return results, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))] if ordered else 0.0


def report(results: list[tuple[Item, str, str]], latencies: list[float], misses: int = 0) -> str:
    """Tables by split, topic, style and wording origin; latency; the first ``misses`` replies not correct."""
    pairs = [(item, outcome) for item, outcome, _ in results]
    items = [item for item, _ in pairs]
    lines = [f"{len(items)} questions (set {fingerprint(items)}), holdout share {holdout_share(items):.2f}", ""]
    for title, key in (
        ("split", lambda i: i.split),
        ("topic", lambda i: i.topic),
        ("style", lambda i: i.style),
        ("wording", lambda i: "real" if i.real else "written"),
    ):
        lines += [format_table(title, table(pairs, key)), ""]
    if latencies:
        lines.append(
            f"reply latency: p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms"
        )
    for item, outcome, reply in [r for r in results if r[1] != "correct"][:misses]:
        lines += [
            "",
            f"[{outcome}] {item.id} ({item.split}, {item.topic}, {item.style}) {item.question}",
            f"  must: {' / '.join('|'.join(a) for a in item.must)}",
            "  reply: " + reply.replace("\n", " ")[:500],
        ]
    return "\n".join(lines)


def holdout_share(items: list[Item]) -> float:
    return sum(i.split == "holdout" for i in items) / len(items) if items else 0.0


def table(results: list[tuple[Item, str]], key) -> dict[str, Counter]:
    """Outcome counts grouped by ``key(item)``, plus an "all" row."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for item, outcome in results:
        rows[key(item)][outcome] += 1
        rows["all"][outcome] += 1
    return dict(rows)


def share(counts: Counter, outcome: str = "correct") -> float:
    total = sum(counts.values())
    return counts[outcome] / total if total else 0.0


def format_table(title: str, rows: dict[str, Counter]) -> str:
    """A plain-text table: one row per group, counts per outcome and the correct share."""
    header = f"{title:<16}" + "".join(f"{o:>10}" for o in OUTCOMES) + f"{'n':>6}{'correct%':>10}"
    lines = [header, "-" * len(header)]
    for name in sorted(rows, key=lambda n: (n == "all", n)):
        counts = rows[name]
        lines.append(
            f"{name:<16}"
            + "".join(f"{counts[o]:>10}" for o in OUTCOMES)
            + f"{sum(counts.values()):>6}{100 * share(counts):>9.1f}%"
        )
    return "\n".join(lines)


def fingerprint(items: list[Item]) -> str:
    """Hash of the questions and their splits: changes when an item is edited or moved between splits."""
    payload = "\n".join(f"{i.id}\t{i.split}\t{i.question}" for i in sorted(items, key=lambda i: i.id))
    return hashlib.sha256(payload.encode()).hexdigest()[:12]
