"""`deelwijzer eval covenants`: the covenant check against the ground truth of the test covenants.

Renders evals/covenants/*.md to PDF in a temporary folder (build products, never committed), checks each one,
and compares every item's status with `<name>.truth.yaml`. Prints one row per checklist item (accuracy on the
development covenants and on the covenant kept out of development), verifies every quote against its page's
text and every key in the knowledge base, and checks that the image-only PDF is refused.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from ruamel.yaml import YAML

from bot.covenant.check import CovenantChecker
from bot.covenant.errors import CovenantFileError
from bot.covenant.quotes import quote_on_page
from bot.covenant.reading import read_pages
from bot.covenant.report import CovenantReport
from evals.covenant_pdfs import COVENANT_DIR, SCAN_NAME, render, render_scan

OCR_MESSAGE = "geen tekst, scan eerst met OCR"


class Truth(BaseModel):
    covenant: str
    unseen: bool = False
    planted: list[str] = []
    parties: list[str] = []
    items: dict[str, str]


def load_truths(folder: Path = COVENANT_DIR) -> list[Truth]:
    yaml = YAML(typ="safe")
    return [
        Truth.model_validate(yaml.load(p.read_text(encoding="utf-8")))
        for p in sorted(folder.glob("*.truth.yaml"))
    ]


@dataclass
class CovenantResult:
    truth: Truth
    report: CovenantReport
    wrong: dict[str, tuple[str, str]]  #: item -> (expected, got)
    bad_quotes: list[str]
    bad_keys: list[str]

    @property
    def parties_found(self) -> list[str]:
        return [party.role for party in self.report.parties]


@dataclass
class Evaluation:
    results: list[CovenantResult] = field(default_factory=list)
    scan_refused: str = ""  #: the error message for the image-only PDF ('' when it was not refused)

    def accuracy(self, unseen: bool | None = None, item: str | None = None) -> tuple[int, int]:
        right = total = 0
        for result in self._of(unseen):
            for item_id in result.truth.items:
                if item is None or item == item_id:
                    total += 1
                    right += item_id not in result.wrong
        return right, total

    def _of(self, unseen: bool | None) -> Iterable[CovenantResult]:
        return [r for r in self.results if unseen is None or r.truth.unseen == unseen]


def evaluate(
    checker: CovenantChecker, folder: Path = COVENANT_DIR, include_unseen: bool = True
) -> Evaluation:
    evaluation = Evaluation()
    with tempfile.TemporaryDirectory(prefix="deelwijzer-covenants-") as tmp:
        for truth in load_truths(folder):
            if truth.unseen and not include_unseen:
                continue
            pdf = render(folder / f"{truth.covenant}.md", Path(tmp) / f"{truth.covenant}.pdf")
            evaluation.results.append(_check_one(checker, truth, pdf.read_bytes(), pdf.name))
        scan = render_scan(folder / "01-zvh-mensenhandel-sound.md", Path(tmp) / SCAN_NAME)
        try:
            checker.check(scan.read_bytes(), scan.name)
        except CovenantFileError as error:
            evaluation.scan_refused = str(error) if OCR_MESSAGE in str(error) else ""
    return evaluation


def _check_one(checker: CovenantChecker, truth: Truth, data: bytes, name: str) -> CovenantResult:
    report = checker.check(data, name)
    pages = {page.number: page for page in read_pages(data, name)}
    got = {item.id: item.status for item in report.items}
    wrong = {k: (v, got.get(k, "-")) for k, v in truth.items.items() if got.get(k) != v}
    bad_quotes = [
        f"{item.id} p. {q.page}: {q.text[:60]}"
        for item in report.items
        for q in item.quotes
        if q.page not in pages or not quote_on_page(q.text, pages[q.page])
    ]
    keys = {key for item in report.items for key in item.keys} | {
        k for p in report.parties for k in p.basis_keys
    }
    bad_keys = sorted(key for key in keys if not checker.verifier.exists(key))
    return CovenantResult(truth, report, wrong, bad_quotes, bad_keys)


def item_table(evaluation: Evaluation) -> list[tuple[str, ...]]:
    """Rows: item, dev accuracy, unseen accuracy, all."""
    items = list(dict.fromkeys(k for r in evaluation.results for k in r.truth.items))
    rows = [(item, *(_cell(evaluation.accuracy(u, item)) for u in (False, True, None))) for item in items]
    rows.append(("TOTAAL", *(_cell(evaluation.accuracy(u)) for u in (False, True, None))))
    return rows


def _cell(score: tuple[int, int]) -> str:
    right, total = score
    return f"{right}/{total} ({right / total:.0%})" if total else "—"


def to_json(evaluation: Evaluation) -> str:
    return json.dumps(
        {
            "items": [dict(zip(("item", "dev", "unseen", "all"), row, strict=True))
                      for row in item_table(evaluation)],
            "covenants": [
                {"covenant": r.truth.covenant, "unseen": r.truth.unseen, "wrong": r.wrong,
                 "parties": r.parties_found, "expected_parties": r.truth.parties,
                 "bad_quotes": r.bad_quotes, "bad_keys": r.bad_keys}
                for r in evaluation.results
            ],
            "scan_refused": evaluation.scan_refused,
        },
        ensure_ascii=False,
        indent=2,
    )  # fmt: skip


def covenants(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the per-item table and misses here.")
    ] = None,
    unseen: Annotated[bool, typer.Option(help="Include the covenant kept out of development.")] = True,
) -> None:
    """Check the test covenants against their ground truth: accuracy per checklist item."""
    from kb.local_kb import open_knowledge_base
    from kb.settings import get_settings

    console = Console()
    store = open_knowledge_base(get_settings(), None)
    try:
        evaluation = evaluate(CovenantChecker(store), include_unseen=unseen)
    finally:
        store.close()
    table = Table("item", "ontwikkel-convenanten", "ongezien convenant", "alle", title="Convenant toetsen")
    for row in item_table(evaluation):
        table.add_row(*row)
    console.print(table)
    for result in evaluation.results:
        tag = " (ongezien)" if result.truth.unseen else ""
        misses = ", ".join(f"{k}: {want}→{got}" for k, (want, got) in result.wrong.items()) or "geen"
        quotes, keys = len(result.bad_quotes), len(result.bad_keys)
        checks = f"citaten niet gevonden {quotes}; sleutels niet geverifieerd {keys}"
        console.print(
            f"{result.truth.covenant}{tag}: fout {misses}; partijen {result.parties_found}; {checks}"
        )
    console.print(f"scan zonder tekstlaag geweigerd: {'ja' if evaluation.scan_refused else 'NEE'}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(to_json(evaluation), encoding="utf-8")
