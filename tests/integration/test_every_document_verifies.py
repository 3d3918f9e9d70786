"""Every PDF the demo registry holds — and one of each kind the application issues —
carries in its footer a verification code that the evidence room recognises as that very
document, and its bytes verify as issued."""

import re
from io import BytesIO

from pypdf import PdfReader

from dashboard.evidence_verification import Outcome, verify_file, verify_reference
from tests.demo_documents import issue_every_kind, one_per_kind, pdf_documents

FOOTER = re.compile(r"(DOC-\d{4}-\d{4,}) · (?:code de vérification|verification code) ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def _footers(content: bytes) -> set[tuple[str, str]]:
    """(number, code) as printed on each page's footer."""
    pages = PdfReader(BytesIO(content)).pages
    found = [FOOTER.findall(page.extract_text()) for page in pages]
    assert all(len(on_page) == 1 for on_page in found), found  # one footer on every page
    return {on_page[0] for on_page in found}


def test_every_pdf_verifies_by_its_footer_code_and_by_its_bytes(demo_org):
    org = demo_org
    issue_every_kind(org)
    documents = pdf_documents(org)
    assert len(one_per_kind(documents)) >= 12 and len(documents) > 40
    for document in documents:
        [(number, code)] = _footers(document.content)
        assert number == document.number
        with org.work() as session:
            by_code = verify_reference(session, org.auditor, code)
            by_bytes = verify_file(session, org.auditor, document.filename, document.content)
        assert (by_code.outcome, by_code.via, by_code.document.id) == (Outcome.ISSUED, "code", document.id), number
        assert (by_bytes.outcome, by_bytes.via, by_bytes.document.id) == (Outcome.ISSUED, "file", document.id), number
        assert by_bytes.sha256 == document.sha256
