"""Page furniture: the lines a page puts in and around a story that are not the story.

Video teasers, related links, photo credits and captions, advertisement markers,
newsletter and social prompts, share buttons, timestamps. Each rule is named
`kind:rule`; `furniture_rule` gives the name of the first rule a line matches, and
normalize records it beside the line it moves to `removed`, so a removal always says why.

Rules are anchored to whole lines and bounded by length: a furniture line is short and
has a typical shape ("WATCH: ...", "Jane Roe/Getty Images", "Story continues below
advertisement"), while a story sentence that merely contains "watch" or "advertisement"
is left alone. Every pattern is linear in its input (no nested unbounded repetition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that are furniture when they are the whole line (compared in lower case, with
# surrounding quote marks and a trailing ":", "|" or bullet dropped), one set per kind.
WORD_LINES: dict[str, frozenset[str]] = {
    "social:button": frozenset(
        {
            "share",
            "share this",
            "share this article",
            "share this story",
            "share on facebook",
            "share on twitter",
            "tweet",
            "facebook",
            "twitter",
            "x",
            "linkedin",
            "whatsapp",
            "email",
            "e-mail",
            "print",
            "copy link",
            "pinterest",
            "reddit",
            "messenger",
            "telegram",
            "comments",
            "comment",
            "save",
            "follow",
            "subscribe",
        }
    ),
    "advertisement:label": frozenset(
        {
            "advertisement",
            "advert",
            "ad",
            "ads",
            "sponsored",
            "sponsored content",
            "paid content",
            "paid post",
            "promoted",
            "promoted content",
            "skip advertisement",
        }
    ),
    "related:heading": frozenset(
        {
            "read more",
            "related",
            "related stories",
            "related articles",
            "related coverage",
            "related content",
            "related links",
            "related topics",
            "related news",
            "related video",
            "related videos",
            "also read",
            "read also",
            "see also",
            "more on this story",
            "more on this",
            "more stories",
            "more news",
            "recommended",
            "recommended stories",
            "recommended for you",
            "you may also like",
            "you might also like",
            "don't miss",
            "don\u2019t miss",
            "most read",
            "most popular",
            "trending",
            "trending now",
            "top stories",
            "further reading",
            "read next",
            "up next",
            "editor's picks",
            "editor\u2019s picks",
        }
    ),
    "video:word": frozenset(
        {"video", "watch", "watch live", "watch now", "play video", "watch the video", "listen live"}
    ),
    "navigation:control": frozenset(
        {
            "skip to content",
            "listen",
            "listen to this article",
            "play",
            "close",
            "menu",
            "back to top",
            "article content",
            "sign in",
            "log in",
            "create an account",
            "subscribe now",
            "open in app",
        }
    ),
    "photo:credit_word": frozenset(
        {
            "image source",
            "image caption",
            "media caption",
            "getty images",
            "getty",
            "reuters",
            "afp",
            "ap",
            "ap photo",
            "epa",
            "file photo",
            "handout",
            "the canadian press",
            "the associated press",
            "shutterstock",
            "gallery",
            "photo gallery",
            "view gallery",
            "open gallery",
            "enlarge this image",
            "hide caption",
            "toggle caption",
        }
    ),
}

# News and photo agencies as they are credited under a picture ("Jane Roe/Getty Images",
# "(AP Photo/Jane Roe)"). Bare "PA" and "CP" are left out: they are also abbreviations in stories.
_AGENCY = (
    r"(?:Getty Images|Getty|Reuters|REUTERS|AP Photo|AP|AFP|EPA(?:-EFE)?|PA (?:Images|Wire|Media)|"
    r"The Canadian Press|THE CANADIAN PRESS|Canadian Press|The Associated Press|Associated Press|"
    r"Shutterstock|Alamy|Bloomberg|NurPhoto|Anadolu(?: Agency)?|Xinhua|SIPA|Sipa USA|Handout|Supplied)"
)
_NAME = r"[A-Z][\w.'\u2019\-]{0,30}(?: [A-Z][\w.'\u2019\-]{0,30}){0,4}"  # "Jane Roe", "FABRICE COFFRINI"
_SENTENCE_START = r"(?:^\(?|[.!?][\"\u201d\u2019)]?\s+)"  # a line's start, or the start of a sentence in it


@dataclass(frozen=True)
class LineRule:
    """One named furniture pattern: a line of at most `max_len` characters that `pattern` finds
    (and, when given, `requires` finds too) is furniture of this rule. `needs` (lower case, any
    of them) is a cheap test that the line can match at all, for patterns not anchored at its start."""

    name: str
    pattern: re.Pattern[str]
    max_len: int
    requires: re.Pattern[str] | None = None
    needs: tuple[str, ...] = ()

    def matches(self, line: str, lower: str | None = None) -> bool:
        """Whether the (stripped) line is furniture by this rule; `lower` is the line in lower case, if at hand."""
        if len(line) > self.max_len:
            return False
        if self.needs:
            low = line.lower() if lower is None else lower
            if not any(n in low for n in self.needs):
                return False
        if self.pattern.search(line) is None:
            return False
        return self.requires is None or self.requires.search(line) is not None


def _rule(
    name: str,
    pattern: str,
    max_len: int,
    requires: str | None = None,
    flags: int = re.IGNORECASE,
    needs: tuple[str, ...] = (),
) -> LineRule:
    required = re.compile(requires, re.IGNORECASE) if requires else None
    return LineRule(name, re.compile(pattern, flags), max_len, required, needs)


RULES: tuple[LineRule, ...] = (
    # Video and audio teasers, links to a player, the player's own messages.
    _rule("video:label", r"^(?:watch(?: live| now| again)?|videos?|live video|listen)\s*[:|]\s*\S", 250),
    _rule("video:click_to_play", r"^(?:click|tap|press) (?:here )?to (?:play|watch|view|listen)\b", 250),
    _rule(
        "video:watch_video",
        r"^\(?(?:watch|see|view) (?:the |our |a |this )?(?:full |latest |whole |new )?"
        r"(?:video|clip|footage)\b(?:[^.!?]|\.(?=\S)){0,80}[.:!]?\)?$",
        120,
    ),
    _rule(
        "video:pointer",
        r"^\(?(?:watch|see|view|listen to)\b(?:[^.!?]|\.(?=\S)){0,100}\b(?:above|below|here)\s*[.:!]?\)?$",
        130,
    ),
    _rule(
        "video:player_message",
        r"^(?:(?:we(?:'|\u2019)?re sorry|we are sorry|sorry|we apologi[sz]e),?(?: but)?\s*)?(?:this|the) video (?:is |has )?"
        r"(?:been )?(?:restricted|unavailable|not available|no longer available|failed to load|could not be loaded)\b|"
        r"^video (?:unavailable|not available)\.?$|"
        r"^your browser does not support\b",
        160,
    ),
    # Links to other stories.
    _rule(
        "related:label",
        r"^(?:read more|related(?: stories| coverage| content| video| articles)?|also read|read also|see also|"
        r"more|more on|more from|recommended|trending|must read|don'?t miss|top stories|latest)\s*[:|]\s*\S",
        250,
    ),
    _rule(
        "related:heading_shape",
        r"^(?:latest|more|top|recommended|related|popular|trending) [\w ]{0,30}(?:stories|news|videos|articles|headlines)$",
        60,
    ),
    _rule(
        "related:read_more",
        r"^\(?(?:read|see|view) (?:more (?:about|at|on|here|from|of|stories|photos|news|coverage)\b[^,]{0,150}$|"
        r"the full (?:story|article|report|interview)|the rest|the original|our full)\b",
        200,
    ),
    _rule(
        "related:coverage",
        r"^(?:follow|for|see|read|find)\b[^.!?]{0,80}\b(?:full|complete|more|latest|live|continuing) coverage\b",
        250,
    ),
    # Photo credits and captions.
    _rule(
        "photo:label",
        r"^\(?\s*(?:photo|photograph|picture|image|file photo|photo credit|image credit|credit|pictured|"
        r"caption|photo illustration)s?\s*[:|]\s*\S",
        350,
    ),
    _rule("photo:caption_label", r"^(?:image|media|photo|video) caption\b", 350),
    _rule("photo:file", r"^(?:FILE(?: PHOTO)?\s*[-\u2013\u2014:]\s|(?i:file (?:photo|image|picture))\b)", 400, flags=0),
    _rule(
        "photo:by",
        r"^\(?(?:photo|photograph|image|picture|video)s? (?:by|courtesy(?: of)?)\s+\S|^courtesy(?: of)? [A-Z]",
        120,
    ),
    _rule(
        "photo:credit_line",
        rf"^[\-\u2013\u2014\u00a9 ]{{0,3}}(?:{_NAME}\s*(?:/|\bvia\b|\bfor\b)\s*)?{_AGENCY}"
        rf"(?:\s*/\s*{_NAME})?(?:,? (?i:file))?[.)]?$",
        90,
        flags=0,
    ),
    _rule(
        "photo:name_credit",
        r"^[A-Z][\w.'\u2019\-]{1,30}(?: [A-Z][\w.'\u2019\-]{0,30}){1,3} ?/ ?[A-Z][\w.'\u2019\-]{1,30}"
        r"(?: [A-Z][\w.'\u2019\-]{0,30}){0,4}\.?$",
        70,
        flags=0,
    ),
    _rule(
        "photo:caption_credit",
        rf"\((?:(?i:photo|photograph|image|picture|file photo|credit)\b[^()]{{0,100}}|{_AGENCY}|"
        rf"[^()/]{{0,60}}/\s*{_AGENCY}\b[^()]{{0,40}}|{_AGENCY}\s*/[^()]{{1,60}}|"
        r"(?:Submitted|Supplied|Courtesy|Handout)\b[^()]{0,60})\)\.?$",
        400,
        flags=0,
        needs=(")",),
    ),
    _rule(  # "... on Tuesday. (Jane Roe/CBC)": a person's name and an outlet, after a sentence
        "photo:caption_name_credit",
        rf"(?:^|[.!?][\"\u201d\u2019]?\s+)\([A-Z][\w.'\u2019\-]{{1,30}}(?: [A-Z][\w.'\u2019\-]{{0,30}}){{1,3}} ?/ ?{_NAME}\)\.?$",
        400,
        flags=0,
        needs=("/",),
    ),
    _rule(
        "photo:caption_trailing_credit",
        rf"(?:\bTHE CANADIAN PRESS/{_NAME}|\bAP Photo/{_NAME}|\bPhotograph: [^.]{{1,80}}|"
        r"\b[A-Z]{2,}[A-Z.'\-]* [A-Z.'\-]{2,}(?: [A-Z.'\-]{2,}){0,2} ?/ ?[A-Z]{2,}[A-Z.'\-]*(?: [A-Z.'\-]{1,}){0,4})\.?$",
        400,
        flags=0,
        needs=("/", "photograph:"),
    ),
    # Credits for the story itself, after it: they name people and agencies who are not in the story.
    _rule(
        "credit:with_files", r"^[\-\u2013\u2014]?\s*with (?:files|reporting|additional reporting) (?:from|by)\b", 200
    ),
    _rule(
        "credit:contributed", r"\bcontributed (?:to )?this (?:report|story|article)\.?$", 250, needs=("contributed",)
    ),
    _rule(
        "credit:first_published",
        r"^this (?:report|story|article) (?:by .{1,60} )?was (?:first|originally) published\b",
        200,
    ),
    # Advertisement markers.
    _rule(
        "advertisement:continues", r"^(?:the )?(?:story|article|content|text) continues (?:below|after)\b.{0,40}$", 80
    ),
    _rule("advertisement:continue_reading", r"^(?:continue reading\b|scroll (?:down )?to continue\b).{0,40}$", 60),
    _rule(
        "advertisement:prefix",
        r"^advertisement\b(?:\s*[\-\u2013\u2014:|\u2022\u00b7]|\s+(?:story|article|content|continues?|scroll|skip)\b)|"
        r"^(?:sponsored|paid) (?:content|post|partner)\b",
        80,
    ),
    # Newsletter and subscription prompts.
    _rule(
        "newsletter:sign_up",
        rf"(?:{_SENTENCE_START}|^for [^.!?,]{{0,80}},\s*)(?:sign up|subscribe|register|opt in)\b",
        250,
        requires=r"\b(?:newsletters?|inbox|alerts?|updates|podcast|here|button|digest|briefing|itunes)\b",
        needs=("sign up", "subscribe", "register", "opt in"),
    ),
    _rule("newsletter:prefix", r"^(?:sign up|subscribe to)\b", 80),
    _rule(
        "newsletter:app",
        r"^(?i:download|get) (?i:the|our) (?:(?i:free) )?(?:[A-Z][\w.'\u2019\-]{0,30} ){1,4}(?i:apps?)\b",
        150,
        flags=0,
    ),
    _rule(
        "newsletter:delivered",
        r"^(?:get|receive|have)\b[^.!?]{0,150}\b(?:delivered|sent|straight)\b[^.!?]{0,40}\b(?:inbox|to you|your email)\b",
        300,
    ),
    _rule(
        "newsletter:get_news",
        r"^get (?:breaking|daily|weekly|the latest|the day's|the day\u2019s|today's|today\u2019s|our)\b[^.!?]{0,60}"
        r"\b(?:news|headlines|newsletters?|updates)\b",
        250,
    ),
    # Social prompts.
    _rule(
        "social:follow",
        rf"{_SENTENCE_START}(?i:follow) (?:(?i:us|me|him|her|them)|{_NAME})(?: (?i:on) "
        r"(?i:twitter|x|facebook|instagram|tiktok|threads|bluesky|linkedin|youtube|mastodon|social media)\b| @\w)",
        200,
        flags=0,
        needs=("follow",),
    ),
    _rule("social:follow_us", r"^follow us\b", 80),
    _rule("social:share_label", r"^share (?:this|the) (?:story|article)\s*[:|]", 250),
    _rule("social:share_prefix", r"^(?:share (?:this|on|via)|(?:click|tap) (?:here )?to (?:share|tweet))\b", 80),
    _rule(
        "social:comments",
        r"^(?:\d{1,6} comments?|(?:join the conversation|leave a comment|view comments|show comments|add a comment)\b.{0,30})$",
        60,
    ),
    # Older line rules, kept as they were.
    _rule("link:click_here", r"^click here\b", 80),
    _rule(
        "timestamp:line",
        r"^(?:updated|published|posted|last updated)\b.{0,80}$|^\d{1,2}:\d{2}\s*(?:am|pm|gmt|utc|bst|et)?$",
        80,
    ),
)

_QUOTES_AROUND = "\"'\u201c\u201d\u2018\u2019"


def furniture_rule(line: str) -> str | None:
    """The name of the rule by which `line` is page furniture (`kind:rule`), or None for story text."""
    s = line.strip()
    if not s:
        return None
    lower = s.lower()
    word = lower.strip(_QUOTES_AROUND).rstrip(":|\u2022\u00b7")
    for name, words in WORD_LINES.items():
        if word in words:
            return name
    for rule in RULES:
        if rule.matches(s, lower):
            return rule.name
    return None


RULE_NAMES: tuple[str, ...] = tuple(WORD_LINES) + tuple(r.name for r in RULES)
