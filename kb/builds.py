"""The writer: turn documents into a complete build, then swap it into service atomically.

    kb/CURRENT                      build id in service (replaced with tmp + os.replace)
    kb/builds/<id>/manifest.json    what built it and what it holds (written last)
    kb/builds/<id>/passages.jsonl   every passage of every document, history included
    kb/builds/<id>/chroma/          embedded mode only; server mode uses collection `deelwijzer-<id>`
    kb/builds/<id>/bm25/            lexical index and its uid order

A build is written in `builds/.tmp-<id>`, renamed, then CURRENT is swapped: a crash at any point leaves
CURRENT on a complete build. Leftover tmp dirs go at the next build; builds older than the previous one go
after a successful swap.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from kb.build_plan import BuildPlan, SourcePlan, current_documents, plan_build
from kb.embedding import Embedder, Vectors, token_counts
from kb.errors import InvalidSourceError, KbError
from kb.knowledge_base import BuildManifest
from kb.lexical import LexicalIndex
from kb.passages import Document, Passage
from kb.settings import Settings
from kb.vector_store import (
    VectorStore,
    close_client,
    collection_name,
    delete_server_collections,
    embedded_client,
    server_client,
)

CURRENT_FILE = "CURRENT"
BUILDS_DIR = "builds"
MANIFEST_FILE = "manifest.json"
PASSAGES_FILE = "passages.jsonl"
CHROMA_DIR = "chroma"
BM25_DIR = "bm25"
TMP_PREFIX = ".tmp-"
LOCK_FILE = "build.lock"

Progress = Callable[[int, int], None]
# the plan types are re-exported: callers import the writer's whole API from here
__all__ = [
    "BuildPlan",
    "BuildResult",
    "SourcePlan",
    "build_path",
    "current_documents",
    "current_manifest",
    "embed_passages",
    "indexed_passages",
    "load_manifest",
    "plan_build",
    "read_current",
    "write_build",
    "write_vectors",
]


# --- layout -------------------------------------------------------------------------------------------


def read_current(kb_dir: Path) -> str | None:
    """The build id in service, or None when nothing was built yet."""
    path = kb_dir / CURRENT_FILE
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def build_path(kb_dir: Path, build_id: str) -> Path:
    return kb_dir / BUILDS_DIR / build_id


def load_manifest(build_dir: Path) -> BuildManifest:
    path = build_dir / MANIFEST_FILE
    if not path.is_file():
        raise KbError(f"{path}: build has no manifest; rebuild with `deelwijzer ingest --force`")
    return BuildManifest.model_validate_json(path.read_text(encoding="utf-8"))


def current_manifest(kb_dir: Path) -> BuildManifest | None:
    build_id = read_current(kb_dir)
    if build_id is None or not (build_path(kb_dir, build_id) / MANIFEST_FILE).is_file():
        return None
    return load_manifest(build_path(kb_dir, build_id))


class BuildResult(BaseModel):
    manifest: BuildManifest
    plan: BuildPlan
    written: bool = Field(description="False when nothing changed and the build in service was kept.")


def _nothing_changed(
    plan: BuildPlan,
    previous: BuildManifest | None,
    embedder: Embedder,
    chunker: str,
    readers: list[str],
    defer_dense: bool = False,
) -> bool:
    if previous is None or plan.changed_sources:
        return False
    if previous.dense_index == "pending" and not defer_dense:
        return False  # a full build was asked for: the lexical-first build in service gets its vectors
    same_embedder = (previous.embedder, previous.dimension) == (embedder.name, embedder.dimension)
    return (
        same_embedder and previous.chunker_version == chunker and sorted(previous.readers) == sorted(readers)
    )


# --- write --------------------------------------------------------------------------------------------


def write_build(
    documents: list[Document],
    *,
    settings: Settings,
    embedder: Embedder,
    file_hashes: dict[str, str],
    readers: list[str],
    chunker_version: str,
    progress: Progress | None = None,
    force: bool = False,
    today: str | None = None,
    defer_dense: bool = False,
) -> BuildResult:
    """Write a new build and put it in service; returns without writing when nothing changed (unless
    `force`). Only current passages with status 'goed' are embedded and indexed; history is only stored.
    With `defer_dense` the build goes into service without vectors (manifest `dense_index` 'pending':
    passages and BM25 answer at once); kb/dense_build.py `complete_dense` adds them later."""
    if not documents:
        raise KbError(
            "write_build: no documents to build; check the corpus folder passed to `deelwijzer ingest`"
        )
    passages = _checked_passages(documents)
    kb_dir = settings.kb_dir
    kb_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(kb_dir):
        previous = current_manifest(kb_dir)
        plan = plan_build(documents, previous, file_hashes, today=today)
        if (
            previous is not None
            and not force
            and _nothing_changed(plan, previous, embedder, chunker_version, readers, defer_dense)
        ):
            return BuildResult(manifest=previous, plan=plan, written=False)
        remove_leftovers(kb_dir)
        manifest = _new_manifest(plan, embedder, chunker_version, readers)
        if defer_dense:
            manifest.dense_index = "pending"
        _write_build_dir(kb_dir, manifest, passages, settings, embedder, progress)
        swap_current(kb_dir, manifest.build_id)
        prune(kb_dir, settings, keep={manifest.build_id, *([previous.build_id] if previous else [])})
    return BuildResult(manifest=manifest, plan=plan, written=True)


def _checked_passages(documents: list[Document]) -> list[Passage]:
    """Every passage, tagged with its document id; refuses duplicate documents and keys, mixed origins."""
    seen_docs: dict[str, str] = {}
    seen_uids: set[str] = set()
    passages: list[Passage] = []
    for doc in documents:
        where = doc.path or doc.document_id
        if doc.document_id in seen_docs:
            raise KbError(
                f"document '{doc.document_id}' was read twice ({seen_docs[doc.document_id]} and {where}); "
                "remove one file or give the versions different dates"
            )
        seen_docs[doc.document_id] = where
        for passage in doc.passages:
            passages.append(_tagged(passage, doc, where, seen_uids))
    return passages


def _tagged(passage: Passage, doc: Document, where: str, seen_uids: set[str]) -> Passage:
    origin = (passage.source_id, passage.language, passage.version_date)
    if origin != (doc.source_id, doc.language, doc.version_date):
        raise InvalidSourceError(
            where,
            f"passage '{passage.key}' says it is from {origin}, its document from "
            f"{(doc.source_id, doc.language, doc.version_date)}",
            "the reader must copy the document's origin",
        )
    if passage.uid in seen_uids:
        raise InvalidSourceError(
            where, f"the key '{passage.key}' occurs twice", "every passage needs its own key"
        )
    seen_uids.add(passage.uid)
    return passage if passage.document_id else passage.model_copy(update={"document_id": doc.document_id})


def _new_manifest(
    plan: BuildPlan, embedder: Embedder, chunker_version: str, readers: list[str]
) -> BuildManifest:
    build_id, created = new_build_id()
    return BuildManifest(
        build_id=build_id,
        created=created,
        embedder=embedder.name,
        dimension=embedder.dimension,
        chunker_version=chunker_version,
        readers=sorted(readers),
        documents=plan.records,
    )


def new_build_id() -> tuple[str, str]:
    """A fresh build id (sortable by time) and its creation time."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}Z-{secrets.token_hex(4)}", now.isoformat(timespec="seconds")


def _write_build_dir(
    kb_dir: Path,
    manifest: BuildManifest,
    passages: list[Passage],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None,
) -> None:
    tmp = kb_dir / BUILDS_DIR / f"{TMP_PREFIX}{manifest.build_id}"
    tmp.mkdir(parents=True)
    write_durable(tmp / PASSAGES_FILE, "".join(p.model_dump_json() + "\n" for p in passages))
    indexed = indexed_passages(passages, manifest)
    LexicalIndex.build([p.uid for p in indexed], [p.embedding_text() for p in indexed]).save(tmp / BM25_DIR)
    if manifest.dense_index == "complete":
        vectors = embed_passages(indexed, embedder, settings.embedding.batch_size, progress)
        write_vectors(tmp, manifest, indexed, vectors, settings)
    write_durable(tmp / MANIFEST_FILE, manifest.model_dump_json(indent=1))
    tmp.rename(build_path(kb_dir, manifest.build_id))


def indexed_passages(passages: list[Passage], manifest: BuildManifest) -> list[Passage]:
    """The passages that go into the vector and BM25 indexes: current documents, status 'goed'."""
    current = {r.document_id for r in manifest.documents if r.current}
    return [p for p in passages if p.document_id in current and p.status == "goed"]


def embed_passages(
    passages: list[Passage], embedder: Embedder, batch: int, progress: Progress | None
) -> Vectors:
    """Embed each distinct text once, in order of token count (characters when the embedder cannot
    count), so each batch pads to similar lengths (≈3× faster than document order on CPU; tokens waste
    ~12% less on padding than characters), and return the vectors in the passages' own order."""
    texts = [p.embedding_text() for p in passages]
    distinct = list(dict.fromkeys(texts))
    counts = token_counts(embedder, distinct)
    order = sorted(range(len(distinct)), key=lambda i: (counts[i], len(distinct[i])))
    vectors = np.zeros((len(distinct), embedder.dimension), dtype=np.float32)
    for start in range(0, len(order), batch):
        positions = order[start : start + batch]
        embedded = np.asarray(embedder.embed_passages([distinct[i] for i in positions]), dtype=np.float32)
        if embedded.shape != (len(positions), embedder.dimension):
            raise KbError(
                f"embedder '{embedder.name}' returned shape {embedded.shape} for {len(positions)} texts; "
                f"expected ({len(positions)}, {embedder.dimension}): check the embedding.model setting"
            )
        vectors[positions] = embedded
        if progress is not None:
            progress(min(start + batch, len(order)), len(order))
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def write_vectors(
    build_dir: Path, manifest: BuildManifest, indexed: list[Passage], vectors: Vectors, settings: Settings
) -> None:
    embedded = settings.store.mode == "embedded"
    client = embedded_client(build_dir / CHROMA_DIR) if embedded else server_client(settings)
    try:
        store = VectorStore.create(
            client, collection_name(settings, manifest.build_id), _collection_metadata(manifest)
        )
        store.add(indexed, vectors)
    finally:
        if embedded:
            close_client(client)


def _collection_metadata(manifest: BuildManifest) -> dict[str, str | int | float | bool]:
    return {
        "build_id": manifest.build_id,
        "embedder": manifest.embedder,
        "dimension": manifest.dimension,
        "chunker_version": manifest.chunker_version,
        "readers": ",".join(manifest.readers),
    }


# --- swap and clean -----------------------------------------------------------------------------------


def write_durable(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def swap_current(kb_dir: Path, build_id: str) -> None:
    tmp = kb_dir / f"{CURRENT_FILE}{TMP_PREFIX}{build_id}"
    write_durable(tmp, build_id + "\n")
    os.replace(tmp, kb_dir / CURRENT_FILE)
    with contextlib.suppress(OSError):  # directory fsync is not available everywhere
        fd = os.open(kb_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(kb_dir: Path) -> None:
    """Tmp dirs and CURRENT tmp files of builds that crashed."""
    for path in (kb_dir / BUILDS_DIR).glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in kb_dir.glob(f"{CURRENT_FILE}{TMP_PREFIX}*"):
        path.unlink(missing_ok=True)


def prune(kb_dir: Path, settings: Settings, keep: set[str]) -> None:
    """Delete builds (and server collections) other than the new and the previous one."""
    for path in (kb_dir / BUILDS_DIR).iterdir():
        if path.is_dir() and not path.name.startswith(TMP_PREFIX) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    if settings.store.mode == "server":
        delete_server_collections(server_client(settings), {collection_name(settings, b) for b in keep})


@contextlib.contextmanager
def build_lock(kb_dir: Path) -> Iterator[None]:
    """One build at a time per kb dir; the OS drops the lock when the process dies."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with (kb_dir / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KbError(f"{kb_dir}: another build is running; wait for it to finish") from exc
        yield
