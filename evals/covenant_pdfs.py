"""Render the test covenants (evals/covenants/*.md, our own fictional texts) to PDF with fpdf2.

The PDFs are build products, made at test or eval time, never committed. `render_scan` makes an image-only PDF
(no text layer) to check that such a file is refused.

    python -m evals.covenant_pdfs evals/out/covenants     # writes one PDF per covenant, plus the scan
"""

from __future__ import annotations

import sys
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

COVENANT_DIR = Path(__file__).resolve().parent / "covenants"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SCAN_SOURCE = "01-zvh-mensenhandel-sound.md"
SCAN_NAME = "99-scan-zonder-tekstlaag.pdf"


def covenant_sources(folder: Path = COVENANT_DIR) -> list[Path]:
    return sorted(folder.glob("*.md"))


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Deelwijzer test covenants")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    return pdf


def render(source: Path, target: Path) -> Path:
    """A text PDF of one covenant: '# ' title, '## ' article headings, other lines as paragraphs."""
    lines = source.read_text(encoding="utf-8").splitlines()
    title = lines[0].removeprefix("# ").strip()
    pdf = _new_pdf(title)
    for line in lines:
        if line.startswith("# "):
            _write(pdf, line[2:], "B", 15, 8)
        elif line.startswith("## "):
            pdf.ln(2)
            _write(pdf, line[3:], "B", 11.5, 6)
        elif line.strip():
            _write(pdf, line.strip(), "", 10, 5)
        else:
            pdf.ln(1.5)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(pdf.output()))
    return target


def _write(pdf: FPDF, text: str, style: str, size: float, height: float) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.multi_cell(pdf.epw, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_scan(source: Path, target: Path, lines: int = 45) -> Path:
    """An image-only PDF: the first lines of `source` drawn into a picture, as a scanner would deliver it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 22)
    text = [line.lstrip("# ") for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row, line in enumerate(text[:lines]):
        draw.text((90, 90 + row * 34), line[:90], fill=0, font=font)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=210, h=297)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(pdf.output()))
    return target


def render_all(out_dir: Path, folder: Path = COVENANT_DIR) -> list[Path]:
    pdfs = [render(source, out_dir / f"{source.stem}.pdf") for source in covenant_sources(folder)]
    return [*pdfs, render_scan(folder / SCAN_SOURCE, out_dir / SCAN_NAME)]


if __name__ == "__main__":
    for path in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "evals/out/covenants")):
        print(path)
