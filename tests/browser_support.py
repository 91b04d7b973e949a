"""One way to open the web app in Debian's headless Chromium for the browser tests: a Dutch page with
downloads allowed, every console error and uncaught exception collected in `problems`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


@contextmanager
def opened_page(url: str, problems: list[str]) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see `make system-deps`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(accept_downloads=True, locale="nl-NL").new_page()
        page.on("console", lambda message: _note_error(problems, message))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(url)
        try:
            yield page
        finally:
            browser.close()


def _note_error(problems: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        problems.append(message.text)
