"""The topic registry (knowledge_base/topics.yml) and the Rasa data agree, so no content intent is lost.

A content intent missing from domain.yml is never predicted; missing from a not_intent list, its questions are
swallowed as a form answer; missing from an "or:" list of data/rules/, it is not answered (or, in a form, the
form stops). ``disagreements`` reads the files of a project root, so the same check runs on mutated copies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge_base import topics
from knowledge_base.retrieval.chunks import chunk_documents
from knowledge_base.retrieval.documents import load_documents

ROOT = Path(__file__).resolve().parents[2]
ANSWER = "action_answer_question"


def _answer_lists(rule: dict) -> list[set[str]]:
    """The intents of each "or:" step that leads to action_answer_question in one rule."""
    steps = rule.get("steps", [])
    return [
        {item["intent"] for item in step["or"]}
        for step, following in zip(steps, steps[1:])
        if "or" in step and following.get("action") == ANSWER
    ]


def _active_loop(rule: dict) -> str | None:
    return next((c["active_loop"] for c in rule.get("condition", []) if "active_loop" in c), None)


def disagreements(root: Path, registry_file: Path) -> list[str]:
    """Every place where domain.yml or data/rules/ disagree with the registry, as readable lines."""
    registry = topics.load(registry_file)
    content = set(registry.intents())
    not_intent = content | set(registry.form_interrupts)
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    found = []

    intents = set(domain["intents"])
    if missing := content - intents:
        found.append(f"domain.yml intents lack {sorted(missing)}")
    follow_targets = {intent for t in registry.topics for _, intent in t.follow_ups}
    if unknown := (follow_targets | set(registry.form_interrupts)) - intents:
        found.append(f"registry names intents domain.yml does not have: {sorted(unknown)}")

    for slot, spec in domain["slots"].items():
        for mapping in spec.get("mappings", []):
            if mapping.get("type") != "from_text":
                continue
            listed = set(mapping.get("not_intent", []))
            if listed != not_intent:
                found.append(
                    f"not_intent of slot {slot}: lacks {sorted(not_intent - listed)}, extra {sorted(listed - not_intent)}"
                )

    # knowledge.yml answers outside a form; each form has a rule answering a side question and continuing.
    lists: dict[str | None, list[set[str]]] = {}
    for path in sorted((root / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            for listed in _answer_lists(rule):
                lists.setdefault(_active_loop(rule), []).append(listed)
                if listed != content:
                    found.append(
                        f"{path.name} rule {rule['rule']!r}: lacks {sorted(content - listed)}, "
                        f"extra {sorted(listed - content)}"
                    )
    for loop in [None, *domain.get("forms", {})]:
        if loop not in lists:
            found.append(f"data/rules/ has no rule answering content questions with active_loop {loop}")
    return found


def test_domain_and_rules_agree_with_the_registry():
    assert disagreements(ROOT, topics.TOPICS_FILE) == []


def test_registry_names_each_intent_and_topic_once_with_a_question_and_follow_ups():
    registry = topics.REGISTRY
    assert len(set(registry.intents())) == len(registry.topics)
    assert len(set(registry.intent_topics().values())) == len(registry.topics)
    for entry in registry.topics:
        assert entry.question.endswith("?"), entry.intent
        assert entry.follow_ups and all(intent != entry.intent for _, intent in entry.follow_ups), entry.intent


def test_every_document_topic_is_a_registry_topic():
    known = set(topics.REGISTRY.intent_topics().values())
    chunks = chunk_documents(load_documents(ROOT / "knowledge_base" / "documents"))
    used = {t for chunk in chunks for t in chunk.topics}
    assert used <= known, used - known


def _edit_yaml(path: Path, edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _drop_domain_intent(root):
    _edit_yaml(root / "domain.yml", lambda d: d["intents"].remove("ask_dossier"))


def _drop_from_one_not_intent(root):
    _edit_yaml(
        root / "domain.yml", lambda d: d["slots"]["sa_answer"]["mappings"][1]["not_intent"].remove("ask_legal_basis")
    )


def _drop_interrupt_from_one_not_intent(root):
    _edit_yaml(root / "domain.yml", lambda d: d["slots"]["legal_form"]["mappings"][1]["not_intent"].remove("stop"))


def _drop_from_knowledge_rule(root):
    _edit_yaml(root / "data/rules/knowledge.yml", lambda d: d["rules"][0]["steps"][0]["or"].pop())


def _drop_form_side_question_rule(root):
    _edit_yaml(root / "data/rules/self_assessment.yml", lambda d: d["rules"].pop(2))


def _new_intent_only_in_registry(root):
    def add(data):
        data["content_intents"].append(
            {
                "intent": "ask_export",
                "topic": "xuat_khau",
                "covers": "export",
                "question": "Sản phẩm OCOP xuất khẩu thế nào?",
                "follow_ups": [["Hồ sơ gồm những gì?", "ask_dossier"]],
            }
        )

    _edit_yaml(root / "topics.yml", add)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (_drop_domain_intent, "domain.yml intents lack ['ask_dossier']"),
        (_drop_from_one_not_intent, "not_intent of slot sa_answer: lacks ['ask_legal_basis']"),
        (_drop_interrupt_from_one_not_intent, "not_intent of slot legal_form: lacks ['stop']"),
        (_drop_from_knowledge_rule, "knowledge.yml rule 'answer a content question from the knowledge base': lacks"),
        (_drop_form_side_question_rule, "no rule answering content questions with active_loop self_assessment_form"),
        (_new_intent_only_in_registry, "not_intent of slot eligibility_product: lacks ['ask_export']"),
    ],
)
def test_a_disagreement_is_reported(tmp_path, mutate, expected):
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    shutil.copytree(ROOT / "data" / "rules", tmp_path / "data" / "rules")
    shutil.copy(topics.TOPICS_FILE, tmp_path / "topics.yml")
    assert disagreements(tmp_path, tmp_path / "topics.yml") == []
    mutate(tmp_path)
    found = disagreements(tmp_path, tmp_path / "topics.yml")
    assert any(expected in line for line in found), found
