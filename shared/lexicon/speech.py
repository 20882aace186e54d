"""Verbs that report speech, for quotes with and without quotation marks."""

from __future__ import annotations

# Verbs that report what someone said or wrote: a clause after them is reported speech
# ('said the plan failed', 'denied that ...'). Beliefs (think, believe, feel), questions (ask,
# wonder) and intentions (plan, want, promise, vow) are not speech, so they are not here.
REPORTING_VERBS = frozenset(
    """
said says say saying told tells tell telling added adds adding denied denies deny denying
warned warns warn warning argued argues argue arguing insisted insists insist insisting
claimed claims claim claiming stated states noted notes note noting explained explains explain explaining
acknowledged acknowledges acknowledge acknowledging admitted admits admit admitting
announced announces confirmed confirms conceded concedes concede contended contends contend contending
asserted asserts assert asserting alleged alleges allege alleging maintained maintains maintain maintaining
predicted predicts predict predicting reported reports report suggested suggests suggest suggesting
testified testifies wrote writes write writing stressed stresses stress stressing emphasized emphasizes
emphasised emphasises replied replies responded responds countered counters recalled recalls
revealed reveals disclosed discloses complained complains charged charges declared declares
observed observes indicated indicates cautioned cautions reiterated reiterates reiterate repeated
assured assures informed informs reminded reminds agreed agrees
""".split()
)
PARTICIPLES = frozenset(w for w in REPORTING_VERBS if w.endswith("ing"))
# Verbs that take a reported clause without 'that' ('said the plan failed'); the others need their 'that'.
BARE_CLAUSE = frozenset(
    """
said says say saying told tells tell telling claimed claims claim claiming insisted insists insist insisting
argued argues argue arguing warned warns warn warning denied denies deny predicted predicts predict
suggested suggests suggest acknowledged admitted admits admit noted notes note noting wrote writes write
added adds adding maintained contended asserted stated confirmed reported reports explained
""".split()
)
# Verbs whose listener comes before the reported clause: 'told reporters (that) ...'.
WITH_LISTENER = frozenset(
    {
        "told",
        "tells",
        "tell",
        "telling",
        "assured",
        "assures",
        "informed",
        "informs",
        "reminded",
        "reminds",
        "warned",
        "warns",
    }
)
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
