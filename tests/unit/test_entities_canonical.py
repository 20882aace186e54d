"""Merging mentions into canonical entities."""

from services.entities.canonical import RawMention, merge_mentions
from services.entities.noise import is_publisher_credit, publisher_names


def m(text, start, label):
    return RawMention(text, start, start + len(text), label)


def test_surname_joins_full_name():
    ents = merge_mentions([m("Valery Gerasimov", 0, "PERSON"), m("Gerasimov", 40, "PERSON"), m("Gerasimov", 80, "ORG")])
    assert [(e.name, e.label, e.count) for e in ents] == [("Valery Gerasimov", "PERSON", 3)]


def test_courtesy_title_dropped_and_rank_kept():
    ents = merge_mentions([m("Mr Blair", 0, "PERSON"), m("Lord Justice May", 20, "PERSON")])
    assert {e.name for e in ents} == {"Blair", "Lord Justice May"}


def test_acronym_joins_organisation():
    ents = merge_mentions([m("World Trade Organisation", 0, "ORG"), m("WTO", 50, "ORG")])
    assert [(e.name, e.count) for e in ents] == [("World Trade Organisation", 2)]


def test_full_name_mislabelled_org_becomes_person():
    ents = merge_mentions([m("Helmut Panke", 0, "ORG"), m("Panke", 30, "PERSON"), m("Panke", 60, "PERSON")])
    assert [(e.name, e.label) for e in ents] == [("Helmut Panke", "PERSON")]


def test_a_given_name_makes_a_person_of_a_full_name_whose_surname_the_model_also_mislabels():
    # the model calls the woman and her surname an organisation throughout, her husband a person
    ents = merge_mentions(
        [m("Karen Voss", 0, "ORG"), m("Voss", 30, "ORG"), m("Voss", 60, "ORG"), m("Martin Voss", 90, "PERSON")]
    )
    assert [(e.name, e.label, e.count) for e in ents] == [("Karen Voss", "PERSON", 3), ("Martin Voss", "PERSON", 1)]


def test_a_date_or_a_group_opening_with_a_given_name_stays_what_it_is():
    ents = merge_mentions(
        [m("August 2015", 0, "DATE"), m("2015", 20, "DATE"), m("Roman Catholic", 40, "NORP"), m("Catholic", 60, "NORP")]
    )
    assert {(e.name, e.label) for e in ents} == {
        ("August 2015", "DATE"),
        ("2015", "DATE"),
        ("Roman Catholic", "NORP"),
        ("Catholic", "NORP"),
    }


def test_a_surname_alone_goes_to_the_full_name_introduced_first_among_equals():
    ents = merge_mentions([m("Karen Voss", 0, "PERSON"), m("Voss", 30, "PERSON"), m("Janet Voss", 60, "PERSON")])
    assert [(e.name, e.count) for e in ents] == [("Karen Voss", 2), ("Janet Voss", 1)]


def test_mention_offsets_are_kept():
    ents = merge_mentions([m("Kursk", 5, "GPE")])
    assert ents[0].mentions[0].start == 5 and ents[0].mentions[0].end == 10


def test_publisher_credit_but_not_its_channels():
    pubs = publisher_names("Daily Planet", None)
    assert is_publisher_credit(m("the Daily Planet", 0, "ORG"), pubs)
    assert is_publisher_credit(m("Daily Planet News website", 0, "ORG"), pubs)
    assert not is_publisher_credit(m("Daily Planet Radio 4", 0, "ORG"), pubs)


def test_no_publisher_is_assumed_without_source_or_url():
    """A name is the publisher's credit only when the event's own source or url says so."""
    assert not is_publisher_credit(m("BBC", 0, "ORG"), publisher_names(None, None))
    assert is_publisher_credit(m("BBC", 0, "ORG"), publisher_names(None, "https://www.bbc.co.uk/news/x"))
    assert "reuters" in publisher_names(None, "https://www.reuters.com/x")


def test_party_names_are_one_entity_named_by_the_noun_form():
    ents = merge_mentions(
        [
            m("Tory", 0, "ORG"),
            m("Tories", 20, "ORG"),
            m("Conservatives", 40, "ORG"),
            m("Lib Dems", 60, "ORG"),
            m("Liberal Democrat", 80, "ORG"),
        ]
    )
    assert sorted((e.name, e.count) for e in ents) == [("Conservatives", 3), ("Lib Dems", 2)]


def test_acronym_from_word_beginnings():
    from services.entities.canonical import is_acronym

    assert is_acronym("apacs", "association for payment clearing services")
    assert not is_acronym("xyz", "association for payment clearing services")
    ents = merge_mentions([m("Association for Payment Clearing Services", 0, "ORG"), m("Apacs", 60, "ORG")])
    assert [(e.name, e.count) for e in ents] == [("Association for Payment Clearing Services", 2)]


def test_a_pair_of_names_absorbs_neither_person():
    ents = merge_mentions(
        [
            m("Cruz", 0, "PERSON"),
            m("Cruz and Rubio", 20, "WORK_OF_ART"),
            m("Rubio", 50, "PERSON"),
            m("Cruz", 70, "PERSON"),
        ]
    )
    by_name = {e.name: (e.label, e.count) for e in ents}
    assert by_name["Cruz"] == ("PERSON", 2) and by_name["Rubio"] == ("PERSON", 1)
    assert by_name["Cruz and Rubio"][0] != "PERSON"
