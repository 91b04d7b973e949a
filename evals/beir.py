"""BEIR folders (corpus.jsonl, queries.jsonl, qrels/test.tsv): read, write, and the project's own set.

    beir = load_beir(Path("evals/out/beir-deelwijzer"))

The project's set (evals/beir/deelwijzer) holds the gold cases' questions that name provisions
(must_cite / cite_any) and, as relevant documents, every passage of each wanted article in the current
knowledge base. Its corpus is the knowledge base itself and is never committed: write it at run time with

    python -m evals.beir --corpus ../shared/corpus --out evals/out/beir-deelwijzer

which builds the knowledge base in a temporary data dir (the embedding cache is shared, see --cache-folder)
and copies the committed queries and qrels beside the corpus. `--write-queries` regenerates those two files
from the cases and the knowledge base.

The statute QA sets (evals/beir/statute-qa-dev, statute-qa-test) hold questions.yaml: Dutch questions, each
answered by one article (rarely two or three), written blind from the corpus texts by helpers who saw neither
the search code nor each other's set. They are judged per article (`--level article`):

    python -m evals.beir --corpus ../shared/corpus --out evals/out/statute-qa-test --set statute-qa-test
    deelwijzer eval retrieval --beir evals/out/statute-qa-test --level article

Search is tuned on the gold cases' set and statute-qa-dev only; statute-qa-test is the held-out measure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from bot.vocabulary import detect_language
from evals.case_files import Case, load_cases
from kb.citations import article_level, parse_key
from kb.errors import CitationKeyError, DeelwijzerError
from kb.knowledge_base import KnowledgeBase
from kb.passages import Passage

PROJECT_SET = Path(__file__).resolve().parent / "beir" / "deelwijzer"
CASES_DIR = Path(__file__).resolve().parent / "cases"
CORPUS_FILE = "corpus.jsonl"
QUERIES_FILE = "queries.jsonl"
QRELS_FILE = Path("qrels") / "test.tsv"
STATUTE_QUESTIONS = "questions.yaml"
#: metadata key of a corpus document that carries a whole Passage (the project's own set)
PASSAGE_METADATA = "passage"


class BeirError(DeelwijzerError, ValueError):
    """A BEIR folder or file that cannot be read; the message names the file and line."""


class BeirDoc(BaseModel):
    id: str = Field(alias="_id")
    title: str = ""
    text: str
    metadata: dict[str, Any] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}

    @property
    def full_text(self) -> str:
        """Title and text as one string: what a system without a title field indexes."""
        return f"{self.title}\n{self.text}" if self.title else self.text


Level = Literal["passage", "article"]
LEVELS: tuple[Level, ...] = ("passage", "article")


@dataclass
class BeirSet:
    """A BEIR set. At level 'article' the qrels judge articles ('AVG art. 6|nl'), not corpus documents: a
    system's ranking of passages counts each article once, at the rank of its best passage, which is how a
    statute question-answering set is scored (the answer is an article; which lid is found first does not
    matter). The corpus stays the knowledge base's passages, so the systems search what production
    searches."""

    name: str
    corpus: dict[str, BeirDoc]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    level: Level = "passage"

    def unit_of(self) -> dict[str, str]:
        """Corpus id -> the id the qrels judge: itself, or at level 'article' its article id."""
        if self.level == "passage":
            return {doc_id: doc_id for doc_id in self.corpus}
        return {doc_id: article_id(doc) for doc_id, doc in self.corpus.items()}

    def judged_queries(self) -> dict[str, str]:
        """The queries that have at least one relevant document (the ones that are scored)."""
        return {qid: text for qid, text in self.queries.items() if any(self.qrels.get(qid, {}).values())}


# --- read -----------------------------------------------------------------------------------------------


def load_beir(folder: Path, level: Level = "passage") -> BeirSet:
    """A BEIR folder; BeirError names the missing file or the bad line."""
    for name in (CORPUS_FILE, QUERIES_FILE, str(QRELS_FILE)):
        if not (folder / name).is_file():
            hint = " (write it with `python -m evals.beir --corpus DIR --out DIR`)"
            raise BeirError(
                f"{folder / name}: missing; a BEIR folder holds {CORPUS_FILE}, {QUERIES_FILE} and "
                f"{QRELS_FILE}{hint if name == CORPUS_FILE else ''}"
            )
    corpus = {doc.id: doc for doc in read_corpus(folder / CORPUS_FILE)}
    queries = read_queries(folder / QUERIES_FILE)
    qrels = read_qrels(folder / QRELS_FILE)
    beir = BeirSet(name=folder.name, corpus=corpus, queries=queries, qrels=qrels, level=level)
    _check_qrels(qrels, queries, set(beir.unit_of().values()), folder / QRELS_FILE, level)
    return beir


def read_corpus(path: Path) -> list[BeirDoc]:
    docs: list[BeirDoc] = []
    for where, data in _jsonl(path):
        try:
            docs.append(BeirDoc.model_validate(data))
        except ValidationError as exc:
            raise BeirError(
                f"{where}: not a corpus document ({_first_error(exc)}); "
                'expected {"_id": ..., "title": ..., "text": ...}'
            ) from None
    return docs


def read_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    for where, data in _jsonl(path):
        qid, text = data.get("_id"), data.get("text")
        if not isinstance(qid, str | int) or not isinstance(text, str) or not text.strip():
            raise BeirError(f'{where}: expected {{"_id": ..., "text": "..."}} with a non-empty text')
        queries[str(qid)] = text
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query-id -> corpus-id -> score; the header line ('query-id corpus-id score') is skipped."""
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if not line.strip() or (number == 1 and parts[0] == "query-id"):
            continue
        if len(parts) != 3 or not parts[2].strip().lstrip("-").isdigit():
            raise BeirError(f"{path}:{number}: expected 'query-id<TAB>corpus-id<TAB>score', got {line!r}")
        qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return qrels


def _jsonl(path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BeirError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise BeirError(f"{path}:{number}: expected a JSON object, got {type(data).__name__}")
            yield f"{path}:{number}", data


def _check_qrels(
    qrels: dict[str, dict[str, int]], queries: dict[str, str], units: set[str], path: Path, level: Level
) -> None:
    what = "corpus-id(s)" if level == "passage" else "article(s)"
    for qid, docs in qrels.items():
        if qid not in queries:
            raise BeirError(f"{path}: query-id {qid!r} is not in {QUERIES_FILE}")
        missing = sorted(doc for doc in docs if doc not in units)
        if missing:
            raise BeirError(
                f"{path}: query {qid!r} judges {what} {missing[:3]} that {CORPUS_FILE} lacks; "
                "write the corpus from the same knowledge base"
            )


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"field '{'.'.join(str(p) for p in first['loc'])}': {first['msg']}"


# --- write ----------------------------------------------------------------------------------------------


def write_corpus(folder: Path, docs: Iterable[BeirDoc]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(doc.model_dump(by_alias=True), ensure_ascii=False) for doc in docs]
    (folder / CORPUS_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def write_queries(folder: Path, queries: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"_id": qid, "text": text}, ensure_ascii=False) for qid, text in queries.items()]
    (folder / QUERIES_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_qrels(folder: Path, qrels: dict[str, dict[str, int]]) -> None:
    (folder / QRELS_FILE).parent.mkdir(parents=True, exist_ok=True)
    rows = ["query-id\tcorpus-id\tscore"]
    rows += [f"{qid}\t{doc}\t{score}" for qid, docs in qrels.items() for doc, score in docs.items()]
    (folder / QRELS_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8")


# --- statute question answering sets ---------------------------------------------------------------------


class StatuteQuestion(BaseModel):
    """One question of a statute QA set (evals/beir/statute-qa-*/questions.yaml): the articles answer it."""

    id: str
    question: str = Field(min_length=1)
    articles: list[str] = Field(min_length=1)
    note: str = ""


def read_statute_questions(path: Path) -> list[StatuteQuestion]:
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BeirError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(items, list):
        raise BeirError(f"{path}: expected a YAML list of {{id, question, articles}}")
    questions = []
    for number, item in enumerate(items, start=1):
        try:
            question = StatuteQuestion.model_validate(item)
            for key in question.articles:
                parse_key(key)
        except ValidationError as exc:
            raise BeirError(f"{path}: item {number}: {_first_error(exc)}") from None
        except CitationKeyError as exc:
            raise BeirError(f"{path}: item {number} ({question.id}): {exc}") from None
        questions.append(question)
    return questions


def statute_qa(questions: Sequence[StatuteQuestion], language: str = "nl") -> tuple[dict[str, str], Qrels]:
    """Queries and article-level qrels ('Jeugdwet art. 7.3.8|nl') of a statute QA set."""
    queries = {q.id: q.question for q in questions}
    qrels = {q.id: {f"{article_level(key)}|{language}": 1 for key in q.articles} for q in questions}
    return queries, qrels


def set_level(folder: Path) -> Level:
    """A committed set of statute questions is judged per article; one of queries and qrels per passage."""
    return "article" if (folder / STATUTE_QUESTIONS).is_file() else "passage"


def copy_set(folder: Path, out: Path) -> None:
    """Put a committed set's queries and qrels beside a corpus in `out`."""
    if set_level(folder) == "article":
        queries, qrels = statute_qa(read_statute_questions(folder / STATUTE_QUESTIONS))
        write_queries(out, queries)
        write_qrels(out, qrels)
        return
    shutil.copyfile(folder / QUERIES_FILE, out / QUERIES_FILE)
    (out / QRELS_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / QRELS_FILE, out / QRELS_FILE)


# --- the project's set ------------------------------------------------------------------------------------


def doc_id(passage: Passage) -> str:
    """The corpus id of a knowledge-base passage: its key and language, e.g. 'AVG art. 6 lid 1|nl'."""
    return f"{passage.key}|{passage.language}"


def article_id(doc: BeirDoc) -> str:
    """The article a corpus document belongs to, e.g. 'AVG art. 6|nl' for 'AVG art. 6 lid 1 sub e|nl'; a
    document that carries no passage is its own article."""
    stored = doc.metadata.get(PASSAGE_METADATA)
    if not isinstance(stored, dict) or not isinstance(stored.get("key"), str):
        return doc.id
    return f"{article_level(stored['key'])}|{stored.get('language', 'nl')}"


def passage_head(passage: Passage) -> str:
    """The embedding text without the passage text: key, headings, title (kb.passages.Passage)."""
    return passage.embedding_text().removesuffix(passage.text).rstrip("\n")


def kb_corpus(kb: KnowledgeBase) -> list[BeirDoc]:
    """Every current passage as a corpus document; the passage rides along in the metadata, so the
    project's pipeline can rebuild it exactly (same keys, same embedding text)."""
    return [
        BeirDoc(
            id=doc_id(p),
            title=passage_head(p),
            text=p.text,
            metadata={PASSAGE_METADATA: p.model_dump(exclude={"text"})},
        )
        for p in kb.passages()
    ]


Qrels = dict[str, dict[str, int]]


def project_queries(cases: Sequence[Case], kb: KnowledgeBase) -> tuple[dict[str, str], Qrels]:
    """Queries and qrels from the cases that name provisions. A follow-up's query is its earlier questions
    and the question joined; relevant = every passage of each wanted article, in the query's language
    (the other language when the article has none in it)."""
    index = _ArticleIndex(kb.passages())
    queries: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    for case in cases:
        wanted = [*case.must_cite, *case.cite_any]
        text = " ".join([*(turn.question for turn in case.history), case.question])
        relevant = {doc_id(p): 1 for key in wanted for p in index.find(key, detect_language(case.question))}
        if relevant:
            queries[case.id] = text
            qrels[case.id] = relevant
    return queries, qrels


class _ArticleIndex:
    """Current passages by article-level key (or full key for recitals and sections), per language."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        self._by: dict[tuple[str, str], list[Passage]] = {}
        for passage in passages:
            self._by.setdefault((_level(passage.key), passage.language), []).append(passage)

    def find(self, key: str, language: str) -> list[Passage]:
        other = "en" if language == "nl" else "nl"
        return self._by.get((_level(key), language)) or self._by.get((_level(key), other)) or []


def _level(key: str) -> str:
    try:
        return parse_key(key).article_key.casefold()
    except CitationKeyError:
        return key.casefold()


# --- command line -----------------------------------------------------------------------------------------


def _open_kb(args: argparse.Namespace, workdir: Path) -> KnowledgeBase:
    """Build the knowledge base from --corpus in `workdir` (shared model and cache folders), or open the
    configured one when no corpus is given."""
    from ingest.pipeline import ingest_folder
    from kb.embedders import make_embedder
    from kb.local_kb import open_knowledge_base
    from kb.settings import get_settings

    base = get_settings()
    if args.corpus is None:
        return open_knowledge_base(base, make_embedder(base))
    settings = base.model_copy(
        update={
            "data_dir": workdir,
            "corpus_dir": args.corpus,
            "models_folder": args.models_folder or base.models_dir,
            "cache_folder": args.cache_folder or base.cache_dir,
        }
    )
    embedder = make_embedder(settings)
    ingest_folder(settings, embedder, args.corpus)
    return open_knowledge_base(settings, embedder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.beir", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="Corpus folder to build the knowledge base from.")
    parser.add_argument("--out", type=Path, required=True, help="BEIR folder to write (under evals/out/).")
    parser.add_argument("--cases", type=Path, default=CASES_DIR, help="Gold cases (for --write-queries).")
    parser.add_argument("--models-folder", type=Path, help="Converted models (default: from settings).")
    parser.add_argument("--cache-folder", type=Path, help="Embedding cache (default: from settings).")
    parser.add_argument(
        "--set",
        default=PROJECT_SET.name,
        choices=sorted(path.name for path in PROJECT_SET.parent.iterdir() if path.is_dir()),
        help="Which committed query set goes beside the corpus (default: the gold cases' set).",
    )
    parser.add_argument(
        "--write-queries",
        action="store_true",
        help=f"Also regenerate queries and qrels into --out (commit them to {PROJECT_SET}).",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deelwijzer-beir-") as workdir:
        kb = _open_kb(args, Path(workdir))
        count = write_corpus(args.out, kb_corpus(kb))
        if args.write_queries:
            queries, qrels = project_queries(load_cases(args.cases), kb)
            write_queries(args.out, queries)
            write_qrels(args.out, qrels)
        else:
            copy_set(PROJECT_SET.parent / args.set, args.out)
        close = getattr(kb, "close", None)
        if callable(close):
            close()
    load_beir(args.out, set_level(PROJECT_SET.parent / args.set))  # the corpus and the qrels must agree
    judged = len(read_queries(args.out / QUERIES_FILE))
    print(f"{args.out}: {count} documents, {judged} queries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
