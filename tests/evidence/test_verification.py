"""Is this the document we issued? Dropped files, typed codes and fingerprints,
and bad input that gets a clear answer without harming the app."""

import hashlib
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard.evidence_verification import Outcome, read_claims, verify_file, verify_reference
from dashboard.i18n import Translator
from dashboard.validation import InvalidInput
from exports.pdf.base import build_pdf, para
from exports.stamp import DocumentStamp
from models.audit import AuditEntry
from tests.evidence.conftest import issue


def _verify(org, content: bytes, actor=None, filename: str = "piece.pdf"):
    with org.work() as session:
        return verify_file(session, actor or org.auditor, filename, content)


def _typed(org, text: str, actor=None):
    with org.work() as session:
        return verify_reference(session, actor or org.auditor, text)


def _forged_pdf(number: str, code: str) -> bytes:
    stamp = DocumentStamp(number, code, datetime.now(timezone.utc), "Claire Fontaine")
    return build_pdf([para("Certificat de destruction")], stamp=stamp, tr=Translator("fr"), title="Certificat",
                     subject="Faux", author="Claire Fontaine", header="Mutuelle Médicis")


def test_the_issued_file_is_recognised_with_when_and_by_whom(org):
    document = issue(org, title="Certificat de destruction DSR-2026-0042")
    result = _verify(org, document.content)
    assert result.outcome == Outcome.ISSUED and result.via == "file"
    facts = result.document
    assert (facts.number, facts.title, facts.issued_by_name, facts.entity_name) == (
        document.number, "Certificat de destruction DSR-2026-0042", "Claire Fontaine", "Mutuelle Médicis")
    assert facts.issued_at == document.issued_at and facts.visible
    assert result.sha256 == hashlib.sha256(document.content).hexdigest()


@pytest.mark.parametrize("where", [0.2, 0.5, 0.9])
def test_a_single_byte_changed_is_reported_altered(org, where):
    document = issue(org)
    tampered = bytearray(document.content)
    position = int(len(tampered) * where)
    tampered[position] = (tampered[position] + 1) % 256
    result = _verify(org, bytes(tampered))
    assert result.outcome == Outcome.ALTERED
    assert result.document.number == document.number
    assert "evidence.verify.note.altered" in result.notes
    assert result.sha256 != document.sha256


def test_a_superseded_document_says_so(org):
    first = issue(org, case_id=5)
    second = issue(org, case_id=5, supersedes=first)
    assert _verify(org, first.content).document.superseded_by == second.number


def test_a_forged_footer_code_is_unknown_and_named(org):
    issue(org)
    result = _verify(org, _forged_pdf("DOC-2026-9999", "ZZZZ-ZZZZ-ZZZZ"))
    assert result.outcome == Outcome.UNKNOWN
    assert set(result.claimed) == {"DOC-2026-9999", "ZZZZ-ZZZZ-ZZZZ"}
    assert result.notes == ("evidence.verify.note.forged",)


def test_a_real_number_with_a_forged_code_is_altered(org):
    document = issue(org)
    result = _verify(org, _forged_pdf(document.number, "ZZZZ-ZZZZ-ZZZZ"))
    assert result.outcome == Outcome.ALTERED and result.document.number == document.number
    assert "evidence.verify.note.code_mismatch" in result.notes and result.claimed == ("ZZZZ-ZZZZ-ZZZZ",)


def test_claims_are_read_from_the_footer_text_and_the_metadata(org):
    document = issue(org)
    claims = read_claims(document.content)
    assert claims.readable
    assert claims.codes == (document.verification_code,) and claims.numbers == (document.number,)
    # U is not in the code alphabet: only the page text, compressed, still holds the code
    footer_only = document.content.replace(document.verification_code.encode(), b"UUUU-UUUU-UUUU")
    assert read_claims(footer_only).codes == (document.verification_code,)


def test_a_pdf_from_elsewhere_with_code_like_references_is_not_called_forged(org):
    """Only codes where DPO Desk prints them count: after "code de vérification", in the keywords."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Contrat 2026-0001-0042, IBAN FR76 3000 4000 0312 3456 7890 143, ref ABCD-EFGH-1234")
    page.save()
    result = _verify(org, buffer.getvalue())
    assert (result.outcome, result.claimed, result.notes) == (Outcome.UNKNOWN, (), ("evidence.verify.note.no_stamp",))


@pytest.mark.parametrize(("content", "outcome", "notes"), [
    (b"Bonjour, ceci est un fichier texte.\n", Outcome.UNKNOWN, ("evidence.verify.note.not_pdf",)),
    (bytes(range(256)) * 64, Outcome.UNKNOWN, ("evidence.verify.note.not_pdf",)),
    (b"%PDF-1.7\n" + bytes(range(256)) * 64, Outcome.UNKNOWN, ("evidence.verify.note.unreadable_pdf",)),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", Outcome.UNKNOWN, None),
    (b"", Outcome.EMPTY, ()),
])
def test_bad_files_get_a_clear_answer(org, content, outcome, notes):
    result = _verify(org, content, filename="bizarre.bin")
    assert result.outcome == outcome
    if notes is not None:
        assert result.notes == notes
    assert result.document is None


def test_a_huge_file_is_refused_before_it_is_read(org):
    result = _verify(org, b"%PDF-" + b"\0" * (20 * 1024 * 1024))
    assert (result.outcome, result.sha256, result.size) == (Outcome.TOO_LARGE, "", 20 * 1024 * 1024 + 5)


def test_a_code_typed_from_a_paper_copy(org):
    document = issue(org)
    sloppy = document.verification_code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    result = _typed(org, sloppy)
    assert (result.outcome, result.via, result.document.number) == (Outcome.ISSUED, "code", document.number)
    assert _typed(org, "ZZZZ-ZZZZ-ZZZZ").outcome == Outcome.UNKNOWN


def test_a_fingerprint_typed_for_a_file_too_large_to_drop(org):
    document = issue(org)
    assert _typed(org, document.sha256.upper()).document.number == document.number
    assert _typed(org, "0" * 64).outcome == Outcome.UNKNOWN


@pytest.mark.parametrize("typed", ["", "ABC", "DOC-2026-0001", "ABCD-EFGH-JKM!"])
def test_a_document_number_or_malformed_code_is_refused(org, typed):
    """Numbers are sequential: typed in, they would let anyone enumerate the registry."""
    issue(org)
    with pytest.raises(InvalidInput) as error:
        _typed(org, typed)
    assert error.value.problems[0].key == "evidence.verify.reference_format"


def test_every_verification_is_an_audit_entry_even_by_a_department_head(org):
    document = issue(org)
    _verify(org, document.content, actor=org.head_hr, filename="certificat reçu.pdf")
    _verify(org, b"not a pdf", actor=org.head_hr)
    _typed(org, document.verification_code, actor=org.head_hr)
    with org.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.verify")
                               .order_by(AuditEntry.seq)).all()
        assert session.exec(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.action == "access.denied")).one() == 0
    assert [(e.actor_name, e.details["outcome"], e.details["via"]) for e in entries] == [
        ("chef.rh", "issued", "file"), ("chef.rh", "unknown", "file"), ("chef.rh", "issued", "code")]
    assert entries[0].object_ref == document.number and entries[0].details["given"] == "certificat reçu.pdf"
    # the head may verify it, but it is not a document of his departments: the outcome only
    outside = _verify(org, document.content, actor=org.head_hr)
    assert outside.withheld and outside.document is None
