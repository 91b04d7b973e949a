"""Ingest errors. Every message names the file, the problem and what to do."""

from __future__ import annotations

from kb.errors import DeelwijzerError, InvalidSourceError, KbError

__all__ = ["IngestError", "InvalidSourceError", "NotASourceFile", "SyncError"]


class IngestError(KbError):
    """Base class for ingest failures that are not about one bad file."""


class NotASourceFile(DeelwijzerError):  # noqa: N818 - a signal, not a failure
    """The file is recognised but holds no legal text to ingest (a Formex descriptor, a corrigendum list).
    Scanning a folder skips it with this reason; naming it explicitly on the command line is an error."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class SyncError(IngestError):
    """The official sources could not be reached or answered something unusable."""
