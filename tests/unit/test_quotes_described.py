"""Descriptions and documents resolved to the article's chains: 'the mayor said', 'the report said'."""

import pytest
from quote_helpers import ent, parsed

from services.quotes.coref import load_resolver
from services.quotes.description_coref import description_head, match_kind, resolve_description
from services.quotes.discourse import build_discourse
from services.quotes.logic import extract_quotes


def speakers(text, *entities):
    return [
        (q.text, q.speaker, q.rule) for q in extract_quotes(text, tuple(entities), parsed(text)) if q.kind != "indirect"
    ]


def test_the_head_of_a_description_is_before_its_complement():
    assert description_head(["minister", "of", "health"]) == "minister"
    assert description_head(["city's", "mayor"]) == "mayor"


def test_a_role_title_age_or_organisation_noun_makes_a_chain_a_candidate():
    text = "Mayor Jane Roe, 64, spoke. Shares in software company Zentrix fell. The Acme Corporation grew."
    es = (
        ent(text, "Jane Roe", "PERSON", "Jane Roe"),
        ent(text, "Zentrix", "ORG", "Zentrix"),
        ent(text, "Acme Corporation", "ORG", "Acme Corporation"),
    )
    d = build_discourse(text, es, None, [])
    cs = {c.name: c for c in d.chains}
    assert match_kind(cs["Jane Roe"], "mayor", ["mayor"]) == "role"
    assert match_kind(cs["Jane Roe"], "64-year-old", ["64-year-old"]) == "age"
    assert match_kind(cs["Zentrix"], "company", ["company"]) == "role"
    assert match_kind(cs["Acme Corporation"], "corporation", ["corporation"]) == "name_head"
    assert match_kind(cs["Jane Roe"], "company", ["company"]) is None


def test_the_mayor_is_the_person_the_article_called_mayor_not_the_last_named():
    text = (
        "Mayor Jane Roe opened the bridge on Monday. John Doe, a local builder, watched.\n"
        '"It is a great day for the city," the mayor told reporters.'
    )
    got = speakers(text, ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "John Doe", "PERSON", "John Doe"))
    assert got[0][1] == "Jane Roe" and got[0][2].endswith("+role")


def test_the_company_is_the_organisation_the_article_calls_a_company():
    text = 'Shares in software company Zentrix fell after the Acme Group deal. "We are confident," the company said.'
    es = (ent(text, "Zentrix", "ORG", "Zentrix"), ent(text, "Acme Group", "ORG", "Acme Group"))
    d = build_discourse(text, es, None, [])
    found = resolve_description(load_resolver(), d, text.index("the company"), ["company"])
    assert found is not None and found[0].name == "Zentrix"


def test_a_description_no_chain_fits_stays_the_speaker():
    text = 'Jane Roe spoke. "Nobody consulted us," a local resident said.'
    got = speakers(text, ent(text, "Jane Roe", "PERSON", "Jane Roe"))
    assert got[0][1] == "local resident"


def test_a_document_speaks_for_its_issuer_where_the_article_says_who_issued_it():
    text = (
        "The Fiscal Institute published a report on Monday. Jane Roe, a minister, disagreed.\n"
        '"The deficit will grow," the report said.'
    )
    es = (ent(text, "Fiscal Institute", "ORG", "Fiscal Institute"), ent(text, "Jane Roe", "PERSON", "Jane Roe"))
    got = speakers(text, *es)
    assert got[0][1] == "Fiscal Institute" and got[0][2].endswith("+document")


def test_a_document_with_its_issuer_in_the_phrase():
    text = 'Jane Roe spoke first. "Prices will rise," a statement from the Acme Group said.'
    got = speakers(text, ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "Acme Group", "ORG", "Acme Group"))
    assert got[0][1] == "Acme Group"


def test_a_document_nobody_issued_stays_the_document_never_the_nearest_person():
    text = 'Jane Roe spoke first. "Prices will rise," the report said.'
    got = speakers(text, ent(text, "Jane Roe", "PERSON", "Jane Roe"))
    assert got[0][1] != "Jane Roe" and got[0][2].endswith("+document_phrase")


def test_a_time_phrase_ending_a_speaker_phrase_is_not_part_of_the_speaker():
    text = 'The Conservatives held a rally. The Tories on Monday called the plan "wasteful".'
    es = (ent(text, "Conservatives", "ORG", "Conservatives", "Tories"),)
    got = speakers(text, *es)
    assert got[0][1] == "Conservatives"


def test_a_description_after_a_reported_clause_may_be_the_clause_s_organisation():
    text = "Acme Corp will cut 300 jobs at its plant in Springfield, the company said on Monday."
    es = (ent(text, "Acme Corp", "ORG", "Acme Corp"), ent(text, "Springfield", "GPE", "Springfield"))
    reported = [q for q in extract_quotes(text, es, parsed(text)) if q.kind == "indirect"]
    assert [(q.speaker, text[q.speaker_start : q.speaker_end]) for q in reported] == [("Acme Corp", "the company")]


@pytest.mark.parametrize(
    "title, description",
    [("Sen.", "the senator"), ("Gov.", "the governor"), ("Rep.", "the congresswoman"), ("PC", "the officer")],
)
def test_a_short_title_gives_the_role_a_later_description_uses(title, description):
    text = (
        f"{title} Jane Roe met Mary Poe, a teacher, in Ohio. Poe asked about schools. "
        f'"We will fix them," {description} said.'
    )
    es = (ent(text, "Jane Roe", "PERSON", "Jane Roe"), ent(text, "Mary Poe", "PERSON", "Mary Poe", "Poe"))
    assert speakers(text, *es)[-1][1:] == ("Jane Roe", "text:after_quote+role")
