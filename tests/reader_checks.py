"""Checks every reader's output must pass, whatever the source format."""

from __future__ import annotations

from kb.citations import parse_key
from kb.passages import Document, Passage

MARKUP = ("[ref", "](http", "\n\n", "  ")


def passages(document: Document) -> dict[str, Passage]:
    return {passage.key: passage for passage in document.passages}


def assert_well_formed(document: Document, markup: tuple[str, ...] = MARKUP) -> None:
    """Unique keys that round-trip and match the passage fields, clean text, addressable subs."""
    keys = [passage.key for passage in document.passages]
    assert len(keys) == len(set(keys)), "keys must be unique within a document"
    for passage in document.passages:
        assert passage.text and passage.text == passage.text.strip(), passage.key
        for mark in markup:
            assert mark not in passage.text, (passage.key, mark)
        key = parse_key(passage.key)
        assert str(key) == passage.key
        assert (key.article, key.lid, key.recital) == (passage.article, passage.lid, passage.recital)
        for label, sub in passage.subs.items():
            assert sub and sub in passage.text, (passage.key, label)
            assert parse_key(f"{passage.key} sub {label}").sub == label
        assert (passage.document_id, passage.version_date) == (document.document_id, document.version_date)
