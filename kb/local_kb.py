"""The reader: the build in service (kb/CURRENT) as a `KnowledgeBase`. Opening loads passages.jsonl and the
BM25 index into memory and connects to the vector collection; nothing is rebuilt."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
from chromadb.api import ClientAPI

from kb.builds import BM25_DIR, CHROMA_DIR, PASSAGES_FILE, build_path, load_manifest, read_current
from kb.citations import CitationKey, parse_key
from kb.embedding import Embedder
from kb.errors import EmbedderMismatchError, KbError, NoKnowledgeBaseError
from kb.knowledge_base import BuildManifest, DocumentRecord, Filters
from kb.lexical import LexicalIndex
from kb.passages import Passage
from kb.registry import load_registry
from kb.settings import Settings
from kb.vector_store import VectorStore, close_client, collection_name, embedded_client, server_client

#: Passages of one (source name, language): version date -> normalised key -> passage.
_Versions = dict[str, dict[str, Passage]]


def open_knowledge_base(settings: Settings, embedder: Embedder | None) -> LocalKnowledgeBase:
    """The build in service; NoKnowledgeBaseError before the first ingest, EmbedderMismatchError when the
    build was made by another embedder than `embedder`. Without an embedder (kb show, stats) everything
    but dense_search works."""
    kb_dir = settings.kb_dir
    build_id = read_current(kb_dir)
    if build_id is None or not build_path(kb_dir, build_id).is_dir():
        found = f"CURRENT names build '{build_id}', which is missing" if build_id else "nothing ingested yet"
        raise NoKnowledgeBaseError(
            f"no knowledge base in {kb_dir} ({found}): run `deelwijzer ingest --from DIR` first"
        )
    build_dir = build_path(kb_dir, build_id)
    manifest = load_manifest(build_dir)
    if embedder is not None:
        check_embedder(manifest, embedder)
    return LocalKnowledgeBase(settings, build_dir, manifest, embedder)


def check_embedder(manifest: BuildManifest, embedder: Embedder, what: str = "was built with") -> None:
    """EmbedderMismatchError when `manifest` was (or is to be) embedded by another model than `embedder`."""
    if (manifest.embedder, manifest.dimension) != (embedder.name, embedder.dimension):
        raise EmbedderMismatchError(
            f"knowledge base {manifest.build_id} {what} embedder '{manifest.embedder}' "
            f"({manifest.dimension}-d), but the configured embedder is '{embedder.name}' "
            f"({embedder.dimension}-d): "
            f"rebuild with `deelwijzer ingest --force`, or set embedding.model back to '{manifest.embedder}'"
        )


def load_passages(path: Path) -> list[Passage]:
    with path.open(encoding="utf-8") as handle:
        return [Passage.model_validate_json(line) for line in handle if line.strip()]


class LocalKnowledgeBase:
    """Implements kb.knowledge_base.KnowledgeBase over one build on disk (vectors embedded or on a server)."""

    def __init__(
        self, settings: Settings, build_dir: Path, manifest: BuildManifest, embedder: Embedder | None
    ) -> None:
        self.manifest = manifest
        self._kb_dir = settings.kb_dir
        self._embedder = embedder
        self._all = load_passages(build_dir / PASSAGES_FILE)
        self._by_uid = {p.uid: p for p in self._all}
        self._current_docs = {r.document_id for r in manifest.documents if r.current}
        self._keys = _KeyIndex(self._all, manifest.documents)
        self._lexical = LexicalIndex.load(build_dir / BM25_DIR)
        self._client: ClientAPI | None = None
        self._vectors: VectorStore | None = None
        if self.dense_ready:
            self._client, self._vectors = _open_vectors(settings, build_dir, manifest.build_id)

    @property
    def dense_ready(self) -> bool:
        """False for a lexical-first build whose vectors are still being embedded: search is BM25 only."""
        return self.manifest.dense_index == "complete"

    @property
    def build_id(self) -> str:
        return self.manifest.build_id

    def is_current(self) -> bool:
        """False once another build was swapped in: reopen to see it."""
        return read_current(self._kb_dir) == self.build_id

    def close(self) -> None:
        if self._client is not None:
            close_client(self._client)

    # --- by key ---------------------------------------------------------------------------------------

    def get(self, key: str, language: str = "nl", version_date: str | None = None) -> Passage | None:
        """The passage holding `key`: a sub key gives its lid, a missing lid the article without leden.
        Current version, or the one in force on `version_date`; other language as fallback.
        Raises CitationKeyError when `key` is not a citation key."""
        return self._keys.find(parse_key(key), language, version_date)

    def article(self, key: str, language: str = "nl", version_date: str | None = None) -> list[Passage]:
        """Every passage (lid) of the article `key` names, in order; [] when there is none."""
        return self._keys.find_article(parse_key(key), language, version_date)

    def versions(self, source_id: str) -> list[str]:
        """Version dates stored for a source (any language), oldest first."""
        return sorted({r.version_date for r in self.manifest.documents if r.source_id == source_id})

    def documents(self) -> list[DocumentRecord]:
        return list(self.manifest.documents)

    def passages_of(self, document_id: str) -> list[Passage]:
        return [p for p in self._all if p.document_id == document_id]

    def passages(self, *, current_only: bool = True) -> Iterator[Passage]:
        return (p for p in self._all if not current_only or p.document_id in self._current_docs)

    # --- search ---------------------------------------------------------------------------------------

    def dense_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[Passage, float]]:
        """Best `k` by embedding similarity; [] while the build's dense index is pending (`dense_ready`)."""
        if self._embedder is None:
            raise KbError("dense_search needs an embedder: open the knowledge base with one")
        if self._vectors is None:
            return []
        vector = self._embedder.embed_query(query)
        return self._resolve(self._vectors.query(vector, k, filters))

    def lexical_search(
        self, query: str, k: int, filters: Filters | None = None
    ) -> list[tuple[Passage, float]]:
        return self._resolve(self._lexical.search(query, k, self._mask(filters)))

    def _resolve(self, hits: list[tuple[str, float]]) -> list[tuple[Passage, float]]:
        return [(self._by_uid[uid], score) for uid, score in hits if uid in self._by_uid]

    def _mask(self, filters: Filters | None) -> npt.NDArray[np.bool_] | None:
        if filters is None or not (filters.source_ids or filters.languages or filters.doc_types):
            return None
        return np.fromiter((_matches(self._by_uid[uid], filters) for uid in self._lexical.uids), dtype=bool)


def _matches(passage: Passage, filters: Filters) -> bool:
    return (
        (not filters.source_ids or passage.source_id in filters.source_ids)
        and (not filters.languages or passage.language in filters.languages)
        and (not filters.doc_types or passage.doc_type in filters.doc_types)
    )


def _open_vectors(settings: Settings, build_dir: Path, build_id: str) -> tuple[ClientAPI, VectorStore]:
    name = collection_name(settings, build_id)
    chroma_dir = build_dir / CHROMA_DIR
    if settings.store.mode == "embedded":
        if not chroma_dir.is_dir():
            raise KbError(
                f"{build_dir}: build {build_id} keeps its vectors on a chroma server (no {CHROMA_DIR}/ dir) "
                "but store.mode is 'embedded': set store.mode = 'server' or rebuild with "
                "`deelwijzer ingest --force`"
            )
        client = embedded_client(chroma_dir)
    else:
        client = server_client(settings)
    try:
        return client, VectorStore.open(client, name)
    except Exception as exc:  # chromadb raises NotFoundError / ValueError depending on the backend
        close_client(client)
        where = (
            chroma_dir
            if settings.store.mode == "embedded"
            else f"{settings.store.chroma_host}:{settings.store.chroma_port}"
        )
        raise KbError(
            f"{where}: vector collection '{name}' of build {build_id} cannot be opened ({exc}); "
            "rebuild with `deelwijzer ingest --force`"
        ) from exc


class _KeyIndex:
    """Passages by (source name, language) and version, keyed by their normalised citation key."""

    def __init__(self, passages: list[Passage], records: list[DocumentRecord]) -> None:
        self._table: dict[tuple[str, str], _Versions] = {}
        self._current: dict[tuple[str, str], str] = {}
        self._languages = sorted({r.language for r in records})
        for passage in passages:
            self._add(passage)
        for record in records:
            if record.current:
                for name in (record.citation_name.casefold(), record.source_id.casefold()):
                    self._current[(name, record.language)] = record.version_date

    def _add(self, passage: Passage) -> None:
        try:
            normalised = _normalise(parse_key(passage.key))
        except KbError:
            return  # not a citation key: reachable by uid and search, not by get()
        for name in {passage.citation_name.casefold(), passage.source_id.casefold()}:
            versions = self._table.setdefault((name, passage.language), {})
            versions.setdefault(passage.version_date, {})[normalised] = passage

    def find(self, key: CitationKey, language: str, version_date: str | None) -> Passage | None:
        languages = [language, *(lang for lang in self._languages if lang != language)]
        for name in _source_names(key.source):
            for lang in languages:
                found = self._find_in(name, lang, key, version_date)
                if found is not None:
                    return found
        return None

    def find_article(self, key: CitationKey, language: str, version_date: str | None) -> list[Passage]:
        languages = [language, *(lang for lang in self._languages if lang != language)]
        for name in _source_names(key.source):
            for lang in languages:
                table = self._table_for(name, lang, version_date)
                found = [
                    p
                    for p in table.values()
                    if key.article and p.article.casefold() == key.article.casefold()
                ]
                if found:
                    return sorted(found, key=lambda p: (_lid_order(p.lid), p.lid))
        return []

    def _table_for(self, name: str, language: str, version_date: str | None) -> dict[str, Passage]:
        versions = self._table.get((name, language), {})
        if version_date is None:
            date = self._current.get((name, language))
        else:
            date = max((d for d in versions if d <= version_date), default=None)
        return versions.get(date, {}) if date else {}

    def _find_in(
        self, name: str, language: str, key: CitationKey, version_date: str | None
    ) -> Passage | None:
        table = self._table_for(name, language, version_date)
        for candidate in _candidates(key):
            if candidate in table:
                return table[candidate]
        return None


def _lid_order(lid: str) -> int:
    digits = "".join(ch for ch in lid if ch.isdigit())
    return int(digits) if digits else 0


def _normalise(key: CitationKey) -> str:
    return str(dataclasses.replace(key, source="")).strip().casefold()


def _candidates(key: CitationKey) -> list[str]:
    """The lid passage first (sub-items live inside it), then the article when it has no leden."""
    lid_level = dataclasses.replace(key, sub="")
    candidates = [_normalise(lid_level)]
    if key.lid:
        candidates.append(_normalise(dataclasses.replace(lid_level, lid="")))
    return candidates


def _source_names(source: str) -> list[str]:
    """The name as written, then the registered source it is an alias of ('GDPR' -> 'avg')."""
    names = [" ".join(source.split()).casefold()]
    registered = load_registry().by_name(source)
    if registered is not None:
        names += [registered.name.casefold(), registered.id.casefold()]
    return list(dict.fromkeys(names))
