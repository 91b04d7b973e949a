"""Question understanding without an LLM: which facts does a question state?

`understand(question, history)` reads the slots (who shares what with whom, for what, in which circumstances)
from the vocabulary in kb/vocabulary and merges short follow-ups into the earlier turns.

- `facts` — the Understanding: one field per fact;
- `reading` — one question on its own (`read_question`, `strip_injection`);
- `roles` — who sends and who receives (`assign_roles`);
- `conversation` — the question in its conversation (`understand`, follow-ups and corrections).
"""

from bot.understanding.conversation import is_followup, merge_history, understand, with_kept_facts
from bot.understanding.facts import SHARING, Consent, SlotGuesser, Understanding
from bot.understanding.reading import read_question, strip_injection
from bot.understanding.roles import assign_roles

__all__ = [
    "SHARING",
    "Consent",
    "SlotGuesser",
    "Understanding",
    "assign_roles",
    "is_followup",
    "merge_history",
    "read_question",
    "strip_injection",
    "understand",
    "with_kept_facts",
]
