"""The topic registry (``topics.yml``): content intents with their topic, canonical question and follow-ups.

The tables other modules use are derived from it: ``INTENT_TOPICS`` (``intent_topics()``) for the topic of an
answer's follow-ups and records, ``questions()`` for button payloads in the action server, ``follow_ups()`` for the
buttons after an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).with_name("topics.yml")


@dataclass(frozen=True)
class Topic:
    """One content intent and what the knowledge base knows about it."""

    intent: str
    topic: str
    question: str
    follow_ups: tuple[tuple[str, str], ...]  # (button title, intent)


@dataclass(frozen=True)
class Registry:
    topics: tuple[Topic, ...]
    form_interrupts: tuple[str, ...]  # non-content intents a form's free-text slot must not take

    def intents(self) -> list[str]:
        return [t.intent for t in self.topics]

    def intent_topics(self) -> dict[str, str]:
        return {t.intent: t.topic for t in self.topics}

    def questions(self) -> dict[str, str]:
        return {t.intent: t.question for t in self.topics}

    def follow_ups(self) -> dict[str, list[tuple[str, str]]]:
        return {t.topic: list(t.follow_ups) for t in self.topics}


def load(path: Path = TOPICS_FILE) -> Registry:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = tuple(
        Topic(
            intent=entry["intent"],
            topic=entry["topic"],
            question=entry["question"],
            follow_ups=tuple((title, intent) for title, intent in entry["follow_ups"]),
        )
        for entry in data["content_intents"]
    )
    return Registry(topics, tuple(data["form_interrupts"]))


REGISTRY = load()
# The topic of each content intent.
INTENT_TOPICS: dict[str, str] = REGISTRY.intent_topics()
