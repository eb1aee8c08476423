"""Load benchmark of the scale-out shape: conversations through nginx with 1 and with 2 instances of each process.

    .venvs/app/bin/python scripts/bench_scale.py [--levels 2,4,8] [--conversations 12] [--model M]

Starts a private PostgreSQL, Redis and nginx (tests/scale/servers.py), then for 1 and 2 instances of
every process (gateway, Rasa, actions; tests/scale/cluster.py) drives concurrent web-chat
conversations through nginx: each is a multi-turn mix of questions and a self-assessment form run.
At every concurrency level it runs a bounded number of conversations and reports throughput
(turns/s), p50/p95 latency, errors (non-200 answers or the apology Rasa-down reply) and whether every
turn is in the Rasa tracker afterwards. The best throughput with p95 <= 500 ms is compared between the
two shapes; the CPU seconds each kind of process used show where the bottleneck sits.
Bounded: every request times out after 60 s and each level stops after --level-timeout seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.conversation import unavailable_reply  # noqa: E402
from tests.scale import servers  # noqa: E402
from tests.scale.cluster import RASA_TOKEN, Cluster  # noqa: E402

TURNS = [
    "xin chào",
    "hồ sơ đăng ký OCOP gồm những gì",
    "/start_self_assessment",
    "mat ong rung",
    "4",
    "3",
    "giấy chứng nhận ocop có giá trị bao lâu",
    "dừng lại",
]
APOLOGY = unavailable_reply().split(";")[0]
P95_TARGET_MS = 500.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process and its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Sanic serves the actions from a worker process)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children(current)
    return found


def cpu_by_kind(cluster: Cluster, postgres: servers.Server) -> dict[str, float]:
    usage = {
        kind: sum(cpu_seconds(pid) for service in services for pid in tree(service.process.pid))
        for kind, services in cluster.services.items()
    }
    usage["postgres"] = sum(cpu_seconds(pid) for pid in tree(postgres.process.pid))
    return usage


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def conversation(gateway: str, sender: str) -> tuple[list[float], int]:
    """One conversation; latencies in ms and the number of failed turns."""
    latencies, errors = [], 0
    with httpx.Client(timeout=60) as client:
        for text in TURNS:
            started = time.perf_counter()
            try:
                response = client.post(f"{gateway}/api/chat", json={"sender": sender, "message": text})
                ok = response.status_code == 200 and APOLOGY not in response.text
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok
    return latencies, errors


def turns_in_tracker(cluster: Cluster, senders: list[str]) -> bool:
    for sender in senders:
        response = httpx.get(
            f"{cluster.urls['rasa']}/conversations/web:{sender}/tracker", params={"token": RASA_TOKEN}, timeout=30
        )
        users = [e for e in response.json().get("events", []) if e.get("event") == "user"]
        if len(users) != len(TURNS):
            return False
    return True


def run_level(cluster: Cluster, postgres: servers.Server, concurrency: int, count: int, limit: float) -> dict:
    senders = [uuid.uuid4().hex[:20] for _ in range(count)]
    cpu_before = cpu_by_kind(cluster, postgres)
    started = time.perf_counter()
    latencies, errors = [], 0
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(conversation, cluster.urls["gateway"], sender) for sender in senders]
        for future in futures:
            part, failed = future.result(timeout=limit)
            latencies += part
            errors += failed
    elapsed = time.perf_counter() - started
    cpu_after = cpu_by_kind(cluster, postgres)
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "turns": len(latencies),
        "throughput": len(latencies) / elapsed,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)],
        "errors": errors,
        "in_tracker": turns_in_tracker(cluster, senders),
        "cpu": {kind: cpu_after[kind] - cpu_before[kind] for kind in cpu_after},
        "seconds": elapsed,
    }


def model_path(given: str | None) -> Path:
    if given:
        return Path(given).resolve()
    relative = subprocess.run(
        [str(ROOT / "scripts" / "model_path.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    return ROOT / relative


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="2,4,8", help="concurrent conversations to try")
    parser.add_argument("--conversations", type=int, default=12, help="conversations per level")
    parser.add_argument("--level-timeout", type=float, default=300.0)
    parser.add_argument("--model")
    args = parser.parse_args(argv)
    missing = servers.missing()
    if missing:
        print(f"not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    model = model_path(args.model)
    levels = [int(level) for level in args.levels.split(",")]
    postgres = servers.start_postgres()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-scale-"))
    redis = servers.start_redis(work / "redis")
    best, peak = {}, {}
    try:
        for instances in (1, 2):
            database = f"bench_{instances}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(postgres.url, autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {database}")
            url = postgres.url.rsplit("/", 1)[0] + f"/{database}"
            print(f"\n== {instances} instance(s) of each process: starting ...", flush=True)
            with Cluster(model, work / f"x{instances}", url, redis.url, instances=instances) as cluster:
                conversation(cluster.urls["gateway"], "warmup" + uuid.uuid4().hex[:10])
                print(
                    "| conversations at once | turns | turns/s | p50 ms | p95 ms | errors | all turns in tracker "
                    "| CPU s: gateway / Rasa / actions / PostgreSQL |"
                )
                print("|---|---|---|---|---|---|---|---|")
                for level in levels:
                    result = run_level(cluster, postgres, level, max(args.conversations, level), args.level_timeout)
                    cpu = result["cpu"]
                    print(
                        f"| {level} | {result['turns']} | {result['throughput']:.1f} | {result['p50']:.0f} | "
                        f"{result['p95']:.0f} | {result['errors']} | {'yes' if result['in_tracker'] else 'NO'} | "
                        f"{cpu['gateway']:.1f} / {cpu['rasa']:.1f} / {cpu['actions']:.1f} / "
                        f"{cpu['postgres']:.1f} |",
                        flush=True,
                    )
                    peak[instances] = max(peak.get(instances, 0.0), result["throughput"])
                    if result["p95"] <= P95_TARGET_MS and result["errors"] == 0:
                        best[instances] = max(best.get(instances, 0.0), result["throughput"])
                    per_turn = {kind: 1000 * seconds / result["turns"] for kind, seconds in cpu.items()}
                    print("  CPU ms per turn: " + ", ".join(f"{k} {v:.0f}" for k, v in per_turn.items()), flush=True)
                memory = {
                    kind: max(sum(rss_mib(pid) for pid in tree(s.process.pid)) for s in services)
                    for kind, services in cluster.services.items()
                }
                print("  largest RSS per process (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
        one, two = best.get(1), best.get(2)
        print(
            f"\nBest throughput with p95 <= {P95_TARGET_MS:.0f} ms and no error: "
            f"1 instance {one or 0:.1f} turns/s, 2 instances {two or 0:.1f} turns/s"
            + (f", ratio {two / one:.2f}" if one and two else "")
        )
        print(
            f"Peak throughput at any latency: 1 instance {peak.get(1, 0):.1f} turns/s, "
            f"2 instances {peak.get(2, 0):.1f} turns/s"
            + (f", ratio {peak[2] / peak[1]:.2f}" if peak.get(1) and peak.get(2) else "")
        )
    finally:
        redis.stop()
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
