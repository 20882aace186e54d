from pathlib import Path

import pytest

from services.normalize.cleaning import clean_body, html_to_text, is_signature_line, is_widget_line, repair_mojibake
from services.normalize.logic import normalize_article, stable_id
from shared.core.events import ArticlePublished, InvalidEvent

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_0073c3238f5d921c.txt"


def test_seed_loses_ticker_and_signature_but_keeps_them_in_fields():
    body = SEED.read_text(encoding="utf-8")
    out = normalize_article(ArticlePublished(body=body))
    assert out.text.startswith("The Russian army has fully liberated")
    assert out.text.endswith("carried out incursions in recent weeks.")
    assert "CMSD" not in out.text and "0.0100" not in out.text and "ThChM" not in out.text
    assert out.signature == "B.Chan--ThChM"
    assert list(out.removed) == ["CMSD", "0.0100"]
    assert out.body == body
    assert out.trace["normalize"]["ms"] >= 0


def test_same_article_published_twice_gets_same_id_and_different_one_does_not():
    a = ArticlePublished(body="Story one.", url="http://x/1")
    assert stable_id(a) == stable_id(ArticlePublished(body="Story one.", url="http://x/1"))
    assert stable_id(a) != stable_id(ArticlePublished(body="Story two.", url="http://x/1"))
    assert normalize_article(ArticlePublished(body="A story.", id="given")).id == "given"


def test_html_tags_and_entities_become_text():
    out = clean_body(
        "<div><p>Mr Blair said &ldquo;no&rdquo; &amp; left.</p><script>var x=1;</script>"
        "<p>Second&nbsp;paragraph.</p></div>"
    )
    assert out.text == "Mr Blair said \u201cno\u201d & left.\n\nSecond paragraph."


def test_share_buttons_and_widgets_are_removed_and_recorded():
    out = clean_body("Share\nTweet\nAAPL\n+1.25%\nThe story begins here.\nEmail\nPrint\nIt ends here.\nAdvertisement")
    assert out.text == "The story begins here.\n\nIt ends here."
    assert set(out.removed) == {"Share", "Tweet", "AAPL", "+1.25%", "Email", "Print", "Advertisement"}


def test_rewrapped_lines_are_joined_but_paragraphs_kept():
    body = (
        "The minister said the plan would cost more than\nexpected and take years to\ncomplete.\n\n"
        "A second paragraph follows."
    )
    assert clean_body(body).text == (
        "The minister said the plan would cost more than expected and take years "
        "to complete.\n\nA second paragraph follows."
    )


def test_dateline_moves_to_its_field():
    out = clean_body("LONDON (Reuters) - Shares rose on Monday.\n\nMore text.")
    assert out.dateline == "LONDON (Reuters)"
    assert out.text.startswith("Shares rose on Monday.")


@pytest.mark.parametrize(
    "line", ["B.Chan--ThChM", "(Reporting by Jane Doe; Editing by John Roe)", "ach/jm/rl", "\u00a9 2025 AFP"]
)
def test_wire_signatures_are_recognised(line):
    assert is_signature_line(line)


@pytest.mark.parametrize("line", ["The Russian army advanced.", 'He said: "No."', "Kursk"])
def test_story_lines_are_not_signatures_or_widgets(line):
    assert not is_signature_line(line)
    assert not is_widget_line(line)


def test_mojibake_is_repaired():
    assert repair_mojibake("It\u00e2\u20ac\u2122s here") == "It\u2019s here"
    assert repair_mojibake("caf\u00c3\u00a9") == "caf\u00e9"
    assert repair_mojibake("plain text") == "plain text"


def test_html_to_text_drops_scripts_and_comments():
    assert "var" not in html_to_text("<p>a</p><!-- c --><script>var x</script>")


def test_body_over_the_limit_is_rejected_with_reason():
    with pytest.raises(InvalidEvent, match="exceeds the limit"):
        normalize_article(ArticlePublished(body="x" * 101), max_body_chars=100)


def test_curly_and_straight_quotes_are_kept_as_written():
    out = clean_body('He said \u201cyes\u201d and "no".')
    assert out.text == 'He said \u201cyes\u201d and "no".'


def test_a_capitalised_heading_inside_the_story_is_kept():
    out = clean_body('Intro text.\n\nHe said it went well." KEY MATCH\nSTATS\n\n- BLACKBURN: Friedel, Neill.')
    assert "STATS" in out.text and out.removed == []
