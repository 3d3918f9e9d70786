"""Auditors read and download everything in the evidence room and change nothing.

Every use case of the evidence room that changes something is called here as an
auditor and refused. What an auditor may do writes only records of the reading
itself: audit entries, and the audit pack handed over (kept in the registry so that
the copy handed over can be verified later)."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard import audit_pack, audit_trail, evidence, evidence_room
from dashboard.audit_trail import TrailFilter
from dashboard.errors import NotAllowed
from dashboard.evidence_room import DocumentFilter
from dashboard.evidence_verification import Outcome, verify_file, verify_reference
from models.audit import AuditEntry
from models.clock import paris_today
from models.evidence import EvidenceDocument
from tests.evidence.conftest import certificate_builder, issue

SCAN = b"%PDF-1.4\n% signed\n%%EOF\n"


def _mutations(document: EvidenceDocument):
    """Every use case that changes the registry, as (name, call)."""
    def issue_new(session, actor):
        return evidence.issue_document(session, actor, kind="test.certificate", title="Faux", filename="faux.pdf",
                                       media_type="application/pdf", build=certificate_builder())

    def issue_version(session, actor):
        return evidence.issue_document(session, actor, kind=document.kind, title="Version 2", filename="v2.pdf",
                                       media_type="application/pdf", build=certificate_builder(),
                                       case_type=document.case_type, case_id=document.case_id, supersedes=document)

    def signed_copy(session, actor):
        return evidence_room.record_signed_copy(session, actor, document.id, "scan.pdf", SCAN)

    return [("issue_document", issue_new), ("issue_document(supersedes=)", issue_version),
            ("record_signed_copy", signed_copy)]


def _registry(org) -> tuple[int, int]:
    with org.session() as session:
        return (session.exec(select(func.count()).select_from(EvidenceDocument)).one(),
                session.exec(select(func.count()).select_from(EvidenceDocument)
                             .where(EvidenceDocument.supersedes_id.is_not(None))).one())


def test_every_change_is_refused_to_an_auditor_and_logged(org):
    document = issue(org)
    before = _registry(org)
    for name, mutate in _mutations(document):
        with pytest.raises(NotAllowed), org.work() as session:
            mutate(session, org.auditor)
        assert _registry(org) == before, name
    with org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied",
                                                       AuditEntry.actor_name == "auditeur")).all()
    assert len(denied) == len(_mutations(document))


def test_the_same_changes_are_open_to_the_dpo(org):
    """The refusals above are about the auditor, not broken calls."""
    document = issue(org)
    for name, mutate in _mutations(document)[:2]:
        with org.work() as session:
            assert mutate(session, org.dpo).id, name


def test_an_auditor_reads_downloads_verifies_and_exports_everything(org):
    document = issue(org)
    reason = "Audit interne annuel 2026"
    with org.work() as session:
        assert evidence_room.count_documents(session, org.auditor, DocumentFilter()) == 1
        assert evidence_room.download(session, org.auditor, document.id, reason).content == document.content
        assert verify_file(session, org.auditor, "c.pdf", document.content).outcome == Outcome.ISSUED
        assert verify_reference(session, org.auditor, document.verification_code).outcome == Outcome.ISSUED
        assert audit_trail.export_csv(session, org.auditor, TrailFilter())
        assert audit_trail.verify(session, org.auditor).intact
        pack = audit_pack.build_audit_pack(session, org.auditor, {
            "date_from": paris_today() - timedelta(days=1), "date_to": paris_today(), "reason": reason})
    assert pack.documents == 1
    with org.session() as session:
        kinds = session.exec(select(EvidenceDocument.kind).order_by(EvidenceDocument.id)).all()
    assert kinds == ["test.certificate", evidence.PACK_KIND]  # the pack handed over, nothing else
