"""Words that tell who someone is: personal pronouns, gendered nouns, documents that speak for their issuer.

General English, written from grammar books and dictionaries, not from any article: the
discourse model of the quotes stage (services/quotes/discourse.py) reads them.
"""

from __future__ import annotations

# Third-person pronouns: form -> (gender or number, grammatical case). 'm'/'f' are a person's,
# 'pl' a group's (or a person's singular 'they'), 'n' a thing's or an organisation's.
PRONOUN_FORMS: dict[str, tuple[str, str]] = {
    "he": ("m", "subj"),
    "him": ("m", "obj"),
    "his": ("m", "poss"),
    "himself": ("m", "refl"),
    "she": ("f", "subj"),
    "her": ("f", "obj"),  # or a possessive: the parse (or the next word) tells
    "hers": ("f", "poss"),
    "herself": ("f", "refl"),
    "they": ("pl", "subj"),
    "them": ("pl", "obj"),
    "their": ("pl", "poss"),
    "themselves": ("pl", "refl"),
    "it": ("n", "subj"),
    "its": ("n", "poss"),
    "itself": ("n", "refl"),
}

# Nouns that say a person's gender (kin, and the few role nouns with a gendered form besides '-man'/'-woman').
FEMALE_NOUNS = frozenset(
    """
woman women girl lady mother mum mom wife daughter sister aunt niece grandmother granddaughter widow bride
girlfriend fiancee actress waitress heiress hostess princess queen duchess countess baroness empress nun
stepmother stepdaughter mistress matriarch
""".split()
)
MALE_NOUNS = frozenset(
    """
man men boy gentleman father dad husband son brother uncle nephew grandfather grandson widower groom
boyfriend fiance actor waiter heir host prince king duke count baron emperor monk priest
stepfather stepson patriarch
""".split()
)


def noun_gender(noun: str) -> str | None:
    """'f' or 'm' when a role noun says the person's gender ('spokeswoman', 'mother', 'chairman'), else None."""
    w = noun.lower()
    if w in FEMALE_NOUNS or w.endswith("woman"):
        return "f"
    if w in MALE_NOUNS or (w.endswith("man") and len(w) > 4 and not w.endswith(("woman", "human", "german"))):
        return "m"
    return None


# Documents that speak for whoever issued them ('the report said', 'a statement from the ministry').
DOCUMENT_NOUNS = frozenset(
    """
report reports statement statements letter letters lawsuit suit filing filings complaint study survey poll memo
memorandum release document documents ruling judgment judgement order notice email e-mail tweet post note brief
affidavit indictment petition motion transcript review audit assessment analysis proposal plan bulletin
announcement communique decree policy guidance submission summary bill resolution manifesto
""".split()
)

# Verbs by which someone issues a document ('the institute published a report').
ISSUING_LEMMAS = frozenset(
    """
issue publish release file send write sign post tweet submit produce commission present unveil put lodge draft
""".split()
)

# Prepositions after a document noun that name its issuer ('a report by the institute', 'a letter from Roe').
ISSUER_PREPOSITIONS = frozenset("by from of".split())

# Nouns for the kind of body an organisation is ('the company said', 'the ministry said'): the organisation's
# own name often ends with one ('the Acme Corporation').
ORGANISATION_NOUNS = frozenset(
    """
company firm group agency ministry department government council authority board commission committee union
party organisation organization association federation institute foundation charity bank court police force
army military navy team club university college school hospital office service corporation campaign
administration regime network broadcaster newspaper paper magazine website agency watchdog regulator
airline carrier retailer chain maker manufacturer operator insurer lender league society trust station
""".split()
)

# Endings of English nouns for what a person does or is ('manager', 'spokesperson', 'economist', 'resident').
PERSON_NOUN_ENDINGS = (
    "er",
    "or",
    "ist",
    "ian",
    "man",
    "woman",
    "person",
    "ant",
    "ent",
    "ee",
    "eer",
    "ier",
    "ive",
    "ary",
    "ate",
)
# Endings of abstract nouns that share those endings ('statement', 'government', 'number' is handled by the list).
ABSTRACT_ENDINGS = ("ment", "tion", "sion", "ness", "ity", "ance", "ence")


def looks_like_person_noun(noun: str, titles: frozenset[str] = frozenset()) -> bool:
    """Whether a common noun can name a person's role ('mayor', 'spokeswoman', 'economist'): in `titles`,
    gendered, or with an ending English gives such nouns (and no abstract ending)."""
    w = noun.lower()
    if w in titles or noun_gender(w) is not None:
        return True
    return len(w) > 3 and w.endswith(PERSON_NOUN_ENDINGS) and not w.endswith(ABSTRACT_ENDINGS)
