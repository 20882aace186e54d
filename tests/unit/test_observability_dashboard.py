"""The dashboard's pure parts: HTML of articles and clusters, SVG charts, the store, stage series."""

import re
from html.parser import HTMLParser

from newsflow.web.dashboard.charts import line_chart, nice_max
from newsflow.web.dashboard.render import (
    cluster_key,
    group_clusters,
    highlight_text,
    mention_spans,
    quote_list,
    render_article,
    render_feed,
)
from newsflow.web.dashboard.stats import StageReading, StageSeries, stage_reading
from newsflow.web.dashboard.store import ArticleStore

TEXT = 'Mr Blair said: "We <will> win."\n\nGordon Brown & Labour agreed in London.'


def _event(id_, status="unique", dup_of=None, cluster="c-" + "x", seq=0, **over):
    ev = {
        "id": id_,
        "title": f"Title {id_}",
        "text": TEXT,
        "entities": [
            {
                "name": "Tony Blair",
                "label": "PERSON",
                "count": 1,
                "mentions": [{"text": "Blair", "start": 3, "end": 8}],
            },
            {
                "name": "Gordon Brown",
                "label": "PERSON",
                "count": 1,
                "mentions": [{"text": "Gordon Brown", "start": 33, "end": 45}],
            },
            {"name": "Labour", "label": "ORG", "count": 1, "mentions": [{"text": "Labour", "start": 48, "end": 54}]},
            {"name": "London", "label": "GPE", "count": 1, "mentions": [{"text": "London", "start": 67, "end": 73}]},
        ],
        "quotes": [
            {
                "text": "We <will> win.",
                "speaker": "Tony Blair",
                "speaker_label": "PERSON",
                "cue": "said",
                "kind": "direct",
                "start": 16,
                "end": 30,
            }
        ],
        "dedup": {
            "status": status,
            "duplicate_of": dup_of,
            "similarity": 1.0 if dup_of else 1.0,
            "cluster_id": cluster,
        },
        "_seq": seq,
    }
    ev.update(over)
    return ev


class Checker(HTMLParser):
    """Fails on mismatched tags, so rendered HTML is well formed."""

    VOID = {"br", "img", "hr", "meta", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


def well_formed(html):
    c = Checker()
    c.feed(html)
    c.close()
    assert c.stack == []
    return html


def test_mentions_are_highlighted_by_label_and_text_is_escaped():
    html = well_formed(highlight_text(TEXT, _event("a")["entities"]))
    assert '<mark class="ent" data-label="PERSON" title="PERSON: Tony Blair">Blair</mark>' in html
    assert '<mark class="ent" data-label="ORG" title="ORG: Labour">Labour</mark>' in html
    assert "&lt;will&gt;" in html and "<will>" not in html
    assert "Gordon Brown</mark> &amp; " in html
    assert html.count("<p>") == 2  # paragraphs kept


def test_overlapping_and_out_of_range_mentions_are_dropped():
    ents = [
        {"name": "A", "label": "ORG", "mentions": [{"start": 0, "end": 5}, {"start": 90, "end": 95}]},
        {"name": "B", "label": "PERSON", "mentions": [{"start": 2, "end": 4}, {"start": 0, "end": 9}]},
    ]
    assert mention_spans(ents, 20) == [(0, 9, "PERSON", "B")]


def test_quotes_show_their_speaker_or_unattributed():
    html = well_formed(
        quote_list(
            [
                {"text": "Yes", "speaker": "Tony Blair", "speaker_label": "PERSON", "cue": "said"},
                {"text": "No <b>", "speaker": None},
            ]
        )
    )
    assert '<span class="speaker" data-label="PERSON">Tony Blair</span>' in html
    assert '<span class="speaker unknown">unattributed</span>' in html
    assert "No &lt;b&gt;" in html
    assert "no quotes" in quote_list([])


def test_an_article_card_carries_id_status_entities_and_quotes():
    html = well_formed(render_article(_event("a<1>", status="near_duplicate", dup_of="z", cluster="c")))
    assert 'data-id="a&lt;1&gt;"' in html and 'data-status="near_duplicate"' in html
    assert "near duplicate of <code>z</code> (1.00)" in html
    assert re.search(r'class="chip ent" data-label="GPE">London', html)
    assert "4 entities · 1 quotes" in html


def test_value_entities_are_summarised_in_one_chip():
    ev = _event(
        "a",
        entities=[
            {"name": "2004", "label": "DATE", "count": 1, "mentions": []},
            {"name": "three", "label": "CARDINAL", "count": 2, "mentions": []},
        ],
    )
    assert "+2 dates, amounts and numbers" in render_article(ev)


def test_duplicates_are_grouped_with_the_first_seen_copy_first_and_newest_cluster_first():
    first = _event("orig", cluster="c1", seq=1)
    other = _event("other", cluster="c2", seq=2)
    dup = _event("copy", status="duplicate", dup_of="orig", cluster="c1", seq=3)
    clusters = group_clusters([dup, other, first])
    assert [[e["id"] for e in c] for c in clusters] == [["orig", "copy"], ["other"]]
    html = well_formed(render_feed([first, other, dup]))
    assert html.index('data-cluster="c1"') < html.index('data-cluster="c2"')
    assert '<section class="cluster dup" data-cluster="c1" data-size="2">' in html
    assert '<section class="cluster single" data-cluster="c2" data-size="1">' in html
    assert "Duplicate cluster · 2 articles · first seen <code>orig</code>" in html


def test_cluster_key_falls_back_to_duplicate_of_then_id():
    assert cluster_key({"id": "x", "dedup": {"cluster_id": "c"}}) == "c"
    assert cluster_key({"id": "x", "dedup": {"duplicate_of": "y"}}) == "y"
    assert cluster_key({"id": "x"}) == "x"
    assert "waiting for articles" in render_feed([])


def test_store_upserts_by_id_keeps_the_bound_and_counts_versions():
    store = ArticleStore(max_articles=2)
    store.add({"id": "a", "v": 1})
    store.add({"id": "b"})
    store.add({"id": "a", "v": 2})  # a re-delivery replaces in place
    version, items = store.snapshot()
    assert version == 3 and [(i["id"], i.get("v")) for i in items] == [("a", 2), ("b", None)]
    assert items[0]["_seq"] == 1
    store.add({"id": "c"})
    assert [i["id"] for i in store.snapshot()[1]] == ["b", "c"] and len(store) == 2


def test_chart_has_one_polyline_per_series_scaled_to_a_nice_maximum():
    svg = line_chart("Lag", {"normalize": [(90.0, 0.0), (100.0, 7.0)], "dedup": [(100.0, 3.0)]}, window_s=60, now=100.0)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('<polyline class="series"') == 2
    assert 'data-series="normalize"' in svg and ">10<" in svg  # y axis max 10 for 7
    assert "<script" not in svg and "http://www.w3.org/2000/svg" in svg
    assert [nice_max(v) for v in (0, 0.3, 1, 7, 11, 240)] == [1, 0.5, 1, 10, 20, 250]


def test_stage_reading_sums_partitions_and_counts_uncommitted_from_the_beginning():
    r = stage_reading({0: 5, 1: None}, {0: 8, 1: 4, 2: 3}, {1: 1})
    assert r == StageReading(committed=5 + 1 + 0, lag=3 + 3 + 3, end=15)


def test_stage_series_turns_committed_offsets_into_throughput():
    series = StageSeries(stages=("normalize",), points=3)
    series.add(10.0, {"normalize": StageReading(0, 5, 5)})
    series.add(12.0, {"normalize": StageReading(6, 0, 6)}, dead_letters=1)
    series.add(14.0, {"normalize": StageReading(6, 0, 6), "unknown": StageReading(1, 1, 1)})
    snap = series.snapshot()
    assert snap["throughput"]["normalize"] == [(10.0, 0.0), (12.0, 3.0), (14.0, 0.0)]
    assert snap["lag"]["normalize"] == [(10.0, 5.0), (12.0, 0.0), (14.0, 0.0)]
    assert snap["dead_letters"] == 1 and snap["latest"]["normalize"].committed == 6
