"""Reported speech: the project's rules against a dependency parser run on the speech-verb sentences.

    python benchmarks/reported_parser.py [--sets tuning,heldout] [--sample N] [--model NAME]

Both variants see the same articles, entities and direct quotes (the embedded pipeline's
output) and resolve speakers with the same Resolver; only the finding of reported clauses
differs:
- rules: services/quotes/reported.py, what the pipeline runs (no parser);
- parser: the model's tagger and parser on each sentence the rules look at (`speech_sentences`:
  holding a speech verb), a speech verb's `ccomp` as the reported clause and its `nsubj`
  (or its head's, for ', saying ...') as the speaker; 'according to X' stays with the rules.

Scored with eval/score.py beside the repo when present (the PolNeAR parts as in
attribution_accuracy.py); prints reported-speech F1, with the right speaker, and the parser's
CPU cost per article beside the pipeline's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from attribution_accuracy import owners_scorer  # noqa: E402

from newsflow.evaluation.evalsets import set_files  # noqa: E402
from newsflow.evaluation.evaluate import predict  # noqa: E402
from services.quotes.reported import _according, _Quoted, speech_sentences  # noqa: E402
from services.quotes.resolve import Resolver  # noqa: E402
from shared.core.events import ArticleEnriched, from_dict  # noqa: E402
from shared.core.settings import Settings  # noqa: E402
from shared.lexicon.speech import REPORTING_VERBS  # noqa: E402

MIN_CLAUSE_WORDS = 3


def _quoted_ranges(event: ArticleEnriched) -> list[tuple[int, int]]:
    return [(q.start - 1, q.end + 1) for q in event.quotes if q.kind != "indirect"]


def _parsed_reported(doc, offset: int, quoted: _Quoted) -> list[tuple[int, int, int, int, str]]:
    """(clause start, end, speaker start, end, cue) of each speech verb with a clausal complement."""
    found = []
    for v in doc:
        if v.text not in REPORTING_VERBS or v.pos_ not in ("VERB", "AUX"):
            continue
        comp = next((c for c in v.children if c.dep_ == "ccomp"), None)
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None and v.dep_ in ("advcl", "conj", "xcomp"):
            subj = next((c for c in v.head.children if c.dep_ == "nsubj"), None)
        if comp is None or subj is None:
            continue
        words = [t for t in doc[comp.left_edge.i : comp.right_edge.i + 1] if not t.is_punct]
        while words and words[0].dep_ == "mark":
            words = words[1:]
        if len(words) < MIN_CLAUSE_WORDS:
            continue
        lo, hi = offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)
        if quoted.share(lo, hi) >= 0.5:
            continue
        sp_lo = offset + subj.left_edge.idx
        sp_hi = offset + subj.right_edge.idx + len(subj.right_edge.text)
        found.append((lo, hi, sp_lo, sp_hi, v.text.lower()))
    return found


def with_parsed_reported(pred: dict[str, dict], nlp) -> tuple[dict[str, dict], float]:
    """The predictions with their indirect quotes found by the parser instead; and the parser's CPU seconds."""
    out, cpu = {}, 0.0
    for aid, d in pred.items():
        event = from_dict(ArticleEnriched, d)
        text = event.text
        ranges = _quoted_ranges(event)
        quoted = _Quoted(ranges)
        resolver = Resolver(text, event.entities, ranges)
        spans = speech_sentences(text, quoted)
        t0 = time.process_time()
        docs = list(nlp.pipe([text[s:e] for s, e in spans]))
        cpu += time.process_time() - t0
        indirect = []
        for (s, e), doc in zip(spans, docs):
            according = _according(text, s, e, quoted)
            rows = (
                [(according.start, according.end, according.sp_start, according.sp_end, according.cue)]
                if according
                else _parsed_reported(doc, s, quoted)
            )
            for lo, hi, sp_lo, sp_hi, cue in rows:
                speaker, label = resolver.resolve(sp_lo, sp_hi, lo)
                indirect.append(
                    {
                        "text": text[lo:hi],
                        "start": lo,
                        "end": hi,
                        "speaker": speaker,
                        "speaker_label": label,
                        "cue": cue,
                        "kind": "indirect",
                    }
                )
        quotes = [q for q in d.get("quotes", []) if q.get("kind") != "indirect"] + indirect
        out[aid] = {**d, "quotes": quotes}
    return out, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="tuning,heldout")
    ap.add_argument("--sample", type=int, default=None)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    import spacy

    settings = Settings() if args.model is None else Settings(model=args.model)
    nlp = spacy.load(settings.model, exclude=["ner", "lemmatizer", "senter"])
    scorer = owners_scorer()
    print("| set | articles | variant | reported F1 | reported + speaker F1 | extra CPU ms/article |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            files = set_files(name, args.sample, Path(tmp))
            if files is None:
                print(f"{name}: data not found beside the repo, skipped", file=sys.stderr)
                continue
            gold = scorer.load(str(files[0]))
            pred = predict(files[1], settings)
            parsed, cpu = with_parsed_reported(pred, nlp)
            for variant, p, ms in (
                ("rules", pred, "0 (rules: part of the quotes stage)"),
                ("parser", parsed, f"{1000 * cpu / len(pred):.1f}"),
            ):
                r = scorer.score(gold, p)
                print(
                    f"| {name} | {r['articles']} | {variant} | {r['indirect']['f1']:.3f} | "
                    f"{r['indirect_with_speaker']['f1']:.3f} | {ms} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
