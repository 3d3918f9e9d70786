"""Reading issued PDFs back, as a reader of the printed page would."""

import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from exports.pdf.base import MARGIN
from tests.conftest import service_missing

HEADER_BAND = 800  # points from the bottom of an A4 page: the running header sits above it


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace collapsed: table cells and long titles wrap their lines."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def header_runs(content: bytes, page: int = 0) -> list[tuple[str, float]]:
    """The text runs of a page's running header, each with its x position."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and tm[5] > HEADER_BAND:
            runs.append((text.strip(), tm[4]))

    PdfReader(BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return runs


# The body of an A4 page between the running header and the footer (exports/pdf/base.py:
# 20 mm margins), in points from the bottom.
BODY_BOTTOM, BODY_TOP = 56.0, 785.0
HEADING_SIZES = (11.5, 16.0)  # exports/pdf/base.py: the "h2" and "title" styles, both bold
LINE_STEP = 12.0  # a little over the leading of a table cell's lines (11 points)


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    size: float
    bold: bool


def body_runs(content: bytes) -> list[list[Run]]:
    """Each page's text runs between header and footer, in the order they are drawn
    (the order of the document's flowables)."""
    return read_pdf(content)[1]


def read_pdf(content: bytes) -> tuple[str, list[list[Run]]]:
    """`pdf_text` and `body_runs` of one document in a single reading of its pages (the
    extraction is the slow part: a test that needs both reads once)."""
    pages, texts = [], []
    for page in PdfReader(BytesIO(content)).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font, size, runs=runs):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if BODY_BOTTOM < y < BODY_TOP:
                bold = "Bold" in str((font or {}).get("/BaseFont", ""))
                runs.append(Run(text.strip(), x, y, round(float(size) * abs(tm[3] or 1), 2), bold))

        texts.append(page.extract_text(visitor_text=visit))
        pages.append(runs)
    return " ".join(" ".join(texts).split()), pages


def layout_problems(content: bytes, signature_label: str, pages: list[list[Run]] | None = None) -> list[str]:
    """Headings left alone at the bottom of a page, and signature blocks split across pages
    or alone at the top of one. A heading is a bold run in a heading size; a signature
    block (exports/pdf/base.py signature_block) is drawn row by row: the signatories' roles
    in bold, their names, then `signature_label` ("Date et signature :") under each."""
    problems = []
    pages = body_runs(content) if pages is None else pages  # `pages`: the body runs, when read already
    for number, runs in enumerate(pages, start=1):
        if runs and runs[-1].bold and runs[-1].size in HEADING_SIZES:
            last = [r.text for r in runs if r.y <= runs[-1].y + 1]
            problems.append(f"page {number}: heading alone at the bottom: {' '.join(last)[:80]!r}")
        labels = [i for i, r in enumerate(runs) if r.text == signature_label.strip()]
        if not labels:
            continue
        i = labels[0] - 1
        while i >= 0 and not runs[i].bold:  # the names, up to the roles
            i -= 1
        top = runs[i].y if i >= 0 else 0.0
        # The roles, column after column, each line at most one line above the one drawn before it;
        # what precedes the block (even a bold label) is further up.
        while i >= 0 and runs[i].bold and runs[i].y <= top + LINE_STEP:
            top = max(top, runs[i].y)
            i -= 1
        if i < 0:
            problems.append(f"page {number}: the signature block opens the page, cut from the text it signs")
    return problems


def ink_in_the_margins(content: bytes, tmp_path: Path, pages: int = 3) -> list[str]:
    """Renders the first pages at 60 dpi; text or lines in the side margins mean something
    overflowed its column (a long word or URL that did not wrap)."""
    if shutil.which("pdftoppm") is None:
        service_missing("pdftoppm not installed (Debian: apt-get install poppler-utils)")
    source = tmp_path / "document.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages), str(source), str(tmp_path / "p")],
                   check=True, capture_output=True, timeout=120)
    problems = []
    margin = round((MARGIN - 4) / 72 * 60)  # the side margin in pixels, less a hair for rules
    for png in sorted(tmp_path.glob("p-*.png")):
        page = Image.open(png).convert("L")
        for box in ((0, 0, margin, page.height), (page.width - margin, 0, page.width, page.height)):
            if page.crop(box).getextrema()[0] < 160:
                problems.append(f"{png.name}: ink in the margin {box}")
        png.unlink()
    return problems
