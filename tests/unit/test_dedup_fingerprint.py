"""Fingerprints: comparison normalisation, determinism, and the MinHash estimate."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from services.dedup import fingerprint as fpm
from services.dedup.fingerprint import (
    BAND_ROWS,
    BANDS,
    NUM_PERM,
    comparison_words,
    estimated_similarity,
    fingerprint,
    matching_values,
    shingle_hashes,
)


def jaccard(a: list[str], b: list[str], k: int = fpm.SHINGLE_WORDS) -> float:
    sa = {tuple(a[i : i + k]) for i in range(max(1, len(a) - k + 1))}
    sb = {tuple(b[i : i + k]) for i in range(max(1, len(b) - k + 1))}
    return len(sa & sb) / len(sa | sb)


def test_comparison_ignores_case_quotes_entities_tags_and_spacing():
    a = 'The PM said: "We\'ll win" &amp; left.\n\nNext   paragraph'
    b = "<p>the pm said \u201cwe\u2019ll WIN\u201d & left</p><p>next paragraph</p>"
    assert (
        comparison_words(a) == comparison_words(b) == ["the", "pm", "said", "well", "win", "left", "next", "paragraph"]
    )
    assert fingerprint(a) == fingerprint(b)


def test_unicode_words_are_kept():
    assert comparison_words("Ça coûte 5€ à Zürich") == ["ça", "coûte", "5", "à", "zürich"]


def test_fingerprint_shape():
    fp = fingerprint("one two three four five six")
    assert len(fp.exact) == 16
    assert len(fp.signature) == 2 * NUM_PERM
    assert len(fp.bands) == BANDS and all(len(b) == 8 for b in fp.bands)
    assert len(set(fp.bands)) == BANDS  # band numbers are mixed in
    assert fp.words == 6


def test_empty_text():
    fp = fingerprint("  &nbsp; <br> ")
    assert fp.words == 0
    assert shingle_hashes([]).size == 0


def test_short_text_is_one_shingle():
    assert shingle_hashes(["a", "b"]).size == 1
    assert fingerprint("a b") != fingerprint("b a")


def test_same_text_same_fingerprint_in_another_process():
    """The hash family is seeded, not Python's per-process salted hash()."""
    text = "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn"
    code = (
        "import sys; from services.dedup.fingerprint import fingerprint as f; "
        f"sys.stdout.write(f({text!r}).signature.hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PYTHONPATH": "."},
    ).stdout
    assert other == fingerprint(text).signature.hex()


def test_word_order_matters():
    a = "alpha beta gamma delta epsilon zeta eta theta iota kappa"
    b = "kappa iota theta eta zeta epsilon delta gamma beta alpha"
    assert matching_values(fingerprint(a).signature, fingerprint(b).signature) < NUM_PERM // 4


def test_estimate_tracks_true_jaccard():
    """Mean absolute error over many pairs is close to the MinHash standard error (~0.03 at 256 values)."""
    rng = random.Random(1)
    vocab = [f"v{i}" for i in range(3000)]
    errors = []
    for _ in range(200):
        a = [rng.choice(vocab) for _ in range(rng.randint(50, 400))]
        b = list(a)
        for _ in range(rng.randint(0, len(a) // 3)):
            b[rng.randrange(len(b))] = rng.choice(vocab)
        est = estimated_similarity(
            matching_values(fingerprint(" ".join(a)).signature, fingerprint(" ".join(b)).signature)
        )
        errors.append(abs(est - jaccard(a, b)))
    assert np.mean(errors) < 0.03
    assert max(errors) < 0.15


def test_identical_signatures_share_every_band_and_different_texts_none():
    a = fingerprint(" ".join(f"x{i}" for i in range(300)))
    b = fingerprint(" ".join(f"y{i}" for i in range(300)))
    assert not set(a.bands) & set(b.bands)


def test_lsh_parameters_catch_the_threshold():
    """A pair at Jaccard 0.5 becomes a candidate with probability >= 0.99."""
    p = 1 - (1 - 0.5**BAND_ROWS) ** BANDS
    assert p >= 0.99
    assert BANDS * BAND_ROWS <= NUM_PERM


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_fingerprint_is_total_and_deterministic(text):
    a, b = fingerprint(text), fingerprint(text)
    assert a == b
    assert (a.words == 0) == (not comparison_words(text))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["news", "said", "the", "Minister", "it's", "2005", "Café"]), min_size=1, max_size=40),
    st.sampled_from([str.upper, str.lower, lambda s: s.replace("'", "\u2019"), lambda s: s.replace(" ", "\n  ")]),
)
def test_surface_changes_keep_the_exact_key(words, change):
    text = " ".join(words)
    assert fingerprint(change(text)).exact == fingerprint(text).exact


def test_signature_is_pinned():
    """Signatures stored in Redis must stay comparable: a change here needs a new FORMAT."""
    fp = fingerprint("Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn")
    assert fpm.FORMAT == "v1k3p256r3b42"
    assert fp.exact.hex() == "8102a0f301e5c02701f55b946cee9e2d"
    assert fp.signature[:8].hex() == "33f59cf1ef6f12d9"
    assert fp.bands[0].hex() == "2c58a001cef264c3"


def test_minhash_is_the_documented_multiply_add_shift_family():
    """Each value is min over shingles of ((a_i * x + b_i) mod 2**64) >> 32, computed here in Python integers."""
    rng = random.Random(7)
    shingles = np.array([rng.getrandbits(64) for _ in range(40)], dtype=np.uint64)
    got = fpm.minhash(shingles)
    a, b = fpm._PERM_A.ravel().tolist(), fpm._PERM_B.ravel().tolist()
    for i in (0, 1, NUM_PERM // 2, NUM_PERM - 1):
        want = min(((a[i] * int(x) + b[i]) % 2**64) >> 32 for x in shingles.tolist())
        assert int(got[i]) == want
