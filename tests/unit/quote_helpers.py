"""Helpers of the quote tests (not a test module): entities with their mentions found in a text."""

from shared.core.events import Entity, Mention


def ent(text, name, label, *surfaces):
    """An entity named `name` whose mentions are every occurrence of each surface form in `text`."""
    ms = []
    for s in surfaces:
        i = -1
        while True:
            i = text.find(s, i + 1)
            if i == -1:
                break
            ms.append(Mention(s, i, i + len(s)))
    return Entity(name=name, label=label, count=len(ms), mentions=tuple(ms))
