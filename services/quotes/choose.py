"""The learned choice among a quote's speaker candidates: a logistic regression stored as JSON.

Candidates come from the syntax rules (services/quotes/syntax.py) and from the text patterns
(services/quotes/logic.py); `features` describes each by its rule, relation, form and
position, never by its words. The model (services/quotes/attribution_model.json, rebuilt by
`python -m benchmarks.train_attribution`) scores each; the best one above the threshold wins.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from shared.lexicon.function_words import POSSESSIVE_ENDINGS, THIRD_PERSON_PRONOUNS

MODEL_PATH = Path(__file__).with_name("attribution_model.json")


@dataclass(frozen=True, slots=True)
class Choice:
    """One candidate speaker of a quote, resolved to a name (or a description)."""

    rule: (
        str  # the source that proposed it (services/quotes/sources.py: 'syntax:<rule>', 'text:<pattern>', 'run:<kind>')
    )
    speaker: str
    label: str | None
    start: int  # where the phrase naming the speaker stands in text
    end: int
    cue: str | None = None
    dep: str = ""
    after: bool = False
    distance: int = 0  # chars between the quote and the phrase
    between: int = 0  # mentions of other people between the phrase and the quote
    verb_dep: str = ""  # how the speech verb hangs in its sentence (syntax candidates only)
    step: str = ""  # how the phrase was resolved: name, pronoun, role, document, description ...
    paras: int = 0  # paragraphs between the phrase and the quote
    certainty: float = 1.0  # how likely the resolution is right (the trained resolver's probability; 1: a name)


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """What the features know of the quote itself."""

    kind: str
    continues: bool
    entity_names: frozenset[str]
    text: str
    alone: bool = False  # the quote is (nearly) all of its paragraph
    para_start: bool = False  # the quote opens its paragraph


# Sources that read a quote's own attribution (a speech verb or mark beside it); the run and the writer's
# subject stand in for one only where a quote has none.
OWN_ATTRIBUTION = frozenset(
    {
        "text:after_quote",
        "text:before_quote",
        "text:colon_paragraph",
        "syntax:speech_verb_subject",
        "syntax:according_to",
        "syntax:colon_subject",
    }
)


def _bucket(n: int) -> str:
    return "0" if n <= 2 else "near" if n <= 40 else "mid" if n <= 150 else "far"


class _Among:
    """What the features of each candidate read of all the candidates of one quote, found once for them all."""

    __slots__ = ("rules", "speakers", "own")

    def __init__(self, others: Sequence[Choice]) -> None:
        self.rules: dict[str, set[str]] = {}  # speaker -> the rules proposing them
        for o in others:
            self.rules.setdefault(o.speaker, set()).add(o.rule)
        self.speakers = len(self.rules)
        self.own = {o.speaker for o in others if o.rule in OWN_ATTRIBUTION}  # speakers of an own attribution

    def other_own(self, speaker: str) -> bool:
        """Whether a candidate naming someone else than `speaker` reads the quote's own attribution."""
        return len(self.own) > 1 or (len(self.own) == 1 and speaker not in self.own)


def features(c: Choice, others: Sequence[Choice], q: QuoteContext, among: _Among | None = None) -> dict[str, float]:
    """The features of candidate `c` among all candidates `others` of one quote (no words of the data);
    `among`: what they share, if the caller made it for all of them."""
    among = among or _Among(others)
    said = q.text[c.start : c.end]  # the phrase naming the speaker
    phrase = said.split(None, 1)
    first = phrase[0].lower() if phrase else ""
    rules = among.rules.get(c.speaker, set())
    f = {
        "bias": 1.0,
        f"rule={c.rule}": 1.0,
        f"dep={c.dep or 'none'}": 1.0,
        f"verb_dep={c.verb_dep or 'none'}": 1.0,
        f"label={c.label or 'none'}": 1.0,
        f"dist={_bucket(c.distance)}": 1.0,
        f"kind={q.kind}": 1.0,
        "after": float(c.after),
        "continues": float(q.continues),
        "pronoun": float(first in THIRD_PERSON_PRONOUNS),
        "entity_name": float(c.speaker in q.entity_names),
        "name_words": min(len(c.speaker.split()), 4) / 4,
        "agree_rules": min(len(rules) - 1, 4) / 4,
        "agree_text": float(c.rule.startswith("syntax:") and any(r.startswith("text:") for r in rules)),
        "agree_syntax": float(c.rule.startswith("text:") and any(r.startswith("syntax:") for r in rules)),
        "competitors": min(among.speakers - 1, 4) / 4,
        "lower_start": float(c.speaker[:1].islower()),
        "possessive": float(said.endswith(POSSESSIVE_ENDINGS)),  # "Roe's" of "Roe's letter"
        "alone": float(q.alone),
        "para_start": float(q.para_start),
        "between": min(c.between, 3) / 3,
        f"rule={c.rule}|between": float(c.between > 0),
        f"rule={c.rule}|own={among.other_own(c.speaker)}": 1.0,
        f"paras={min(c.paras, 2)}": 1.0,
        # the phrase is part of a longer one another rule proposes ('the Roe campaign' of 'A spokesman for the Roe campaign')
        "inside_longer": float(
            any(o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end) for o in others)
        ),
        f"rule={c.rule}|paras={min(c.paras, 2)}": 1.0,
    }
    return f


STEP_KINDS = {"name": "name", "organisation": "name", "titled": "name", "joint": "name", "noun_phrase": "name"}


def calibration_features(joint: float, step: str) -> dict[str, float]:
    """What calibrates a quote's confidence: the log-odds of the joint probability, by the kind of step
    that named the speaker (a name, a pronoun, a role, a description or document, a guess)."""
    q = min(max(joint, 1e-4), 1 - 1e-4)
    z = math.log(q / (1 - q))
    kind = STEP_KINDS.get(step, step if step in ("pronoun", "role", "apposition") else "other")
    return {"bias": 1.0, "logit": z, f"kind={kind}": 1.0, f"logit|kind={kind}": z}


@dataclass(frozen=True)
class Chooser:
    """A linear model over `features`: weights by feature name, an intercept and a decision threshold."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    reported: dict[str, float] = field(default_factory=dict)  # reported-speech rule -> share right (tuning)
    calibration: dict[str, float] = field(default_factory=dict)  # `confidence`'s weights (none: uncalibrated)

    def confidence(self, c: Choice, p: float) -> float:
        """How likely the chosen candidate `c` (the chooser's probability `p`) is the quote's speaker: the
        chooser's and the resolver's probabilities joined, calibrated on quotes whose right speaker is known
        where pronouns and descriptions count (benchmarks/train_attribution.py)."""
        joint = p * c.certainty
        if not self.calibration:
            return joint
        w = self.calibration
        f = calibration_features(joint, c.step)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, sum(w.get(k, 0.0) * v for k, v in f.items())))))

    def reported_confidence(self, rule: str) -> float:
        """How often reported speech found by `rule` had the right speaker (0.5 when unmeasured)."""
        return self.reported.get(rule, 0.5)

    def score(self, f: dict[str, float]) -> float:
        """The probability that the candidate with features `f` is the quote's speaker."""
        get, total = self.weights.get, 0.0
        for k, v in f.items():  # summed in the features' order, then the intercept added, as ever
            total += get(k, 0.0) * v
        z = self.intercept + total
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def choose(self, cands: Sequence[Choice], q: QuoteContext) -> tuple[Choice, float] | None:
        """The best candidate and its probability, or None when none reaches the threshold."""
        if not cands:
            return None
        among = _Among(cands)
        scored = [(self.score(features(c, cands, q, among)), i) for i, c in enumerate(cands)]
        p, i = max(scored, key=lambda s: (s[0], -s[1]))
        return (cands[i], p) if p >= self.threshold else None

    @classmethod
    def from_json(cls, obj: dict) -> "Chooser":
        """The chooser of a model file's JSON object."""
        return cls(
            dict(obj["weights"]),
            float(obj["intercept"]),
            float(obj["threshold"]),
            dict(obj.get("reported_confidence") or {}),
            dict(obj.get("calibration") or {}),
        )


@lru_cache(maxsize=4)
def load_chooser(path: str = str(MODEL_PATH)) -> Chooser:
    """The chooser stored at `path` (default: the model shipped with the package), read once."""
    return Chooser.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


__all__ = ["MODEL_PATH", "Choice", "QuoteContext", "Chooser", "features", "load_chooser"]
