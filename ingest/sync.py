"""Official-source sync: fetch the current texts of every registry source marked `sync = true` into a folder
laid out like the shared corpus, so `deelwijzer ingest --from <dest_dir>` reads them with the normal readers.

    nl-bwb-xml/<BWB id>/<valid from>/toestand.xml      Dutch law (BWB SRU search + repository)
    eu-gdpr-formex/original/*.xml, consolidated/*.xml  the GDPR as Formex 4 (Publications Office Cellar)

Files are written atomically; a version already present is not downloaded again. Sources that fail are listed
in `SyncIncomplete` (a SyncError) after the others are done; what did sync stays on disk and in its report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from ingest.sync_base import Fetcher, SourceProblem, SyncedFile, SyncIncomplete, SyncReport, make_client
from ingest.sync_bwb import sync_bwb
from ingest.sync_eu import CELLAR_URL, sync_formex
from kb.registry import Registry, Source
from kb.settings import Settings

__all__ = ["CELLAR_URL", "SyncIncomplete", "SyncReport", "SyncedFile", "sync_official_sources"]


def sync_official_sources(
    settings: Settings,
    registry: Registry,
    dest_dir: Path,
    *,
    today: dt.date | str | None = None,
    cellar_url: str | None = None,
    client: httpx.Client | None = None,
) -> SyncReport:
    """Fetch every `sync = true` source. Raises SyncIncomplete (a SyncError) naming each source that failed:
    the URL, why, and what to do when offline."""
    day = _iso_day(today)
    cellar_url = cellar_url or settings.ingest.cellar_url
    sources = [s for s in registry.sources if s.sync]
    report = SyncReport(dest_dir)
    with _client(settings, client) as http:
        fetcher = Fetcher(http)
        for source in sources:
            try:
                report.files += _sync_source(fetcher, settings, source, dest_dir, day, cellar_url)
            except SourceProblem as exc:
                report.failures.append(f"{source.id}: {exc}")
    if report.failures:
        raise SyncIncomplete(report, len(sources))
    return report


def _sync_source(fetcher: Fetcher, settings: Settings, source: Source, dest_dir: Path, today: str,
                 cellar_url: str) -> list[SyncedFile]:
    if source.bwb_id:
        return [sync_bwb(fetcher, settings.ingest, source, dest_dir, today)]
    if source.celex:
        return sync_formex(fetcher, source, dest_dir, cellar_url, settings.ingest.max_file_bytes)
    raise SourceProblem("marked sync = true but has neither a bwb_id nor a celex to fetch it by")


class _Borrowed:
    """A caller's client, used but not closed."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def __enter__(self) -> httpx.Client:
        return self.client

    def __exit__(self, *_: object) -> None:
        return None


def _client(settings: Settings, client: httpx.Client | None) -> httpx.Client | _Borrowed:
    return _Borrowed(client) if client is not None else make_client(settings.ingest.http_timeout_s)


def _iso_day(today: dt.date | str | None) -> str:
    if today is None:
        return dt.date.today().isoformat()
    return today.isoformat() if isinstance(today, dt.date) else dt.date.fromisoformat(today).isoformat()
