"""What every data-subject-request use case shares: fetching a request the actor
may see (or refusing, logged), the assignee rule, keeping the deadline columns
current, audit entries, and input validation with this area's field labels."""

from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard import concurrency
from dashboard.permissions import deny, department_filter, require, require_writer
from dashboard.validation import FieldProblem, InvalidInput, validate
from models.clock import paris_today
from models.dsr import OPEN_STATUSES, OUTCOMES_NOT_ACTING, DataSubjectRequest, DsrRight, compute_deadlines
from models.errors import DomainError, RuleViolation
from models.org import Entity
from models.processing import ProcessingActivity
from models.roles import Capability
from models.types import utcnow

OBJECT_TYPE = "dsr_request"
M = TypeVar("M", bound=BaseModel)


def visible(actor: Actor) -> ColumnElement[bool]:
    """SQL condition: the requests the actor may see (heads: their departments')."""
    return department_filter(actor, DataSubjectRequest.department_id, DataSubjectRequest.entity_id)


def evidence_visible(actor: Actor, case_id: ColumnElement) -> ColumnElement[bool]:
    """Evidence-room hook (dashboard.evidence.VISIBILITY): documents of the requests the actor sees."""
    return case_id.in_(select(DataSubjectRequest.id).where(visible(actor)))


def fetch(session: Session, actor: Actor, request_id: int, *, action: str, write: bool = False,
          staff_only: bool = False) -> DataSubjectRequest:
    """The request, or NotAllowed (logged) when it does not exist or the actor may
    not see it — the same answer, so that a forged id reveals nothing. `write`:
    auditors are refused; `staff_only`: only the DPO and legal (not department heads)."""
    target = {"object_type": OBJECT_TYPE, "object_id": request_id}
    if write:
        require_writer(session, actor, action=action, **target)
    if staff_only:
        require(session, actor, Capability.WORK_ALL_CASES, action=action, **target)
    request = session.get(DataSubjectRequest, request_id) if isinstance(request_id, int) else None
    if request is None or not actor.covers_department(request.department_id, request.entity_id):
        deny(session, actor, action=action, **target)
    return request


def deny_line(session: Session, actor: Actor, request: DataSubjectRequest, action: str, line_id: object
              ) -> NoReturn:
    """A line (recipient, document...) that is not the request's: refused and logged."""
    deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=request.id,
         object_ref=request.reference, details={"line_id": str(line_id)})


def rights_of(session: Session, request_id: int) -> set[str]:
    return set(session.exec(select(DsrRight.right).where(DsrRight.request_id == request_id)).all())


def check_version(request: DataSubjectRequest, version: int | None) -> None:
    """Edits carry the version the user saw: someone else's save in between wins."""
    concurrency.check(request, version, object_type=OBJECT_TYPE, object_id=request.id, area="dsr")


def is_assignee(actor: Actor, request: DataSubjectRequest) -> bool:
    """The owner, or the head of the department the request is routed to."""
    if actor.user_id is not None and actor.user_id == request.owner_id:
        return True
    return (not actor.can(Capability.WORK_ALL_CASES) and request.department_id is not None
            and request.department_id in actor.department_ids)


def require_open(request: DataSubjectRequest) -> None:
    if request.status not in OPEN_STATUSES:
        raise RuleViolation("dsr.error.closed")


def recompute_deadlines(session: Session, request: DataSubjectRequest) -> None:
    with session.no_autoflush:  # one UPDATE (one version step) per change, not one per read
        entity = session.get(Entity, request.entity_id)
    computed = compute_deadlines(
        request.received_on,
        extended=request.extended,
        suspended_days=request.suspended_days,
        alsace_moselle=entity.alsace_moselle,
        health_applies=entity.holds_health_records and request.health_access,
        health_older_than_five_years=request.health_older_than_five_years,
        target_days=entity.internal_target_days_complex if request.complex else entity.internal_target_days,
        not_acting=request.outcome in OUTCOMES_NOT_ACTING,
    )
    request.legal_due_on = computed.legal_due_on
    request.health_due_on = computed.health_due_on
    request.due_on = computed.due_on
    request.internal_target_on = computed.internal_target_on


def save(session: Session, request: DataSubjectRequest) -> None:
    request.is_open = request.status in OPEN_STATUSES
    request.updated_at = utcnow()
    session.add(request)
    session.flush()


def record(session: Session, actor: Actor, request: DataSubjectRequest, action: str, **details: Any) -> None:
    """An audit entry about the request. Details never hold the requester's data."""
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=request.id,
                 object_ref=request.reference, entity_id=request.entity_id, details=details)


def audit_list(session: Session, actor: Actor, action: str, **details: Any) -> None:
    """An audit entry about the list as a whole (export)."""
    audit.record(session, actor, action, object_type=OBJECT_TYPE,
                 details={k: asdict(v) if is_dataclass(v) else v for k, v in details.items()})


def refuse(session: Session, actor: Actor, request: DataSubjectRequest, action: str, error: DomainError) -> NoReturn:
    """A refusal worth keeping in the audit trail (e.g. an extension after the
    deadline): nothing of the operation is kept, the refused attempt is."""
    session.rollback()
    audit.record(session, actor, f"{action}.refused", object_type=OBJECT_TYPE, object_id=request.id,
                 object_ref=request.reference, entity_id=request.entity_id,
                 details={"error": error.key, **{k: v for k, v in error.params.items()}})
    session.commit()
    raise error


def check_day(name: str, day: date, request: DataSubjectRequest, today: date | None = None) -> None:
    """A day of the request's life: not before its receipt, not in the future."""
    today = today or paris_today()
    if day > today:
        raise field_problem(name, "dsr.error.date_in_future")
    if day < request.received_on:
        raise field_problem(name, "dsr.error.date_before_receipt")


def check_activities(session: Session, entity_id: int, activity_ids: list[int]) -> list[int]:
    """The activities must exist and belong to the request's entity."""
    chosen = sorted(set(activity_ids))
    if not chosen:
        return []
    found = session.exec(select(ProcessingActivity.id).where(ProcessingActivity.id.in_(chosen),
                                                             ProcessingActivity.entity_id == entity_id)).all()
    if len(found) != len(chosen):
        raise field_problem("activity_ids", "dsr.error.unknown_activity")
    return chosen



def field_problem(name: str, key: str, **params) -> InvalidInput:
    return InvalidInput([FieldProblem(f"dsr_{name}", key, params)])


def validate_input(model: type[M], data: dict[str, Any] | BaseModel) -> M:
    """Pydantic validation whose field names map to this area's labels (field.dsr_*)."""
    try:
        return validate(model, data)
    except InvalidInput as error:
        raise InvalidInput([FieldProblem(f"dsr_{p.field}" if p.field else "", p.key, p.params)
                            for p in error.problems]) from None

