"""Intent accuracy and macro-F1 from `rasa test nlu --successes` output, overall and per test file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def load_predictions(out_dir: Path) -> list[dict]:
    """(text, gold intent, predicted intent) for every test example, successes and errors alike."""
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out_dir / name
        if path.exists():
            for item in json.loads(path.read_text(encoding="utf-8")):
                rows.append(
                    {
                        "text": item["text"],
                        "gold": item["intent"],
                        "predicted": (item.get("intent_prediction") or {}).get("name"),
                    }
                )
    return rows


def scores(rows: list[dict]) -> dict[str, float]:
    """Accuracy and macro-F1 over the gold intents present in ``rows``."""
    if not rows:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0}
    tp, fp, fn = Counter(), Counter(), Counter()
    for row in rows:
        if row["gold"] == row["predicted"]:
            tp[row["gold"]] += 1
        else:
            fn[row["gold"]] += 1
            fp[row["predicted"]] += 1
    f1s = []
    for intent in {row["gold"] for row in rows}:
        precision = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0.0
        recall = tp[intent] / (tp[intent] + fn[intent]) if tp[intent] + fn[intent] else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {
        "n": len(rows),
        "accuracy": sum(tp.values()) / len(rows),
        "macro_f1": sum(f1s) / len(f1s),
    }
