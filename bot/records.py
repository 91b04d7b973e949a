"""The decision record ("vastlegging"): one assessment as Markdown or PDF, with room for the professional's
own motivation. Question, facts and motivation are scrubbed of identifiers first (bot/scrub.py).

The API makes records only from answers the server produced (bot/api/record_tokens.py); the motivation is
the one part the user adds, and the record says so. Quotes from a covenant or guidance document are marked
as such: they are not law."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.answer import GUIDANCE_TYPES, Answer, Citation, Facts, Step
from bot.scrub import scrub
from bot.words import verdict_label, words
from kb.citations import article_level
from kb.errors import DeelwijzerError

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BlockKind = Literal["title", "heading", "subheading", "text", "item", "check", "quote", "field", "note"]

#: The record is in Dutch (the chain's working language), whatever the language of the question.
LANGUAGE = "nl"
LABELS = words("records", LANGUAGE)
FACT_LABELS = words("record_facts", LANGUAGE)


class RecordError(DeelwijzerError):
    """The record cannot be produced (e.g. the Unicode font is missing)."""


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


def record_blocks(
    answer: Answer, question: str, motivation: str = "", today: date | None = None
) -> list[Block]:
    """The record as an ordered list of blocks; Markdown and PDF are two renderings of it."""
    day = (today or date.today()).isoformat()
    blocks = [
        Block("title", LABELS["title"]),
        Block("note", LABELS["meta"].format(date=day, build=answer.kb_build or "onbekend")),
        Block("note", LABELS["disclaimer"]),
        Block("heading", LABELS["question"]),
        Block("text", _clean(question) or LABELS["empty"]),
        *_facts(answer.facts),
        Block("heading", LABELS["verdict"]),
        Block("text", f"{verdict_label(answer.verdict, LANGUAGE)} — {answer.summary}"),
    ]
    blocks += _listed(LABELS["conditions"], answer.conditions, "check")
    blocks += _listed(LABELS["clarify"], answer.clarifying_questions, "item")
    blocks += _steps(answer.steps, answer.citations)
    blocks += _listed(LABELS["record"], answer.record, "item")
    blocks += _listed(LABELS["escalate"], [answer.escalate] if answer.escalate else [], "text")
    blocks += _sources(answer.citations)
    return blocks + _own_fields(motivation)


def record_markdown(answer: Answer, question: str, motivation: str = "", today: date | None = None) -> str:
    return blocks_to_markdown(record_blocks(answer, question, motivation, today))


def record_pdf(
    answer: Answer, question: str, motivation: str = "", today: date | None = None, font_dir: Path = FONT_DIR
) -> bytes:
    return blocks_to_pdf(record_blocks(answer, question, motivation, today), LABELS["title"], font_dir)


def record_filename(extension: str, today: date | None = None) -> str:
    return f"deelwijzer-vastlegging-{(today or date.today()).isoformat()}.{extension}"


_MARKDOWN_PREFIX = {
    "title": "# ", "heading": "## ", "subheading": "### ", "text": "", "item": "- ", "check": "- [ ] ",
    "quote": "  > ", "field": "", "note": "_",
}  # fmt: skip


def blocks_to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        listed = block.kind in ("item", "check", "quote")
        if previous is not None and not (listed and previous.kind in ("item", "check", "quote")):
            lines.append("")
        suffix = "_" if block.kind == "note" else ""
        lines.append(_MARKDOWN_PREFIX[block.kind] + block.text + suffix)
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    return " ".join(scrub(text).split())


def _listed(title: str, items: list[str], kind: BlockKind) -> list[Block]:
    return [Block("heading", title), *(Block(kind, item) for item in items)] if items else []


def _facts(facts: Facts) -> list[Block]:
    values = {
        "sender": _clean(facts.sender), "recipient": _clean(facts.recipient),
        "data": ", ".join(facts.data), "purpose": _clean(facts.purpose), "minor": _yes_no(facts.minor),
        "outside_eer": _yes_no(facts.outside_eer), "urgent": _yes_no(facts.urgent),
        "consent": _yes_no(facts.consent),
    }  # fmt: skip
    unknown = LABELS["unknown"]
    items = [Block("item", f"{FACT_LABELS[name]}: {value or unknown}") for name, value in values.items()]
    return [Block("heading", LABELS["facts"]), *items]


def _yes_no(value: bool | None) -> str:
    return LABELS["unknown"] if value is None else LABELS["yes"] if value else LABELS["no"]


def _steps(steps: list[Step], citations: list[Citation]) -> list[Block]:
    blocks: list[Block] = [Block("heading", LABELS["steps"])] if steps else []
    for number, step in enumerate(steps, 1):
        blocks += [Block("subheading", f"{number}. {step.title}"), Block("text", step.finding)]
        for key in step.keys:
            citation = _citation_for(key, citations)
            blocks.append(Block("item", _provision_line(key, citation)))
            if citation and citation.quote:
                blocks.append(Block("quote", f"“{citation.quote}”"))
    return blocks


def _citation_for(key: str, citations: list[Citation]) -> Citation | None:
    exact = [c for c in citations if c.key.casefold() == key.casefold()]
    same_article = [c for c in citations if article_level(c.key).casefold() == article_level(key).casefold()]
    found = exact or same_article
    return found[0] if found else None


def _provision_line(key: str, citation: Citation | None) -> str:
    if citation is None:
        return f"{key} ({LABELS['not_cited']})"
    marker = f", {_not_law(citation)}" if citation.source_type in GUIDANCE_TYPES else ""
    return f"{key} ({LABELS['version']} {citation.source_version}{marker})"


def _not_law(citation: Citation) -> str:
    return LABELS["not_law"].format(kind=citation.source_type)


def _sources(citations: list[Citation]) -> list[Block]:
    version = LABELS["version"]
    lines = [
        f"{c.key} ({version} {c.source_version}, "
        f"{_not_law(c) if c.source_type in GUIDANCE_TYPES else c.source_type}) {c.url}".strip()
        for c in citations
    ]
    return _listed(LABELS["sources"], lines, "item")


def _own_fields(motivation: str) -> list[Block]:
    own = _clean(motivation)
    return [
        Block("heading", LABELS["own"]),
        Block("note", LABELS["own_note"]),
        Block("text", own or "…" * 3),
        Block("field", LABELS["decision"]),
        Block("field", f"{LABELS['name']} …………………………………………"),
        Block("field", f"{LABELS['signed']} …………………………………………"),
    ]


_PDF_STYLE: dict[str, tuple[str, int, float]] = {  # kind -> (font style, size, line height)
    "title": ("B", 16, 8), "heading": ("B", 13, 7), "subheading": ("B", 11, 6), "text": ("", 10, 5),
    "item": ("", 10, 5), "check": ("", 10, 5), "quote": ("", 9, 4.5), "field": ("", 10, 7),
    "note": ("", 8, 4),
}  # fmt: skip
_PDF_INDENT = {"item": 4.0, "check": 4.0, "quote": 10.0}
_PDF_BULLET = {"item": "• ", "check": "☐ "}


def blocks_to_pdf(blocks: list[Block], title: str, font_dir: Path = FONT_DIR) -> bytes:
    """Render blocks with fpdf2 in DejaVu Sans (Unicode: ë, é, §, ☐ print as they should)."""
    pdf = _new_pdf(title, font_dir)
    for block in blocks:
        _pdf_block(pdf, block)
    return bytes(pdf.output())


def _new_pdf(title: str, font_dir: Path) -> FPDF:
    from fpdf import FPDF

    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    missing = [str(path) for path in (regular, bold) if not path.is_file()]
    if missing:
        raise RecordError(
            f"PDF record needs the Unicode font {', '.join(missing)}, which is missing — install the Debian "
            "package fonts-dejavu-core (apt-get install fonts-dejavu-core), or export the record as Markdown"
        )
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(title)
    pdf.set_creator("Deelwijzer")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _pdf_block(pdf: FPDF, block: Block) -> None:
    from fpdf.enums import XPos, YPos

    style, size, height = _PDF_STYLE[block.kind]
    if block.kind in ("heading", "subheading"):
        pdf.ln(3)
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(90 if block.kind in ("note", "quote") else 0)
    indent = _PDF_INDENT.get(block.kind, 0.0)
    pdf.set_x(pdf.l_margin + indent)
    text = _PDF_BULLET.get(block.kind, "") + block.text
    pdf.multi_cell(pdf.epw - indent, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
