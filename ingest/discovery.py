"""Find the files to ingest and pick the reader for each by sniffing its name and first bytes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InvalidSourceError
from ingest.readers import Reader

_HEAD_BYTES = 4096
#: files a folder scan passes over without comment
_IGNORED_NAMES = {".gitkeep", ".DS_Store", "Thumbs.db"}


@dataclass(frozen=True)
class Candidate:
    path: Path
    reader: Reader


@dataclass(frozen=True)
class Ignored:
    path: Path
    reason: str


def pick_reader(path: Path, readers: Sequence[Reader]) -> Reader | None:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    return next((reader for reader in readers if reader.can_read(path, head)), None)


def check_file(path: Path, max_bytes: int) -> None:
    """Refuse what no reader should even open: missing, empty or oversized files."""
    if not path.is_file():
        raise InvalidSourceError(str(path), "file not found", "check the path")
    size = path.stat().st_size
    if size == 0:
        raise InvalidSourceError(str(path), "the file is empty", "export or download it again")
    if size > max_bytes:
        raise InvalidSourceError(
            str(path),
            f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
            "split it, or raise DEELWIJZER_INGEST__MAX_FILE_BYTES",
        )


def explicit_files(paths: Sequence[Path], readers: Sequence[Reader], max_bytes: int) -> list[Candidate]:
    """Files named by the user: every problem is an error."""
    candidates = []
    for path in paths:
        check_file(path, max_bytes)
        reader = pick_reader(path, readers)
        if reader is None:
            raise InvalidSourceError(
                str(path),
                "unknown file type",
                "Deelwijzer reads BWB toestand XML, Formex XML, regelrecht YAML, PDF and Markdown notes",
            )
        candidates.append(Candidate(path, reader))
    return candidates


def scan_folder(folder: Path, readers: Sequence[Reader], max_bytes: int) -> Iterator[Candidate | Ignored]:
    """Every file under `folder` in a stable order; files no reader claims are reported, not fatal."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name in _IGNORED_NAMES or any(
            part.startswith(".") for part in path.relative_to(folder).parts
        ):
            continue
        check_file(path, max_bytes)
        reader = pick_reader(path, readers)
        if reader is None:
            yield Ignored(path, "no reader recognises this file")
        elif reader.name.startswith("markdown") and not _has_front_matter(path):
            yield Ignored(path, "Markdown without front matter: documentation, not a guidance note")
        else:
            yield Candidate(path, reader)


def _has_front_matter(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4).lstrip(b"\xef\xbb\xbf").startswith(b"---")
