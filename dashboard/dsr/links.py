"""The requests linked to a processing activity, for the register's hub
(dashboard.links.PROVIDERS)."""

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.dsr import common
from dashboard.links import LinkedCase
from models.dsr import CASE_TYPE, OPEN_STATUSES, DataSubjectRequest, DsrActivity
from models.roles import Capability

CASE_PAGE = "dsr-case"


def linked_requests(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    """Within what the actor sees (department heads: their departments'); no
    personal data in the title."""
    if not any(actor.can(c) for c in (Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES,
                                      Capability.READ_ALL_CASES)):
        return []
    rows = session.exec(
        select(DataSubjectRequest).join(DsrActivity, DsrActivity.request_id == DataSubjectRequest.id)
        .where(DsrActivity.activity_id == activity_id, common.visible(actor))
        .order_by(DataSubjectRequest.received_on.desc())).all()
    return [LinkedCase(case_type=CASE_TYPE, case_id=r.id, reference=r.reference,
                       title="", status=f"dsr.status.{r.status}", is_open=r.status in OPEN_STATUSES,
                       url_path=f"{CASE_PAGE}?id={r.id}", day=r.received_on) for r in rows]
