"""The behaviour every DedupIndex must have; run against each implementation.

Not a test module itself: `test_dedup_contract.py` (in-memory index) and
`tests/integration/test_dedup_redis.py` (Redis index) subclass `DedupContract` and
provide the fixture `index_kit`: a factory `make(params) -> (index, expire_all)`, where
`expire_all()` makes everything the index holds reach the end of its retention.
"""

from __future__ import annotations

import random

from services.dedup.fingerprint import fingerprint
from services.dedup.index import IndexParams, cluster_id

WORDS = [f"w{i}" for i in range(5000)]


def story(seed: int, n_words: int = 220) -> str:
    """A deterministic text of distinct-looking words, different for each seed."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(n_words)]
    return " ".join(words[:100]) + ".\n\n" + " ".join(words[100:]) + "."


def edited(text: str, edits: int, seed: int = 0) -> str:
    """`text` with `edits` single-word replacements spread over it."""
    rng = random.Random(seed)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), edits):
        words[i] = "edited" + str(i)
    return " ".join(words)


def one(index, article_id: str, text: str):
    """The verdict of a single article."""
    return index.assign([(article_id, fingerprint(text))])[0]


class DedupContract:
    """Tests that take `index_kit`; a subclass named Test* supplies it."""

    def test_first_article_is_unique_and_founds_its_cluster(self, index_kit):
        index, _ = index_kit(IndexParams())
        v = one(index, "a1", story(1))
        assert v.status == "unique"
        assert v.duplicate_of is None
        assert v.cluster_id == cluster_id("a1")

    def test_exact_copy_after_comparison_normalisation_is_a_duplicate(self, index_kit):
        index, _ = index_kit(IndexParams())
        text = 'He said "it\'s over" &amp; left.\n\n' + story(2)
        one(index, "orig", text)
        copy = "<p>HE  SAID \u201cIT\u2019S OVER\u201d & left.</p>\n" + story(2).upper().replace(" ", "  \n ")
        v = one(index, "copy", copy)
        assert (v.status, v.duplicate_of, v.similarity) == ("duplicate", "orig", 1.0)
        assert v.cluster_id == cluster_id("orig")

    def test_re_edit_is_a_near_duplicate_of_the_first_seen(self, index_kit):
        params = IndexParams(threshold=0.5)
        index, _ = index_kit(params)
        one(index, "first", story(3))
        v = one(index, "edit", edited(story(3), 4))
        assert v.status == "near_duplicate"
        assert v.duplicate_of == "first"
        assert params.threshold < v.similarity < 1.0
        assert v.cluster_id == cluster_id("first")

    def test_different_stories_are_never_linked(self, index_kit):
        index, _ = index_kit(IndexParams())
        verdicts = index.assign([(f"s{i}", fingerprint(story(100 + i))) for i in range(30)])
        assert all(v.status == "unique" for v in verdicts)
        assert len({v.cluster_id for v in verdicts}) == 30

    def test_chain_of_copies_names_the_first_seen_article(self, index_kit):
        index, _ = index_kit(IndexParams())
        one(index, "a", story(4))
        b = one(index, "b", edited(story(4), 5, seed=1))
        c = one(index, "c", edited(story(4), 5, seed=1))  # exact copy of b
        d = one(index, "d", edited(edited(story(4), 5, seed=1), 5, seed=2))
        assert (b.status, c.status, d.status) == ("near_duplicate", "duplicate", "near_duplicate")
        assert b.duplicate_of == c.duplicate_of == d.duplicate_of == "a"
        assert b.cluster_id == c.cluster_id == d.cluster_id == cluster_id("a")

    def test_redelivery_gets_the_same_verdict_never_itself(self, index_kit):
        index, _ = index_kit(IndexParams())
        items = [("u", story(5)), ("d", story(5)), ("n", edited(story(5), 6))]
        first = index.assign([(i, fingerprint(t)) for i, t in items])
        again = index.assign([(i, fingerprint(t)) for i, t in items])
        assert again == first
        assert [v.status for v in first] == ["unique", "duplicate", "near_duplicate"]
        assert all(v.duplicate_of != i for (i, _), v in zip(items, first))

    def test_redelivery_inside_one_batch_and_with_other_text(self, index_kit):
        index, _ = index_kit(IndexParams())
        one(index, "orig", story(6))
        batch = [("x", fingerprint(story(6))), ("x", fingerprint(story(6))), ("x", fingerprint(story(7)))]
        v1, v2, v3 = index.assign(batch)
        assert v1 == v2 == v3  # an id's verdict is decided once
        assert v1.duplicate_of == "orig"

    def test_batch_equals_one_by_one(self, index_kit):
        texts = [story(8), story(9), edited(story(8), 3), story(9), story(10)]
        items = [(f"b{i}", fingerprint(t)) for i, t in enumerate(texts)]
        batched, _ = index_kit(IndexParams())
        single, _ = index_kit(IndexParams())
        assert batched.assign(items) == [single.assign([item])[0] for item in items]

    def test_empty_texts_are_unique_and_never_linked(self, index_kit):
        index, _ = index_kit(IndexParams())
        a = one(index, "e1", "")
        b = one(index, "e2", "  <p></p> &nbsp; ")
        assert (a.status, b.status) == ("unique", "unique")
        assert a.cluster_id != b.cluster_id
        assert one(index, "e1", "") == a

    def test_empty_batch(self, index_kit):
        index, _ = index_kit(IndexParams())
        assert index.assign([]) == []

    def test_threshold_decides_near_duplicates(self, index_kit):
        strict, _ = index_kit(IndexParams(threshold=0.95))
        one(strict, "a", story(11))
        v = one(strict, "b", edited(story(11), 12))
        assert v.status == "unique" and v.duplicate_of is None
        assert 0.0 < v.similarity <= 0.95  # the nearest miss is reported

    def test_after_retention_a_copy_starts_a_new_cluster(self, index_kit):
        index, expire_all = index_kit(IndexParams(retention_seconds=3600))
        one(index, "old", story(12))
        expire_all()
        v = one(index, "new", story(12))
        assert (v.status, v.duplicate_of, v.cluster_id) == ("unique", None, cluster_id("new"))

    def test_short_text_exact_copies_match(self, index_kit):
        index, _ = index_kit(IndexParams())
        one(index, "s1", "Markets closed")
        v = one(index, "s2", "markets  CLOSED.")
        assert (v.status, v.duplicate_of) == ("duplicate", "s1")
