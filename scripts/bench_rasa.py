"""Benchmark the Rasa side: setup, training, model load, NLU quality and REST reply latency.

Usage (from the repo root, after `make train`):
    .venvs/app/bin/python scripts/bench_rasa.py [--fresh-setup] [--train] [--messages 40]

--fresh-setup  time `scripts/setup_envs.sh` into an empty temporary venv folder (slow: minutes)
--train        time a full `rasa train` into a temporary folder (the cached model is not touched)
Always: model load time (start of `rasa run` until /status answers), NLU accuracy and macro-F1 on
tests/nlu (overall and without diacritics/with abbreviations), and the median/p95 latency of the
REST channel over one conversation, with the real action server behind it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.services import Service, StackConfig, build_services, free_port, quiet_env  # noqa: E402
from tests.rasa.nlu_metrics import load_predictions, scores  # noqa: E402
from tests.rasa.test_nlu_quality import NODIACRITICS_FILE, texts_of  # noqa: E402

CONVERSATION = [
    "xin chào",
    "ocop la gi",
    "hồ sơ đăng ký OCOP gồm những gì?",
    "hs dky gui o dau",
    "quy trinh danh gia mat bao lau",
    "san pham 4 sao can bao nhieu diem",
    "giấy chứng nhận có hiệu lực mấy năm",
    "htx co duoc tham gia ko",
    "mật ong rừng thuộc nhóm nào",
    "cảm ơn",
]


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **quiet_env(), **(env or {})},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def model_path() -> Path:
    return (
        ROOT
        / subprocess.run(
            [str(ROOT / "scripts" / "model_path.sh")], capture_output=True, text=True, check=True
        ).stdout.strip()
    )


def nlu_quality(model: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(ROOT / ".venvs/rasa/bin/rasa"),
                "test",
                "nlu",
                "--nlu",
                "tests/nlu",
                "--model",
                str(model),
                "--out",
                out,
                "--successes",
                "--no-plot",
            ],
            cwd=ROOT,
            env={**os.environ, **quiet_env()},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        rows = load_predictions(Path(out))
    subset_texts = texts_of(NODIACRITICS_FILE)
    subset = [r for r in rows if unicodedata.normalize("NFC", r["text"]) in subset_texts]
    for name, part in (("all test data", rows), ("no diacritics / abbreviations", subset)):
        result = scores(part)
        print(
            f"NLU {name:32s} n={result['n']:4d}  accuracy={result['accuracy']:.3f}  macro-F1={result['macro_f1']:.3f}"
        )


def rest_latency(model: Path, messages: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        config = StackConfig(
            model=model,
            data_dir=Path(data_dir),
            rasa_port=free_port(),
            action_port=free_port(),
            gateway_port=free_port(),
        )
        actions, rasa, _gateway = build_services(config)
        services: list[Service] = [actions, rasa]
        try:
            actions.start()
            actions.wait_ready(120)
            start = time.perf_counter()
            rasa.start()
            rasa.wait_ready(300)
            print(f"Model load time (rasa run -> /status ready): {time.perf_counter() - start:.1f} s")
            latencies = []
            with httpx.Client(timeout=60) as client:
                # The first message warms the action server's retriever; it is reported separately.
                start = time.perf_counter()
                client.post(f"{config.rasa_url}/webhooks/rest/webhook", json={"sender": "bench", "message": "xin chào"})
                print(f"First reply (cold): {1000 * (time.perf_counter() - start):.0f} ms")
                for i in range(messages):
                    text = CONVERSATION[i % len(CONVERSATION)]
                    start = time.perf_counter()
                    response = client.post(
                        f"{config.rasa_url}/webhooks/rest/webhook", json={"sender": "bench", "message": text}
                    )
                    response.raise_for_status()
                    latencies.append(1000 * (time.perf_counter() - start))
            latencies.sort()
            p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
            print(
                f"REST reply latency over {messages} messages, one conversation: "
                f"median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms"
            )
        finally:
            for service in reversed(services):
                service.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-setup", action="store_true")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args()
    if args.fresh_setup:
        with tempfile.TemporaryDirectory() as venvs:
            seconds = timed([str(ROOT / "scripts" / "setup_envs.sh")], env={"OCOP_VENVS_DIR": venvs})
            print(f"Fresh setup of both environments: {seconds:.0f} s")
    if args.train:
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
            # An empty cache directory: otherwise Rasa restores trained components from .rasa/cache.
            seconds = timed(
                [str(ROOT / ".venvs/rasa/bin/rasa"), "train", "--out", out], env={"RASA_CACHE_DIRECTORY": cache}
            )
            print(f"Rasa training (NLU + dialogue, from scratch): {seconds:.0f} s")
    model = model_path()
    nlu_quality(model)
    rest_latency(model, args.messages)


if __name__ == "__main__":
    main()
