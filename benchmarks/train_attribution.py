"""Train the attribution chooser on PolNeAR's tuning part and print held-out figures.

    python -m benchmarks.train_attribution [--cache DIR] [--out services/quotes/attribution_model.json]

1. The entities events (with their parse) of the sets of benchmarks/attribution_accuracy.py come
   from benchmarks/attribution_data.py's cache (built first when missing: the NER and parser pass).
2. The quotes stage runs on the tuning part and records every quote's speaker candidates; each
   is labelled by eval/score.py's speaker match against the gold speaker of the quote it matches.
3. A logistic regression (scikit-learn, fixed seed) is fitted on the tuning part only, on each
   candidate (right or wrong) and on the differences between a quote's right candidate and each
   of its wrong ones (the choice the stage makes); in two rounds (the second on candidates
   collected with the first model, as the stage runs it); the decision threshold is the one that
   maximises right-speaker F1 on the tuning part.
4. Weights go to a small JSON file (the runtime needs no scikit-learn); then the stage with the
   new model is scored on tuning, held-out and the BBC dev set, and the confidence calibration
   (share of right speakers among quotes of confidence >= 0.8) is printed for each.
The held-out part and the BBC dev set are never used for fitting or choosing the threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.attribution_accuracy import FIGURES, figure, owners_scorer  # noqa: E402
from benchmarks.attribution_data import DEFAULT_CACHE, build, load_events  # noqa: E402
from services.quotes.app import enrich  # noqa: E402
from services.quotes.choose import MODEL_PATH, Choice, Chooser, QuoteContext, calibration_features, features  # noqa: E402
from services.quotes.logic import extract_quotes  # noqa: E402
from shared.core.events import to_dict  # noqa: E402
from shared.core.settings import Settings  # noqa: E402

SEED = 18
SETS = ("tuning", "heldout", "bbc")
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def _matches(scorer, gold_quotes: list[dict], pred_quotes: list) -> dict[int, int]:
    """Predicted quote index -> gold quote index, matched as eval/score.py matches them."""
    pairs = []
    for gi, g in enumerate(gold_quotes):
        for pi, p in enumerate(pred_quotes):
            f = scorer.token_f1(scorer.tokens(g["text"]), scorer.tokens(p.text))
            if f >= 0.5:
                pairs.append((f, gi, pi))
    pairs.sort(reverse=True)
    gm: dict[int, int] = {}
    pm: dict[int, int] = {}
    for _, gi, pi in pairs:
        if gi not in gm and pi not in pm:
            gm[gi], pm[pi] = pi, gi
    return pm


def collect(events, gold: dict, scorer, chooser: Chooser) -> list[tuple[list[dict], list[int]]]:
    """Per quote with a gold speaker: the features of its candidates and whether each is right."""
    rows = []
    for e in events:
        seen: list[tuple[int, list[Choice], QuoteContext]] = []
        quotes = extract_quotes(
            e.text, e.entities, e.parse, chooser, lambda i, c, q, seen=seen: seen.append((i, c, q)), title=e.title or ""
        )
        direct = [q for q in quotes if q.kind != "indirect"]
        g = [q for q in (gold.get(e.id) or {}).get("quotes", []) if scorer.tokens(q.get("text"))]
        pm = _matches(scorer, g, direct)
        for i, cands, ctx in seen:
            gi = pm.get(i)
            if gi is None or g[gi].get("speaker") is None or not cands:
                continue
            feats = [features(c, cands, ctx) for c in cands]
            labels = [int(scorer.speaker_match(c.speaker, g[gi]["speaker"])) for c in cands]
            rows.append((feats, labels))
    return rows


def fit(rows) -> tuple[dict[str, float], float]:
    """Logistic-regression weights by feature name, and the intercept, fitted on two kinds of rows at
    once: every candidate, labelled right or wrong (the probability the event carries as
    `confidence`), and the differences between one quote's right candidate and each of its wrong
    ones, both ways round (the choice among a quote's candidates that the stage makes)."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer().fit([f for feats, _ in rows for f in feats])
    xs, ys = [], []
    for feats, labels in rows:
        x = vec.transform(feats)
        xs.append(x)
        ys += labels
        for right in (k for k, lab in enumerate(labels) if lab):
            for wrong in (k for k, lab in enumerate(labels) if not lab):
                xs += [x[right] - x[wrong], x[wrong] - x[right]]
                ys += [1, 0]
    model = LogisticRegression(C=1.0, max_iter=3000, random_state=SEED).fit(sparse.vstack(xs), ys)
    weights = {name: round(float(w), 5) for name, w in zip(vec.get_feature_names_out(), model.coef_[0]) if w}
    return weights, round(float(model.intercept_[0]), 5)


def best_threshold(events, gold: dict, scorer, chooser: Chooser) -> float:
    """The threshold maximising right-speaker F1 of the stage itself on these articles (a null speaker
    breaks the chain of inherited speakers, so it is measured by running the stage, not per quote)."""
    best, best_f = THRESHOLDS[0], -1.0
    for t in THRESHOLDS:
        f = evaluate(events, gold, scorer, Chooser(chooser.weights, chooser.intercept, t))[0]["quotes_with_speaker"][
            "f1"
        ]
        if f > best_f:
            best, best_f = t, f
    return best


def reported_confidence(events, gold: dict, scorer, chooser: Chooser) -> dict[str, float]:
    """Per reported-speech rule, the share of its matched clauses whose speaker is right (tuning part)."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for e in events:
        quotes = [
            q for q in extract_quotes(e.text, e.entities, e.parse, chooser, title=e.title or "") if q.kind == "indirect"
        ]
        g = [q for q in (gold.get(e.id) or {}).get("indirect", []) if scorer.tokens(q.get("text"))]
        for pi, gi in _matches(scorer, g, quotes).items():
            q = quotes[pi]
            if q.rule is None or g[gi].get("speaker") is None:
                continue
            total[q.rule] += 1
            right[q.rule] += int(scorer.speaker_match(q.speaker, g[gi]["speaker"]))
    return {r: round(right[r] / total[r], 3) for r in sorted(total)}


def evaluate(events, gold: dict, scorer, chooser: Chooser) -> tuple[dict, float, int]:
    """score.py's figures of the quotes stage with `chooser`; share right at confidence >= 0.8 and its count."""
    result, rows = scored_quotes(events, gold, scorer, chooser)
    confident = [ok for conf, _rule, ok in rows if conf >= 0.8]
    return result, (sum(confident) / len(confident) if confident else 0.0), len(confident)


def scored_quotes(events, gold: dict, scorer, chooser: Chooser) -> tuple[dict, list[tuple[float, str, bool]]]:
    """score.py's figures, and each matched quote with a gold speaker: (confidence, rule, speaker right)."""
    pred = {}
    rows = []
    for e in events:
        out = enrich(e, "en", chooser)
        pred[e.id] = to_dict(out)
        direct = [q for q in out.quotes if q.kind != "indirect"]
        g = [q for q in (gold.get(e.id) or {}).get("quotes", []) if scorer.tokens(q.get("text"))]
        for pi, gi in _matches(scorer, g, direct).items():
            q = direct[pi]
            if q.confidence is not None and g[gi].get("speaker") is not None:
                rows.append((q.confidence, q.rule or "", scorer.speaker_match(q.speaker, g[gi]["speaker"])))
    return scorer.score(gold, pred), rows


BANDS = ((0.9, 1.01, ">= 0.9"), (0.8, 0.9, "0.8-0.9"), (0.5, 0.8, "0.5-0.8"), (0.0, 0.5, "< 0.5"))


def fit_calibration(rows: list[tuple[float, str, bool]]) -> dict[str, float]:
    """Weights of services/quotes/choose.py `calibration_features` by logistic regression on quotes whose
    right speaker is known: (the uncalibrated joint probability, the rule, right or not)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [calibration_features(conf, rule.partition("+")[2]) for conf, rule, _ok in rows]
    vec = DictVectorizer().fit(feats)
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED, fit_intercept=False)
    model.fit(vec.transform(feats), [int(ok) for *_, ok in rows])
    return {n: round(float(w), 5) for n, w in zip(vec.get_feature_names_out(), model.coef_[0]) if w}


def reliability(rows: list[tuple[float, str, bool]]) -> str:
    """Count and share right in each confidence band, as a table row."""
    cells = []
    for lo, hi, _ in BANDS:
        band = [ok for conf, _rule, ok in rows if lo <= conf < hi]
        cells.append(f"{sum(band) / len(band):.3f} ({len(band)})" if band else "- (0)")
    return " | ".join(cells)


def made_rows(cache: Path, chooser: Chooser) -> dict[str, list[tuple[float, str, bool]]]:
    """The made articles' quotes (benchmarks/made_articles.py) by part and kind: (confidence, rule, right)."""
    from benchmarks.made_articles import model_pass, outcomes
    from benchmarks.train_coref import build_cases

    events_by_id, parts = build_cases(cache)
    out: dict[str, list[tuple[float, str, bool]]] = {}
    for name, cases in parts.items():
        cases = [c for c in cases if c.get("description") or c["natural"]]
        made = model_pass(events_by_id, cases, cache)
        for c, q, ok in outcomes(events_by_id, cases, made, chooser):
            kind = "description" if c.get("description") else "pronoun"
            conf = q.confidence if q is not None and q.confidence is not None else 0.0
            out.setdefault(f"{name} {kind}", []).append((conf, (q.rule or "") if q is not None else "", ok))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--rebuild-cache", action="store_true")
    args = ap.parse_args(argv)
    missing = [s for s in SETS if args.rebuild_cache or not (args.cache / f"{s}_entities.jsonl").exists()]
    if missing:
        build(missing, args.cache, Settings())
    scorer = owners_scorer()
    data = {
        s: (load_events(args.cache, s), scorer.load(str(args.cache / f"{s}_gold.jsonl")))
        for s in SETS
        if (args.cache / f"{s}_entities.jsonl").exists()
    }
    if "tuning" not in data:
        print("PolNeAR's training split not found beside the repo: nothing to train on", file=sys.stderr)
        return 1
    events, gold = data["tuning"]
    baseline = Chooser.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    chooser = Chooser({f"rule={r}": 5.0 for r in _text_rules(events)}, -2.5, 0.5)  # round 0: the text patterns
    for _ in range(2):
        rows = collect(events, gold, scorer, chooser)
        weights, intercept = fit(rows)
        chooser = Chooser(weights, intercept, 0.0)
    chooser = Chooser(chooser.weights, chooser.intercept, best_threshold(events, gold, scorer, chooser))
    reported = reported_confidence(events, gold, scorer, chooser)
    chooser = Chooser(chooser.weights, chooser.intercept, chooser.threshold, reported)
    # confidence calibrated where pronouns and descriptions count: PolNeAR's tuning quotes with a named
    # source and the fitted part of the made pronoun and description articles
    made = made_rows(args.cache, chooser)
    tuning_rows = scored_quotes(events, gold, scorer, chooser)[1]
    calibration = fit_calibration(tuning_rows + made["fitted pronoun"] + made["fitted description"])
    chooser = Chooser(chooser.weights, chooser.intercept, chooser.threshold, reported, calibration)
    model = {
        "format": 1,
        "note": "logistic regression over services/quotes/choose.py features; "
        "rebuilt by `python -m benchmarks.train_attribution` (PolNeAR tuning part only)",
        "seed": SEED,
        "trained_on": {"set": "polnear tuning part", "quotes": len(rows), "candidates": sum(len(r[1]) for r in rows)},
        "threshold": chooser.threshold,
        "intercept": chooser.intercept,
        "weights": dict(sorted(chooser.weights.items())),
        "reported_confidence": reported,
        "calibration": calibration,
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(
        f"model: {args.out.name}: {len(chooser.weights)} weights, threshold {chooser.threshold}; "
        f"trained on {len(rows)} tuning quotes (previous model: {len(baseline.weights)} weights)"
    )
    print("| set | articles | " + " | ".join(label for label, _ in FIGURES) + " | right at conf >= 0.8 (n) |")
    print("|---" * (len(FIGURES) + 3) + "|")
    tables = {}
    for name, (evs, g) in data.items():
        result, rows = scored_quotes(evs, g, scorer, chooser)
        tables[name] = rows
        confident = [ok for conf, _r, ok in rows if conf >= 0.8]
        print(
            f"| {name} | {result['articles']} | "
            + " | ".join(figure(result, k) for _, k in FIGURES)
            + f" | {sum(confident) / max(1, len(confident)):.3f} ({len(confident)}) |"
        )
    made = made_rows(args.cache, chooser)
    print(
        "\nMade articles (benchmarks/made_articles.py), right speaker: "
        + ", ".join(f"{k} {sum(ok for *_, ok in v) / len(v):.3f} of {len(v)}" for k, v in sorted(made.items()))
    )
    print(
        "\nReliability: share right (count) by confidence band, "
        + ("fitted on tuning + made fitted" if calibration else "")
    )
    print("| set | " + " | ".join(label for *_, label in BANDS) + " |")
    print("|---" * (len(BANDS) + 1) + "|")
    for name, rows in [*tables.items(), *sorted(made.items())]:
        print(f"| {name} | {reliability(rows)} |")
    return 0


def _text_rules(events) -> list[str]:
    """The names of the sources that need no parse (the text patterns and the quote run): round 0's chooser."""
    from services.quotes.sources import SOURCES

    return [name for name in SOURCES if not name.startswith("syntax:")]


if __name__ == "__main__":
    sys.exit(main())
