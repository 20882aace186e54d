"""Enriched events as HTML: entities highlighted by type, quotes with speakers, clusters grouped.

Pure functions of the event dicts; every piece of article text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable, Sequence

#: Labels with a colour of their own in the page's CSS; others are shown as "other".
LABELS = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "DATE",
    "TIME",
    "MONEY",
    "PERCENT",
    "QUANTITY",
    "CARDINAL",
    "ORDINAL",
    "LANGUAGE",
)


def mention_spans(entities: Iterable[dict[str, Any]], text_len: int) -> list[tuple[int, int, str, str]]:
    """(start, end, label, name) of every mention, sorted, inside the text and not overlapping.

    Where two mentions overlap the earlier one wins, and at the same start the longer one.
    """
    spans = []
    for ent in entities or ():
        for m in ent.get("mentions") or ():
            start, end = int(m.get("start", -1)), int(m.get("end", -1))
            if 0 <= start < end <= text_len:
                spans.append((start, end, str(ent.get("label") or ""), str(ent.get("name") or "")))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, str, str]] = []
    last_end = 0
    for span in spans:
        if span[0] >= last_end:
            out.append(span)
            last_end = span[1]
    return out


def highlight_text(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """The text as HTML with each entity mention in a `<mark class="ent" data-label=...>`; paragraphs kept."""
    parts = []
    pos = 0
    for start, end, label, name in mention_spans(entities, len(text)):
        parts.append(escape(text[pos:start]))
        parts.append(
            f'<mark class="ent" data-label="{escape(label)}" title="{escape(label)}: {escape(name)}">'
            f"{escape(text[start:end])}</mark>"
        )
        pos = end
    parts.append(escape(text[pos:]))
    html = "".join(parts)
    return "".join(f"<p>{p}</p>" for p in html.split("\n\n") if p.strip()) or "<p></p>"


#: Labels of values rather than names: highlighted in the text, summarised in one chip.
VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})


def entity_chips(entities: Sequence[dict[str, Any]]) -> str:
    """The article's named entities as chips (by label, then by mention count); values summarised in one chip."""
    named = [e for e in entities or () if str(e.get("label")) not in VALUE_LABELS]
    values = len(entities or ()) - len(named)
    ordered = sorted(named, key=lambda e: (str(e.get("label")), -int(e.get("count") or 0), str(e.get("name"))))
    chips = [
        f'<span class="chip ent" data-label="{escape(str(e.get("label")))}">{escape(str(e.get("name")))}'
        f"<small>{escape(str(e.get('label')))} ×{int(e.get('count') or 0)}</small></span>"
        for e in ordered
    ]
    if values:
        chips.append(f'<span class="chip values">+{values} dates, amounts and numbers</span>')
    return f'<div class="chips">{"".join(chips)}</div>' if chips else '<div class="chips empty">no entities</div>'


def quote_list(quotes: Sequence[dict[str, Any]]) -> str:
    """The quotes as a list: the quoted text and its speaker (or "unattributed")."""
    if not quotes:
        return '<p class="no-quotes">no quotes</p>'
    items = []
    for q in quotes:
        speaker = q.get("speaker")
        if speaker:
            who = (
                f'<span class="speaker" data-label="{escape(str(q.get("speaker_label") or ""))}">'
                f"{escape(str(speaker))}</span>"
            )
        else:
            who = '<span class="speaker unknown">unattributed</span>'
        cue = f' <span class="cue">{escape(str(q["cue"]))}</span>' if q.get("cue") else ""
        items.append(
            f'<li class="quote"><q>{escape(str(q.get("text") or ""))}</q>'
            f'<span class="attribution">— {who}{cue}</span></li>'
        )
    return f'<ul class="quotes">{"".join(items)}</ul>'


def dedup_badge(dedup: dict[str, Any] | None) -> str:
    """A badge with the dedup verdict: unique, or duplicate of which article and how similar."""
    if not dedup:
        return ""
    status = str(dedup.get("status") or "unique")
    if status == "unique":
        return '<span class="badge unique">unique</span>'
    sim = dedup.get("similarity")
    sim_text = f" ({float(sim):.2f})" if isinstance(sim, (int, float)) else ""
    return (
        f'<span class="badge dup" data-status="{escape(status)}">{escape(status.replace("_", " "))} of '
        f"<code>{escape(str(dedup.get('duplicate_of')))}</code>{sim_text}</span>"
    )


def render_article(event: dict[str, Any]) -> str:
    """One enriched event as an `<article>` card."""
    text = str(event.get("text") or "")
    entities = event.get("entities") or []
    quotes = event.get("quotes") or []
    title = event.get("title") or (text[:80] + "…" if len(text) > 80 else text) or "(untitled)"
    status = str((event.get("dedup") or {}).get("status") or "unique")
    meta = [f'<code class="id">{escape(str(event.get("id")))}</code>']
    if event.get("source"):
        meta.append(f'<span class="source">{escape(str(event["source"]))}</span>')
    meta.append(dedup_badge(event.get("dedup")))
    meta.append(f'<span class="counts">{len(entities)} entities · {len(quotes)} quotes</span>')
    return (
        f'<article class="article" data-id="{escape(str(event.get("id")))}" data-status="{escape(status)}">'
        f'<header><h3>{escape(str(title))}</h3><div class="meta">{" ".join(m for m in meta if m)}</div></header>'
        f"{entity_chips(entities)}"
        f'<div class="text">{highlight_text(text, entities)}</div>'
        f'<section class="quotes-box"><h4>Quotes</h4>{quote_list(quotes)}</section>'
        f"</article>"
    )


def cluster_key(event: dict[str, Any]) -> str:
    """The duplicate cluster of an event: its dedup cluster id, else the first-seen copy's id, else its own."""
    dedup = event.get("dedup") or {}
    return str(dedup.get("cluster_id") or dedup.get("duplicate_of") or event.get("id"))


def group_clusters(events: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Events grouped by cluster; the newest cluster first; in a cluster, the first-seen copy first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        groups.setdefault(cluster_key(event), []).append(event)

    def first_seen(e: dict[str, Any]) -> tuple:
        return ((e.get("dedup") or {}).get("status", "unique") != "unique", e.get("_seq", 0))

    clusters = [sorted(members, key=first_seen) for members in groups.values()]
    clusters.sort(key=lambda members: max(e.get("_seq", 0) for e in members), reverse=True)
    return clusters


def render_feed(events: Sequence[dict[str, Any]]) -> str:
    """Every event, grouped into cluster sections (`.cluster.dup` when it holds more than one article)."""
    if not events:
        return '<p class="empty-feed">waiting for articles on the enriched topic…</p>'
    sections = []
    for members in group_clusters(events):
        key = escape(cluster_key(members[0]))
        if len(members) > 1:
            head = (
                f'<h2 class="cluster-head">Duplicate cluster · {len(members)} articles · '
                f"first seen <code>{escape(str(members[0].get('id')))}</code></h2>"
            )
            sections.append(
                f'<section class="cluster dup" data-cluster="{key}" data-size="{len(members)}">{head}'
                f"{''.join(render_article(e) for e in members)}</section>"
            )
        else:
            sections.append(
                f'<section class="cluster single" data-cluster="{key}" data-size="1">'
                f"{render_article(members[0])}</section>"
            )
    return "".join(sections)


def render_legend() -> str:
    """The colour legend of entity labels."""
    return " ".join(f'<span class="chip ent" data-label="{label}">{label}</span>' for label in LABELS[:10])
