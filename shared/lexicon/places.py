"""Country names: pycountry's ISO 3166 names, with the short forms news writing uses."""

from __future__ import annotations

import unicodedata

import pycountry

# Names in everyday use that ISO 3166 spells otherwise or lists as parts of a country (general knowledge).
EVERYDAY_NAMES = frozenset(
    {
        "britain",
        "great britain",
        "uk",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "us",
        "usa",
        "america",
        "russia",
        "turkey",
        "czech republic",
        "ivory coast",
        "holland",
        "south korea",
        "north korea",
        "iran",
        "syria",
        "vietnam",
        "laos",
        "bolivia",
        "venezuela",
        "tanzania",
        "taiwan",
        "moldova",
        "macedonia",
    }
)


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _country_names() -> frozenset[str]:
    names = set(EVERYDAY_NAMES)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(_plain(value))
                names.add(_plain(value.split(",")[0]))  # 'Korea, Republic of' -> 'korea'
    return frozenset(names)


COUNTRIES = _country_names()
