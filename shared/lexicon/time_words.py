"""Words of time phrases (days, parts of the day, time adverbs) that stand between a speaker and a verb."""

from __future__ import annotations

TIME_OR_PLACE = frozenset(
    """
on in at during after before last this yesterday today tonight earlier later recently previously monday
tuesday wednesday thursday friday saturday sunday morning afternoon evening night week month year again
repeatedly publicly privately also
""".split()
)
# Words that may follow 'X said' in an attribution after a quoted sentence ('X said at a rally on Monday').
ATTRIBUTION_TAIL = frozenset(
    """
as at in on during after before while when from monday tuesday wednesday thursday friday saturday sunday
yesterday today tonight last this earlier later recently afterwards
""".split()
)
# A time phrase between a subject and its verb: 'on Friday', 'last week', 'earlier this month'.
TIME_NOUNS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night week weekend month
year
""".split()
)
TIME_LEADS = frozenset(
    """
on last this that late early next monday tuesday wednesday thursday friday saturday sunday
""".split()
)
TIME_ENDS = frozenset("later earlier ago afterwards afterward before".split())
