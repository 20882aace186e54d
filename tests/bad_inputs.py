"""Hostile and malformed raw articles, shared by tests/unit/test_bad_input.py and
tests/integration/test_faults_bad_input.py: name -> (message bytes, expected outcome).

Expected: "ok" = an enriched event comes out; "dlq:<words>" = a dead letter at normalize
whose reason contains <words> (a body that is not text, binary or without a word, is one).
"""

from __future__ import annotations

import random

import orjson

from shared.core.settings import Settings

MAX = Settings().max_message_bytes


def j(obj) -> bytes:
    return orjson.dumps(obj)


#: 20 KB of bytes from a fixed seed: what a binary file saved as .txt holds.
RANDOM_BYTES = random.Random(30).randbytes(20_000)


def nested(depth: int) -> bytes:
    return b'{"body": "Deep.", "extra": ' + b"[" * depth + b"]" * depth + b"}"


STORY = (
    'The minister said on Tuesday that the plan would go ahead. "We will not back down," '
    "Mr Smith told reporters in London."
)

# name -> (bytes, expected): "ok" = enriched event; "dlq:<words in the reason>" = dead letter at normalize
BAD_INPUTS: dict[str, tuple[bytes | None, str]] = {
    "not JSON": (b"this is not JSON {", "dlq:not JSON"),
    "truncated JSON": (b'{"body": "half an arti', "dlq:not JSON"),
    "empty message": (b"", "dlq:empty message"),
    "tombstone (no value)": (None, "dlq:tombstone"),
    "JSON array": (b'[{"body": "x"}]', "dlq:not an object"),
    "JSON string": (b'"just a string"', "dlq:not an object"),
    "JSON number": (b"42", "dlq:not an object"),
    "JSON null": (b"null", "dlq:not an object"),
    "no body": (j({"id": "x", "title": "no body here"}), "dlq:no 'body'"),
    "body is a number": (j({"body": 12}), "dlq:'body' is a int"),
    "body is null": (j({"body": None}), "dlq:'body' is a NoneType"),
    "body is a list": (j({"body": ["a", "b"]}), "dlq:'body' is a list"),
    "body is an object": (j({"body": {"text": "a"}}), "dlq:'body' is a dict"),
    "empty body": (j({"body": ""}), "dlq:not text (no-words)"),
    "whitespace-only body": (j({"body": " \n\t\u00a0\n "}), "dlq:not text (no-words)"),
    "invalid UTF-8": (b'{"body": "caf\xe9 \xff\xfe"}', "dlq:not JSON"),
    "lone surrogate escape": (b'{"body": "a \\ud800 b"}', "dlq:not JSON"),
    "UTF-8 BOM": (b'\xef\xbb\xbf{"body": "x"}', "dlq:not JSON"),
    "raw NUL byte in JSON": (b'{"body": "a\x00b"}', "dlq:not JSON"),
    "NaN literal": (b'{"body": "x", "score": NaN}', "dlq:not JSON"),
    "number overflow": (b'{"body": "x", "n": 1e999}', "dlq:not JSON"),
    "escaped NUL in body": (j({"body": "before\u0000after, a story."}), "dlq:not text (nul-characters)"),
    "NUL in id": (j({"id": "id\u0000nul", "body": "A story."}), "ok"),
    "id is a list": (j({"id": ["a"], "body": "x"}), "dlq:'id' is a list"),
    "id is a bool": (j({"id": True, "body": "x"}), "dlq:'id' is a bool"),
    "id is a float": (j({"id": 1.5, "body": "x"}), "dlq:'id' is a float"),
    "id is an int (accepted as text)": (j({"id": 12345, "body": "A story."}), "ok"),
    "id is empty": (j({"id": "  ", "body": "x"}), "dlq:'id' is empty"),
    "10 KB id": (j({"id": "i" * 10_240, "body": "x"}), "dlq:exceeds the limit of 512"),
    "title is a number": (j({"title": 3, "body": "x"}), "dlq:'title' is a int"),
    "url is a list": (j({"url": ["http://a"], "body": "x"}), "dlq:'url' is a list"),
    "source is an object": (j({"source": {"n": "BBC"}, "body": "x"}), "dlq:'source' is a dict"),
    "published_at is a number": (j({"published_at": 1700000000, "body": "x"}), "dlq:'published_at' is a int"),
    "language is a bool": (j({"language": False, "body": "x"}), "dlq:'language' is a bool"),
    "optional fields null": (
        j({"body": "A story.", "title": None, "url": None, "source": None, "published_at": None, "language": None}),
        "ok",
    ),
    "deeply nested JSON (10,000 levels)": (nested(10_000), "dlq:not JSON"),
    "nested JSON deeper than the codec limit (300)": (nested(300), "dlq:nested deeper"),
    "nested unknown field within limits": (nested(20), "ok"),
    "duplicate keys": (b'{"body": "first", "body": "A second story."}', "ok"),
    "huge integer in unknown field": (b'{"body": "A story.", "n": 123456789012345678901234567890}', "ok"),
    "body over max_body_chars": (j({"body": "word " * 210_000}), "dlq:exceeds the limit of 1000000"),
    "message over max_message_bytes": (j({"body": "a" * (MAX + 10)}), "dlq:exceeds the limit of"),
    "HTML-only page": (
        b'{"body": "<html><head><script>var a=\\"<p>x</p>\\";</script><style>p{}</style>'
        b'</head><body><div><img src=a.png></div></body></html>"}',
        "dlq:not text (no-words)",
    ),
    "HTML article": (
        j(
            {
                "body": "<html><body><p>CMSD</p><p>Prices &amp; wages rose, &ldquo;sharply&rdquo;"
                " he said.</p><!-- c --><p>B.Chan--ThChM</p></body></html>"
            }
        ),
        "ok",
    ),
    "unclosed HTML tags x 5,000": (j({"body": "<p " * 5000 + "story"}), "ok"),
    "Chinese": (
        j(
            {
                "body": "\u5317\u4eac\u5e02\u653f\u5e9c\u5468\u4e8c\u8868\u793a\uff0c\u201c\u6211\u4eec\u4e0d\u4f1a\u9000\u8ba9\u3002\u201d"
            }
        ),
        "ok",
    ),
    "Arabic (right to left)": (
        j(
            {
                "body": "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u00ab\u0644\u0646 \u0646\u062a\u0631\u0627\u062c\u0639\u00bb \u064a\u0648\u0645 \u0627\u0644\u062b\u0644\u0627\u062b\u0627\u0621."
            }
        ),
        "ok",
    ),
    "Russian with guillemets": (
        j(
            {
                "body": "\u00ab\u041c\u044b \u043d\u0435 \u043e\u0442\u0441\u0442\u0443\u043f\u0438\u043c\u00bb, \u2014 \u0441\u043a\u0430\u0437\u0430\u043b \u041f\u0443\u0442\u0438\u043d."
            }
        ),
        "ok",
    ),
    "emoji and astral characters": (j({"body": 'Fans \U0001f600 cheered \U0001d54f\U0001f3c6 "Go!" said Ann.'}), "ok"),
    "only quotation marks": (
        j({"body": '""""""""""\u201c\u201d\u201c\u201d\u2018\u2019\'\'\'\''}),
        "dlq:not text (no-words)",
    ),
    "10,000 unbalanced straight quotes": (j({"body": 'He said "' + 'x " ' * 10_000}), "ok"),
    "10,000 opening curly quotes": (j({"body": ("\u201cA " * 10_000) + "end."}), "ok"),
    "quote marks only, 20,000": (j({"body": "\u201c" * 20_000}), "dlq:not text (no-words)"),
    "control characters": (
        j({"body": "".join(chr(c) for c in range(1, 32)) + "A story.\x7f"}),
        "dlq:not text (control-characters)",
    ),
    "a few control characters in a story": (
        j({"body": "A story\x07 of the harbour\x1b, as the mayor told it to the council on Monday.\x7f"}),
        "ok",
    ),
    "zero-width characters only": (j({"body": "\u200b\u200c\u200d\ufeff" * 100}), "dlq:not text (no-words)"),
    "bidi overrides": (j({"body": '\u202eevil\u202c said "hi" Bob.'}), "ok"),
    "mojibake": (j({"body": "He said \u00e2\u20ac\u0153we won\u00e2\u20ac\u009d and left."}), "ok"),
    "one 200 KB word": (j({"body": "a" * 200_000}), "ok"),
    "200 KB of newlines": (j({"body": "\n" * 200_000}), "dlq:not text (no-words)"),
    "200 KB of dashes (signature-like)": (j({"body": "A story.\n\n" + "-" * 200_000}), "ok"),
    "50,000 widget lines": (j({"body": "CMSD\n" * 50_000}), "dlq:not text (no-words)"),
    "50,000 widget lines and a story": (j({"body": "CMSD\n" * 50_000 + "A story of the harbour."}), "ok"),
    "random bytes, NULs among them": (j({"body": RANDOM_BYTES.decode("utf-8", "replace")}), "dlq:(nul-characters)"),
    "random bytes without NUL": (
        j({"body": RANDOM_BYTES.replace(b"\x00", b"").decode("utf-8", "replace")}),
        "dlq:not text (undecodable)",
    ),
    "a few replacement marks in a story": (j({"body": "The caf\ufffd opened, the mayor said."}), "ok"),
    "unknown fields kept": (j({"body": "A story.", "tags": ["a", {"b": [1, 2]}], "score": 0.5}), "ok"),
    "50 MB message": (b'{"body": "' + b"x" * (50 * 1024 * 1024) + b'"}', "dlq:exceeds the limit of"),
}

GOOD = j({"id": "good-after", "body": STORY})
