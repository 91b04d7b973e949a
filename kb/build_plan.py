"""The build plan: what changes per source between the build in service and a new set of documents,
compared by document id and content hash. Also decides which version of each source is current."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from kb.knowledge_base import BuildManifest, DocumentRecord
from kb.passages import Document


class SourcePlan(BaseModel):
    """What happens to one source's documents (document ids)."""

    source_id: str
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    current_moved: bool = False  # another version became the current one

    @property
    def status(self) -> str:
        """'added', 'removed', 'changed' or 'unchanged'."""
        if self.added and not (self.changed or self.unchanged or self.removed):
            return "added"
        if self.removed and not (self.added or self.changed or self.unchanged):
            return "removed"
        if self.added or self.changed or self.removed or self.current_moved:
            return "changed"
        return "unchanged"


class BuildPlan(BaseModel):
    sources: dict[str, SourcePlan]
    records: list[DocumentRecord] = Field(description="Manifest records of the new documents.")

    @property
    def changed_sources(self) -> list[str]:
        return [s for s, plan in sorted(self.sources.items()) if plan.status != "unchanged"]

    def summary(self) -> str:
        """'0 changed', or e.g. '2 changed: avg (changed), wgs (added)'."""
        changed = self.changed_sources
        if not changed:
            return "0 changed"
        listed = ", ".join(f"{s} ({self.sources[s].status})" for s in changed)
        return f"{len(changed)} changed: {listed}"


def current_documents(documents: list[Document], today: str) -> set[str]:
    """Per (source, language) the newest version not after `today` (ISO date): their document ids."""
    newest: dict[tuple[str, str], Document] = {}
    for doc in documents:
        key = (doc.source_id, doc.language)
        if doc.version_date <= today and (key not in newest or doc.version_date > newest[key].version_date):
            newest[key] = doc
    return {doc.document_id for doc in newest.values()}


def plan_build(
    documents: list[Document],
    previous: BuildManifest | None,
    file_hashes: dict[str, str],
    *,
    today: str | None = None,
) -> BuildPlan:
    """Compare documents with the previous build by document id and content hash, per source.
    `file_hashes` maps a document's path (or its document id) to the sha256 of the file it was read from."""
    current = current_documents(documents, today or date.today().isoformat())
    records = [_record(doc, doc.document_id in current, file_hashes) for doc in documents]
    before = {r.document_id: r for r in previous.documents} if previous else {}
    sources: dict[str, SourcePlan] = {}
    for record in records:
        plan = sources.setdefault(record.source_id, SourcePlan(source_id=record.source_id))
        old = before.get(record.document_id)
        bucket = (
            plan.added
            if old is None
            else plan.changed
            if old.content_hash != record.content_hash
            else plan.unchanged
        )
        bucket.append(record.document_id)
        plan.current_moved |= old is not None and old.current != record.current
    seen = {r.document_id for r in records}
    for old in before.values():
        if old.document_id not in seen:
            sources.setdefault(old.source_id, SourcePlan(source_id=old.source_id)).removed.append(
                old.document_id
            )
    return BuildPlan(sources=sources, records=records)


def _record(doc: Document, current: bool, file_hashes: dict[str, str]) -> DocumentRecord:
    return DocumentRecord(
        document_id=doc.document_id,
        source_id=doc.source_id,
        citation_name=doc.citation_name,
        title=doc.title,
        language=doc.language,
        version_date=doc.version_date,
        doc_type=doc.doc_type,
        path=doc.path,
        file_sha256=file_hashes.get(doc.path) or file_hashes.get(doc.document_id, ""),
        reader=doc.reader,
        content_hash=doc.content_hash,
        passage_count=len(doc.passages),
        current=current,
        url=doc.url,
    )
