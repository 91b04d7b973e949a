"""Text that reads like instructions to an AI assistant ('negeer alle regels', 'SYSTEM:', 'ignore previous
instructions', 'je bent nu ...') inside a document someone uploaded.

Uploaded covenants and guidance are data, never commands: verdicts come from the rules, and their text is
shown as lower-authority document text. Passages that look like instructions are reported at ingest and
listed in Beheer so a person can check the document. The patterns are short and linear."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.passages import Passage

#: document types whose text people bring themselves (PDF uploads, guidance) and that are checked
CHECKED_TYPES = frozenset({"convenant", "handreiking", "werkinstructie"})
SIGNALS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "negeer": r"\bnegeer\b",
        "vergeet de regels": r"\bvergeet\b.{0,40}?\b(?:regels|instructies|opdracht(?:en)?|avg|wet)\b",
        "ignore previous": (
            r"\b(?:ignore|disregard|forget)\b.{0,30}?\b(?:previous|prior|above|earlier|all|rules)\b"
        ),
        "rol-aanwijzing": r"(?<![\w])(?:system|systeem|assistant|assistent|developer)\s{0,3}:",
        "je bent nu": r"\b(?:je bent nu|u bent nu|jij bent nu|you are now|act as|doe alsof)\b",
        "prompt": r"\b(?:system ?prompt|jailbreak|prompt injection)\b",
        "antwoord altijd": r"\b(?:antwoord|zeg|answer|say)\b.{0,20}?\b(?:altijd|gewoon|voortaan|always)\b",
    }.items()
}


def instruction_signals(text: str) -> list[str]:
    """The names of the signals found in `text` ([] for ordinary document text)."""
    return [name for name, pattern in SIGNALS.items() if pattern.search(text)]


def flagged_passages(passages: Iterable[Passage]) -> list[tuple[Passage, list[str]]]:
    """Passages of checked document types that read like instructions, with what was found."""
    found = []
    for passage in passages:
        if passage.doc_type in CHECKED_TYPES:
            signals = instruction_signals(passage.text)
            if signals:
                found.append((passage, signals))
    return found
