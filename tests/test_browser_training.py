"""Oefenen (issue 17) in headless Chromium against a live server on 127.0.0.1 with the REAL engine (rules,
vocabulary, retrieval and citation checks over the UAVG + Jeugdwet slice): a three-question quiz end to end —
verdict and provisions picked, feedback with the model answer and a quote, a score — and the PDF pack; and an
own casus read, one chip corrected, added to the pack and found in the downloaded Markdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import LiveServer, app_settings
from browser_support import opened_page
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from bot.api import create_app
from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from kb.local_kb import LocalKnowledgeBase
from kb.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, api_kb: LocalKnowledgeBase) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("training-app")
    settings = Settings(data_dir=data / "engine")
    engine = Engine(settings, api_kb, Assessor(), HybridRetriever(api_kb, settings.retrieval))
    with LiveServer(create_app(app_settings(data / "data"), engine, api_kb)) as live:
        yield live


@pytest.fixture()
def page(server: LiveServer) -> Iterator[tuple[Page, list[str]]]:
    problems: list[str] = []
    with opened_page(server.url, problems) as page:
        yield page, problems


def test_three_question_quiz_and_pdf_pack(page: tuple[Page, list[str]], tmp_path: Path) -> None:
    page_, problems = page
    page_.click("#tab-training")
    expect(page_.locator("#quiz-theme option")).to_have_count(9)
    page_.fill("#quiz-n", "3")
    page_.fill("#quiz-seed", "2")
    page_.click("#quiz-start")
    for number in (1, 2, 3):
        question = page_.locator("#quiz-question")
        expect(question.locator("h2")).to_contain_text(f"Casus {number} van 3", timeout=120_000)
        expect(question.locator(".quiz__casus")).to_contain_text("(fictief)")
        question.locator("input[name=verdict]").first.check()
        for box in range(1 if number > 1 else 2):  # the first question: two provisions ticked
            question.locator("input[name=provision]").nth(box).check()
        page_.click("#quiz-answer")
        feedback = page_.locator("#quiz-feedback")
        expect(feedback).to_contain_text("het modelantwoord is")
        expect(feedback).to_contain_text("beslissend is")
        expect(feedback).to_contain_text("beslissende bepalingen gekozen")
        expect(feedback).to_contain_text("overlap")
        page_.click("#quiz-next")
    expect(page_.locator("#quiz-score")).to_contain_text("van 6 punten")
    with page_.expect_download(timeout=120_000) as download_info:
        page_.click("#quiz-pack")
    download = download_info.value
    assert download.suggested_filename == "deelwijzer-oefenpakket-2.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Antwoordblad" in text and "Trainersnotities" in text
    assert not problems, problems


OWN_CASUS = (
    "Ik ben jeugdhulpverlener. Een meisje van 15 jaar vertelt dat ze na school moet werken voor een man die "
    "haar geld afpakt. Mag ik haar gegevens delen met de politie voor de opsporing?"
)


def test_own_casus_corrected_and_added_to_the_pack(page: tuple[Page, list[str]], tmp_path: Path) -> None:
    page_, problems = page
    page_.click("#tab-training")
    expect(page_.locator("#own-warning")).to_contain_text("geen echte namen")
    page_.fill("#own-casus", OWN_CASUS)
    page_.click("#own-read")
    result = page_.locator("#own-result")
    expect(result.locator(".understood h3")).to_have_text("Zo heb ik uw vraag begrepen", timeout=60_000)
    sender = result.locator(".fact-chip[data-fact='sender']")
    expect(sender.locator(".fact-chip__source")).to_contain_text("in uw vraag")
    consent = result.locator(".fact-chip[data-fact='consent']")
    expect(consent).to_have_attribute("data-source", "missing")
    consent.click()  # the chat's chip dialog
    dialog = page_.locator("#fact-dialog")
    dialog.get_by_label("toestemming geweigerd of niet gevraagd").check()
    page_.click("#fact-apply")
    consent = result.locator(".fact-chip[data-fact='consent']")
    expect(consent).to_have_attribute("data-source", "given", timeout=60_000)
    expect(consent.locator(".fact-chip__value")).to_have_text("toestemming geweigerd of niet gevraagd")
    expect(result.locator(".verdict-row [data-verdict]")).to_have_count(1)
    expect(result.locator(".summary")).not_to_be_empty()
    page_.click("#own-add")
    expect(page_.locator("#own-items li")).to_have_count(1)
    with page_.expect_download(timeout=120_000) as download_info:
        page_.click("#quiz-pack-md")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    assert saved.suffix == ".md" and OWN_CASUS in markdown
    assert "eigen casus (door de trainer geschreven)" in markdown
    assert "Gecorrigeerd door de trainer: Toestemming van de betrokkene: toestemming geweigerd" in markdown
    assert not problems, problems
