"""`GET /api/facts`: the facts a user can set (the `facts` field of /api/ask and /api/chat) and the values to
pick from, with labels from kb/vocabulary — the lists behind the chips and the guided mode."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from bot.fact_inputs import fact_options
from bot.vocabulary import load_vocabulary

router = APIRouter()


@router.get("/api/facts")
def facts(language: Literal["nl", "en"] = "nl") -> dict[str, Any]:
    """Every fact: id, label, kind (one, many, age, bool) and options (value, label)."""
    return {"facts": fact_options(load_vocabulary(), language)}
