"""The audit trail as auditors read it: searched, exported, and proven intact or
broken at a named entry."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import audit, audit_anchor, audit_trail
from dashboard.errors import NotAllowed, RuleViolation
from dashboard.audit_trail import TrailFilter
from models.audit import AuditEntry, entry_hash
from models.clock import paris_today
from tests.tamper import as_owner


@pytest.fixture
def trail(org):
    """A few entries of several people, entities and kinds, on top of the organisation's creation."""
    medicis, gerp = org.entities["MEDICIS"].id, org.entities["GERP"].id
    with org.work() as session:
        audit.record(session, org.legal, "dsr.update", object_type="dsr", object_id=42, object_ref="DSR-2026-0042",
                     entity_id=medicis, details={"changes": audit.diff({"status": "received", "due": "2026-03-01"},
                                                                       {"status": "closed", "due": "2026-03-01"})})
        audit.record(session, org.head_hr, "personal_data.view", object_type="dsr", object_id=43,
                     object_ref="DSR-2026-0043", entity_id=medicis, reason="=HYPERLINK(\"http://x\")")
        audit.record(session, org.dpo, "breach.create", object_type="breach", object_id=3, object_ref="BRE-2026-0003",
                     entity_id=gerp, details={"severity": "high"})
        audit.record(session, org.dpo, "auth.login")
    return {"medicis": medicis, "gerp": gerp}


def _search(org, **filters):
    with org.session() as session:
        return audit_trail.search(session, org.auditor, TrailFilter(**filters), 1, 100)


def _actions(page) -> list[str]:
    return [e.action for e in page.entries]


def test_search_by_who_what_record_entity_and_period(org, trail):
    assert _actions(_search(org, actor="juriste")) == ["dsr.update"]
    assert _actions(_search(org, action="breach.create")) == ["breach.create"]
    assert _actions(_search(org, record="dsr-2026-004")) == ["personal_data.view", "dsr.update"]
    assert _actions(_search(org, record="breach")) == ["breach.create"]  # by record type too
    # GERP's own department (issue 18: departments belong to an entity) is GERP's entry too
    assert _actions(_search(org, entity_id=trail["gerp"])) == ["breach.create", "organisation.save_department",
                                                               "organisation.save_entity"]
    with_unscoped = _actions(_search(org, entity_id=trail["gerp"], include_unscoped=True))
    assert "breach.create" in with_unscoped and "auth.login" in with_unscoped and "dsr.update" not in with_unscoped
    today = paris_today()
    assert _search(org, date_from=today, date_to=today).total == _search(org).total
    assert _search(org, date_to=today - timedelta(days=1)).total == 0
    assert _actions(_search(org, text="hyperlink")) == ["personal_data.view"]  # reasons are searched too


def test_pages_are_served_newest_first(org, trail):
    with org.session() as session:
        total = audit_trail.count(session, org.auditor, TrailFilter())
        first = audit_trail.search(session, org.auditor, TrailFilter(), 1, 3)
        second = audit_trail.search(session, org.auditor, TrailFilter(), 2, 3)
    assert first.total == total > 6 and len(first.entries) == 3
    seqs = [e.seq for e in first.entries + second.entries]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == total


def test_csv_export_shows_before_and_after_and_is_formula_safe(org, trail):
    with org.work() as session:
        content = audit_trail.export_csv(session, org.auditor, TrailFilter(entity_id=trail["medicis"], record="DSR-"),
                                         "fr")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["N°", "Date (Paris)", "Qui", "Rôle", "Action"] and "Avant → après" in header
    by_action = {row[4]: dict(zip(header, row)) for row in body}
    assert set(by_action) == {"dsr.update", "personal_data.view"}
    assert by_action["dsr.update"]["Avant → après"] == "status: received → closed"
    assert by_action["dsr.update"]["Élément"] == "DSR-2026-0042" and by_action["dsr.update"]["Entité"] == "MEDICIS"
    assert by_action["personal_data.view"]["Motif"] == "'=HYPERLINK(\"http://x\")"
    assert [int(row[0]) for row in body] == sorted(int(row[0]) for row in body)  # chain order
    with org.session() as session:
        export = session.exec(select(AuditEntry).where(AuditEntry.action == "audit.export")).one()
    assert export.actor_name == "auditeur" and export.details["rows"] == 2


def test_an_export_too_large_is_refused_with_a_clear_message(org, trail, monkeypatch):
    monkeypatch.setattr(audit_trail, "EXPORT_MAX_ROWS", 3)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        audit_trail.export_csv(session, org.dpo, TrailFilter(), "fr")
    assert error.value.key == "audit.export_too_large" and error.value.params["limit"] == 3


@pytest.mark.parametrize("who", ["legal", "head_hr"])
def test_only_the_dpo_and_auditors_read_the_trail(org, trail, who):
    actor = getattr(org, who)
    for call in (lambda s: audit_trail.search(s, actor, TrailFilter()),
                 lambda s: audit_trail.export_csv(s, actor, TrailFilter()),
                 lambda s: audit_trail.list_actions(s, actor),
                 lambda s: audit_trail.verify(s, actor)):
        with pytest.raises(NotAllowed), org.work() as session:
            call(session)
    assert _actions(_search(org, action="access.denied"))[:4] == ["access.denied"] * 4


def _verify(org):
    with org.work() as session:
        return audit_trail.verify(session, org.auditor)


def test_an_intact_chain_is_reported_with_its_size(org, trail):
    status = _verify(org)
    assert status.intact and status.checked == _search(org).total - 1  # the verification itself comes after
    assert _actions(_search(org))[0] == "audit.verify"


def _tamper(org, action: str, statement: str, **params) -> int:
    """Run SQL behind the application's back on the entry of `action`; its position."""
    target = _search(org, action=action).entries[0].seq
    as_owner(org.engine, statement, seq=target, **params)
    return target


def test_a_row_edited_in_the_database_is_reported_with_its_position(org, trail):
    target = _tamper(org, "dsr.update", "UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = :seq")
    status = _verify(org)
    assert (status.intact, status.broken_seq, status.problem, status.cause) == (
        False, target, "audit.chain.altered", "audit.chain.cause.content")
    assert status.entry.actor_name == "mallory" and status.checked == target - 1


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(org, trail):
    target = _search(org, action="dsr.update").entries[0].seq
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.seq == target)).one()
        entry.reason = "falsifié"
        forged_hash = entry_hash(entry, audit_anchor.read_key())  # even with the key, the next link breaks
    _tamper(org, "dsr.update", "UPDATE audit_entry SET reason = 'falsifié', hash = :h WHERE seq = :seq", h=forged_hash)
    status = _verify(org)
    assert (status.broken_seq, status.cause) == (target + 1, "audit.chain.cause.previous")


def test_a_deleted_row_is_reported(org, trail):
    target = _tamper(org, "breach.create", "DELETE FROM audit_entry WHERE seq = :seq")
    status = _verify(org)
    assert (status.broken_seq, status.problem, status.cause, status.entry) == (
        target, "audit.chain.missing", "audit.chain.cause.deleted", None)


def test_a_long_chain_is_verified_on_demand_and_the_last_result_shown(org, trail, monkeypatch):
    with org.work() as session:
        assert audit_trail.verify_on_arrival(session, org.auditor).intact  # short: verified at once
        assert audit_trail.last_verification(session, org.auditor).actor_name == "auditeur"
    monkeypatch.setattr(audit_trail, "AUTO_VERIFY_MAX_ENTRIES", 3)
    with org.work() as session:
        assert audit_trail.verify_on_arrival(session, org.dpo) is None
        past = audit_trail.last_verification(session, org.dpo)
    assert (past.actor_name, past.intact, past.broken_seq) == ("auditeur", True, None)
    assert past.entries == _search(org).total and past.checked == past.entries - 1


def test_a_broken_chain_raises_the_alarm_for_the_dpo_and_auditors_only(org, trail):
    with org.work() as session:
        assert audit_trail.alarm(session, org.dpo) is None  # intact: no banner
    target = _tamper(org, "dsr.update", "UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = :seq")
    with org.work() as session:
        audit.record(session, org.legal, "dsr.view")  # people keep working and recording
    with org.work() as session:
        status = audit_trail.alarm(session, org.dpo)
        assert (status.intact, status.broken_seq, status.problem) == (False, target, "audit.chain.altered")
        assert audit_trail.alarm(session, org.auditor) is not None
        assert audit_trail.alarm(session, org.legal) is None and audit_trail.alarm(session, org.head_hr) is None
