"""Verifying a document tells its details only to someone who may see it (issue 14, item 7):
a department head who drops a file, or types a code or fingerprint, of a document outside his
departments learns the outcome (issued, part of a pack, altered, unknown) and nothing else —
not its number, title, case, entity, issuer or fingerprint. The audit trail names it anyway."""

import pytest
from sqlmodel import select

from dashboard.evidence_verification import Outcome, verify_file, verify_reference
from models.audit import AuditEntry
from tests.evidence.conftest import issue, issue_for_activity

TITLE = "Certificat de destruction - dossier confidentiel Zoé Lefèvre"


def _leaks(result, document, how: str) -> list[str]:
    """Registry facts in the answer. The fingerprint of the very file dropped (or typed) is
    the user's own knowledge; the original's, for an altered copy or a code, is not."""
    text = repr(result)
    secrets = [document.number, TITLE, document.case_ref, "Médicis", "Claire Fontaine"]
    secrets += [document.sha256] if how in ("altered", "code") else []
    secrets += [document.verification_code] if how != "code" else []
    return [value for value in secrets if value in text]


def _altered(content: bytes) -> bytes:
    tampered = bytearray(content)
    tampered[len(tampered) // 2] ^= 1
    return bytes(tampered)


@pytest.mark.parametrize("how", ["file", "altered", "code", "sha256"])
def test_a_document_outside_the_heads_scope_gives_the_outcome_only(org, how):
    document = issue(org, title=TITLE)
    with org.work() as session:
        if how in ("file", "altered"):
            content = document.content if how == "file" else _altered(document.content)
            result = verify_file(session, org.head_hr, "recu.pdf", content)
        else:
            result = verify_reference(session, org.head_hr,
                                      document.verification_code if how == "code" else document.sha256)
    assert result.outcome == (Outcome.ALTERED if how == "altered" else Outcome.ISSUED)
    assert result.withheld and result.document is None and result.pack_file == ""
    assert _leaks(result, document, how) == []
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.verify")).one()
    assert (entry.actor_name, entry.object_ref) == ("chef.rh", document.number)  # the trail still names it


def test_a_document_of_the_heads_department_is_shown_in_full(org, activities):
    document = issue_for_activity(org, activities["hr_payroll"], title=TITLE)
    with org.work() as session:
        result = verify_file(session, org.head_hr, "recu.pdf", document.content)
    assert result.outcome == Outcome.ISSUED and not result.withheld
    assert (result.document.number, result.document.title) == (document.number, TITLE)


def test_the_auditor_and_the_dpo_see_every_documents_details(org):
    document = issue(org, title=TITLE)
    for actor in (org.auditor, org.dpo, org.legal):
        with org.work() as session:
            result = verify_reference(session, actor, document.verification_code)
        assert not result.withheld and result.document.title == TITLE, actor.username
