"""Screenshots of the web app (chat, passage, Beheer; desktop and phone width) into ./screenshots/.

    python tests/screenshots.py                 # the real engine on the configured knowledge base
    python tests/screenshots.py --demo          # a corpus slice with a scripted engine (no ingest needed)

Starts the app on 127.0.0.1 in this process, drives Debian's /usr/bin/chromium with Playwright, and
writes chat-desktop.png, passage-desktop.png, chat-phone.png, beheer-desktop.png and beheer-phone.png.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from api_fakes import JEUGDWET_XML, JEUGDWET_YAML, UAVG_XML, LiveServer, ScriptedEngine, build_slice  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from bot.api import create_app  # noqa: E402
from kb.builds import current_manifest  # noqa: E402
from kb.settings import ServerSettings, Settings, get_settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
QUESTIONS = [
    "Mag ik als hulpverlener van de opvang het BSN van een slachtoffer van mensenhandel aan de gemeente "
    "geven?",
    "En als het om een minderjarige gaat?",
]
CORPUS = HERE.parent.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="Folder for the PNG files.")
    parser.add_argument("--demo", action="store_true", help="Scripted engine on a corpus slice.")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="Shared corpus (for --demo).")
    options = parser.parse_args()
    token = secrets.token_urlsafe(16)
    app = demo_app(options.corpus, token) if options.demo else real_app(token)
    options.out.mkdir(parents=True, exist_ok=True)
    with LiveServer(app) as server:
        shoot(server.url, token, options.out)
    print(f"screenshots written to {options.out.resolve()}")


def real_app(token: str) -> object:
    settings = get_settings()
    if current_manifest(settings.kb_dir) is None:
        sys.exit(
            f"no knowledge base in {settings.kb_dir}: run `make ingest` (or `deelwijzer ingest --from DIR`) "
            "first, or pass --demo for a scripted engine on a corpus slice"
        )
    server = settings.server.model_copy(update={"admin_token": token})
    return create_app(settings.model_copy(update={"server": server}))


def demo_app(corpus: Path, token: str) -> object:
    root = Path(tempfile.mkdtemp(prefix="deelwijzer-screens-"))
    kb = build_slice(root / "kb", corpus, [UAVG_XML, JEUGDWET_XML, JEUGDWET_YAML])
    settings = Settings(data_dir=root / "data", server=ServerSettings(admin_token=token))
    return create_app(settings, ScriptedEngine(kb))


def shoot(url: str, token: str, out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        chat(desktop, url, out, "desktop")
        desktop.locator(".answer .chip").first.click()
        expect(desktop.locator("#passage-dialog")).to_be_visible()
        desktop.wait_for_timeout(300)
        desktop.screenshot(path=str(out / "passage-desktop.png"))
        desktop.keyboard.press("Escape")
        beheer(desktop, token, out, "desktop")
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, locale="nl-NL", device_scale_factor=2
        )
        chat(phone, url, out, "phone")
        beheer(phone, token, out, "phone")
        browser.close()


def chat(page: Page, url: str, out: Path, name: str) -> None:
    page.goto(url)
    page.screenshot(path=str(out / f"start-{name}.png"))
    for number, question in enumerate(QUESTIONS, 1):
        page.fill("#question", question)
        page.click("#ask-button")
        expect(page.locator(".turn .badge")).to_have_count(number, timeout=60_000)
        expect(page.locator(".turn").nth(number - 1).locator(".actions")).to_be_visible(timeout=60_000)
    page.locator(".turn").first.scroll_into_view_if_needed()
    page.screenshot(path=str(out / f"chat-{name}.png"), full_page=True)


def beheer(page: Page, token: str, out: Path, name: str) -> None:
    page.click("#tab-beheer")
    page.fill("#admin-token", token)
    page.click("#login-form button[type='submit']")
    expect(page.locator("#admin")).to_be_visible()
    expect(page.locator("#sources-table tbody tr")).not_to_have_count(0)
    if page.locator("#changes-source option").count():
        page.click("#changes-form button")
        expect(page.locator("#changes-status")).to_contain_text("→", timeout=30_000)
    page.screenshot(path=str(out / f"beheer-{name}.png"), full_page=True)


if __name__ == "__main__":
    main()
