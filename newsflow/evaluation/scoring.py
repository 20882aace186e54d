#!/usr/bin/env python3
"""Score enriched articles against a gold file.

(The project owners' eval/score.py, kept unchanged below this docstring so that `newsflow eval`
works from a clone; tests/unit/test_scoring_copy.py fails when the two differ.)

Usage:
    score.py GOLD.jsonl PRED.jsonl [--json]

GOLD.jsonl, one article a line:
    {"id": "...",
     "quotes": [{"text": "...", "speaker": "Tony Blair" | null, "kind": "direct" | "partial"}],
     "ignore_quotes": ["text in quotation marks that is not attributed speech"],
     "indirect": [{"text": "what was reported, without quotation marks", "speaker": ...}],   (optional)
     "ignore_indirect": ["other attributed content: beliefs, intentions"],                (optional)
     "entities": {"PERSON": [...], "ORG": [...], "LOC": [...]},
     "duplicate_of": "id of an earlier article" | null}      (optional)

PRED.jsonl is what the pipeline emits on its enriched topic, one event a line.
Read from each event: "id"; "quotes": [{"text", "speaker"}]; "entities": [{"name" (or "text"), "label"}];
"dedup": {"duplicate_of"}.

Quotes: one quote is one span between a pair of quotation marks; a quote interrupted by
'he said' is two quotes. Predicted quotes of kind "indirect" (reported speech: 'X said
that ...') are kept apart: they are scored against the gold's "indirect" list, where a
gold file has one, and never count against direct quotes. A predicted quote matches a gold quote when their word overlap
(token F1) is at least 0.5. The speaker is right when the names agree after honorifics
are dropped, or when one name's words contain the other's and the last word agrees
("Blair" / "Mr Blair" / "Tony Blair"), or, for unnamed speakers, when word overlap is >= 0.67.
A gold speaker with an apposition or affiliation ("Chris Low at FTN Financial", "Kelly, a
retired astronaut,") also matches by its core ("Chris Low", "Kelly").

Entities: the set of distinct names per group (PERSON; ORG; LOC = GPE, LOC, FAC) per
article. strict: same normalised name. lenient: same last word (PERSON) or one name's
words contain the other's (ORG, LOC).

Duplicates: pairwise precision and recall of the clusters that duplicate_of links form.

Only the standard library is used, so it runs anywhere Python 3.9+ runs.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "prof", "professor",
    "president", "prime", "minister", "chancellor", "secretary", "gen", "general",
    "rev", "mp", "judge",
}
LABEL_GROUP = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG",
               "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201f\u2039\u203a`"


def norm_text(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.lower()
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[^\w\s'-]", " ", s)
    s = s.replace("'", " ")
    return " ".join(s.split())


def tokens(s: str | None) -> list[str]:
    return norm_text(s).split()


def token_f1(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    ca, cb = defaultdict(int), defaultdict(int)
    for t in a:
        ca[t] += 1
    for t in b:
        cb[t] += 1
    common = sum(min(ca[t], cb[t]) for t in ca)
    if common == 0:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def name_tokens(s: str | None) -> list[str]:
    toks = [t for t in tokens(s) if t not in ("the", "a", "an")]
    core = [t for t in toks if t not in HONORIFICS]
    return core or toks


def gold_speaker_forms(gold: str) -> list[str]:
    """The gold speaker as written, and its core when it carries an apposition or an
    affiliation: "Chris Low at FTN Financial", "Steger, now a professor at ..." -> "Chris Low", "Steger"."""
    forms = [gold]
    for part in re.split(r",|\(|\)", gold):
        part = re.split(r"\s(?:at|of|from|for|with|who|in)\s", part.strip())[0].strip()
        if part and part not in forms:
            forms.append(part)
    return forms


def speaker_match(pred: str | None, gold: str | None) -> bool:
    if not pred or not gold:
        return False
    return any(_speaker_match(pred, form) for form in gold_speaker_forms(gold))


def _speaker_match(pred: str, gold: str) -> bool:
    p, g = name_tokens(pred), name_tokens(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    # the same person named more or less fully: "Blair", "Mr Blair", "Tony Blair"
    if p[-1] == g[-1] and (set(p) <= set(g) or set(g) <= set(p)):
        return True
    # an unnamed speaker described in other words: "a Downing Street spokesman"
    return token_f1(tokens(pred), tokens(gold)) >= 0.67


def entity_match(pred: str, gold: str, group: str, lenient: bool) -> bool:
    p, g = name_tokens(pred), name_tokens(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    if not lenient:
        return False
    if group == "PERSON":
        return p[-1] == g[-1]
    return set(p) <= set(g) or set(g) <= set(p)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def match_sets(preds: list[str], golds: list[str], ok) -> int:
    """Greedy one-to-one matching; returns the number of matched pairs."""
    used = set()
    tp = 0
    for g in golds:
        for i, p in enumerate(preds):
            if i not in used and ok(p, g):
                used.add(i)
                tp += 1
                break
    return tp


def score_quotes(gold: dict, pred: dict, acc: dict, details: list) -> None:
    gq = [q for q in gold.get("quotes", []) if tokens(q.get("text"))]
    ignore = [tokens(t) for t in gold.get("ignore_quotes", [])]
    pq = []
    for q in pred.get("quotes") or []:
        if q.get("kind") == "indirect":
            continue
        t = tokens(q.get("text"))
        if not t:
            continue
        if any(token_f1(t, ig) >= 0.5 for ig in ignore):
            continue
        pq.append(q)
    pairs = []
    for gi, g in enumerate(gq):
        for pi, p in enumerate(pq):
            f = token_f1(tokens(g["text"]), tokens(p.get("text")))
            if f >= 0.5:
                pairs.append((f, gi, pi))
    pairs.sort(reverse=True)
    gm, pm = {}, {}
    for f, gi, pi in pairs:
        if gi in gm or pi in pm:
            continue
        gm[gi], pm[pi] = pi, gi
    acc["q_tp"] += len(gm)
    acc["q_fp"] += len(pq) - len(pm)
    acc["q_fn"] += len(gq) - len(gm)
    for gi, g in enumerate(gq):
        if g.get("speaker") is None:
            if gi in gm:
                acc["e2e_tp"] += 1  # no speaker to get wrong
            continue
        if gi not in gm:
            acc["e2e_fn"] += 1
            details.append({"id": gold["id"], "miss": g["text"][:80], "speaker": g["speaker"]})
            continue
        acc["attr_n"] += 1
        p = pq[gm[gi]]
        if speaker_match(p.get("speaker"), g["speaker"]):
            acc["attr_ok"] += 1
            acc["e2e_tp"] += 1
        else:
            acc["e2e_fn"] += 1
            acc["e2e_fp"] += 1
            details.append({"id": gold["id"], "quote": g["text"][:80], "gold_speaker": g["speaker"],
                            "pred_speaker": p.get("speaker")})
    acc["e2e_fp"] += len(pq) - len(pm)
    for pi, p in enumerate(pq):
        if pi not in pm:
            details.append({"id": gold["id"], "extra": (p.get("text") or "")[:80]})


def score_indirect(gold: dict, pred: dict, acc: dict) -> None:
    gq = [q for q in gold.get("indirect", []) if tokens(q.get("text"))]
    ignore = [tokens(t) for t in gold.get("ignore_indirect", [])]
    pq = [q for q in pred.get("quotes") or [] if q.get("kind") == "indirect" and tokens(q.get("text"))]

    def near(q: dict, texts: list[list[str]]) -> bool:
        return any(token_f1(tokens(q["text"]), t) >= 0.5 for t in texts)

    # a prediction that matches only other attributed content (a belief, a quoted claim) is left out
    pq = [q for q in pq if near(q, [tokens(g["text"]) for g in gq]) or not near(q, ignore)]
    pairs = sorted(((token_f1(tokens(g["text"]), tokens(p["text"])), gi, pi)
                    for gi, g in enumerate(gq) for pi, p in enumerate(pq)), reverse=True)
    gm, pm = {}, {}
    for f, gi, pi in pairs:
        if f < 0.5 or gi in gm or pi in pm:
            continue
        gm[gi], pm[pi] = pi, gi
    acc["i_tp"] += len(gm)
    acc["i_fp"] += len(pq) - len(pm)
    acc["i_fn"] += len(gq) - len(gm)
    for gi, g in enumerate(gq):
        ok = gi in gm and (g.get("speaker") is None or speaker_match(pq[gm[gi]].get("speaker"), g["speaker"]))
        acc["ie_tp" if ok else "ie_fn"] += 1
        if gi in gm and not ok:
            acc["ie_fp"] += 1
    acc["ie_fp"] += len(pq) - len(pm)


def score_entities(gold: dict, pred: dict, acc: dict) -> None:
    pred_groups: dict[str, list[str]] = defaultdict(list)
    for e in pred.get("entities") or []:
        group = LABEL_GROUP.get(str(e.get("label", "")).upper())
        name = e.get("name") or e.get("text")
        if group and name and norm_text(name) not in [norm_text(x) for x in pred_groups[group]]:
            pred_groups[group].append(name)
    for group in ("PERSON", "ORG", "LOC"):
        golds = list(dict.fromkeys(gold.get("entities", {}).get(group, [])))
        preds = pred_groups.get(group, [])
        for mode in ("strict", "lenient"):
            tp = match_sets(preds, golds, lambda p, g: entity_match(p, g, group, mode == "lenient"))
            acc[f"ent_{mode}_tp"] += tp
            acc[f"ent_{mode}_fp"] += len(preds) - tp
            acc[f"ent_{mode}_fn"] += len(golds) - tp


def clusters(links: dict[str, str | None], ids: list[str]) -> set[frozenset]:
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links.items():
        if b and a in parent and b in parent:
            parent[find(a)] = find(b)
    pairs = set()
    groups = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    for members in groups.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add(frozenset((members[x], members[y])))
    return pairs


def load(path: str) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: not JSON: {e}")
            out[str(obj.get("id"))] = obj
    return out


def score(gold: dict[str, dict], pred: dict[str, dict]) -> dict:
    acc: dict[str, int] = defaultdict(int)
    details: list = []
    missing = [i for i in gold if i not in pred]
    for gid, g in gold.items():
        p = pred.get(gid, {})
        if "quotes" in g:
            score_quotes(g, p, acc, details)
        if "indirect" in g:
            score_indirect(g, p, acc)
        if "entities" in g:
            score_entities(g, p, acc)
    result = {
        "articles": len(gold),
        "missing_in_prediction": len(missing),
        "quotes": prf(acc["q_tp"], acc["q_fp"], acc["q_fn"]),
        "attribution_accuracy": round(acc["attr_ok"] / acc["attr_n"], 4) if acc["attr_n"] else None,
        "quotes_with_speaker": prf(acc["e2e_tp"], acc["e2e_fp"], acc["e2e_fn"]),
        "entities_strict": prf(acc["ent_strict_tp"], acc["ent_strict_fp"], acc["ent_strict_fn"]),
        "entities_lenient": prf(acc["ent_lenient_tp"], acc["ent_lenient_fp"], acc["ent_lenient_fn"]),
    }
    if any("indirect" in g for g in gold.values()):
        result["indirect"] = prf(acc["i_tp"], acc["i_fp"], acc["i_fn"])
        result["indirect_with_speaker"] = prf(acc["ie_tp"], acc["ie_fp"], acc["ie_fn"])
    if any("duplicate_of" in g for g in gold.values()):
        ids = list(gold)
        gp = clusters({i: gold[i].get("duplicate_of") for i in ids}, ids)
        pp = clusters({i: ((pred.get(i) or {}).get("dedup") or {}).get("duplicate_of") for i in ids}, ids)
        tp = len(gp & pp)
        result["duplicates"] = prf(tp, len(pp - gp), len(gp - pp))
    result["errors_sample"] = details[:40]
    return result


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    result = score(load(args[0]), load(args[1]))
    if "--json" in argv:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for k, v in result.items():
            if k != "errors_sample":
                print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
