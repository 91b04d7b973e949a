"""The Deelkaart for the team wall and the file: CSV, JSON and a landscape PDF with legend, the circumstances,
the knowledge-base build and date, the coverage, and the organisation's own agreements (marked as local
guidance, lower than the law)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.matrix.agreements import Agreement
from bot.matrix.compute import Cell, DeelMap
from bot.records import FONT_DIR, RecordError
from bot.words import words

if TYPE_CHECKING:
    from fpdf import FPDF

SHORT = {**words("verdicts", "nl"), "buiten_bereik": "—"}  # verdict labels (bot/words); out of scope: a dash
NO_RULE = "geen regel — vraag uw FG"
COLOURS = {  # verdict -> fill (RGB), as the badges of the web app
    "mag": (198, 239, 206), "mag_mits": (255, 235, 156), "mag_niet": (255, 199, 206),
    "hangt_af": (221, 235, 247), "buiten_bereik": (230, 230, 230), "geen_regel": (240, 240, 240),
}  # fmt: skip
CSV_FIELDS = (
    "sender", "sender_label", "recipient", "recipient_label", "verdict", "verdict_label", "status",
    "deciding", "keys", "question", "agreements",
)  # fmt: skip
LOCAL = "Lokale afspraak (lager dan de wet)"
LEGEND = (
    "Ja = mag", "Ja, mits = mag onder voorwaarden", "Nee = mag niet (tenzij een uitzondering geldt)",
    "Hangt af = een regel noemt feiten die de kaart niet kent",
    "? = hangt af van een open omstandigheid (de vraag staat in de lijst)", f"FG = {NO_RULE}",
    "* = er is een lokale afspraak", "kolomnummers = rijnummers",
    "lokale afspraken zijn eigen werkafspraken van de organisatie: lager dan de wet, "
    "ze veranderen het oordeel niet",
)  # fmt: skip


def cell_label(cell: Cell) -> str:
    """'Ja, mits', 'Nee', … or 'geen regel — vraag uw FG'."""
    return NO_RULE if cell.status == "geen_regel" else words("verdicts", "nl")[cell.verdict]


def circumstances(deelkaart: DeelMap) -> str:
    r = deelkaart.request
    consent = {"": "toestemming onbekend", "given": "toestemming gegeven", "refused": "toestemming geweigerd"}
    parts = [
        "minderjarig" if r.minor else "meerderjarig", consent[r.consent],
        "spoedeisend" if r.urgent else "niet spoedeisend",
        f"binnen {r.partnership.upper() if r.partnership != 'overleg' else 'een casusoverleg'}"
        if r.partnership else "buiten een samenwerkingsverband",
    ]  # fmt: skip
    return ", ".join(parts)


def _agreements_of(cell: Cell, agreements: Sequence[Agreement]) -> list[Agreement]:
    return [a for a in agreements if a.sender == cell.sender and a.recipient == cell.recipient]


def to_json(deelkaart: DeelMap, agreements: Sequence[Agreement] = ()) -> dict[str, Any]:
    """The map as JSON: `cells` of {sender, recipient, verdict, keys, …} (vocabulary ids) and `agreements`."""
    data = deelkaart.model_dump(mode="json")
    data["circumstances"] = circumstances(deelkaart)
    data["agreements"] = [a.model_dump() for a in agreements]
    return data


def to_csv(deelkaart: DeelMap, agreements: Sequence[Agreement] = ()) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for cell in deelkaart.cells:
        own = _agreements_of(cell, agreements)
        writer.writerow({
            "sender": cell.sender, "sender_label": deelkaart.labels[cell.sender],
            "recipient": cell.recipient, "recipient_label": deelkaart.labels[cell.recipient],
            "verdict": cell.verdict, "verdict_label": cell_label(cell), "status": cell.status,
            "deciding": cell.deciding, "keys": "; ".join(cell.keys), "question": cell.question,
            "agreements": " | ".join(f"{a.text} ({a.author}, {a.created[:10]})" for a in own),
        })  # fmt: skip
    return out.getvalue()


def to_pdf(deelkaart: DeelMap, agreements: Sequence[Agreement] = (), font_dir: Path = FONT_DIR) -> bytes:
    """A3 landscape: the grid with legend and build on page 1, then every cell's deciding provision and the
    agreements."""
    pdf = _new_pdf(font_dir)
    _header(pdf, deelkaart)
    _grid(pdf, deelkaart, agreements)
    _legend(pdf)
    _cell_list(pdf, deelkaart, agreements)
    return bytes(pdf.output())


def _new_pdf(font_dir: Path) -> FPDF:
    from fpdf import FPDF

    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    missing = [str(path) for path in (regular, bold) if not path.exists()]
    if missing:
        raise RecordError(
            f"the Deelkaart PDF needs the Unicode font {', '.join(missing)} — install fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core), or export CSV or JSON"
        )
    pdf = FPDF(orientation="L", format="A3")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title("Deelkaart")
    pdf.set_creator("Deelwijzer")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float = 9, bold: bool = False, height: float = 5) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(pdf.epw, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _header(pdf: FPDF, m: DeelMap) -> None:
    _line(pdf, f"Deelkaart: {m.data_label} — voor {m.purpose_label}", 16, True, 8)
    _line(pdf, f"Omstandigheden: {circumstances(m)}.")
    c = m.coverage
    _line(pdf, f"Kennisbank {m.kb_build} (gebouwd {m.kb_created[:10]}). Dekking: {c.covered:.0%} van de "
          f"{c.cells} cellen beslist een regel ({c.by_rule} direct, {c.open} na een open vraag); "
          f"{c.no_rule} × {NO_RULE}.")  # fmt: skip
    _line(pdf, "Hulpmiddel, geen juridisch advies. Elke cel is het antwoord van Deelwijzer op deze feiten; "
          "de bepalingen zijn gecontroleerd tegen de opgeslagen wettekst.", 8)  # fmt: skip
    pdf.ln(2)


def _grid(pdf: FPDF, m: DeelMap, agreements: Sequence[Agreement]) -> None:
    head, n = 52.0, len(m.recipients)
    width = (pdf.epw - head) / max(n, 1)
    pdf.set_font("DejaVu", "B", 6)
    pdf.cell(head, 6, "van ↓  /  aan →", border=1)
    for number in range(1, n + 1):
        pdf.cell(width, 6, str(number), border=1, align="C")
    pdf.ln()
    for row, sender in enumerate(m.senders, 1):
        pdf.set_font("DejaVu", "B", 6)
        pdf.cell(head, 6, f"{row}. {m.labels[sender]}"[:44], border=1)
        pdf.set_font("DejaVu", "", 5.5)
        for recipient in m.recipients:
            cell = m.cell(sender, recipient)
            pdf.set_fill_color(*COLOURS["geen_regel" if cell.status == "geen_regel" else cell.verdict])
            mark = "FG" if cell.status == "geen_regel" else SHORT[cell.verdict]
            mark += "?" if cell.status == "open" else ""
            mark += " *" if _agreements_of(cell, agreements) else ""
            pdf.cell(width, 6, mark, border=1, align="C", fill=True)
        pdf.ln()


def _legend(pdf: FPDF) -> None:
    pdf.ln(2)
    _line(pdf, "Legenda", 10, True)
    _line(pdf, " · ".join(LEGEND), 8)


def _cell_list(pdf: FPDF, m: DeelMap, agreements: Sequence[Agreement]) -> None:
    pdf.add_page()
    _line(pdf, "Per cel: oordeel en beslissende bepaling", 12, True, 7)
    for cell in m.cells:
        text = f"{m.labels[cell.sender]} → {m.labels[cell.recipient]}: {cell_label(cell)}"
        text += f" — {cell.deciding}" if cell.deciding else ""
        text += f" — open vraag: {cell.question}" if cell.question else ""
        _line(pdf, text, 7, height=3.6)
        for own in _agreements_of(cell, agreements):
            _line(pdf, f"    {LOCAL}: {own.text} ({own.author}, {own.created[:10]})", 7, height=3.6)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
