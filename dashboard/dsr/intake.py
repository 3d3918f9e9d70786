"""Recording a new request: who, what, when it reached an official channel, and
where it goes. Possible duplicates are found before saving."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import or_
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.mail import outbox as mail_outbox
from dashboard import organisation
from dashboard.dsr import common, routing
from dashboard.permissions import require, require_entity, require_writer
from dashboard.references import next_reference
from models.clock import paris_date
from models.dsr import (CHANNELS, DSR_PREFIX, OPEN_STATUSES, RELATIONS, RIGHTS, DataSubjectRequest, DsrActivity,
                        DsrRight, Status, normalise_key)
from models.org import Entity
from models.roles import Capability
from models.types import as_utc, utcnow


class RequestCreate(BaseModel):
    entity_id: int
    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    received_at: datetime
    requester_name: str = Field(min_length=2, max_length=200)
    requester_contact: str = Field(default="", max_length=300)
    relation: Literal[RELATIONS]  # type: ignore[valid-type]
    rights: list[Literal[RIGHTS]] = Field(min_length=1)  # type: ignore[valid-type]
    description: str = Field(default="", max_length=10_000)
    is_minor: bool = False
    health_access: bool = False
    health_older_than_five_years: bool = False
    complex: bool = False
    department_id: int | None = None  # None: the routing rule decides
    activity_ids: list[int] = []

    @field_validator("requester_name", "requester_contact", "description", mode="before")
    @classmethod
    def _strip(cls, value):
        return value.strip() if isinstance(value, str) else value

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise PydanticCustomError("validation.datetime", "date and time with a time zone expected")
        if as_utc(value) > utcnow():
            raise PydanticCustomError("dsr.error.received_in_future", "the receipt cannot be in the future")
        return as_utc(value)


@dataclass(frozen=True)
class DuplicateHint:
    id: int
    reference: str
    status: str
    received_on: date
    same_name: bool
    same_contact: bool


def possible_duplicates(session: Session, actor: Actor, requester_name: str,
                        requester_contact: str = "") -> list[DuplicateHint]:
    """Open requests from the same person (same name or same contact, ignoring case,
    accents and spacing), shown before a new one is saved."""
    require(session, actor, Capability.WORK_ALL_CASES, action="dsr.duplicates")
    name_key, contact_key = normalise_key(requester_name), normalise_key(requester_contact)
    matches = []
    if name_key:
        matches.append(DataSubjectRequest.requester_name_key == name_key)
    if contact_key:
        matches.append(DataSubjectRequest.requester_contact_key == contact_key)
    if not matches:
        return []
    rows = session.exec(select(DataSubjectRequest).where(
        or_(*matches), DataSubjectRequest.status.in_(OPEN_STATUSES), common.visible(actor))
        .order_by(DataSubjectRequest.received_on)
        .limit(20)).all()
    return [DuplicateHint(r.id, r.reference, r.status, r.received_on, r.requester_name_key == name_key,
                          bool(contact_key) and r.requester_contact_key == contact_key) for r in rows]


def create_request(session: Session, actor: Actor, data: dict | RequestCreate) -> DataSubjectRequest:
    require_writer(session, actor, action="dsr.create")
    require(session, actor, Capability.WORK_ALL_CASES, action="dsr.create")
    data = common.validate_input(RequestCreate, data)
    require_entity(session, actor, data.entity_id, action="dsr.create", object_type="entity", object_id=data.entity_id)
    entity = session.get(Entity, data.entity_id)
    if entity is None or not entity.active:
        raise common.field_problem("entity_id", "validation.unknown_entity")
    department_id = data.department_id
    if department_id is None:
        department_id = routing.route_for(session, entity.id, data.relation)
    else:
        organisation.check_department_of(session, department_id, entity.id, "dsr_department_id")
    activities = common.check_activities(session, entity.id, data.activity_ids)
    request = DataSubjectRequest(
        reference=next_reference(session, DSR_PREFIX),
        entity_id=entity.id,
        status=Status.RECEIVED,
        owner_id=actor.user_id,
        channel=data.channel,
        received_at=data.received_at,
        received_on=paris_date(data.received_at),
        requester_name=data.requester_name,
        requester_contact=data.requester_contact,
        requester_name_key=normalise_key(data.requester_name),
        requester_contact_key=normalise_key(data.requester_contact),
        relation=data.relation,
        is_minor=data.is_minor,
        description=data.description,
        department_id=department_id,
        complex=data.complex,
        health_access=data.health_access,
        health_older_than_five_years=data.health_access and data.health_older_than_five_years,
        legal_due_on=date.min, due_on=date.min, internal_target_on=date.min,  # computed below
    )
    common.recompute_deadlines(session, request)
    common.save(session, request)
    for right in sorted(set(data.rights)):
        session.add(DsrRight(request_id=request.id, right=right))
    for activity_id in activities:
        session.add(DsrActivity(request_id=request.id, activity_id=activity_id))
    session.flush()
    common.record(session, actor, request, "dsr.create", channel=request.channel, relation=request.relation,
                  rights=sorted(set(data.rights)), received_on=request.received_on, due_on=request.due_on,
                  department_id=department_id, routed_by_rule=data.department_id is None)
    mail_outbox.request_routed(session, request)  # the heads are mailed once this transaction commits
    return request

