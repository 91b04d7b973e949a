"""`deelwijzer kb stats | show KEY | sources`: look inside the knowledge base in service."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kb.citations import parse_key
from kb.errors import CitationKeyError, KbError
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.passages import Passage
from kb.registry import load_registry
from kb.settings import get_settings

app = typer.Typer(help="Look inside the knowledge base.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)
EXIT_NOT_FOUND = 1
EXIT_NO_KB = 3


def _open() -> LocalKnowledgeBase:
    try:
        return open_knowledge_base(get_settings(), None)
    except KbError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_NO_KB)


@app.command()
def show(
    key: Annotated[str, typer.Argument(help="Citation key, e.g. 'AVG art. 6 lid 1' or 'Wpg art. 20 lid 3'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    language: Annotated[str, typer.Option(help="nl or en (falls back to the other).")] = "nl",
    version: Annotated[
        str | None, typer.Option(help="Version date (ISO) instead of the current text.")
    ] = None,
) -> None:
    """Show the stored text (a whole article: all its leden), source, version date and official link."""
    kb = _open()
    try:
        passages = _lookup(kb, key, language, version)
    except CitationKeyError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_NOT_FOUND)
    if not passages:
        err.print(f"[red]not found:[/red] no passage '{key}' in build {kb.build_id}", highlight=False)
        sys.exit(EXIT_NOT_FOUND)
    if as_json:
        data = [_passage_json(p) for p in passages]
        print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
        return
    for passage in passages:
        out.print(f"[bold]{passage.key}[/bold]  {passage.title}", highlight=False)
        out.print(passage.text + "\n", highlight=False)
    first = passages[0]
    out.print(f"{first.citation_name} — versie {first.version_date} ({first.language})", highlight=False)
    out.print(first.url, highlight=False)


def _lookup(kb: LocalKnowledgeBase, key: str, language: str, version: str | None) -> list[Passage]:
    """A lid or sub key gives its passage; an article key gives every lid of the article."""
    parsed = parse_key(key)
    if parsed.article and not parsed.lid and not parsed.sub:
        whole = kb.article(key, language=language, version_date=version)
        if whole:
            return whole
    passage = kb.get(key, language=language, version_date=version)
    return [passage] if passage else []


def _passage_json(passage: Passage) -> dict[str, Any]:
    data = passage.model_dump(mode="json")
    data["content_hash"] = passage.content_hash
    return data


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Sources, versions and passage counts per source and language."""
    kb = _open()
    rows = [
        {
            "source_id": r.source_id,
            "name": r.citation_name,
            "language": r.language,
            "version_date": r.version_date,
            "current": r.current,
            "type": r.doc_type,
            "passages": r.passage_count,
        }
        for r in sorted(kb.documents(), key=lambda r: (r.source_id, r.language, r.version_date))
    ]
    indexed = Counter(p.source_id for p in kb.passages())
    summary = {"build_id": kb.build_id, "embedder": kb.manifest.embedder, "created": kb.manifest.created}
    if as_json:
        print(json.dumps({**summary, "documents": rows, "indexed_per_source": dict(indexed)}, indent=2))
        return
    table = Table(
        "source", "name", "lang", "version", "current", "type", "passages", title=f"Build {kb.build_id}"
    )
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)
    out.print(f"embedder {summary['embedder']}, built {summary['created']}", highlight=False)


@app.command()
def sources() -> None:
    """The source registry, with what is ingested of each."""
    registry = load_registry()
    try:
        documents = open_knowledge_base(get_settings(), None).documents()
    except KbError:
        documents = []
    ingested: dict[str, list[str]] = {}
    for record in documents:
        ingested.setdefault(record.source_id, []).append(f"{record.language} {record.version_date}")
    table = Table("id", "name", "type", "identifier", "ingested")
    known = {s.id for s in registry.sources}
    for source in registry.sources:
        versions = ", ".join(sorted(ingested.get(source.id, []))) or "-"
        table.add_row(source.id, source.name, source.type, source.bwb_id or source.celex, versions)
    for source_id in sorted(set(ingested) - known):
        table.add_row(source_id, "", "", "", ", ".join(sorted(ingested[source_id])))
    out.print(table)
