"""Beheer (Bearer token): feedback, unsettled questions, what changed between versions, PDF uploads
ingested in the background, and their progress."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from bot.api.errors import ApiError
from bot.api.routes_ask import app_state
from bot.api.security import UPLOAD_PREFIX, require_admin
from bot.changes import ChangesError, changes_between, latest_changes
from bot.feedback import REASONS
from bot.jobs import UploadError

router = APIRouter(prefix="/api/admin", dependencies=[Depends(require_admin)])


@router.get("/feedback")
async def feedback(
    request: Request, rating: str = "", reason: str = "", verdict: str = "", limit: int = 200
) -> dict[str, Any]:
    if reason and reason not in REASONS:
        message = f"Onbekende reden '{reason}': kies uit {', '.join(REASONS)}."
        raise ApiError(422, "invalid", message, "reason")
    store = app_state(request).feedback
    entries = await run_in_threadpool(store.entries, rating or None, reason or None, verdict or None, limit)
    return {"entries": [entry.model_dump() for entry in entries]}


@router.get("/unanswered")
async def unanswered(request: Request, limit: int = 20) -> dict[str, Any]:
    """Questions answered hangt_af / buiten_bereik most often (scrubbed, normalised, counts only)."""
    top = await run_in_threadpool(app_state(request).feedback.top_unanswered, limit)
    return {"questions": [item.model_dump() for item in top]}


@router.get("/changes/{source_id}")
async def changes(
    source_id: str, request: Request, language: str = "nl", old: str = "", new: str = ""
) -> dict[str, Any]:
    """What changed between two versions (document ids); by default the two newest."""
    kb = await run_in_threadpool(app_state(request).backend.kb)
    try:
        if old and new:
            result = await run_in_threadpool(changes_between, kb, old, new)
        else:
            result = await run_in_threadpool(latest_changes, kb, source_id, language)
    except ChangesError as exc:
        raise ApiError(422, "not_comparable", str(exc), "source_id") from None
    return result.model_dump()


@router.post(UPLOAD_PREFIX.removeprefix("/api/admin"), status_code=202)
async def upload(request: Request, filename: str) -> dict[str, Any]:
    """Body: the PDF's bytes (Content-Type application/pdf). Answers the job to poll."""
    content = await request.body()
    if not content:
        raise ApiError(422, "empty_upload", "Het bestand is leeg: kies een PDF met tekst.", "body")
    try:
        job = await run_in_threadpool(app_state(request).jobs.submit, filename, content)
    except UploadError as exc:
        raise ApiError(422, "not_a_pdf", str(exc), "filename") from None
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
