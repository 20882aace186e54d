"""Not text, not enriched: each rule of services/normalize/textness.py by its name, on lines written for these tests."""

from __future__ import annotations

import pytest

from services.normalize.logic import normalize_article
from services.normalize.textness import BINARY_SHARE, NO_WORDS, NOT_TEXT, has_words, not_text
from shared.core.events import ArticlePublished, InvalidEvent

STORY = "The harbour budget will be balanced by spring, the minister told the council on Monday."

#: rule id -> a body that breaks that rule alone (first in NOT_TEXT's order)
BREAKS = {
    "nul-characters": STORY + "\x00",
    "undecodable": "\ufffd\ufffd\ufffd \ufffdq\ufffd \ufffd%\ufffd\ufffd x",
    "control-characters": "\x01\x02\x03\x04\x05 a\x06\x07\x08\x0e\x0f b",
}


def test_every_rule_has_an_example():
    assert [r.id for r in NOT_TEXT] == list(BREAKS)


@pytest.mark.parametrize("rule", list(BREAKS))
def test_each_binary_rule_refuses_by_its_name(rule):
    found = not_text(BREAKS[rule])
    assert found is not None and found[0] == rule
    with pytest.raises(InvalidEvent, match=rf"^not text \({rule}\): the body "):
        normalize_article(ArticlePublished(body=BREAKS[rule]))


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\n\t ",
        "440 123 -- 17:30",
        "\u201c\u201d \u00ab\u00bb ... !!!",
        "\u200b\u200c\u200d",
        "<p></p><div><img src=a.png></div>",
    ],
)
def test_a_body_without_a_word_is_refused_as_no_words(body):
    with pytest.raises(InvalidEvent, match=rf"^not text \({NO_WORDS}\): the body has no word"):
        normalize_article(ArticlePublished(body=body))


def test_no_words_says_when_cleaning_left_nothing():
    with pytest.raises(InvalidEvent, match=r"once 3 line\(s\) of page furniture were removed"):
        normalize_article(ArticlePublished(body="Share\nTweet\nAdvertisement"))


@pytest.mark.parametrize(
    "body",
    [
        STORY,
        STORY + " The caf\ufffd reopened.",  # a stray replacement mark in a story
        STORY.replace("budget", "budget\x07"),  # a stray bell
        "\u5e02\u653f\u5e9c\u8868\u793a\uff0c\u9884\u7b97\u5c06\u5728\u6625\u5929\u5e73\u8861\u3002",  # Chinese
        "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631.",  # Arabic
        "Tabs\tand\r\nnew lines\x0cand form feeds are whitespace.",
    ],
)
def test_text_passes_in_any_script_with_a_stray_mark(body):
    assert not_text(body) is None and has_words(body)
    assert normalize_article(ArticlePublished(body=body)).text


def test_the_share_counts_visible_characters_not_blank_lines():
    # one tenth of the visible characters: refused, however many blank lines dilute the body
    body = "\ufffd" + "abcdefghi" + "\n" * 10_000
    assert not_text(body) == ("undecodable", "is 10% replacement marks: bytes that no encoding decodes")
    assert BINARY_SHARE == 0.10
    assert not_text("\ufffd" + "abcdefghij") is None  # 1 in 11: text with a stray mark
