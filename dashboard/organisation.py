"""Entities (controllers) and departments: read by everyone, edited by the DPO."""

from dataclasses import dataclass

from pydantic import BaseModel, EmailStr, Field
from sqlmodel import Session, select

from dashboard import audit, concurrency, direct
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.kept import Kept
from dashboard.permissions import entity_filter, require
from dashboard.processor import policy
from dashboard.validation import problem, validate
from models.org import Department, Entity
from models.roles import Capability

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{1,19}$"
ENTITY_FIELDS = ("code", "name", "legal_name", "address", "registration_number", "dpo_name",
                 "dpo_email", "dpo_phone", "dpo_address", "legal_representative", "legal_representative_title",
                 "alsace_moselle", "holds_health_records",
                 "forbids_non_eu_transfers", "internal_target_days", "internal_target_days_complex",
                 "adopts_policy_clauses", "active")


class EntityData(BaseModel):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=2, max_length=200)
    legal_name: str = Field(min_length=2, max_length=300)
    address: str = Field(default="", max_length=500)
    registration_number: str = Field(default="", max_length=40)
    dpo_name: str = Field(min_length=2, max_length=200)
    dpo_email: EmailStr
    dpo_phone: str = Field(default="", max_length=40)
    dpo_address: str = Field(default="", max_length=500)
    legal_representative: str = Field(default="", max_length=200)
    legal_representative_title: str = Field(default="", max_length=200)
    alsace_moselle: bool = False
    holds_health_records: bool = False
    forbids_non_eu_transfers: bool = False
    internal_target_days: int = Field(default=30, ge=1, le=90)
    internal_target_days_complex: int = Field(default=60, ge=1, le=90)
    adopts_policy_clauses: bool = False
    active: bool = True


class DepartmentData(BaseModel):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=2, max_length=200)
    email: str = Field(default="", max_length=254)
    # The entity the department belongs to; None: unchanged on an edit, the main entity
    # (main_entity_id) for a new department.
    entity_id: int | None = None
    active: bool = True


def list_entities(session: Session, actor: Actor, include_inactive: bool = False) -> list[Entity]:
    """The entities the actor works for (all of them but for a local correspondent)."""
    query = select(Entity).where(entity_filter(actor, Entity.id)).order_by(Entity.name)
    if not include_inactive:
        query = query.where(Entity.active)
    return list(session.exec(query).all())


def list_departments(session: Session, actor: Actor, include_inactive: bool = False,
                     entity_id: int | None = None) -> list[Department]:
    """The departments of the entities the actor works for; `entity_id`: of that entity only
    (what routing a request of that entity may choose from)."""
    query = select(Department).where(entity_filter(actor, Department.entity_id)).order_by(Department.name)
    if entity_id is not None:
        query = query.where(Department.entity_id == entity_id)
    if not include_inactive:
        query = query.where(Department.active)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class Names:
    """The active entities and departments the actor works for, by name (filters and labels)."""

    entities: dict[int, str]  # id -> name, in name order
    departments: list[tuple[int, str, int]]  # (id, name, entity id), in name order


_NAMES: Kept = Kept(256)  # per set of entities the actor is limited to


def names(session: Session, actor: Actor) -> Names:
    """What list_entities and list_departments give of the active ones, as plain names: two light
    statements built once (issue 19: the overview read whole rows to draw its filters)."""
    entities, departments = _NAMES.get(actor.entity_ids, lambda: (
        select(Entity.id, Entity.name).where(entity_filter(actor, Entity.id), Entity.active).order_by(Entity.name),
        select(Department.id, Department.name, Department.entity_id)
        .where(entity_filter(actor, Department.entity_id), Department.active).order_by(Department.name)))
    return Names(dict(direct.execute(session, entities, {})),  # below SQLAlchemy's execution (dashboard/direct.py)
                 [tuple(row) for row in direct.execute(session, departments, {})])


def main_entity_id(session: Session) -> int | None:
    """The group's main entity: the oldest active one (the oldest of all if none is active).
    Migration 0031 gives it the departments whose cases span several entities."""
    return session.exec(select(Entity.id).order_by(Entity.active.desc(), Entity.id)).first()


def check_department_of(session: Session, department_id: int, entity_id: int, field: str = "department_id"
                        ) -> Department:
    """The active department `department_id` if it belongs to the entity `entity_id`: a case
    of one entity is routed to that entity's departments only (InvalidInput otherwise)."""
    department = session.get(Department, department_id) if isinstance(department_id, int) else None
    if department is None or not department.active:
        raise problem(field, "validation.unknown_department")
    if department.entity_id != entity_id:
        raise problem(field, "group.error.department_of_other_entity")
    return department


def issuer_name(session: Session, entity_id: int | None) -> str:
    """Who issues a document: the entity's legal name or, for a document covering every
    entity, the names of the controllers it covers."""
    if entity_id is not None:
        entity = session.get(Entity, entity_id)
        if entity is not None:
            return entity.legal_name
    return ", ".join(session.exec(select(Entity.name).where(Entity.active).order_by(Entity.name)))


def get_entity(session: Session, actor: Actor, entity_id: int) -> Entity:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotAllowed()
    return entity


def save_entity(session: Session, actor: Actor, data: dict | EntityData, entity_id: int | None = None,
                version: int | None = None) -> Entity:
    """Create (entity_id None) or edit an entity; `version` is the one the user saw."""
    require(session, actor, Capability.MANAGE_SETTINGS, action="organisation.save_entity",
            object_type="entity", object_id=entity_id)
    data = validate(EntityData, data)
    clash = session.exec(select(Entity).where(Entity.code == data.code)).first()
    if clash and clash.id != entity_id:
        raise problem("code", "organisation.code_taken")
    entity = session.get(Entity, entity_id) if entity_id else Entity(code=data.code, name="", legal_name="")
    if entity is None:
        raise NotAllowed()
    if entity_id:
        concurrency.bump(session, entity, version, object_type="entity", area="organisation")
    before = {f: getattr(entity, f) for f in ENTITY_FIELDS} if entity_id else {}
    for name, value in data.model_dump().items():
        setattr(entity, name, value.strip() if isinstance(value, str) else value)
    session.add(entity)
    session.flush()
    if entity_id and before.get("adopts_policy_clauses") != entity.adopts_policy_clauses:
        policy.rescore(session, entity_id=entity.id)  # its processors' contracts are asked other points
    audit.record(session, actor, "organisation.save_entity", object_type="entity", object_id=entity.id,
                 object_ref=entity.code, entity_id=entity.id,
                 details={"changes": audit.diff(before, {f: getattr(entity, f) for f in ENTITY_FIELDS})})
    return entity


def save_department(session: Session, actor: Actor, data: dict | DepartmentData,
                    department_id: int | None = None, version: int | None = None) -> Department:
    require(session, actor, Capability.MANAGE_SETTINGS, action="organisation.save_department",
            object_type="department", object_id=department_id)
    data = validate(DepartmentData, data)
    clash = session.exec(select(Department).where(Department.code == data.code)).first()
    if clash and clash.id != department_id:
        raise problem("code", "organisation.code_taken")
    department = session.get(Department, department_id) if department_id else Department(code=data.code, name="")
    if department is None:
        raise NotAllowed()
    fields = ("code", "name", "email", "entity_id", "active")
    if department_id:
        concurrency.bump(session, department, version, object_type="department", area="organisation")
    before = {f: getattr(department, f) for f in fields} if department_id else {}
    entity_id = data.entity_id if data.entity_id is not None else (
        department.entity_id if department_id else main_entity_id(session))
    if entity_id is None or session.get(Entity, entity_id) is None:
        raise problem("entity_id", "validation.unknown_entity")
    for name, value in data.model_dump(exclude={"entity_id"}).items():
        setattr(department, name, value.strip() if isinstance(value, str) else value)
    department.entity_id = entity_id
    session.add(department)
    session.flush()
    audit.record(session, actor, "organisation.save_department", object_type="department",
                 object_id=department.id, object_ref=department.code, entity_id=department.entity_id,
                 details={"changes": audit.diff(before, {f: getattr(department, f) for f in fields})})
    return department
