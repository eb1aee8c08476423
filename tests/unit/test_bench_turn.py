"""The profile grouping of scripts/bench_turn.py: a py-spy sample is charged to the innermost known stage."""

from __future__ import annotations

from scripts.bench_turn import group_samples, parse_variant, stage_of

SITE = "/venv/lib/python3.10/site-packages/rasa"


def frame(function: str, path: str, line: int = 1) -> str:
    return f"{function} ({path}:{line})"


def test_innermost_known_frame_names_the_stage():
    # Sanic → processor → graph runner → TED → TensorFlow: the time is TED's, not the runner's.
    stack = ";".join(
        [
            frame("handle_request", "/venv/lib/python3.10/site-packages/sanic/app.py"),
            frame("handle_message", f"{SITE}/core/processor.py"),
            frame("run", f"{SITE}/engine/runner/dask.py"),
            frame("predict_action_probabilities", f"{SITE}/core/policies/ted_policy.py"),
            frame("__call__", "/venv/lib/python3.10/site-packages/keras/engine/base_layer.py"),
        ]
    )
    assert stage_of(stack) == "policy: TEDPolicy"


def test_tracker_store_and_action_call_are_told_apart():
    store = ";".join(
        [frame("handle_message", f"{SITE}/core/processor.py"), frame("retrieve", f"{SITE}/core/tracker_store.py")]
    )
    call = ";".join(
        [frame("run", f"{SITE}/core/actions/action.py"), frame("_request", "/venv/site-packages/aiohttp/client.py")]
    )
    assert stage_of(store) == "tracker store"
    assert stage_of(call) == "action server call (HTTP)"
    assert stage_of(frame("select", "/usr/lib/python3.10/selectors.py")).startswith("other")


def test_collapsed_lines_are_summed_per_stage():
    ours = frame("process", "/repo/rasa_components/vietnamese_tokenizer.py")
    diet = frame("process", f"{SITE}/nlu/classifiers/diet_classifier.py")
    collapsed = f"{ours} 3\n{diet} 5\n{diet};{frame('x', '/venv/numpy/core.py')} 2\nnot a sample line\n"
    assert group_samples(collapsed) == {"NLU: tokenizer (ours)": 3, "NLU: DIETClassifier": 7}


def test_variant_spec_names_model_and_environment():
    variant = parse_variant("one-thread=models/m.tar.gz,TF_INTRA_OP_PARALLELISM_THREADS=1,OCOP_X=a=b")
    assert variant.name == "one-thread"
    assert variant.model.name == "m.tar.gz"
    assert variant.env == {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "OCOP_X": "a=b"}
