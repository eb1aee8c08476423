"""Rasa training data is valid, and NLU test data is written separately from the training data."""

import re

import yaml

from knowledge_base.textnorm import normalize_folded
from knowledge_base.topics import REGISTRY
from stack.services import ROOT
from tests.rasa.nlu_data import nlu_examples, strip_annotations
from tests.rasa.rasa_cli import run_rasa

# The content intents (topic registry), the two form starters, handoff and out_of_scope: 30 examples at least.
CORE_INTENTS = [*REGISTRY.intents(), "start_self_assessment", "check_eligibility", "human_handoff", "out_of_scope"]


def form_ask_responses() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {f"utter_ask_{slot}" for form in domain["forms"].values() for slot in form["required_slots"]}


def test_rasa_data_validate_is_clean():
    result = run_rasa("data", "validate", "--config", "config.yml", "--domain", "domain.yml", "--data", "data")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = re.findall(r"UserWarning: (.*)", output)
    # Rasa 3.6's validator reports a form's utter_ask_<slot> responses, and the utter_default that
    # action_default_fallback (the core fallback of config.yml) utters, as unused although they are used;
    # every other warning fails the test.
    used_elsewhere = form_ask_responses() | {"utter_default"}
    unexpected = [
        w for w in warnings if not any(f"'{name}' is not used in any story or rule" in w for name in used_elsewhere)
    ]
    assert unexpected == [], unexpected


def test_every_core_intent_has_at_least_30_training_examples():
    examples = nlu_examples(ROOT / "data" / "nlu")
    counts = {intent: len(examples.get(intent, [])) for intent in CORE_INTENTS}
    assert all(count >= 30 for count in counts.values()), counts


def test_every_domain_intent_is_trained_and_tested():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    trained = nlu_examples(ROOT / "data" / "nlu")
    tested = nlu_examples(ROOT / "tests" / "nlu")
    assert set(domain["intents"]) == set(trained)
    assert set(domain["intents"]) <= set(tested)


def test_no_test_sentence_appears_in_training_data():
    train = {normalize_folded(strip_annotations(t)) for ts in nlu_examples(ROOT / "data" / "nlu").values() for t in ts}
    overlap = [
        t
        for ts in nlu_examples(ROOT / "tests" / "nlu").values()
        for t in ts
        if normalize_folded(strip_annotations(t)) in train
    ]
    assert overlap == []
