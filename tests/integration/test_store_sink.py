"""The sink worker on the real stack: Kafka (articles.enriched) in, a real PostgreSQL database out.

Every event is stored once; refused events reach the dead-letter topic with the reason; a
re-delivered batch changes nothing; kill -9 of the sink mid-stream, then a restart, loses no
article and duplicates none (stories' copy counts and quote rows are exact).
"""

from __future__ import annotations

import pytest
from conftest import isolated_settings
from faults_support import PacedPublisher, TopicWatcher, header
from sqlalchemy import text
from unit_modules import unit_module

from newsflow.store.engine import make_engine
from shared.adapters.kafka import Publisher, ensure_topics, wait_for_group

store_contract = unit_module("store_contract")
event, quote, entity, snapshot = (
    store_contract.event,
    store_contract.quote,
    store_contract.entity,
    store_contract.snapshot,
)

pytestmark = pytest.mark.integration


def events(n: int, tag: str, copies: int = 1) -> list[dict]:
    """`n` enriched events in stories of `copies` articles, two quotes each, a speaker that is an entity."""
    out = []
    for i in range(n):
        story = f"{tag}-{i - i % copies}"
        speaker = f"Person {i % 7} Smith"
        out.append(
            event(
                f"{tag}-{i}",
                story=story,
                source=f"Outlet {i % 5}",
                published_at=f"2024-05-{1 + i % 28:02d}T10:00:00Z",
                entities=[entity(speaker, "PERSON")],
                quotes=[quote(f"quote one of story {story}", speaker), quote(f"quote two of {tag}-{i}", speaker)],
            )
        )
    return out


def stored_count(engine, table: str = "articles") -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    except Exception:  # noqa: BLE001 - the sink has not built the schema yet
        return 0


def wait_sink(settings, members: int, watch) -> None:
    wait_for_group(
        settings,
        settings.group_id("sink"),
        settings.topics.enriched,
        members,
        timeout_s=120,
        alive=lambda: all(w.alive() for w in watch),
    )


def test_sink_stores_every_event_dead_letters_refused_ones_and_ignores_redelivery(
    stack, postgres_url, tmp_path, workers
):
    settings = isolated_settings(stack, tmp_path, store_url=postgres_url, batch_size=16)
    ensure_topics(settings)
    sink = workers("sink", settings)
    wait_sink(settings, 1, [sink])
    batch = events(60, "flow", copies=3)
    bad = event("nul-1")
    bad["text"] = "NUL \x00 inside"
    with Publisher(settings, settings.topics.enriched) as pub:
        for e in batch[:30]:
            pub.publish(e)
        pub.publish(b"{not json", key=b"broken-1")
        pub.publish(bad)
        for e in batch[30:]:
            pub.publish(e)
        pub.flush()
    engine = make_engine(postgres_url)
    watcher = TopicWatcher(settings, [settings.topics.dlq])
    try:
        watcher.wait(
            lambda w: w.count(settings.topics.dlq) >= 2 and stored_count(engine) >= 60,
            "60 stored, 2 dead",
            timeout_s=180,
            watch=[sink],
        )
        dead = {r.key: r for r in watcher.records[settings.topics.dlq]}
        assert set(dead) == {b"broken-1", b"nul-1"}
        assert header(dead[b"broken-1"], "newsflow.stage") == "sink"
        assert "not JSON" in header(dead[b"broken-1"], "newsflow.error")
        assert "nul-1" in header(dead[b"nul-1"], "newsflow.error")
        assert stored_count(engine) == 60
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*), min(copies), max(copies) FROM stories")).one() == (20, 3, 3)
            assert conn.execute(text("SELECT count(DISTINCT (story_id, quote_key)) FROM quotes")).scalar() == 20 + 60
        before = snapshot(engine)
        with Publisher(settings, settings.topics.enriched) as pub:  # the same events again
            for e in batch:
                pub.publish(e)
            pub.publish(event("marker-after-redelivery"))
            pub.flush()
        watcher.wait(lambda w: stored_count(engine) >= 61, "the marker stored", timeout_s=120, watch=[sink])
        after = snapshot(engine)
        for table in ("articles", "stories"):  # the marker's own rows aside, nothing changed
            mine = [r for r in after[table] if "marker-after-redelivery" in r]
            assert len(mine) == 1, table
            after[table].remove(mine[0])
        assert after == before
    finally:
        watcher.close()
        engine.dispose()


@pytest.mark.slow
def test_kill_9_of_the_sink_mid_stream_loses_nothing_and_duplicates_nothing(stack, postgres_url, tmp_path, workers):
    n, copies = 1500, 3
    settings = isolated_settings(stack, tmp_path, store_url=postgres_url, batch_size=32)
    ensure_topics(settings)
    running = [workers("sink", settings), workers("sink", settings, name="sink-2")]
    wait_sink(settings, 2, running)
    batch = events(n, "kill9", copies=copies)
    publisher = PacedPublisher(settings, batch, per_second=150, topic=settings.topics.enriched)
    engine = make_engine(postgres_url)
    watcher = TopicWatcher(settings, [settings.topics.dlq])
    publisher.start()
    killed_at = []
    try:

        def kill_when_due():
            if not killed_at and stored_count(engine) >= 300:
                running[0].kill()
                killed_at.append(stored_count(engine))
                running[0] = workers("sink", settings, name="sink-restarted")

        watcher.wait(lambda w: bool(killed_at), "the sink killed once", timeout_s=300, on_tick=kill_when_due)
        assert killed_at[0] < n, f"killed after the end: {killed_at}"
        publisher.join_ok()
        watcher.wait(lambda w: stored_count(engine) >= n, f"all {n} stored", timeout_s=600, watch=running)
    finally:
        publisher.join(5)
        watcher.close()
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT id FROM articles"))}
        assert ids == {e["id"] for e in batch}
        assert conn.execute(text("SELECT count(*) FROM quotes")).scalar() == 2 * n
        assert conn.execute(text("SELECT count(*), min(copies), max(copies) FROM stories")).one() == (
            n // copies,
            copies,
            copies,
        )
        entities = conn.execute(text("SELECT count(*) FROM article_entities")).scalar()
        assert entities == n
        assert conn.execute(text("SELECT count(*) FROM actors")).scalar() == 7
    assert watcher.count(settings.topics.dlq) == 0
    engine.dispose()
    print(f"sink killed -9 with {killed_at[0]} of {n} stored")


@pytest.mark.slow
def test_a_store_outage_makes_the_sink_retry_and_skip_nothing(stack, tmp_path, workers):
    from newsflow.devstack.postgres import LocalPostgres, PostgresConfig
    from newsflow.devstack.stack import free_port

    server = LocalPostgres(PostgresConfig(base_dir=tmp_path / "pg" / "postgres", port=free_port(), throwaway=True))
    server.start()
    try:
        url = server.config.url()
        settings = isolated_settings(stack, tmp_path, store_url=url, batch_size=16)
        ensure_topics(settings)
        sink = workers("sink", settings)
        wait_sink(settings, 1, [sink])
        batch = events(120, "outage", copies=2)
        engine = make_engine(url)
        watcher = TopicWatcher(settings, [settings.topics.dlq])
        try:
            with Publisher(settings, settings.topics.enriched) as pub:
                for e in batch[:40]:
                    pub.publish(e)
                pub.flush()
            watcher.wait(lambda w: stored_count(engine) >= 40, "the first 40 stored", timeout_s=120, watch=[sink])
            engine.dispose()
            server.stop()  # the store goes away while events keep coming
            with Publisher(settings, settings.topics.enriched) as pub:
                for e in batch[40:]:
                    pub.publish(e)
                pub.flush()
            watcher.wait(
                lambda w: "step=process failed" in sink.log(), "the sink to fail and retry", timeout_s=120, watch=[sink]
            )
            server.start()
            watcher.wait(lambda w: stored_count(engine) >= 120, "all 120 stored", timeout_s=180, watch=[sink])
            watcher.poll()
            assert watcher.count(settings.topics.dlq) == 0
            with engine.connect() as conn:
                assert {r[0] for r in conn.execute(text("SELECT id FROM articles"))} == {e["id"] for e in batch}
                assert conn.execute(text("SELECT count(*) FROM quotes")).scalar() == 240
        finally:
            watcher.close()
            engine.dispose()
    finally:
        server.destroy()
