"""Rasa tokenizer that normalises Vietnamese as producers type it.

Each word keeps its span in the (NFC) message but carries a canonical text: new tone-mark style,
lower case, chat abbreviation expanded ("ko" -> "không", "hs" -> "hồ sơ") and, by default,
diacritics folded ("hồ sơ" -> "ho so"), so that "ho so dang ky" and "hồ sơ đăng ký" give the
same features. The token's lemma keeps the diacritics the user typed ("dừng" vs "đúng"), for a
featurizer configured with ``use_lemma: true``. The normalisation itself lives in ``knowledge_base.textnorm`` (standard library only).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge_base import textnorm


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Whitespace/punctuation tokenizer emitting normalised (by default diacritic-folded) tokens."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Fold diacritics so that text typed without them matches text written with them.
            "fold_diacritics": True,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["vi"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.fold_diacritics = bool(config.get("fold_diacritics", True))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._compose(example)
        return super().process_training_data(training_data)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._compose(message)
        return super().process(messages)

    @staticmethod
    def _compose(message: Message) -> None:
        """Store the text in NFC so that token spans and entity values index the same string."""
        text = message.get(TEXT)
        if isinstance(text, str):
            composed = textnorm.nfc(text)
            if composed != text:
                message.set(TEXT, composed)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        tokens = [
            Token(textnorm.fold(t.text) if self.fold_diacritics else t.text, t.start, t.end, lemma=t.text)
            for t in textnorm.tokenize(text)
        ]
        if not tokens:
            # Emoji-only or punctuation-only input: one token keeps the featurizers working.
            tokens = [Token(text, 0, len(text))]
        return self._apply_token_pattern(tokens)
