"""The chromadb vector store on a tmp dir: explicit vectors, metadata per record, filters inside the query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from store_fakes import HashEmbedder, avg_en, avg_nl, wpg

from kb.errors import KbError
from kb.knowledge_base import Filters
from kb.passages import Passage
from kb.vector_store import VectorStore, close_client, embedded_client, where_clause

PASSAGES: list[Passage] = [
    *avg_nl().passages,
    *avg_en().passages,
    *wpg("2023-07-01", "Politiegegevens delen.").passages,
]


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[ClientAPI]:
    client = embedded_client(tmp_path / "chroma")
    yield client
    close_client(client)


@pytest.fixture()
def store(client: ClientAPI) -> VectorStore:
    store = VectorStore.create(client, "passages", {"embedder": "hash-bow", "dimension": 256})
    embedder = HashEmbedder()
    store.add(PASSAGES, embedder.embed_passages([p.embedding_text() for p in PASSAGES]))
    return store


def test_where_clause() -> None:
    assert where_clause(None) is None
    assert where_clause(Filters()) is None
    assert where_clause(Filters(source_ids=["avg"])) == {"source_id": {"$in": ["avg"]}}
    assert where_clause(Filters(languages=["nl", "en"], doc_types=["wet"])) == {
        "$and": [{"language": {"$in": ["nl", "en"]}}, {"doc_type": {"$in": ["wet"]}}]
    }


def test_records_carry_metadata_and_no_embedding_function(store: VectorStore, client: ClientAPI) -> None:
    collection = client.get_collection("passages")
    assert collection.count() == len(PASSAGES) == store.count()
    record = collection.get(ids=["avg|nl|2018-05-23|AVG art. 9 lid 1"], include=["metadatas", "embeddings"])
    assert record["metadatas"] == [
        {
            "uid": "avg|nl|2018-05-23|AVG art. 9 lid 1",
            "key": "AVG art. 9 lid 1",
            "source_id": "avg",
            "language": "nl",
            "doc_type": "verordening",
            "version_date": "2018-05-23",
        }
    ]
    assert record["embeddings"] is not None and len(record["embeddings"][0]) == 256
    assert store.metadata == {"embedder": "hash-bow", "dimension": 256, "hnsw:space": "cosine"}
    assert collection.configuration_json["embedding_function"] is None


def test_query_returns_cosine_similarity_best_first(store: VectorStore) -> None:
    target = PASSAGES[1]
    hits = store.query(HashEmbedder().embed_query(target.embedding_text()), 3)
    assert hits[0][0] == target.uid and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert hits[0][1] >= hits[1][1] >= hits[2][1]


def test_query_filters_inside_chroma(store: VectorStore) -> None:
    vector = HashEmbedder().embed_query("verwerking toestemming politiegegevens")
    wpg_hits = store.query(vector, 10, Filters(source_ids=["wpg"]))
    assert {uid.split("|")[0] for uid, _ in wpg_hits} == {"wpg"} and len(wpg_hits) == 2
    english = store.query(vector, 10, Filters(languages=["en"], doc_types=["verordening"]))
    assert {uid.split("|")[1] for uid, _ in english} == {"en"} and len(english) == 2
    assert store.query(vector, 10, Filters(source_ids=["wpg"], languages=["en"])) == []


def test_empty_collection_and_mismatched_input(client: ClientAPI) -> None:
    store = VectorStore.create(client, "leeg", {"embedder": "hash-bow"})
    assert store.query(HashEmbedder().embed_query("gegevens"), 5) == []
    with pytest.raises(KbError, match="2 passages but 1 vectors"):
        store.add(PASSAGES[:2], HashEmbedder().embed_passages(["een"]))
