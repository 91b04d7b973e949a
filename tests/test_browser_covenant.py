"""Beheer → Convenant toetsen in headless Chromium (Debian's /usr/bin/chromium) against a live server on
127.0.0.1: log in, upload a covenant, see the report table, export it as PDF and Markdown, and see a scan
refused. The knowledge base is a real corpus slice (tests/covenant_support.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ADMIN_TOKEN, LiveServer, app_settings
from browser_support import opened_page
from covenant_support import PRE_WGS, SCAN, build_covenant_kb, render_covenants
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from bot.api import create_app
from kb.local_kb import LocalKnowledgeBase

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def covenant_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    store = build_covenant_kb(tmp_path_factory.mktemp("covenant-kb") / "data", corpus_dir)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_covenants(tmp_path_factory.mktemp("covenant-pdfs"))


@pytest.fixture()
def problems() -> list[str]:
    return []


@pytest.fixture()
def page(tmp_path: Path, covenant_kb: LocalKnowledgeBase, problems: list[str]) -> Iterator[Page]:
    app = create_app(app_settings(tmp_path / "data"), kb=covenant_kb)
    with LiveServer(app) as server, opened_page(server.url, problems) as page:
        yield page


def _login(page: Page) -> None:
    page.click("#tab-beheer")
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#login-form button[type='submit']")
    expect(page.locator("#covenant-title")).to_be_visible()


def test_upload_report_export(page: Page, pdfs: dict[str, Path], tmp_path: Path, problems: list[str]) -> None:
    _login(page)
    page.set_input_files("#covenant-file", str(pdfs[PRE_WGS]))
    page.click("#covenant-form button[type='submit']")
    expect(page.locator("#covenant-status")).to_contain_text("punten vragen aandacht")
    row = page.locator("#covenant-table tr[data-item='convenant_als_grondslag']")
    expect(row).to_have_attribute("data-status", "probleem")
    expect(row).to_contain_text("Dit convenant vormt de grondslag")
    expect(row).to_contain_text("AVG art. 6 lid 3")
    expect(page.locator("#covenant-table tr[data-item='grondslag_per_partij']")).to_contain_text("ontbreekt")
    expect(page.locator("#covenant-parties")).to_contain_text("De Nationale Politie — de politie")

    with page.expect_download() as pdf_download:
        page.click("#covenant-export-pdf")
    saved = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(saved)
    assert saved.name == f"toets-{PRE_WGS}.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    assert "convenant_als_grondslag: probleem" in text

    with page.expect_download() as md_download:
        page.click("#covenant-export-md")
    markdown = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert "### grondslag_per_partij: ontbreekt" in markdown
    assert problems == []


def test_a_scan_is_refused_in_the_page(page: Page, pdfs: dict[str, Path]) -> None:
    _login(page)
    page.set_input_files("#covenant-file", str(pdfs[SCAN]))
    page.click("#covenant-form button[type='submit']")
    expect(page.locator("#covenant-status")).to_contain_text("geen tekst, scan eerst met OCR")
    expect(page.locator("#covenant-report")).to_be_hidden()
