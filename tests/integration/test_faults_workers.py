"""Worker crashes and graceful stops on the real stack: nothing is lost, repeats are identical.

kill -9 of one worker of every stage while 2,000 generated articles flow, then a restart: every
id reaches articles.enriched; an article delivered twice carries identical enrichment
and dedup verdict. SIGTERM: the worker finishes its batch, produces, commits and leaves
the group, so its successor neither loses nor repeats anything.
"""

from __future__ import annotations

import pytest
from conftest import isolated_settings
from faults_support import (
    PacedPublisher,
    TopicWatcher,
    assert_redeliveries_identical,
    corpus_articles,
    wait_group_stable,
)

from shared.adapters.kafka import Publisher, ensure_topics
from shared.core.settings import STAGES

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N = 2000


def test_kill_9_of_each_stage_mid_stream_loses_nothing_and_repeats_are_identical(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path, batch_size=32)
    ensure_topics(settings)
    t = settings.topics
    out_topic = {"normalize": t.clean, "dedup": t.deduped, "entities": t.entities, "quotes": t.enriched}
    running = {s: workers(s, settings) for s in STAGES}
    for s in STAGES:
        wait_group_stable(settings, s, 1, watch=running.values())
    articles = corpus_articles(N, "kill9")
    ids = {a["id"] for a in articles}
    watcher = TopicWatcher(settings, [t.clean, t.deduped, t.entities, t.enriched, t.dlq])
    publisher = PacedPublisher(settings, articles, per_second=60)
    publisher.start()
    killed_at: dict[str, int] = {}
    # Kill each stage once its output passed a point mid-stream; restart it at once.
    thresholds = {"normalize": 300, "dedup": 250, "entities": 200, "quotes": 150}
    try:

        def kill_when_due():
            for stage, at in thresholds.items():
                if stage not in killed_at and watcher.count(out_topic[stage]) >= at:
                    running[stage].kill()
                    killed_at[stage] = watcher.count(out_topic[stage])
                    running[stage] = workers(stage, settings, name=f"{stage}-restarted")

        watcher.wait(
            lambda w: len(killed_at) == len(STAGES),
            "every stage to be killed once",
            timeout_s=300,
            on_tick=kill_when_due,
        )
        assert all(n < N for n in killed_at.values()), f"a stage was killed after it had finished: {killed_at}"
        publisher.join_ok()
        watcher.wait(
            lambda w: ids <= set(w.ids(t.enriched)),
            f"all {N} ids on {t.enriched}",
            timeout_s=600,
            watch=running.values(),
        )
    finally:
        publisher.join(5)
    watcher.poll()
    assert watcher.count(t.dlq) == 0, f"dead letters: {[r.headers for r in watcher.records[t.dlq]][:3]}"
    enriched = watcher.ids(t.enriched)
    assert set(enriched) == ids, f"missing: {sorted(ids - set(enriched))[:10]}"
    repeats = {topic: assert_redeliveries_identical(watcher, topic) for topic in out_topic.values()}
    # identical verdicts also across topics: the verdict on articles.deduped is the one enriched carries
    verdict = {r["id"]: r["dedup"] for r in watcher.values(t.deduped)}
    for e in watcher.values(t.enriched):
        assert e["dedup"] == verdict[e["id"]], f"{e['id']}: verdict changed between deduped and enriched"
    print(f"kill -9 at outputs {killed_at}; repeats per topic {repeats}")
    watcher.close()


def test_sigterm_finishes_the_batch_commits_and_leaves_the_group_without_loss_or_repeats(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path, batch_size=16)
    ensure_topics(settings)
    t = settings.topics
    first = workers("entities", settings, name="entities-first")
    wait_group_stable(settings, "entities", 1, watch=[first])
    # entities reads articles.deduped; feed it cleaned+deduplicated events built by the embedded stages
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import InputItem
    from shared.core.codec import dumps

    pipeline = build_pipeline(settings, ["normalize", "dedup"])
    articles = corpus_articles(400, "sigterm")
    events = pipeline.run_batch([InputItem(f"bbc:{i}", dumps(a)) for i, a in enumerate(articles)])
    with Publisher(settings, topic=t.deduped) as pub:
        pub.publish_many(dumps(_as_dict(e)) for e in events)
    watcher = TopicWatcher(settings, [t.entities])
    watcher.wait(lambda w: w.count(t.entities) >= 60, "the first outputs", timeout_s=120, watch=[first])
    rc = first.terminate(timeout_s=60)
    assert rc == 0, f"worker exited with {rc} on SIGTERM:\n{first.log()[-3000:]}"
    watcher.poll()
    done_before = watcher.count(t.entities)
    assert done_before < len(articles), "the worker finished everything before SIGTERM; nothing was tested"
    second = workers("entities", settings, name="entities-second")
    watcher.wait(
        lambda w: len(w.ids(t.entities)) == len(articles), f"all {len(articles)} ids", timeout_s=300, watch=[second]
    )
    watcher.poll()
    counts = watcher.ids(t.entities)
    repeated = {k: v for k, v in counts.items() if v > 1}
    assert not repeated, (
        f"after a graceful stop at {done_before} outputs, {len(repeated)} articles were "
        f"processed twice: {sorted(repeated)[:5]}"
    )
    log = first.log()
    assert "Traceback" not in log, f"the stopping worker logged an error:\n{log[-3000:]}"
    watcher.close()


def _as_dict(event):
    from shared.core.events import to_dict

    return to_dict(event)
