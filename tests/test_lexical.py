"""The BM25 index: tokenizer for Dutch and English legal text, build / save / load, search with a mask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.errors import KbError
from kb.lexical import LexicalIndex, tokenize

TEXTS = {
    "jeugdwet": "Jeugdwet art. 7.3.11 lid 4. De jeugdhulpaanbieder verstrekt gegevens aan het college.",
    "bpg": "Besluit politiegegevens art. 4:2 lid 1. Politiegegevens worden verstrekt aan de burgemeester.",
    "wjsg": "Wjsg art. 39f lid 1. Justitiële gegevens worden verstrekt ter voorkoming van strafbare feiten.",
    "avg": "AVG art. 9 lid 1. Verwerking van gezondheidsgegevens is verboden.",
    "gdpr": "AVG art. 9 lid 1. Processing of data concerning health shall be prohibited.",
}


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(list(TEXTS), list(TEXTS.values()))


def test_tokenize_keeps_article_numbers_and_sub_labels() -> None:
    assert tokenize("Jeugdwet artikel 7.3.11, lid 4 onder e") == [
        "jeugdwet",
        "art",
        "7.3.11",
        "lid",
        "4",
        "onder",
        "e",
    ]
    assert tokenize("art. 4:2 en art. 39f.") == ["art", "4:2", "art", "39f"]
    assert tokenize("Article 6(1)(e) GDPR") == ["art", "6", "1", "e", "gdpr"]


def test_tokenize_folds_case_and_diacritics_and_drops_stopwords() -> None:
    assert tokenize("Justitiële GEGEVENS café") == ["justitiele", "gegevens", "cafe"]
    assert tokenize("Mag ik de gegevens van een cliënt delen met de politie?") == [
        "gegevens",
        "client",
        "delen",
        "politie",
    ]
    assert tokenize("the processing of data is not lawful") == ["processing", "data", "not", "lawful"]


def test_search_finds_article_numbers_and_folded_words(index: LexicalIndex) -> None:
    assert index.search("artikel 7.3.11", 1)[0][0] == "jeugdwet"
    assert index.search("art 4:2", 1)[0][0] == "bpg"
    assert index.search("39f", 1)[0][0] == "wjsg"
    assert index.search("justitiele gegevens", 1)[0][0] == "wjsg"
    assert index.search("health prohibited", 1)[0][0] == "gdpr"


def test_search_ranks_best_first_and_drops_zero_scores(index: LexicalIndex) -> None:
    hits = index.search("gegevens verstrekt burgemeester", 10)
    assert hits[0][0] == "bpg"
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    assert {uid for uid, _ in hits} == {"bpg", "jeugdwet", "wjsg"}  # 'avg' and 'gdpr' share no word
    assert index.search("onbekendwoord", 5) == []
    assert index.search("de het een", 5) == []  # stopwords only


def test_mask_excludes_documents(index: LexicalIndex) -> None:
    mask = np.array([uid != "bpg" for uid in index.uids])
    hits = index.search("gegevens verstrekt burgemeester", 10, mask)
    assert "bpg" not in {uid for uid, _ in hits} and hits[0][0] in {"jeugdwet", "wjsg"}


def test_save_and_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.uids == list(TEXTS)
    assert loaded.search("politiegegevens burgemeester", 3) == index.search("politiegegevens burgemeester", 3)


def test_empty_index_and_bad_input(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], [])
    empty.save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty").search("gegevens", 5) == []
    with pytest.raises(KbError, match="2 uids but 1 texts"):
        LexicalIndex.build(["a", "b"], ["tekst"])
    with pytest.raises(KbError, match=r"uids\.json: lexical index has no uid list"):
        LexicalIndex.load(tmp_path / "missing")
