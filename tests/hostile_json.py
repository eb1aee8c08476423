"""JSON bodies that used to give a 500 somewhere, for the bad-input tests of every endpoint.

Each is refused with the gateway's 400 (`gateway.http_guards`): NaN and Infinity, nesting past 32 levels,
integers past 40 digits, exponents that overflow to infinity.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

FIELDS = ("sender", "message", "question", "sheet", "answers", "update_id", "event_name")


def nested(depth: int, leaf: bytes = b"1") -> bytes:
    """`depth` levels of alternating lists and objects around `leaf`."""
    body = leaf
    for level in range(depth):
        body = b"[" + body + b"]" if level % 2 else b'{"a": ' + body + b"}"
    return body


def with_every_field(value: bytes) -> bytes:
    return b"{" + b", ".join(b'"%s": %s' % (name.encode(), value) for name in FIELDS) + b"}"


# Tiny bodies that used to give a 500: a float JSON cannot carry, nesting past the parser's recursion
# limit, an integer past Python's 4,300-digit conversion limit, an exponent that overflows to infinity.
HOSTILE_BODIES = {
    "NaN": with_every_field(b"NaN"),
    "Infinity": with_every_field(b"Infinity"),
    "-Infinity": with_every_field(b"-Infinity"),
    "exponent overflow": with_every_field(b"1e999"),
    "5,000-digit integer": with_every_field(b"9" * 5000),
    "deep nesting": nested(5000),
    "33 levels": nested(33),
    "deep value in a field": with_every_field(nested(2000)),
}
hostile_json = st.one_of(
    st.builds(nested, st.integers(33, 3000), st.sampled_from([b"1", b"NaN", b'"x"', b"[]"])),
    st.builds(with_every_field, st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-2E+999"])),
    st.integers(101, 6000).map(lambda n: with_every_field(b"1" * n)),
    st.tuples(st.text(max_size=20), st.sampled_from([b"NaN", b"Infinity", b"7" * 5000])).map(
        lambda pair: b"[" + json.dumps(pair[0]).encode() + b", " + pair[1] + b"]"
    ),
)
