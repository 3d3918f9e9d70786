"""Reading issued PDFs back, as a reader of the printed page would."""

from io import BytesIO

from pypdf import PdfReader

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
