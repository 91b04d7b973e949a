"""The CI gate: a fixed, deterministic subset of the gold cases (ids in evals/thresholds.toml, two per theme)
through the real engine on the whole shared corpus, and the retrieval metrics of the project's BEIR set.
Fails when a figure drops below evals/thresholds.toml (set from a real run, a few points below it)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.engine import build_engine
from evals.beir import (
    PROJECT_SET,
    STATUTE_QUESTIONS,
    BeirSet,
    kb_corpus,
    read_qrels,
    read_queries,
    read_statute_questions,
    statute_qa,
)
from evals.case_files import load_cases
from evals.retrieval_eval import evaluate_beir
from evals.run_cases import run_cases
from kb.embedders import make_embedder
from kb.settings import Settings

REPO = Path(__file__).resolve().parent.parent
THRESHOLDS = REPO / "evals" / "thresholds.toml"

pytestmark = pytest.mark.slow


def thresholds() -> dict[str, Any]:
    with THRESHOLDS.open("rb") as handle:
        return tomllib.load(handle)


def test_the_subset_is_spread_over_every_theme() -> None:
    ids = thresholds()["cases"]["ids"]
    cases = load_cases(REPO / "evals" / "cases")
    themes = {case.theme for case in cases}
    chosen = [case for case in cases if case.id in ids]
    assert len(chosen) == len(ids) and 25 <= len(ids) <= 35
    assert {case.theme for case in chosen} == themes
    assert any(case.history for case in chosen) and any(not case.verdict for case in chosen)


def test_the_gold_subset_meets_the_thresholds(full_kb_settings: Settings) -> None:
    limits = thresholds()["cases"]
    cases = [case for case in load_cases(REPO / "evals" / "cases") if case.id in limits["ids"]]
    run = run_cases(build_engine(full_kb_settings), cases)
    totals = run.totals
    failing = [f"{r.id}: {r.verdict} not in {r.expected}" for r in run.cases if r.verdict_ok is False]
    assert totals.errors == 0, [r.error for r in run.cases if r.error]
    assert (totals.verdict_accuracy or 0) >= limits["min_verdict_accuracy"], failing
    assert (totals.must_cite_recall or 0) >= limits["min_must_cite_recall"]
    unsupported = [(r.id, u.key, u.reason) for r in run.cases for u in r.unsupported]
    assert (totals.unsupported_rate or 0) <= limits["max_unsupported_rate"], unsupported


def test_retrieval_on_the_project_beir_set_meets_the_thresholds(full_kb_settings: Settings) -> None:
    limits = thresholds()["retrieval"]
    engine = build_engine(full_kb_settings)
    corpus = {doc.id: doc for doc in kb_corpus(engine.kb)}
    qrels = read_qrels(PROJECT_SET / "qrels" / "test.tsv")
    missing = sorted({doc for judged in qrels.values() for doc in judged} - set(corpus))
    assert not missing, f"qrels judge passages the knowledge base no longer has: {missing[:5]}"
    beir = BeirSet("deelwijzer", corpus, read_queries(PROJECT_SET / "queries.jsonl"), qrels)
    report = evaluate_beir(beir, full_kb_settings, make_embedder(full_kb_settings), ["deelwijzer", "bm25"])
    pipeline, bm25 = report.systems["deelwijzer"], report.systems["bm25"]
    assert pipeline.recall["R@5"] >= limits["min_recall_at_5"]
    assert pipeline.ndcg_10 >= limits["min_ndcg_at_10"]
    assert pipeline.ndcg_10 > bm25.ndcg_10


def test_search_on_the_statute_qa_dev_set_beats_each_side_alone(full_kb_settings: Settings) -> None:
    limits = thresholds()["statute_qa"]
    engine = build_engine(full_kb_settings)
    corpus = {doc.id: doc for doc in kb_corpus(engine.kb)}
    queries, qrels = statute_qa(
        read_statute_questions(PROJECT_SET.parent / "statute-qa-dev" / STATUTE_QUESTIONS)
    )
    beir = BeirSet("statute-qa-dev", corpus, queries, qrels, level="article")
    missing = sorted({a for judged in qrels.values() for a in judged} - set(beir.unit_of().values()))
    assert not missing, f"the set judges articles the knowledge base does not have: {missing[:5]}"
    systems = ["hybrid", "bm25", "dense"]
    report = evaluate_beir(beir, full_kb_settings, make_embedder(full_kb_settings), systems).systems
    hybrid = report["hybrid"]
    assert hybrid.ndcg_10 >= limits["min_ndcg_at_10"]
    assert hybrid.recall["R@10"] >= limits["min_recall_at_10"]
    assert hybrid.ndcg_10 > max(report["bm25"].ndcg_10, report["dense"].ndcg_10)  # the fusion adds
