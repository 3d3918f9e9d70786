"""Finding, downloading and superseding issued documents; who sees which; and a
registry the database itself keeps: no document is ever changed or deleted."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from dashboard import evidence, evidence_room
from dashboard.access import ReasonRequired
from dashboard.errors import NotAllowed, RuleViolation
from dashboard.evidence_room import DocumentFilter
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_date
from models.evidence import EvidenceDocument
from tests.evidence.conftest import issue, issue_for_activity

REASON = "Audit interne annuel 2026"


def _search(org, actor, **filters):
    with org.session() as session:
        return evidence_room.search_documents(session, actor, DocumentFilter(**filters), 1, 100)


def _numbers(page) -> list[str]:
    return [row.number for row in page.rows]


def _last_entry(org) -> AuditEntry:
    with org.session() as session:
        return session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


def test_download_from_the_room_is_byte_for_byte_and_logged_with_its_reason(org):
    document = issue(org)
    with org.work() as session:
        downloaded = evidence_room.download(session, org.auditor, document.id, REASON)
    assert downloaded.content == document.content and downloaded.sha256 == document.sha256
    entry = _last_entry(org)
    assert (entry.action, entry.actor_name, entry.object_ref, entry.reason) == (
        "evidence.download", "auditeur", document.number, REASON)
    with pytest.raises(ReasonRequired), org.work() as session:
        evidence_room.download(session, org.auditor, document.id, "  ")


def test_department_heads_see_only_their_departments_documents(org, activities):
    hr_doc = issue_for_activity(org, activities["hr_payroll"])
    member_doc = issue_for_activity(org, activities["member_management"])
    unknown_type = issue(org, case_type="unregistered", case_id=1)
    no_case = issue(org, case_type="", case_ref="")
    assert _numbers(_search(org, org.head_hr)) == [hr_doc.number]
    assert _numbers(_search(org, org.head_cr)) == [member_doc.number]
    assert set(_numbers(_search(org, org.legal))) == {d.number for d in (hr_doc, member_doc, unknown_type, no_case)}
    with org.work() as session:
        assert evidence_room.download(session, org.head_hr, hr_doc.id, REASON).content == hr_doc.content
    for forbidden in (member_doc, unknown_type, no_case):
        with pytest.raises(NotAllowed), org.work() as session:
            evidence_room.download(session, org.head_hr, forbidden.id, REASON)
        with pytest.raises(NotAllowed), org.work() as session:
            evidence_room.document_detail(session, org.head_hr, forbidden.id)
    with org.session() as session:
        assert evidence_room.count_documents(session, org.head_hr, DocumentFilter()) == 1
        assert evidence_room.list_kinds(session, org.head_hr) == ["test.certificate"]
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied",
                                                       AuditEntry.actor_name == "chef.rh")).all()
    assert len(denied) == 6


def test_a_forged_document_id_reveals_nothing(org):
    with pytest.raises(NotAllowed), org.work() as session:
        evidence_room.download(session, org.dpo, 987654, REASON)


def test_filters_by_entity_kind_case_text_and_paris_day(org):
    a = issue(org, entity="MEDICIS", kind="test.certificate", case_ref="DSR-2026-0042", title="Certificat A")
    b = issue(org, entity="GERP", kind="test.letter", case_ref="BRE-2026-0003", title="Lettre 50% _B_")
    gerp = org.entities["GERP"].id
    assert _numbers(_search(org, org.auditor, entity_id=gerp)) == [b.number]
    assert _numbers(_search(org, org.auditor, kind="test.certificate")) == [a.number]
    assert _numbers(_search(org, org.auditor, case_ref="dsr-2026")) == [a.number]
    assert _numbers(_search(org, org.auditor, text="50%")) == [b.number]  # % taken literally
    assert _numbers(_search(org, org.auditor, text="t_B")) == []  # _ too
    assert _numbers(_search(org, org.auditor, text=a.number.lower())) == [a.number]
    issued_day = paris_date(a.issued_at)
    day = timedelta(days=1)
    in_range = _search(org, org.auditor, date_from=issued_day - day, date_to=issued_day + day)
    assert set(_numbers(in_range)) == {a.number, b.number}
    assert _numbers(_search(org, org.auditor, date_to=issued_day - timedelta(days=2))) == []
    with org.session() as session:
        assert evidence_room.list_kinds(session, org.auditor) == ["test.certificate", "test.letter"]


def test_pagination_is_server_side_newest_first(org):
    issued = [issue(org, title=f"Certificat {i}") for i in range(5)]
    with org.session() as session:
        first = evidence_room.search_documents(session, org.dpo, DocumentFilter(), page=1, page_size=2)
        last = evidence_room.search_documents(session, org.dpo, DocumentFilter(), page=3, page_size=2)
    assert first.total == 5 and len(first.rows) == 2 and len(last.rows) == 1
    assert _numbers(first) == [issued[4].number, issued[3].number]
    assert _numbers(last) == [issued[0].number]


def test_a_newer_version_keeps_both_and_links_them_both_ways(org):
    first = issue(org, case_type="test", case_id=7)
    second = issue(org, case_type="test", case_id=7, supersedes=first)
    rows = {row.number: row for row in _search(org, org.auditor).rows}
    assert rows[first.number].superseded_by_number == second.number
    assert rows[first.number].superseded_by_id == second.id
    assert rows[second.number].supersedes_number == first.number
    with org.session() as session:
        detail = evidence_room.document_detail(session, org.auditor, first.id)
    assert (detail.superseded_by_number, detail.supersedes_number) == (second.number, "")
    with pytest.raises(RuleViolation) as error:
        issue(org, case_type="test", case_id=7, supersedes=first)  # only the latest version can be superseded
    assert error.value.key == "evidence.already_superseded" and error.value.params["newer"] == second.number
    with pytest.raises(RuleViolation) as error:
        issue(org, case_type="test", case_id=8, supersedes=second)
    assert error.value.key == "evidence.supersede_other_case"


def test_the_database_refuses_to_change_or_delete_a_document(org):
    document = issue(org)
    for statement in ("UPDATE evidence_document SET title = 'autre' WHERE id = :id",
                      "UPDATE evidence_document SET content = :blob WHERE id = :id",
                      "DELETE FROM evidence_document WHERE id = :id"):
        with pytest.raises(DatabaseError), org.engine.begin() as conn:
            conn.execute(text(statement), {"id": document.id, "blob": b"forged"})
    with org.session() as session:
        kept = session.get(EvidenceDocument, document.id)
        assert (kept.title, kept.content) == (document.title, document.content)


def _scan(marker: bytes = b"") -> bytes:
    return b"%PDF-1.4\n% scan of the signed certificate\n" + marker + b"\n%%EOF\n"


def test_a_signed_copy_becomes_the_new_version(org):
    original = issue(org, case_type="test", case_id=3, case_ref="DSR-2026-0042")
    with org.work() as session:
        signed = evidence_room.record_signed_copy(session, org.legal, original.id, "scan signé.pdf", _scan())
    assert signed.supersedes_id == original.id and signed.content == _scan()
    assert (signed.kind, signed.case_ref, signed.entity_id) == ("test.certificate.signed", "DSR-2026-0042",
                                                                original.entity_id)
    assert signed.title == "Certificat de destruction (copie signée)"
    with org.work() as session:  # a better scan of the signed copy replaces it in turn
        rescanned = evidence_room.record_signed_copy(session, org.dpo, signed.id, "scan2.pdf", _scan(b"2"))
    assert (rescanned.kind, rescanned.title) == (signed.kind, signed.title)
    with pytest.raises(RuleViolation), org.work() as session:
        evidence_room.record_signed_copy(session, org.dpo, original.id, "again.pdf", _scan(b"3"))


@pytest.mark.parametrize(("content", "key"), [
    (b"GIF89a not a pdf", "evidence.signed_copy_not_pdf"),
    (b"%PDF-" + b"0" * (20 * 1024 * 1024), "evidence.file_too_large"),
])
def test_a_signed_copy_must_be_a_pdf_within_the_limit(org, content, key):
    original = issue(org)
    with pytest.raises(InvalidInput) as error, org.work() as session:
        evidence_room.record_signed_copy(session, org.dpo, original.id, "scan.pdf", content)
    assert [p.key for p in error.value.problems] == [key]
    with org.session() as session:
        assert evidence.successor_of(session, original.id) is None


def test_issue_entry_records_the_hash_and_the_version_replaced(org):
    first = issue(org, case_id=1)
    second = issue(org, case_id=1, supersedes=first)
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.issue",
                                                      AuditEntry.object_id == second.id)).one()
    assert entry.details["sha256"] == second.sha256 and entry.details["supersedes"] == first.number
    assert abs(second.issued_at - datetime.now(timezone.utc)) < timedelta(minutes=5)
