"""The knowledge base as the web app shows it: one passage by key, the sources and their versions, health."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from bot.api.dense import dense_health
from bot.api.deps import app_state
from bot.api.errors import ApiError
from kb.citations import parse_key
from kb.knowledge_base import BuildManifest, DocumentRecord
from kb.passages import Passage
from kb.registry import Source, load_registry

router = APIRouter()


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    """Answered in the event loop (no worker thread): the manifest is cached per build, so only the few bytes
    naming the build in service are read, and health stays fast while answers keep the workers busy.
    `dense_index` says whether search uses the vectors yet: state 'ready', or 'waiting' / 'embedding' /
    'writing' / 'failed' with passages `done` of `total` while a lexical-first build is completed."""
    state = app_state(request)
    manifest = state.backend.manifest()
    if manifest is None:
        return {"status": "ok", "knowledge_base": "none: run `deelwijzer ingest` first", "kb_build": None}
    passages = sum(record.passage_count for record in manifest.documents)
    return {"status": "ok", "kb_build": manifest.build_id, "documents": len(manifest.documents),
            "passages": passages, "embedder": manifest.embedder,
            "dense_index": dense_health(state.settings, manifest)}  # fmt: skip


@router.get("/api/passages/{key:path}")
async def passage(
    key: str, request: Request, language: Literal["nl", "en"] = "nl", version: str | None = None
) -> dict[str, Any]:
    """The stored passage holding `key` (a sub key gives its lid, with the sub-item's own text)."""
    kb = await run_in_threadpool(app_state(request).backend.kb)
    parsed = parse_key(key)  # CitationKeyError: 422 (api/errors.py)
    found = kb.get(key, language=language, version_date=version)
    if found is None:
        message = f"'{key}' staat niet in de kennisbank: controleer de verwijzing."
        raise ApiError(404, "unknown_key", message, "key")
    current = {r.document_id for r in kb.documents() if r.current}
    return passage_json(found, key, parsed.sub, found.document_id in current)


def passage_json(found: Passage, requested: str, sub: str, current: bool) -> dict[str, Any]:
    source = load_registry().get(found.source_id)
    return {
        "key": found.key, "requested_key": requested, "text": found.text, "sub": sub,
        "sub_text": found.subs.get(sub, "") if sub else "", "title": found.title,
        "heading_path": found.heading_path, "source_id": found.source_id, "source": found.citation_name,
        "source_title": source.title if source else found.citation_name, "language": found.language,
        "version_date": found.version_date, "current": current, "url": official_url(found, source),
        "doc_type": found.doc_type, "status": found.status, "document_id": found.document_id,
    }  # fmt: skip


def official_url(found: Passage, source: Source | None) -> str:
    """The passage's own deep link; else the version-independent BWB link or the source's page."""
    if found.url:
        return found.url
    if source and source.bwb_id and found.article:
        return f"https://wetten.overheid.nl/jci1.3:c:{source.bwb_id}&artikel={found.article}"
    return source.url if source else ""


@router.get("/api/sources")
async def sources(request: Request) -> dict[str, Any]:
    """Registry entries with the versions ingested and their passage counts."""
    manifest = await run_in_threadpool(app_state(request).backend.manifest)
    return {"kb_build": manifest.build_id if manifest else None, "sources": sources_json(manifest)}


def sources_json(manifest: BuildManifest | None) -> list[dict[str, Any]]:
    records = manifest.documents if manifest else []
    registry = load_registry()
    known = [(s.id, s.name, s.title, s.type, s.url) for s in registry.sources]
    extra = {r.source_id: (r.source_id, r.citation_name, r.title, r.doc_type, r.url) for r in records}
    rows = known + [row for source_id, row in extra.items() if registry.get(source_id) is None]
    result = [_source_row(row, [r for r in records if r.source_id == row[0]]) for row in rows]
    return sorted(result, key=lambda item: (not item["versions"], item["name"].casefold()))


def _source_row(row: tuple[str, str, str, str, str], records: list[DocumentRecord]) -> dict[str, Any]:
    source_id, name, title, kind, url = row
    versions = [
        {"document_id": r.document_id, "version_date": r.version_date, "language": r.language,
         "passage_count": r.passage_count, "current": r.current, "reader": r.reader}
        for r in sorted(records, key=lambda r: (r.language, r.version_date))
    ]  # fmt: skip
    return {"id": source_id, "name": name, "title": title, "type": kind, "url": url, "versions": versions,
            "passages": sum(r.passage_count for r in records if r.current)}  # fmt: skip
