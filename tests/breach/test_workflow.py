"""Risk decisions, notification phases, informing the people, response steps and
closing, on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from dashboard.breach import records, workflow
from dashboard.breach.forms import from_paris, to_paris
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.errors import RuleViolation
from models.types import utcnow
from tests.breach.factories import H, current, declare, facts, notify, qualify


def _keys(error) -> set[str]:
    return {p.key for p in error.value.problems}


def _close(org, breach, actor=None):
    with org.work() as session:
        return workflow.close(session, actor or org.dpo, breach.id, breach.version,
                              {"closing_note": "Toutes les obligations sont remplies."})


def _inform(org, breach, informed: bool = True):
    with org.work() as session:
        return workflow.save_people_communication(session, org.dpo, breach.id, breach.version, {
            "people_summary": "Un fichier vous concernant a été envoyé par erreur à un courtier.",
            "people_advice": "Méfiez-vous des appels vous demandant vos coordonnées bancaires.",
            "people_informed_at": utcnow() - H if informed else None,
            "people_information_means": "Courrier postal" if informed else ""})


def test_qualifying_needs_awareness_and_a_justification(org):
    unsure = declare(org, aware_at=None)
    with pytest.raises(InvalidInput) as error:
        qualify(org, unsure)
    assert _keys(error) == {"breach.awareness_needed"}
    breach = declare(org)
    with pytest.raises(InvalidInput) as error, org.work() as session:
        workflow.qualify(session, org.dpo, breach.id, breach.version, {"risk_level": "high",
                                                                        "risk_justification": "?"})
    assert _keys(error) == {"breach.justification_required"}
    assert current(org, breach.id).breach.risk_level is None


def test_no_risk_stops_the_clock_and_keeps_the_reason(org):
    breach = qualify(org, declare(org, hours_ago=90), level="none")
    case = current(org, breach.id)
    assert case.breach.authority_notification == "not_required" and case.breach.status == "assessed"
    assert case.breach.risk_justification.startswith("Données de santé")
    assert not case.obligations.notify_authority and not case.obligations.inform_people
    _close(org, case.breach)
    assert current(org, breach.id).breach.status == "closed"


def test_notifications_in_phases_initial_then_complementary(org):
    breach = qualify(org, declare(org, hours_ago=30), level="risk")
    sent = utcnow().replace(microsecond=0) - 2 * H
    notify(org, breach, sent)
    breach = current(org, breach.id).breach
    notify(org, breach, sent + H, added="Nombre définitif de personnes concernées : 212.")
    case = current(org, breach.id)
    assert [(n.phase, n.content_added[:6]) for n in case.notifications] == [
        ("initial", "Notifi"), ("complementary", "Nombre")]
    assert case.breach.notified_at == sent and case.breach.authority_notification == "done"
    with pytest.raises(InvalidInput) as error:  # a complement says what it adds
        notify(org, case.breach, sent + 2 * H, added="")
    assert _keys(error) == {"breach.complement_needs_content"}


def test_a_late_notification_is_refused_without_reasons_and_recorded_with_them(org):
    breach = qualify(org, declare(org, hours_ago=100), level="risk")
    late = utcnow() - H
    with pytest.raises(InvalidInput) as error:
        notify(org, breach, late)
    assert _keys(error) == {"breach.delay_reasons_required"}
    assert current(org, breach.id).notifications == []
    notify(org, breach, late, reasons="Confirmation de l'exfiltration par l'analyse forensique au 4e jour.")
    case = current(org, breach.id)
    assert case.breach.notified_at > case.breach.notification_deadline
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "breach.notify")).one()
    assert entry.details["late"] is True


def test_awareness_cannot_be_moved_to_make_a_recorded_notification_late_without_reasons(org):
    breach = qualify(org, declare(org, hours_ago=10), level="risk")
    notify(org, breach, utcnow() - H)
    breach = current(org, breach.id).breach
    with pytest.raises(InvalidInput) as error, org.work() as session:
        records.update_facts(session, org.dpo, breach.id, breach.version,
                             facts(org, aware_at=utcnow() - 90 * H, detected_at=utcnow() - 91 * H,
                                   started_at=None))
    assert _keys(error) == {"breach.aware_change_makes_late"}


def test_high_risk_cannot_close_until_the_people_are_informed_or_an_exception_named(org):
    breach = qualify(org, declare(org), level="high")
    notify(org, breach, utcnow() - H)
    breach = current(org, breach.id).breach
    with pytest.raises(InvalidInput) as error:
        _close(org, breach)
    assert _keys(error) == {"breach.close_needs_people_informed"}
    assert current(org, breach.id).breach.status == "assessed"
    _inform(org, breach, informed=False)  # the letter written, not yet sent
    with pytest.raises(InvalidInput):
        _close(org, current(org, breach.id).breach)
    _inform(org, current(org, breach.id).breach)
    _close(org, current(org, breach.id).breach)
    assert current(org, breach.id).breach.status == "closed"


def test_a_named_art_34_3_exception_lets_a_high_risk_breach_close_without_informing(org):
    breach = qualify(org, declare(org), level="high", exception="unintelligible",
                     details="Disque chiffré AES-256, clé non compromise.")
    notify(org, breach, utcnow() - H)
    _close(org, current(org, breach.id).breach)
    case = current(org, breach.id)
    assert case.breach.status == "closed" and case.breach.people_informed_at is None
    with pytest.raises(InvalidInput) as error:  # an exception outside a high risk is refused
        qualify(org, declare(org), level="risk", exception="unintelligible", details="Disque chiffré AES-256.")
    assert _keys(error) == {"breach.exception_only_high"}


def test_a_closed_breach_is_read_only_until_reopened_and_nothing_is_lost(org):
    breach = qualify(org, declare(org, hours_ago=90), level="none")
    _close(org, breach)
    closed = current(org, breach.id).breach
    with pytest.raises(RuleViolation):
        qualify(org, closed, level="high")
    with pytest.raises(RuleViolation), org.work() as session:
        workflow.add_step(session, org.dpo, breach.id, {"kind": "remediation", "description": "Revue",
                                                       "owner_name": "DSI"})
    with org.work() as session:
        workflow.reopen(session, org.legal, breach.id, closed.version,
                        {"reason": "Nouvelles victimes signalées par le courtier."})
    reopened = current(org, breach.id).breach
    assert reopened.status == "assessed" and reopened.closing_note  # the earlier note is kept
    with org.session() as session:
        assert session.exec(select(AuditEntry.action).where(AuditEntry.object_id == breach.id,
                                                            AuditEntry.object_type == "breach")
                            .order_by(AuditEntry.seq)).all() == [
            "breach.declare", "breach.qualify", "breach.close", "breach.reopen"]


def test_response_steps_by_department_heads_and_nothing_by_the_auditor(org):
    breach = declare(org, org.head_cr)
    with org.work() as session:
        step = workflow.add_step(session, org.head_cr, breach.id, {
            "kind": "containment", "description": "Demande de suppression au courtier", "owner_name": "Karim Benali"})
    with org.work() as session:
        workflow.complete_step(session, org.head_cr, step.id)
    assert current(org, breach.id).steps[0].done_at is not None
    for attempt in (lambda s: workflow.add_step(s, org.auditor, breach.id, {"kind": "containment",
                                                                            "description": "x" * 5,
                                                                            "owner_name": "Marc"}),
                    lambda s: workflow.complete_step(s, org.head_hr, step.id),
                    lambda s: workflow.record_notification(s, org.head_cr, breach.id, 1, {})):
        with pytest.raises(NotAllowed), org.work() as session:
            attempt(session)


def test_a_facts_save_records_only_what_changed_so_a_stale_save_names_it(org):
    """Issue 13 item 3: the refusal of a stale save says which fields the other person
    changed; times sent back unchanged by the form (in Paris time) are not among them."""
    data = facts(org)
    data |= {name: data[name].replace(second=0) for name in ("detected_at", "aware_at", "started_at")}
    breach = declare(org, **data)
    seen = breach.version
    typed = {**data, "title": "Intitulé corrigé", **{name: from_paris(to_paris(data[name]))
                                                    for name in ("detected_at", "aware_at", "started_at")}}
    with org.work() as session:
        records.update_facts(session, org.dpo, breach.id, seen, typed)
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "breach.update",
                                                      AuditEntry.object_id == breach.id)).one()
    assert set(entry.details["changes"]) == {"title"}
    with pytest.raises(ConcurrentEdit) as error, org.work() as session:
        records.update_facts(session, org.legal, breach.id, seen, {**data, "description": "Autre description"})
    assert error.value.key == "error.concurrent_edit_fields"
    assert list(error.value.params["fields"]) == ["breach.field.title"]
