"""Fuzzing the normaliser and the quote extractor: no exception on any text, time linear in its size.

Hypothesis draws text from alphabets rich in what these functions parse (quotation marks,
tags, entities, line breaks, dashes); the linearity checks time adversarial patterns at
n and 8n characters and require the cost to grow like the input, not like its square
(catastrophic regex backtracking or quadratic scans would show as a 64x jump).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.entities.logic import tokenizable
from services.normalize import cleaning
from services.normalize.cleaning import clean_body, html_to_text, is_signature_line, is_widget_line
from services.normalize.logic import normalize_article
from services.quotes.logic import extract_quotes
from shared.core.events import ArticlePublished, Entity, InvalidEvent, Mention

MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a`"
HTMLISH = [
    "<p>",
    "</p>",
    "<br/>",
    "<div class='x'>",
    "</div>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&amp;",
    "&ldquo;",
    "&#8220;",
    "&",
    "<",
    ">",
    '<a href="',
    '">',
]
WORDS = [
    "He",
    "said",
    "Mr",
    "Blair",
    "told",
    "the",
    "BBC",
    "\u2014",
    "--",
    "CMSD",
    "0.0100",
    "B.Chan--ThChM",
    "LONDON",
    "(Reuters)",
    "-",
    "Share",
    "added",
    ".",
    ",",
    ":",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u200b",
    "\r\n",
    "\u00e2\u20ac\u0153",
    "\u00c3\u00a9",
    "Valery Gerasimov",
    "\ufeff",
    "\x00",
]

tokens = st.one_of(
    st.sampled_from(list(MARKS)), st.sampled_from(HTMLISH), st.sampled_from(WORDS), st.text(min_size=1, max_size=8)
)
bodies = st.lists(tokens, max_size=300).map("".join)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(bodies)
def test_clean_body_never_raises_and_keeps_no_control_characters(body):
    cleaned = clean_body(body)
    assert isinstance(cleaned.text, str)
    assert not any(ord(c) < 32 and c != "\n" for c in cleaned.text), "control characters survive cleaning"
    assert all(isinstance(r, str) for r in cleaned.removed)


def _normalized(body: str, title: str | None) -> tuple[str, str] | str:
    """(id, text) of the article, or the reason it is refused as not text."""
    try:
        out = normalize_article(ArticlePublished(body=body, title=title))
    except InvalidEvent as err:
        assert str(err).startswith("not text ("), err  # the only refusal a body within the limits can get
        return str(err)
    return out.id, out.text


@FUZZ
@given(bodies, st.one_of(st.none(), st.text(max_size=40)))
def test_normalize_article_never_raises_but_refuses_what_is_not_text_and_ids_are_stable(body, title):
    assert _normalized(body, title) == _normalized(body, title)


@FUZZ
@given(bodies)
def test_extract_quotes_never_raises_and_offsets_index_the_text(text):
    for q in extract_quotes(text, ()):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text


@FUZZ
@given(bodies, st.data())
def test_extract_quotes_with_entities_never_raises(text, data):
    ents = []
    for _ in range(data.draw(st.integers(0, 3))):
        if not text:
            break
        s = data.draw(st.integers(0, len(text) - 1))
        e = data.draw(st.integers(s + 1, min(len(text), s + 20)))
        ents.append(
            Entity(text[s:e], data.draw(st.sampled_from(["PERSON", "ORG", "GPE"])), 1, (Mention(text[s:e], s, e),))
        )
    for q in extract_quotes(text, tuple(ents)):
        assert text[q.start : q.end] == q.text


@FUZZ
@given(
    st.lists(
        st.one_of(st.sampled_from(list(MARKS) + ["(", ".", ",", " ", "\n"]), st.text(max_size=3)), max_size=600
    ).map("".join)
)
def test_tokenizable_keeps_length_and_every_non_whitespace_run_short(text):
    out = tokenizable(text)
    assert len(out) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, out))


_OLD_DROP = re.compile(
    r"<\s*(script|style|noscript|template|svg|iframe)\b[^>]{0,2000}>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL
)
_OLD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG_PARTS = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<SCRIPT a=1>",
        "</ script >",
        "<style ",
        "<style>",
        "</style>",
        "<!--",
        "-->",
        "x",
        " ",
        ">",
        "<",
        "<svg",
        "</svg>",
        "<scripts>",
        "\n",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TAG_PARTS, max_size=30).map("".join))
def test_linear_element_dropping_equals_the_one_regex_form(html):
    """The linear `_drop_spans` removes exactly what `<script>.*?</script>` (quadratic) removed."""
    old = _OLD_DROP.sub(" ", _OLD_COMMENT.sub(" ", html))
    new = cleaning._drop_spans(
        cleaning._drop_spans(html, cleaning._COMMENT_OPEN, lambda _: cleaning._COMMENT_CLOSE),
        cleaning._DROP_OPEN,
        cleaning._DROP_CLOSE.__getitem__,
    )
    assert new == old


@FUZZ
@given(st.text(max_size=400))
def test_line_predicates_never_raise(line):
    is_widget_line(line)
    is_signature_line(line)
    html_to_text(line)


# --- linear time -------------------------------------------------------------------------------
ADVERSARIAL = {
    "opening curly quotes": "\u201c",
    "straight quotes and words": '"a ',
    "unbalanced quote per word": 'He said "no ',
    "quotes without spaces": '"x"',
    "nested guillemets": "\u00ab\u201e",
    "tag openers without close": "<p ",
    "tag-like with attributes": "<div a='",
    "comment openers": "<!-- ",
    "script openers": "<script>",
    "entities": "&amp;&#x",
    "ampersands": "& ",
    "dashes": "--",
    "dateline-like caps": "LONDON ",
    "signature-like": "a.b--",
    "newlines": "\n",
    "blank lines and spaces": " \n \n",
    "wrapped lines": "word\n",
    "mojibake": "\u00e2\u20ac\u0153",
    "capitalised words": "Mr Blair ",
    "cue words": "said he told ",
    "parentheses": "(",
}


def _best_of(fn, arg, repeats: int = 5) -> float:
    # CPU seconds of this process, not wall time: other processes on a loaded machine must not count.
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        fn(arg)
        best = min(best, time.process_time() - t0)
    return best


def _both(text: str) -> None:
    cleaned = clean_body(text)
    extract_quotes(cleaned.text, ())
    extract_quotes(text, ())


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_time_is_linear_in_input_size(name):
    unit = ADVERSARIAL[name]
    small_n = 5_000 // len(unit)
    small = _best_of(_both, unit * small_n)
    large = _best_of(_both, unit * (small_n * 8))
    # 8x the input: linear is ~8x, quadratic ~64x. Allow 24x (and a 50 ms floor for timer noise).
    assert large <= max(24 * small, 0.05), (
        f"{name!r}: {small * 1000:.1f} ms for {len(unit) * small_n} chars but {large * 1000:.1f} ms for 8x that: "
        f"super-linear"
    )
