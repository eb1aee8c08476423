"""Where a Rasa turn's time goes, and what a turn costs, for one or more variants measured side by side.

    .venvs/app/bin/python scripts/bench_turn.py [--variant NAME=MODEL[,KEY=VALUE...]]... [--rounds 5]
        [--turns 20] [--concurrency 8] [--profile SECONDS]

Each variant is a trained model plus environment settings (e.g. `TF_INTRA_OP_PARALLELISM_THREADS=1`); without
--variant the current model (`scripts/model_path.sh`) runs with the stack's own settings. Every variant gets its
own action server and Rasa server (temporary data folder, loopback ports), all started before measuring; then the
rounds alternate between variants so a busy machine slows all of them alike. Printed per variant:
- model load time (Rasa start → `/status` ready);
- one conversation at a time through Rasa's REST channel: p50/p95 over rounds × turns;
- `--concurrency C`: C conversations at once without think time (closed loop): turns/s and p50/p95;
- `--profile S`: py-spy samples the Rasa and action server processes for S seconds of one-at-a-time turns
  (the thread holding the GIL: Python CPU time), and the samples are grouped by stage (NLU component, policy,
  tracker store, action call, HTTP server); the raw stacks stay in results/profiles/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_rasa import CONVERSATION  # noqa: E402  (the same producer conversation)
from stack.services import Service, StackConfig, action_service, free_port, rasa_service  # noqa: E402

# Stages by source file, matched from the innermost frame outwards (the first frame in one of these files names
# the stage of a sample). Order matters only within one frame's path.
STAGES = [
    ("rasa_components/vietnamese_tokenizer", "NLU: tokenizer (ours)"),
    ("rasa_components/question_guard", "NLU: question guard (ours)"),
    ("nlu/featurizers/sparse_featurizer/count_vectors", "NLU: CountVectorsFeaturizer"),
    ("nlu/featurizers/sparse_featurizer/lexical_syntactic", "NLU: LexicalSyntacticFeaturizer"),
    ("nlu/featurizers/sparse_featurizer/regex", "NLU: RegexFeaturizer"),
    ("nlu/classifiers/diet_classifier", "NLU: DIETClassifier"),
    ("nlu/classifiers/fallback_classifier", "NLU: FallbackClassifier"),
    ("nlu/extractors/entity_synonyms", "NLU: EntitySynonymMapper"),
    ("core/policies/ted_policy", "policy: TEDPolicy"),
    ("core/policies/rule_policy", "policy: RulePolicy"),
    ("core/policies/memoization", "policy: MemoizationPolicy"),
    ("core/policies/ensemble", "policy: ensemble"),
    ("core/featurizers", "policy: tracker featurization"),
    ("core/tracker_store", "tracker store"),
    ("core/lock_store", "lock store"),
    ("core/actions/forms", "action: form"),
    ("utils/endpoints", "action server call (HTTP)"),
    ("core/actions/action", "action server call (HTTP)"),
    ("engine/runner", "graph runner"),
    ("shared/core/trackers", "tracker events"),
    ("shared/core/events", "tracker events"),
    ("core/processor", "message processor"),
    ("core/channels", "REST channel"),
    ("sanic", "HTTP server (Sanic)"),
    # action server
    ("knowledge_base/retrieval", "actions: retrieval"),
    ("knowledge_base/answer", "actions: answer shaping"),
    ("knowledge_base/product_answers", "actions: answer shaping"),
    ("knowledge_base/question_kind", "actions: answer shaping"),
    ("actions/feedback", "actions: answer log"),
    ("rasa_sdk/executor", "actions: rasa-sdk"),
    ("rasa_sdk/endpoint", "actions: rasa-sdk"),
    ("rasa_sdk/forms", "actions: forms"),
    ("actions/", "actions: our actions"),
]


def stage_of(stack: str) -> str:
    """The stage of one collapsed py-spy stack ("f (file:line);g (file:line)", outermost first)."""
    for frame in reversed(stack.split(";")):
        for needle, stage in STAGES:
            if needle in frame:
                return stage
    return "other (asyncio, logging, imports)"


def group_samples(collapsed: str) -> Counter:
    """Samples per stage from py-spy's raw (collapsed) output: one "stack count" per line."""
    stages: Counter = Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stages[stage_of(stack)] += int(count)
    return stages


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


@dataclass
class Variant:
    name: str
    model: Path
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)
    url: str = ""
    load_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)


def parse_variant(spec: str) -> Variant:
    name, _, rest = spec.partition("=")
    model, *pairs = rest.split(",")
    env = dict(pair.split("=", 1) for pair in pairs if pair)
    return Variant(name, Path(model).resolve(), env)


def start(variant: Variant, data_dir: Path) -> None:
    config = StackConfig(model=variant.model, data_dir=data_dir, extra_env=variant.env)
    action_port, rasa_port = free_port(), free_port()
    actions = action_service(config, action_port, name=f"actions-{variant.name}")
    rasa = rasa_service(config, rasa_port, f"http://127.0.0.1:{action_port}", name=f"rasa-{variant.name}")
    variant.services = [actions, rasa]
    actions.start()
    actions.wait_ready(180)
    began = time.perf_counter()
    rasa.start()
    rasa.wait_ready(600)
    variant.load_seconds = time.perf_counter() - began
    variant.url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"


def turn(client: httpx.Client, variant: Variant, sender: str, text: str) -> float:
    began = time.perf_counter()
    response = client.post(variant.url, json={"sender": sender, "message": text})
    response.raise_for_status()
    if not response.json():
        raise RuntimeError(f"{variant.name}: no reply to {text!r}")
    return 1000 * (time.perf_counter() - began)


async def closed_loop(variant: Variant, users: int, turns: int) -> tuple[float, list[float]]:
    """`users` conversations at once, each sending `turns` messages back to back: (turns/s, latencies ms)."""
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=users)) as client:

        async def user(u: int) -> None:
            for t in range(turns):
                began = time.perf_counter()
                message = {"sender": f"load-{u}", "message": CONVERSATION[(u + t) % len(CONVERSATION)]}
                response = await client.post(variant.url, json=message)
                response.raise_for_status()
                latencies.append(1000 * (time.perf_counter() - began))

        began = time.perf_counter()
        await asyncio.gather(*(user(u) for u in range(users)))
        return len(latencies) / (time.perf_counter() - began), latencies


def profile(variant: Variant, seconds: float, out: Path) -> None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    rasa, actions = variant.services[1], variant.services[0]
    recorders = []
    for service, label in ((rasa, "rasa"), (actions, "actions")):
        path = out / f"{variant.name}-{label}.txt"
        pid = service.process.pid
        recorders.append(
            (
                label,
                path,
                subprocess.Popen(
                    # --gil: only the thread holding the GIL is sampled, so waiting on I/O is not counted;
                    # --subprocesses: any worker process a server starts is sampled too
                    [py_spy, "record", "--pid", str(pid), "--subprocesses", "--gil", "--rate", "250", "--format", "raw"]
                    + ["--duration", str(int(seconds)), "--output", str(path), "--nonblocking"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
            )
        )
    time.sleep(1.0)
    turns = 0
    with httpx.Client(timeout=60) as client:
        began = time.perf_counter()
        while time.perf_counter() - began < seconds - 1.5:
            # A new conversation every 10 turns, as in the timed rounds (a tracker's cost grows with its length).
            turn(client, variant, f"profile-{turns // 10}", CONVERSATION[turns % len(CONVERSATION)])
            turns += 1
    for label, path, recorder in recorders:
        recorder.wait(timeout=seconds + 60)
        stages = group_samples(path.read_text() if path.exists() else "")
        total = sum(stages.values()) or 1
        print(f"\n  py-spy, {variant.name}, {label} process: {total} samples at 250 Hz over {turns} turns ({path})")
        for stage, count in stages.most_common():
            print(f"    {stage:40s} {100 * count / total:5.1f} %   {1000 * count / 250 / turns:6.1f} ms/turn")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", default=[], help="NAME=MODEL[,KEY=VALUE...]")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--turns", type=int, default=20, help="one-at-a-time turns per round and variant")
    parser.add_argument("--concurrency", type=int, default=0, help="also measure this many conversations at once")
    parser.add_argument("--profile", type=float, default=0, help="py-spy for this many seconds per variant")
    args = parser.parse_args()
    if not args.variant:
        model = subprocess.run([str(ROOT / "scripts/model_path.sh")], capture_output=True, text=True, check=True)
        args.variant = [f"current={ROOT / model.stdout.strip()}"]
    variants = [parse_variant(spec) for spec in args.variant]
    print(f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for variant in variants:
                data_dir = Path(tmp) / variant.name
                data_dir.mkdir()
                start(variant, data_dir)
                print(f"{variant.name}: model load {variant.load_seconds:.1f} s ({variant.model.name}, {variant.env})")
            with httpx.Client(timeout=60) as client:
                for variant in variants:  # warm-up: the first turns load lazily built parts
                    for text in CONVERSATION:
                        turn(client, variant, "warm-up", text)
                for r in range(args.rounds):
                    for variant in variants:
                        for t in range(args.turns):
                            sender = f"seq-{r}"
                            variant.latencies.append(turn(client, variant, sender, CONVERSATION[t % len(CONVERSATION)]))
            print(f"\nOne conversation at a time, {args.rounds} rounds × {args.turns} turns, alternating variants:")
            for variant in variants:
                lat = variant.latencies
                print(
                    f"  {variant.name:24s} p50 {statistics.median(lat):6.1f} ms   p95 {percentile(lat, 0.95):6.1f} ms"
                )
            if args.concurrency:
                print(f"\n{args.concurrency} conversations at once, 10 turns each, no think time:")
                for variant in variants:
                    rate, lat = asyncio.run(closed_loop(variant, args.concurrency, 10))
                    print(
                        f"  {variant.name:24s} {rate:5.1f} turns/s   p50 {statistics.median(lat):6.0f} ms"
                        f"   p95 {percentile(lat, 0.95):6.0f} ms"
                    )
            if args.profile:
                out = ROOT / "results" / "profiles"
                out.mkdir(parents=True, exist_ok=True)
                for variant in variants:
                    profile(variant, args.profile, out)
        finally:
            for variant in variants:
                for service in reversed(variant.services):
                    service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
