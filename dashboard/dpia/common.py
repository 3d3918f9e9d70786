"""What every DPIA use case shares: fetching with permission, optimistic locking,
validation messages, recomputing the stored flags and deadlines."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard import concurrency
from dashboard.permissions import deny, department_filter, require, require_writer
from dashboard.validation import FieldProblem, InvalidInput, M, validate
from models.deadlines import prior_consultation_answer_due
from models.dpia import Dpia, DpiaRisk
from models.dpia_rules import check_editable, prior_consultation_required, status_after_edit
from models.processing import ProcessingActivity
from models.roles import Capability, Role
from models.types import utcnow

OBJECT_TYPE = "dpia"


def evidence_visible(actor: Actor, case_id: ColumnElement) -> ColumnElement[bool]:
    """Evidence-room hook (dashboard.evidence.VISIBILITY): reports of the DPIAs of the
    actor's departments' activities."""
    return case_id.in_(select(Dpia.id).join(ProcessingActivity, ProcessingActivity.id == Dpia.activity_id)
                       .where(department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)))


def check(model: type[M], data: dict[str, Any] | BaseModel) -> M:
    """Validate input; DPIA messages name their field themselves, so the raw field
    identifier is not shown next to them."""
    try:
        return validate(model, data)
    except InvalidInput as error:
        raise InvalidInput([FieldProblem("" if p.key.startswith("dpia.") else p.field, p.key, p.params)
                            for p in error.problems]) from None


def can_edit(actor: Actor) -> bool:
    return actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only


def is_dpo(actor: Actor) -> bool:
    return actor.role == Role.DPO


def require_editor(session: Session, actor: Actor, *, action: str, **target) -> None:
    """DPO and legal counsel edit DPIAs; department heads and auditors read them."""
    require_writer(session, actor, action=action, **target)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, **target)


def fetch_activity(session: Session, actor: Actor, activity_id: int, *, action: str,
                   write: bool = False) -> ProcessingActivity:
    if write:
        require_editor(session, actor, action=action, object_type="processing_activity", object_id=activity_id)
    activity = session.get(ProcessingActivity, activity_id)
    if activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        deny(session, actor, action=action, object_type="processing_activity", object_id=activity_id)
    return activity


def fetch_dpia(session: Session, actor: Actor, dpia_id: int, *, action: str,
               write: bool = False) -> tuple[Dpia, ProcessingActivity]:
    """The DPIA and its activity, or NotAllowed (also for a DPIA that does not exist)."""
    if write:
        require_editor(session, actor, action=action, object_type=OBJECT_TYPE, object_id=dpia_id)
    dpia = session.get(Dpia, dpia_id)
    activity = session.get(ProcessingActivity, dpia.activity_id) if dpia is not None else None
    if dpia is None or activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=dpia_id)
    return dpia, activity


def editable_dpia(session: Session, actor: Actor, dpia_id: int, version: int,
                  action: str) -> tuple[Dpia, ProcessingActivity]:
    """The DPIA to change: the actor may edit, saw the current version, and the status allows it."""
    dpia, activity = fetch_dpia(session, actor, dpia_id, action=action, write=True)
    check_version(dpia, version)
    check_editable(dpia.status)
    return dpia, activity


def record(session: Session, actor: Actor, dpia: Dpia, action: str, details: dict) -> None:
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=dpia.id, object_ref=dpia.reference,
                 entity_id=dpia.entity_id, details=details)


def check_version(dpia: Dpia, version: int) -> None:
    """The user saw an older version: refuse rather than overwrite someone else's work."""
    concurrency.check(dpia, version, object_type=OBJECT_TYPE, object_id=dpia.id, area="dpia")


def touch(session: Session, dpia: Dpia) -> None:
    """Mark the DPIA changed (its version goes up on flush, so a concurrent save is
    refused) and recompute what is derived from its content."""
    dpia.status = status_after_edit(dpia.status)
    dpia.updated_at = utcnow()
    refresh_prior_consultation(session, dpia)
    session.add(dpia)
    session.flush()


def refresh_prior_consultation(session: Session, dpia: Dpia) -> None:
    risks = session.exec(select(DpiaRisk).where(DpiaRisk.dpia_id == dpia.id, DpiaRisk.active)).all()
    dpia.prior_consultation = prior_consultation_required(
        (r.severity_before, r.likelihood_before, r.severity_after, r.likelihood_after) for r in risks)
    dpia.cnil_answer_due = (prior_consultation_answer_due(dpia.cnil_consulted_on, dpia.cnil_extended)
                            if dpia.prior_consultation and dpia.cnil_consulted_on else None)

