"""NLU quality on test data written separately from the training data (`rasa test nlu`).

Floors are recorded in docs/benchmarks.md; the suite fails when intent accuracy drops below them.
"""

import unicodedata
from pathlib import Path

import pytest

from stack.services import ROOT
from tests.rasa.nlu_data import nlu_examples, strip_annotations
from tests.rasa.nlu_metrics import load_predictions, scores
from tests.rasa.rasa_cli import run_rasa

# Measured 0.938 / 0.938 overall and 0.928 / 0.928 without diacritics (docs/benchmarks.md); the floors
# leave room for run-to-run variation of DIET training, not for regressions.
FLOORS = {
    "all": {"accuracy": 0.90, "macro_f1": 0.90},
    "nodiacritics": {"accuracy": 0.88, "macro_f1": 0.88},
}
NODIACRITICS_FILE = ROOT / "tests" / "nlu" / "test_nlu_nodiacritics.yml"


def texts_of(path: Path) -> set[str]:
    """The plain (NFC) texts of a test file, as `rasa test nlu` reports them."""
    return {
        unicodedata.normalize("NFC", strip_annotations(text).strip())
        for texts in nlu_examples(path).values()
        for text in texts
    }


@pytest.fixture(scope="module")
def predictions(model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu-results")
    result = run_rasa(
        "test", "nlu", "--nlu", "tests/nlu", "--model", str(model_path), "--out", str(out), "--successes", "--no-plot"
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    rows = load_predictions(out)
    assert rows, "rasa test nlu produced no predictions"
    return rows


def test_intent_accuracy_overall_is_above_the_floor(predictions):
    result = scores(predictions)
    print("NLU overall:", result)
    assert result["accuracy"] >= FLOORS["all"]["accuracy"], result
    assert result["macro_f1"] >= FLOORS["all"]["macro_f1"], result


def test_intent_accuracy_without_diacritics_and_with_abbreviations_is_above_the_floor(predictions):
    subset_texts = texts_of(NODIACRITICS_FILE)
    subset = [row for row in predictions if unicodedata.normalize("NFC", row["text"]) in subset_texts]
    assert len(subset) >= 0.8 * len(subset_texts), "subset examples missing from rasa's output"
    result = scores(subset)
    print("NLU no-diacritics/abbreviations:", result)
    assert result["accuracy"] >= FLOORS["nodiacritics"]["accuracy"], result
    assert result["macro_f1"] >= FLOORS["nodiacritics"]["macro_f1"], result
