"""Dialogue: `rasa test core` on the test stories (every intent and every form path) must pass."""

from tests.rasa.rasa_cli import run_rasa


def test_test_stories_pass_without_prediction_errors(model_path, tmp_path):
    result = run_rasa(
        "test",
        "core",
        "--stories",
        "tests/stories",
        "--model",
        str(model_path),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8")[-4000:] if failed.exists() else ""
    assert result.returncode == 0, details or (result.stdout + result.stderr)[-4000:]
