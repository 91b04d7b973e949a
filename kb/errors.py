"""The product's error root and the knowledge base's own errors. Messages name the file/field, the bad
value and the fix.

Every error the product raises (kb, ingest, bot, evals) derives from `DeelwijzerError`; it lives here because
kb is the layer every package may import. The edges turn it into an answer in one place each:
bot/api/errors.py (HTTP status and JSON) and deelwijzer/main.py (a message on stderr and an exit code)."""

from __future__ import annotations


class DeelwijzerError(Exception):
    """The root of every product error: catch this to catch them all."""


class KbError(DeelwijzerError):
    """Base class for every knowledge-base error."""


class InvalidSourceError(KbError):
    """A document could not be read into passages (corrupt, encrypted, no text layer, too large...)."""

    def __init__(self, path: str, problem: str, fix: str = "") -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        message = f"{path}: {problem}"
        if fix:
            message += f" — {fix}"
        super().__init__(message)


class CitationKeyError(KbError):
    """A text is not a citation key of the form in evals/FORMAT.md."""


class UnknownPassageError(KbError):
    """A citation key names no stored passage."""


class EmbedderMismatchError(KbError):
    """The index was built by another embedder than the one configured."""


class NoKnowledgeBaseError(KbError):
    """Nothing has been ingested yet."""


class SettingsError(KbError):
    """A setting has a value that cannot work."""
