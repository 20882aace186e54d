"""Train the pronoun resolver (services/quotes/coref_model.json) and print its held-out figures.

    python -m benchmarks.train_coref [--cache DIR] [--out services/quotes/coref_model.json]

Training data, all from ../shared, none hand-annotated by us:
1. GAP (../shared/corpora/gap): the development split (2,000 pronouns, each with two names and which
   of them it refers to) is fitted on; the validation split (454) is only scored.
2. News pronoun cases made without annotation: in the BBC corpus (the dev set's articles left out) and
   PolNeAR's training split, a quote attributed to a person or organisation by a name (the parse's
   speech-verb subject and a text pattern agreeing on it) that the article already used earlier
   becomes a pronoun case: the name is read as
   the pronoun the article itself uses for that person ('he'/'she' by the article's own evidence, or
   a given name the list is sure of; 'it'/'they' for an organisation), and the resolver must find the
   person again among the article's chains. PolNeAR cases also need the corpus's gold source to agree.
   A case is "natural" where a writer would have written a pronoun: the person is mentioned in that
   sentence or the one before, or is the one quoted last in that paragraph or the one before (75 of
   the 84 real pronoun attributions with a named gold source in the BBC dev set and PolNeAR are; three
   in four named re-mentions are). The fit uses natural cases; both are reported. Articles are split
   by a hash of their id (`newsflow.evaluation.evalsets.part_of`): one in five is held out and only scored.
Gradient-boosted trees (scikit-learn, fixed seed; 30 trees of depth 4) are fitted on the candidates
of each pronoun, labelled right or wrong, in two rounds (the second with chains resolved by the first
model, as the stage runs it); the trees go to the JSON model file, and the runtime reads them without
scikit-learn. Descriptions keep a logistic regression, fitted on the candidates and on the
differences between each right candidate and each wrong one.
Prints GAP validation (with ../shared/eval/score_gap.py) and the news cases' right share, held-out
and fitted parts apart, by pronoun. `--folds 5` also prints five-fold cross-validation on GAP
development; `--trees/--depth/--learning-rate` size the trees, and `--tree-share` weighs them
against the logistic regression (0: the regression alone, 1: the trees alone; for comparison, `--out`
elsewhere, then `python -m benchmarks.resolver_speed`).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
from collections import defaultdict
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.attribution_accuracy import owners_scorer  # noqa: E402
from benchmarks.attribution_data import DEFAULT_CACHE, build, load_events  # noqa: E402
from benchmarks.gap import answer, choose, holds, model_pass, pronoun_candidates, read_gap, scores  # noqa: E402
from benchmarks.train_attribution import _matches  # noqa: E402
from newsflow.evaluation.evalsets import part_of  # noqa: E402
from services.quotes.coref import MODEL_PATH, UNTRAINED, CorefModel  # noqa: E402
from services.quotes.description_coref import resolve_description  # noqa: E402
from services.quotes.discourse import ROLE_WORDS, SPEECH_FORMS, Discourse, build_discourse  # noqa: E402  # noqa: E402
from services.quotes.logic import extract_quotes  # noqa: E402
from services.quotes.marks import pair_quotes  # noqa: E402
from shared.core.events import EntitiesExtracted, from_dict, to_dict  # noqa: E402
from shared.core.settings import Settings  # noqa: E402
from shared.lexicon.roles import ORGANISATION_NOUNS  # noqa: E402
from shared.lexicon.titles import FEMALE_TITLES, MALE_TITLES  # noqa: E402

TITLE_WORDS = ROLE_WORDS | MALE_TITLES | FEMALE_TITLES
# Words after which a subject can stand ('and Roe said', 'but Roe added').
CLAUSE_WORDS = frozenset("and but or then so while as when because although though that said says told".split())

SEED = 29
SHARED = REPO.parent / "shared"
GAP_DIR = SHARED / "corpora" / "gap"
NEWS_SETS = ("tuning", "heldout", "bbc_corpus")


# --- data ---------------------------------------------------------------------------------------------


def gap_events(cache: Path, split: str) -> tuple[list[dict], list[EntitiesExtracted]]:
    """A GAP split's rows and their model pass (parse of every sentence), cached."""
    rows = read_gap(GAP_DIR / f"gap-{split}.tsv")
    path = cache / f"gap_{split}_entities.jsonl"
    if not path.exists():
        events = model_pass(rows, Settings(parse_scope="all"))
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(orjson.dumps(to_dict(e)) + b"\n" for e in events))
    with path.open("rb") as f:
        events = [from_dict(EntitiesExtracted, orjson.loads(line)) for line in f if line.strip()]
    return rows, events


def gap_rows(
    rows: list[dict], events: list[EntitiesExtracted], model: CorefModel
) -> list[tuple[list[dict], list[int]]]:
    """Per GAP pronoun: its candidates' features and whether each holds the gold name."""
    out = []
    for row, e in zip(rows, events):
        d, cands = pronoun_candidates(e, row, model)
        if not cands:
            continue
        gold = [(row[k], int(row[f"{k}-offset"])) for k in "AB" if row[f"{k}-coref"].upper() == "TRUE"]
        labels = [int(any(holds(d, c, n, o) for n, o in gold)) for c, _ in cands]
        out.append(([f for _, f in cands], labels))
    return out


# A named attribution two kinds of source agree on: the parse's speech-verb subject and a text pattern.
AGREEING_SOURCES = (frozenset({"syntax:speech_verb_subject"}), frozenset({"text:after_quote", "text:before_quote"}))


def news_cases(events: list[EntitiesExtracted], gold: dict, scorer, model: CorefModel) -> list[dict]:
    """Pronoun cases made from named attributions (a name that the speech verb's subject in the parse and
    a text pattern both give, resolved as a name; for PolNeAR also the corpus's source) whose person the
    article named before. No chooser decides which quotes make cases."""
    cases = []
    for e in events:
        quoted = [s.marked for s in pair_quotes(e.text)]
        d = build_discourse(e.text, e.entities, e.parse, quoted, model)
        seen: list = []
        quotes = extract_quotes(e.text, e.entities, e.parse, observe=lambda i, c, ctx, seen=seen: seen.append((i, c)))
        direct = [q for q in quotes if q.kind != "indirect"]
        g = gold.get(e.id, {}).get("quotes")
        matched = None
        if g is not None:  # PolNeAR: the corpus's source must agree
            g = [q for q in g if scorer.tokens(q.get("text"))]
            matched = {pi: g[gi].get("speaker") for pi, gi in _matches(scorer, g, direct).items()}
        used = set()
        for i, cands in seen:
            for start, end, speaker in _agreed_names(cands):
                if matched is not None and not scorer.speaker_match(speaker, matched.get(i)):
                    continue
                case = _case(d, e, start, end, speaker)
                if case is not None and case["start"] not in used and i < len(direct):
                    used.add(case["start"])
                    cases.append({**case, "quote": (direct[i].start, direct[i].end)})
    return cases


def _agreed_names(cands) -> list[tuple[int, int, str]]:
    """The name phrases (start, end, speaker) that a source of each kind of AGREEING_SOURCES proposes."""
    rules: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for c in cands:
        if c.step in ("name", "organisation"):
            rules[(c.start, c.end, c.speaker)].add(c.rule)
    return [k for k, r in rules.items() if all(r & kind for kind in AGREEING_SOURCES)]


def _case(d: Discourse, e: EntitiesExtracted, start: int, end: int, speaker: str) -> dict | None:
    names = [m for m in d.mentions_within(start, end) if m.kind == "name" and m.chain >= 0]
    chains = {m.chain for m in names}
    if len(chains) != 1:
        return None
    m = names[0]
    c = d.chains[m.chain]
    if c.name != speaker or c.label not in ("PERSON", "ORG"):
        return None
    before = [d.mentions[k] for k in c.mentions if d.mentions[k].start < m.start and not d.mentions[k].quoted]
    if not before:
        return None  # the article did not name them before: no pronoun would stand there
    if c.label == "PERSON":
        g, sure = c.gender()
        if g is None or not (sure or c.prior_sure):
            return None  # the article's own pronouns, or a name the list is sure of, say which pronoun stands there
        word = "he" if g == "m" else "she"
    else:
        last = c.name.split()[-1]
        word = "they" if last.endswith("s") and not last.endswith("ss") else "it"
    start = _title_start(d.text, m.start)
    if start is None:
        return None
    return {
        "id": e.id,
        "start": start,
        "end": m.end,
        "word": word,
        "target": c.name,
        "natural": _natural(d, m, before),
    }


def _title_start(text: str, start: int) -> int | None:
    """Where a name's titles begin ('Prime Minister Tony Blair' -> 'Prime'), so that a pronoun replaces them
    too; None when the name sits inside a longer noun phrase ('Labour leader Tony Blair'), where no pronoun
    could stand."""
    while True:
        words = text[max(0, start - 40) : start].split(" ")
        if len(words) < 2 or words[-1] != "":
            return start
        w = words[-2]
        if w[:1].isupper() and w.lower().rstrip(".") in TITLE_WORDS:
            start -= len(w) + 1
            continue
        ok = not w or w[-1:] in ',;:"\u201c\u201d(' or w.lower() in SPEECH_FORMS | CLAUSE_WORDS
        return start if ok else None


def _natural(d: Discourse, m, before: list) -> bool:
    """Whether a writer would have used a pronoun there: the person is mentioned in this sentence or the
    one before, or is the one quoted last (the latest speech verb's subject) in this paragraph or the one
    before. Of the real pronoun attributions of the BBC dev set and PolNeAR (84 with a named gold source),
    75 are of this kind; of all named re-mentions, about three in four."""
    if m.sent - before[-1].sent <= 1:
        return True
    k = d.before(m.start) - 1
    while k >= 0 and not (d.mentions[k].speech and not d.mentions[k].quoted):
        k -= 1
    return k >= 0 and d.mentions[k].chain == m.chain and m.para - d.mentions[k].para <= 1


def description_cases(events_by_id: dict, cases: list[dict], model: CorefModel) -> list[dict]:
    """Description cases from the pronoun cases' named attributions: the name read as 'the <role>' where the
    article gave the person that role elsewhere ('Mayor Jane Roe' ... 'Roe said' -> 'the mayor said'), or an
    organisation 'the <noun>' for the kind of body it is ('company Acme', 'the Acme Corporation')."""
    out = []
    for case in cases:
        e = events_by_id[case["id"]]
        quoted = [s.marked for s in pair_quotes(e.text)]
        d = build_discourse(
            e.text, e.entities, e.parse, quoted, model, masked=(case["start"], case["end"], ""), topic=e.title or ""
        )
        chain = next((c for c in d.chains if c.name == case["target"] and c.label != "MERGED"), None)
        if chain is None:
            continue
        heads = sorted(chain.roles)
        if chain.label == "ORG":
            last = chain.name.lower().split()[-1]
            heads += [last] if last in ORGANISATION_NOUNS else []
        if heads:
            k = int(sha256(f"{case['id']}:{case['start']}".encode()).hexdigest(), 16) % len(heads)
            out.append({**case, "description": ["the", heads[k]], "word": "the " + heads[k]})
    return out


def description_rows(
    events_by_id: dict, cases: list[dict], model: CorefModel
) -> list[tuple[list[dict], list[int], dict]]:
    """Per description case: the candidates' features and whether each is the named person or body."""
    out = []
    for case in cases:
        e = events_by_id[case["id"]]
        quoted = [s.marked for s in pair_quotes(e.text)]
        d = build_discourse(
            e.text, e.entities, e.parse, quoted, model, masked=(case["start"], case["end"], ""), topic=e.title or ""
        )
        seen: list = []
        resolve_description(model, d, case["start"], case["description"][1:], observe=seen.append)
        if not seen or not seen[0]:
            continue
        labels = [int(c.name == case["target"]) for c, _ in seen[0]]
        if any(labels):
            out.append(([f for _, f in seen[0]], labels, case))
    return out


def case_rows(events_by_id: dict, cases: list[dict], model: CorefModel) -> list[tuple[list[dict], list[int], dict]]:
    """Per news case: the masked pronoun's candidates' features, whether each is the named person, the case."""
    out = []
    for case in cases:
        e = events_by_id[case["id"]]
        quoted = [s.marked for s in pair_quotes(e.text)]
        seen: list = []
        build_discourse(
            e.text,
            e.entities,
            e.parse,
            quoted,
            model,
            masked=(case["start"], case["end"], case["word"]),
            observe=lambda m, c, seen=seen: seen.append((m, c)),
            topic=e.title or "",
        )
        cands = next((c for m, c in seen if m.start == case["start"]), None)
        if not cands:
            continue
        labels = [int(c.name == case["target"]) for c, _ in cands]
        if any(labels):
            out.append(([f for _, f in cands], labels, case))
    return out


# --- fitting ------------------------------------------------------------------------------------------


def fit(rows) -> tuple[dict[str, float], float]:
    """Logistic-regression weights by feature name and the intercept: every candidate labelled, and the
    difference of each right candidate and each wrong one of a pronoun, both ways round."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer().fit([f for feats, *_ in rows for f in feats])
    xs, ys = [], []
    for feats, labels, *_ in rows:
        x = vec.transform(feats)
        xs.append(x)
        ys += labels
        for right in (k for k, lab in enumerate(labels) if lab):
            for wrong in (k for k, lab in enumerate(labels) if not lab):
                xs += [x[right] - x[wrong], x[wrong] - x[right]]
                ys += [1, 0]
    model = LogisticRegression(C=1.0, max_iter=5000, random_state=SEED).fit(sparse.vstack(xs), ys)
    weights = {n: round(float(w), 5) for n, w in zip(vec.get_feature_names_out(), model.coef_[0]) if abs(w) > 1e-6}
    return weights, round(float(model.intercept_[0]), 5)


# The pronoun resolver's boosted trees: few and shallow, so that scoring a candidate stays a few dozen set
# lookups (the sizes tried and why these: docs/quality.md).
TREES, DEPTH, LEARNING_RATE = 30, 4, 0.3
TREE_SHARE = 1.0  # the trees' share of the resolver's log-odds, the logistic regression's the rest


def fit_trees(rows, n: int = TREES, depth: int = DEPTH, rate: float = LEARNING_RATE) -> tuple[tuple, float]:
    """`n` gradient-boosted trees of `depth` (scikit-learn, fixed seed) over every candidate labelled right or
    wrong, as the resolver's JSON trees, and their starting log-odds."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer().fit([f for feats, *_ in rows for f in feats])
    x = vec.transform([f for feats, *_ in rows for f in feats])
    y = np.array([lab for _, labels, *_ in rows for lab in labels])
    gb = GradientBoostingClassifier(n_estimators=n, max_depth=depth, learning_rate=rate, random_state=SEED).fit(x, y)
    names = vec.get_feature_names_out()

    def tree(t, node: int = 0):
        if t.children_left[node] < 0:
            return round(float(t.value[node][0][0]) * rate, 6)
        if not 0.0 < t.threshold[node] < 1.0:  # every feature is 0 or 1: left is 'absent'
            raise SystemExit(f"a split at {t.threshold[node]} is no test of presence")
        return [str(names[t.feature[node]]), tree(t, t.children_left[node]), tree(t, t.children_right[node])]

    trees = tuple(tree(e[0].tree_) for e in gb.estimators_)
    intercept = float(np.log(y.mean() / (1.0 - y.mean())))
    check = CorefModel.from_json({"weights": {}, "intercept": intercept, "threshold": 0.0, "trees": trees})
    for feats in (f for fs, *_ in rows[:50] for f in fs):  # the exported trees score as scikit-learn does
        if abs(_logit(check.score(feats)) - gb.decision_function(vec.transform([feats]))[0]) > 1e-4:
            raise SystemExit("the exported trees do not score as scikit-learn's")
    return trees, round(intercept, 6)


def fit_pronouns(rows, args) -> CorefModel:
    """The pronoun resolver fitted on `rows`: the logistic regression of `fit` and boosted trees as `args` size
    them, their log-odds blended (`--tree-share` of the trees': 0 is the regression alone, 1 the trees)."""
    w = args.tree_share
    weights, intercept = fit(rows) if w < 1.0 else ({}, 0.0)
    trees, tree_intercept = fit_trees(rows, args.trees, args.depth, args.learning_rate) if w > 0.0 else ((), 0.0)
    return CorefModel.from_json(
        {
            "weights": {k: round(v * (1.0 - w), 6) for k, v in weights.items()},
            "intercept": round(intercept * (1.0 - w) + tree_intercept * w, 6),
            "threshold": 0.0,
            "trees": [_scaled(t, w) for t in trees],
        }
    )


def _scaled(tree, w: float):
    """A JSON tree with every leaf times `w`."""
    if isinstance(tree, list):
        return [tree[0], _scaled(tree[1], w), _scaled(tree[2], w)]
    return round(tree * w, 6)


def cross_validate(gap_dev, news_rows, model: CorefModel, folds: int, args) -> list[float]:
    """GAP F1 of each of `folds` parts of GAP development, for the resolver `args` describe fitted on the other
    parts and `news_rows` (features as `model` resolves the chains), the 'neither' threshold chosen on them."""
    per = []
    for row, e in zip(*gap_dev):
        d, cands = pronoun_candidates(e, row, model)
        ab = {k: [i for i, (c, _) in enumerate(cands) if holds(d, c, row[k], int(row[f"{k}-offset"]))] for k in "AB"}
        gold = next((k for k in "AB" if row[f"{k}-coref"].upper() == "TRUE"), None)
        per.append(
            (row, [f for _, f in cands], ab, [int(gold is not None and i in ab[gold]) for i in range(len(cands))])
        )
    out = []
    for k in range(folds):
        train = [(feats, labels) for i, (_, feats, _, labels) in enumerate(per) if i % folds != k and feats]
        fold_model = fit_pronouns(train + news_rows, args)
        scored = []
        for i, (row, feats, ab, _) in enumerate(per):
            s = [fold_model.score(f) for f in feats]
            pair = tuple(max((s[j] for j in ab[n]), default=None) for n in "AB")
            scored.append((i % folds == k, row, pair))
        inside = [(r, p) for test, r, p in scored if not test]
        t = max(GAP_THRESHOLDS, key=lambda t: _gap_f1(inside, t))
        out.append(_gap_f1([(r, p) for test, r, p in scored if test], t))
    return out


GAP_THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def _gap_f1(pairs, t: float) -> float:
    """score_gap.py's overall F1 of the answers to GAP rows given the scores of their two names (`pairs`)."""
    system = {r["ID"]: choose(a, b, t) for r, (a, b) in pairs}
    return gap_scorer().score(gap_gold([r for r, _ in pairs]), system)["overall"]["f1"]


def _logit(p: float) -> float:
    import math

    return math.log(p / (1.0 - p))


def top_right(rows, model: CorefModel) -> float:
    """The share of pronouns whose best-scored candidate is right."""
    if not rows:
        return 0.0
    right = sum(labels[max(range(len(feats)), key=lambda k: model.score(feats[k]))] for feats, labels, *_ in rows)
    return right / len(rows)


@lru_cache(maxsize=1)
def gap_scorer():
    """../shared/eval/score_gap.py, the owners' GAP scorer (loaded once)."""
    spec = importlib.util.spec_from_file_location("score_gap", SHARED / "eval" / "score_gap.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    return scorer


def gap_gold(rows: list[dict]) -> dict:
    """score_gap.py's gold: ID -> (gender, A-coref, B-coref)."""
    return {
        r["ID"]: (
            "masculine" if r["Pronoun"].lower() in ("he", "him", "his") else "feminine",
            r["A-coref"].upper() == "TRUE",
            r["B-coref"].upper() == "TRUE",
        )
        for r in rows
    }


def score_gap_file(rows: list[dict], events, model: CorefModel) -> dict:
    """score_gap.py's figures of the resolver on a GAP split."""
    system = {r["ID"]: answer(e, r, model) for r, e in zip(rows, events)}
    return gap_scorer().score(gap_gold(rows), system)


def best_gap_threshold(rows: list[dict], events, model: CorefModel) -> float:
    """The probability below which a GAP question is best answered 'neither' (max F1 on these rows)."""
    pairs = [(r, scores(e, r, model)) for r, e in zip(rows, events)]
    return max(GAP_THRESHOLDS, key=lambda t: _gap_f1(pairs, t))  # the first of equals, the lowest


def build_cases(cache: Path) -> tuple[dict, dict[str, list[dict]]]:
    """The news events by id, and the cases of each part ('fitted', 'held-out'): pronoun cases (natural or not)
    and the description cases made from them."""
    missing = [s for s in NEWS_SETS if not (cache / f"{s}_entities.jsonl").exists()]
    if missing:
        build(missing, cache, Settings())
    scorer = owners_scorer()
    news = {s: load_events(cache, s) for s in NEWS_SETS}
    gold = {}
    for s in ("tuning", "heldout"):
        gold.update(scorer.load(str(cache / f"{s}_gold.jsonl")))
    events_by_id = {e.id: e for evs in news.values() for e in evs}
    cases = [c for evs in news.values() for c in news_cases(evs, gold, scorer, UNTRAINED)]
    parts = {}
    for name, part in (("fitted", "tuning"), ("held-out", "heldout")):
        pronouns = [c for c in cases if part_of(c["id"]) == part]
        parts[name] = pronouns + description_cases(events_by_id, pronouns, UNTRAINED)
    return events_by_id, parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--trees", type=int, default=TREES, help="boosted trees for pronouns")
    ap.add_argument("--depth", type=int, default=DEPTH, help="their depth")
    ap.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    ap.add_argument(
        "--tree-share", type=float, default=TREE_SHARE, help="the trees' share of the blend (0: the regression alone)"
    )
    ap.add_argument("--folds", type=int, default=0, help="also print K-fold cross-validation on GAP development")
    args = ap.parse_args(argv)
    gap_dev, gap_val = gap_events(args.cache, "development"), gap_events(args.cache, "validation")
    events_by_id, parts = build_cases(args.cache)
    fitted = [c for c in parts["fitted"] if not c.get("description")]
    held = [c for c in parts["held-out"] if not c.get("description")]
    d_fitted = [c for c in parts["fitted"] if c.get("description")]
    d_held = [c for c in parts["held-out"] if c.get("description")]
    model = UNTRAINED
    for _ in range(args.rounds):
        rows = gap_rows(*gap_dev, model) + case_rows(events_by_id, [c for c in fitted if c["natural"]], model)
        model = fit_pronouns(rows, args)
    model = dataclasses.replace(model, gap_threshold=best_gap_threshold(*gap_dev, model))
    d_weights, d_intercept = fit(description_rows(events_by_id, d_fitted, model))
    model = dataclasses.replace(model, description_weights=d_weights, description_intercept=d_intercept)
    report(model, gap_dev, gap_val, events_by_id, fitted, held)
    for name, part in (("fitted", d_fitted), ("held-out", d_held)):
        rows = description_rows(events_by_id, part, model)
        by = defaultdict(list)
        for feats, labels, _case in rows:
            kind = (
                "person"
                if any(f.get("label=PERSON") for f in feats[labels.index(1) : labels.index(1) + 1])
                else "organisation"
            )
            by[kind].append((feats, labels))
            by["all"].append((feats, labels))
        scorer_d = CorefModel(model.description_weights, model.description_intercept, 0.0)
        print(
            f"news description cases, {name}: "
            + ", ".join(f"{w} {top_right(r, scorer_d):.3f} of {len(r)}" for w, r in sorted(by.items()))
        )
    if args.folds > 1:
        news = case_rows(events_by_id, [c for c in fitted if c["natural"]], model)
        f1 = cross_validate(gap_dev, [(f, lab) for f, lab, _ in news], model, args.folds, args)
        print(
            f"GAP development, {args.folds}-fold (GAP F1 of each part, fitted on the others and the news cases): "
            + ", ".join(f"{x:.3f}" for x in f1)
            + f"; mean {sum(f1) / len(f1):.3f}"
        )
    trees = f"{args.trees} gradient-boosted trees of depth {args.depth}"
    kind = (
        trees
        if args.tree_share >= 1.0
        else "a logistic regression"
        if args.tree_share <= 0.0
        else f"a logistic regression and {trees}, the trees weighing {args.tree_share} of the log-odds"
    )
    obj = {
        "format": 2,
        "note": f"{kind} over services/quotes/coref.py pronoun_features (trees: [feature, absent, present] or a "
        "leaf's log-odds step); rebuilt by `python -m benchmarks.train_coref` (GAP development and the fitted "
        "part of the news cases)",
        "seed": SEED,
        "trained_on": {"gap_development": len(gap_dev[0]), "news_cases": sum(c["natural"] for c in fitted)},
        "threshold": model.threshold,
        "gap_threshold": model.gap_threshold,
        "intercept": model.intercept,
        "weights": dict(sorted(model.weights.items())),
        "trees": model.trees,
        "description": {
            "intercept": model.description_intercept,
            "threshold": model.description_threshold,
            "weights": dict(sorted(model.description_weights.items())),
        },
    }
    args.out.write_text(json.dumps(obj, indent=1) + "\n", encoding="utf-8")
    print(f"model: {args.out.name}: {kind}, {len(model.trees)} trees, {len(model.weights)} weights")
    return 0


def report(model, gap_dev, gap_val, events_by_id, fitted, held) -> None:
    """GAP validation through the scorer; news cases right by pronoun, fitted and held-out parts."""
    for name, (rows, events) in (("GAP development (fitted)", gap_dev), ("GAP validation", gap_val)):
        r = score_gap_file(rows, events, model)
        print(
            f"{name}: F1 {r['overall']['f1']:.3f} (masculine {r['masculine']['f1']:.3f}, feminine "
            f"{r['feminine']['f1']:.3f}, bias {r['bias']:.3f}); accuracy {r['accuracy']:.3f}; both names {r['both_names']}"
        )
    for name, part in (("fitted", fitted), ("held-out", held)):
        rows = case_rows(events_by_id, part, model)
        for kind, keep in (("natural", lambda c: c["natural"]), ("all", lambda c: True)):
            by = defaultdict(list)
            for feats, labels, case in rows:
                if keep(case):
                    by[case["word"]].append((feats, labels))
                    by["all"].append((feats, labels))
            print(
                f"news pronoun cases, {name}, {kind}: "
                + ", ".join(f"{w} {top_right(r, model):.3f} of {len(r)}" for w, r in sorted(by.items()))
            )


if __name__ == "__main__":
    sys.exit(main())
