"""Rasa NLU component: a question is never taken for small talk or for a request to start a form.

DIET sometimes labels a real question "goodbye" or "deny" (it ends in "không"), or "start_self_assessment"
(it says "sản phẩm của em" and "tính điểm"). After the classifiers, this component relabels such a message
``nlu_fallback`` — which the dialogue sends to the knowledge base, like any question the NLU is unsure of —
when ``knowledge_base.question_kind.is_question`` holds and, for a form intent, the message names none of
that form's clear request phrases ("tự đánh giá", "kiểm tra điều kiện"). A form also starts only on a request:
a message that is no question but reads like a topic heading ("Nguyên tắc chấm điểm sản phẩm OCOP") — none of
the clear request phrases and none of the ``request_markers`` (the producer speaking of their own product or
asking for help: "em", "tôi", "giúp", "muốn", "thử" …) — is relabelled too. So is a yes/no reply that is a
heading: longer than ``reply_max_words``, opening with no reply word ("có", "không", "đồng ý" …) and with no
request marker. The original ranking is kept below.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from knowledge_base import textnorm
from knowledge_base.question_kind import is_question


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionGuard(GraphComponent, IntentClassifier):
    """Relabels questions that were classified as a guarded intent (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Intents a question must not be answered with.
            "guarded_intents": [],
            # Per form-starting intent: phrases that make the message a clear request even when it asks.
            "clear_requests": {},
            # Words that make a message that is no question a request to start a form (first person, "giúp" …).
            "request_markers": [],
            # Yes/no replies: a longer message that opens with none of `reply_openings` and speaks of no
            # request marker is a heading, not a reply ("Hiểu chính xác về tiêu chuẩn OCOP" is no "affirm").
            "reply_intents": [],
            "reply_openings": [],
            "reply_max_words": 4,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.guarded = set(config.get("guarded_intents") or [])
        self.requests = {
            intent: [textnorm.normalize_folded(p) for p in phrases]
            for intent, phrases in (config.get("clear_requests") or {}).items()
        }
        self.markers = [textnorm.normalize_folded(p) for p in config.get("request_markers") or []]
        self.replies = set(config.get("reply_intents") or [])
        self.openings = [textnorm.normalize_folded(p) for p in config.get("reply_openings") or []]
        self.reply_max_words = int(config.get("reply_max_words") or 4)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionGuard:
        return cls(config)

    def should_relabel(self, intent: str, text: str) -> bool:
        if intent not in self.guarded:
            return False
        padded = f" {textnorm.normalize_folded(text)} "
        if any(f" {phrase} " in padded for phrase in self.requests.get(intent, ())):
            return False
        if is_question(text):
            return True
        marked = any(f" {word} " in padded for word in self.markers)
        if intent in self.replies:
            long = len(padded.split()) > self.reply_max_words
            return long and not marked and not any(padded.startswith(f" {opening} ") for opening in self.openings)
        return intent in self.requests and not marked

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.data.get(INTENT) or {}
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # button payloads carry the intent they mean
            if self.should_relabel(intent.get(INTENT_NAME_KEY), text):
                relabelled = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY, 1.0),
                }
                message.data[INTENT] = relabelled
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, dict(relabelled))
        return messages
