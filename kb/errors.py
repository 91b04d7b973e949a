"""One error hierarchy for the knowledge base. Messages name the file/field, the bad value and the fix."""

from __future__ import annotations


class KbError(Exception):
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
