"""Hybrid retrieval on a REAL knowledge base: a slice of the shared corpus (GDPR NL + EN, Wpg, Besluit
politiegegevens, UAVG) read by the real readers, written by kb.builds.write_build and embedded by the real
e5 model. Built once per session; the model and the embedding cache live in `test_cache_dir`."""

from __future__ import annotations

import hashlib
import math
import threading
from pathlib import Path

import pytest

from bot.langchain_retriever import DeelwijzerRetriever
from bot.retrieval import HybridRetriever, Retrieved, by_article, fuse, lexical_weight
from bot.vocabulary import detect_language
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.formex import FormexReader
from ingest.readers.regelrecht import RegelrechtReader
from kb.builds import write_build
from kb.embedders import make_embedder
from kb.knowledge_base import Filters
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.passages import Passage
from kb.registry import load_registry
from kb.settings import RetrievalSettings, Settings

GDPR = "eu-gdpr-formex/consolidated-with-corrected-preamble/gdpr-consolidated-with-corrected-preamble-{}.xml"
SLICE = {
    GDPR.format("nl"): FormexReader(),
    GDPR.format("en"): FormexReader(),
    "nl-regelrecht-corpus/regulation/nl/wet/wet_politiegegevens/2025-07-01.yaml": RegelrechtReader(),
    "nl-regelrecht-corpus/regulation/nl/amvb/besluit_politiegegevens/2026-06-12.yaml": RegelrechtReader(),
    "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml": BwbXmlReader(),
}
SAMENWERKING = "Op welke grond mag de politie gegevens delen in een samenwerkingsverband?"

_BUILT: dict[Path, Settings] = {}
_LOCK = threading.Lock()


def slice_settings(root: Path, corpus: Path, cache: Path) -> Settings:
    """Settings of a data dir under `root` holding the slice build (built on the first call per root)."""
    with _LOCK:
        if root not in _BUILT:
            _BUILT[root] = _build_slice(root, corpus, cache)
        return _BUILT[root]


def _build_slice(root: Path, corpus: Path, cache: Path) -> Settings:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("models", "cache"):  # share the converted model and the embedding cache between runs
        (cache / "data" / name).mkdir(parents=True, exist_ok=True)
        if not (data / name).exists():
            (data / name).symlink_to(cache / "data" / name)
    settings = Settings(data_dir=data)
    registry = load_registry()
    documents = [reader.read(corpus / path, registry) for path, reader in SLICE.items()]
    hashes = {doc.path: hashlib.sha256(Path(doc.path).read_bytes()).hexdigest() for doc in documents}
    readers = sorted({reader.name for reader in SLICE.values()})
    write_build(documents, settings=settings, embedder=make_embedder(settings), file_hashes=hashes,
                readers=readers, chunker_version="slice-test/1")  # fmt: skip
    return settings


def open_slice(settings: Settings) -> LocalKnowledgeBase:
    return open_knowledge_base(settings, make_embedder(settings))


@pytest.fixture(scope="module")
def kb(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, test_cache_dir: Path
) -> LocalKnowledgeBase:
    settings = slice_settings(tmp_path_factory.getbasetemp() / "slice-kb", corpus_dir, test_cache_dir)
    return open_slice(settings)


@pytest.fixture(scope="module")
def retriever(kb: LocalKnowledgeBase) -> HybridRetriever:
    return HybridRetriever(kb, Settings().retrieval)


def keys_of(found: list[Retrieved]) -> list[str]:
    return [item.passage.key for item in found]


@pytest.mark.model
def test_rrf_puts_wpg_20_in_the_top_5(retriever: HybridRetriever) -> None:
    found = retriever.retrieve(SAMENWERKING, k=5)
    assert any(key.startswith("Wpg art. 20 ") for key in keys_of(found)), keys_of(found)
    assert all(item.via in ("bm25", "dense", "both") for item in found)
    assert [item.score for item in found] == sorted((item.score for item in found), reverse=True)


@pytest.mark.model
def test_named_keys_come_first_in_their_order(retriever: HybridRetriever) -> None:
    keys = ["Besluit politiegegevens art. 4:2 lid 1 sub b", "AVG art. 9", "AVG art. 6 lid 1 sub e"]
    found = retriever.retrieve(SAMENWERKING, k=5, keys=keys)
    assert keys_of(found)[:3] == [
        "Besluit politiegegevens art. 4:2 lid 1",
        "AVG art. 9 lid 1",
        "AVG art. 6 lid 1",
    ]
    assert [item.via for item in found[:3]] == ["key", "key", "key"]
    assert len(found) == 8
    assert len({item.passage.uid for item in found}) == 8


@pytest.mark.model
def test_unknown_and_malformed_keys_are_skipped(retriever: HybridRetriever) -> None:
    found = retriever.retrieve(SAMENWERKING, k=3, keys=["Wpg art. 999", "geen sleutel", "Wpg art. 20 lid 3"])
    assert keys_of(found)[0] == "Wpg art. 20 lid 3"
    assert [item.via for item in found].count("key") == 1
    assert len(found) == 4


@pytest.mark.model
def test_source_filter_restricts_every_result(retriever: HybridRetriever) -> None:
    found = retriever.retrieve(
        SAMENWERKING, k=8, filters=Filters(source_ids=["avg"]), keys=["Wpg art. 20 lid 1"]
    )
    assert len(found) == 8
    assert {item.passage.source_id for item in found} == {"avg"}
    found = retriever.retrieve("bijzondere categorieën", k=6, filters=Filters(doc_types=["amvb"]))
    assert {item.passage.source_id for item in found} == {"besluit-politiegegevens"}


@pytest.mark.model
def test_dutch_question_searches_dutch_passages_only(retriever: HybridRetriever) -> None:
    found = retriever.retrieve("Mag ik gezondheidsgegevens delen met de gemeente?", k=10)
    assert {item.passage.language for item in found} == {"nl"}


@pytest.mark.model
def test_english_question_also_searches_english_passages(retriever: HybridRetriever) -> None:
    found = retriever.retrieve(
        "When is processing of data concerning health allowed?", k=10, keys=["AVG art. 9"]
    )
    assert found[0].passage.key == "AVG art. 9 lid 1"
    assert found[0].passage.language == "en"
    assert "en" in {item.passage.language for item in found[1:]}


def test_language_detection() -> None:
    assert detect_language("May I share the data of a victim with the police?") == "en"
    assert detect_language("Mag ik de gegevens van een slachtoffer delen met de politie?") == "nl"
    assert detect_language("AVG art. 9") == "nl"


@pytest.mark.model
def test_langchain_adapter_returns_documents_with_metadata(retriever: HybridRetriever) -> None:
    documents = DeelwijzerRetriever(retriever=retriever, k=5).invoke(SAMENWERKING)
    assert len(documents) == 5
    wpg = next(doc for doc in documents if doc.metadata["key"].startswith("Wpg art. 20 "))
    assert wpg.metadata["source_id"] == "wpg"
    assert wpg.metadata["version_date"] == "2025-07-01"
    assert wpg.metadata["url"].startswith("https://wetten.overheid.nl/BWBR0022463/")
    assert "samenwerkingsverband" in wpg.page_content
    assert isinstance(wpg.metadata["score"], float)


def _p(key: str) -> Passage:
    return Passage(
        key=key, source_id="t", citation_name="T", language="nl", version_date="2020-01-01", text=key
    )


def test_fusion_adds_reciprocal_ranks() -> None:
    a, b, c = _p("T art. 1"), _p("T art. 2"), _p("T art. 3")
    fused = fuse([(a, 9.0), (b, 5.0)], [(b, 0.9), (c, 0.8)], rrf_k=60)
    assert [item.passage.key for item in fused] == ["T art. 2", "T art. 1", "T art. 3"]
    assert [item.via for item in fused] == ["both", "bm25", "dense"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)


def test_weighted_fusion_scales_the_bm25_list() -> None:
    a, b = _p("T art. 1"), _p("T art. 2")
    fused = fuse([(a, 9.0)], [(b, 0.9)], rrf_k=60, lexical_weight=2.0)
    assert [item.passage.key for item in fused] == ["T art. 1", "T art. 2"]
    assert [item.score for item in fused] == pytest.approx([2 / 61, 1 / 61])
    assert fuse([(a, 9.0)], [(b, 0.9)], rrf_k=60, lexical_weight=0.5)[0].passage.key == "T art. 2"


def test_bm25_weighs_more_when_the_question_names_a_provision() -> None:
    settings = RetrievalSettings(lexical_weight=1.0, lexical_weight_named=2.0)
    assert lexical_weight("Mag dat op grond van artikel 19 Wpg?", settings) == 2.0
    assert lexical_weight("Geldt art. 4:2 Bpg ook voor de gemeente?", settings) == 2.0
    assert lexical_weight("What does Article 9 GDPR say?", settings) == 2.0
    assert lexical_weight("Mag de politie een adres doorgeven aan de gemeente?", settings) == 1.0


def test_lids_of_one_article_support_each_other() -> None:
    lid1, lid2, other = _p("T art. 5 lid 1"), _p("T art. 5 lid 2"), _p("T art. 6")
    fused = [
        Retrieved(other, 0.026, "bm25"),
        Retrieved(lid1, 0.020, "dense"),
        Retrieved(lid2, 0.015, "dense"),
    ]
    ranked = by_article(fused, support=1.0)
    assert [item.passage.key for item in ranked] == ["T art. 5 lid 1", "T art. 5 lid 2", "T art. 6"]
    # a long article does not win by its number of lids: ten weak lids against one strong article
    many = [Retrieved(_p(f"T art. 7 lid {n}"), 0.010, "dense") for n in range(1, 11)]
    assert by_article([Retrieved(other, 0.05, "bm25"), *many], 1.0)[0].passage is other
    root2 = math.sqrt(2)  # two lids of art. 5 were found: their support is damped by √2
    expected = [0.020 + 0.015 / root2, 0.015 + 0.020 / root2, 0.026]
    assert [item.score for item in ranked] == pytest.approx(expected)
    assert [item.via for item in ranked] == ["dense", "dense", "bm25"]
    assert by_article(fused, support=0.0) == fused
    english = Passage(key="T art. 5 lid 3", source_id="t", citation_name="T", language="en",
                      version_date="2020-01-01", text="x")  # fmt: skip
    mixed = by_article([*fused, Retrieved(english, 0.02, "dense")], support=0.5)
    assert next(item.score for item in mixed if item.passage is english) == pytest.approx(0.02)
