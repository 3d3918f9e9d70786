"""Processing activities as the other case types see them: choosing the activities a
case concerns, within what the actor may see."""

from dataclasses import dataclass

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.permissions import department_filter
from models.processing import ProcessingActivity


@dataclass(frozen=True)
class ActivityChoice:
    id: int
    reference: str
    name: str
    entity_id: int
    department_id: int
    status: str

    @property
    def label(self) -> str:
        return f"{self.reference} — {self.name}"


def activity_choices(session: Session, actor: Actor, entity_id: int | None = None) -> list[ActivityChoice]:
    """Activities the actor may link a case to (department heads: their departments')."""
    query = select(ProcessingActivity).where(department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id))
    if entity_id is not None:
        query = query.where(ProcessingActivity.entity_id == entity_id)
    return [ActivityChoice(a.id, a.reference, a.name, a.entity_id, a.department_id, a.status)
            for a in session.exec(query.order_by(ProcessingActivity.reference))]


def activities_of_departments(session: Session, department_ids: frozenset[int] | set[int]) -> list[int]:
    """Ids of the activities owned by these departments: what a department head's
    view of processors and DPIAs is built on."""
    if not department_ids:
        return []
    return list(session.exec(select(ProcessingActivity.id).where(
        ProcessingActivity.department_id.in_(sorted(department_ids)))))
