"""Turning what a scraper delivered into story text, keeping what was removed.

Every function here is pure and linear in its input (no regex with nested unbounded
repetition), so a hostile body cannot stall a worker.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from services.normalize.furniture import furniture_rule

_BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote|figure|figcaption|aside)\b[^>]{0,2000}>",
    re.IGNORECASE,
)
# Elements dropped with their content. Openers and closers are found separately (see
# `_drop_spans`): one regex `<script>.*?</script>` rescans to the end of the text from every
# opener that has no closer, which is quadratic on "<script>" x 10,000.
_DROP_OPEN = re.compile(r"<\s*(script|style|noscript|template|svg|iframe)\b[^>]{0,2000}>", re.IGNORECASE)
_DROP_CLOSE = {
    name: re.compile(r"<\s*/\s*" + name + r"\s*>", re.IGNORECASE)
    for name in ("script", "style", "noscript", "template", "svg", "iframe")
}
_COMMENT_OPEN = re.compile(r"<!--")
_COMMENT_CLOSE = re.compile(r"-->")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>")
_HTML_HINT = re.compile(r"</?(?:p|div|br|span|a|b|i|em|strong|li|h[1-6]|script|style|html|body)\b", re.IGNORECASE)

# Mojibake: UTF-8 bytes read as cp1252/latin-1 ("â€™" for "’", "Ã©" for "é").
_MOJIBAKE_HINT = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Market widgets a scraper picks up around a story: a ticker symbol, a price change.
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_NUMBER = re.compile(r"^[+\-\u2212]?[$€£¥]?\d[\d,]*(?:\.\d+)?%?$")

# Wire signatures after a story: "B.Chan--ThChM", "abc/def/xyz", "(Reporting by X; Editing by Y)".
_SIGNATURE_PATTERNS = (
    re.compile(r"^[A-Za-z][\w.\-']{0,40}--[\w.\-/]{1,40}$"),
    re.compile(r"^[a-z]{2,6}(?:[/-][a-z]{2,6}){1,5}$"),
    re.compile(r"^\((?:reporting|writing|editing|additional reporting)\b[^()\n]{0,300}\)$", re.IGNORECASE),
    re.compile(r"^(?:©|\(c\)|copyright)\s*\d{4}\b.{0,120}$", re.IGNORECASE),
    re.compile(r"^--\s*[\w .]{1,60}$"),
)
_DATELINE = re.compile(
    r"^((?:[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3})"  # LONDON / NEW YORK / PARIS
    r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?)?"  # , April 26
    r"\s*(?:\((?:[A-Z][\w ]{1,20})\))?"  # (Reuters)
    r"\s*[\-\u2013\u2014]{1,2}\s+)"
)

_SENTENCE_END = tuple(".!?:;\"'\u201d\u2019)]\u2026")


@dataclass
class Cleaned:
    """The result of cleaning one body: story text and what was moved out of it."""

    text: str
    signature: str | None = None
    dateline: str | None = None
    removed: list[str] = field(default_factory=list)
    removed_by: list[str] = field(default_factory=list)  # the rule that removed each line of `removed`


def looks_like_html(body: str) -> bool:
    """Whether a body carries HTML markup (tags, not just a stray '<')."""
    return _HTML_HINT.search(body) is not None


def _drop_spans(text: str, opener: re.Pattern, closer_of) -> str:
    """`text` with each span from an opener to its closer replaced by a space, in linear time.

    An opener without a closer is kept (as the old regex did); once a closer is missing
    after some position, later openers of that kind are not searched again.
    """
    out: list[str] = []
    pos = i = 0
    no_closer_after: dict[str, int] = {}
    while True:
        m = opener.search(text, i)
        if m is None:
            break
        i = m.start() + 1  # the next opener may start inside this one, as with the one-regex form
        kind = m.group(1).lower() if m.groups() else ""
        if kind in no_closer_after and m.end() >= no_closer_after[kind]:
            continue
        close = closer_of(kind).search(text, m.end())
        if close is None:
            no_closer_after[kind] = m.end()
            continue
        out.append(text[pos : m.start()])
        out.append(" ")
        pos = i = close.end()
    out.append(text[pos:])
    return "".join(out)


def html_to_text(body: str) -> str:
    """Plain text of an HTML fragment: block elements become line breaks, entities are decoded."""
    body = _drop_spans(body, _COMMENT_OPEN, lambda _: _COMMENT_CLOSE)
    body = _drop_spans(body, _DROP_OPEN, _DROP_CLOSE.__getitem__)
    body = _BLOCK_TAGS.sub("\n", body)
    body = _TAG.sub("", body)
    return body


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252 or latin-1 ("donâ€™t" -> "don’t"), when that is what happened.

    ftfy does the repair (it also mends double and partial mojibake, which a whole-text
    re-decode cannot: docs/extraction.md); the cheap hint keeps clean text from paying for it.
    """
    if not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy

    return ftfy.fix_text(
        text,
        uncurl_quotes=False,
        unescape_html=False,
        fix_character_width=False,
        fix_latin_ligatures=False,
        fix_line_breaks=False,
        normalization=None,
    )


def normalize_characters(text: str) -> str:
    """NFC, no control or zero-width characters, one kind of space, Unix line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return text


def is_market_widget(line: str) -> bool:
    """A ticker symbol or a price/percentage change standing alone on a line."""
    s = line.strip()
    return bool(s) and len(s) <= 12 and bool(_TICKER.match(s) or _NUMBER.match(s))


def is_page_furniture(line: str) -> bool:
    """Share buttons, ad labels, teasers, credits, prompts, timestamps: page furniture, wherever it stands."""
    return furniture_rule(line) is not None


def widget_rule(line: str) -> str | None:
    """The name of the rule by which `line` is a widget or page furniture rather than story, or None."""
    rule = furniture_rule(line)
    if rule is None and is_market_widget(line):
        return "widget:market"
    return rule


def is_widget_line(line: str) -> bool:
    """A line that is page furniture or a market widget rather than story."""
    return widget_rule(line) is not None


def is_signature_line(line: str) -> bool:
    """A wire signature or credit line after the story."""
    s = line.strip()
    return bool(s) and len(s) <= 320 and any(p.match(s) for p in _SIGNATURE_PATTERNS)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of text: blank lines separate them; hard-wrapped lines inside one are joined."""
    blocks = list(re.split(r"\n[ ]*\n+", text))
    out: list[str] = []
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        current = [lines[0]]  # pieces of one paragraph, joined once (repeated `+` is quadratic)
        length = len(lines[0])
        for line in lines[1:]:
            # a furniture line ("WATCH: ...") is never continued: the next line is not its wrapped rest
            if _is_wrapped_continuation(current[-1], line, length) and not (
                len(current) == 1 and furniture_rule(current[0]) is not None
            ):
                current.append(line)
                length += 1 + len(line)
            else:
                out.append(" ".join(current))
                current, length = [line], len(line)
        out.append(" ".join(current))
    return out


def _is_wrapped_continuation(previous: str, line: str, previous_len: int | None = None) -> bool:
    """Whether `line` continues `previous` (the paragraph so far, of `previous_len` characters) that a re-wrap broke."""
    if previous.endswith(_SENTENCE_END):
        return False
    first = line[0]
    return first.islower() or (
        (len(previous) if previous_len is None else previous_len) >= 40
        and not previous.endswith(("-", "\u2013", "\u2014"))
        and not first.isupper()
        and first not in "\"'\u201c\u2018"
    )


def _split_furniture(paragraphs: list[str]) -> tuple[list[str], str | None, list[str], list[str]]:
    """The story's paragraphs, the signature, and the lines moved out (leading and trailing widgets, furniture
    anywhere) with the rule that moved each."""
    removed: list[str] = []
    removed_by: list[str] = []
    start, end = 0, len(paragraphs)
    while start < end and (rule := widget_rule(paragraphs[start])) is not None:
        removed.append(paragraphs[start])
        removed_by.append(rule)
        start += 1
    signature = None
    trailing: list[tuple[str, str]] = []
    while start < end:
        line = paragraphs[end - 1]
        if signature is None and is_signature_line(line):
            signature = line
        elif (rule := widget_rule(line)) is not None:
            trailing.append((line, rule))
        else:
            break
        end -= 1
    kept = []
    for p in paragraphs[start:end]:  # furniture in the middle of a story; a short all-caps line there is a heading
        rule = furniture_rule(p)
        if rule is None:
            kept.append(p)
        else:
            removed.append(p)
            removed_by.append(rule)
    for line, rule in reversed(trailing):
        removed.append(line)
        removed_by.append(rule)
    return kept, signature, removed, removed_by


def clean_body(body: str, line_rules: bool = True) -> Cleaned:
    """Story text of a scraped body, with widget and furniture lines, signature and dateline moved to fields.

    `line_rules=False` only repairs the text (markup, entities, encoding, wrapping): for a title,
    which is one line the publisher wrote and never page furniture.
    """
    text = body
    if looks_like_html(text):
        text = html_to_text(text)
    if "&" in text:
        text = html.unescape(text)
    text = repair_mojibake(text)
    text = normalize_characters(text)

    paragraphs = _paragraphs(text)
    if not line_rules:
        return Cleaned(text="\n\n".join(paragraphs))
    kept, signature, removed, removed_by = _split_furniture(paragraphs)
    dateline = None
    if kept:
        m = _DATELINE.match(kept[0])
        if m and len(m.group(1)) < len(kept[0]):
            dateline = m.group(1).strip().rstrip("-\u2013\u2014 ").strip()
            kept[0] = kept[0][m.end() :]
    return Cleaned(
        text="\n\n".join(kept), signature=signature, dateline=dateline, removed=removed, removed_by=removed_by
    )
