"""The web app in headless Chromium (Debian's /usr/bin/chromium) against a live server on 127.0.0.1:
ask, see the verdict and a citation, open the passage, ask a follow-up, export a record, give feedback, and
find it in Beheer. The knowledge base is real (a corpus slice); the engine is scripted (a named boundary)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import (
    ADMIN_TOKEN,
    BSN,
    LiveServer,
    ScriptedEngine,
    app_settings,
)
from browser_support import opened_page
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from bot.api import create_app
from bot.api.state import AppState
from bot.jobs import IngestJobs
from kb.local_kb import LocalKnowledgeBase

pytestmark = pytest.mark.browser
QUESTION = "Mag ik het BSN delen met de gemeente?"
FAKE_INGEST = "import sys\nprint('lezen: ' + sys.argv[1].rsplit('/', 1)[-1], file=sys.stderr)\n"


@pytest.fixture()
def server(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[LiveServer]:
    app = create_app(app_settings(tmp_path / "data"), scripted_engine)
    state: AppState = app.state.deelwijzer
    script = tmp_path / "fake_ingest.py"
    script.write_text(FAKE_INGEST, encoding="utf-8")  # the upload runs a script: the ingest has its own tests
    state.jobs = IngestJobs(tmp_path / "incoming", command=lambda p: [sys.executable, str(script), str(p)])
    with LiveServer(app) as live:
        yield live


@pytest.fixture()
def problems() -> list[str]:
    """Console errors and uncaught exceptions of the page (CSP violations show up here too)."""
    return []


@pytest.fixture()
def page(server: LiveServer, problems: list[str]) -> Iterator[Page]:
    with opened_page(server.url, problems) as page:
        yield page


def ask(page: Page, question: str) -> None:
    page.fill("#question", question)
    page.click("#ask-button")


def test_ask_open_passage_follow_up_record_feedback_beheer(
    page: Page,
    problems: list[str],
    scripted_engine: ScriptedEngine,
    api_kb: LocalKnowledgeBase,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    ask(page, QUESTION)
    first = page.locator(".turn").nth(0)
    expect(first.locator(".badge")).to_have_text("Oordeel: Ja, mits")
    expect(first.locator(".checklist li")).to_have_count(2)
    chip = first.locator(".answer > section .chip[data-key='UAVG art. 46 lid 1']")
    expect(chip).to_be_visible()

    # the passage, with the quoted words highlighted, the version date and the official link
    chip.click()
    dialog = page.locator("#passage-dialog")
    expect(dialog).to_be_visible()
    stored = api_kb.get("UAVG art. 46 lid 1")
    assert stored is not None
    expect(dialog.locator("mark")).to_have_text(" ".join(stored.text.split()[:9]))
    meta = dialog.locator("#passage-meta")
    expect(meta).to_contain_text("versie 2026-09-01 (geldende versie) · uit UAVG art. 46")
    expect(dialog.locator("#passage-title")).to_contain_text("UAVG art. 46 lid 1 — ")
    href = dialog.locator("#passage-link").get_attribute("href") or ""
    assert href.startswith("https://wetten.overheid.nl/BWBR0040940/")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(chip).to_be_focused()

    # a follow-up in the same conversation; a clarifying question prefills the box
    first.locator(".clarify__buttons button").first.click()
    expect(page.locator("#question")).to_have_value("Welke wet geeft de ontvanger een taak? ")
    ask(page, "En als het om een minderjarige gaat?")
    second = page.locator(".turn").nth(1)
    expect(second.locator(".badge")).to_have_text("Oordeel: Hangt af")
    assert [turn.question for turn in scripted_engine.calls[-1][1]] == [QUESTION]

    # Vastleggen: the PDF arrives and holds the cited key
    first.locator(".record-panel summary").click()  # the motivation is optional, behind a disclosure
    first.locator(".record-panel textarea").fill(f"Gedeeld omdat de wet het voorschrijft; BSN {BSN}.")
    with page.expect_download() as download_info:
        first.locator("button[data-format='pdf']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("deelwijzer-vastlegging-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    pages = PdfReader(io.BytesIO(saved.read_bytes())).pages
    text = " ".join(" ".join(pg.extract_text() for pg in pages).split())
    assert "UAVG art. 46 lid 1" in text and "Gedeeld omdat de wet het voorschrijft; BSN [BSN]." in text

    # feedback, with the question included (scrubbed)
    first.locator(".thumb[data-rating='down']").click()
    first.locator(".feedback__form select").select_option("bron_ontbreekt")
    first.locator(".feedback__form textarea").fill(f"Mis art. 46 lid 2, cliënt {BSN}")
    first.locator(".feedback__form input[type='checkbox']").check()
    first.locator(".feedback__form button[type='submit']").click()
    expect(first.locator(".feedback__form .status")).to_have_text("Bedankt, uw feedback is opgeslagen.")

    # Beheer: log in, see the feedback, the sources and what changed
    page.click("#tab-beheer")
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#login-form button[type='submit']")
    row = page.locator("#feedback-table tbody tr").first
    expect(row).to_contain_text("Bron ontbreekt")
    expect(row).to_contain_text("Mis art. 46 lid 2, cliënt [BSN]")
    expect(row).to_contain_text("Mag ik het BSN delen met de gemeente?")
    expect(page.locator("#sources-table")).to_contain_text("2024-01-01 nl")
    expect(page.locator("#changes-source")).to_have_value("jeugdwet")
    page.click("#changes-form button")
    expect(page.locator("#changes-status")).to_contain_text("2024-01-01 → 2026-01-01")
    assert page.locator("#changes-result ins").count() > 0
    assert problems == []
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("POST /api/chat" in line for line in access)
    assert not [line for line in access if "gemeente" in line or "minderjarige" in line or BSN in line]


def test_beheer_upload_shows_job_progress(page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "Convenant ZVH.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% test\n")
    page.click("#tab-beheer")
    page.fill("#admin-token", "fout")
    page.click("#login-form button[type='submit']")
    expect(page.locator("#login-status")).to_contain_text("onjuist beheertoken")
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#login-form button[type='submit']")
    page.set_input_files("#upload-file", str(pdf))
    page.click("#upload-form button")
    expect(page.locator("#upload-status")).to_have_text("Convenant-ZVH.pdf is ingelezen.")
    expect(page.locator("#jobs li").first).to_contain_text("lezen: Convenant-ZVH.pdf")


def test_accessible_labels_keyboard_and_phone_width(page: Page) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map((e) => e.id)"""
    )
    assert unlabelled == []
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".turn .badge")).to_have_text("Oordeel: Ja, mits")
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
