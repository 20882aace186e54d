"""Function words the quotes rules look for: pronouns, determiners, prepositions, conjunctions, auxiliaries.

Each list is named for the question it answers; lists that look alike differ on purpose (the
rule that reads each one was tuned with it), so they stay apart.
"""

from __future__ import annotations

THIRD_PERSON_PRONOUNS = frozenset("he she they it him her them".split())
DESCRIPTION_FUNCTION_WORDS = frozenset(
    """
and but or nor so yet the a an it this that these those which who whom what there here then as of to in on at
""".split()
)
OPENING_WORDS_ALLOWED = frozenset("former then".split())
TITLE_SMALL_WORDS = frozenset("a an the of and in on to for at with from by or is".split())
SUBJECT_PRONOUNS = frozenset("he she they it i we you".split())
DETERMINERS = frozenset("a an the one another its his her their".split())
# After a cue, these introduce a question or an intention, not a statement.
NOT_STATEMENT = frozenset(
    """
to whether if why how what who when where which for as while because since although though unless until than
like and but or about of on with by up out off so nothing yes no
""".split()
)
REPORTING_PRONOUNS = frozenset("he she they it we i".split())
CLAUSE_DETERMINERS = frozenset(
    """
the a an his her their its our these those such new this that any no every each
""".split()
)
PHRASE_PREPOSITIONS = frozenset("of for in on at with by from about into".split())
CLAUSE_JOINERS = frozenset("and but or while although though because as so yet which who where when then".split())
INTRO_OPENERS = frozenset(
    """
in on at after before during following despite with as when while although though since if unlike like
speaking asked interviewed earlier later meanwhile but and however still also yet so instead now then
""".split()
)
SKIP_BEFORE_CUE = frozenset(
    """
has have had also later first then previously recently again repeatedly would will could can may might must
should did does do not never once often already still just publicly privately separately similarly
""".split()
)
RELATIVE_PRONOUNS = frozenset("who whose which".split())
ASIDE_ADVERBS = frozenset("however meanwhile also too though instead".split())
SENTENCE_OPENERS = frozenset("and but however so yet meanwhile also while although though".split())
PRONOUN_SPEAKERS = frozenset("he she they it".split())
NO_SPEAKER_PRONOUNS = frozenset("i we you".split())  # the speaker is inside the quote: left to the context
CLAUSE_OPENERS = frozenset(
    """
and but however meanwhile yet so also while although though because as then now later earlier instead indeed
""".split()
)
# Words a speaker phrase never opens with (lower case): relative and subordinating words.
NOT_A_SUBJECT = frozenset(
    """
who whom whose which what that while when where whereas because since if unless although though as after
before until than to of for with by from about into
""".split()
)
OBJECT_PREPOSITIONS = frozenset("for about of with on in at to from than".split())
STOP_AFTER = frozenset(
    """
in on at during when after before while who which adding as to from speaking told that but and
""".split()
)
SKIP_BACK = frozenset(
    """
also has have had later previously recently then yesterday today again further once repeatedly would will
could has is was were are been had earlier now just already still too subsequently similarly separately
""".split()
)
NP_STOP = frozenset(
    """
and but with by that as to for in on at from after before when while because if said says told than
""".split()
)
AUXILIARIES = frozenset("have has had is was were are will would can could did".split())
OPENER_WORDS = frozenset(
    """
if first last then next finally for as once unlike like despite amid according instead meanwhile still yet
""".split()
)
# Words before a participle whose subject is the sentence's: 'quashed the rumours by tweeting that'.
PARTICIPLE_LEADS = frozenset("by after before while when upon".split())
# Words before a cue that make it a noun: 'his repeated calls', 'Republican claims of', 'earlier remarks'.
NOUN_MARKERS = frozenset(
    """
the a an his her their its our my your this that these those such repeated earlier recent latest previous
republican democratic of for in on at with by from about
""".split()
)

# The endings of a possessive word ("Roe's", "Roe\u2019s", "the Joneses'").
POSSESSIVE_ENDINGS = ("'s", "\u2019s", "s'", "s\u2019")
