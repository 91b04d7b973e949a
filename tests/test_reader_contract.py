"""The contract every reader of the catalog keeps, run over all of them (a new reader needs a sample here).

Each reader reads one small real input: a corpus file for the official formats (read in place, never
copied), the PDF and the Markdown note the reader tests build in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reader_checks import MARKUP, assert_well_formed
from test_reader_markdown import NOTE
from test_reader_pdf import PAGES, write_pdf

from ingest.readers import Reader
from ingest.readers.catalog import READER_PREFERENCE, all_readers
from kb.registry import load_registry

MAX_FILE_BYTES = 50_000_000
CATALOG = all_readers(MAX_FILE_BYTES)
REGELRECHT_WPG = "nl-regelrecht-corpus/regulation/nl/wet/wet_politiegegevens/2025-07-01.yaml"
NO_MARKDOWN = (*MARKUP, "**", "\n- ", "___")  # text readers must leave no Markdown behind


def _pdf(corpus_dir: Path, tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "Convenant Mensenhandel Utrecht 2025.pdf", PAGES,
                     title="Convenant gegevensdeling mensenhandel Utrecht")  # fmt: skip


def _markdown(corpus_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "werkinstructie-casusoverleg.md"
    path.write_text(NOTE, encoding="utf-8")
    return path


#: reader family (the part of `Reader.name` before the slash) -> (sample input, markup its text must not keep)
SAMPLES: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, ...]]] = {
    "bwb-xml": (lambda corpus, _: corpus / "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml", MARKUP),
    "formex": (lambda corpus, _: corpus / "eu-gdpr-formex/consolidated/gdpr-consolidated-nl.xml", MARKUP),
    "regelrecht-yaml": (lambda corpus, _: corpus / REGELRECHT_WPG, NO_MARKDOWN),
    "pdf": (_pdf, MARKUP),
    "markdown": (_markdown, NO_MARKDOWN),
}


def family(reader: Reader) -> str:
    return reader.name.split("/")[0]


def test_every_reader_in_the_catalog_has_a_sample_and_a_preference() -> None:
    families = [family(reader) for reader in CATALOG]
    assert len(families) == len(set(families)), "two readers share a name"
    assert set(families) == set(SAMPLES), "add a sample input for the new reader to SAMPLES"
    assert set(families) == set(READER_PREFERENCE), "give the new reader a READER_PREFERENCE"


@pytest.mark.parametrize("reader", CATALOG, ids=family)
def test_reader_keeps_the_contract(reader: Reader, corpus_dir: Path, tmp_path: Path) -> None:
    sample, markup = SAMPLES[family(reader)]
    path = sample(corpus_dir, tmp_path)
    head = path.read_bytes()[:4096]
    claimed = [family(other) for other in CATALOG if other.can_read(path, head)]
    assert claimed == [family(reader)], f"{path.name} must be claimed by exactly one reader, not {claimed}"
    document = reader.read(path, load_registry())
    assert document.passages, f"{reader.name} read no passages from {path.name}"
    assert_well_formed(document, markup)
