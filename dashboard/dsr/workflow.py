"""Moving a request through its statuses, with the deadline columns kept current.

received → awaiting identity / clarification (clock suspended) → in progress →
answer proposed (by the department) → closed (by the DPO or legal, with an
outcome); withdrawn at any open stage. Each change carries the version the user
saw and is an audit entry.
"""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.mail import outbox as mail_outbox
from dashboard import organisation
from dashboard.dsr import common, fees
from dashboard.permissions import deny
from models import deadlines
from models.clock import paris_today
from models.dsr import (IDENTITY_METHODS, OUTCOMES, OUTCOMES_CARRIED_OUT, DataSubjectRequest, DsrActivity, DsrRecipient, DsrSuspension,
                        Status, check_closing, check_transition)
from models.errors import RuleViolation
from models.org import Entity, User
from models.roles import Capability, Role
from models.types import utcnow

WaitingFor = Literal["awaiting_identity", "awaiting_clarification"]


class AskPerson(BaseModel):
    waiting_for: WaitingFor
    asked_on: date
    note: str = Field(default="", max_length=500)


class PersonAnswered(BaseModel):
    answered_on: date
    identity_method: Literal[IDENTITY_METHODS] | None = None  # type: ignore[valid-type]


class IdentityCheck(BaseModel):
    method: Literal[IDENTITY_METHODS]  # type: ignore[valid-type]
    verified_on: date


class Extension(BaseModel):
    reasons: str = Field(min_length=20, max_length=5000)
    notified_on: date


class Proposal(BaseModel):
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    answer: str = Field(min_length=10, max_length=20_000)


class Closing(BaseModel):
    outcome: Literal[OUTCOMES] | None = None  # type: ignore[valid-type]
    reasons: str = Field(default="", max_length=10_000)
    remedies_informed: bool = False
    answered_on: date


class Withdrawal(BaseModel):
    withdrawn_on: date
    note: str = Field(default="", max_length=500)


def _move(request: DataSubjectRequest, target: str) -> str:
    check_transition(request.status, target)
    before, request.status = request.status, target
    return before


def _end_suspension(session: Session, request: DataSubjectRequest, ended_on: date) -> int:
    """Close the open suspension: its days are added and the deadlines recomputed."""
    open_period = session.exec(select(DsrSuspension).where(DsrSuspension.request_id == request.id,
                                                           DsrSuspension.ended_on.is_(None))).first()
    if open_period is None:
        return 0
    if ended_on < open_period.started_on:
        raise common.field_problem("answered_on", "dsr.error.before_suspension", started=open_period.started_on)
    open_period.ended_on = ended_on
    # A suspension never hides a lateness that already occurred: a question sent after
    # the deadline (refused since, see ask_person; possible in older data) adds no day.
    days = (ended_on - open_period.started_on).days if open_period.started_on <= request.due_on else 0
    request.suspended_days += days
    request.suspended_since = None
    session.add(open_period)
    common.recompute_deadlines(session, request)
    return days


def _finish(session: Session, request: DataSubjectRequest, target: str, on: date) -> str:
    """Close or withdraw: a running suspension ends that day; returns the old status."""
    _end_suspension(session, request, on)
    before = _move(request, target)
    request.closed_at = utcnow()
    return before


def start_work(session: Session, actor: Actor, request_id: int, version: int) -> DataSubjectRequest:
    request = common.fetch(session, actor, request_id, action="dsr.start", write=True, staff_only=True)
    common.check_version(request, version)
    before = _move(request, Status.IN_PROGRESS)
    common.save(session, request)
    common.record(session, actor, request, "dsr.status", status=[before, request.status])
    return request


def ask_person(session: Session, actor: Actor, request_id: int, version: int, data: dict | AskPerson
               ) -> DataSubjectRequest:
    """Ask for identity proof (only when there is reasonable doubt, Art. 12(6)) or a
    clarification: the clock stops from the day the question was sent. A question sent
    after the deadline is refused and the attempt logged: the doubts are raised before
    the answer is due, and a late request stays late (deadlines.dsr_suspension_allowed)."""
    request = common.fetch(session, actor, request_id, action="dsr.ask_person", write=True, staff_only=True)
    common.check_version(request, version)
    data = common.validate_input(AskPerson, data)
    common.check_day("asked_on", data.asked_on, request)
    if not deadlines.dsr_suspension_allowed(data.asked_on, request.due_on):
        common.refuse(session, actor, request, "dsr.ask_person",
                      RuleViolation("dsr.error.ask_after_deadline", due=request.due_on))
    before = _move(request, data.waiting_for)
    if data.waiting_for == Status.AWAITING_IDENTITY:
        request.identity_proof_asked = True
        request.identity_asked_on = data.asked_on
    request.suspended_since = data.asked_on
    session.add(DsrSuspension(request_id=request.id, waiting_for=data.waiting_for, started_on=data.asked_on,
                              note=data.note))
    common.save(session, request)
    common.record(session, actor, request, "dsr.status", status=[before, request.status], asked_on=data.asked_on)
    return request


def person_answered(session: Session, actor: Actor, request_id: int, version: int, data: dict | PersonAnswered
                    ) -> DataSubjectRequest:
    """The person answered: the clock restarts, the waiting days are added. After an
    identity question, how the identity was verified is recorded (never the document)."""
    request = common.fetch(session, actor, request_id, action="dsr.person_answered", write=True, staff_only=True)
    common.check_version(request, version)
    data = common.validate_input(PersonAnswered, data)
    common.check_day("answered_on", data.answered_on, request)
    waiting_for = request.status
    if waiting_for == Status.AWAITING_IDENTITY and not data.identity_method:
        raise common.field_problem("identity_method", "dsr.error.identity_method_required")
    days = _end_suspension(session, request, data.answered_on)
    before = _move(request, Status.IN_PROGRESS)
    if waiting_for == Status.AWAITING_IDENTITY:
        _set_identity(request, actor, data.identity_method, data.answered_on)
    common.save(session, request)
    common.record(session, actor, request, "dsr.status", status=[before, request.status], suspended_days=days,
                  due_on=request.due_on, identity_method=request.identity_method or None)
    return request


def _set_identity(request: DataSubjectRequest, actor: Actor, method: str, verified_on: date) -> None:
    request.identity_method = method
    request.identity_verified_on = verified_on
    request.identity_verified_by_id = actor.user_id


def verify_identity(session: Session, actor: Actor, request_id: int, version: int, data: dict | IdentityCheck
                    ) -> DataSubjectRequest:
    """Record how the identity was verified without asking for proof (e.g. a known account)."""
    request = common.fetch(session, actor, request_id, action="dsr.verify_identity", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    data = common.validate_input(IdentityCheck, data)
    common.check_day("verified_on", data.verified_on, request)
    _set_identity(request, actor, data.method, data.verified_on)
    common.save(session, request)
    common.record(session, actor, request, "dsr.identity", method=data.method, verified_on=data.verified_on)
    return request


def extend(session: Session, actor: Actor, request_id: int, version: int, data: dict | Extension,
           today: date | None = None) -> DataSubjectRequest:
    """Art. 12(3): two further months, decided and told to the person within the
    first month, with reasons. A late attempt is refused and kept in the audit trail."""
    request = common.fetch(session, actor, request_id, action="dsr.extend", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    data = common.validate_input(Extension, data)
    today = today or paris_today()
    entity = session.get(Entity, request.entity_id)
    if request.extended:
        raise RuleViolation("dsr.error.already_extended")
    if request.health_due_on is not None:
        raise RuleViolation("dsr.error.extension_health")
    first_deadline = deadlines.dsr_due_date(request.received_on, False, request.suspended_days,
                                            entity.alsace_moselle)
    if not deadlines.dsr_extension_allowed(request.received_on, today, request.suspended_days,
                                           entity.alsace_moselle):
        common.refuse(session, actor, request, "dsr.extend",
                      RuleViolation("dsr.error.extension_too_late", due=first_deadline))
    common.check_day("notified_on", data.notified_on, request, today)
    if data.notified_on > first_deadline:
        raise common.field_problem("notified_on", "dsr.error.notified_after_deadline")
    request.extended = True
    request.complex = True  # an extension is for complexity or number: the longer internal target too
    request.extension_reasons = data.reasons.strip()
    request.extension_notified_on = data.notified_on
    before = request.due_on
    common.recompute_deadlines(session, request)
    common.save(session, request)
    common.record(session, actor, request, "dsr.extend", due_on=[before, request.due_on],
                  notified_on=data.notified_on)
    return request


def set_complex(session: Session, actor: Actor, request_id: int, version: int, complex_: bool
                ) -> DataSubjectRequest:
    """Complex or numerous requests get the organisation's longer internal target."""
    request = common.fetch(session, actor, request_id, action="dsr.set_complex", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    before = request.internal_target_on
    request.complex = bool(complex_)
    common.recompute_deadlines(session, request)
    common.save(session, request)
    common.record(session, actor, request, "dsr.complex", complex=request.complex,
                  internal_target_on=[before, request.internal_target_on])
    return request


def reassign(session: Session, actor: Actor, request_id: int, version: int, department_id: int | None,
             owner_id: int | None = None) -> DataSubjectRequest:
    """Route to another department (or take it back: None) and/or hand the case to
    another DPO or lawyer."""
    request = common.fetch(session, actor, request_id, action="dsr.reassign", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    if department_id is not None:
        organisation.check_department_of(session, department_id, request.entity_id, "dsr_department_id")
    if owner_id is not None:
        owner = session.get(User, owner_id) if isinstance(owner_id, int) else None
        if owner is None or not owner.active or owner.role not in (Role.DPO, Role.LEGAL):
            raise common.field_problem("owner_id", "dsr.error.unknown_owner")
    changes = {"department_id": [request.department_id, department_id]}
    request.department_id = department_id
    if owner_id is not None:
        changes["owner_id"] = [request.owner_id, owner_id]
        request.owner_id = owner_id
    routed = changes["department_id"][0] != department_id
    common.save(session, request)
    common.record(session, actor, request, "dsr.reassign", **changes)
    if routed:
        mail_outbox.request_routed(session, request)  # the new department's heads, once committed
    return request


def set_activities(session: Session, actor: Actor, request_id: int, version: int, activity_ids: list[int]
                   ) -> DataSubjectRequest:
    request = common.fetch(session, actor, request_id, action="dsr.set_activities", write=True, staff_only=True)
    common.check_version(request, version)
    chosen = common.check_activities(session, request.entity_id, activity_ids)
    current = {link.activity_id: link for link in session.exec(
        select(DsrActivity).where(DsrActivity.request_id == request.id))}
    for activity_id, link in current.items():
        if activity_id not in chosen:
            session.delete(link)
    for activity_id in chosen:
        if activity_id not in current:
            session.add(DsrActivity(request_id=request.id, activity_id=activity_id))
    common.save(session, request)
    common.record(session, actor, request, "dsr.activities", activity_ids=[sorted(current), chosen])
    return request


def propose_answer(session: Session, actor: Actor, request_id: int, version: int, data: dict | Proposal
                   ) -> DataSubjectRequest:
    """The department proposes the answer and hands the request back to the DPO."""
    request = common.fetch(session, actor, request_id, action="dsr.propose", write=True)
    if not (actor.can(Capability.WORK_ALL_CASES) or actor.can(Capability.WORK_DEPARTMENT_CASES)):
        deny(session, actor, action="dsr.propose", object_type=common.OBJECT_TYPE, object_id=request_id)
    common.check_version(request, version)
    data = common.validate_input(Proposal, data)
    before = _move(request, Status.ANSWER_PROPOSED)
    request.proposed_outcome = data.outcome
    request.proposed_answer = data.answer.strip()
    request.proposed_at = utcnow()
    request.proposed_by_id = actor.user_id
    common.save(session, request)
    common.record(session, actor, request, "dsr.status", status=[before, request.status],
                  proposed_outcome=data.outcome)
    return request


def send_back(session: Session, actor: Actor, request_id: int, version: int, comment: str) -> DataSubjectRequest:
    """The DPO returns the proposal to the department with a comment."""
    request = common.fetch(session, actor, request_id, action="dsr.send_back", write=True, staff_only=True)
    common.check_version(request, version)
    comment = (comment or "").strip()
    if len(comment) < 5:
        raise common.field_problem("comment", "dsr.error.comment_required")
    before = _move(request, Status.IN_PROGRESS)
    common.save(session, request)
    common.record(session, actor, request, "dsr.status", status=[before, request.status], comment=comment[:1000])
    return request


def close(session: Session, actor: Actor, request_id: int, version: int, data: dict | Closing
          ) -> DataSubjectRequest:
    """The DPO's (or legal's) decision, with the day the answer was sent."""
    request = common.fetch(session, actor, request_id, action="dsr.close", write=True, staff_only=True)
    common.check_version(request, version)
    data = common.validate_input(Closing, data)
    check_transition(request.status, Status.CLOSED)
    common.check_day("answered_on", data.answered_on, request)
    pending = len(session.exec(select(DsrRecipient.id).where(DsrRecipient.request_id == request.id,
                                                              DsrRecipient.state == "pending")).all())
    check_closing(data.outcome or "", data.reasons, data.remedies_informed, pending,
                  frozenset(common.rights_of(session, request.id)))
    _check_health_reflection(request, data)
    fees.check_none_pending(session, request)
    before = _finish(session, request, Status.CLOSED, data.answered_on)
    due_before = request.due_on
    request.outcome = data.outcome
    request.outcome_reasons = data.reasons.strip()
    request.remedies_informed = data.remedies_informed
    request.answered_on = data.answered_on
    common.recompute_deadlines(session, request)  # a refusal is due within the first month (Art. 12(4))
    common.save(session, request)
    common.record(session, actor, request, "dsr.close", status=[before, request.status], outcome=data.outcome,
                  answered_on=data.answered_on, due_on=request.due_on,
                  on_time=data.answered_on <= request.due_on,
                  **({"due_on_art_12_4": [due_before, request.due_on]} if due_before != request.due_on else {}))
    return request


def _check_health_reflection(request: DataSubjectRequest, data: Closing) -> None:
    """Health information is not communicated before the 48-hour reflection period has
    run (Code de la santé publique, art. L1111-7)."""
    if request.health_due_on is None or data.outcome not in OUTCOMES_CARRIED_OUT:
        return
    earliest = deadlines.health_earliest_communication_day(request.received_at)
    if data.answered_on < earliest:
        raise common.field_problem("answered_on", "dsr.error.health_reflection", earliest=earliest)


def withdraw(session: Session, actor: Actor, request_id: int, version: int, data: dict | Withdrawal
             ) -> DataSubjectRequest:
    request = common.fetch(session, actor, request_id, action="dsr.withdraw", write=True, staff_only=True)
    common.check_version(request, version)
    data = common.validate_input(Withdrawal, data)
    check_transition(request.status, Status.WITHDRAWN)
    common.check_day("withdrawn_on", data.withdrawn_on, request)
    fees.declined_by_withdrawal(session, actor, request, data.withdrawn_on)
    before = _finish(session, request, Status.WITHDRAWN, data.withdrawn_on)
    common.save(session, request)
    common.record(session, actor, request, "dsr.withdraw", status=[before, request.status],
                  withdrawn_on=data.withdrawn_on)
    return request
