"""Beheer (Bearer token): feedback and the storage it takes, unsettled fact patterns, what changed between
versions, PDF uploads ingested in the background and their progress, and passages of uploaded documents
that read like instructions to an assistant."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from bot.api.deps import app_state
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.api.security import UPLOAD_PREFIX, require_admin
from bot.api.state import PassageStore
from bot.feedback import REASONS
from bot.rule_changes import load_checked, rules_affected_by, rules_to_recheck
from bot.rules import load_rulebook
from kb.changes import changes_between, latest_changes
from kb.injection import CHECKED_TYPES, flagged_passages

router = APIRouter(prefix="/api/admin", dependencies=[Depends(require_admin)])
EXCERPT_CHARS = 300


@router.get("/feedback")
async def feedback(
    request: Request,
    rating: str = "",
    reason: str = "",
    verdict: str = "",
    limit: int = Query(200, ge=1, le=1000),
) -> dict[str, Any]:
    if reason and reason not in REASONS:
        message = f"Onbekende reden '{reason}': kies uit {', '.join(REASONS)}."
        raise ApiError(422, "invalid", message, "reason")
    store = app_state(request).feedback
    entries = await run_in_threadpool(store.entries, rating or None, reason or None, verdict or None, limit)
    status = await run_in_threadpool(store.status)
    return {"entries": [entry.model_dump() for entry in entries], "storage": status.model_dump()}


@router.get("/storage")
async def storage(request: Request) -> dict[str, Any]:
    """Rows kept, their caps, rows dropped (oldest first) and a warning when a table is (nearly) full."""
    status = await run_in_threadpool(app_state(request).feedback.status)
    return status.model_dump()


@router.get("/unanswered")
async def unanswered(request: Request, limit: int = Query(20, ge=1, le=1000)) -> dict[str, Any]:
    """Fact patterns answered hangt_af / buiten_bereik most often (vocabulary ids and gaps, no text)."""
    top = await run_in_threadpool(app_state(request).feedback.top_unanswered, limit)
    return {"patterns": [item.model_dump() for item in top]}


@router.get("/flags")
async def flags(request: Request) -> dict[str, Any]:
    """Passages of covenants and guidance that read like instructions to an assistant (check them)."""
    kb = await run_in_threadpool(app_state(request).backend.kb)
    return {"flags": await run_in_threadpool(_flags, kb)}


def _flags(kb: PassageStore) -> list[dict[str, Any]]:
    records = [r for r in kb.documents() if r.doc_type in CHECKED_TYPES]
    passages = (p for record in records for p in kb.passages_of(record.document_id))
    return [
        {"key": p.key, "document_id": p.document_id, "title": p.title, "signals": signals,
         "excerpt": p.text[:EXCERPT_CHARS]}
        for p, signals in flagged_passages(passages)
    ]  # fmt: skip


@router.get("/changes/{source_id}")
async def changes(
    source_id: str, request: Request, language: Literal["nl", "en"] = "nl", old: str = "", new: str = ""
) -> dict[str, Any]:
    """What changed between two versions (document ids); by default the two newest."""
    kb = await run_in_threadpool(app_state(request).backend.kb)
    if old and new:  # ChangesError (not comparable): 422 (api/errors.py)
        result = await run_in_threadpool(changes_between, kb, old, new)
    else:
        result = await run_in_threadpool(latest_changes, kb, source_id, language)
    rules = rules_affected_by(result, load_rulebook())
    return {**result.model_dump(), "rules": [rule.model_dump() for rule in rules]}


@router.get("/rules/recheck")
async def rules_recheck(request: Request) -> dict[str, Any]:
    """Rules (and legal thresholds) resting on a provision that changed since the law version they were
    checked against (kb/assessment/_checked.yaml): what a manager must re-read after a law change."""
    kb = await run_in_threadpool(app_state(request).backend.kb)
    checked = load_checked()
    found = await run_in_threadpool(rules_to_recheck, kb, load_rulebook(), checked)
    return {"checked_on": checked.checked_on, "rules": [item.model_dump() for item in found]}


@router.post(
    UPLOAD_PREFIX.removeprefix("/api/admin"), status_code=202, dependencies=[Depends(rate_limited("uploads"))]
)
async def upload(request: Request, filename: str) -> dict[str, Any]:
    """Body: the PDF's bytes (Content-Type application/pdf). Answers the job to poll."""
    content = await request.body()
    if not content:
        raise ApiError(422, "empty_upload", "Het bestand is leeg: kies een PDF met tekst.", "body")
    job = await run_in_threadpool(app_state(request).jobs.submit, filename, content)  # UploadError: 422
    return job.model_dump()


@router.get("/jobs")
async def jobs(request: Request) -> dict[str, Any]:
    return {"jobs": [job.model_dump() for job in app_state(request).jobs.all()]}


@router.get("/jobs/{job_id}")
async def job(job_id: str, request: Request) -> dict[str, Any]:
    found = app_state(request).jobs.get(job_id)
    if found is None:
        raise ApiError(404, "unknown_job", f"Taak '{job_id}' bestaat niet (meer): start de upload opnieuw.")
    return found.model_dump()
