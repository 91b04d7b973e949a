"""The ingest: files -> documents -> a new knowledge-base build, swapped in atomically.

A folder ingest (`--from DIR`) is the complete set: the corpus folder, the project's guidance notes and the
user's uploads (<data_dir>/uploads); what is no longer there is removed. A file ingest (`ingest FILE...`)
adds or replaces those documents and keeps everything else; its files are copied into the uploads folder
before the build, so every later folder ingest includes them. Files whose bytes and reader are unchanged
are not parsed again: their passages come from the build in service.

Ingests of one data dir run one at a time (a lock held from reading the build in service to putting the new
one in service): a folder ingest that starts while an upload is being ingested waits for it, and then keeps
the upload, instead of building from a state without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.discovery import Candidate, Ignored, explicit_files, scan_folder
from ingest.errors import NotASourceFile
from ingest.readers.catalog import all_readers, preference
from kb.builds import PASSAGES_FILE, BuildResult, build_path, current_manifest, write_build
from kb.dense_build import complete_dense
from kb.embedding import Embedder, preload
from kb.injection import flagged_passages
from kb.knowledge_base import BuildManifest, DocumentRecord
from kb.local_kb import load_passages
from kb.passages import Document, Passage
from kb.registry import GUIDANCE_DIR, Registry, load_registry
from kb.settings import Settings

CHUNKER_VERSION = "lid/1"
INGEST_LOCK = "ingest.lock"
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    result: BuildResult
    ignored: list[Ignored] = field(default_factory=list)
    skipped: list[NotASourceFile] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list, repr=False)  # (path, kept document id)
    parsed: int = 0
    reused: int = 0
    flagged: list[tuple[str, list[str]]] = field(default_factory=list)  # (key, signals) of new documents


@dataclass
class _Collected:
    documents: dict[str, Document] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)
    report_ignored: list[Ignored] = field(default_factory=list)
    report_skipped: list[NotASourceFile] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)
    parsed: int = 0
    reused: int = 0
    flagged: list[tuple[str, list[str]]] = field(default_factory=list)


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def ingest_folder(
    settings: Settings,
    embedder: Embedder,
    corpus_dir: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    defer_dense: bool = False,
) -> IngestReport:
    """Build from a corpus folder plus the guidance notes and uploads; the folder is the complete set.
    `defer_dense`: put the build in service without vectors (BM25 and rules answer at once); the vectors
    come with `complete_dense_index` (which `deelwijzer serve` runs in the background)."""
    readers = all_readers(settings.ingest.max_file_bytes)
    with ingest_lock(settings):
        previous = _Previous(settings)
        collected = _Collected()
        for folder in (corpus_dir, GUIDANCE_DIR, uploads_dir(settings)):
            if folder.is_dir():
                for item in scan_folder(folder, readers, settings.ingest.max_file_bytes):
                    parsed = _collect(item, collected, previous, load_registry())
                    if parsed is not None and not defer_dense:  # the model loads while the rest is read
                        preload(embedder, [p.embedding_text() for p in parsed.passages if p.status == "goed"])
        return _build(settings, embedder, collected, readers_names(readers), force, progress, defer_dense)


def ingest_files(
    settings: Settings,
    embedder: Embedder,
    files: Sequence[Path],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Add or replace the documents in `files`; keep every other document of the build in service.
    The files are copied into the uploads folder (before the build) so later folder ingests include them."""
    readers = all_readers(settings.ingest.max_file_bytes)
    candidates = explicit_files(files, readers, settings.ingest.max_file_bytes)
    with ingest_lock(settings):
        new = _Collected()
        for candidate in candidates:
            _collect(candidate, new, _Previous(None), load_registry(), strict=True)
        _keep_uploads(settings, [c.path for c in candidates if not _inside(c.path, uploads_dir(settings))])
        collected = _Previous(settings).as_collected()
        collected.documents.update(new.documents)
        collected.file_hashes.update(new.file_hashes)
        report = _build(settings, embedder, collected, readers_names(readers), force, progress)
    report.parsed = new.parsed
    report.flagged = new.flagged
    return report


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per data dir, waiting for a running one; the OS drops it when a process dies."""
    settings.kb_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with (settings.kb_dir / INGEST_LOCK).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def complete_dense_index(
    settings: Settings, embedder: Embedder, progress: Progress | None = None
) -> BuildManifest | None:
    """Embed the passages of a lexical-first build in service and swap in the complete build (waits for a
    running ingest first). None when there was nothing to complete."""
    with ingest_lock(settings):
        return complete_dense(settings, embedder, progress)


def readers_names(readers: Sequence[object]) -> list[str]:
    return sorted(getattr(reader, "name") for reader in readers)  # noqa: B009 - Protocol attribute


def _build(
    settings: Settings,
    embedder: Embedder,
    collected: _Collected,
    readers: list[str],
    force: bool,
    progress: Progress | None,
    defer_dense: bool = False,
) -> IngestReport:
    result = write_build(
        list(collected.documents.values()),
        settings=settings,
        embedder=embedder,
        file_hashes=collected.file_hashes,
        readers=readers,
        chunker_version=CHUNKER_VERSION,
        progress=progress,
        force=force,
        defer_dense=defer_dense,
    )
    return IngestReport(
        result=result,
        ignored=collected.report_ignored,
        skipped=collected.report_skipped,
        superseded=collected.superseded,
        parsed=collected.parsed,
        reused=collected.reused,
        flagged=collected.flagged,
    )


def _collect(
    item: Candidate | Ignored,
    collected: _Collected,
    previous: _Previous,
    registry: Registry,
    strict: bool = False,
) -> Document | None:
    """Add the document of `item` to `collected`, reused from the build in service when its file did not
    change; returns it when it was read anew."""
    if isinstance(item, Ignored):
        collected.report_ignored.append(item)
        return None
    digest = file_sha256(item.path)
    document = previous.reuse(digest, item.reader.name, item.path)
    if document is None:
        try:
            document = item.reader.read(item.path, registry)
        except NotASourceFile as skipped:
            if strict:
                raise
            collected.report_skipped.append(skipped)
            return None
        collected.parsed += 1
        collected.flagged += [(p.key, signals) for p, signals in flagged_passages(document.passages)]
        _add(collected, document, digest)
        return document
    collected.reused += 1
    _add(collected, document, digest)
    return None


def _add(collected: _Collected, document: Document, digest: str) -> None:
    """Keep one document per (source, language, version): the official format, then the fuller text."""
    existing = collected.documents.get(document.document_id)
    if existing is not None and _rank(existing) >= _rank(document):
        collected.superseded.append((document.path, existing.document_id))
        return
    if existing is not None:
        collected.superseded.append((existing.path, document.document_id))
    collected.documents[document.document_id] = document
    collected.file_hashes[document.path] = digest


def _rank(document: Document) -> tuple[int, int]:
    return preference(document.reader), len(document.passages)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Previous:
    """The build in service, as a source of already-parsed documents."""

    def __init__(self, settings: Settings | None) -> None:
        self.manifest: BuildManifest | None = current_manifest(settings.kb_dir) if settings else None
        self._settings = settings
        self._by_file = (
            {(r.file_sha256, r.reader): r for r in self.manifest.documents} if self.manifest else {}
        )
        self._passages: dict[str, list[Passage]] | None = None

    def reuse(self, digest: str, reader: str, path: Path) -> Document | None:
        record = self._by_file.get((digest, reader))
        if record is None:
            return None
        return _document(record, self._passages_by_document().get(record.document_id, []), str(path))

    def as_collected(self) -> _Collected:
        collected = _Collected()
        for record in self.manifest.documents if self.manifest else []:
            passages = self._passages_by_document().get(record.document_id, [])
            collected.documents[record.document_id] = _document(record, passages, record.path)
            collected.file_hashes[record.path] = record.file_sha256
        return collected

    def _passages_by_document(self) -> dict[str, list[Passage]]:
        if self._passages is None:
            self._passages = {}
            if self.manifest and self._settings:
                path = build_path(self._settings.kb_dir, self.manifest.build_id) / PASSAGES_FILE
                for passage in load_passages(path):
                    self._passages.setdefault(passage.document_id, []).append(passage)
        return self._passages


def _document(record: DocumentRecord, passages: list[Passage], path: str) -> Document:
    return Document(
        document_id=record.document_id,
        source_id=record.source_id,
        citation_name=record.citation_name,
        title=record.title,
        language=record.language,
        version_date=record.version_date,
        doc_type=record.doc_type,
        path=path,
        reader=record.reader,
        url=record.url,
        passages=passages,
    )


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _keep_uploads(settings: Settings, paths: list[Path]) -> None:
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        tmp = folder / f".{path.name}.tmp"
        shutil.copyfile(path, tmp)
        tmp.replace(folder / path.name)
