"""The Deelkaart (issue 16) in headless Chromium against a live server with the REAL engine over a corpus
slice: open the map, switch a circumstance (the map follows the API), open a cell (the same answer as
/api/ask), add an agreement behind the Beheer token, export the PDF."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import ADMIN_TOKEN, LiveServer, app_settings, build_slice
from browser_support import opened_page
from matrix_support import SLICE, real_engine
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from bot.api import create_app
from bot.matrix.axes import CHAIN_ROLES
from kb.local_kb import LocalKnowledgeBase

pytestmark = pytest.mark.browser
AGREEMENT = "Alleen via de privacy officer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("matrix-browser")
    kb: LocalKnowledgeBase = build_slice(data / "kb", corpus_dir, SLICE)
    engine = real_engine(kb, data / "engine")
    with LiveServer(create_app(app_settings(data / "data"), engine, kb)) as live:
        yield live
    kb.close()


@pytest.fixture()
def page(server: LiveServer) -> Iterator[Page]:
    problems: list[str] = []
    with opened_page(server.url, problems) as page:
        yield page
    assert problems == []


def get_json(server: LiveServer, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(server.url + path, timeout=60) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


def cell(page: Page, sender: str, recipient: str) -> Any:
    return page.locator(f".matrix__cell[data-sender='{sender}'][data-recipient='{recipient}']")


def test_open_switch_click_agree_and_export(page: Page, server: LiveServer, tmp_path: Path) -> None:
    page.click("#tab-beheer")
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-status")).to_have_text("Ingelogd.")

    page.click("#tab-matrix")
    expect(page.locator(".matrix__cell")).to_have_count(len(CHAIN_ROLES) ** 2, timeout=60_000)
    expect(page.locator("#matrix-coverage")).to_contain_text("Dekking")

    page.check("#matrix-minor")  # a circumstance: the map is computed again, as the API gives it
    expect(page.locator("#matrix-status")).to_have_text(
        f"Kaart klaar: {len(CHAIN_ROLES) ** 2} cellen.", timeout=60_000
    )
    expect(page.locator("#matrix-coverage")).to_contain_text("minderjarig")
    api = get_json(server, "/api/matrix?data=gezondheid&purpose=hulpverlening&minor=true")
    wanted = {(c["sender"], c["recipient"]): c["verdict"] for c in api["cells"]}
    for sender, recipient in (("jeugdhulp", "gemeente"), ("arts", "veilig_thuis"), ("politie", "comensha")):
        expect(cell(page, sender, recipient)).to_have_attribute("data-verdict", wanted[(sender, recipient)])

    cell(page, "jeugdhulp", "gemeente").click()  # the full answer behind the cell
    expect(page.locator("#matrix-detail-title")).to_contain_text("→")
    answer = page.locator("#matrix-answer .answer")
    expect(answer).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(answer.locator(".badge").first).to_have_attribute(
        "data-verdict", wanted[("jeugdhulp", "gemeente")]
    )
    expect(answer.locator(".chips .chip").first).to_be_visible()

    page.fill("#matrix-agreement-text", AGREEMENT)
    page.fill("#matrix-agreement-author", "Teamleider jeugd")
    page.click("#matrix-agreement-form button[type=submit]")
    expect(page.locator("#matrix-agreements")).to_contain_text(AGREEMENT, timeout=60_000)
    expect(page.locator("#matrix-agreements")).to_contain_text("Teamleider jeugd")
    expect(cell(page, "jeugdhulp", "gemeente").locator(".matrix__own")).to_be_visible()

    page.click("#matrix-changes-button")  # one build only: nothing to compare with, and it says so
    expect(page.locator("#matrix-status")).to_contain_text("geen eerdere build")

    with page.expect_download(timeout=60_000) as download:
        page.click("#matrix-export-pdf")
    saved = tmp_path / "deelkaart.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "deelkaart-gezondheid-hulpverlening.pdf"
    pdf = PdfReader(io.BytesIO(saved.read_bytes()))
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Legenda" in text and "minderjarig" in text and AGREEMENT in text
