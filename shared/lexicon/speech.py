"""Verbs that report speech, for quotes with and without quotation marks: one table keyed by lemma."""

from __future__ import annotations

import re

# ONE speech-verb lexicon, keyed by lemma. Roles:
# - "quote": the verb attributes a quotation ('"...," she said', 'he joked: "..."');
# - "report": a clause after it is reported speech ('said the plan failed', 'denied that ...');
#   beliefs (think, believe, feel), questions (ask, wonder) and intentions (promise, vow) are
#   not reported speech, so they carry "quote" only;
# - "bare": it takes its reported clause without 'that' ('said the plan failed');
# - "listener": its listener comes before the clause ('told reporters (that) ...').
# Inflected forms come from `forms(lemma)`; the form sets below are derived from this table.
SPEECH_LEMMAS: dict[str, frozenset[str]] = {
    lemma: frozenset(roles.split(","))
    for lemma, roles in (
        line.split()
        for line in """
accuse quote
acknowledge quote,report,bare
add quote,report,bare
admit quote,report,bare
agree quote,report
allege quote,report
announce quote,report
answer quote
argue quote,report,bare
ask quote
assert quote,report,bare
assure quote,report,listener
believe quote
bellow quote
boast quote
brag quote
brand quote
call quote
caution quote,report
chant quote
charge report
cite quote
claim quote,report,bare
clarify quote
comment quote
complain quote,report
concede quote,report
conclude quote
condemn quote
confirm quote,report,bare
contend quote,report,bare
continue quote
counter quote,report
criticise quote
criticize quote
declare quote,report
deny quote,report,bare
describe quote
disclose report
dub quote
e-mail quote
echo quote
elaborate quote
email quote
emphasise quote,report
emphasize quote,report
enthuse quote
exclaim quote
explain quote,report,bare
feel quote
fume quote
grin quote
gripe quote
hail quote
indicate report
inform report,listener
insist quote,report,bare
interject quote
intone quote
joke quote
label quote
lament quote
laugh quote
maintain quote,report,bare
marvel quote
message quote
mock quote
murmur quote
muse quote
mutter quote
note quote,report,bare
observe quote,report
opine quote
plead quote
point quote
post quote
praise quote
predict quote,report,bare
press quote
proclaim quote
promise quote
quip quote
reason quote
recall quote,report
reckon quote
recount quote
reiterate quote,report
remark quote
remember quote
remind report,listener
repeat report
reply quote,report
report report,bare
respond quote,report
retort quote
reveal quote,report
roar quote
say quote,report,bare
scoff quote
scream quote
shout quote
sigh quote
smile quote
snap quote
snipe quote
state quote,report,bare
stress quote,report
suggest quote,report,bare
sum quote
tell quote,report,bare,listener
testify quote,report
text quote
think quote
thunder quote
tweet quote
urge quote
vow quote
warn quote,report,bare,listener
whisper quote
wonder quote
write quote,report,bare
yell quote
""".strip().splitlines()
    )
}
_IRREGULAR = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "feel": ("felt",),
    "text": ("texted",),
}
_DOUBLED = frozenset({"snap", "quip", "dub", "sum", "grin", "admit", "brag", "label", "marvel"})
_BOTH_SPELLINGS = frozenset({"label", "marvel"})  # labelled / labeled


def forms(lemma: str) -> tuple[str, ...]:
    """The lemma's inflected forms: base, 3rd person, past (and participle), -ing."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    if lemma.endswith(("s", "sh", "ch", "x", "o")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past = [lemma[:-1] + "ied"]
    elif lemma.endswith("e"):
        past = [lemma + "d"]
    else:
        past = [lemma + "ed"]
    ing = [stem + "ing"]
    if lemma in _DOUBLED:
        past = [lemma + lemma[-1] + "ed"] + (past if lemma in _BOTH_SPELLINGS else [])
        ing = [lemma + lemma[-1] + "ing"] + (ing if lemma in _BOTH_SPELLINGS else [])
    past = list(_IRREGULAR.get(lemma, past))
    return tuple(dict.fromkeys([lemma, third, *past, *ing]))


def with_role(role: str) -> frozenset[str]:
    """Every form of the lemmas that carry `role`."""
    return frozenset(f for lemma, roles in SPEECH_LEMMAS.items() if role in roles for f in forms(lemma))


FORM_LEMMA: dict[str, str] = {f: lemma for lemma in SPEECH_LEMMAS for f in forms(lemma)}
QUOTE_CUES = with_role("quote")  # verbs that attribute a quotation
REPORTING_VERBS = with_role("report")  # verbs whose clause is reported speech
PARTICIPLES = frozenset(w for w in REPORTING_VERBS if w.endswith("ing"))
BARE_CLAUSE = with_role("bare")
WITH_LISTENER = with_role("listener")
REPORTING_LEMMAS = frozenset(lemma for lemma, roles in SPEECH_LEMMAS.items() if "report" in roles)
# Forms that are also nouns ('the claims that', 'the report'): verbs only where no determiner or
# preposition stands before them (plural forms: only after a name or a pronoun).
NOUN_LIKE = frozenset(
    {
        "claims",
        "notes",
        "states",
        "reports",
        "charges",
        "counters",
        "warns",
        "claim",
        "note",
        "report",
        "charge",
        "stress",
        "write",
        "comment",
        "comments",
        "answer",
        "answers",
        "call",
        "calls",
        "post",
        "posts",
        "press",
        "text",
        "texts",
        "reason",
        "reasons",
        "smile",
        "smiles",
        "laugh",
        "laughs",
        "message",
        "tweet",
        "tweets",
        "echo",
        "echoes",
        "label",
        "labels",
        "brand",
        "point",
        "points",
        "promise",
        "promises",
        "vow",
        "vows",
    }
)


# First words of an introductory phrase before a sentence's subject ('After the vote, ...',
# 'Speaking on Monday, ...', 'Asked about it, ...'): the speaker is named after the comma.
INTRO_WORDS = frozenset(
    """
in on at after before ahead following despite with as when while although during unlike like
earlier later meeting speaking asked interviewed
""".split()
)

# French speech verbs of news writing (general French knowledge), keyed by lemma; their forms in
# `SPEECH_FORMS_FR` are the ones a news report writes: past participle ('a déclaré') and present
# third person ('déclare', 'déclare-t-il'), the infinitive, and the imperfect ('déclarait').
SPEECH_LEMMAS_FR = frozenset(
    """
dire déclarer affirmer ajouter expliquer estimer indiquer souligner assurer préciser confier lancer répondre
annoncer insister marteler poursuivre rappeler reconnaître dénoncer avertir prévenir juger commenter confirmer
démentir raconter témoigner écrire noter observer regretter admettre promettre résumer conclure réagir plaider
répéter argumenter avancer détailler fustiger saluer lâcher glisser ironiser nuancer trancher soutenir
s'exclamer exclamer
""".split()
)
_FR_IRREGULAR = {
    "dire": ("dit", "dis", "disait", "dire"),
    "reconnaître": ("reconnu", "reconnaît", "reconnait", "reconnaissait", "reconnaître"),
    "avertir": ("averti", "avertit", "avertissait", "avertir"),
    "prévenir": ("prévenu", "prévient", "prévenait", "prévenir"),
    "démentir": ("démenti", "dément", "démentait", "démentir"),
    "écrire": ("écrit", "écrivait", "écrire"),
    "admettre": ("admis", "admet", "admettait", "admettre"),
    "promettre": ("promis", "promet", "promettait", "promettre"),
    "conclure": ("conclu", "conclut", "concluait", "conclure"),
    "réagir": ("réagi", "réagit", "réagissait", "réagir"),
    "répondre": ("répondu", "répond", "répondait", "répondre"),
    "poursuivre": ("poursuivi", "poursuit", "poursuivait", "poursuivre"),
    "soutenir": ("soutenu", "soutient", "soutenait", "soutenir"),
}


def _forms_fr(lemma: str) -> tuple[str, ...]:
    """The news-writing forms of a French -er verb (or its listed irregular forms)."""
    if lemma in _FR_IRREGULAR:
        return _FR_IRREGULAR[lemma]
    stem = lemma[:-2]
    return (stem + "é", stem + "e", stem + "ait", lemma)


FORM_LEMMA_FR = {f: lemma for lemma in sorted(SPEECH_LEMMAS_FR) for f in _forms_fr(lemma)}
FORM_LEMMA_FR.update({"rappelle": "rappeler", "martèle": "marteler", "répète": "répéter", "selon": "selon"})
SPEECH_FORMS_FR = frozenset(f for f in FORM_LEMMA_FR if f != "selon")  # what the parse scope looks for
LISTENER_FORMS = frozenset("told tells tell asked asks urged urges assured assures".split())
QUOTE_PARTICIPLES = frozenset(
    """
saying adding insisting arguing warning claiming explaining accusing describing calling telling stating noting
stressing writing tweeting declaring asserting suggesting asking announcing concluding admitting
""".split()
)
# The phrase that attributes a claim without a verb: 'according to the minister'.
ACCORDING_TO = re.compile(r"\baccording to\s+", re.IGNORECASE)
