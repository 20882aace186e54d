"""Hand-made enriched events for the store's query tests: stories with copies, speakers, dates, outlets.

Small and written for these tests (no evaluation data): story "s-budget" ran in three
outlets (the same two quotes in each copy), story "s-port" in one, and "a-rain" has a
speaker that is no entity. Offsets are not checked by the store, so they are left plain.
"""

from __future__ import annotations

from typing import Any


def _entity(name: str, label: str, *mentions: str) -> dict[str, Any]:
    texts = mentions or (name,)
    return {
        "name": name,
        "label": label,
        "count": len(texts),
        "mentions": [{"text": t, "start": 0, "end": len(t)} for t in texts],
    }


def _quote(text: str, speaker: str | None, label: str | None = "PERSON", cue: str = "said") -> dict[str, Any]:
    return {
        "text": text,
        "speaker": speaker,
        "speaker_label": label,
        "cue": cue,
        "kind": "direct",
        "start": 0,
        "end": len(text),
    }


def event(
    article_id: str,
    *,
    story: str,
    status: str = "unique",
    title: str,
    source: str | None,
    published_at: str | None,
    entities: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
    url: str | None = None,
) -> dict[str, Any]:
    """One enriched event (schema version 2) as the quotes stage emits it."""
    return {
        "schema_version": 2,
        "id": article_id,
        "title": title,
        "url": url,
        "source": source,
        "published_at": published_at,
        "language": "en",
        "authors": [],
        "site_name": None,
        "canonical_url": None,
        "body": title,
        "text": title + ". " + " ".join(q["text"] for q in quotes),
        "signature": None,
        "dateline": None,
        "removed": [],
        "entities": entities,
        "quotes": quotes,
        "dedup": {
            "status": status,
            "duplicate_of": None if status == "unique" else story,
            "similarity": 1.0,
            "cluster_id": story,
        },
        "trace": {},
    }


BUDGET_QUOTES = [
    _quote("The harbour budget will be balanced by spring", "Maria Okafor"),
    _quote("We were never consulted about the harbour", "Harbour Workers Union", "ORG", "told"),
]
BUDGET_ENTITIES = [
    _entity("Maria Okafor", "PERSON", "Maria Okafor", "Okafor"),
    _entity("Harbour Workers Union", "ORG"),
    _entity("Port Elmstead", "GPE"),
]


def store_events() -> list[dict[str, Any]]:
    """The events, in the order a sink would get them (a later copy before an earlier one, on purpose)."""
    return [
        event(
            "s-budget",
            story="s-budget",
            title="Harbour budget to balance, minister says",
            source="Daily Ledger",
            published_at="2024-03-04T08:00:00Z",
            entities=BUDGET_ENTITIES,
            quotes=BUDGET_QUOTES,
        ),
        event(
            "s-budget-copy2",
            story="s-budget",
            status="near_duplicate",
            title="Minister: harbour budget balanced by spring",
            source="Evening Courier",
            published_at="2024-03-04T15:30:00Z",
            entities=BUDGET_ENTITIES,
            quotes=BUDGET_QUOTES,
        ),
        event(
            "s-budget-copy1",
            story="s-budget",
            status="duplicate",
            title="Harbour budget to balance, minister says",
            source="Wire Service",
            published_at="2024-03-04T09:15:00+00:00",
            entities=BUDGET_ENTITIES,
            quotes=[*BUDGET_QUOTES, _quote("Spring is a long way off", "Tom Brennan")],
        ),
        event(
            "s-port",
            story="s-port",
            title="Port Elmstead dredging starts",
            source="Daily Ledger",
            published_at="2024-03-11T10:00:00Z",
            entities=[_entity("Maria Okafor", "PERSON", "Okafor"), _entity("Port Elmstead", "GPE")],
            quotes=[
                _quote("Dredging will take the whole summer", "Maria Okafor", cue="told"),
                _quote("The port's future depends on it", "Maria Okafor"),
            ],
        ),
        event(
            "a-rain",
            story="a-rain",
            title="Rain closes the coast road",
            source=None,
            url="https://www.coastnews.example/rain",
            published_at=None,
            entities=[_entity("Port Elmstead", "GPE")],
            quotes=[_quote("Drive only if you must", "the police", None, "warned")],
        ),
    ]


__all__ = ["event", "store_events"]
