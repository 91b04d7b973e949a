"""The Deelkaart (issue 16) on a real slice knowledge base with the real engine: every cell equals `ask`
with the same facts, cells are cached per build, agreements are stored and exported, and the exports (CSV,
JSON, landscape PDF with legend and build) hold what the map holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import build_slice
from matrix_support import SLICE, real_engine
from pypdf import PdfReader

from bot.answer import Clarify
from bot.engine import Engine
from bot.inputs import InputError
from bot.matrix.agreements import AgreementError, AgreementIn, AgreementStore, check_agreement
from bot.matrix.axes import CHAIN_ROLES, MapRequest
from bot.matrix.compute import DeelMap, _status, compute_map
from bot.matrix.export import NO_RULE, to_csv, to_json, to_pdf
from bot.verify import collapse
from kb.local_kb import LocalKnowledgeBase

HEALTH_CARE = MapRequest(data="gezondheid", purpose="hulpverlening")


@pytest.fixture(scope="module")
def slice_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    store = build_slice(tmp_path_factory.mktemp("matrix-kb"), corpus_dir, SLICE)
    yield store
    store.close()


@pytest.fixture(scope="module")
def engine(slice_kb: LocalKnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return real_engine(slice_kb, tmp_path_factory.mktemp("matrix-engine"))


@pytest.fixture(scope="module")
def deelkaart(engine: Engine) -> DeelMap:
    return compute_map(engine, HEALTH_CARE)


def test_every_cell_equals_ask_with_the_same_facts(engine: Engine, deelkaart: DeelMap) -> None:
    assert len(deelkaart.cells) == len(CHAIN_ROLES) ** 2
    for cell in deelkaart.cells:
        answer = engine.answer("", facts=HEALTH_CARE.facts(cell.sender, cell.recipient))
        where = f"{cell.sender} -> {cell.recipient}"
        assert cell.verdict == answer.verdict, where
        cited = [c.key for c in answer.citations]
        assert cited[: len(cell.keys)] == cell.keys, where  # the same provisions, then 'mogelijk relevant'
        assert cell.question == (answer.clarify.question if answer.clarify else ""), where


def test_every_cited_provision_is_the_stored_text(slice_kb: LocalKnowledgeBase, deelkaart: DeelMap) -> None:
    cited = {(key, version) for cell in deelkaart.cells for key, version in cell.versions.items()}
    assert cited, "the map cites nothing"
    for key, version in cited:
        passage = slice_kb.get(key)
        assert passage is not None, key
        assert passage.version_date == version, key
    politie = deelkaart.cell("arts", "veilig_thuis")
    assert politie.keys and all(key in politie.versions for key in politie.keys)


def test_status_coverage_and_no_rule(deelkaart: DeelMap) -> None:
    c = deelkaart.coverage
    assert c.by_rule + c.open + c.no_rule == c.cells == len(deelkaart.cells)
    assert sum(c.verdicts.values()) == c.cells
    assert c.covered == pytest.approx((c.by_rule + c.open) / c.cells, abs=1e-4)
    for cell in deelkaart.cells:
        assert (cell.rule == "") == (cell.status == "geen_regel") or cell.status == "open"
        if cell.status == "open":
            assert cell.verdict == "hangt_af" and cell.question and len(cell.options) >= 2


def test_status_names_rule_open_question_and_no_rule() -> None:
    """With every circumstance but consent set, `open` arises only where a 'mag' turns on consent (no map of
    the current rules has one); the mapping itself is checked here, the cells against `ask` above."""
    question = Clarify(fact="consent", question="Is er toestemming?", options=[])
    assert _status("hangt_af", True, question) == "open"
    assert _status("mag_mits", True, None) == "regel"
    assert _status("hangt_af", False, None) == "geen_regel"
    assert _status("buiten_bereik", True, None) == "geen_regel"


def test_switches_change_the_facts_and_the_map_is_cached(engine: Engine) -> None:
    minor = MapRequest(data="gezondheid", purpose="hulpverlening", minor=True, consent="refused")
    facts = minor.facts("jeugdhulp", "gemeente")
    assert facts["minor"] is True and facts["consent"] == "refused" and facts["recipients"] == ["gemeente"]
    first = compute_map(engine, minor, roles=CHAIN_ROLES[:6])
    again = compute_map(engine, minor, roles=CHAIN_ROLES[:6])
    assert again.seconds == 0.0 and again.cells == first.cells
    assert first.kb_build == engine.kb.manifest.build_id


def test_unknown_ids_are_refused_naming_the_field(engine: Engine) -> None:
    with pytest.raises(InputError) as caught:
        compute_map(engine, MapRequest(data="geheim", purpose="hulpverlening"))
    assert caught.value.field == "data" and "gezondheid" in caught.value.message


def test_agreements_are_stored_checked_and_removed(tmp_path: Path) -> None:
    agreements = AgreementStore(tmp_path / "agreements.sqlite3")
    roles, data, purposes = set(CHAIN_ROLES), {"gezondheid"}, {"hulpverlening"}
    item = AgreementIn(
        data="gezondheid", purpose="hulpverlening", sender="politie", recipient="comensha",
        text="  Altijd via de privacy officer. ", author="M. de Vries, teamleider",
    )  # fmt: skip
    stored = agreements.add(check_agreement(item, roles, data, purposes))
    assert stored.text == "Altijd via de privacy officer." and stored.created[:4].isdigit()
    assert [a.id for a in agreements.for_map("gezondheid", "hulpverlening")] == [stored.id]
    assert agreements.for_map("gewoon", "hulpverlening") == []
    for bad, field in ((item.model_copy(update={"text": " "}), "text"),
                       (item.model_copy(update={"sender": "maffia"}), "sender"),
                       (item.model_copy(update={"author": "x" * 81}), "author")):  # fmt: skip
        with pytest.raises(AgreementError) as caught:
            check_agreement(bad, roles, data, purposes)
        assert caught.value.field == field
    assert agreements.delete(stored.id) and not agreements.delete(stored.id)
    assert agreements.for_map("gezondheid", "hulpverlening") == []


def test_exports_hold_the_map_and_the_agreements(deelkaart: DeelMap, tmp_path: Path) -> None:
    agreements = AgreementStore(tmp_path / "agreements.sqlite3")
    own = agreements.add(
        AgreementIn(
            data="gezondheid", purpose="hulpverlening", sender="arts", recipient="veilig_thuis",
            text="Alleen na overleg met de aandachtsfunctionaris", author="FG",
        )
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(to_csv(deelkaart, [own]))))
    assert len(rows) == len(deelkaart.cells)
    row = next(r for r in rows if (r["sender"], r["recipient"]) == ("arts", "veilig_thuis"))
    cell = deelkaart.cell("arts", "veilig_thuis")
    assert row["verdict"] == cell.verdict and row["deciding"] == cell.deciding
    assert "aandachtsfunctionaris" in row["agreements"]
    data = to_json(deelkaart, [own])
    assert {"sender", "recipient", "verdict", "keys"} <= set(data["cells"][0])
    assert data["agreements"][0]["authority"].startswith("lokale afspraak")
    pdf = PdfReader(io.BytesIO(to_pdf(deelkaart, [own])))
    box = pdf.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = collapse(" ".join(page.extract_text() for page in pdf.pages))
    assert "Legenda" in text and deelkaart.kb_build in text and deelkaart.kb_created[:10] in text
    assert "Alleen na overleg met de aandachtsfunctionaris" in text and "lager dan de wet" in text
    if deelkaart.coverage.no_rule:
        assert NO_RULE in text


def test_cli_refuses_bad_input_with_exit_code_2() -> None:
    from typer.testing import CliRunner

    from deelwijzer.main import build_app

    runner = CliRunner()
    unknown = runner.invoke(build_app(), ["matrix", "--data", "geheim", "--purpose", "hulpverlening"])
    assert unknown.exit_code == 2 and "geheim" in unknown.output
    both = ["matrix", "--data", "bsn", "--purpose", "registratie", "--json", "--csv", "x"]
    two = runner.invoke(build_app(), both)
    assert two.exit_code == 2 and "--csv" in two.output
