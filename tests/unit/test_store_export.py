"""The pure parts of the pages an analyst keeps open: export tables and CSV, search words marked, charts that
read well with one day or one time."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest

from newsflow.store.export import answer_csv, csv_text, file_name, parse_format, safe_cell, table
from newsflow.store.params import QueryError
from newsflow.web.charts import bar_chart, timeline
from newsflow.web.highlight import highlight

QUOTE = {
    "quote_id": "a1:0",
    "text": '=HYPERLINK("http://x.example","click")',
    "speaker": "Jo Mara",
    "speaker_id": "abc",
    "speaker_label": "PERSON",
    "cue": "said",
    "kind": "direct",
    "rule": "syntax:speech_verb_subject+name",
    "confidence": 0.87,
    "article_id": "a1",
    "title": "+44 calls, -3 left, @home",
    "outlet": None,
    "time": "2024-03-04T08:00:00",
    "story_id": "s1",
    "copies": 2,
    "outlets": ["Daily Ledger", "Wire"],
    "ran_in": [],
}


def test_cells_that_would_start_a_formula_are_text():
    assert [safe_cell(v) for v in ("=1+1", "+44", "-3", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [safe_cell(v) for v in ("plain", "a=b", 3, -3, 2.5, True, None)] == ["plain", "a=b", 3, -3, 2.5, True, ""]


def test_a_quotes_list_as_csv_has_a_header_row_and_safe_cells():
    text = answer_csv("quotes", {"quotes": [QUOTE, {**QUOTE, "text": 'He said "no", twice\nthen left'}]})
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    header, first, second = rows
    assert header[:4] == ["time", "speaker", "speaker_label", "text"] and "quote_id" in header
    got = dict(zip(header, first))
    assert got["text"] == "'" + QUOTE["text"] and got["title"] == "'+44 calls, -3 left, @home"
    assert (got["outlet"], got["copies"], got["outlets"]) == ("", "2", "Daily Ledger; Wire")
    assert (got["rule"], got["confidence"]) == ("syntax:speech_verb_subject+name", "0.87")
    assert dict(zip(header, second))["text"] == 'He said "no", twice\nthen left'  # quoted, not split


def test_every_list_has_its_table():
    speakers = {
        "speakers": [
            {"id": "x", "name": "-Dash", "label": "ORG", "quotes": 4, "outlets": [{"outlet": None, "quotes": 4}]}
        ]
    }
    header, rows = table("speakers", speakers)
    assert header == ["name", "label", "quotes", "by_outlet", "id"]
    assert rows == [["-Dash", "ORG", 4, "(no outlet given): 4", "x"]]
    assert csv_text(header, rows).splitlines()[1] == "'-Dash,ORG,4,(no outlet given): 4,x"
    story = {"copies": [{"article_id": "c", "time": "2024-01-01T00:00:00", "arrived_first": True, "outlet": "W"}]}
    assert table("story", story)[0][0] == "time" and table("story", story)[1][0][-1] == "c"
    assert table("speaker", {"quotes": [QUOTE]}) == table("quotes", {"quotes": [QUOTE]})
    assert table("quotes", {"quotes": []})[1] == []


def test_a_download_is_named_by_what_was_asked():
    assert file_name("quotes", {"speaker": "Maria Okafor", "since": "2024-03-01"}, "csv") == (
        "newsflow-quotes-speaker-maria-okafor-since-2024-03-01.csv"
    )
    name = file_name("quotes", {"text": '"; rm -rf / \u00e9t\u00e9 \r\n' * 20}, "json")
    assert re.fullmatch(r"[a-z0-9-]+\.json", name) and len(name) <= 85
    assert file_name("speakers", {}, "csv") == "newsflow-speakers.csv"
    assert parse_format(None) == "json" and parse_format(" CSV ") == "csv"
    with pytest.raises(QueryError, match="format"):
        parse_format("xlsx")


@pytest.mark.parametrize(
    ("text", "words", "html"),
    [
        ("The budget will be balanced", "balancing", "The budget will be <mark>balanced</mark>"),
        (
            "Budgets, budgeting and a budget",
            "budget",
            "<mark>Budgets</mark>, <mark>budgeting</mark> and a <mark>budget</mark>",
        ),
        ("the whole summer, summer whole", '"whole summer"', "the <mark>whole summer</mark>, summer whole"),
        ("harbour and spring", "harbour -spring", "<mark>harbour</mark> and spring"),
        ("ports <b>open</b>", "open", "ports &lt;b&gt;<mark>open</mark>&lt;/b&gt;"),
        ("Running ran runs", "run", "<mark>Running</mark> ran <mark>runs</mark>"),
        ("A & B <i>", "", "A &amp; B &lt;i&gt;"),
        ("nothing here", '""', "nothing here"),
        ("council or bank", "council or bank", "<mark>council</mark> or <mark>bank</mark>"),
    ],
)
def test_search_words_are_marked_by_their_stems_and_escaped(text, words, html):
    assert highlight(text, words) == html


def test_one_day_of_bars_stands_in_the_middle_and_is_named_once():
    svg = bar_chart("one day", [("2024-03-04", 3)])
    (x,) = [float(v) for v in re.findall(r'<rect class="bar"[^>]* x="([\d.]+)"', svg)]
    (w,) = [float(v) for v in re.findall(r'<rect class="bar"[^>]* width="([\d.]+)"', svg)]
    assert abs((x + w / 2) - (40 + (640 - 50) / 2)) < 1 and w <= 48
    assert svg.count(">2024-03-04</text>") == 1
    many = bar_chart("a fortnight", [(f"2024-03-{d:02d}", d) for d in range(1, 15)])
    assert ">2024-03-01</text>" in many and ">2024-03-14</text>" in many


def test_copies_at_one_time_stand_in_the_middle_of_a_padded_axis():
    at = datetime(2024, 3, 4, 8, 0)
    svg = timeline("t", [(at, "Daily Ledger", "a"), (at, "Wire", "b")])
    xs = [float(v) for v in re.findall(r'<circle[^>]* cx="([\d.]+)"', svg)]
    left, pw = 12, 760 - 12 - 12 - 260
    assert xs[0] == xs[1] and abs(xs[0] - (left + pw / 2)) < 1
    assert "2024-03-04 07:00" in svg and "2024-03-04 09:00" in svg
    spread = timeline("t", [(at, "A", "a"), (datetime(2024, 3, 4, 10, 0), "B", "b")])
    xs = [float(v) for v in re.findall(r'<circle[^>]* cx="([\d.]+)"', spread)]
    assert xs[0] == left and xs[1] == left + pw
