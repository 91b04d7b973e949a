"""Support for the covenant tests: the test covenants rendered to PDF, and a knowledge-base slice with the
laws the checklist cites most (GDPR, UAVG, WGS, Wpg, the covenant guidance), built by the real ingest."""

from __future__ import annotations

from pathlib import Path

from api_fakes import UAVG_XML, build_slice

from evals.covenant_pdfs import covenant_sources, render, render_scan
from kb.local_kb import LocalKnowledgeBase

REPO = Path(__file__).resolve().parent.parent
GDPR_NL = (
    "eu-gdpr-formex/consolidated-with-corrected-preamble/gdpr-consolidated-with-corrected-preamble-nl.xml"
)
WGS_DIR = "nl-regelrecht-corpus/regulation/nl/wet/wet_gegevensverwerking_door_samenwerkingsverbanden"
WGS_YAML = f"{WGS_DIR}/2025-07-05.yaml"
WPG_YAML = "nl-regelrecht-corpus/regulation/nl/wet/wet_politiegegevens/2025-07-01.yaml"
GUIDANCE = str(REPO / "kb" / "guidance" / "werkinstructie-convenanten.md")
SOUND = "01-zvh-mensenhandel-sound"
PRE_WGS = "02-zvh-2019-voor-wgs"
SCAN = "99-scan-zonder-tekstlaag"


def render_covenants(folder: Path) -> dict[str, Path]:
    """Every test covenant as a text PDF, plus the image-only scan, keyed by stem."""
    pdfs = {source.stem: render(source, folder / f"{source.stem}.pdf") for source in covenant_sources()}
    pdfs[SCAN] = render_scan(covenant_sources()[0], folder / f"{SCAN}.pdf")
    return pdfs


def build_covenant_kb(data_dir: Path, corpus_dir: Path) -> LocalKnowledgeBase:
    return build_slice(data_dir, corpus_dir, [GDPR_NL, UAVG_XML, WGS_YAML, WPG_YAML, GUIDANCE])
