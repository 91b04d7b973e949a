"""Beheer → Convenant toetsen: `POST /api/covenants/check` (body: the PDF's bytes).

The report is computed in memory and returned; nothing of the uploaded file is stored. The web app keeps the
file in the browser and posts it again for the Markdown or PDF export (`format=markdown|pdf`), so an exported
report is always one the server computed."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.api.deps import app_state
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.api.security import require_admin
from bot.assessment import Assessor
from bot.covenant.check import CovenantChecker, KeyStore
from bot.covenant.report import CovenantReport, report_markdown, report_pdf

router = APIRouter(prefix="/api/covenants", dependencies=[Depends(require_admin)])
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


@lru_cache(maxsize=1)
def _assessor() -> Assessor:
    return Assessor()


def _check(store: KeyStore, data: bytes, name: str) -> CovenantReport:
    return CovenantChecker(store, _assessor()).check(data, name)


@router.post("/check", dependencies=[Depends(rate_limited("uploads"))], response_model=None)
async def check(
    request: Request, filename: str = "convenant.pdf", format: Literal["json", "markdown", "pdf"] = "json"
) -> CovenantReport | Response:
    """Body: the covenant PDF (Content-Type application/pdf). Answers the report as JSON
    (`{"items": [...], "parties": [...]}`), or as Markdown or PDF to save."""
    name = _SAFE_NAME.sub("_", filename)[:120] or "convenant.pdf"
    content = await request.body()
    if not content:
        raise ApiError(422, "empty_upload", "Het bestand is leeg: kies een PDF met tekst.", "body")
    store = await run_in_threadpool(app_state(request).backend.kb)
    report = await run_in_threadpool(_check, store, content, name)  # CovenantFileError: 422 (api/errors.py)
    if format == "json":
        return report
    stem = name.rsplit(".", 1)[0]
    if format == "markdown":
        return Response(report_markdown(report, name), media_type="text/markdown; charset=utf-8",
                        headers=_attachment(f"toets-{stem}.md"))  # fmt: skip
    pdf = await run_in_threadpool(report_pdf, report, name)
    return Response(pdf, media_type="application/pdf", headers=_attachment(f"toets-{stem}.pdf"))


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}
