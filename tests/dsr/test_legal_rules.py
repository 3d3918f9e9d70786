"""Issue 15, rules 1, 2, 5 and 6: what the law says about closing, refusing, suspending
and health records, through the real use cases (SQLite and PostgreSQL)."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dashboard.dsr import workflow
from dashboard.overview import statistics
from dashboard.overview.scope import OverviewFilter
from dashboard.validation import InvalidInput
from models import deadlines
from models.audit import AuditEntry
from models.clock import paris_today
from models.dsr import DataSubjectRequest, DsrSuspension, Status, health_earliest_day
from models.errors import RuleViolation
from models.org import Entity
from tests.dsr.conftest import make_request, paris_noon


def _get(org, request_id) -> DataSubjectRequest:
    with org.session() as session:
        return session.get(DataSubjectRequest, request_id)


def _last_audit(org, request_id) -> AuditEntry:
    with org.session() as session:
        return session.exec(select(AuditEntry).where(AuditEntry.object_type == "dsr_request",
                                                     AuditEntry.object_id == request_id)
                            .order_by(AuditEntry.seq.desc())).first()


def _close(org, request, outcome, answered_on, reasons="Motifs détaillés du refus."):
    with org.work() as session:
        return workflow.close(session, org.dpo, request.id, _get(org, request.id).version, {
            "outcome": outcome, "reasons": reasons, "remedies_informed": True, "answered_on": answered_on})


# ------------------------------------------------------------------ rule 1: Art. 21(2)-(3)


@pytest.mark.parametrize("outcome", ["refused", "partly_granted"])
def test_a_direct_marketing_objection_cannot_be_refused(org, outcome):
    """GDPR Art. 21(2)-(3): the person may object "at any time" to processing for direct
    marketing, and the data "shall no longer be processed for such purposes" — absolute,
    no balancing of interests as under Art. 21(1). Closing as refused is impossible."""
    request = make_request(org, rights=["marketing_opt_out"])
    with pytest.raises(RuleViolation) as error:
        _close(org, request, outcome, paris_today())
    assert error.value.key == "dsr.error.marketing_objection_absolute"
    assert _get(org, request.id).status == Status.RECEIVED
    _close(org, request, "granted", paris_today(), reasons="")
    assert _get(org, request.id).outcome == "granted"


def test_a_general_objection_can_still_be_refused(org):
    """GDPR Art. 21(1): an objection to processing based on Art. 6(1)(e) or (f) may be
    refused on compelling legitimate grounds (with reasons, Art. 12(4))."""
    request = make_request(org, rights=["objection"])
    _close(org, request, "refused", paris_today())
    assert _get(org, request.id).outcome == "refused"


# ------------------------------------------------------------------ rule 2: Art. 12(4)


def _extended_request(org, received: date) -> DataSubjectRequest:
    request = make_request(org, received_at=paris_noon(received))
    with org.work() as session:
        workflow.extend(session, org.dpo, request.id, 1, {"reasons": "Quinze ans d'historique dans trois systèmes.",
                                                          "notified_on": received + timedelta(days=5)},
                        today=received + timedelta(days=5))
    return request


def test_a_refusal_after_the_first_month_is_late_even_when_extended(org):
    """GDPR Art. 12(4): if the controller does not take action, it informs the person "at
    the latest within one month of receipt of the request" of the reasons — the Art. 12(3)
    extension does not stretch this. A refusal sent in the second month is late, in the
    audit trail, the stored deadline and the on-time statistics."""
    received = paris_today() - timedelta(days=45)
    refused = _extended_request(org, received)
    granted = _extended_request(org, received)
    first_month = deadlines.dsr_refusal_due_date(received)
    assert _get(org, refused.id).due_on > paris_today()  # three months while open
    _close(org, refused, "refused", paris_today())
    _close(org, granted, "granted", paris_today(), reasons="")
    stored = _get(org, refused.id)
    assert stored.due_on == stored.legal_due_on == first_month < paris_today()
    details = _last_audit(org, refused.id).details
    assert details["on_time"] is False and details["due_on_art_12_4"][1] == first_month.isoformat()
    assert _get(org, granted.id).due_on > paris_today()  # a grant keeps its three months
    with org.session() as session:
        months = statistics.requests_per_month(session, org.dpo, OverviewFilter(months=3))
    assert (sum(m.answered for m in months), sum(m.answered_on_time for m in months)) == (2, 1)


def test_a_refusal_within_the_first_month_is_on_time(org):
    """GDPR Art. 12(4): within one month of receipt, the refusal of an extended request
    is on time."""
    received = paris_today() - timedelta(days=10)
    request = _extended_request(org, received)
    _close(org, request, "manifestly_unfounded", paris_today())
    assert _last_audit(org, request.id).details["on_time"] is True


# ---------------------------------------------------- rule 5: Art. 12(6), no late suspension


def test_asking_for_identity_after_the_deadline_is_refused_and_logged(org):
    """GDPR Art. 12(6) and EDPB Guidelines 01/2022 (chapter 3 on identification, § 159): doubts about
    identity are raised promptly and only a pending request for information suspends the
    clock. DPO Desk's rule (models.deadlines.dsr_suspension_allowed): the question must be
    sent on or before the deadline; after it, it is refused, logged, and the request stays
    late."""
    received = paris_today() - timedelta(days=50)
    request = make_request(org, received_at=paris_noon(received))
    due = _get(org, request.id).due_on
    assert due < paris_today()
    with pytest.raises(RuleViolation) as error, org.work() as session:
        workflow.ask_person(session, org.dpo, request.id, 1, {"waiting_for": "awaiting_identity",
                                                              "asked_on": paris_today()})
    assert error.value.key == "dsr.error.ask_after_deadline"
    stored = _get(org, request.id)
    assert (stored.status, stored.suspended_since, stored.due_on, stored.version) == (
        Status.RECEIVED, None, due, 1)
    assert _last_audit(org, request.id).action == "dsr.ask_person.refused"
    with org.work() as session:  # on the deadline itself, the question is still allowed
        workflow.ask_person(session, org.dpo, request.id, 1, {"waiting_for": "awaiting_identity",
                                                              "asked_on": due})
    assert _get(org, request.id).suspended_since == due


def test_a_suspension_begun_after_the_deadline_adds_no_day(org):
    """A late request stays late (GDPR Art. 12(3)-(6), EDPB Guidelines 01/2022 § 159): a
    suspension recorded after the deadline (older data, before the rule above) adds no
    day when the person answers."""
    received = paris_today() - timedelta(days=50)
    request = make_request(org, received_at=paris_noon(received))
    due = _get(org, request.id).due_on
    with org.work() as session:
        stored = session.get(DataSubjectRequest, request.id)
        stored.status, stored.suspended_since = Status.AWAITING_IDENTITY, due + timedelta(days=2)
        session.add(DsrSuspension(request_id=request.id, waiting_for=Status.AWAITING_IDENTITY,
                                  started_on=due + timedelta(days=2)))
    with org.work() as session:
        workflow.person_answered(session, org.dpo, request.id, _get(org, request.id).version,
                                 {"answered_on": paris_today(), "identity_method": "known_account"})
    answered = _get(org, request.id)
    assert (answered.suspended_days, answered.due_on, answered.suspended_since) == (0, due, None)


# ------------------------------------------------------- rule 6: health records, 48 hours


def test_health_information_is_not_sent_before_48_hours(org):
    """Code de la santé publique, art. L1111-7: communication within eight days "et au plus
    tôt après qu'un délai de réflexion de quarante-huit heures aura été observé". Received
    on Monday 10 March 2025 at noon: the 48 hours end on Wednesday at noon, so Thursday is
    the first whole day (only the day of sending is recorded)."""
    with org.work() as session:
        session.get(Entity, org.entities["MEDICIS"].id).holds_health_records = True
    request = make_request(org, received_at=paris_noon(date(2025, 3, 10)), health_access=True)
    with pytest.raises(InvalidInput) as error:
        _close(org, request, "granted", date(2025, 3, 12), reasons="")
    problem = error.value.problems[0]
    assert (problem.field, problem.key, problem.params["earliest"]) == (
        "dsr_answered_on", "dsr.error.health_reflection", date(2025, 3, 13))
    assert _get(org, request.id).status == Status.RECEIVED
    assert health_earliest_day(_get(org, request.id)) == date(2025, 3, 13)  # what the request's page shows
    _close(org, request, "granted", date(2025, 3, 13), reasons="")
    assert _get(org, request.id).answered_on == date(2025, 3, 13)


def test_the_reflection_period_is_48_elapsed_hours():
    """Code de la santé publique, art. L1111-7: 48 hours, counted in hours from the
    receipt; the earliest day is the first Paris day that begins after they end."""
    from datetime import datetime, timezone
    received = datetime(2025, 3, 9, 23, 0, tzinfo=timezone.utc)  # midnight in Paris, 10 March
    assert deadlines.health_reflection_ends(received) == datetime(2025, 3, 11, 23, 0, tzinfo=timezone.utc)
    assert deadlines.health_earliest_communication_day(received) == date(2025, 3, 12)
    assert deadlines.health_earliest_communication_day(received + timedelta(minutes=1)) == date(2025, 3, 13)
