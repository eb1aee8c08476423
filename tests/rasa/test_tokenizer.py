"""Our Rasa tokenizer, run inside the Rasa environment: every way of typing gives the same tokens."""

import json
import unicodedata

from tests.rasa.rasa_cli import run_rasa_python

PROBE = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from bot.nlu.vietnamese_tokenizer import VietnameseTokenizer
tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
out = []
for line in sys.stdin.read().split("\\n"):
    message = Message(data={"text": line})
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    out.append({"text": message.get("text"), "tokens": [[t.text, t.start, t.end] for t in tokens]})
print(json.dumps(out, ensure_ascii=False))
"""


def tokenize_in_rasa(*texts):
    result = run_rasa_python(PROBE, "\n".join(texts))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_diacritics_abbreviations_nfd_and_old_tone_style_give_identical_tokens():
    variants = [
        "Hồ sơ đăng ký OCOP của HTX gồm những gì?",
        "ho so dang ky ocop cua htx gom nhung gi",
        "hs đky ocop của htx gồm những j",
        unicodedata.normalize("NFD", "hồ sơ đăng ký ocop của hợp tác xã gồm những gì"),
    ]
    results = tokenize_in_rasa(*variants)
    token_texts = [[t[0] for t in r["tokens"]] for r in results]
    expected = ["ho", "so", "dang", "ky", "ocop", "cua", "hop", "tac", "xa", "gom", "nhung", "gi"]
    assert all(tokens == expected for tokens in token_texts), token_texts


def test_nfd_message_is_stored_composed_and_spans_index_it():
    [result] = tokenize_in_rasa(unicodedata.normalize("NFD", "mật ong rừng"))
    assert result["text"] == "mật ong rừng"
    assert [result["text"][start:end] for _, start, end in result["tokens"]] == ["mật", "ong", "rừng"]


def test_old_tone_style_matches_new_style():
    results = tokenize_in_rasa("sản phẩm thuỷ sản Hoà Bình", "sản phẩm thủy sản Hòa Bình")
    assert results[0]["tokens"] == results[1]["tokens"]


def test_emoji_only_message_still_has_a_token():
    [result] = tokenize_in_rasa("😀😀")
    assert len(result["tokens"]) == 1
