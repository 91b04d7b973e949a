"""Convenant toetsen (issue 18): check a covenant PDF against the checklist in kb/covenant/checklist.yaml."""

from bot.covenant.check import CovenantChecker, KeyVerifier
from bot.covenant.errors import CovenantError, CovenantFileError
from bot.covenant.report import CovenantReport

__all__ = ["CovenantChecker", "CovenantError", "CovenantFileError", "CovenantReport", "KeyVerifier"]
