"""The Redis dedup index on a real redis-server: the contract, retention, failures, concurrency."""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import random
import sys
import uuid
from pathlib import Path

import pytest
import redis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from dedup_redis_server import free_port, redis_server  # noqa: E402

_spec = importlib.util.spec_from_file_location("dedup_contract", HERE.parent / "unit" / "dedup_contract.py")
dedup_contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dedup_contract)
DedupContract, story, edited, one = (
    dedup_contract.DedupContract,
    dedup_contract.story,
    dedup_contract.edited,
    dedup_contract.one,
)

from newsflow.bootstrap import build_stage  # noqa: E402
from services.dedup.fingerprint import fingerprint  # noqa: E402
from services.dedup.index import IndexParams  # noqa: E402
from services.dedup.memory_index import MemoryDedupIndex  # noqa: E402
from services.dedup.redis_index import RedisDedupIndex  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dedup_redis_url():
    """A redis-server of this module's own, on a free port."""
    with redis_server() as url:
        yield url


def fresh_namespace() -> str:
    return f"test:dedup:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def index_kit(dedup_redis_url):
    made = []

    def make(params: IndexParams):
        index = RedisDedupIndex.from_url(dedup_redis_url, fresh_namespace(), params)
        made.append(index)

        def expire_all() -> None:  # what the server does when every TTL has run out
            client = redis.Redis.from_url(dedup_redis_url)
            for key in client.scan_iter(match=index.prefix + b"*"):
                client.delete(key)
            client.close()

        return index, expire_all

    yield make
    for index in made:
        index.close()


class TestRedisIndexContract(DedupContract):
    """Every contract test, on RedisDedupIndex."""


def test_same_verdicts_as_the_memory_index(index_kit):
    """Differential: both implementations on one stream of stories, copies, edits and re-deliveries."""
    rng = random.Random(3)
    items = []
    for i in range(60):
        base = story(1000 + i % 40)
        text = rng.choice([base, edited(base, rng.randint(1, 30), seed=i), base.upper(), story(5000 + i)])
        items.append((f"id{i}", fingerprint(text)))
    items += rng.sample(items, 15)  # re-deliveries
    params = IndexParams(threshold=0.55)
    redis_index, _ = index_kit(params)
    assert redis_index.assign(items) == MemoryDedupIndex(params).assign(items)


def test_every_key_expires_within_the_retention(index_kit, dedup_redis_url):
    index, _ = index_kit(IndexParams(retention_seconds=3600))
    index.assign(
        [
            ("a", fingerprint(story(1))),
            ("b", fingerprint(story(1))),
            ("c", fingerprint(edited(story(1), 5))),
            ("e", fingerprint("")),
        ]
    )
    client = redis.Redis.from_url(dedup_redis_url)
    keys = list(client.scan_iter(match=index.prefix + b"*"))
    records = [k for k in keys if k.startswith(index.prefix + b"a:")]
    assert len(records) == 4
    assert all(0 < client.ttl(k) <= 3600 for k in records)
    # exact keys and buckets are fields of time-sliced hashes: each hash expires one slice
    # (retention / slices) after the last record it can name
    hashes = set(keys) - set(records)
    assert hashes and all(client.type(k) == b"hash" for k in hashes)
    assert all(0 < client.ttl(k) <= 3600 * 5 // 4 for k in hashes)
    client.close()


def test_one_round_trip_per_batch(index_kit, monkeypatch):
    index, _ = index_kit(IndexParams())
    items = [(f"r{i}", fingerprint(story(200 + i % 5))) for i in range(20)]
    sent = []
    original = redis.connection.Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(1)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
    verdicts = index.assign(items)
    assert len(verdicts) == 20
    assert len(sent) == 1  # 20 EVALSHA calls, one write, one wait


def test_lost_script_cache_is_reloaded(index_kit, dedup_redis_url):
    index, _ = index_kit(IndexParams())
    one(index, "a", story(7))
    redis.Redis.from_url(dedup_redis_url).script_flush()
    assert one(index, "b", story(7)).duplicate_of == "a"


def test_namespaces_are_isolated(index_kit):
    first, _ = index_kit(IndexParams())
    second, _ = index_kit(IndexParams())
    one(first, "a", story(8))
    assert one(second, "b", story(8)).status == "unique"


def test_unreachable_redis_fails_at_start_up():
    with pytest.raises(redis.ConnectionError):
        build_stage("dedup", Settings(redis_url=f"redis://127.0.0.1:{free_port()}/0"))


def test_redis_going_away_raises_never_a_verdict():
    with redis_server() as url:
        stage = build_stage("dedup", Settings(redis_url=url, dedup_namespace=fresh_namespace()))
        from services.normalize.logic import normalize_article
        from shared.core.events import ArticlePublished

        event = normalize_article(ArticlePublished(body=story(9), id="x"))
        assert stage.process([event])[0].dedup.status == "unique"
        redis.Redis.from_url(url).shutdown(nosave=True)
    with pytest.raises(redis.ConnectionError):
        stage.process([event])
    stage.close()


def test_lost_redis_state_is_reported_never_turned_into_unique_verdicts(index_kit, dedup_redis_url):
    from services.dedup.redis_index import DedupStateLost

    index, _ = index_kit(IndexParams())
    assert one(index, "first", story(11)).status == "unique"
    client = redis.Redis.from_url(dedup_redis_url)
    for key in list(client.scan_iter(match=index.epoch_key[: -len(b"epoch")] + b"*")):
        client.delete(key)  # what an unpersisted restart does to this namespace
    client.close()
    with pytest.raises(DedupStateLost, match="lost its state"):
        one(index, "copy", story(11))
    # a restarted worker accepts the loss explicitly: a new epoch, a fresh index
    restarted = RedisDedupIndex.from_url(dedup_redis_url, index.epoch_key.decode()[: -len(":epoch")], IndexParams())
    assert one(restarted, "copy", story(11)).status == "unique"
    restarted.close()


def test_an_article_redelivered_after_its_record_expired_is_never_its_own_copy(index_kit, dedup_redis_url):
    index, _ = index_kit(IndexParams())
    assert one(index, "a", story(12)).status == "unique"
    assert one(index, "near", edited(story(12), 8)).duplicate_of == "a"
    assert one(index, "exact", story(12)).duplicate_of == "a"
    client = redis.Redis.from_url(dedup_redis_url)
    client.delete(index.keys_of("a", fingerprint(story(12)))[0])  # a's record expires before its copies'
    client.close()
    again = one(index, "a", story(12))
    assert again.status == "unique" and again.duplicate_of is None


def test_ids_are_binary_safe(index_kit):
    index, _ = index_kit(IndexParams())
    odd = "id with spaces, \t tab, \u00e9, and a lone surrogate \ud800"
    v = one(index, odd, story(10))
    assert v.status == "unique"
    assert one(index, "copy", story(10)).duplicate_of == odd
    assert one(index, odd, story(10)) == v


# -- concurrency: several OS processes, one Redis --------------------------------------

STORIES = 12
COPIES = 6  # per story: exact copies and re-edits
WORKERS = 4


def _articles() -> list[tuple[str, str, int]]:
    """(id, text, story number): each story with its copies; every worker gets all of them."""
    out = []
    for s in range(STORIES):
        base = story(7000 + s)
        out.append((f"s{s}-orig", base, s))
        for c in range(COPIES):
            text = base if c % 2 == 0 else edited(base, 3 + c, seed=c)
            out.append((f"s{s}-copy{c}", text, s))
    return out


def _worker(url: str, namespace: str, worker: int, barrier, results) -> None:
    items = _articles()
    random.Random(worker).shuffle(items)  # each worker meets the copies in its own order
    index = RedisDedupIndex.from_url(url, namespace, IndexParams(threshold=0.55))
    barrier.wait()
    verdicts = []
    for start in range(0, len(items), 5):
        batch = items[start : start + 5]
        verdicts += index.assign([(aid, fingerprint(text)) for aid, text, _ in batch])
    index.close()
    results.put([(aid, s, v) for (aid, _, s), v in zip(items, verdicts)])


def test_concurrent_workers_agree_on_one_cluster_and_one_first_seen(dedup_redis_url):
    namespace = fresh_namespace()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(dedup_redis_url, namespace, w, barrier, results)) for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    collected = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    by_id: dict[str, set] = {}
    by_story: dict[int, list] = {}
    for rows in collected:
        for aid, s, v in rows:
            by_id.setdefault(aid, set()).add(v)
            by_story.setdefault(s, []).append((aid, v))
    # an id delivered to every worker at once got one verdict
    assert all(len(vs) == 1 for vs in by_id.values())
    for s, rows in by_story.items():
        verdicts = dict(rows)
        roots = {v.duplicate_of or aid for aid, v in verdicts.items()}
        assert len(roots) == 1, f"story {s} split: {roots}"
        (root,) = roots
        assert len({v.cluster_id for v in verdicts.values()}) == 1
        assert [aid for aid, v in verdicts.items() if v.status == "unique"] == [root]
        assert all(v.duplicate_of != aid for aid, v in verdicts.items())
    assert len({rows[0][1].cluster_id for rows in by_story.values()}) == STORIES
