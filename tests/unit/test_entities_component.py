"""The newsflow_entity_fixes component on spacy.blank('en') with hand-set entities."""

import spacy

import services.entities.component  # noqa: F401
from services.entities.component import COMPONENT_NAME


def _doc(nlp, text, ents):
    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    return nlp.get_pipe(COMPONENT_NAME)(doc)


def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe(COMPONENT_NAME)
    return nlp


def test_region_makes_a_product_a_place():
    doc = _doc(_nlp(), "Troops left the Kursk region and Kursk was quiet.", [("Kursk", "PRODUCT")])
    assert doc.ents[0].label_ == "GPE"


def test_leading_article_and_possessive_are_trimmed():
    doc = _doc(_nlp(), "He joined the World Trade Organisation's talks.", [("the World Trade Organisation's", "ORG")])
    assert doc.ents[0].text == "World Trade Organisation"


def test_numbers_are_not_names():
    doc = _doc(_nlp(), "It could shrink to 200bn by 2009.", [("200bn", "PERSON")])
    assert list(doc.ents) == []


def test_pope_title_joins_the_name_and_parties_are_orgs():
    doc = _doc(_nlp(), "Pope Francis met the Lib Dems.", [("Francis", "PERSON"), ("Lib Dems", "PERSON")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Pope Francis", "PERSON"), ("Lib Dems", "ORG")]


def test_missing_plural_party_is_added():
    doc = _doc(_nlp(), "The Tories said no.", [])
    assert [(e.text, e.label_) for e in doc.ents] == [("Tories", "ORG")]


def test_place_after_in_is_split_off():
    doc = _doc(
        _nlp(), "Pupils at Peel Common Infants School in Gosport", [("Peel Common Infants School in Gosport", "ORG")]
    )
    assert [(e.text, e.label_) for e in doc.ents] == [("Peel Common Infants School", "ORG"), ("Gosport", "GPE")]


def test_a_date_is_not_split_at_its_to():
    doc = _doc(_nlp(), "The deficit in the year to March 2005 fell.", [("the year to March 2005", "DATE")])
    assert [(e.text, e.label_) for e in doc.ents] == [("year to March 2005", "DATE")]


def test_party_adjective_and_cut_name_are_orgs():
    doc = _doc(_nlp(), "A Tory MP and a Liberal Democrat peer met.", [("Tory", "NORP"), ("Democrat", "NORP")])
    assert [(e.text, e.label_) for e in doc.ents] == [("Tory", "ORG"), ("Liberal Democrat", "ORG")]


def test_company_context_makes_a_lone_name_an_org_everywhere():
    t = "Traffic rose, said Quorbix. Network firm Quorbix warned. A Quorbix spokeswoman agreed."
    nlp = _nlp()
    doc = nlp.make_doc(t)
    starts = [i for i in range(len(t)) if t.startswith("Quorbix", i)]
    doc.ents = [doc.char_span(i, i + 7, label="PERSON") for i in starts]
    doc = nlp.get_pipe(COMPONENT_NAME)(doc)
    assert [e.label_ for e in doc.ents] == ["ORG", "ORG", "ORG"]
    alone = _doc(_nlp(), "Traffic rose, said Quorbix.", [("Quorbix", "PERSON")])
    assert alone.ents[0].label_ == "PERSON"  # no company context: the model's label stands


def test_given_name_blocks_company_context_and_courtesy_title_makes_a_person():
    doc = _doc(_nlp(), "Her partner John Smith and Mr Tandel spoke.", [("John Smith", "ORG"), ("Tandel", "ORG")])
    assert [(e.text, e.label_) for e in doc.ents] == [("John Smith", "PERSON"), ("Tandel", "PERSON")]


def test_coordinated_orgs_split_but_listed_fields_extend():
    t = "Backed by Amnesty International and Liberty, the Department for Culture Media and Sport agreed."
    doc = _doc(_nlp(), t, [("Amnesty International and Liberty", "ORG"), ("Department for Culture Media", "ORG")])
    assert [e.text for e in doc.ents] == ["Amnesty International", "Liberty", "Department for Culture Media and Sport"]


def test_marks_and_spencer_stays_whole():
    doc = _doc(_nlp(), "Shares in Marks and Spencer fell.", [("Marks and Spencer", "ORG")])
    assert [e.text for e in doc.ents] == ["Marks and Spencer"]


def test_title_of_place_and_national_army():
    doc = _doc(
        _nlp(),
        "The Duke of Kent said the Ruritanian army had left.",
        [("Duke", "PERSON"), ("Kent", "GPE"), ("Ruritanian", "NORP")],
    )
    assert [(e.text, e.label_) for e in doc.ents] == [("Duke of Kent", "PERSON"), ("Ruritanian army", "ORG")]


def test_two_people_joined_by_and_are_two_people():
    doc = _doc(
        _nlp(),
        "The rivals were Cruz and Rubio, with Jane Roe & John Doe.",
        [("Cruz and Rubio", "PERSON"), ("Jane Roe & John Doe", "PERSON")],
    )
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Cruz", "PERSON"),
        ("Rubio", "PERSON"),
        ("Jane Roe", "PERSON"),
        ("John Doe", "PERSON"),
    ]


def test_a_span_text_from_the_doc_text_equals_span_text():
    """The component slices the doc's text once made instead of `Span.text`, which makes a Token per word."""
    from services.entities.component import fix_label, is_noise, lexemes
    from services.entities.logic import span_text

    nlp = spacy.blank("en")
    text = "Mr  Jane Roe 's firm , Acme Trust , said on Monday ."
    doc = nlp.make_doc(text)
    for start, end in ((1, 3), (0, 4), (4, 6), (6, 9), (0, len(doc))):
        span = doc[start:end]
        assert span_text(span, doc.text) == span.text
    acme = doc.char_span(text.index("Acme"), text.index("Trust") + 5, label="PERSON")
    words = lexemes(doc)
    assert fix_label(acme, words, text=text) == fix_label(acme, words) == "ORG"
    assert is_noise(acme, words, text) is is_noise(acme, words) is False


def test_entities_of_reads_mention_texts_from_the_given_text_as_from_the_spans():
    from services.entities.logic import entities_of

    nlp = spacy.blank("en")
    text = "Jane Roe met Acme Trust. Roe left."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, 8, "PERSON"), doc.char_span(13, 23, "ORG"), doc.char_span(25, 28, "PERSON")]
    with_text = entities_of(doc, set(), None, text)
    assert with_text == entities_of(doc, set())
    assert [(e.name, e.count) for e in with_text] == [("Jane Roe", 2), ("Acme Trust", 1)]


def test_the_fixes_read_the_text_the_stage_gave_the_doc_as_the_doc_s_own():
    from services.entities.logic import DOC_TEXT, with_text

    nlp = _nlp()
    text = "Troops left the Kursk region and the Tories said no."
    given = with_text(nlp.make_doc(text), text)
    assert given.user_data[DOC_TEXT] is text
    kursk = text.index("Kursk")
    for doc in (given, nlp.make_doc(text)):  # with the text given, and rebuilt from the tokens
        doc.ents = [doc.char_span(kursk, kursk + 5, label="PRODUCT")]
        doc = nlp.get_pipe(COMPONENT_NAME)(doc)
        assert [(e.text, e.label_) for e in doc.ents] == [("Kursk", "GPE"), ("Tories", "ORG")]


def test_sports_words_are_counted_from_the_doc_s_words():
    from services.entities.component import is_sports_text

    nlp = _nlp()
    assert is_sports_text(nlp.make_doc("The striker scored a penalty in the match."))
    assert not is_sports_text(nlp.make_doc("The striker scored a point in the debate."))


def test_one_sports_word_repeated_is_no_sports_report():
    from services.entities.component import is_sports_text

    nlp = spacy.blank("en")
    summit = "The G7 nations met. Poorer nations asked the richer nations for more."
    assert not is_sports_text(nlp.make_doc(summit))
    assert is_sports_text(nlp.make_doc(summit + " The match ended it."))


def test_lexeme_rows_read_as_the_tokens_do():
    """The fixes read words from `lexemes` rows instead of Token objects: each row says what its token says."""
    from services.entities.component import lexemes

    nlp = spacy.blank("en")
    doc = nlp.make_doc("The BBC's 3 reporters  met Jane ROE, (twice) in new-york.\n")
    rows = lexemes(doc)
    assert len(rows) == len(doc)
    for row, tok in zip(rows, doc):
        assert row == (tok.text, tok.lower_, tok.is_title, tok.is_upper, tok.is_lower, tok.like_num, tok.is_space)
    assert lexemes(doc, doc.to_array("ORTH").tolist()) == rows
