"""De Deelkaart: `GET /api/matrix` (JSON, or `format=csv|pdf`), `GET /api/matrix/cell` (the full answer behind
one cell, as POST /api/ask gives it), `GET /api/matrix/changes` (cells that changed between two kept builds),
and the organisation's own agreements: added and removed behind the Beheer token
(`POST /api/admin/matrix/agreements`, `DELETE /api/admin/matrix/agreements/{id}`), shown with every map."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.api.deps import answer_question, app_state
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.api.security import require_admin
from bot.api.state import AppState
from bot.matrix import agreements as store
from bot.matrix.axes import MapRequest, chain_roles, check_request
from bot.matrix.changes import MapChanges, diff_maps, engine_at, kept_builds
from bot.matrix.compute import DeelMap, MapEngine, compute_map
from bot.matrix.export import to_csv, to_json, to_pdf
from kb.errors import KbError

router = APIRouter(dependencies=[Depends(rate_limited("asks"))])
admin = APIRouter(prefix="/api/admin/matrix", dependencies=[Depends(require_admin)])


def map_request(
    data: Annotated[str, Query(description="Data category id (GET /api/facts, fact 'data').")],
    purpose: Annotated[str, Query(description="Purpose id (GET /api/facts, fact 'purposes').")],
    minor: bool = False,
    consent: Literal["", "given", "refused"] = "",
    urgent: bool = False,
    partnership: Literal["", "riec", "zvh", "overleg"] = "",
) -> MapRequest:
    return MapRequest(
        data=data, purpose=purpose, minor=minor, consent=consent, urgent=urgent, partnership=partnership
    )


Requested = Annotated[MapRequest, Depends(map_request)]


async def map_engine(state: AppState) -> MapEngine:
    engine = await run_in_threadpool(state.backend.engine)
    if not all(hasattr(engine, name) for name in ("assessor", "retriever", "kb")):
        raise ApiError(
            503, "no_rules", "De Deelkaart heeft de regels en de kennisbank nodig; die zijn niet geladen."
        )
    return cast(MapEngine, engine)


def agreement_store(request: Request) -> store.AgreementStore:
    """One store per app, in the data dir (created on first use)."""
    found: store.AgreementStore | None = getattr(request.app.state, "matrix_agreements", None)
    if found is None:
        found = store.AgreementStore(app_state(request).settings.data_dir / store.FILE)
        request.app.state.matrix_agreements = found
    return found


async def _map(request: Request, wanted: MapRequest) -> DeelMap:
    state = app_state(request)
    engine = await map_engine(state)
    check_request(wanted, engine.assessor.vocabulary)
    return await state.run_heavy(compute_map, engine, wanted)


@router.get("/api/matrix", response_model=None)
async def matrix(
    request: Request, wanted: Requested, format: Literal["json", "csv", "pdf"] = "json"
) -> dict[str, Any] | Response:
    """Senders x recipients (vocabulary ids) for one data category and purpose: `cells` of {sender,
    recipient, verdict, keys, status, ...}, the coverage, the build, and the agreements on the cells."""
    deelkaart = await _map(request, wanted)
    own = await run_in_threadpool(agreement_store(request).for_map, wanted.data, wanted.purpose)
    name = f"deelkaart-{wanted.data}-{wanted.purpose}"
    if format == "csv":
        return _attachment(to_csv(deelkaart, own).encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv")
    if format == "pdf":
        pdf = await app_state(request).run_heavy(to_pdf, deelkaart, own)
        return _attachment(pdf, "application/pdf", f"{name}.pdf")
    return to_json(deelkaart, own)


@router.get("/api/matrix/cell")
async def cell(request: Request, wanted: Requested, sender: str, recipient: str) -> dict[str, Any]:
    """The full answer for one cell: POST /api/ask with the cell's facts (and a record token)."""
    state = app_state(request)
    engine = await map_engine(state)
    roles = chain_roles(engine.assessor.vocabulary)
    for field, value in (("sender", sender), ("recipient", recipient)):
        if value not in roles:
            raise ApiError(
                422,
                "invalid",
                f"Veld '{field}' heeft een onbekende waarde {value!r}; kies een rol van de kaart.",
                field,
            )
    check_request(wanted, engine.assessor.vocabulary)
    facts = wanted.facts(sender, recipient)
    answer = await answer_question(state, "", [], "", facts)
    return {**answer.model_dump(), "facts": facts, "record_token": state.record_tokens.issue("", answer)}


@router.get("/api/matrix/changes")
async def changes(request: Request, wanted: Requested, old: str = "", new: str = "") -> dict[str, Any]:
    """The cells whose verdict, provisions or cited text differ between build `old` (default: the one before
    the current) and `new` (default: the current); `builds` lists the kept builds."""
    state = app_state(request)
    engine = await map_engine(state)
    check_request(wanted, engine.assessor.vocabulary)
    builds = kept_builds(getattr(engine, "settings", state.settings).kb_dir)  # where the engine's builds are
    current = engine.kb.manifest.build_id
    earlier = [build for build in builds if build < current]
    old = old or (earlier[-1] if earlier else "")
    if not old:  # a normal state after the first ingest, not an error
        note = "Er is geen eerdere build bewaard om mee te vergelijken."
        return {
            "old_build": "",
            "new_build": current,
            "cells": 0,
            "changed": [],
            "builds": builds,
            "note": note,
        }
    result = await state.run_heavy(_changes, engine, wanted, old, new or current)
    return {**result.model_dump(), "builds": builds, "note": ""}


def _changes(engine: Any, wanted: MapRequest, old: str, new: str) -> MapChanges:
    return diff_maps(_map_of_build(engine, wanted, old), _map_of_build(engine, wanted, new))


def _map_of_build(engine: Any, wanted: MapRequest, build: str) -> DeelMap:
    try:
        with engine_at(engine, build) as other:
            return compute_map(other, wanted)
    except KbError as exc:  # here a KbError means the build asked for is not kept: the route knows that
        raise ApiError(404, "unknown_build", str(exc), "old") from None


@admin.post("/agreements", status_code=201)
async def add_agreement(body: store.AgreementIn, request: Request) -> dict[str, Any]:
    engine = await map_engine(app_state(request))
    vocab = engine.assessor.vocabulary
    checked = store.check_agreement(
        body, set(chain_roles(vocab)), set(vocab.slot("data").entries), set(vocab.slot("purposes").entries)
    )
    added = await run_in_threadpool(agreement_store(request).add, checked)
    return added.model_dump()


@admin.delete("/agreements/{agreement_id}")
async def delete_agreement(agreement_id: int, request: Request) -> dict[str, Any]:
    if not await run_in_threadpool(agreement_store(request).delete, agreement_id):
        raise ApiError(404, "unknown_agreement", f"Afspraak {agreement_id} bestaat niet (meer).", "id")
    return {"deleted": agreement_id}


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


router.include_router(admin)  # one router for app.py; the Beheer routes keep their token check
