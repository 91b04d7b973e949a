"""The facts of issue 14 in headless Chromium against a live server on 127.0.0.1 with the REAL engine
(rules, vocabulary, retrieval and citation checks) over a corpus slice (GDPR NL, UAVG, Jeugdwet): the chips
of "Zo heb ik uw vraag begrepen" change the answer, a clarifying option answers the open question, guided
mode "Stap voor stap" gives the same answer as the API and fits a 375 px screen, and Beheer lists the rules
a change in the law touches."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import (
    ADMIN_TOKEN,
    JEUGDWET_XML,
    JEUGDWET_YAML,
    UAVG_XML,
    LiveServer,
    app_settings,
    build_slice,
)
from browser_support import opened_page
from playwright.sync_api import Locator, Page, expect

from bot.api import create_app
from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from kb.local_kb import LocalKnowledgeBase
from kb.settings import Settings

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".cache" / "screenshots"  # gitignored, never committed
GDPR_NL_XML = "eu-gdpr-formex/consolidated/gdpr-consolidated-nl.xml"
YOUTH_BSN = "Mag ik als jeugdhulpverlener het BSN delen met de gemeente?"
BSN_OPEN_SENDER = "Mag ik het BSN delen met de gemeente?"
GUIDED_FACTS = {
    "sender": "jeugdhulp",
    "recipients": ["veilig_thuis"],
    "data": ["gezondheid"],
    "purposes": ["melding"],
}


@pytest.fixture(scope="module")
def facts_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    files = [UAVG_XML, JEUGDWET_XML, JEUGDWET_YAML, GDPR_NL_XML]
    store = build_slice(tmp_path_factory.mktemp("facts-kb"), corpus_dir, files)
    yield store
    store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, facts_kb: LocalKnowledgeBase) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("facts-app")
    settings = Settings(data_dir=data / "engine")
    engine = Engine(settings, facts_kb, Assessor(), HybridRetriever(facts_kb, settings.retrieval))
    with LiveServer(create_app(app_settings(data / "data"), engine, facts_kb)) as live:
        yield live


@pytest.fixture()
def problems() -> list[str]:
    return []


@pytest.fixture()
def page(server: LiveServer, problems: list[str]) -> Iterator[Page]:
    with opened_page(server.url, problems) as page:
        yield page


def post_json(server: LiveServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


def ask(page: Page, question: str) -> Locator:
    page.fill("#question", question)
    page.click("#ask-button")
    turn = page.locator(".turn").last
    expect(turn.locator(".answer")).not_to_have_attribute("aria-busy", "true")
    return turn


def cited(turn: Locator) -> list[str]:
    return turn.locator(".answer > section .chips .chip").evaluate_all(
        "(chips) => chips.map((c) => c.dataset.key)"
    )


def test_changing_a_chip_changes_verdict_and_citations(page: Page, problems: list[str]) -> None:
    first = ask(page, YOUTH_BSN)
    expect(first.locator(".badge").first).to_have_text("Oordeel: Ja, mits")
    understood = first.locator(".understood")
    expect(understood.locator("h3")).to_have_text("Zo heb ik uw vraag begrepen")
    sender = understood.locator(".fact-chip[data-fact='sender']")
    expect(sender).to_have_attribute("data-source", "question")
    expect(sender.locator(".fact-chip__value")).to_have_text("een jeugdhulpverlener")
    expect(sender.locator(".fact-chip__source")).to_contain_text("in uw vraag")
    # a missing core fact stands out
    purposes = understood.locator(".fact-chip[data-fact='purposes']")
    expect(purposes).to_have_attribute("data-source", "missing")
    expect(purposes).to_have_class("fact-chip fact-chip--missing fact-chip--attention")
    before = cited(first)
    assert "Jeugdwet art. 7.4.0 lid 1" in before

    # the chip opens a searchable list; Escape in the search box only clears it
    sender.click()
    dialog = page.locator("#fact-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#fact-dialog-title")).to_have_text("Wie deelt wijzigen")
    search = dialog.locator(".picker__search")
    expect(search).to_be_focused()
    search.fill("xyz-bestaat-niet")
    expect(dialog.locator(".option-list li:visible")).to_have_count(0)
    search.press("Escape")
    expect(dialog).to_be_visible()
    expect(search).to_have_value("")
    search.fill("hulpverlener")
    options = dialog.locator(".option-list li:visible")
    expect(options.first).to_have_text("een hulpverlener")
    search.press("Enter")  # the first match, applied
    expect(dialog).to_be_hidden()

    second = page.locator(".turn").nth(1)
    expect(second.locator(".turn__note")).to_have_text("Gewijzigd: Wie deelt → een hulpverlener")
    expect(second.locator(".answer > .verdict-row .badge")).to_have_text("Oordeel: Nee")
    changed = second.locator(".fact-chip[data-fact='sender']")
    expect(changed).to_have_attribute("data-source", "given")
    expect(changed.locator(".fact-chip__value")).to_have_text("een hulpverlener")
    expect(changed.locator(".fact-chip__source")).to_have_text("opgegeven")
    after = cited(second)
    # the rule's Jeugdwet route is gone with the youth-care role; search still offers Jeugdwet provisions
    assert "Jeugdwet art. 7.4.0 lid 1" not in after and "Jeugdwet art. 7.4.0 lid 2" not in after
    assert "UAVG art. 46" in after  # still about the BSN: the data chip was read from the question

    # "weet ik niet" from the list: the fact is open again, and said to be given as unknown
    changed.click()
    page.click("#fact-unknown")
    third = page.locator(".turn").nth(2)
    unknown = third.locator(".fact-chip[data-fact='sender']")
    expect(unknown.locator(".fact-chip__value")).to_have_text("weet ik niet")
    expect(third.locator(".answer > .verdict-row .badge")).not_to_have_text("Oordeel: Nee")
    assert problems == []


def test_clicking_a_clarifying_option_answers_it(page: Page, problems: list[str]) -> None:
    first = ask(page, BSN_OPEN_SENDER)
    expect(first.locator(".answer > .verdict-row .badge")).to_have_text("Oordeel: Hangt af")
    clarify = first.locator(".clarify-fact")
    expect(clarify).to_have_attribute("data-fact", "sender")
    expect(clarify.locator(".clarify-fact__question")).to_contain_text("Wie deelt de gegevens")
    expect(first.locator(".fact-chip[data-fact='sender']")).to_have_class(
        "fact-chip fact-chip--missing fact-chip--attention"
    )
    option = clarify.locator(".clarify-option", has_text="de gemeente").first
    expect(option.locator(".badge")).to_have_text("leidt tot: Ja, mits")
    expect(option.locator(".clarify-option__preview")).to_contain_text("Ja, mits")
    refused = clarify.locator(".clarify-option", has_text="een hulpverlener").first
    expect(refused.locator(".badge")).to_have_attribute("data-verdict", "mag_niet")

    option.focus()
    page.keyboard.press("Enter")
    second = page.locator(".turn").nth(1)
    expect(second.locator(".turn__note")).to_contain_text("→ de gemeente")
    expect(second.locator(".answer > .verdict-row .badge")).to_have_text("Oordeel: Ja, mits")
    expect(second.locator(".clarify-fact")).to_have_count(0)
    sender = second.locator(".fact-chip[data-fact='sender']")
    expect(sender).to_have_attribute("data-source", "given")
    expect(sender.locator(".fact-chip__value")).to_have_text("de gemeente")
    assert "AVG art. 6 lid 1 sub e" in cited(second)  # the municipality's public task
    assert problems == []


def walk_guided(page: Page) -> None:
    """Through the steps with the keyboard only: type, Enter picks; Enter on an empty search box goes on."""
    page.click("#tab-guided")
    step = page.locator("#guided-step")
    expect(step.locator("h2")).to_have_text("Stap 1 van 5")
    expect(step.locator(".picker__search")).to_be_focused()
    page.keyboard.type("jeugdhulpverl")
    page.keyboard.press("Enter")  # a single choice: picked and on to the next step
    expect(step.locator("h2")).to_have_text("Stap 2 van 5")
    page.keyboard.press("Enter")  # nothing chosen yet: an error, and the focus stays in the list
    expect(page.locator("#guided-status")).to_have_text("Kies eerst met wie: minstens één uit de lijst.")
    expect(step.locator(".picker")).to_have_attribute("aria-invalid", "true")
    page.keyboard.type("veilig thuis")
    page.keyboard.press("Enter")  # a multiple choice: checked, the box is cleared for the next one
    expect(step.locator(".picker__chosen")).to_have_text("Gekozen: Veilig Thuis")
    page.keyboard.press("Enter")
    expect(step.locator("h2")).to_have_text("Stap 3 van 5")
    page.keyboard.press("Escape")  # one step back, the choice kept
    expect(step.locator("h2")).to_have_text("Stap 2 van 5")
    expect(step.locator("input:checked")).to_have_count(1)
    page.click("#guided-next")
    page.keyboard.type("gezondheid")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(step.locator("h2")).to_have_text("Stap 4 van 5")
    page.keyboard.type("melding")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(step.locator("h2")).to_have_text("Stap 5 van 5: Omstandigheden")
    minor = step.locator(".picker[data-fact='minor']")
    minor.get_by_label("ja, minderjarig", exact=True).check()
    expect(step.locator(".picker[data-fact='urgent'] input[value='unknown']")).to_be_checked()


def test_guided_mode_end_to_end_gives_the_api_answer(
    page: Page, server: LiveServer, problems: list[str]
) -> None:
    walk_guided(page)
    expect(page.locator("#guided-next")).to_have_text("Toon het antwoord")
    page.click("#guided-next")
    result = page.locator("#guided-result .turn")
    expect(result.locator(".answer")).to_be_focused()
    expected = post_json(server, "/api/ask", {"question": "", "facts": {**GUIDED_FACTS, "minor": True}})
    badge = result.locator(".answer > .verdict-row .badge")
    expect(badge).to_have_attribute("data-verdict", expected["verdict"])
    expect(result.locator(".summary")).to_have_text(expected["summary"])
    assert cited(result) == [c["key"] for c in expected["citations"]]
    expect(result.locator(".turn__question")).to_contain_text("Wie deelt: een jeugdhulpverlener")
    for fact in ("sender", "recipients", "data", "purposes", "minor"):
        expect(result.locator(f".fact-chip[data-fact='{fact}']")).to_have_attribute("data-source", "given")

    # a chip on the guided answer changes the choice and the answer; the steps keep it
    result.locator(".fact-chip[data-fact='data']").click()
    dialog = page.locator("#fact-dialog")
    dialog.get_by_label("gezondheidsgegevens").uncheck()
    dialog.get_by_label("het burgerservicenummer (BSN)").check()
    dialog.locator("#fact-apply").click()
    changed = {**GUIDED_FACTS, "data": ["bsn"], "minor": True}
    again = post_json(server, "/api/ask", {"question": "", "facts": changed})
    expect(result.locator(".fact-chip[data-fact='data'] .fact-chip__value")).to_have_text(
        "het burgerservicenummer (BSN)"
    )
    keys_before, keys_after = ([c["key"] for c in a["citations"]] for a in (expected, again))
    assert cited(result) == keys_after != keys_before
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('#view-guided input, #fact-dialog input')]
            .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map((e) => e.name)"""
    )
    assert unlabelled == []
    assert problems == []


def test_guided_mode_at_phone_width(page: Page, problems: list[str]) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    walk_guided(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "guided-375-circumstances.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.click("#guided-next")
    answer = page.locator("#guided-result .answer")
    expect(answer.locator(".verdict-row .badge")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "guided-375-answer.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("#tab-guided").click()
    page.click("#guided-restart")
    expect(page.locator("#guided-step h2")).to_have_text("Stap 1 van 5")
    page.screenshot(path=str(SCREENSHOTS / "guided-375-step1.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert problems == []


def test_beheer_lists_the_rules_a_change_touches(page: Page) -> None:
    page.click("#tab-beheer")
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#login-form button[type='submit']")
    expect(page.locator("#changes-source")).to_have_value("jeugdwet")
    page.click("#changes-form button")
    rules = page.locator("#changes-rules")
    expect(rules.locator("h3")).to_have_text("Regels om opnieuw te toetsen")
    # the age of majority is read from Jeugdwet art. 1.1, which changed between the two versions
    rule = rules.locator(".rule-check[data-rule='leeftijd:meerderjarig']")
    expect(rule.locator(".rule-check__id")).to_have_text("leeftijd:meerderjarig")
    expect(rule).to_contain_text("stap: _parameters")
    expect(rule.locator(".rule-check__keys")).to_have_text("Bepalingen: Jeugdwet art. 1.1")
    expect(rule).to_contain_text("Getoetst aan versie 2024-01-01; nu 2026-01-01.")
    expect(rules.locator(".rule-checks__none")).to_have_count(0)

    # a comparison that touches no rule says so (the same version on both sides changes nothing)
    page.select_option("#changes-old", index=1)
    page.click("#changes-form button")
    expect(page.locator("#changes-status")).to_contain_text("0 gewijzigd")
    expect(rules.locator(".rule-checks__none")).to_have_text("Geen regels geraakt.")


def test_the_new_scripts_are_served_and_load_nothing_from_outside(server: LiveServer) -> None:
    page = urllib.request.urlopen(server.url + "/", timeout=10).read().decode()
    for name in ("facts.js", "guided.js"):
        assert f'<script src="/static/{name}" defer></script>' in page
        with urllib.request.urlopen(f"{server.url}/static/{name}", timeout=10) as response:
            assert "javascript" in response.headers["content-type"]
            text = response.read().decode()
        assert "http://" not in text and "https://" not in text and "innerHTML" not in text
