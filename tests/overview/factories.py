"""Rows for the overview tests, written directly with their stored deadline columns: the
overview reads those columns, and the rules that compute them are tested in their own
areas (tests/test_deadlines.py, tests/dsr, tests/breach...)."""

from datetime import date, datetime, timedelta, timezone

from models.breach import AuthorityNotification, Breach, BreachDepartment
from models.deadlines import breach_notification_deadline
from models.dsr import OPEN_STATUSES, DataSubjectRequest, compute_deadlines
from models.processing import ProcessingActivity

_counter = iter(range(1, 10_000))


def request(session, org, received: date, department: str | None = "DRC", *, status: str = "in_progress",
            extended: bool = False, suspended_since: date | None = None, suspended_days: int = 0,
            answered_on: date | None = None, entity: str = "MEDICIS") -> DataSubjectRequest:
    deadlines = compute_deadlines(received, extended=extended, suspended_days=suspended_days, alsace_moselle=False,
                                  health_applies=False, health_older_than_five_years=False, target_days=30)
    row = DataSubjectRequest(
        reference=f"DSR-T-{next(_counter):04d}", entity_id=org.entities[entity].id, status=status,
        is_open=status in OPEN_STATUSES, channel="email",
        received_at=datetime(received.year, received.month, received.day, 10, tzinfo=timezone.utc),
        received_on=received, requester_name="Personne Test", relation="member",
        department_id=org.departments[department].id if department else None, extended=extended,
        suspended_since=suspended_since, suspended_days=suspended_days, legal_due_on=deadlines.legal_due_on,
        due_on=deadlines.due_on, internal_target_on=deadlines.internal_target_on, answered_on=answered_on,
        outcome="granted" if answered_on else "")
    session.add(row)
    session.flush()
    return row


def breach(session, org, aware_at: datetime, department: str = "DRC", *, notified_at: datetime | None = None,
           declared_by=None) -> Breach:
    deadline = breach_notification_deadline(aware_at)
    row = Breach(
        reference=f"VIO-T-{next(_counter):04d}", entity_id=org.entities["MEDICIS"].id, status="assessed",
        title=f"Violation {department}", detected_at=aware_at - timedelta(hours=1), aware_at=aware_at,
        notification_deadline=deadline, notified_at=notified_at,
        authority_notification=AuthorityNotification.DONE if notified_at else AuthorityNotification.PENDING,
        declared_by_id=declared_by.user_id if declared_by else None)
    session.add(row)
    session.flush()
    session.add(BreachDepartment(breach_id=row.id, department_id=org.departments[department].id))
    return row


def activity(session, org, department: str, next_review_on: date, status: str = "validated") -> ProcessingActivity:
    row = ProcessingActivity(reference=f"TRT-T-{next(_counter):04d}", entity_id=org.entities["MEDICIS"].id,
                             status=status, name=f"Traitement {department}",
                             department_id=org.departments[department].id, next_review_on=next_review_on)
    session.add(row)
    session.flush()
    return row
