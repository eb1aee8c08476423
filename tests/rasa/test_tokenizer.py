"""Our Rasa tokenizer, run inside the Rasa environment: every way of typing gives the same tokens."""

import json
import unicodedata

import pytest

from tests.rasa.rasa_cli import rasa_probe

PROBE = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from rasa_components.vietnamese_tokenizer import VietnameseTokenizer
tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
out = {}
for line in json.loads(sys.stdin.read()):
    message = Message(data={"text": line})
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    out[line] = {"text": message.get("text"), "tokens": [[t.text, t.start, t.end, t.lemma] for t in tokens]}
print(json.dumps(out, ensure_ascii=False))
"""

SAME_QUESTION = [
    "Hồ sơ đăng ký OCOP của HTX gồm những gì?",
    "ho so dang ky ocop cua htx gom nhung gi",
    "hs đky ocop của htx gồm những j",
    unicodedata.normalize("NFD", "hồ sơ đăng ký ocop của hợp tác xã gồm những gì"),
]
NFD_PRODUCT = unicodedata.normalize("NFD", "mật ong rừng")
OLD_STYLE, NEW_STYLE = "sản phẩm thuỷ sản Hoà Bình", "sản phẩm thủy sản Hòa Bình"
TEXTS = [*SAME_QUESTION, NFD_PRODUCT, OLD_STYLE, NEW_STYLE, "😀😀", "dừng", "đúng"]


@pytest.fixture(scope="module")
def tokenized():
    """Tokenize every probe text in one Rasa process (importing Rasa takes seconds)."""
    return rasa_probe(PROBE, json.dumps(TEXTS))


def test_diacritics_abbreviations_nfd_and_old_tone_style_give_identical_tokens(tokenized):
    token_texts = [[t[0] for t in tokenized[text]["tokens"]] for text in SAME_QUESTION]
    expected = ["ho", "so", "dang", "ky", "ocop", "cua", "hop", "tac", "xa", "gom", "nhung", "gi"]
    assert all(tokens == expected for tokens in token_texts), token_texts


def test_nfd_message_is_stored_composed_and_spans_index_it(tokenized):
    result = tokenized[NFD_PRODUCT]
    assert result["text"] == "mật ong rừng"
    assert [result["text"][start:end] for _, start, end, _ in result["tokens"]] == ["mật", "ong", "rừng"]


def test_old_tone_style_matches_new_style(tokenized):
    assert tokenized[OLD_STYLE]["tokens"] == tokenized[NEW_STYLE]["tokens"]


def test_emoji_only_message_still_has_a_token(tokenized):
    assert len(tokenized["😀😀"]["tokens"]) == 1


def test_lemmas_keep_the_diacritics_that_tell_words_apart(tokenized):
    stop, right = tokenized["dừng"]["tokens"][0], tokenized["đúng"]["tokens"][0]
    assert stop[0] == right[0] == "dung"
    assert (stop[3], right[3]) == ("dừng", "đúng")
