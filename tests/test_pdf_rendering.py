"""Every kind of PDF the application issues, as the demo database holds it, renders to
a readable page (not blank), and the "page X / Y" of its footers matches its page count."""

import re
import shutil
import subprocess
from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import demo_sqlite, service_missing
from tests.demo_documents import issue_every_kind, one_per_kind, pdf_documents

KINDS = [("dsr.acknowledgement", "fr"), ("dsr.extension_notice", "fr"), ("dsr.fee_notice", "fr"),
         ("dsr.destruction_certificate", "fr"),
         ("processor.destruction_certificate", "fr"), ("processor.clause_report", "fr"),
         ("processor.register_extract", "en"), ("breach.authority_notice", "fr"), ("breach.people_letter", "fr"),
         ("breach.people_letter", "en"), ("breach.register_pdf", "fr"), ("dpia.report", "fr"),
         ("register_extract", "fr"), ("retention.campaign_certificate", "fr"), ("retention.campaign_report", "fr"),
         ("retention.task_certificate", "fr")]
PAGE_OF = re.compile(r"Page (\d+) (?:/|of) (\d+)")
MIN_INK = 0.03  # share of dark pixels between header and footer; a text page has 6-10 %


@pytest.fixture(scope="module")
def documents(tmp_path_factory, sqlite_template):
    _, org = demo_sqlite(tmp_path_factory, sqlite_template)
    issue_every_kind(org)
    chosen = one_per_kind(pdf_documents(org))
    org.engine.dispose()
    return chosen


def test_every_kind_of_pdf_is_covered(documents):
    assert sorted(documents) == sorted(KINDS)  # a new kind of document: add it here and to tests/demo_documents.py


def _first_page_png(content: bytes, tmp_path) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        service_missing("pdftoppm not installed (Debian: apt-get install poppler-utils)")
    source = tmp_path / "document.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=60)
    return Image.open(tmp_path / "page.png").convert("L")


@pytest.mark.parametrize(("kind", "language"), KINDS)
def test_first_page_renders_with_content(documents, kind, language, tmp_path):
    page = _first_page_png(documents[kind, language].content, tmp_path)
    width, height = page.size
    assert (width, height) == (331, 468)  # A4 portrait at 40 dpi
    body = page.crop((0, height // 10, width, height * 9 // 10))  # between header and footer
    ink = sum(body.histogram()[:200]) / (body.width * body.height)
    assert ink > MIN_INK, f"{kind} ({language}): page 1 is nearly blank ({ink:.1%} ink)"


@pytest.mark.parametrize(("kind", "language"), KINDS)
def test_footer_page_numbers_match_the_page_count(documents, kind, language):
    reader = PdfReader(BytesIO(documents[kind, language].content))
    total = len(reader.pages)
    footers = [PAGE_OF.findall(page.extract_text()) for page in reader.pages]
    assert footers == [[(str(number), str(total))] for number in range(1, total + 1)]
