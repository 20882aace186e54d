"""Page furniture out of the story: each named rule on lines written for these tests, story sentences kept."""

import pytest

from services.normalize.cleaning import clean_body, widget_rule
from services.normalize.furniture import RULE_NAMES, furniture_rule
from services.normalize.logic import normalize_article
from shared.core.events import ArticlePublished

# (rule, line): every line is furniture of that rule and of no earlier one.
EXAMPLES = [
    ("social:button", "Share this article"),
    ("social:button", "Tweet"),
    ("advertisement:label", "ADVERTISEMENT"),
    ("advertisement:label", "Sponsored content"),
    ("related:heading", "RELATED STORIES"),
    ("related:heading", "More on this story"),
    ("related:heading", "Also read"),
    ("related:heading", "\u201cRelated:\u201d"),
    ("video:word", "Watch the video"),
    ("video:word", "VIDEO"),
    ("navigation:control", "Skip to content"),
    ("navigation:control", "Article content"),
    ("photo:credit_word", "Getty Images"),
    ("photo:credit_word", "File photo"),
    ("video:label", "WATCH: Premier promises a new hospital wing for the valley"),
    ("video:label", "VIDEO: Crews battle an overnight blaze on Elm Street"),
    ("video:label", "WATCH | Mayor defends the transit budget"),
    ("video:click_to_play", "Click here to watch the full press conference."),
    ("video:click_to_play", "Click to play video: 'Council votes to close the rink'"),
    ("video:watch_video", "Watch the full video of the mayor\u2019s remarks below:"),
    ("video:watch_video", "Watch the latest video at video.example.com."),
    ("video:pointer", "Watch the ad above."),
    ("video:pointer", "Listen to the full interview below:"),
    ("video:pointer", "See photos from the parade below:"),
    ("video:player_message", "We apologize, but this video has failed to load."),
    ("video:player_message", "Sorry, this video is not available in your region."),
    ("related:label", "READ MORE: Province expands its rebate for heat pumps"),
    ("related:label", "Related: Storm knocks out power to 40,000 homes"),
    ("related:label", "MORE: How the new transit fares work"),
    ("related:heading_shape", "Latest Local Stories"),
    ("related:read_more", "Read the full story at the Springfield Gazette."),
    ("related:read_more", "Read more about the inquiry here"),
    ("related:coverage", "Follow our full coverage of the election at example.com/vote"),
    ("photo:label", "(Photo: Jane Roe/Getty Images)"),
    ("photo:label", "Photograph: Jane Roe/Example Agency"),
    ("photo:label", "Credit: Jane Roe / AP"),
    ("photo:caption_label", "Image caption The bridge was closed for three hours"),
    ("photo:caption_label", "Media caption Jane Roe explains why she is standing"),
    ("photo:file", "FILE - A snowplow clears Main Street in Springfield, Jan. 4, 2023. (AP Photo/Jane Roe, File)"),
    ("photo:file", "File photo of the old mill, taken in 1998."),
    ("photo:by", "Photo by Jane Roe"),
    ("photo:by", "Courtesy of the Springfield Historical Society"),
    ("photo:credit_line", "Jane Roe via Getty Images."),
    ("photo:credit_line", "Jane Roe / Reuters"),
    ("photo:credit_line", "Getty."),
    ("photo:credit_line", "THE CANADIAN PRESS/Jane Roe"),
    ("photo:name_credit", "Jane Roe/Springfield Ledger"),
    ("photo:caption_credit", "Jane Roe is seen outside the courthouse in Springfield on Monday. (Reuters)"),
    ("photo:caption_credit", "Mary Poe speaks to supporters in Lakeview. (Jane Roe/The Canadian Press)"),
    ("photo:caption_credit", "A hiker on the ridge trail. (Submitted by Jane Roe)"),
    ("photo:caption_name_credit", "Mary Poe speaks to supporters in Lakeview on Tuesday. (Jane Roe/Ledger)"),
    ("photo:caption_trailing_credit", "The mayor arrives at city hall. THE CANADIAN PRESS/Jane Roe"),
    ("photo:caption_trailing_credit", "Fire crews work through the night in Elmwood. JANE ROE / SPRINGFIELD STAR"),
    ("credit:with_files", "With files from The Canadian Press"),
    ("credit:contributed", "Associated Press writer Mary Poe in Springfield contributed to this report."),
    ("credit:first_published", "This report by The Canadian Press was first published March 3, 2019."),
    ("advertisement:continues", "Story continues below advertisement"),
    ("advertisement:continues", "Story continues below"),
    ("advertisement:continue_reading", "Continue reading the main story"),
    ("advertisement:prefix", "Advertisement - Scroll to continue"),
    ("newsletter:sign_up", "Sign up for our newsletter"),
    ("newsletter:sign_up", "For news from around the region, sign up for our breaking news alerts."),
    ("newsletter:sign_up", "Want this in your inbox? Sign up by entering your address below."),
    ("newsletter:prefix", "Subscribe to The Springfield Gazette"),
    ("newsletter:app", "Download the Springfield News app for breaking news on the go."),
    ("newsletter:delivered", "Get the latest headlines delivered to your inbox every morning."),
    ("newsletter:get_news", "Get breaking Springfield news"),
    ("social:follow", "Follow us on Twitter"),
    ("social:follow", "Follow Jane Roe on Twitter @janeroe."),
    ("social:follow_us", "Follow us for more stories like this"),
    ("social:share_label", "Share this story: Council approves the new budget after a long debate"),
    ("social:share_prefix", "Share on WhatsApp"),
    ("social:comments", "12 comments"),
    ("social:comments", "Join the conversation"),
    ("link:click_here", "Click here for the full schedule"),
    ("timestamp:line", "Updated 4:15 PM ET, March 3, 2024"),
]

# Story sentences with the words furniture uses: none of them is furniture.
STORY = [
    "Residents watched as the fire spread to the neighbouring warehouse.",
    "\u201cWe will watch the situation closely,\u201d the minister said.",
    "Watch what happens when the subsidy runs out, she warned.",
    "The company spent $3 million on advertisement campaigns last year.",
    "Advertisement revenue fell by a third in the first quarter.",
    "The watchdog said the advertisement was misleading and ordered it withdrawn.",
    "A video posted online shows the officer pushing a protester.",
    "The video has been removed from the platform, a spokesperson said.",
    "The minister watched the video and said she was appalled.",
    "Police released a photo of the suspect on Tuesday.",
    "A file photo shows the plant before the explosion.",
    "The senator urged voters to sign up for the program before the deadline.",
    "She signed up for the newsletter in 2019 and later subscribed to the paper.",
    "More than 400 people subscribe to the council's weekly updates, officials said.",
    "Sign-up rates doubled after the campaign began.",
    "Follow-up inspections found no further problems.",
    "He did not follow the party line on the budget vote.",
    "Read more carefully, the rules allow the council to act.",
    "Related charges were laid against two other men.",
    "The story continues to unfold as investigators search the site.",
    "Credit card debt rose for the fifth straight month.",
    "Share prices fell 4% after the announcement.",
    "Get ready for a long winter, forecasters warned on Monday.",
    "\u201cClick here to donate,\u201d the fake message read.",
    "Listen to the people, the protesters chanted.",
    "Jane Roe, who covered the trial for Reuters, said the verdict surprised her.",
    "The poll was conducted by Reuters/Ipsos between May 1 and May 3.",
    "Mary Poe contributed to the report, which was published on Monday.",
    "The band AC/DC played the stadium in 2019.",
    "Jane Example (First Show/Second Show)",
]


@pytest.mark.parametrize("rule,line", EXAMPLES, ids=[f"{r}:{line[:30]}" for r, line in EXAMPLES])
def test_each_furniture_rule_names_itself(rule, line):
    assert furniture_rule(line) == rule
    assert widget_rule(line) == rule


def test_every_rule_has_an_example_and_names_are_unique():
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    assert {rule for rule, _ in EXAMPLES} == set(RULE_NAMES)


def test_a_long_line_is_not_furniture_by_a_short_rule():
    line = "Advertisement - " + "the council said the cost of the new rink would be met from reserves " * 2
    assert furniture_rule(line) is None


@pytest.mark.parametrize("line", STORY)
def test_story_sentences_with_furniture_words_are_kept(line):
    assert furniture_rule(line) is None
    body = f"The council met on Tuesday.\n\n{line}\n\nIt meets again next week."
    assert clean_body(body).text == body and clean_body(body).removed == []


def test_furniture_inside_a_story_is_moved_to_removed_with_its_rule():
    body = (
        "WATCH: Council votes to close the rink\n\n"
        "The city council voted on Tuesday to close the Elmwood rink.\n\n"
        "Story continues below advertisement\n\n"
        "\u201cNone of the options added up,\u201d Councillor Mary Poe said.\n\n"
        "Mary Poe at the council meeting on Tuesday. (Jane Roe/Getty Images)\n\n"
        "She said a public meeting would follow.\n\n"
        "Sign up for our newsletter\n\n"
        "B.Chan--ThChM"
    )
    out = clean_body(body)
    assert out.text == (
        "The city council voted on Tuesday to close the Elmwood rink.\n\n"
        "\u201cNone of the options added up,\u201d Councillor Mary Poe said.\n\n"
        "She said a public meeting would follow."
    )
    assert out.signature == "B.Chan--ThChM"
    assert list(zip(out.removed, out.removed_by)) == [
        ("WATCH: Council votes to close the rink", "video:label"),
        ("Story continues below advertisement", "advertisement:continues"),
        ("Mary Poe at the council meeting on Tuesday. (Jane Roe/Getty Images)", "photo:caption_credit"),
        ("Sign up for our newsletter", "newsletter:sign_up"),
    ]


def test_the_event_trace_names_the_rule_of_each_removed_line():
    e = normalize_article(ArticlePublished(body="AAPL\n\nThe story.\n\nREAD MORE: Another story"))
    assert e.text == "The story."
    assert list(e.removed) == ["AAPL", "READ MORE: Another story"]
    assert e.trace["normalize"]["removed_by"] == ["widget:market", "related:label"]
    assert "removed_by" not in normalize_article(ArticlePublished(body="Only story.")).trace["normalize"]


def test_a_title_that_looks_like_furniture_is_kept():
    e = normalize_article(ArticlePublished(body="The story.", title="WATCH: Mayor opens the new bridge"))
    assert e.title == "WATCH: Mayor opens the new bridge"


def test_furniture_is_removed_from_the_text_extracted_from_a_whole_page():
    paragraphs = [
        "The city council voted on Tuesday to close the Elmwood skating rink at the end of the season, "
        "ending a decades-long debate over its repair costs.",
        "WATCH: Council votes to close the Elmwood rink",
        "Councillor Mary Poe, who chairs the parks committee, said the building could no longer be kept safe.",
        "Story continues below advertisement",
        "\u201cWe looked at every option and none of them added up,\u201d Poe said after the vote.",
        "READ MORE: Springfield budget leaves parks short again",
        "Residents who use the rink say they were not consulted. A petition gathered 2,000 names in a week.",
        "Advertisement",
        "The council will hold a public meeting on the future of the site next month, she added.",
    ]
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Council closes rink | Springfield Ledger</title></head>"
        "<body><main><article><h1>Council closes rink</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></main></body></html>"
    )
    e = normalize_article(ArticlePublished(body=html))
    assert e.trace["normalize"]["extraction"] == "precision"
    for kept in paragraphs[::2]:
        assert kept in e.text
    assert list(e.removed) == paragraphs[1::2]
    assert e.trace["normalize"]["removed_by"] == [
        "video:label",
        "advertisement:continues",
        "related:label",
        "advertisement:label",
    ]


def test_a_story_line_after_a_furniture_line_is_not_joined_to_it():
    body = "READ MORE: Springfield budget leaves parks short again\n2,000 residents signed the petition in a week."
    out = clean_body(body)
    assert out.text == "2,000 residents signed the petition in a week."
    assert out.removed == ["READ MORE: Springfield budget leaves parks short again"]
