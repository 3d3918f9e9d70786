"""A request's life through the use cases, on SQLite and PostgreSQL: intake and
routing, the stored deadlines, suspension, extension, department work, closing,
and bad input that changes nothing."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dashboard.dsr import intake, work, workflow
from dashboard.i18n import Translator
from dashboard.errors import ConcurrentEdit
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.dsr import DataSubjectRequest, DsrSuspension
from models.errors import RuleViolation
from models.org import Entity
from models.types import utcnow
from tests.dsr.conftest import make_request, paris_noon


def _get(org, request_id) -> DataSubjectRequest:
    with org.session() as session:
        return session.get(DataSubjectRequest, request_id)


def _actions(org, request_id) -> list[str]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry.action).where(AuditEntry.object_id == request_id,
                                                                 AuditEntry.object_type == "dsr_request")
                                 .order_by(AuditEntry.seq)))


def test_intake_stores_the_deadlines_and_routes_by_relation(routed_org):
    org = routed_org
    request = make_request(org, received_at=paris_noon(date(2025, 3, 5)))
    stored = _get(org, request.id)
    assert stored.reference.startswith("DSR-") and stored.status == "received"
    assert (stored.received_on, stored.legal_due_on, stored.due_on) == (date(2025, 3, 5), date(2025, 4, 7),
                                                                        date(2025, 4, 7))
    assert stored.internal_target_on == date(2025, 4, 4)
    assert stored.department_id == org.departments["DRC"].id  # member -> Customer Relations
    staff = make_request(org, relation="staff", requester_name="Thomas Roux", requester_contact="")
    assert _get(org, staff.id).department_id == org.departments["RH"].id
    assert _actions(org, request.id) == ["dsr.create"]


def test_without_a_routing_rule_the_request_waits_for_the_dpo(org):
    request = make_request(org)
    assert _get(org, request.id).department_id is None
    with org.work() as session:
        workflow.reassign(session, org.dpo, request.id, request.version, org.departments["DRC"].id)
    assert _get(org, request.id).department_id == org.departments["DRC"].id


def test_alsace_moselle_entity_gets_its_holidays(org):
    request = make_request(org, entity="GERP", received_at=paris_noon(date(2025, 11, 26)))
    assert _get(org, request.id).due_on == date(2025, 12, 29)  # 26 December is a holiday in Metz


@pytest.mark.parametrize(("change", "field"), [
    ({"received_at": utcnow() + timedelta(hours=2)}, "dsr_received_at"),
    ({"rights": []}, "dsr_rights"),
    ({"requester_name": " "}, "dsr_requester_name"),
    ({"channel": "pigeon"}, "dsr_channel"),
    ({"department_id": 999_999}, "dsr_department_id"),
    ({"entity_id": 999_999}, "dsr_entity_id"),
])
def test_bad_intake_is_refused_with_the_field_and_nothing_saved(org, change, field):
    with pytest.raises(InvalidInput) as error:
        make_request(org, **change)
    assert [p.field for p in error.value.problems] == [field]
    with org.session() as session:
        assert session.exec(select(DataSubjectRequest)).first() is None


def test_receipt_in_the_future_has_its_own_message(org):
    with pytest.raises(InvalidInput) as error:
        make_request(org, received_at=utcnow() + timedelta(hours=2))
    assert error.value.problems[0].key == "dsr.error.received_in_future"


def test_possible_duplicates_are_found_before_saving(org):
    first = make_request(org, requester_name="Élodie Martin", requester_contact="E.Martin@example.org")
    with org.session() as session:
        by_name = intake.possible_duplicates(session, org.dpo, "elodie  MARTIN")
        by_contact = intake.possible_duplicates(session, org.dpo, "Someone Else", "e.martin@example.org ")
        nobody = intake.possible_duplicates(session, org.dpo, "Paul Neuf", "paul@example.org")
    assert [(d.reference, d.same_name, d.same_contact) for d in by_name] == [(first.reference, True, False)]
    assert [(d.reference, d.same_name, d.same_contact) for d in by_contact] == [(first.reference, False, True)]
    assert nobody == []


def test_waiting_for_the_person_suspends_the_clock_and_adds_the_days(org):
    received = paris_today() - timedelta(days=20)
    request = make_request(org, received_at=paris_noon(received))
    before = _get(org, request.id).due_on
    with org.work() as session:
        workflow.ask_person(session, org.dpo, request.id, 1, {"waiting_for": "awaiting_identity",
                                                              "asked_on": received + timedelta(days=2)})
    waiting = _get(org, request.id)
    assert (waiting.status, waiting.suspended_since, waiting.identity_proof_asked) == (
        "awaiting_identity", received + timedelta(days=2), True)
    with pytest.raises(InvalidInput) as error:  # the identity answer needs how it was verified
        with org.work() as session:
            workflow.person_answered(session, org.dpo, request.id, waiting.version,
                                     {"answered_on": received + timedelta(days=9)})
    assert error.value.problems[0].key == "dsr.error.identity_method_required"
    with org.work() as session:
        workflow.person_answered(session, org.dpo, request.id, waiting.version,
                                 {"answered_on": received + timedelta(days=9), "identity_method": "knowledge_questions"})
    resumed = _get(org, request.id)
    assert (resumed.status, resumed.suspended_days, resumed.suspended_since) == ("in_progress", 7, None)
    assert resumed.due_on > before and resumed.identity_method == "knowledge_questions"
    assert resumed.identity_verified_by_id == org.dpo.user_id
    with org.session() as session:
        period = session.exec(select(DsrSuspension)).one()
    assert (period.started_on, period.ended_on) == (received + timedelta(days=2), received + timedelta(days=9))


def test_extension_within_the_first_month_moves_the_deadline_to_three_months(org):
    received = paris_today() - timedelta(days=10)
    request = make_request(org, received_at=paris_noon(received))
    with org.work() as session:
        workflow.extend(session, org.dpo, request.id, 1, {
            "reasons": "Quinze ans d'historique dans trois systèmes.", "notified_on": paris_today()})
    extended = _get(org, request.id)
    assert extended.extended and extended.complex and extended.extension_notified_on == paris_today()
    assert extended.due_on >= received + timedelta(days=89)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.extend(session, org.dpo, request.id, extended.version,
                        {"reasons": "Encore deux mois, s'il vous plaît.", "notified_on": paris_today()})
    assert error.value.key == "dsr.error.already_extended"


def test_extension_after_the_deadline_is_refused_logged_and_changes_nothing(org):
    request = make_request(org, received_at=paris_noon(date(2025, 3, 5)))
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.extend(session, org.dpo, request.id, 1, {
            "reasons": "Demande très complexe, plusieurs systèmes.", "notified_on": date(2025, 3, 20)})
    assert error.value.key == "dsr.error.extension_too_late" and error.value.params["due"] == date(2025, 4, 7)
    assert "07/04/2025" in Translator("fr").error(error.value)  # the date in French, not ISO
    stored = _get(org, request.id)
    assert (stored.extended, stored.due_on, stored.version) == (False, date(2025, 4, 7), 1)
    assert _actions(org, request.id)[-1] == "dsr.extend.refused"


def test_extension_told_after_the_first_deadline_is_refused(org):
    request = make_request(org, received_at=paris_noon(paris_today() - timedelta(days=5)))
    with pytest.raises(InvalidInput) as error, org.work() as session:
        workflow.extend(session, org.dpo, request.id, 1, {"reasons": "Demande très complexe, trois systèmes.",
                                                          "notified_on": paris_today() + timedelta(days=1)})
    assert error.value.problems[0].key == "dsr.error.date_in_future"


def test_department_proposes_and_the_dpo_closes(routed_org):
    org = routed_org
    request = make_request(org)
    with org.work() as session:
        workflow.start_work(session, org.dpo, request.id, 1)
    with org.work() as session:
        work.add_search(session, org.head_cr, request.id, 2, {
            "system": "GESTADH", "data_categories": "identité, contrat", "found": True, "searched_on": paris_today()})
    with pytest.raises(Exception):  # a head cannot close: only the DPO or legal decide
        with org.work() as session:
            workflow.close(session, org.head_cr, request.id, 3, {"outcome": "granted", "answered_on": paris_today()})
    with org.work() as session:
        workflow.propose_answer(session, org.head_cr, request.id, 3, {
            "outcome": "granted", "answer": "Copie des données jointe, extraite de GESTADH."})
    proposed = _get(org, request.id)
    assert (proposed.status, proposed.proposed_by_id) == ("answer_proposed", org.head_cr.user_id)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.close(session, org.legal, request.id, proposed.version, {"answered_on": paris_today()})
    assert error.value.key == "dsr.error.outcome_required"
    with org.work() as session:
        workflow.close(session, org.legal, request.id, proposed.version,
                       {"outcome": "granted", "answered_on": paris_today()})
    closed = _get(org, request.id)
    assert (closed.status, closed.outcome, closed.answered_on) == ("closed", "granted", paris_today())
    assert closed.closed_at is not None
    with pytest.raises(RuleViolation) as error, org.work() as session:
        work.add_search(session, org.dpo, request.id, closed.version, {"system": "X", "searched_on": paris_today()})
    assert error.value.key == "dsr.error.closed"


def test_refusal_needs_reasons_and_the_remedies(org):
    request = make_request(org)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.close(session, org.dpo, request.id, 1, {"outcome": "manifestly_unfounded", "reasons": "",
                                                         "remedies_informed": True, "answered_on": paris_today()})
    assert error.value.key == "dsr.error.reasons_required.manifestly_unfounded"
    assert _get(org, request.id).status == "received"


def test_art19_recipients_must_be_ticked_before_closing_an_erasure(org):
    request = make_request(org, rights=["erasure"])
    with org.work() as session:
        line = work.add_recipient(session, org.dpo, request.id, 1, {"recipient": "Courtier partenaire"})
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.close(session, org.dpo, request.id, 2, {"outcome": "granted", "answered_on": paris_today()})
    assert error.value.key == "dsr.error.recipients_pending"
    with pytest.raises(InvalidInput), org.work() as session:  # "impossible" needs an explanation
        work.update_recipient(session, org.dpo, request.id, 2, line.id, {"state": "impossible", "note": ""})
    with org.work() as session:
        work.update_recipient(session, org.dpo, request.id, 2, line.id,
                              {"state": "notified", "notified_on": paris_today()})
    with org.work() as session:
        workflow.close(session, org.dpo, request.id, 3, {"outcome": "granted", "answered_on": paris_today()})
    assert _get(org, request.id).status == "closed"


def test_no_art19_list_without_rectification_erasure_or_restriction(org):
    request = make_request(org, rights=["access"])
    with pytest.raises(RuleViolation) as error, org.work() as session:
        work.add_recipient(session, org.dpo, request.id, 1, {"recipient": "Courtier"})
    assert error.value.key == "dsr.error.no_art19_right"


def test_invalid_moves_are_refused_with_a_clear_message(org):
    request = make_request(org)
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.propose_answer(session, org.dpo, request.id, 1, {"outcome": "granted",
                                                                  "answer": "Réponse proposée trop tôt."})
    assert error.value.key == "dsr.error.transition"
    with org.work() as session:
        workflow.withdraw(session, org.dpo, request.id, 1, {"withdrawn_on": paris_today()})
    with pytest.raises(RuleViolation), org.work() as session:
        workflow.start_work(session, org.dpo, request.id, 2)
    assert _get(org, request.id).status == "withdrawn"


def test_a_stale_version_is_refused_and_the_first_save_kept(org):
    request = make_request(org)
    with org.work() as session:
        workflow.set_complex(session, org.dpo, request.id, 1, True)
    with pytest.raises(ConcurrentEdit), org.work() as session:
        workflow.set_complex(session, org.legal, request.id, 1, False)
    stored = _get(org, request.id)
    assert (stored.complex, stored.version) == (True, 2)


def test_unknown_department_on_reassign_changes_nothing(org):
    request = make_request(org)
    with pytest.raises(InvalidInput) as error, org.work() as session:
        workflow.reassign(session, org.dpo, request.id, 1, 999_999)
    assert error.value.problems[0].field == "dsr_department_id"
    assert _get(org, request.id).department_id is None


def test_health_record_access_gets_the_public_health_code_deadline(org):
    with org.work() as session:
        entity = session.get(Entity, org.entities["MEDICIS"].id)
        entity.holds_health_records = True
    request = make_request(org, received_at=paris_noon(date(2025, 3, 10)), health_access=True)
    stored = _get(org, request.id)
    assert (stored.health_due_on, stored.due_on, stored.legal_due_on) == (
        date(2025, 3, 18), date(2025, 3, 18), date(2025, 4, 10))  # eight days govern
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.extend(session, org.dpo, request.id, 1, {"reasons": "Dossier médical volumineux à réunir.",
                                                          "notified_on": date(2025, 3, 12)})
    assert error.value.key == "dsr.error.extension_health"
    other = make_request(org, entity="ADEPIA", received_at=paris_noon(date(2025, 3, 10)), health_access=True)
    assert _get(org, other.id).health_due_on is None  # this entity holds no health records


def test_the_dpo_sends_a_proposal_back_with_a_comment(org):
    request = make_request(org)
    with org.work() as session:
        workflow.start_work(session, org.dpo, request.id, 1)
        workflow.propose_answer(session, org.dpo, request.id, 2, {"outcome": "granted",
                                                                  "answer": "Projet de réponse complet."})
    with pytest.raises(InvalidInput), org.work() as session:
        workflow.send_back(session, org.dpo, request.id, 3, " ")
    with org.work() as session:
        workflow.send_back(session, org.dpo, request.id, 3, "Ajouter les journaux de connexion.")
    assert _get(org, request.id).status == "in_progress"
    assert _actions(org, request.id)[-1] == "dsr.status"
