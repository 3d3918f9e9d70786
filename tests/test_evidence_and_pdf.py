"""The evidence registry and the shared PDF layout."""

import hashlib
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from sqlmodel import select

from dashboard import evidence
from dashboard.errors import NotAllowed
from dashboard.i18n import Translator
from exports.pdf.base import FONT_BOLD, build_pdf, heading, key_value_table, para
from models.audit import AuditEntry
from tests.pdf_reading import header_runs


def _builder(tr: Translator, pages: int = 1, header: str = "Mutuelle Médicis"):
    def build(stamp):
        story = [heading("Certificat de test")]
        for i in range(pages * 45):
            story.append(para(f"Ligne {i} — Dupont & <Fils> ; données « sensibles » œuvre"))
        story.append(key_value_table([("Personne", "Zoé Lefèvre & Cie"), ("Vide", "")]))
        return build_pdf(story, stamp=stamp, tr=tr, title="Certificat de test", subject="Test",
                         author=stamp.issued_by, header=header)
    return build


def _issue(org, actor=None, pages=1, header="Mutuelle Médicis", **kwargs):
    with org.work() as session:
        return evidence.issue_document(session, actor or org.dpo, kind="test.certificate", title="Certificat",
                                       filename="certificat.pdf", media_type="application/pdf",
                                       build=_builder(Translator("fr"), pages, header), case_type="test",
                                       case_ref="TST-2026-0001", entity_id=org.entities["MEDICIS"].id, **kwargs)


def test_issued_document_is_kept_byte_for_byte_with_its_hash(org):
    document = _issue(org)
    assert document.number.startswith("DOC-") and len(document.verification_code) == 14
    with org.work() as session:
        downloaded = evidence.download_document(session, org.auditor, document.id)
    assert downloaded.content == document.content
    assert hashlib.sha256(downloaded.content).hexdigest() == document.sha256
    with org.session() as session:
        assert evidence.find_by_sha256(session, document.sha256).id == document.id
        assert evidence.find_by_code(session, document.verification_code.lower().replace("-", " ")).id == document.id
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.seq))][-2:]
    assert actions == ["evidence.issue", "evidence.download"]


def test_pdf_reads_back_with_metadata_footer_and_escaped_text(org):
    document = _issue(org, pages=2)
    reader = PdfReader(BytesIO(document.content))
    assert reader.metadata.title == "Certificat de test"
    assert reader.metadata.author == org.dpo.full_name
    assert reader.metadata.creator == "DPO Desk"
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    assert "Dupont & <Fils>" in pages[0] and "« sensibles » œuvre" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert document.verification_code in text and document.number in text
        assert f"Page {number} / {len(pages)}" in text
    assert "Zoé Lefèvre & Cie" in "".join(pages)


def test_a_long_issuer_name_is_cut_before_the_document_number(org):
    issuer = ("Association pour le développement de la prévoyance des indépendants et artisans "
              "(ADEPIA-Médicis), membre du groupe Médicis")
    document = _issue(org, header=issuer)
    runs = header_runs(document.content)
    header = next(text for text, _ in runs if text.startswith("Association pour"))
    assert header.endswith("…") and issuer.startswith(header[:-1]) and len(header) < len(issuer)
    assert any(text == document.number for text, _ in runs)  # drawn whole, not overlapped
    header_end = next(x for text, x in runs if text == header) + pdfmetrics.stringWidth(header, FONT_BOLD, 8)
    assert header_end < next(x for text, x in runs if text == document.number)


def test_auditor_cannot_issue_and_department_head_cannot_download(org):
    with pytest.raises(NotAllowed):
        _issue(org, actor=org.auditor)
    document = _issue(org)
    with pytest.raises(NotAllowed), org.work() as session:
        evidence.download_document(session, org.head_hr, document.id)
    with pytest.raises(NotAllowed), org.work() as session:
        evidence.download_document(session, org.dpo, 999999)


def test_superseding_keeps_both(org):
    first = _issue(org)
    second = _issue(org, supersedes=first)
    assert second.supersedes_id == first.id and second.number != first.number
