"""`newsflow store reprocess` on every backend: run against SQLite and PostgreSQL.

Not a test module itself: `test_store_reprocess.py` (a SQLite file) and
`tests/integration/test_store_reprocess_postgres.py` (a real PostgreSQL server, a database per test) subclass
`ReprocessContract` and provide the fixture `store_url`: the URL of an empty database.

The archive is generated news enriched by the real stages; "another model" is the registry's quotes stage
with its speakers moved (tests/reprocess_support.py), given to the composition root as a replaced builder.
What reprocessing reports is checked against a recount of the stored quote rows, the rollups against
a recount of the facts, the dedup verdicts against those stored before.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import sys

import orjson
import pytest
from alembic import command
from conftest import REPO, settings_env
from reprocess_support import MOVED, archive, quote_rows, recount, verdicts
from sqlalchemy import inspect

from newsflow.bootstrap import build_pipeline, reprocess_version
from newsflow.inputs import InputItem
from newsflow.runners.pipeline import as_output
from newsflow.runners.reprocess import Hooks, Job, needs_normalize
from newsflow.store import rollups
from newsflow.store.embedded import EmbeddedStore
from newsflow.store.engine import make_engine, writing
from newsflow.store.migrate import alembic_config, current_revision, head_revision, upgrade_engine
from newsflow.store.params import window
from newsflow.store.reprocess import ReprocessConflict, Scope, Tally, plan, read_run, save
from shared.core.settings import Settings

SETTINGS = Settings(embedded_wire=True)
N = 22  # generated articles; with two copies and a web page, 25 stored


@functools.lru_cache(maxsize=None)
def enriched() -> tuple[dict, ...]:
    """The archive's events as the real stages make them (once per session)."""
    pipeline = build_pipeline(SETTINGS)
    try:
        items = [InputItem(a["id"], orjson.dumps(a)) for a in archive(N, "rp")]
        events = [as_output(e) for e in pipeline.run(items)]
    finally:
        pipeline.close()
    assert all(isinstance(e, dict) for e in events)
    return tuple(events)


def store(url: str) -> None:
    """Store the enriched archive at `url` (the real attribution)."""
    embedded = EmbeddedStore(url, batch_size=10)
    for event in enriched():
        assert not embedded.add(event)
    assert not embedded.close()


def check_rollups(engine) -> rollups.Counts:
    """The rollup tables equal a recount of every stored fact; returns them."""
    with engine.connect() as conn:
        kept, recounted = rollups.stored(conn), rollups.recount(conn)
    assert not kept.empty()
    for name in rollups.TABLE_OF:
        assert getattr(kept, name) == getattr(recounted, name), name
    return kept


def quote_tally(t: Tally) -> tuple[int, int, int]:
    return t.speaker_changed, t.quotes_added, t.quotes_removed


class ReprocessContract:
    @pytest.fixture
    def engine(self, store_url):
        store(store_url)
        engine = make_engine(store_url)
        yield engine
        engine.dispose()

    def test_revision_5_down_to_4_and_up_again(self, engine):
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert current_revision(engine) == "0004" and "reprocess_runs" not in inspect(engine).get_table_names()
        assert upgrade_engine(engine) == head_revision()
        with engine.connect() as conn:
            assert read_run(conn, Scope()) is None

    def test_another_attribution_reaches_the_store_and_the_first_comes_back(self, engine):
        total = len(enriched())
        assert any(needs_normalize(e) for e in enriched())  # the web page: normalize runs on its body again
        before, stories = quote_rows(engine), verdicts(engine)
        assert sum(1 for v in stories.values() if v[1] == "duplicate") == 2  # the copies, as dedup said
        counts_before = check_rollups(engine)

        version = reprocess_version(SETTINGS, MOVED)
        moved = Job(engine, SETTINGS, batch=7, jobs=1, builders=MOVED).run(version)
        after = quote_rows(engine)
        changed, added, removed = recount(before, after)
        assert changed >= 10 and removed >= 3 and added == 0  # the other model did move speakers
        assert quote_tally(moved.tally) == (changed, added, removed)
        assert moved.tally.articles == total and moved.finished
        assert moved.tally.written == len({k[0] for k in before if before[k] != after.get(k)})
        assert verdicts(engine) == stories  # no first copy made a duplicate of itself
        assert check_rollups(engine) != counts_before  # quotes moved between speakers' counts

        again = Job(engine, SETTINGS, batch=7, jobs=1, builders=MOVED).run(version)
        assert again.plan.state == "finished" and again.tally == Tally()

        back = Job(engine, SETTINGS, batch=5, jobs=2).run(reprocess_version(SETTINGS))
        assert back.plan.state == "new" and back.plan.before is not None and back.plan.before.version == version
        assert back.jobs == 2
        assert quote_rows(engine) == before
        assert quote_tally(back.tally) == (changed, removed, added)
        assert back.tally.articles == total
        assert verdicts(engine) == stories
        assert check_rollups(engine) == counts_before

    def test_a_window_reprocesses_its_articles_only(self, engine):
        before = quote_rows(engine)
        scope = Scope(window("2024-03-02", "2024-03-03", "Daily Ledger"))  # a bare until: that day included
        events = {e["id"]: e for e in enriched()}
        inside = {
            i
            for i, e in events.items()
            if e.get("source") == "Daily Ledger" and "2024-03-02" <= (e.get("published_at") or "") < "2024-03-04"
        }
        assert 2 <= len(inside) < len(events) // 2
        done = Job(engine, SETTINGS, scope, batch=3, builders=MOVED).run(reprocess_version(SETTINGS, MOVED))
        after = quote_rows(engine)
        assert done.tally.articles == len(inside)
        assert {k[0] for k in before if before[k] != after.get(k)} <= inside
        assert quote_tally(done.tally) == recount(before, after)
        check_rollups(engine)
        with engine.connect() as conn:
            assert read_run(conn, scope).finished_at is not None
            assert read_run(conn, Scope()) is None  # the whole store is another scope

    def test_a_run_stopped_between_batches_continues_after_its_last_batch(self, engine):
        before = quote_rows(engine)
        version = reprocess_version(SETTINGS, MOVED)
        seen: list[int] = []

        def stop_after_two(outcome, n):
            seen.append(n)
            if len(seen) == 2:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            Job(engine, SETTINGS, batch=4, builders=MOVED).run(version, Hooks(batch=stop_after_two))
        with engine.connect() as conn:
            halfway = read_run(conn, Scope())
        assert halfway.tally.articles == 8 and halfway.finished_at is None and halfway.version == version
        rest = Job(engine, SETTINGS, batch=4, builders=MOVED).run(version)
        assert rest.plan.state == "resume" and rest.tally.articles == len(enriched()) - 8
        assert quote_tally(rest.total) == recount(before, quote_rows(engine))
        assert rest.total.articles == len(enriched())
        check_rollups(engine)

    def test_two_runs_of_one_scope_cannot_both_move_it(self, engine):
        scope, now = Scope(), __import__("datetime").datetime(2024, 5, 1)
        with writing(engine).begin() as conn:
            assert plan(conn, scope, "v1", now).state == "new"
            save(conn, scope, "v1", None, "a", Tally(articles=1), now)
        with pytest.raises(ReprocessConflict), writing(engine).begin() as conn:
            save(conn, scope, "v1", None, "b", Tally(articles=1), now)  # another run had it at None too
        with writing(engine).begin() as conn:
            assert plan(conn, scope, "v1", now).state == "resume"
            assert plan(conn, scope, "v2", now).state == "new"  # another version: from the first article
            assert read_run(conn, scope).last_id is None

    def test_a_killed_run_continues_and_does_every_article_once(self, engine, store_url):
        """SIGKILL to the whole `newsflow store reprocess --jobs 2` process group once it said two batches were
        done; the second run resumes after the last batch that committed and finishes."""
        total = len(enriched())
        real = quote_rows(engine)
        Job(engine, SETTINGS, batch=25, builders=MOVED).run(reprocess_version(SETTINGS, MOVED))
        before = quote_rows(engine)
        command = [sys.executable, "-m", "newsflow.cli", "store", "reprocess", "--store", store_url]
        command += ["--batch", "3", "--jobs", "2"]
        env = settings_env(SETTINGS)
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        said = []
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                said.append(line.decode())
                done = re.match(r"reprocess: (\d+)/(\d+) articles", said[-1])
                if done and int(done.group(1)) >= 6:
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL, "".join(said)
        with engine.connect() as conn:
            halfway = read_run(conn, Scope())
        assert halfway.finished_at is None and 6 <= halfway.tally.articles < total, "".join(said)
        assert halfway.tally.articles % 3 == 0  # whole batches only

        second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=600)
        assert second.returncode == 0, second.stderr.decode()
        assert b"resuming after article" in second.stderr
        with engine.connect() as conn:
            run = read_run(conn, Scope())
        assert run.finished_at is not None and run.version == reprocess_version(SETTINGS)
        assert run.tally.articles == total  # an article done twice would count twice
        assert quote_tally(run.tally) == recount(before, quote_rows(engine))
        assert f"the whole run (resumed): {total} article(s) reprocessed".encode() in second.stdout
        assert quote_rows(engine) == real
        check_rollups(engine)
