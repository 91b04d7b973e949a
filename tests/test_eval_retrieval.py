"""Retrieval evaluation: metric values by hand, BEIR folders read and refused, the project's BEIR set built
from a real knowledge base, and one small end-to-end run of every system with the real e5 model. The small
BEIR documents below are written for this test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_fakes import HashEmbedder

from evals.beir import (
    PROJECT_SET,
    STATUTE_QUESTIONS,
    BeirDoc,
    BeirError,
    BeirSet,
    doc_id,
    kb_corpus,
    load_beir,
    project_queries,
    read_qrels,
    read_queries,
    read_statute_questions,
    statute_qa,
    write_corpus,
    write_qrels,
    write_queries,
)
from evals.case_files import Case, load_cases
from evals.retrieval_eval import (
    beir_documents,
    beir_passage,
    evaluate_beir,
    first_relevant,
    mrr_at,
    ndcg_at,
    recall_at,
    score_runs,
)
from ingest.readers.bwb_xml import BwbXmlReader
from kb.builds import write_build
from kb.citations import article_level
from kb.embedders import make_embedder
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.registry import load_registry
from kb.settings import Settings

REPO = Path(__file__).resolve().parent.parent

# --- metrics ----------------------------------------------------------------------------------------------


def test_recall_ndcg_mrr_by_hand() -> None:
    relevant = {"a": 1, "b": 1, "c": 0}
    ranked = ["x", "a", "y", "b"]
    assert recall_at(ranked, relevant, 1) == 0.0
    assert recall_at(ranked, relevant, 2) == 0.5
    assert recall_at(ranked, relevant, 10) == 1.0
    assert mrr_at(ranked, relevant, 10) == 0.5
    assert mrr_at(ranked, relevant, 1) == 0.0
    assert first_relevant(ranked, relevant) == 2
    ideal = 1 + 1 / 1.584962500721156  # log2(3)
    dcg = 1 / 1.584962500721156 + 1 / 2.321928094887362  # ranks 2 and 4
    assert ndcg_at(ranked, relevant, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "b"], relevant, 10) == 1.0
    assert ndcg_at(["c"], relevant, 10) == 0.0


def test_scores_are_means_over_queries() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}}
    metrics = score_runs({"q1": ["a"], "q2": ["x", "b"]}, qrels)
    assert metrics.recall == {"R@1": 0.5, "R@5": 0.75, "R@10": 0.75, "R@100": 0.75}
    assert metrics.mrr_10 == 0.75


# --- BEIR folders -----------------------------------------------------------------------------------------

DOCS = {
    "d1": ("Opvang", "Het opvanghuis biedt slachtoffers een veilige slaapplaats en een mentor."),
    "d2": ("Fietsen", "De gemeente repareert fietspaden en plaatst lantaarnpalen langs de dijk."),
    "d3": ("Bakkerij", "De bakker bakt elke ochtend zuurdesembrood, krentenbollen en appeltaart."),
    "d4": ("Tolk", "Een tolk vertaalt het gesprek tussen de rechercheur en het slachtoffer."),
    "d5": ("Lang", " ".join(f"Zin {n}: de bewaartermijn van dossiers in het archief." for n in range(60))),
}
QUERIES = {
    "q1": "Waar kan een slachtoffer veilig slapen?",
    "q2": "Wie vertaalt tijdens het verhoor?",
    "q3": "krentenbollen",
    "q4": "Hoe lang bewaart het archief dossiers?",
}
QRELS = {"q1": {"d1": 1}, "q2": {"d4": 1}, "q3": {"d3": 1}, "q4": {"d5": 1}}


def small_beir(folder: Path) -> Path:
    write_corpus(folder, [BeirDoc(id=i, title=t, text=x) for i, (t, x) in DOCS.items()])
    write_queries(folder, QUERIES)
    write_qrels(folder, QRELS)
    return folder


def test_a_beir_folder_round_trips(tmp_path: Path) -> None:
    beir = load_beir(small_beir(tmp_path / "mini"))
    assert beir.name == "mini"
    assert sorted(beir.corpus) == ["d1", "d2", "d3", "d4", "d5"]
    assert beir.corpus["d3"].full_text.startswith("Bakkerij\nDe bakker")
    assert beir.queries == QUERIES and beir.qrels == QRELS
    header = (tmp_path / "mini" / "qrels" / "test.tsv").read_text().splitlines()[0]
    assert header == "query-id\tcorpus-id\tscore"


def test_bad_beir_folders_name_the_file_and_line(tmp_path: Path) -> None:
    folder = small_beir(tmp_path / "bad")
    (folder / "corpus.jsonl").unlink()
    with pytest.raises(BeirError, match=r"corpus.jsonl: missing.*python -m evals.beir"):
        load_beir(folder)
    small_beir(folder)
    with (folder / "queries.jsonl").open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(BeirError, match=r"queries.jsonl:5: not valid JSON"):
        load_beir(folder)
    small_beir(folder)
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td9\t1\n")
    with pytest.raises(BeirError, match=r"query 'q1' judges corpus-id\(s\) \['d9'\]"):
        load_beir(folder)
    (folder / "qrels" / "test.tsv").write_text("q1 d1 1\n")
    with pytest.raises(BeirError, match=r"test.tsv:1: expected 'query-id<TAB>corpus-id<TAB>score'"):
        read_qrels(folder / "qrels" / "test.tsv")
    (folder / "corpus.jsonl").write_text(json.dumps({"_id": "d1", "title": "t"}) + "\n")
    with pytest.raises(BeirError, match=r"corpus.jsonl:1: not a corpus document \(field 'text'"):
        load_beir(folder)


def test_synthetic_passages_for_plain_beir_documents() -> None:
    beir = BeirSet(name="mini", corpus={i: BeirDoc(id=i, title=t, text=x) for i, (t, x) in DOCS.items()},
                   queries=QUERIES, qrels=QRELS)  # fmt: skip
    passage = beir_passage(beir.corpus["d4"], "mini")
    assert (passage.key, passage.section, passage.language) == ("mini § d4", "d4", "nl")
    assert passage.doc_type == "handreiking"
    documents, doc_of = beir_documents(beir)
    assert [d.document_id for d in documents] == ["beir-mini/nl/2000-01-01"]
    assert sorted(doc_of.values()) == ["d1", "d2", "d3", "d4", "d5"]


# --- the project's set ------------------------------------------------------------------------------------

UAVG = "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml"


@pytest.fixture(scope="module")
def uavg_kb(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path
) -> Iterator[LocalKnowledgeBase]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("uavg"))
    embedder = HashEmbedder()
    document = BwbXmlReader().read(corpus_dir / UAVG, load_registry())
    write_build([document], settings=settings, embedder=embedder, file_hashes={}, readers=["bwb-xml"],
                chunker_version="beir-test/1")  # fmt: skip
    kb = open_knowledge_base(settings, embedder)
    yield kb
    kb.close()


def test_project_queries_judge_every_lid_of_the_wanted_articles(uavg_kb: LocalKnowledgeBase) -> None:
    cases = [
        Case(id="p1", question="Mag een woningcorporatie een zwarte lijst bijhouden?", verdict=["mag_niet"],
             must_cite=["UAVG art. 30"], cite_any=["UAVG art. 31", "AVG art. 10"]),
        Case.model_validate({
            "id": "p2", "question": "And the police?", "verdict": [], "must_cite": ["UAVG art. 31"],
            "history": [{"question": "May the municipality share it?"}],
        }),
        Case(id="p3", question="Wat is het weer?", verdict=["buiten_bereik"]),
    ]  # fmt: skip
    queries, qrels = project_queries(cases, uavg_kb)
    assert queries == {"p1": cases[0].question, "p2": "May the municipality share it? And the police?"}
    assert sorted(qrels["p1"]) == [f"UAVG art. 30 lid {n}|nl" for n in range(1, 7)] + ["UAVG art. 31|nl"]
    assert qrels["p2"] == {"UAVG art. 31|nl": 1}  # English question: no English UAVG, so the Dutch text


def test_the_corpus_carries_the_passages_exactly(uavg_kb: LocalKnowledgeBase) -> None:
    docs = {doc.id: doc for doc in kb_corpus(uavg_kb)}
    original = uavg_kb.get("UAVG art. 30 lid 2")
    assert original is not None
    doc = docs[doc_id(original)]
    assert doc.id == "UAVG art. 30 lid 2|nl"
    assert doc.full_text == original.embedding_text()
    rebuilt = beir_passage(BeirDoc.model_validate(json.loads(json.dumps(doc.model_dump(by_alias=True)))), "x")
    assert rebuilt.model_dump(exclude={"document_id"}) == original.model_dump(exclude={"document_id"})


def test_the_committed_project_set_matches_the_gold_cases() -> None:
    cases = {case.id: case for case in load_cases(REPO / "evals" / "cases")}
    queries = read_queries(PROJECT_SET / "queries.jsonl")
    qrels = read_qrels(PROJECT_SET / "qrels" / "test.tsv")
    assert len(queries) >= 100 and set(qrels) == set(queries)
    for qid, judged in qrels.items():
        case = cases[qid]
        assert queries[qid].endswith(case.question)
        wanted = {article_level(key).casefold() for key in [*case.must_cite, *case.cite_any]}
        for corpus_id in judged:
            key, _, language = corpus_id.rpartition("|")
            assert language in ("nl", "en") and article_level(key).casefold() in wanted, (qid, corpus_id)
    assert "AVG art. 6 lid 1|nl" in qrels["gd-02"]


def test_a_statute_qa_set_is_judged_per_article(uavg_kb: LocalKnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "statute"
    write_corpus(folder, kb_corpus(uavg_kb))
    (folder / STATUTE_QUESTIONS).write_text(
        "- id: s1\n  question: Mag een bedrijf een zwarte lijst bijhouden?\n  articles: ['UAVG art. 30']\n"
        "- id: s2\n  question: Welke boete?\n  articles: ['UAVG art. 16', 'UAVG art. 18']\n",
        encoding="utf-8",
    )
    queries, qrels = statute_qa(read_statute_questions(folder / STATUTE_QUESTIONS))
    assert qrels == {"s1": {"UAVG art. 30|nl": 1}, "s2": {"UAVG art. 16|nl": 1, "UAVG art. 18|nl": 1}}
    write_queries(folder, queries)
    write_qrels(folder, qrels)
    beir = load_beir(folder, "article")
    units = beir.unit_of()
    assert units["UAVG art. 30 lid 2|nl"] == "UAVG art. 30|nl"
    assert units["UAVG art. 31|nl"] == "UAVG art. 31|nl"
    with pytest.raises(BeirError, match=r"'s1' judges corpus-id\(s\) \['UAVG art. 30\|nl'\]"):
        load_beir(folder)  # at passage level an article id is no corpus document
    write_qrels(folder, {"s1": {"UAVG art. 999|nl": 1}})
    with pytest.raises(BeirError, match=r"query 's1' judges article\(s\) \['UAVG art. 999\|nl'\]"):
        load_beir(folder, "article")


def test_bad_statute_questions_name_the_file_and_item(tmp_path: Path) -> None:
    path = tmp_path / STATUTE_QUESTIONS
    path.write_text("- id: s1\n  question: Mag dat?\n  articles: []\n", encoding="utf-8")
    with pytest.raises(BeirError, match=r"questions.yaml: item 1: field 'articles'"):
        read_statute_questions(path)
    path.write_text("- id: s1\n  question: Mag dat?\n  articles: ['de AVG']\n", encoding="utf-8")
    with pytest.raises(BeirError, match=r"questions.yaml: item 1 \(s1\)"):
        read_statute_questions(path)


@pytest.mark.parametrize("name", ["statute-qa-dev", "statute-qa-test"])
def test_the_committed_statute_sets_cite_articles_of_the_stored_laws(name: str) -> None:
    questions = read_statute_questions(PROJECT_SET.parent / name / STATUTE_QUESTIONS)
    assert len(questions) == 100 and len({q.id for q in questions}) == 100
    laws = {key.split(" art. ")[0].split(" overweging ")[0] for q in questions for key in q.articles}
    assert laws == {"AVG", "UAVG", "Wpg", "Besluit politiegegevens", "WGS", "Besluit meldcode", "Jeugdwet",
                    "Wmo 2015", "Wet BIG", "Wjsg", "Vw 2000", "Grondwet"}  # fmt: skip


# --- one end-to-end run -----------------------------------------------------------------------------------


@pytest.mark.model
def test_every_system_on_a_small_set_with_the_real_model(tmp_path: Path, test_cache_dir: Path) -> None:
    settings = Settings(data_dir=tmp_path / "unused", models_folder=test_cache_dir / "models",
                        cache_folder=test_cache_dir / "cache")  # fmt: skip
    beir = load_beir(small_beir(tmp_path / "mini"))
    report = evaluate_beir(beir, settings, make_embedder(settings))
    assert list(report.systems) == ["deelwijzer", "hybrid", "bm25", "dense", "naive"]
    assert (report.queries, report.documents, report.retrieval["candidates"]) == (4, 5, 100)
    for name in ("hybrid", "dense", "naive"):
        assert report.systems[name].recall["R@100"] == 1.0, name  # five documents: each one is found
        assert report.systems[name].latency_p50_ms is not None
    # the engine retrieves nothing for a question its assessment puts out of scope (and names no provision)
    assert report.first_relevant_rank["deelwijzer"]["q3"] is None
    assert report.systems["deelwijzer"].recall["R@100"] < 1.0
    assert report.first_relevant_rank["bm25"]["q3"] == 1  # the only document with that word
    assert report.first_relevant_rank["dense"]["q1"] == 1
    assert report.first_relevant_rank["naive"]["q4"] == 1  # the long document, chunked, maps back to d5
    assert not (tmp_path / "unused").exists()  # the store lived in a temporary dir
