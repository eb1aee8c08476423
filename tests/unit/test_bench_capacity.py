"""The statistics of scripts/bench_capacity.py: percentiles, and which step counts as throughput at p95."""

from __future__ import annotations

import argparse
import math

import pytest

from scripts.bench_capacity import Step, parse_range, parse_users, percentile, throughput_within


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([0.3], 95) == 0.3
    assert math.isnan(percentile([], 50))


def step(users: int, seconds: float, latency: float, turns: int, busy: int = 0, errors: int = 0) -> Step:
    return Step(users, seconds, [latency] * turns, [0.01] * busy, errors=errors)


def test_throughput_is_the_busiest_step_within_the_p95_that_answered_its_turns():
    steps = [
        step(1, 10, 0.12, 40),
        step(10, 10, 0.20, 150),
        step(20, 10, 0.45, 240),
        step(30, 10, 0.90, 300),  # more turns, but p95 over the target
        step(40, 10, 0.40, 320, busy=200),  # fast only because most were refused: not sustained
    ]
    best = throughput_within(steps, 500)
    assert best is steps[2] and best.turns_per_second() == 24.0
    assert throughput_within(steps[3:4], 500) is None


def test_a_few_refusals_still_count_as_sustained():
    assert throughput_within([step(20, 10, 0.3, 199, errors=1)], 500) is not None
    assert throughput_within([step(20, 10, 0.3, 190, busy=10)], 500) is None


def test_bounded_arguments():
    assert parse_users("1,10,40") == [1, 10, 40]
    assert parse_range("0.2-1") == (0.2, 1.0)
    for bad in ("0,10", "1,1000", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_users(bad)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_range("2-1")
