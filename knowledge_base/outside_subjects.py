"""Subjects outside the OCOP decisions (`outside_subjects.yml`): the phrases naming each, and who knows it.

`named(text)` gives the subjects a text names (phrases matched without diacritics, as whole words). The retriever
demotes a candidate that does not name a subject the question names, and does not answer from one; the answer
then says the subject is outside the decisions and names who to ask (`knowledge_base.answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge_base import textnorm

SUBJECTS_FILE = Path(__file__).resolve().with_name("outside_subjects.yml")


@dataclass(frozen=True)
class OutsideSubject:
    subject: str  # as the reply names it ("thuế")
    phrases: tuple[str, ...]  # folded
    ask: str  # who knows, read after "hãy hỏi"
    # Stars and criteria of its own (a hotel's rating): "5 sao" in the question is not an OCOP score.
    own_rating: bool = False


def load(path: Path = SUBJECTS_FILE) -> tuple[OutsideSubject, ...]:
    """The subjects of ``path``; raises ValueError naming the first malformed entry."""
    subjects = []
    for raw in yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []:
        try:
            phrases = tuple(textnorm.normalize_folded(str(p)) for p in raw["phrases"])
            subject = OutsideSubject(
                str(raw["subject"]).strip(), phrases, str(raw["ask"]).strip(), bool(raw.get("own_rating", False))
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}: malformed subject {raw!r:.80}: {exc}") from exc
        if not subject.subject or not subject.ask or not all(phrases):
            raise ValueError(f"{path.name}: subject {subject.subject!r} needs a name, phrases and who to ask")
        subjects.append(subject)
    return tuple(subjects)


@lru_cache(maxsize=1)
def default_subjects() -> tuple[OutsideSubject, ...]:
    return load()


def named(text: str, subjects: tuple[OutsideSubject, ...] | None = None) -> frozenset[int]:
    """Indexes (into ``subjects``, the default ones) of the subjects ``text`` names."""
    subjects = default_subjects() if subjects is None else subjects
    padded = f" {textnorm.normalize_folded(text)} "
    return frozenset(n for n, s in enumerate(subjects) if any(f" {p} " in padded for p in s.phrases))


def chosen(indexes: frozenset[int]) -> list[OutsideSubject]:
    """The default subjects at ``indexes`` (as ``named`` gives them), in the file's order."""
    return [default_subjects()[n] for n in sorted(indexes)]


def who_to_ask(subjects: list[OutsideSubject], ask: str = "hãy hỏi") -> str:
    """ "về thuế, hãy hỏi cơ quan thuế …; về …" for ``subjects``; ``ask`` is the verb put before who knows."""
    return "; ".join(f"về {s.subject}, {ask} {s.ask}" for s in subjects)
