"""Retrieval benchmark on a BEIR folder: the project's pipeline against BM25-only, dense-only and a naive
LangChain RAG, all in one run over the same temporary store.

    report = evaluate_beir(load_beir(folder), settings)

The BEIR documents become the passages of a knowledge base built by kb.builds.write_build in a temporary
data dir (real chromadb, the configured embedder behind the shared embedding cache). A document written by
`python -m evals.beir` carries its whole passage (real keys, same embedding text as in production); any
other document becomes a passage of a synthetic guidance source keyed `<set> § <doc id>`.

Systems:
  deelwijzer   bot.engine.Engine.retrieve_for: the rule assessment's keys and search hints + hybrid search
  hybrid       bot.retrieval.HybridRetriever: BM25 and dense fused by weighted reciprocal rank, lids of an
               article supporting each other (no assessment)
  bm25, dense  one of the knowledge base's two searches alone (same language filter as hybrid)
  naive        evals.baseline.NaiveRag

Latencies are per query with the query embeddings of the plain query texts already cached (the deelwijzer
system still embeds its query widened by the search hints); `python -m evals.bench` measures cold queries.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever, by_article, fuse, with_languages
from bot.vocabulary import detect_language
from evals.baseline import EmbedderEmbeddings, NaiveRag
from evals.beir import PASSAGE_METADATA, BeirDoc, BeirSet, Level
from evals.grading import percentile
from kb.builds import write_build
from kb.embedding import Embedder
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.passages import AUTHORITY, Document, Passage, make_document_id, sha256_text
from kb.registry import slugify
from kb.settings import RetrievalSettings, Settings
from kb.vector_store import close_client, embedded_client

DEPTH = 100
CUTOFFS = (1, 5, 10, 100)
SYSTEMS = ("deelwijzer", "hybrid", "bm25", "dense", "naive")
SYNTHETIC_VERSION = "2000-01-01"

Search = Callable[[str], list[str]]


class Metrics(BaseModel):
    recall: dict[str, float] = Field(description="'R@1', 'R@5', 'R@10', 'R@100' -> mean recall.")
    ndcg_10: float
    mrr_10: float
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None

    def flat(self) -> dict[str, float | None]:
        return {**self.recall, "nDCG@10": self.ndcg_10, "MRR@10": self.mrr_10}


class RetrievalReport(BaseModel):
    """The JSON of `deelwijzer eval retrieval --json`."""

    beir: str
    level: Level = Field("passage", description="'article': the qrels judge articles (evals.beir.BeirSet).")
    documents: int
    queries: int
    embedder: str
    retrieval: dict[str, float | int] = Field(description="RetrievalSettings used by deelwijzer/hybrid.")
    index_seconds: dict[str, float]
    systems: dict[str, Metrics]
    first_relevant_rank: dict[str, dict[str, int | None]] = Field(
        default_factory=dict, description="system -> query id -> rank of the first relevant doc (≤ 100)."
    )


# --- metrics ----------------------------------------------------------------------------------------------


def recall_at(ranked: Sequence[str], relevant: dict[str, int], k: int) -> float:
    wanted = {doc for doc, score in relevant.items() if score > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int) -> float:
    """Graded nDCG with gain = relevance score and log2(rank + 1) discount (as pytrec_eval)."""
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1))
    ideal = sorted((s for s in relevant.values() if s > 0), reverse=True)[:k]
    idcg = sum(score / math.log2(rank + 1) for rank, score in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def first_relevant(ranked: Sequence[str], relevant: dict[str, int]) -> int | None:
    return next((rank for rank, doc in enumerate(ranked, start=1) if relevant.get(doc, 0) > 0), None)


def mrr_at(ranked: Sequence[str], relevant: dict[str, int], k: int) -> float:
    rank = first_relevant(ranked[:k], relevant)
    return 1.0 / rank if rank else 0.0


def score_runs(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> Metrics:
    """Mean metrics over the queries in `runs` (every one must have qrels)."""
    n = len(runs) or 1
    recall = {f"R@{k}": sum(recall_at(r, qrels[q], k) for q, r in runs.items()) / n for k in CUTOFFS}
    return Metrics(
        recall=recall,
        ndcg_10=sum(ndcg_at(r, qrels[q], 10) for q, r in runs.items()) / n,
        mrr_10=sum(mrr_at(r, qrels[q], 10) for q, r in runs.items()) / n,
    )


# --- the temporary store ----------------------------------------------------------------------------------


def beir_passage(doc: BeirDoc, set_name: str) -> Passage:
    """The passage of one BEIR document: rebuilt from its metadata, or a synthetic guidance section."""
    stored = doc.metadata.get(PASSAGE_METADATA)
    if isinstance(stored, dict):
        return Passage.model_validate({**stored, "text": doc.text, "document_id": ""})
    language = str(doc.metadata.get("language", "nl"))  # the project always searches Dutch passages
    return Passage(
        key=f"{set_name} § {doc.id}", source_id=f"beir-{slugify(set_name)}", citation_name=set_name,
        language=language, version_date=SYNTHETIC_VERSION, text=doc.text, title=doc.title,
        section=doc.id, doc_type="handreiking", authority=AUTHORITY["handreiking"],
    )  # fmt: skip


def beir_documents(beir: BeirSet) -> tuple[list[Document], dict[str, str]]:
    """Documents grouped per (source, language, version), and passage uid -> BEIR doc id."""
    grouped: dict[str, Document] = {}
    doc_of: dict[str, str] = {}
    for doc in beir.corpus.values():
        passage = beir_passage(doc, beir.name)
        document_id = make_document_id(passage.source_id, passage.language, passage.version_date)
        if document_id not in grouped:
            grouped[document_id] = Document(
                document_id=document_id, source_id=passage.source_id, citation_name=passage.citation_name,
                title=passage.citation_name, language=passage.language, version_date=passage.version_date,
                doc_type=passage.doc_type, path=f"beir:{beir.name}", reader="beir/1",
            )  # fmt: skip
        grouped[document_id].passages.append(passage)
        doc_of[passage.uid] = doc.id
    return list(grouped.values()), doc_of


def index_beir(
    beir: BeirSet, settings: Settings, embedder: Embedder
) -> tuple[LocalKnowledgeBase, dict[str, str]]:
    """Build the BEIR documents into the (temporary) data dir of `settings` and open it."""
    documents, doc_of = beir_documents(beir)
    hashes = {doc.document_id: sha256_text(doc.content_hash) for doc in documents}
    write_build(documents, settings=settings, embedder=embedder, file_hashes=hashes, readers=["beir/1"],
                chunker_version="beir/1", today="9999-12-31")  # fmt: skip
    return open_knowledge_base(settings, embedder), doc_of


# --- systems ----------------------------------------------------------------------------------------------


@dataclass
class Systems:
    """Every system's search over one indexed BEIR set: query -> BEIR doc ids, best first (≤ DEPTH)."""

    kb: LocalKnowledgeBase
    doc_of: dict[str, str]
    engine: Engine
    naive: NaiveRag | None
    unit_of: dict[str, str]  # BEIR doc id -> what the qrels judge (itself, or its article)

    def search(self, name: str) -> Search:
        return {
            "deelwijzer": self.deelwijzer, "hybrid": self.hybrid, "bm25": self.bm25,
            "dense": self.dense, "naive": self.naive_search,
        }[name]  # fmt: skip

    def _ids(self, passages: Sequence[Passage]) -> list[str]:
        found = (self.unit_of[self.doc_of[p.uid]] for p in passages if p.uid in self.doc_of)
        return list(dict.fromkeys(found))[:DEPTH]

    def deelwijzer(self, query: str) -> list[str]:
        assessment = self.engine.assessor.assess(query, [])
        return self._ids([item.passage for item in self.engine.retrieve_for(query, assessment)])

    def hybrid(self, query: str) -> list[str]:
        return self._ids([item.passage for item in self.engine.retriever.retrieve(query, DEPTH)])

    def bm25(self, query: str) -> list[str]:
        filters = with_languages(None, detect_language(query))
        return self._ids([p for p, _ in self.kb.lexical_search(query, DEPTH, filters)])

    def dense(self, query: str) -> list[str]:
        filters = with_languages(None, detect_language(query))
        return self._ids([p for p, _ in self.kb.dense_search(query, DEPTH, filters)])

    def naive_search(self, query: str) -> list[str]:
        if self.naive is None:
            raise ValueError("the naive baseline was not indexed; include 'naive' in the systems")
        return list(dict.fromkeys(self.unit_of[doc] for doc in self.naive.search(query, DEPTH)))


def eval_settings(base: Settings, data_dir: Path) -> Settings:
    """`base` in a temporary data dir (model and embedding cache shared), searching DEPTH deep."""
    retrieval = base.retrieval.model_copy(
        update={"k": DEPTH, "candidates": max(base.retrieval.candidates, DEPTH)}
    )
    return base.model_copy(update={
        "data_dir": data_dir, "models_folder": base.models_dir, "cache_folder": base.cache_dir,
        "retrieval": retrieval,
    })  # fmt: skip


@contextlib.contextmanager
def indexed(
    beir: BeirSet, base: Settings, embedder: Embedder, with_naive: bool = True
) -> Iterator[tuple[Systems, dict[str, float]]]:
    """Index `beir` in a temporary dir for the life of the block: the systems and the index seconds."""
    with tempfile.TemporaryDirectory(prefix="deelwijzer-retrieval-") as tmp:
        settings = eval_settings(base, Path(tmp) / "data")
        started = time.perf_counter()
        kb, doc_of = index_beir(beir, settings, embedder)
        seconds = {"deelwijzer": round(time.perf_counter() - started, 2)}
        client = embedded_client(Path(tmp) / "naive")
        try:
            naive = None
            if with_naive:
                started = time.perf_counter()
                docs = [(doc.id, doc.full_text) for doc in beir.corpus.values()]
                naive = NaiveRag(docs, EmbedderEmbeddings(embedder), client)
                seconds["naive"] = round(time.perf_counter() - started, 2)
            engine = Engine(settings, kb, Assessor(), HybridRetriever(kb, settings.retrieval))
            yield Systems(kb, doc_of, engine, naive, beir.unit_of()), seconds
        finally:
            close_client(client)
            kb.close()


def run_system(search: Search, queries: dict[str, str]) -> tuple[dict[str, list[str]], list[float]]:
    """Every query through `search`: the rankings and the latencies (ms)."""
    runs: dict[str, list[str]] = {}
    latencies: list[float] = []
    for qid, text in queries.items():
        started = time.perf_counter()
        runs[qid] = search(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return runs, latencies


def evaluate_beir(
    beir: BeirSet, base: Settings, embedder: Embedder, systems: Sequence[str] = SYSTEMS
) -> RetrievalReport:
    """Index `beir` once and score every system on its judged queries."""
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        raise ValueError(f"unknown system(s) {unknown}; choose from {list(SYSTEMS)}")
    queries = beir.judged_queries()
    with indexed(beir, base, embedder, with_naive="naive" in systems) as (found, seconds):
        for text in queries.values():  # every system then meets the same warm query-embedding cache
            embedder.embed_query(text)
        metrics: dict[str, Metrics] = {}
        ranks: dict[str, dict[str, int | None]] = {}
        for name in systems:
            runs, latencies = run_system(found.search(name), queries)
            p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
            timing = {"latency_p50_ms": p50, "latency_p95_ms": p95}
            metrics[name] = score_runs(runs, beir.qrels).model_copy(update=timing)
            ranks[name] = {q: first_relevant(r, beir.qrels[q]) for q, r in runs.items()}
        retrieval = found.engine.settings.retrieval
    return RetrievalReport(
        beir=beir.name, level=beir.level, documents=len(beir.corpus), queries=len(queries),
        embedder=embedder.name,
        retrieval=_retrieval_fields(retrieval), index_seconds=seconds, systems=metrics,
        first_relevant_rank=ranks,
    )  # fmt: skip


def _retrieval_fields(retrieval: RetrievalSettings) -> dict[str, float | int]:
    return {
        "k": retrieval.k, "rrf_k": retrieval.rrf_k, "candidates": retrieval.candidates,
        "lexical_weight": retrieval.lexical_weight, "lexical_weight_named": retrieval.lexical_weight_named,
        "article_support": retrieval.article_support,
    }  # fmt: skip


# --- tuning -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One retrieval configuration to compare: fusion constant, candidates per list, BM25's weight in the
    fusion, how much an article's lids support each other, and whether the assessment's keys and search
    hints are used."""

    name: str
    rrf_k: int = 20
    candidates: int = 100
    lexical_weight: float = 0.9
    article_support: float = 1.0
    keys: bool = True
    hints: bool = True


VARIANTS = (
    Variant("as configured (rrf_k 20, 100 candidates, BM25 weight 0.9, article support 1)"),
    Variant("rrf_k 60", rrf_k=60),
    Variant("candidates 40", candidates=40),
    Variant("BM25 weight 0.5", lexical_weight=0.5),
    Variant("BM25 weight 2", lexical_weight=2.0),
    Variant("no article support", article_support=0.0),
    Variant("article support 0.5", article_support=0.5),
    Variant("no assessment keys", keys=False),
    Variant("no search hints", hints=False),
    Variant("neither keys nor hints", keys=False, hints=False),
)


def variant_search(found: Systems, variant: Variant) -> Search:
    """The pipeline's retrieval with `variant`'s settings (assessment, keys first, then fused search)."""
    retriever = found.engine.retriever

    def search(query: str) -> list[str]:
        assessment = found.engine.assessor.assess(query, [])
        if assessment.verdict == "buiten_bereik" and not assessment.keys:
            return []
        text = " ".join([query, *assessment.search_hints]) if variant.hints else query
        language = assessment.facts.language
        filters = with_languages(None, language)
        keys = [*assessment.keys, *(key for step in assessment.steps for key in step.keys)]
        named = [item.passage for item in retriever.named(keys, language, filters)] if variant.keys else []
        lexical = found.kb.lexical_search(text, variant.candidates, filters)
        dense = found.kb.dense_search(text, variant.candidates, filters)
        fused = by_article(
            fuse(lexical, dense, variant.rrf_k, variant.lexical_weight), variant.article_support
        )
        return found._ids([*named, *(item.passage for item in fused)])

    return search


def tune(
    beir: BeirSet, base: Settings, embedder: Embedder, variants: Sequence[Variant] = VARIANTS
) -> dict[str, Metrics]:
    """Every variant's metrics over one indexed BEIR set (no naive baseline)."""
    queries = beir.judged_queries()
    with indexed(beir, base, embedder, with_naive=False) as (found, _):
        runs = {v.name: run_system(variant_search(found, v), queries)[0] for v in variants}
    return {name: score_runs(run, beir.qrels) for name, run in runs.items()}


def without_headings(beir: BeirSet) -> BeirSet:
    """The set with headings and titles dropped from every carried passage: the embedded (and BM25) text
    becomes '<key>.\\n<text>' instead of '<key>. <headings> > <title>\\n<text>'."""
    corpus = {}
    for doc_id, doc in beir.corpus.items():
        stored = doc.metadata.get(PASSAGE_METADATA)
        if isinstance(stored, dict):
            stored = {**stored, "heading_path": [], "title": ""}
            doc = doc.model_copy(update={"metadata": {**doc.metadata, PASSAGE_METADATA: stored}})
        corpus[doc_id] = doc
    return BeirSet(f"{beir.name}-without-headings", corpus, beir.queries, beir.qrels)
