"""Who sees which processor, and who may change one (see the package docstring)."""

from sqlalchemy import and_, false, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard.activities import activities_of_departments
from dashboard import audit
from dashboard.actor import Actor
from dashboard import concurrency
from dashboard.permissions import deny, department_filter, entity_filter, require, require_writer
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorActivity, ProcessorEntity
from models.roles import Capability

OBJECT_TYPE = "processor"


def reads_everything(actor: Actor) -> bool:
    return actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)


def can_edit(actor: Actor) -> bool:
    return actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only


def visible(session: Session, actor: Actor) -> ColumnElement[bool]:
    """SQL condition on Processor: all of them, or those serving the head's departments' activities."""
    if reads_everything(actor):
        return _entity_visible(actor)
    activity_ids = activities_of_departments(session, actor.department_ids)
    if not activity_ids:
        return false()
    return and_(Processor.id.in_(select(ProcessorActivity.processor_id)
                                 .where(ProcessorActivity.activity_id.in_(sorted(activity_ids)))),
                _entity_visible(actor))


def visible_in_sql(actor: Actor) -> ColumnElement[bool]:
    """`visible` as one SQL condition that reads nothing when it is built (the departments'
    activities as a subquery): for statements built once and run again (the overview)."""
    if reads_everything(actor):
        return _entity_visible(actor)
    if not actor.department_ids:
        return false()
    activities = select(ProcessingActivity.id).where(ProcessingActivity.department_id.in_(sorted(actor.department_ids)))
    return and_(Processor.id.in_(select(ProcessorActivity.processor_id)
                                 .where(ProcessorActivity.activity_id.in_(activities))),
                _entity_visible(actor))


def _entity_visible(actor: Actor) -> ColumnElement[bool]:
    """A user limited to some entities sees the processors working for one of them."""
    if actor.entity_ids is None:
        return true()
    return Processor.id.in_(select(ProcessorEntity.processor_id).where(entity_filter(actor, ProcessorEntity.entity_id)))


def evidence_visible(actor: Actor, case_id: ColumnElement) -> ColumnElement[bool]:
    """Evidence-room hook (dashboard.evidence.VISIBILITY): documents of the processors serving
    the actor's departments' activities (one subquery: the hook has no session)."""
    served = (select(ProcessorActivity.processor_id)
              .join(ProcessingActivity, ProcessingActivity.id == ProcessorActivity.activity_id)
              .where(department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)))
    return case_id.in_(served)


def require_editor(session: Session, actor: Actor, *, action: str, **target) -> None:
    require_writer(session, actor, action=action, object_type=OBJECT_TYPE, **target)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, object_type=OBJECT_TYPE, **target)


def fetch(session: Session, actor: Actor, processor_id: int, *, action: str) -> Processor:
    """The processor if the actor may see it; NotAllowed (logged) if not, or if it does not exist."""
    processor = session.exec(select(Processor).where(Processor.id == processor_id,
                                                     visible(session, actor))).first()
    if processor is None:
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=processor_id)
    return processor


def check_version(row, seen_version: int | None) -> None:
    """An edit carries the version the user saw; someone else's save since then wins."""
    concurrency.check(row, seen_version, object_type=OBJECT_TYPE, area="processor",
                      object_id=getattr(row, "processor_id", None) or row.id)


def record(session: Session, actor: Actor, action: str, processor: Processor, **details) -> None:
    """An audit entry about this processor, in the caller's transaction."""
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=processor.id,
                 object_ref=processor.reference, entity_id=processor.entity_id, details=details)


def processor_entities(session: Session, processor_id: int) -> set[int]:
    """The entities a processor works for (the contracting one and the others using it)."""
    return set(session.exec(select(ProcessorEntity.entity_id).where(ProcessorEntity.processor_id == processor_id)))
