"""Test doubles for the store tests: a deterministic bag-of-words embedder (SHA-256 seeded) and hand-made
documents (2 sources, 2 languages, 3 versions of one source). The texts are written for these tests, not
copied from the corpus."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

from kb.builds import BuildResult, write_build
from kb.embedding import Embedder, Vectors
from kb.lexical import tokenize
from kb.passages import Document, Passage, make_document_id
from kb.settings import EmbeddingSettings, Settings, StoreSettings


class HashEmbedder:
    """Fake embedder for tests about the store, not about embeddings: each token gets a SHA-256-seeded
    random vector; a text is the normalised sum of its tokens', so texts sharing words are close."""

    def __init__(self, name: str = "hash-bow", dimension: int = 256) -> None:
        self.name = name
        self.dimension = dimension
        self.calls = 0

    def embed_passages(self, texts: list[str]) -> Vectors:
        self.calls += 1
        return np.stack([self._embed(text) for text in texts]) if texts else np.zeros((0, self.dimension))

    def embed_query(self, text: str) -> Vectors:
        return self._embed(text)

    def _embed(self, text: str) -> Vectors:
        total = np.zeros(self.dimension, dtype=np.float32)
        for token in tokenize(text) or [text]:
            seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "big")
            total += np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        return total / (np.linalg.norm(total) or 1.0)


class SlowHashEmbedder(HashEmbedder):
    """Sleeps per batch, so a test can kill a build mid-embedding."""

    def __init__(self, delay: float, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.delay = delay

    def embed_passages(self, texts: list[str]) -> Vectors:
        time.sleep(self.delay)
        return super().embed_passages(texts)


SOURCES = {
    "avg": ("AVG", "verordening", 1),
    "wpg": ("Wpg", "wet", 2),
}


def passage(source_id: str, language: str, version: str, key: str, text: str, **fields: object) -> Passage:
    name, doc_type, authority = SOURCES[source_id]
    return Passage(
        key=key,
        source_id=source_id,
        citation_name=name,
        language=language,
        version_date=version,
        text=text,
        doc_type=doc_type,
        authority=authority,
        **fields,  # type: ignore[arg-type]
    )


def document(source_id: str, language: str, version: str, passages: list[Passage]) -> Document:
    name, doc_type, _ = SOURCES[source_id]
    return Document(
        document_id=make_document_id(source_id, language, version),
        source_id=source_id,
        citation_name=name,
        title=f"{name} ({language}, {version})",
        language=language,
        version_date=version,
        doc_type=doc_type,
        path=f"/corpus/{source_id}-{language}-{version}.xml",
        reader="hand-made/1",
        passages=passages,
    )


def avg_nl(art9: str = "Verwerking van gezondheidsgegevens en etnische afkomst is verboden.") -> Document:
    v = "2018-05-23"
    return document(
        "avg",
        "nl",
        v,
        [
            passage(
                "avg",
                "nl",
                v,
                "AVG art. 6 lid 1",
                "De verwerking is alleen rechtmatig indien: a) toestemming is gegeven; "
                "e) de verwerking noodzakelijk is voor een taak van algemeen belang.",
                article="6",
                lid="1",
                subs={
                    "a": "toestemming is gegeven",
                    "e": "noodzakelijk is voor een taak van algemeen belang",
                },
            ),
            passage("avg", "nl", v, "AVG art. 9 lid 1", art9, article="9", lid="1"),
            passage(
                "avg",
                "nl",
                v,
                "AVG overweging 43",
                "Toestemming is geen geldige grond bij ongelijkheid.",
                recital="43",
            ),
        ],
    )


def avg_en() -> Document:
    v = "2018-05-23"
    return document(
        "avg",
        "en",
        v,
        [
            passage(
                "avg",
                "en",
                v,
                "AVG art. 6 lid 1",
                "Processing shall be lawful only if: a) the data subject has given consent.",
                article="6",
                lid="1",
            ),
            passage(
                "avg",
                "en",
                v,
                "AVG art. 94 lid 1",
                "Directive 95/46/EC is repealed with effect from 25 May 2018.",
                article="94",
                lid="1",
            ),
        ],
    )


def wpg(version: str, art20: str, *, withdrawn: bool = False) -> Document:
    passages = [
        passage("wpg", "nl", version, "Wpg art. 20 lid 1", art20, article="20", lid="1"),
        passage(
            "wpg", "nl", version, "Wpg art. 4a", "Politiegegevens worden zorgvuldig bewaard.", article="4a"
        ),
    ]
    if withdrawn:
        passages.append(
            passage(
                "wpg",
                "nl",
                version,
                "Wpg art. 7",
                "[Vervallen: kluizenaarsbepaling]",
                article="7",
                status="vervallen",
            )
        )
    return document("wpg", "nl", version, passages)


WPG_OLD = "Oude regel: verstrekking aan een samenwerkingsverband vereist een convenant met de burgemeester."
WPG_NEW = "Politiegegevens mogen aan een samenwerkingsverband gaan voor een zwaarwegend algemeen belang."
WPG_FUTURE = "Toekomstige regel over samenwerkingsverbanden en het zwaarwegend belang, nog niet in werking."


def make_documents() -> list[Document]:
    """AVG in nl and en; Wpg in three versions: old (history), current, and one not yet in force."""
    return [
        avg_nl(),
        avg_en(),
        wpg("2019-01-01", WPG_OLD),
        wpg("2023-07-01", WPG_NEW, withdrawn=True),
        wpg("2099-01-01", WPG_FUTURE),
    ]


def file_hashes(documents: list[Document]) -> dict[str, str]:
    return {doc.path: hashlib.sha256(doc.path.encode()).hexdigest() for doc in documents}


def store_settings(data_dir: Path, batch_size: int = 4, **store: object) -> Settings:
    """Settings for a store test: data in `data_dir`, small embedding batches, optional store section."""
    return Settings(
        data_dir=data_dir,
        embedding=EmbeddingSettings(batch_size=batch_size),
        store=StoreSettings(**store),  # type: ignore[arg-type]
    )


def build(
    settings: Settings, documents: list[Document], embedder: Embedder | None = None, **options: Any
) -> BuildResult:
    """write_build with the fixed test readers and chunker version."""
    return write_build(
        documents,
        settings=settings,
        embedder=embedder or HashEmbedder(),
        file_hashes=file_hashes(documents),
        readers=["hand-made/1"],
        chunker_version="test-chunker/1",
        **options,
    )
