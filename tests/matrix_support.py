"""Support for the Deelkaart tests: a real knowledge base from a slice of the shared corpus (HashEmbedder)
and the REAL engine over it (rules, vocabulary, retrieval, citation checks)."""

from __future__ import annotations

from pathlib import Path

from api_fakes import JEUGDWET_XML, JEUGDWET_YAML, UAVG_XML

from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from kb.local_kb import LocalKnowledgeBase
from kb.settings import Settings

GDPR_NL_XML = "eu-gdpr-formex/consolidated/gdpr-consolidated-nl.xml"
SLICE = [UAVG_XML, JEUGDWET_XML, JEUGDWET_YAML, GDPR_NL_XML]
#: the one provision the second build changes (tests/test_matrix_changes.py)
UAVG_46_OLD = "wordt bij de verwerking van persoonsgegevens slechts gebruikt"
UAVG_46_NEW = "wordt bij de verwerking van persoonsgegevens uitsluitend gebruikt"


def real_engine(kb: LocalKnowledgeBase, data_dir: Path) -> Engine:
    settings = Settings(data_dir=data_dir)
    return Engine(settings, kb, Assessor(), HybridRetriever(kb, settings.retrieval))


def changed_uavg(corpus_dir: Path, folder: Path) -> Path:
    """A copy of the UAVG with one provision (art. 46) worded differently, laid out like the corpus."""
    source = corpus_dir / UAVG_XML
    text = source.read_text(encoding="utf-8")
    assert text.count(UAVG_46_OLD) == 1, "the UAVG in the corpus changed: pick another sentence"
    target = folder / UAVG_XML
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(UAVG_46_OLD, UAVG_46_NEW), encoding="utf-8")
    return target
