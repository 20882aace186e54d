"""The evaluation sets beside the repository: the BBC dev set and the two fixed parts of PolNeAR's training split.

PolNeAR's training split is cut once, by a hash of each article id, into a tuning part (rules and
models are fitted on it) and a held-out part (one article in five; never looked at while tuning).
The benchmarks, the training script and the quality tests all take their sets from here, so the cut
is the same everywhere.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
HELDOUT_SHARE = 5  # one article in 5 is held out
SET_NAMES = ("tuning", "heldout", "bbc")
# Unannotated: every article of the BBC corpus outside the dev set (coreference cases are made from it).
CORPUS_SETS = ("bbc_corpus",)


def part_of(article_id: str) -> str:
    """'heldout' or 'tuning': a fixed cut by a hash of the article id."""
    h = int(hashlib.sha256(article_id.encode("utf-8")).hexdigest(), 16)
    return "heldout" if h % HELDOUT_SHARE == 0 else "tuning"


def _hash_order(article_id: str) -> str:
    return hashlib.sha256(("order:" + article_id).encode("utf-8")).hexdigest()


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSON Lines file."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def set_files(name: str, sample: int | None, workdir: Path, shared: Path = SHARED) -> tuple[Path, Path] | None:
    """(gold, input) files of a named set ('bbc', 'tuning', 'heldout'), the PolNeAR parts written to `workdir`
    in a fixed hash order (`sample`: the first N of them); None when the data is not beside the repo."""
    if name == "bbc":
        dev_gold, dev_input = shared / "eval" / "dev_gold.jsonl", shared / "eval" / "dev_input.jsonl"
        return (dev_gold, dev_input) if dev_gold.exists() and dev_input.exists() else None
    if name == "bbc_corpus":
        return _bbc_corpus(workdir, shared)
    if name not in SET_NAMES:
        raise ValueError(f"unknown set {name!r}; sets are {', '.join(SET_NAMES)}")
    gold_path = shared / "corpora" / "polnear_train_gold.jsonl"
    input_path = shared / "corpora" / "polnear_train_input.jsonl"
    if not gold_path.exists() or not input_path.exists():
        return None
    gold = {g["id"]: g for g in read_jsonl(gold_path)}
    inputs = {a["id"]: a for a in read_jsonl(input_path)}
    ids = sorted((i for i in gold if i in inputs and part_of(i) == name), key=_hash_order)
    if sample:
        ids = ids[:sample]
    g_out, i_out = workdir / f"{name}_gold.jsonl", workdir / f"{name}_input.jsonl"
    g_out.write_text("".join(json.dumps(gold[i], ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
    i_out.write_text("".join(json.dumps(inputs[i], ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
    return g_out, i_out


def _bbc_corpus(workdir: Path, shared: Path) -> tuple[Path, Path] | None:
    """The BBC corpus without the dev set's articles, and a gold file that annotates nothing."""
    corpus, dev = shared / "corpora" / "bbc.jsonl", shared / "eval" / "dev_input.jsonl"
    if not corpus.exists() or not dev.exists():
        return None
    dev_ids = {a["id"] for a in read_jsonl(dev)}
    articles = [a for a in read_jsonl(corpus) if a["id"] not in dev_ids]
    g_out, i_out = workdir / "bbc_corpus_gold.jsonl", workdir / "bbc_corpus_input.jsonl"
    g_out.write_text("".join(json.dumps({"id": a["id"]}) + "\n" for a in articles), encoding="utf-8")
    i_out.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return g_out, i_out


__all__ = ["CORPUS_SETS", "HELDOUT_SHARE", "SET_NAMES", "part_of", "read_jsonl", "set_files"]
