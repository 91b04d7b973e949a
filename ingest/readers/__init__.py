"""Readers turn one file into one Document of passages. Each reader is picked by sniffing the file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from kb.passages import Document
from kb.registry import Registry


class Reader(Protocol):
    #: name and version, stored with every build ("bwb-xml/1"); bump the version when output changes
    name: str

    def can_read(self, path: Path, head: bytes) -> bool:
        """True if this reader recognises the file from its name and first bytes."""
        ...

    def read(self, path: Path, registry: Registry) -> Document:
        """Read the file. Raises InvalidSourceError (bad file) or NotASourceFile (nothing to ingest)."""
        ...
