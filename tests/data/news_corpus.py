"""Generated news articles, with their gold, so the tests need nothing beside the repository.

`articles(n, tag)` makes `n` distinct articles of about BBC length (300-450 words) from a
seeded random generator: invented people, organisations and places, direct quotes with
their speakers, and filler sentences with numbers. The same (n, tag, seed) always gives
the same articles. `gold(article)` is what the generator put in: every quote with its
speaker and every name by group, in the format of the project owners' score.py.

Nothing here comes from an evaluation set: the names are combinations of common first and
last names, the sentences are written for this file.
"""

from __future__ import annotations

import random

FIRST = [
    "Anna",
    "James",
    "Maria",
    "David",
    "Sarah",
    "Peter",
    "Laura",
    "Thomas",
    "Helen",
    "Robert",
    "Emma",
    "Daniel",
    "Claire",
    "Michael",
    "Julia",
    "Simon",
    "Rachel",
    "Martin",
    "Karen",
    "Paul",
    "Fiona",
    "Andrew",
    "Lucy",
    "Mark",
    "Alice",
    "George",
    "Nina",
    "Oliver",
    "Grace",
    "Henry",
]
LAST = [
    "Hartley",
    "Moreno",
    "Fischer",
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Castillo",
    "Novak",
    "Whitfield",
    "Tanaka",
    "Dubois",
    "Kowalski",
    "Ferreira",
    "Albright",
    "Sorensen",
    "Mackenzie",
    "Romano",
    "Haddad",
    "Pearson",
    "Vasquez",
    "Holloway",
    "Kramer",
    "Delgado",
    "Ashworth",
    "Marsh",
    "Gallagher",
    "Petrov",
    "Langley",
    "Osei",
    "Fairbanks",
]
ORG_HEAD = [
    "Northgate",
    "Bluewater",
    "Redfield",
    "Silverline",
    "Harbour",
    "Eastbrook",
    "Kingsway",
    "Westmoor",
    "Clearview",
    "Oakridge",
    "Highland",
    "Stonebridge",
]
ORG_TAIL = ["Bank", "Motors", "Energy", "Airways", "Telecom", "Foods", "Insurance", "Pharmaceuticals"]
PLACES = [
    "London",
    "Paris",
    "Berlin",
    "Madrid",
    "Tokyo",
    "Chicago",
    "Toronto",
    "Sydney",
    "Dublin",
    "Lisbon",
    "Vienna",
    "Oslo",
    "Nairobi",
    "Mumbai",
    "Boston",
    "Glasgow",
]
TOPICS = ["profits", "sales", "exports", "wages", "prices", "investment", "orders", "costs", "jobs", "output"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ROLES = [
    "chief executive",
    "finance director",
    "chairman",
    "spokeswoman",
    "spokesman",
    "economist",
    "union leader",
    "analyst",
]

QUOTES = [
    "We have had a difficult year but the business is in much better shape than it was",
    "Nobody expected the market to turn so quickly, and we were not ready for it",
    "This is a good result for our customers and for the people who work here",
    "The figures speak for themselves and I am confident the next quarter will be stronger",
    "We will not cut jobs to meet a target that was set by somebody else",
    "It is far too early to say whether the recovery will last into next year",
    "Our plan has always been to grow slowly and to keep our debts low",
    "The government needs to listen to small firms before it changes the rules again",
    "I think people are spending more carefully, and that is not going to change soon",
    "We are building three new plants and hiring hundreds of engineers",
    "The decision was taken after months of talks with our partners",
    "Prices have risen faster than wages for two years and families can feel it",
]
FILLER = [
    "{org} said {topic} rose {pct}% to {money} in the three months to {month}.",
    "Shares in the company closed {pct}% higher in {place} on {day}.",
    "The group employs about {num},000 people in {place} and {place2}.",
    "Analysts had expected {topic} of about {money}, according to a survey of forecasters.",
    "Its {topic} in {place} fell by {pct}% compared with the same period a year earlier.",
    "The firm was founded in {place} more than {num}0 years ago and moved to {place2} in the {decade}s.",
    "Regulators in {place} opened an inquiry into the deal in {month}.",
    "A rival offer from {org2} was rejected by the board last {day}.",
    "Figures published on {day} showed {topic} across the industry had grown for a {ord} month.",
    "The company plans to open {num} new offices in {place2} by the end of next year.",
    "Demand for its products in {place} has doubled since {month}, the firm said.",
    "Trading was quieter than usual because of a holiday in {place2}.",
]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used and name.split()[-1] not in {u.split()[-1] for u in used}:
            used.add(name)
            return name


def _fill(rng: random.Random, template: str, org: str, org2: str) -> str:
    place, place2 = rng.sample(PLACES, 2)
    return template.format(
        org=org,
        org2=org2,
        topic=rng.choice(TOPICS),
        pct=rng.randint(2, 89),
        money=f"${rng.randint(2, 95)}.{rng.randint(1, 9)}bn",
        month=rng.choice(MONTHS),
        place=place,
        place2=place2,
        day=rng.choice(DAYS),
        num=rng.randint(2, 9),
        decade=rng.choice([1970, 1980, 1990]),
        ord=rng.choice(["second", "third", "fifth"]),
    )


def article(i: int, tag: str = "gen", seed: int = 20261201) -> dict:
    """One generated article (id, title, body) and, under "gold", what it contains."""
    rng = random.Random(f"{seed}-{tag}-{i}")
    org, org2 = (f"{h} {t}" for h, t in zip(rng.sample(ORG_HEAD, 2), rng.sample(ORG_TAIL, 2)))
    used: set[str] = set()
    people = [(_name(rng, used), rng.choice(ROLES)) for _ in range(rng.randint(2, 3))]
    paragraphs, quotes, places = [], [], set()
    first_mention: set[str] = set()
    for p in range(rng.randint(7, 9)):
        sentences = [_fill(rng, t, org, org2) for t in rng.sample(FILLER, 3)]
        if p % 2 == 1:
            name, role = people[(p // 2) % len(people)]
            text = rng.choice(QUOTES)
            last = name.split()[-1]
            if name in first_mention:
                sentences.append(
                    f"\u201c{text},\u201d said Mr {last}."
                    if role in ("chairman", "spokesman")
                    else f"\u201c{text},\u201d {last} said."
                )
            else:
                first_mention.add(name)
                sentences.append(f"\u201c{text},\u201d said {name}, the {role} of {org}.")
            quotes.append({"text": text + ",", "speaker": name, "kind": "direct"})
        paragraphs.append(" ".join(sentences))
        places.update(pl for pl in PLACES if pl in paragraphs[-1])
    body = "\n\n".join(paragraphs)
    orgs = [o for o in (org, org2) if o in body]
    persons = sorted({n for n, _ in people if n in first_mention})
    return {
        "id": f"{tag}-{i:05d}",
        "title": f"{org} reports {rng.choice(TOPICS)} for {rng.choice(MONTHS)}",
        "body": body,
        "gold": {
            "quotes": quotes,
            "ignore_quotes": [],
            "entities": {"PERSON": persons, "ORG": orgs, "LOC": sorted(places)},
        },
    }


def articles(n: int, tag: str = "gen") -> list[dict]:
    """`n` distinct raw articles (id, title, body) with ids unique to `tag`."""
    return [{k: v for k, v in article(i, tag).items() if k != "gold"} for i in range(n)]


def gold(n: int, tag: str = "gen") -> list[dict]:
    """The gold lines (score.py's format) of `articles(n, tag)`."""
    out = []
    for i in range(n):
        a = article(i, tag)
        out.append({"id": a["id"], **a["gold"], "duplicate_of": None})
    return out
