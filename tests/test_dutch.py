"""Dutch analysis for BM25 (kb/dutch.py, kb/lexical.DutchAnalyzer): stems, compound parts from the corpus
vocabulary, abbreviations, and an index that finds a compound's parts and a spelled-out abbreviation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.dutch import CompoundSplitter, DutchStemmer, expand_abbreviations, vocabulary
from kb.errors import KbError
from kb.lexical import ANALYZER_FILE, DutchAnalyzer, LexicalIndex, PlainAnalyzer, tokenize

TEXTS = {
    "wgs": "WGS art. 2.29 lid 1. Gegevens worden uitgewisseld binnen het samenwerkingsverband; de "
    "uitwisseling van gegevens wordt vastgelegd en elke uitwisseling gemeld.",
    "uavg": "UAVG art. 46 lid 1. Een nummer dat ter identificatie wordt voorgeschreven, zoals het "
    "burgerservicenummer, wordt alleen gebruikt ter uitvoering van de wet.",
    "big": "Wet BIG art. 88. Een ieder is verplicht geheimhouding te bewaren; het beroepsgeheim van de "
    "zorgverlener geldt ook voor gegevens over de patiënt.",
    "wpg": "Wpg art. 19 lid 1. Politiegegevens kunnen worden verstrekt aan personen en instanties; de "
    "politie verstrekt gegevens aan het Openbaar Ministerie.",
}


def test_vocabulary_keeps_words_seen_twice_and_long_enough() -> None:
    counts = vocabulary([["gegevens", "zorg", "de", "7.3.11"], ["gegevens", "zorg", "uniek"], ["de"]])
    assert counts == {"gegevens": 2, "zorg": 2}


def test_compounds_split_into_corpus_words_with_linking_letters() -> None:
    splitter = CompoundSplitter({"gegevens": 9, "uitwisseling": 3, "persoon": 5, "beroep": 4, "geheim": 4,
                                 "zorg": 6, "verlener": 2, "politie": 8})  # fmt: skip
    assert splitter.split("gegevensuitwisseling") == ["gegevens", "uitwisseling"]
    assert splitter.split("persoonsgegevens") == ["persoon", "gegevens"]  # linking 's'
    assert splitter.split("beroepsgeheim") == ["beroep", "geheim"]
    assert splitter.split("politiegegevenszorg") == ["politie", "gegevens", "zorg"]
    assert splitter.split("zorgverlening") == []  # 'verlening' is not a corpus word
    assert splitter.split("gegevens") == []  # a corpus word alone is no compound
    assert splitter.split("7.3.11") == []


def test_dutch_porter_stems_inflections_together_and_leaves_numbers() -> None:
    stemmer = DutchStemmer()
    assert stemmer.stem("gegevens") != stemmer.stem("geven")  # Snowball's newer 'dutch' strips 'ge-'
    assert stemmer.stem("verstrekken") == stemmer.stem("verstrekking")
    assert stemmer.stem("slachtoffers") == stemmer.stem("slachtoffer")
    assert stemmer.stem("verwerking") == stemmer.stem("verwerken")
    assert stemmer.stem("7.3.11") == "7.3.11" and stemmer.stem("39f") == "39f"


def test_abbreviations_are_case_sensitive_and_kept() -> None:
    assert expand_abbreviations("het BSN") == "het BSN burgerservicenummer"
    assert expand_abbreviations("het OM, om te") == "het OM openbaar ministerie, om te"
    assert tokenize(expand_abbreviations("de ZVH")) == ["zvh", "zorg", "veiligheidshuis"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(list(TEXTS), list(TEXTS.values()))


def test_a_query_compound_finds_the_passage_with_its_parts(index: LexicalIndex) -> None:
    assert index.search("gegevensuitwisseling", 1)[0][0] == "wgs"
    assert index.search("Mag ik het BSN gebruiken?", 1)[0][0] == "uavg"
    assert index.search("Mag het OM gegevens krijgen?", 1)[0][0] == "wpg"
    assert index.search("geheim van de zorgverleners", 1)[0][0] == "big"  # 'beroepsgeheim', plural


def test_the_analyzer_is_saved_with_the_index(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert isinstance(loaded.analyzer, DutchAnalyzer)
    assert loaded.search("gegevensuitwisseling", 4) == index.search("gegevensuitwisseling", 4)
    (tmp_path / "bm25" / ANALYZER_FILE).unlink()  # an index saved before analyzers were stored
    assert isinstance(LexicalIndex.load(tmp_path / "bm25").analyzer, PlainAnalyzer)
    (tmp_path / "bm25" / ANALYZER_FILE).write_text('{"name": "dutch/9", "vocabulary": {}}', encoding="utf-8")
    with pytest.raises(KbError, match=r"analyzer 'dutch/9' is unknown.*ingest --force"):
        LexicalIndex.load(tmp_path / "bm25")
