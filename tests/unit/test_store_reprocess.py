"""`newsflow store reprocess`: its pure parts, and its contract on a SQLite file (PostgreSQL:
tests/integration/test_store_reprocess_postgres.py)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from store_reprocess_contract import ReprocessContract

from newsflow.cli.main import main
from newsflow.cli.reprocess import Progress, tally_line
from newsflow.runners.reprocess import Outcome, needs_normalize, raw_article, stored_verdict
from newsflow.store.params import Window, window
from newsflow.store.reprocess import Plan, Run, Scope, Tally, quote_changes


class TestReprocessOnSQLite(ReprocessContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.db'}"


def said(text: str, speaker: str | None) -> dict:
    return {"text": text, "speaker": speaker}


def test_a_quote_is_its_words_and_pairs_in_order():
    old = [said("We will win.", "Ada Roe"), said("We will win", "Ben Ash"), said("No comment", None)]
    new = [said("we will WIN", "ada  roe"), said("We will win!", "Cy Dunn"), said("Later", "Ada Roe")]
    # the first pair keeps its speaker (case and spaces ignored), the second changes, one removed, one added
    assert quote_changes(old, new) == Tally(speaker_changed=1, quotes_added=1, quotes_removed=1)


def test_a_speaker_found_or_lost_is_a_change_and_the_same_quotes_are_none():
    assert quote_changes([said("a", None)], [said("a", "Ada Roe")]).speaker_changed == 1
    assert quote_changes([said("a", "Ada Roe")], [said("a", "")]).speaker_changed == 1
    quotes = [said("a", "Ada Roe"), said("b", None)]
    assert quote_changes(quotes, quotes) == Tally()
    assert quote_changes([], quotes) == Tally(quotes_added=2)


def test_normalize_runs_again_only_where_the_body_is_not_the_text():
    assert not needs_normalize({"body": "Plain words.", "text": "Plain words."})
    assert needs_normalize({"body": "<html><p>Plain words.</p></html>", "text": "Plain words."})
    assert not needs_normalize({"text": "no body kept"})


def test_the_raw_article_is_the_event_without_what_the_stages_added():
    event = {
        "schema_version": 3,
        "id": "a1",
        "title": "T",
        "source": "Wire",
        "published_at": None,
        "body": "<p>x</p>",
        "text": "x",
        "removed": ["Share this"],
        "entities": [],
        "quotes": [],
        "dedup": {"status": "unique"},
        "trace": {"normalize": {"ms": 1}},
        "fetched_at": "2024-03-01T00:00:00Z",  # a raw field the crawl adds: normalize reads it again
    }
    assert raw_article(event) == {
        "id": "a1",
        "title": "T",
        "source": "Wire",
        "body": "<p>x</p>",
        "fetched_at": "2024-03-01T00:00:00Z",
    }


def test_the_dedup_verdict_is_the_stored_one():
    verdict = stored_verdict(
        {"dedup": {"status": "duplicate", "duplicate_of": "a0", "similarity": 0.9, "cluster_id": "a0"}}
    )
    assert verdict is not None and (verdict.status, verdict.duplicate_of, verdict.cluster_id) == (
        "duplicate",
        "a0",
        "a0",
    )
    assert stored_verdict({"dedup": None}) is None and stored_verdict({}) is None


def test_a_scope_is_one_key_per_window():
    assert Scope().key == Scope(Window()).key
    one = Scope(window("2024-03-01", "2024-03-31", "Wire"))
    assert one.key == Scope(window("2024-03-01T00:00:00", "2024-03-31", "Wire")).key
    assert len({one.key, Scope(window("2024-03-01", None, "Wire")).key, Scope(window(None, None, "Wire")).key}) == 3


def test_tallies_add_up():
    assert Tally(1, 1, 0, 2, 0, 1) + Tally(2, 0, 1, 1, 3, 0) == Tally(3, 1, 1, 3, 3, 1)
    assert tally_line(Tally(5, 2, 1, 3, 1, 0)) == (
        "5 article(s) reprocessed (2 changed, 2 unchanged, 1 refused and kept as stored); "
        "quotes: 3 changed speaker, 1 added, 0 removed"
    )


def test_without_a_terminal_progress_is_a_line_per_batch():
    out = io.StringIO()
    shown = Progress(out, tty=False)
    run = Run("{}", "v", "a9", datetime(2024, 1, 1), None, Tally(articles=10))
    shown.started(Plan("resume", run, run), 30)
    shown.batch(Outcome(Plan("resume", run, run), Tally(articles=10, speaker_changed=4), seconds=2.0), 10)
    assert out.getvalue().splitlines() == [
        "reprocess: resuming after article 'a9' (10 done before)",
        "reprocess: 10/30 articles (33%), 5.0 articles/s, 4 quote(s) changed speaker",
    ]


def test_on_a_terminal_progress_is_a_bar():
    out = io.StringIO()
    shown = Progress(out, tty=True)
    run = Run("{}", "v", None, datetime(2024, 1, 1), None, Tally())
    shown.started(Plan("new", run, None), 30)
    shown.batch(Outcome(Plan("new", run, None), Tally(articles=10, speaker_changed=4), seconds=2.0), 10)
    shown.close()
    assert "10/30" in out.getvalue() and "4 changed speaker" in out.getvalue()
    assert "reprocess: " not in out.getvalue()  # no plain lines beside the bar


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`newsflow ARGS` in this process: (exit status, stdout, stderr); --help's exit is status 0."""
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_says_what_it_does_and_refuses_what_it_cannot_use(tmp_path, capsys):
    code, helped, _ = cli(capsys, "store", "--help")
    assert code == 0 and "reprocess" in helped and "resum" in helped
    _, detail, _ = cli(capsys, "store", "reprocess", "--help")
    for option in ("--store", "--since", "--until", "--outlet", "--jobs", "--batch", "--force"):
        assert option in detail
    code, _, err = cli(capsys, "store", "reprocess", "--store", str(tmp_path / "none.db"))
    assert code == 2 and "no store at" in err and "Traceback" not in err
    assert not (tmp_path / "none.db").exists()
    db = str(tmp_path / "s.db")
    assert cli(capsys, "store", "upgrade", "--url", db)[0] == 0
    for bad, reason in (
        (("--since", "2024-02-30"), "since:"),
        (("--outlet", " "), "outlet:"),
        (("--batch", "0"), "--batch 0"),
        (("--jobs", "0"), "--jobs 0"),
    ):
        code, _, err = cli(capsys, "store", "reprocess", "--store", db, *bad)
        assert code == 2 and err.startswith("newsflow store reprocess: ") and reason in err, err
    code, out, _ = cli(capsys, "store", "reprocess", "--store", db)
    assert code == 0 and "0 article(s) reprocessed" in out


def test_an_article_a_stage_refuses_now_is_reported_and_kept_as_stored(tmp_path, capsys):
    """Its stored body is no text (normalize refuses it now): one JSON line, exit 1, the stored article as it was;
    the article beside it is reprocessed."""
    from sqlalchemy import select

    from newsflow.store import schema
    from newsflow.store.engine import make_engine
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.writer import StoreWriter

    db = tmp_path / "s.db"
    engine = make_engine(str(db))
    upgrade_engine(engine)
    words = "The harbour budget will be balanced by spring, the minister told the council on Monday."
    good = {"schema_version": 3, "id": "good", "body": words, "text": words, "entities": [], "quotes": []}
    bad = dict(good, id="bad", body="\x01\x02\x03\x04" * 50)  # the body kept beside the text is no text
    StoreWriter(engine).write_batch([good, bad])
    with engine.connect() as conn:
        stored = conn.execute(select(schema.articles.c.content_hash).where(schema.articles.c.id == "bad")).scalar()
    code, out, err = cli(capsys, "store", "reprocess", "--store", str(db), "--jobs", "1")
    assert code == 1
    assert '{"origin":"bad","stage":"normalize","error":' in err
    assert "2 article(s) reprocessed (1 changed, 0 unchanged, 1 refused and kept as stored)" in out
    with engine.connect() as conn:
        now = conn.execute(select(schema.articles.c.content_hash).where(schema.articles.c.id == "bad")).scalar()
    assert now == stored
    engine.dispose()
