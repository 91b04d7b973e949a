"""Errors of the covenant check; the CLI and the API turn them into exit codes and HTTP answers."""

from __future__ import annotations

from kb.errors import DeelwijzerError


class CovenantError(DeelwijzerError):
    """The covenant cannot be checked."""


class CovenantFileError(CovenantError):
    """The uploaded file is not a readable text PDF. The message names the file, the problem and the fix."""

    def __init__(self, name: str, problem: str, fix: str) -> None:
        self.name, self.problem, self.fix = name, problem, fix
        super().__init__(f"{name}: {problem} — {fix}")


class ChecklistError(CovenantError):
    """kb/covenant/checklist.yaml is missing or malformed."""
