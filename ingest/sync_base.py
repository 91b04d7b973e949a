"""What the official-source sync shares: HTTP fetching with plain errors, atomic file writes, results."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from ingest.errors import SyncError
from kb.errors import DeelwijzerError

OFFLINE_FIX = "no internet? set DEELWIJZER_CORPUS_DIR=/path/to/corpus or run `deelwijzer ingest --from DIR`"
USER_AGENT = "deelwijzer/0.1 (official-source sync)"


class SourceProblem(DeelwijzerError):
    """One source answered something unusable (HTTP 404, no version in force, not XML ...)."""


class Unreachable(SourceProblem):
    """A URL could not be reached at all (DNS, refused connection, timeout)."""


@dataclass(frozen=True)
class SyncedFile:
    source_id: str
    path: Path
    version_date: str
    url: str
    status: Literal["fetched", "present"]


@dataclass
class SyncReport:
    dest_dir: Path
    files: list[SyncedFile] = field(default_factory=list)
    #: "<source id>: <what went wrong>", one per source that could not be synced
    failures: list[str] = field(default_factory=list)

    @property
    def fetched(self) -> list[SyncedFile]:
        return [f for f in self.files if f.status == "fetched"]

    @property
    def present(self) -> list[SyncedFile]:
        """Already in dest_dir with the same version date: not downloaded again."""
        return [f for f in self.files if f.status == "present"]


class SyncIncomplete(SyncError):
    """Some sources could not be synced; what did work is in `report` (and on disk)."""

    def __init__(self, report: SyncReport, total: int) -> None:
        self.report = report
        lines = "\n".join(f"- {failure}" for failure in report.failures)
        super().__init__(
            f"official sync failed for {len(report.failures)} of {total} sources:\n{lines}\n{OFFLINE_FIX}"
        )


_Fields = dict[str, str]


@dataclass(frozen=True)
class Reply:
    url: str
    status: int
    content: bytes
    content_type: str


class Fetcher:
    """GETs with one shared client; transport failures become `Unreachable` naming the URL and the cause."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, url: str, *, params: _Fields | None = None, headers: _Fields | None = None) -> Reply:
        shown = str(httpx.URL(url, params=params)) if params else url
        try:
            response = self.client.get(url, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            raise Unreachable(f"could not reach {shown}: no answer in time ({exc or 'timed out'})") from exc
        except httpx.TransportError as exc:
            raise Unreachable(f"could not reach {shown}: {exc or type(exc).__name__}") from exc
        return Reply(str(response.url), response.status_code, response.content,
                     response.headers.get("content-type", ""))

    def get_ok(self, url: str, *, headers: dict[str, str] | None = None) -> Reply:
        reply = self.get(url, headers=headers)
        if reply.status != 200:
            raise SourceProblem(f"{reply.url} answered HTTP {reply.status}")
        return reply


def make_client(timeout_s: float) -> httpx.Client:
    return httpx.Client(timeout=timeout_s, follow_redirects=True, headers={"User-Agent": USER_AGENT})


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def is_present(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0
