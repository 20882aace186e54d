"""Synthetic enriched events with the shapes of real news, for stores of any size (benchmarks).

No pipeline and no model: the events are made directly, seeded (the same arguments give the same
events), in the order a sink would receive them. What they are like, and why:
- **time**: stories published over `years` years (a Poisson stream); copies of a story follow it by
  minutes to hours, in other outlets; events arrive minutes after publication, about 1 in 100 days
  later (a backfill), so arrival order is nearly, not exactly, time order; 1 in 100 has no date. The
  events are the first `articles` to arrive: the store as a sink holds it at that moment;
- **outlets**: `outlets` of them, articles per outlet Zipf-distributed (a few wires and big papers
  carry most);
- **people, organisations, places**: pools that grow with the store (a person per 8 articles, an
  organisation per 25), picked Zipf-like (s ~ 1.05, the head flattened): a few are in every day's news, most in a handful
  of stories. Names are made from syllables (no real person's name);
- **entities per article** with the label mix the entities stage gives on news (about 27: dates,
  money and numbers included), each with 1-2 mentions;
- **quotes**: about 7 per article (1 in 8 has none); 72% said by a person or organisation the article
  names (its main people first), 26% by a speaker that is no entity ("a spokesman"), 2% unattributed;
  the words are sentences of `sentences` (a real corpus when given) with a word or two changed, so
  word frequencies are those of news and no two stories share a quote;
- **stories** of 1 to 40 copies (70% one, 25% 2-5, 5% 10-40), the copies carrying the same quotes.

    python -m newsflow.store.synthetic --url sqlite:///big.db --articles 100000 [--corpus bbc.jsonl]
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import math
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import orjson

START = datetime(2023, 1, 1)
ZIPF_S = 1.05
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_WORD = re.compile(r"[A-Za-z][a-z]{2,}")

# --- names: syllables and short lists written for this module --------------------------------------

FIRST_NAMES = (
    "Ada Bram Cleo Dario Edda Fenn Gala Hugo Ines Jory Kaia Lino Mara Nils Odra Pavo Quin Rhea Sami Tova "
    "Ulla Vito Wren Xena Yara Zeno Alda Boaz Cora Dian Elin Faro Gert Hana Ivor Juna Kato Leda Milo Nora "
    "Orin Pia Ravi Sela Timo Una Veda Wim Yves Zara Anik Bela Cato Dora Emil Fina Gus Hild Ilya Jana"
).split()
SYLLABLES = (
    "bar ko len mi ra tov sel dun ka ve lor tis man ro gal fen shi da nor pel "
    "ash bri cor del est fal gor hel ith jor kel lum mor nav oth pra qui rus sat"
).split()
ORG_SUFFIXES = (
    "Group",
    "Holdings",
    "Council",
    "Union",
    "Bank",
    "Party",
    "Institute",
    "Agency",
    "Motors",
    "Energy",
    "Foundation",
    "Airlines",
)
PLACE_FORMS = ("{}", "{}", "{}", "Port {}", "{}ton", "New {}", "{} Bay", "East {}")
GENERIC_SPEAKERS = (
    "a spokesman",
    "a spokeswoman",
    "officials",
    "the police",
    "analysts",
    "the minister",
    "a source",
    "residents",
    "the company",
    "critics",
    "the report",
    "experts",
    "one witness",
    "the statement",
    "campaigners",
)
SPEECH_CUES = ("said", "told", "added", "warned", "says", "argued", "insisted", "explained")
DATES = tuple(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday today yesterday last week this year "
    "last year next month January March June September December 2019 2020 the 1990s".split()
)
CARDINALS = tuple("one two three four five six ten twelve 20 100 250 1,000 thousands millions".split())
ORDINALS = ("first", "second", "third", "fourth", "tenth")
TIMES = ("this morning", "overnight", "last night", "midday", "10:00")
WORDS_OF = {"DATE": DATES, "CARDINAL": CARDINALS, "ORDINAL": ORDINALS, "TIME": TIMES}
# label: mean count per article (the entities stage on news: BBC business and politics, 300 articles)
LABEL_MEANS = {
    "PERSON": 2.4,
    "ORG": 4.8,
    "GPE": 2.9,
    "LOC": 0.45,
    "NORP": 1.1,
    "FAC": 0.15,
    "DATE": 6.4,
    "CARDINAL": 2.7,
    "MONEY": 2.5,
    "PERCENT": 2.5,
    "ORDINAL": 0.5,
    "TIME": 0.15,
}

# a few sentences of our own for when no corpus is given (tests, a quick look)
OWN_SENTENCES = (
    "The council will publish its plans for the harbour before the end of the month.",
    "Prices rose faster than expected in the second quarter, driven by energy and food.",
    "We have no intention of closing the factory while the talks continue.",
    "The new line should cut the journey between the two cities by almost an hour.",
    "Nobody told us the bridge would stay closed for the whole summer.",
    "Shares in the group fell sharply after it warned that profits would be lower.",
    "The team played well in the first half but lost control after the break.",
    "Teachers say the changes were rushed through without proper consultation.",
    "It is too early to say whether the measures have worked.",
    "The hospital has treated more patients this winter than in any year before.",
    "Our members are ready to return to work as soon as a fair offer is made.",
    "The film was shot in six weeks on a budget smaller than most adverts.",
    "Farmers have been warning about the drought since the spring.",
    "The bank will keep interest rates unchanged for at least another quarter.",
    "Voters want to hear how the party would pay for its promises.",
    "The museum expects twice as many visitors once the new wing opens.",
    "Police have asked anyone who saw the crash to come forward.",
    "The deal still needs the approval of the regulator and the shareholders.",
    "Exports to the region have doubled since the agreement was signed.",
    "We will keep fighting until every family has a safe home.",
)


def _syllable_name(i: int, parts: int) -> str:
    word = []
    for _ in range(parts):
        i, r = divmod(i, len(SYLLABLES))
        word.append(SYLLABLES[r])
    return "".join(word).capitalize()


def person_name(i: int) -> str:
    """The i-th synthetic person: a first name and a surname of syllables (unique per i)."""
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    return f"{first} {_syllable_name(i // len(FIRST_NAMES) + 7, 3)}"


def org_name(i: int) -> str:
    """The i-th synthetic organisation."""
    return f"{_syllable_name(i // len(ORG_SUFFIXES) + 3, 2)} {ORG_SUFFIXES[i % len(ORG_SUFFIXES)]}"


def place_name(i: int) -> str:
    """The i-th synthetic place."""
    return PLACE_FORMS[i % len(PLACE_FORMS)].format(_syllable_name(i // len(PLACE_FORMS) + 11, 2))


def outlet_name(i: int) -> str:
    """The i-th outlet: neutral names, no real outlet's."""
    return f"Outlet {_syllable_name(i + 5, 2)}"


# --- sampling ---------------------------------------------------------------------------------------


class Zipf:
    """Ranks 0..n-1 with P(rank) proportional to 1 / (rank + q) ** s (Zipf-Mandelbrot: `q` flattens the
    head, so that the most named person has about 1-2% of the picks, not a tenth)."""

    def __init__(self, n: int, s: float = ZIPF_S, q: float = 10.0) -> None:
        self.cum = list(itertools.accumulate(1.0 / (k + q) ** s for k in range(n)))

    def draw(self, rng: random.Random) -> int:
        """One rank."""
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1])


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth's method: means here are small)."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def story_size(rng: random.Random) -> int:
    """Copies of one story: 70% one, 25% 2-5, 5% 10-40."""
    roll = rng.random()
    if roll < 0.70:
        return 1
    if roll < 0.95:
        return rng.randint(2, 5)
    return rng.randint(10, 40)


def corpus_sentences(corpus: Path, limit: int = 60_000) -> list[str]:
    """Sentences of 40-220 characters from the bodies of a JSON Lines corpus (`body` or `text`)."""
    out: list[str] = []
    for line in corpus.read_bytes().splitlines():
        if not line.strip():
            continue
        doc = orjson.loads(line)
        for para in str(doc.get("body") or doc.get("text") or "").split("\n"):
            for s in _SENTENCE.split(para.strip()):
                s = s.strip().strip('"')
                if 40 <= len(s) <= 220:
                    out.append(s)
                    if len(out) >= limit:
                        return out
    return out


# --- the generator ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """The sizes of one synthetic store."""

    articles: int
    years: float = 3.0
    outlets: int = 60

    @property
    def people(self) -> int:
        """Distinct people (a person per 8 articles, at least 500)."""
        return max(500, self.articles // 8)

    @property
    def orgs(self) -> int:
        """Distinct organisations."""
        return max(200, self.articles // 25)

    @property
    def places(self) -> int:
        """Distinct places."""
        return max(100, min(20_000, self.articles // 60))


class NewsGenerator:
    """Makes the events of one store (see the module docstring); `events()` in arrival order."""

    def __init__(self, shape: Shape, sentences: Sequence[str] = OWN_SENTENCES, seed: int = 19, prefix: str = "syn"):
        self.shape = shape
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.sentences = list(sentences) or list(OWN_SENTENCES)
        self.vocabulary = [w for s in self.sentences[:5000] for w in _WORD.findall(s)] or ["news"]
        self.people, self.orgs = Zipf(shape.people), Zipf(shape.orgs)
        self.places, self.outlets = Zipf(shape.places), Zipf(shape.outlets, 1.0, 1.0)
        self.norps = Zipf(60, 1.0, 1.0)
        self.outlet_names = [outlet_name(i) for i in range(shape.outlets)]

    # one story's content: entities and quotes shared by its copies
    def _name(self, label: str) -> str:
        """A name of an entity of `label`: pools Zipf-picked for people, organisations and places."""
        rng = self.rng
        if label == "PERSON":
            return person_name(self.people.draw(rng))
        if label == "ORG":
            return org_name(self.orgs.draw(rng))
        if label in ("GPE", "LOC", "FAC"):
            return place_name(self.places.draw(rng))
        if label == "NORP":
            return _syllable_name(self.norps.draw(rng) + 40, 2) + "ian"
        if label == "MONEY":
            return f"${rng.randint(1, 999)}{rng.choice(('m', 'bn', ''))}"
        if label == "PERCENT":
            return f"{rng.randint(1, 99)}%"
        return rng.choice(WORDS_OF[label])

    def _entities(self) -> list[dict[str, Any]]:
        rng = self.rng
        picked: dict[tuple[str, str], int] = {}
        for label, mean in LABEL_MEANS.items():
            for _ in range(poisson(rng, mean)):
                key = (label, self._name(label))
                picked[key] = picked.get(key, 0) + 1 + (rng.random() < 0.4)
        out = []
        for (label, name), count in picked.items():
            short = name.split()[-1] if label == "PERSON" and rng.random() < 0.6 else None
            texts = [name] + ([short] if short else []) + [name] * max(0, count - 1 - bool(short))
            mentions = [{"text": t, "start": 0, "end": len(t)} for t in texts[:count]]
            out.append({"name": name, "label": label, "count": len(mentions), "mentions": mentions})
        return out

    def _quote_words(self) -> str:
        rng = self.rng
        words = rng.choice(self.sentences).split()
        for _ in range(1 + (rng.random() < 0.5)):
            i = rng.randrange(len(words))
            if _WORD.fullmatch(words[i]):
                words[i] = rng.choice(self.vocabulary)
        return " ".join(words).rstrip(".")

    def _quotes(self, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng = self.rng
        n = 0 if rng.random() < 0.12 else max(1, poisson(rng, 7.9))
        people = [e["name"] for e in entities if e["label"] == "PERSON"]
        orgs = [e["name"] for e in entities if e["label"] == "ORG"]
        quotes = []
        for _ in range(n):
            roll = rng.random()
            speaker: str | None
            if roll < 0.72 and (people or orgs):
                if people and (rng.random() < 0.75 or not orgs):
                    speaker, label = people[min(len(people) - 1, int(rng.expovariate(1.2)))], "PERSON"
                else:
                    speaker, label = orgs[min(len(orgs) - 1, int(rng.expovariate(1.2)))], "ORG"
            elif roll < 0.98:
                speaker, label = rng.choice(GENERIC_SPEAKERS), None
            else:
                speaker, label = None, None
            quotes.append(
                {
                    "text": self._quote_words(),
                    "speaker": speaker,
                    "speaker_label": label,
                    "cue": rng.choice(SPEECH_CUES),
                    "kind": "direct" if rng.random() < 0.6 else "indirect",
                    "rule": "synthetic",
                    "confidence": round(0.5 + rng.random() / 2, 3),
                }
            )
        return quotes

    def _text(self, title: str, quotes: list[dict[str, Any]]) -> str:
        """The article text: title, the quotes where they are said, filler sentences to a news length."""
        rng = self.rng
        target = int(rng.lognormvariate(math.log(1800), 0.45))
        parts, length = [title + "."], len(title) + 1
        for q in quotes:
            start = length + 2
            said = f'"{q["text"]}," {q["speaker"] or "it was"} {q["cue"]}.'
            q["start"], q["end"] = start, start + len(q["text"])
            if q["speaker"]:
                q["speaker_start"] = start + len(q["text"]) + 3
                q["speaker_end"] = q["speaker_start"] + len(q["speaker"])
            parts.append(said)
            length += len(said) + 1
            if rng.random() < 0.5:
                filler = rng.choice(self.sentences)
                parts.append(filler)
                length += len(filler) + 1
        while length < target:
            filler = rng.choice(self.sentences)
            parts.append(filler)
            length += len(filler) + 1
        return " ".join(parts)

    def _story(self, number: int, published: datetime) -> list[tuple[datetime, dict[str, Any]]]:
        """The copies of one story with their arrival times."""
        rng = self.rng
        entities = self._entities()
        quotes = self._quotes(entities)
        title = " ".join(rng.choice(self.sentences).split()[:9]).rstrip(",.;:")
        text = self._text(title, quotes)
        size = story_size(rng)
        outlets: list[int] = []
        while len(outlets) < min(size, self.shape.outlets):
            o = self.outlets.draw(rng)
            if o not in outlets:
                outlets.append(o)
        copies = []
        when = published
        for c in range(len(outlets)):
            if c:
                when = when + timedelta(minutes=rng.expovariate(1 / 90))
            late = rng.random() < 0.01
            arrival = when + timedelta(minutes=rng.expovariate(1 / 5), days=rng.uniform(1, 30) if late else 0)
            copies.append((arrival, c, when))
        copies.sort()
        first_arrived = f"{self.prefix}-{number}-{copies[0][1]}"
        out = []
        for rank, (arrival, c, when) in enumerate(copies):
            article_id = f"{self.prefix}-{number}-{c}"
            outlet = self.outlet_names[outlets[c]]
            host = outlet.lower().replace(" ", "")
            dated = rng.random() >= 0.01
            event = {
                "schema_version": 3,
                "id": article_id,
                "title": title,
                "url": f"https://{host}.example/{article_id}",
                "source": outlet,
                "published_at": when.isoformat() + "Z" if dated else None,
                "language": "en",
                "authors": [person_name(self.people.draw(rng))],
                "site_name": None,
                "canonical_url": None,
                "body": text,
                "text": text,
                "signature": None,
                "dateline": None,
                "removed": [],
                "entities": entities,
                "quotes": quotes,
                "dedup": {
                    "status": "unique" if rank == 0 else rng.choice(("duplicate", "near_duplicate")),
                    "duplicate_of": None if rank == 0 else first_arrived,
                    "similarity": 0.0 if rank == 0 else round(0.8 + rng.random() / 5, 3),
                    "cluster_id": first_arrived,
                },
                "trace": {
                    "normalize": {"ms": 0.4},
                    "dedup": {"ms": 1.2},
                    "entities": {"ms": 31.0, "model_language": "en"},
                    "quotes": {"ms": 1.9},
                },
                "category": "synthetic",
            }
            out.append((arrival, event))
        return out

    def arrivals(self) -> Iterator[tuple[datetime, dict[str, Any]]]:
        """(arrival time, event) for `shape.articles` events, in arrival order: the first that arrive, as if the
        store were read at that moment (the newest days as busy as any; late copies of them still to come)."""
        rng = self.rng
        total = self.shape.articles
        span_s = self.shape.years * 365.25 * 86400
        mean_gap = span_s / max(1.0, total / 2.8)  # ~2.8 copies per story
        pending: list[tuple[datetime, int, dict[str, Any]]] = []
        seq = itertools.count()
        given, number, clock = 0, 0, START
        while True:
            clock += timedelta(seconds=rng.expovariate(1 / mean_gap))
            while pending and pending[0][0] <= clock:
                arrival, _, event = heapq.heappop(pending)
                yield arrival, event
                given += 1
                if given == total:
                    return
            for arrival, event in self._story(number, clock):
                heapq.heappush(pending, (arrival, next(seq), event))
            number += 1

    def events(self) -> Iterator[dict[str, Any]]:
        """The events alone, in arrival order."""
        return (event for _, event in self.arrivals())


def news_events(
    articles: int, sentences: Sequence[str] = OWN_SENTENCES, seed: int = 19, prefix: str = "syn", years: float = 3.0
) -> Iterator[dict[str, Any]]:
    """`articles` synthetic events in arrival order (see the module docstring)."""
    return NewsGenerator(Shape(articles, years), sentences, seed, prefix).events()


def base_events(corpus: Path, n: int, settings: Any = None, warmup: int = 0) -> list[dict]:
    """The first `n` articles of `corpus` enriched by the embedded pipeline (every stage), as JSON objects.

    `warmup`: enrich that many of them once before (models loaded, caches warm), so that the
    stages' trace times are those of a running worker.
    """
    from newsflow.bootstrap import build_pipeline
    from newsflow.inputs import read_inputs
    from shared.core.batch import DeadLetter
    from shared.core.events import to_dict
    from shared.core.settings import Settings

    items = list(read_inputs([str(corpus)]))[:n]
    pipeline = build_pipeline(settings or Settings())
    try:
        if warmup:
            list(pipeline.run(items[:warmup]))
        return [to_dict(r) for r in pipeline.run(items) if not isinstance(r, DeadLetter)]
    finally:
        pipeline.close()


def write_events(url: str, events: Iterable[dict], batch_size: int = 64, progress=None) -> tuple[int, float]:
    """Write `events` through the sink's writer (StoreWriter, one transaction per batch) into the store at
    `url`, migrated first; returns (articles written, seconds)."""
    import time

    from newsflow.store.engine import make_engine
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.writer import StoreWriter

    engine = make_engine(url)
    try:
        upgrade_engine(engine)
        writer = StoreWriter(engine)
        n = 0
        started = time.perf_counter()
        batch: list[dict] = []
        for event in events:
            batch.append(event)
            if len(batch) >= batch_size:
                n += writer.write_batch(batch).written
                batch = []
                if progress:
                    progress(n)
        if batch:
            n += writer.write_batch(batch).written
        return n, time.perf_counter() - started
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Build a synthetic store: `python -m newsflow.store.synthetic --url URL --articles N`."""
    from newsflow.store.bulkload import bulk_load

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="store URL or SQLite file (an empty one)")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--years", type=float, default=3.0)
    p.add_argument("--corpus", default=None, help="JSON Lines corpus whose sentences make the quotes")
    p.add_argument("--seed", type=int, default=19)
    args = p.parse_args(argv)
    sentences = corpus_sentences(Path(args.corpus)) if args.corpus else OWN_SENTENCES
    gen = NewsGenerator(Shape(args.articles, args.years), sentences, args.seed)
    report = bulk_load(args.url, gen.arrivals())
    sys.stderr.write(f"{report}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "Shape",
    "NewsGenerator",
    "Zipf",
    "news_events",
    "corpus_sentences",
    "person_name",
    "org_name",
    "place_name",
    "outlet_name",
    "base_events",
    "write_events",
    "main",
]
