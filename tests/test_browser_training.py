"""Oefenen (issue 17) in headless Chromium against a live server on 127.0.0.1 with the REAL engine (rules,
vocabulary, retrieval and citation checks over the UAVG + Jeugdwet slice): a three-question quiz end to end —
verdict and provision picked, feedback with the model answer and a quote, a score — and the PDF pack."""

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
        question.locator("input[name=provision]").first.check()
        page_.click("#quiz-answer")
        feedback = page_.locator("#quiz-feedback")
        expect(feedback).to_contain_text("het modelantwoord is")
        expect(feedback).to_contain_text("beslissend is")
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
