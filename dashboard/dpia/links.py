"""What a processing activity shows of its DPIA work: its latest screening and its DPIAs
(provider for dashboard.links)."""

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.dpia.screening import latest_screening
from dashboard.links import LinkedCase
from models.clock import paris_date
from models.dpia import Dpia
from models.dpia_rules import OPEN_STATUSES, DpiaStatus
from models.processing import ProcessingActivity


def linked_to_activity(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    activity = session.get(ProcessingActivity, activity_id)
    if activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        return []
    linked = []
    screening = latest_screening(session, activity.id)
    if screening is not None:
        linked.append(LinkedCase("dpia_screening", screening.id, "", "", f"dpia.screening.outcome.{screening.outcome}",
                                 False, "dpia-screening", day=paris_date(screening.screened_at)))
    for dpia in session.exec(select(Dpia).where(Dpia.activity_id == activity.id).order_by(Dpia.id.desc())):
        linked.append(LinkedCase("dpia", dpia.id, dpia.reference, dpia.title, f"dpia.status.{dpia.status}",
                                 DpiaStatus(dpia.status) in OPEN_STATUSES, "dpia-detail"))
    return linked
