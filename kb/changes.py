"""What changed between two ingested versions of a source: provisions added, removed and changed, with
a word diff for each change. Provisions are matched by citation key; text compares ignoring whitespace and
bare list bullets."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from kb.errors import KbError
from kb.knowledge_base import DocumentRecord
from kb.passages import Passage

ChangeKind = Literal["added", "removed", "changed"]
_BULLETS = frozenset({"-", "–", "—", "•", "▪", "◦", "*"})


class VersionedPassages(Protocol):
    """What this module reads from the knowledge base (kb/local_kb.py LocalKnowledgeBase has it)."""

    def documents(self) -> list[DocumentRecord]: ...

    def passages_of(self, document_id: str) -> list[Passage]: ...


class ChangesError(KbError):
    """The two versions cannot be compared (unknown document, different sources, one version only)."""


class WordPiece(BaseModel):
    op: Literal["same", "added", "removed"]
    text: str


class ProvisionChange(BaseModel):
    key: str
    kind: ChangeKind
    old_text: str = ""
    new_text: str = ""
    diff: list[WordPiece] = Field(default_factory=list, description="Word diff; only for 'changed'.")


class SourceChanges(BaseModel):
    source_id: str
    language: str
    old: DocumentRecord
    new: DocumentRecord
    added: list[ProvisionChange] = Field(default_factory=list)
    removed: list[ProvisionChange] = Field(default_factory=list)
    changed: list[ProvisionChange] = Field(default_factory=list)
    unchanged: int = 0


def word_diff(old: str, new: str) -> list[WordPiece]:
    """The words of `old` and `new` as same / removed / added runs, in reading order."""
    before, after = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    pieces: list[WordPiece] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(WordPiece(op="same", text=" ".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(WordPiece(op="removed", text=" ".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(WordPiece(op="added", text=" ".join(after[b1:b2])))
    return pieces


def compare_passages(old: Sequence[Passage], new: Sequence[Passage]) -> tuple[list[ProvisionChange], int]:
    """Changes from `old` to `new` (new document order, removed ones last) and the count unchanged."""
    before = {_norm_key(p.key): p for p in old}
    after = {_norm_key(p.key): p for p in new}
    changes: list[ProvisionChange] = []
    unchanged = 0
    for key, passage in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(ProvisionChange(key=passage.key, kind="added", new_text=passage.text))
        elif _norm_text(previous.text) == _norm_text(passage.text):
            unchanged += 1
        else:
            changes.append(_changed(previous, passage))
    gone = [p for key, p in before.items() if key not in after]
    changes += [ProvisionChange(key=p.key, kind="removed", old_text=p.text) for p in gone]
    return changes, unchanged


def changes_between(kb: VersionedPassages, old_document_id: str, new_document_id: str) -> SourceChanges:
    """Compare two documents (versions) of the same source and language."""
    old, new = _record(kb, old_document_id), _record(kb, new_document_id)
    if (old.source_id, old.language) != (new.source_id, new.language):
        raise ChangesError(
            f"cannot compare {old_document_id} with {new_document_id}: they are different sources or "
            "languages — pick two versions of one source"
        )
    changes, unchanged = compare_passages(kb.passages_of(old.document_id), kb.passages_of(new.document_id))
    by_kind = {kind: [c for c in changes if c.kind == kind] for kind in ("added", "removed", "changed")}
    return SourceChanges(
        source_id=new.source_id, language=new.language, old=old, new=new, unchanged=unchanged, **by_kind
    )


def latest_changes(kb: VersionedPassages, source_id: str, language: str = "nl") -> SourceChanges:
    """Changes between the two newest versions of a source in `language`."""
    versions = sorted(
        (r for r in kb.documents() if r.source_id == source_id and r.language == language),
        key=lambda r: r.version_date,
    )
    if len(versions) < 2:
        dates = ", ".join(r.version_date for r in versions) or "none"
        raise ChangesError(
            f"source '{source_id}' ({language}) has {len(versions)} ingested version(s) ({dates}): "
            "ingest a second version to see what changed"
        )
    return changes_between(kb, versions[-2].document_id, versions[-1].document_id)


def _record(kb: VersionedPassages, document_id: str) -> DocumentRecord:
    for record in kb.documents():
        if record.document_id == document_id:
            return record
    known = ", ".join(sorted(r.document_id for r in kb.documents())) or "none"
    raise ChangesError(f"document '{document_id}' is not in the knowledge base; known: {known}")


def _changed(old: Passage, new: Passage) -> ProvisionChange:
    return ProvisionChange(
        key=new.key, kind="changed", old_text=old.text, new_text=new.text, diff=word_diff(old.text, new.text)
    )


def _norm_key(key: str) -> str:
    return " ".join(key.split()).casefold()


def _norm_text(text: str) -> str:
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    """Words of `text`; a bare list bullet is layout, not law (one format prints it, another does not)."""
    return [word for word in text.split() if word not in _BULLETS]
