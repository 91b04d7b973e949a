"""The finished answer as Markdown, for the CLI, the chat stream and the OpenAI-compatible reply."""

from __future__ import annotations

from bot.answer import GUIDANCE_TYPES, Answer, Citation, Step
from bot.words import verdict_label as label_of
from bot.words import words


def render_markdown(answer: Answer) -> str:
    """The answer as Markdown: verdict, checklist, steps, record, sources."""
    labels = words("rendering", answer.language)
    parts = [f"**{labels['verdict']}: {verdict_label(answer)}** — {answer.summary}"]
    parts += _section(labels["conditions"], [f"- [ ] {item}" for item in answer.conditions])
    parts += _section(labels["questions"], [f"- {item}" for item in answer.clarifying_questions])
    parts += _section(
        labels["steps"], [_render_step(n, step, labels) for n, step in enumerate(answer.steps, 1)]
    )
    parts += _section(labels["record"], [f"- {item}" for item in answer.record])
    parts += _section(labels["escalate"], [answer.escalate] if answer.escalate else [])
    parts += _section(labels["sources"], [_render_citation(c, labels) for c in answer.citations])
    if answer.removed_citations:
        parts.append(f"_{answer.removed_citations} {labels['removed']}_")
    return "\n\n".join(parts) + "\n"


def verdict_label(answer: Answer) -> str:
    """The verdict's label in the answer's language."""
    return label_of(answer.verdict, answer.language)


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"### {title}\n" + "\n".join(lines)] if lines else []


def _render_step(number: int, step: Step, labels: dict[str, str]) -> str:
    text = f"{number}. **{step.title}** — {step.finding}"
    if step.keys:
        text += f"\n   {labels['provisions']}: " + ", ".join(step.keys)
    return text


def _render_citation(citation: Citation, labels: dict[str, str]) -> str:
    """A source line; text of a covenant, guidance or work instruction is marked as document text, not law
    (an uploaded document may say anything: it never has the weight of the legislation)."""
    kind = citation.source_type
    if kind in GUIDANCE_TYPES:
        kind = labels["document"].format(kind=kind)
    head = f"- **{citation.key}** ({labels['version']} {citation.source_version}, {kind})"
    link = f" — <{citation.url}>" if citation.url else ""
    return f"{head}{link}\n  > {citation.quote}"
