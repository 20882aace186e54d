"""Fingerprints of article text for duplicate detection: pure functions, no I/O.

An article's comparison text is its words after case folding, quote and apostrophe
folding and punctuation removal (HTML tags and entities that survived the normalize
stage are dropped too). From it come:

- an exact key: a hash of the comparison text, equal iff the texts are equal;
- a MinHash signature over word `k`-shingles, with a fixed, seeded hash family, so every
  process and every run computes the same signature for the same text;
- LSH band keys: groups of `rows` signature values hashed together; two articles whose
  shingle-set Jaccard similarity is s share at least one band with probability
  1 - (1 - s**rows)**bands.

The parameters are part of the index format (`FORMAT`): changing them changes every
key, so old and new signatures are never compared.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

SHINGLE_WORDS = 3
NUM_PERM = 256
BAND_ROWS = 3
BANDS = 42
SEED = 20240611
FORMAT = f"v1k{SHINGLE_WORDS}p{NUM_PERM}r{BAND_ROWS}b{BANDS}"

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>")
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc\u0060\u00b4]")
_WORD = re.compile(r"\w+")


def _family(seed: int, n: int) -> np.ndarray:
    # From blake2b, not a numpy RNG: the constants must not change with a library version,
    # or workers on different versions would compute incomparable signatures.
    return np.array(
        [int.from_bytes(hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).digest(), "little") for i in range(n)],
        dtype=np.uint64,
    )


# Multiply-add-shift hashing of 64-bit shingle hashes to 32 bits: h_i(x) = ((a_i*x + b_i) mod 2**64) >> 32,
# a_i odd; a 2-universal family that numpy computes with wrapping uint64 arithmetic.
_PERM_A = (_family(SEED, NUM_PERM) | np.uint64(1)).reshape(-1, 1)
_PERM_B = _family(SEED + 1, NUM_PERM).reshape(-1, 1)
# Odd multipliers that combine the words of a shingle in order, and the rows of a band.
_SHINGLE_MUL = _family(SEED + 2, SHINGLE_WORDS) | np.uint64(1)
_BAND_MUL = (_family(SEED + 3, BAND_ROWS) | np.uint64(1)).reshape(1, -1)
_BAND_SALT = _family(SEED + 4, BANDS)


@dataclass(frozen=True)
class Fingerprint:
    """What the index needs of one article's text."""

    exact: bytes  # 16-byte hash of the comparison text
    signature: bytes  # NUM_PERM little-endian uint16: the low bits of each MinHash value
    bands: tuple[bytes, ...]  # BANDS 8-byte band hashes, band number mixed in
    words: int  # number of words in the comparison text (0: nothing to compare)


def comparison_words(text: str) -> list[str]:
    """The words two copies of a story must share to be the same text: case, quotes, punctuation and markup ignored."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)  # "don't" == "don’t" == "dont"
    return _WORD.findall(text)


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    # Two different C checksums make a 64-bit word hash at a fraction of a cryptographic hash's cost;
    # a rare collision only merges two words.
    cache: dict[str, int] = {}
    out = []
    for w in words:
        h = cache.get(w)
        if h is None:
            b = w.encode("utf-8", "surrogatepass")
            h = cache[w] = (zlib.crc32(b) << 32) | zlib.adler32(b)
        out.append(h)
    return np.array(out, dtype=np.uint64)


def shingle_hashes(words: Sequence[str], k: int = SHINGLE_WORDS) -> np.ndarray:
    """64-bit hashes of the distinct word `k`-shingles; a text shorter than `k` words is one shingle."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    wh = _word_hashes(words)
    n = max(1, len(words) - k + 1)
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(min(k, len(words))):
        acc += wh[j : j + n] * _SHINGLE_MUL[j]
    return np.unique(acc)


def minhash(shingles: np.ndarray) -> np.ndarray:
    """The NUM_PERM-value MinHash (uint32) of a set of 64-bit shingle hashes; all 0xFFFFFFFF if empty."""
    if shingles.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    hv = _PERM_A * shingles.reshape(1, -1)
    hv += _PERM_B  # in place: one (NUM_PERM, n) array, not three
    # the shift is monotonic, so it is taken of the minima only
    return (hv.min(axis=1) >> np.uint64(32)).astype(np.uint32)


def band_hashes(sig: np.ndarray) -> tuple[bytes, ...]:
    """One 8-byte hash per LSH band of a MinHash; equal bands of different band numbers never collide."""
    rows = sig[: BANDS * BAND_ROWS].astype(np.uint64).reshape(BANDS, BAND_ROWS)
    h = (rows * _BAND_MUL).sum(axis=1, dtype=np.uint64) + _BAND_SALT
    h ^= h >> np.uint64(29)  # spread the high bits into the bytes a key keeps
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    raw = h.astype("<u8").tobytes()
    return tuple(raw[i : i + 8] for i in range(0, len(raw), 8))


def fingerprint(text: str) -> Fingerprint:
    """Exact key, MinHash signature and LSH bands of an article's text."""
    words = comparison_words(text)
    exact = hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    sig = minhash(shingle_hashes(words))
    return Fingerprint(
        exact=exact,
        signature=(sig & 0xFFFF).astype("<u2").tobytes(),
        bands=band_hashes(sig),
        words=len(words),
    )


def matching_values(a: bytes, b: bytes) -> int:
    """How many of the NUM_PERM signature values two signatures share."""
    x = np.frombuffer(a, dtype="<u2")
    y = np.frombuffer(b, dtype="<u2")
    return int(np.count_nonzero(x == y))


def estimated_similarity(matches: int) -> float:
    """The Jaccard estimate of `matches` equal values out of NUM_PERM."""
    return matches / NUM_PERM
