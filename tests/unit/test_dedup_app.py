"""The dedup stage: events in, verdicts out, index failures never become verdicts."""

from __future__ import annotations

import pytest

from newsflow.bootstrap import build_stage
from services.dedup.index import IndexParams, cluster_id
from services.dedup.memory_index import MemoryDedupIndex
from services.normalize.logic import normalize_article
from shared.core.events import ArticleCleaned, ArticleDeduplicated, ArticlePublished
from shared.core.settings import Settings
from shared.core.stage import StageDeps

STORY = (
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (\u00a3600m) for the three "
    "months to December, from $639m year-earlier.\n\nThe firm, which is now one of the biggest investors "
    "in Google, benefited from sales of high-speed internet connections and higher advert sales. "
    "TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn."
)


def cleaned(article_id: str, body: str, title: str = "Ad sales boost Time Warner profit") -> ArticleCleaned:
    return normalize_article(ArticlePublished(body=body, id=article_id, title=title))


def test_stage_shape_and_verdicts():
    closed = []
    index = MemoryDedupIndex(IndexParams())
    index.close = lambda: closed.append(True)
    stage = build_stage("dedup", Settings(), StageDeps(dedup_index=index))
    assert stage.name == "dedup" and stage.reads is ArticleCleaned
    syndicated = "CMSD\n0.0100\nShare this article\n\n<p>" + STORY.replace('"', "&quot;") + "</p>\n\nB.Chan--ThChM"
    out = stage.process(
        [
            cleaned("orig", STORY),
            cleaned("copy", syndicated, title="UPDATE 1-Time Warner profit up"),
            cleaned("orig", STORY),
        ]
    )
    assert all(isinstance(o, ArticleDeduplicated) for o in out)
    first, copy, again = (o.dedup for o in out)
    assert (first.status, first.duplicate_of, first.cluster_id) == ("unique", None, cluster_id("orig"))
    assert (copy.status, copy.duplicate_of, copy.similarity) == ("duplicate", "orig", 1.0)
    assert again == first
    assert out[1].title == "UPDATE 1-Time Warner profit up" and out[1].signature == "B.Chan--ThChM"
    assert set(out[0].trace) == {"normalize", "dedup"} and out[0].trace["dedup"]["ms"] >= 0
    stage.close()
    assert closed == [True]


def test_settings_reach_the_index():
    from services.dedup.app import index_params

    p = index_params(Settings(dedup_threshold=0.7, dedup_retention_days=2))
    assert (p.threshold, p.retention_seconds) == (0.7, 2 * 86400)


def test_index_failure_raises_for_the_batch():
    class Down:
        def assign(self, items):
            raise ConnectionError("redis is down")

        def close(self):
            pass

    stage = build_stage("dedup", Settings(), StageDeps(dedup_index=Down()))
    with pytest.raises(ConnectionError):
        stage.process([cleaned("a", STORY)])


def test_empty_batch():
    assert build_stage("dedup", Settings(), StageDeps(dedup_index=MemoryDedupIndex())).process([]) == []


def test_bad_threshold_is_refused():
    with pytest.raises(ValueError):
        IndexParams(threshold=1.5)
