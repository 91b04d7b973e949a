"""The web app's notice while the dense index is built: shown with the progress, gone once it is in service.
A real lexical-first build of a corpus slice, completed by the real `complete_dense_index` in a subprocess
with a deliberately slow hash embedder (tests/dense_worker.py)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import UAVG_XML, LiveServer
from browser_support import opened_page
from playwright.sync_api import expect
from store_fakes import HashEmbedder, store_settings

from bot.api import create_app
from bot.api.dense import DenseCompletion
from bot.api.state import AppState
from ingest.pipeline import ingest_folder

pytestmark = [pytest.mark.browser, pytest.mark.server]
TESTS = Path(__file__).resolve().parent


@pytest.fixture()
def lexical_first(tmp_path: Path, corpus_dir: Path) -> Iterator[tuple[LiveServer, DenseCompletion]]:
    corpus = tmp_path / "corpus"
    (corpus / UAVG_XML).parent.mkdir(parents=True)
    shutil.copyfile(corpus_dir / UAVG_XML, corpus / UAVG_XML)
    settings = store_settings(tmp_path / "data", batch_size=8)
    ingest_folder(settings, HashEmbedder(), corpus, defer_dense=True)
    app = create_app(settings)
    state: AppState = app.state.deelwijzer
    worker = [sys.executable, str(TESTS / "dense_worker.py"), str(settings.data_dir), "0.3"]
    dense = DenseCompletion(settings, command=worker)
    with LiveServer(app) as live:  # lifespan off: the test starts the completion itself
        try:
            yield live, dense
        finally:
            dense.stop()
    assert state.dense is not None  # the app would have started one itself


def test_notice_shows_progress_and_goes_when_the_dense_index_is_ready(
    lexical_first: tuple[LiveServer, DenseCompletion],
) -> None:
    live, dense = lexical_first
    problems: list[str] = []
    with opened_page(live.url, problems) as page:
        banner = page.locator("#dense-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Zoeken op betekenis wordt nog opgebouwd")
        assert dense.start_if_pending()
        expect(banner).to_contain_text("/", timeout=30_000)  # e.g. "…opgebouwd: 40/177"
        done, total = banner.inner_text().rsplit(": ", 1)[1].split("/")
        assert 0 <= int(done) <= int(total) and int(total) > 100
        expect(banner).to_be_hidden(timeout=90_000)
        expect(page.locator("#footer-build")).to_contain_text("Kennisbank:")
    assert problems == []
