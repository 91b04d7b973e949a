"""What changed on the map between two knowledge-base builds: the cells whose verdict, provisions or cited
text changed — what a change in the law means for each pair of organisations.

The current build and the one before it are kept on disk (kb/builds.py); `engine_for_build` opens a kept build
with the same rules and embedder, so both maps are computed exactly as `ask` would have answered then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field

from bot.engine import Engine
from bot.matrix.compute import Cell, DeelMap
from bot.retrieval import HybridRetriever
from kb.builds import BUILDS_DIR, TMP_PREFIX, build_path, load_manifest
from kb.errors import KbError
from kb.local_kb import LocalKnowledgeBase


class CellChange(BaseModel):
    sender: str
    recipient: str
    old_verdict: str
    new_verdict: str
    added: list[str] = Field(
        default_factory=list, description="Provisions the new build's answer cites anew."
    )
    removed: list[str] = Field(default_factory=list, description="Provisions it no longer cites.")
    text_changed: list[str] = Field(
        default_factory=list, description="Provisions cited in both whose version or quoted text changed."
    )


class MapChanges(BaseModel):
    old_build: str
    new_build: str
    cells: int
    changed: list[CellChange]


def kept_builds(kb_dir: Path) -> list[str]:
    """The builds on disk, oldest first (build ids start with their UTC time)."""
    folder = kb_dir / BUILDS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(TMP_PREFIX))


def engine_for_build(engine: Engine, build_id: str) -> Engine:
    """An engine over the kept build `build_id`, with `engine`'s rules, embedder and settings."""
    if build_id == engine.kb.manifest.build_id:
        return engine
    settings = engine.settings
    folder = build_path(settings.kb_dir, build_id)
    if not folder.is_dir():
        kept = ", ".join(kept_builds(settings.kb_dir)) or "none"
        raise KbError(f"build '{build_id}' is not on disk (kept builds: {kept}); pick one of those")
    embedder = getattr(engine.kb, "_embedder", None)
    kb = LocalKnowledgeBase(settings, folder, load_manifest(folder), embedder)
    return Engine(settings, kb, engine.assessor, HybridRetriever(kb, settings.retrieval))


@contextmanager
def engine_at(engine: Engine, build_id: str) -> Iterator[Engine]:
    """`engine_for_build`, closing the kept build's store afterwards (its maps stay cached)."""
    other = engine_for_build(engine, build_id)
    try:
        yield other
    finally:
        close = getattr(other.kb, "close", None)
        if other is not engine and callable(close):
            close()


def diff_maps(old: DeelMap, new: DeelMap) -> MapChanges:
    """The cells of `new` that differ from the same cell of `old` (same request, same roles)."""
    if old.request != new.request:
        raise ValueError("compare maps of the same data category, purpose and circumstances")
    changed = []
    for cell in new.cells:
        before = old.cell(cell.sender, cell.recipient)
        both = [key for key in cell.keys if key in before.keys]
        texts = [key for key in both if _text_of(before, key) != _text_of(cell, key)]
        if before.verdict == cell.verdict and before.keys == cell.keys and not texts:
            continue
        changed.append(CellChange(
            sender=cell.sender, recipient=cell.recipient,
            old_verdict=before.verdict, new_verdict=cell.verdict,
            added=[key for key in cell.keys if key not in before.keys],
            removed=[key for key in before.keys if key not in cell.keys], text_changed=texts,
        ))  # fmt: skip
    return MapChanges(old_build=old.kb_build, new_build=new.kb_build, cells=len(new.cells), changed=changed)


def _text_of(cell: Cell, key: str) -> tuple[str, str]:
    return cell.versions.get(key, ""), cell.digests.get(key, "")
