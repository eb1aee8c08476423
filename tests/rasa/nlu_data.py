"""Read Rasa NLU YAML (training or test data) as plain example texts per intent."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def strip_annotations(text: str) -> str:
    """ "bên em làm [mật ong](product)" -> "bên em làm mật ong"."""
    return _ANNOTATION_RE.sub(r"\1", text)


def nlu_examples(path: Path) -> dict[str, list[str]]:
    """Examples per intent, annotations kept, from one YAML file or every *.yml in a folder."""
    examples: dict[str, list[str]] = {}
    for file in sorted(path.glob("*.yml")) if path.is_dir() else [path]:
        for item in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in item:
                lines = [line[2:] for line in item["examples"].splitlines() if line.startswith("- ")]
                examples.setdefault(item["intent"], []).extend(lines)
    return examples
