"""The covenant report: its JSON shape, and its Markdown and PDF renderings (the PDF as bot/records.py
makes decision records)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

from bot.covenant.checklist import Status
from bot.records import FONT_DIR, Block, blocks_to_pdf


class Quote(BaseModel):
    page: int
    text: str = Field(description="Verbatim from the extracted text of that page (whitespace collapsed).")


class ItemReport(BaseModel):
    id: str
    status: Status
    quotes: list[Quote] = Field(default_factory=list)
    keys: list[str] = Field(default_factory=list, description="Provisions that require the item, verified.")
    explanation: str


class PartyReport(BaseModel):
    name: str
    role: str = Field(description="Id in kb/vocabulary/roles.yaml, '' when not recognised.")
    role_label: str
    page: int
    basis_keys: list[str] = Field(
        default_factory=list, description="Basis the assessment rules give (verified)."
    )
    routes: list[str] = Field(default_factory=list, description="What the covenant must name for this party.")
    named: bool = Field(False, description="The covenant names every route of this party.")


class CovenantReport(BaseModel):
    items: list[ItemReport]
    parties: list[PartyReport]


STATUS_LABELS: dict[str, str] = {
    "aanwezig": "aanwezig", "ontbreekt": "ontbreekt", "onduidelijk": "onduidelijk", "probleem": "probleem",
}  # fmt: skip
TITLE = "Toets convenant"
DISCLAIMER = (
    "Hulpmiddel bij de beoordeling van een convenant, geen juridisch advies. Een convenant is zelf geen "
    "grondslag (AVG art. 6 lid 3). Citaten zijn letterlijk uit de tekst van de geüploade PDF."
)


def report_blocks(report: CovenantReport, name: str, today: date | None = None) -> list[Block]:
    """The report as blocks: Markdown and PDF are two renderings of it (like the decision record)."""
    day = (today or date.today()).isoformat()
    blocks = [Block("title", f"{TITLE}: {name}"), Block("note", f"Datum: {day}"), Block("note", DISCLAIMER)]
    blocks.append(Block("heading", "Partijen"))
    for party in report.parties:
        named = "grondslag genoemd" if party.named else "grondslag niet (volledig) genoemd"
        blocks.append(
            Block("item", f"{party.name} — {party.role_label or 'rol onbekend'} (p. {party.page}); {named}")
        )
    blocks.append(Block("heading", "Checklist"))
    for item in report.items:
        blocks.append(Block("subheading", f"{item.id}: {STATUS_LABELS[item.status]}"))
        blocks.append(Block("text", item.explanation))
        blocks += [Block("quote", f"p. {q.page}: “{q.text}”") for q in item.quotes]
        if item.keys:
            blocks.append(Block("note", "Bepalingen: " + "; ".join(item.keys)))
    return blocks


def report_markdown(report: CovenantReport, name: str, today: date | None = None) -> str:
    prefix = {"title": "# ", "heading": "\n## ", "subheading": "\n### ", "item": "- ", "quote": "> "}
    lines = []
    for block in report_blocks(report, name, today):
        text = f"_{block.text}_" if block.kind == "note" else block.text
        lines.append(prefix.get(block.kind, "") + text)
        if block.kind in ("quote", "text", "note", "title"):
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def report_pdf(
    report: CovenantReport, name: str, today: date | None = None, font_dir: Path = FONT_DIR
) -> bytes:
    return blocks_to_pdf(report_blocks(report, name, today), f"{TITLE}: {name}", font_dir)
