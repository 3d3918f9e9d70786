"""Permission checks for the use cases. Every use case calls one of these before it
reads or changes a record: hiding a page is not authorisation."""

from typing import Any, NoReturn

from sqlalchemy import and_, false, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from dashboard import audit
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from models.org import Department
from models.roles import Capability


def deny(
    session: Session,
    actor: Actor,
    *,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    object_ref: str = "",
    details: dict[str, Any] | None = None,
) -> NoReturn:
    """Record the refused attempt (committed on its own: the operation itself is
    abandoned) and raise NotAllowed."""
    session.rollback()
    audit.record(
        session,
        actor,
        "access.denied",
        object_type=object_type,
        object_id=object_id,
        object_ref=object_ref,
        details={"attempted": action, **(details or {})},
    )
    session.commit()
    raise NotAllowed()


def require(session: Session, actor: Actor, capability: Capability, *, action: str, **target) -> None:
    if not actor.can(capability):
        deny(session, actor, action=action, details={"capability": str(capability)}, **target)


def require_any(session: Session, actor: Actor, capabilities: set[Capability], *, action: str, **target) -> None:
    if not any(actor.can(c) for c in capabilities):
        deny(session, actor, action=action, **target)


def require_writer(session: Session, actor: Actor, *, action: str, **target) -> None:
    """Auditors read; they never change anything, by any route."""
    if actor.is_read_only:
        deny(session, actor, action=action, **target)


def entity_filter(actor: Actor, entity_column) -> ColumnElement[bool]:
    """SQL condition limiting a list to the entities the actor works for (a local
    correspondent's; every entity for a user of the whole group)."""
    if actor.entity_ids is None:
        return true()
    if not actor.entity_ids:
        return false()
    return entity_column.in_(sorted(actor.entity_ids))


def require_entity(session: Session, actor: Actor, entity_id: int | None, *, action: str, **target) -> None:
    """Refuse (logged, NotAllowed) a record of an entity the actor is not limited to — and,
    for a local correspondent, a group-wide one (`entity_id` None): the Python twin of
    entity_filter, for the records that belong to an entity and no department."""
    if not actor.covers_entity(entity_id):
        deny(session, actor, action=action, details={"entity_id": entity_id}, **target)


def department_filter(actor: Actor, department_column, entity_column=None) -> ColumnElement[bool]:
    """SQL condition limiting a list to the cases the actor may see: the scope of every list
    and of every fetch by id (dashboard.actor.Actor.covers_department is its twin in Python).
    Heads: their departments'; everyone: his entities' (`entity_column`, or, for a table
    without one, the entity of the row's department)."""
    conditions = []
    if not (actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)):
        if not actor.department_ids:
            return false()
        conditions.append(department_column.in_(sorted(actor.department_ids)))
    if actor.entity_ids is not None:
        if entity_column is None:
            conditions.append(department_column.in_(
                select(Department.id).where(entity_filter(actor, Department.entity_id))))
        else:
            conditions.append(entity_filter(actor, entity_column))
    return and_(*conditions) if conditions else true()
