"""`newsflow query quotes|speakers|speaker|story`: the store's questions from a shell.

The store is `--store PATH_OR_URL` (a path means a SQLite file), else NEWSFLOW_STORE_URL.
Every list pages: the text answer ends with how many match and, when there are more, the `--cursor` of the
next page (with --csv that line goes to stderr, so stdout is the table alone; with --json it is the answer's
`next_cursor`). `--csv` writes the list as CSV (newsflow.store.export: a header row, spreadsheet-safe cells).
Exit status: 0 with the answer, also when nothing is found (an empty answer: "no quotes found",
"no speaker named ...", "no article ..."; with --json the answer's lists are empty and `speaker` or
`story_id` is null); 2 for a malformed parameter or a store file that does not exist, with the reason
on one line of stderr; 1 for a store that cannot answer (one line naming it).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Mapping

import orjson

from newsflow.store.engine import unavailable
from newsflow.store.export import answer_csv
from newsflow.store.params import QueryError, parse_bucket, parse_int, parse_name, window
from newsflow.store.queries import DEFAULT_COPIES, StoreReader, open_reader
from newsflow.web.layout import after_text, who_published
from shared.core.settings import Settings


def _store(args: argparse.Namespace) -> str:
    return args.store or Settings.from_env().store_url


def _emit(doc: Any, args: argparse.Namespace, text: str, kind: str | None = None) -> None:
    """The answer as asked: JSON, CSV of its list (`kind`), or `text` with the list's count and next page."""
    if args.json:
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    paging = page_line(doc, kind) if kind else ""
    if args.csv and kind:
        sys.stdout.write(answer_csv(kind, doc))
        if doc.get("next_cursor"):
            sys.stderr.write(paging)
    else:
        sys.stdout.write(text + paging)


NOUNS = {"quotes": ("quote", "quotes"), "speaker": ("quote", "quotes"), "speakers": ("speaker", "speakers")}
NOUNS["story"] = ("copy", "copies")


def count_text(doc: Mapping[str, Any]) -> str:
    """A list's count as said: "1,234", or "1,000+" when it was counted up to its cap."""
    return f"{doc.get('count', 0):,}" + ("+" if doc.get("count_capped") else "")


def page_line(doc: Mapping[str, Any], kind: str) -> str:
    """How many match, and the cursor of the next page when there is one ("" for an empty answer)."""
    if not doc.get("count") and not doc.get("next_cursor"):
        return ""
    one, many = NOUNS[kind]
    line = f"{count_text(doc)} {one if doc.get('count') == 1 and not doc.get('count_capped') else many} in all"
    if doc.get("next_cursor"):
        line += f"; next page: --cursor {doc['next_cursor']}"
    return line + "\n"


def format_quotes(quotes: list[Mapping[str, Any]]) -> str:
    """Quotes as text: the words, the speaker, then the first copy and where else the quote ran."""
    lines = []
    for q in quotes:
        who = q.get("speaker") or "(unknown speaker)"
        lines.append(f'"{q["text"]}" — {who}' + (f" ({q['cue']})" if q.get("cue") else ""))
        when = (q.get("time") or "")[:16].replace("T", " ")
        lines.append(f"    {q['article_id']}  {q.get('outlet') or '-'}  {when}  {q.get('title') or ''}".rstrip())
        if q["copies"] > 1:
            ran = ", ".join(f"{r['outlet'] or '-'} ({r['article_id']})" for r in q["ran_in"])
            lines.append(f"    ran in {q['copies']} copies: {ran}")
    return "\n".join(lines) + ("\n" if lines else "")


def cmd_quotes(reader: StoreReader, args: argparse.Namespace) -> int:
    """Quotes by speaker, entity or words."""
    win = window(args.since, args.until, args.outlet)
    limit, cursor = parse_int(args.limit, "--limit", 50), args.cursor
    if args.speaker is not None:
        doc = reader.quotes_by_speaker(parse_name(args.speaker, "--speaker"), win=win, limit=limit, cursor=cursor)
    elif args.speaker_id is not None:
        actor = parse_name(args.speaker_id, "--speaker-id")
        doc = reader.quotes_by_speaker(actor_id=actor, win=win, limit=limit, cursor=cursor)
    elif args.entity is not None:
        doc = reader.quotes_by_entity(parse_name(args.entity, "--entity"), win=win, limit=limit, cursor=cursor)
    else:
        doc = reader.quotes_by_text(args.text, win=win, limit=limit, cursor=cursor)
    head = ""
    if doc.get("actors"):
        head = "matched: " + ", ".join(f"{a['name']} ({a['label']}, {a['id']})" for a in doc["actors"]) + "\n"
    _emit(doc, args, head + (format_quotes(doc["quotes"]) or "no quotes found\n"), "quotes")
    return 0


def cmd_speakers(reader: StoreReader, args: argparse.Namespace) -> int:
    """The most quoted speakers with their counts by outlet."""
    top = parse_int(args.top, "--top", 20, hi=500)
    doc = reader.top_speakers(top, window(args.since, args.until, args.outlet), args.cursor)
    lines = [
        f"{s['quotes']:6d}  {s['name']} ({s['label']}, {s['id']})  "
        + ", ".join(f"{o['outlet'] or '-'} {o['quotes']}" for o in s["outlets"])
        for s in doc["speakers"]
    ]
    _emit(doc, args, "\n".join(lines) + "\n" if lines else "no quoted speakers in the store\n", "speakers")
    return 0


def cmd_speaker(reader: StoreReader, args: argparse.Namespace) -> int:
    """One speaker's page: quotes over time, outlets, entities mentioned with them."""
    name = parse_name(args.who, "speaker")
    bucket, win = parse_bucket(args.bucket), window(args.since, args.until)
    limit = parse_int(args.limit, "--limit", 20, hi=200)
    ids = [name] if reader.actor(name) else [a["id"] for a in reader.find_actors(name)]
    doc = reader.speaker(ids[0], bucket=bucket, win=win, limit=limit, cursor=args.cursor) if ids else None
    if doc is None:  # nothing found: an empty answer, as every query command gives
        empty: dict[str, Any] = {"speaker": None, "query": {"who": name, "bucket": bucket}, "quotes_total": 0}
        empty.update({"over_time": [], "outlets": [], "entities": [], "quotes": [], "more": False})
        empty.update({"count": 0, "count_capped": False, "next_cursor": None})
        _emit(empty, args, f"no speaker named {name!r} in the store\n", "speaker")
        return 0
    who = doc["speaker"]
    text = [f"{who['name']} ({who['label']}, {who['id']}): {doc['quotes_total']} quotes"]
    text += [f"  {b['start']}  {b['quotes']}" for b in doc["over_time"] if b["quotes"]]
    text.append("outlets: " + ", ".join(f"{o['outlet'] or '-'} {o['quotes']}" for o in doc["outlets"]))
    text.append("mentioned with: " + ", ".join(f"{e['name']} ({e['stories']})" for e in doc["entities"]))
    _emit(doc, args, "\n".join(text) + "\n" + format_quotes(doc["quotes"]), "speaker")
    return 0


def _when(copy: Mapping[str, Any]) -> str:
    return (copy["time"] or "")[:16].replace("T", " ")


def cmd_story(reader: StoreReader, args: argparse.Namespace) -> int:
    """A story's copies in the order they were published (who first, how long after each followed, which arrived
    first), and its quotes."""
    article_id = parse_name(args.article_id, "ARTICLE_ID")
    doc = reader.story(article_id, limit=parse_int(args.limit, "--limit", DEFAULT_COPIES), cursor=args.cursor)
    if doc is None:  # nothing found: an empty answer, as every query command gives
        empty: dict[str, Any] = {"story_id": None, "article_id": article_id, "copies": [], "quotes": []}
        empty.update({"count": 0, "count_capped": False, "next_cursor": None})
        _emit(empty, args, f"no article {article_id!r} in the store\n", "story")
        return 0
    first, arrived, copies = doc["first_published"], doc["arrived_first"], doc["copies"]
    head = f"story {doc['story_id']}: {doc['count']} cop{'y' if doc['count'] == 1 else 'ies'}; published first: "
    head += f"{who_published(first)} {'received' if first['time_basis'] == 'received' else 'at'} {_when(first)}"
    lines = [head + (f"; arrived first: {who_published(arrived)}" if arrived is not None else "")]
    for c in copies:
        marks = [
            m
            for m, on in (("arrived first", c["arrived_first"]), ("no publication time", c["time_basis"] == "received"))
            if on
        ]
        lines.append(
            f"  {_when(c)}  {after_text(c['after_first_s']):>12}  {c['outlet'] or '-'}  {c['article_id']}  "
            f"{c['title'] or ''}{'  [' + '; '.join(marks) + ']' if marks else ''}".rstrip()
        )
    if doc.get("next_cursor") is None:  # the story's quotes after its last page of copies
        lines.append(f"quotes: {len(doc['quotes'])}")
        text = "\n".join(lines) + "\n" + format_quotes(doc["quotes"])
    else:
        text = "\n".join(lines) + "\n"
    _emit(doc, args, text, "story")
    return 0


COMMANDS = {"quotes": cmd_quotes, "speakers": cmd_speakers, "speaker": cmd_speaker, "story": cmd_story}


def cmd_query(args: argparse.Namespace) -> int:
    """Run one `newsflow query` subcommand against the store: 0 with an answer, empty when nothing is found;
    2 for a malformed parameter or a store file that does not exist; 1 for a store that cannot answer."""
    from sqlalchemy.exc import SQLAlchemyError

    store = _store(args)
    try:
        reader = open_reader(store)
    except FileNotFoundError as err:
        return _fail(args, str(err), 2)
    try:
        return COMMANDS[args.query](reader, args)
    except QueryError as err:
        return _fail(args, str(err), 2)
    except SQLAlchemyError as err:  # a store that cannot be reached or is no newsflow store
        return _fail(args, str(unavailable(store, err)), 1)
    finally:
        reader.engine.dispose()


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    sys.stderr.write(f"newsflow query {args.query}: {message}\n")
    return code


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default=None, help="SQLite file or database URL (default NEWSFLOW_STORE_URL)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the whole answer as JSON")
    out.add_argument("--csv", action="store_true", help="the list as CSV with a header row (next page on stderr)")
    p.add_argument("--cursor", default=None, help="the next page: the cursor the page before printed")


def _window_args(p: argparse.ArgumentParser, outlet: bool = True) -> None:
    p.add_argument("--since", default=None, help="from this date or date-time (ISO-8601, UTC)")
    p.add_argument("--until", default=None, help="before this date-time; a bare date includes that day")
    if outlet:
        p.add_argument("--outlet", default=None, help="only articles of this outlet")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `query` to the `newsflow` parser."""
    q = sub.add_parser("query", help="ask the store: quotes, speakers, a speaker, a story")
    qs = q.add_subparsers(dest="query", required=True)

    quotes = qs.add_parser("quotes", help="quotes by speaker, entity or words, each once with the copies it ran in")
    which = quotes.add_mutually_exclusive_group(required=True)
    which.add_argument("--speaker", help="a speaker's name or alias (case-insensitive)")
    which.add_argument("--speaker-id", help="an actor id (from `query speakers`)")
    which.add_argument("--entity", help="quotes in articles that mention this entity")
    which.add_argument("--text", help='words of the quote: word "a phrase" -excluded or')
    _window_args(quotes)
    quotes.add_argument("--limit", default=None, help="quotes at most (default 50, up to 1000)")
    _store_arg(quotes)

    speakers = qs.add_parser("speakers", help="who is quoted most, with counts by outlet")
    speakers.add_argument("--top", default=None, help="how many (default 20, up to 500)")
    _window_args(speakers)
    _store_arg(speakers)

    speaker = qs.add_parser("speaker", help="one speaker: quotes over time, outlets, entities mentioned with them")
    speaker.add_argument("who", help="an actor id or a name")
    speaker.add_argument("--bucket", default="day", help="day or week")
    speaker.add_argument("--limit", default=None, help="latest quotes at most (default 20, up to 200)")
    _window_args(speaker, outlet=False)
    _store_arg(speaker)

    story = qs.add_parser("story", help="a story's copies in the order they were published, and its quotes")
    story.add_argument("article_id")
    story.add_argument("--limit", default=None, help=f"copies at most (default {DEFAULT_COPIES}, up to 1000)")
    _store_arg(story)
    q.set_defaults(func=cmd_query)


__all__ = ["cmd_query", "format_quotes", "register"]
