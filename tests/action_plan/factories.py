"""A hand-built data set for the action plan and the annual report: one case of each kind
that holds actions, in Human Resources (RH) and Customer Relations (DRC)."""

from datetime import date, datetime, timezone

from models.breach import Breach, BreachDepartment, BreachStep
from models.dpia import Dpia, DpiaMeasure
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorActivity, ProcessorAudit
from models.register import RegisterReview
from models.retention import RetentionCampaign, RetentionTask

_counter = iter(range(1, 10_000))


def _ref(prefix: str) -> str:
    return f"{prefix}-T-{next(_counter):04d}"


def activity(session, org, department: str, next_review_on: date | None, name: str = "") -> ProcessingActivity:
    row = ProcessingActivity(reference=_ref("TRT"), entity_id=org.entities["MEDICIS"].id, status="validated",
                             name=name or f"Traitement {department}", department_id=org.departments[department].id,
                             next_review_on=next_review_on)
    session.add(row)
    session.flush()
    return row


def dpia(session, org, act: ProcessingActivity, measures: list[tuple[str, str, date | None]],
         status: str = "in_progress") -> Dpia:
    row = Dpia(reference=_ref("AIPD"), entity_id=act.entity_id, status=status, activity_id=act.id,
               title=f"AIPD {act.name}")
    session.add(row)
    session.flush()
    for title, measure_status, due in measures:
        session.add(DpiaMeasure(dpia_id=row.id, title=title, status=measure_status, owner="Responsable mesure",
                                due_date=due))
    session.flush()
    return row


def breach(session, org, department: str, steps: list[tuple[str, str, datetime | None, datetime | None]]) -> Breach:
    aware = datetime(2026, 1, 10, 9, tzinfo=timezone.utc)
    row = Breach(reference=_ref("VIO"), entity_id=org.entities["MEDICIS"].id, status="assessed",
                 title=f"Violation {department}", detected_at=aware, aware_at=aware)
    session.add(row)
    session.flush()
    session.add(BreachDepartment(breach_id=row.id, department_id=org.departments[department].id))
    for kind, text, due_at, done_at in steps:
        session.add(BreachStep(breach_id=row.id, kind=kind, description=text, owner_name="RSSI", due_at=due_at,
                               done_at=done_at))
    session.flush()
    return row


def processor(session, org, act: ProcessingActivity, audits: list[tuple[date, str, str]],
              next_audit: date | None) -> Processor:
    row = Processor(reference=_ref("ST"), entity_id=act.entity_id, status="approved", legal_name="Hébergeur Test",
                    country_code="FR", contact_name="Contact sous-traitant", next_audit_date=next_audit)
    session.add(row)
    session.flush()
    session.add(ProcessorActivity(processor_id=row.id, activity_id=act.id))
    for performed, outcome, findings in audits:
        session.add(ProcessorAudit(processor_id=row.id, performed_on=performed, kind="documentary",
                                   auditor="Cabinet", outcome=outcome, findings=findings))
    session.flush()
    return row


def campaign(session, org, year: int, tasks: list[tuple[ProcessingActivity, date, str]]) -> RetentionCampaign:
    row = RetentionCampaign(reference=_ref("REV"), entity_id=org.entities["MEDICIS"].id, status="open", year=year,
                            as_of=date(year, 1, 15), due_on=date(year, 3, 31))
    session.add(row)
    session.flush()
    for n, (act, due, status) in enumerate(tasks):
        session.add(RetentionTask(campaign_id=row.id, activity_id=act.id, department_id=act.department_id,
                                  line_key=f"k{n}", system="SIRH", duration=5, unit="years", due_on=due,
                                  status=status, done_on=due if status != "open" else None,
                                  done_by="Agent" if status != "open" else ""))
    session.flush()
    return row


def review(session, act: ProcessingActivity, on: date) -> RegisterReview:
    row = RegisterReview(activity_id=act.id, reviewed_on=on, reviewer_name="DPO", changes="RAS",
                         reviewed_at=datetime(on.year, on.month, on.day, 10, tzinfo=timezone.utc))
    session.add(row)
    session.flush()
    return row
