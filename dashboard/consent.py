"""Consent procedures and withdrawals: use cases (rules and tables in models/consent.py).

Who does what:
- the DPO and legal counsel record, per consent-based activity, how consent is collected
  and where its proof lies, record withdrawals and link them to the data-subject request
  they came with, and may tick any step;
- a department head sees the withdrawals that have a step in one of his departments'
  systems and ticks those steps (the day it was done, a note);
- auditors read; they change nothing.

A withdrawal holds no personal data beyond what identifies it (day, channel, a reference
in the source system); the person, when there is a request, is on the request. Each step
carries the version the user saw; each change is an audit entry.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func
from sqlmodel import Session, select

from dashboard import audit, concurrency, config
from dashboard.actor import Actor
from dashboard.dsr import common as dsr_common
from dashboard.permissions import deny, department_filter, entity_filter, require, require_any, require_writer
from dashboard.references import next_reference
from dashboard.register import load_content
from dashboard.validation import problem, validate_in_area
from models import deadlines
from models.clock import paris_today
from models.consent import (WITHDRAWAL_PREFIX, ConsentProcedure, ConsentWithdrawal, ProcedureData, StepData,
                            WithdrawalData, WithdrawalStep)
from models.dsr import DataSubjectRequest, DsrRight
from models.errors import RuleViolation
from models.org import Department, Entity
from models.processing import ProcessingActivity
from models.register import PurposeRow
from models.retention import ActivitySystem
from models.roles import Capability
from models.types import utcnow

OBJECT_TYPE = "consent_withdrawal"
PROCEDURE_OBJECT = "consent_procedure"
READERS = {Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES, Capability.WORK_DEPARTMENT_CASES}
DSR_RIGHT = "consent_withdrawal"


def _everyone(actor: Actor) -> bool:
    return actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)


def withdrawal_visible(actor: Actor):
    """SQL condition on ConsentWithdrawal: a head sees those with a step in his departments."""
    if _everyone(actor):
        return entity_filter(actor, ConsentWithdrawal.entity_id)
    return exists().where(WithdrawalStep.withdrawal_id == ConsentWithdrawal.id,
                          department_filter(actor, WithdrawalStep.department_id))


def _manager(session: Session, actor: Actor, action: str, **target) -> None:
    require_writer(session, actor, action=action, **target)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, **target)


def may_tick(actor: Actor, step: WithdrawalStep) -> bool:
    if actor.is_read_only:
        return False
    return actor.can(Capability.WORK_ALL_CASES) or step.department_id in actor.department_ids



# ------------------------------------------------------------------ procedures


@dataclass(frozen=True)
class ConsentActivity:
    activity: ProcessingActivity
    entity_name: str
    department_name: str
    procedure: ConsentProcedure | None
    register_records: str  # the register's "where consent and withdrawals are recorded"
    register_propagation: str  # the register's "how a withdrawal reaches the systems"
    systems: list[ActivitySystem]


def consent_activities(session: Session, actor: Actor) -> list[ConsentActivity]:
    """The register entries with a purpose based on consent, that the actor may see."""
    require_any(session, actor, READERS, action="consent.list", object_type=PROCEDURE_OBJECT)
    a = ProcessingActivity
    activities = list(session.exec(select(a).where(
        department_filter(actor, a.department_id, a.entity_id),
        exists().where(PurposeRow.activity_id == a.id, PurposeRow.legal_basis == "consent"))
        .order_by(a.entity_id, a.reference)))
    ids = [x.id for x in activities] or [-1]
    procedures = {p.activity_id: p for p in session.exec(select(ConsentProcedure)
                                                         .where(ConsentProcedure.activity_id.in_(ids)))}
    systems: dict[int, list[ActivitySystem]] = {}
    for system in session.exec(select(ActivitySystem).where(ActivitySystem.activity_id.in_(ids),
                                                            ActivitySystem.active == True)  # noqa: E712
                               .order_by(ActivitySystem.name)):
        systems.setdefault(system.activity_id, []).append(system)
    entities = {e.id: e.name for e in session.exec(select(Entity))}
    departments = {d.id: d.name for d in session.exec(select(Department))}
    return [ConsentActivity(x, entities.get(x.entity_id, ""), departments.get(x.department_id, ""),
                            procedures.get(x.id), x.consent_records, x.withdrawal_propagation, systems.get(x.id, []))
            for x in activities]


def save_procedure(session: Session, actor: Actor, activity_id: int, expected_version: int | None,
                   collection_method: str, proof_location: str) -> ConsentProcedure:
    """How consent is collected and where its proof lies (DPO, legal)."""
    _manager(session, actor, "consent.procedure", object_type=PROCEDURE_OBJECT, object_id=activity_id)
    activity = session.get(ProcessingActivity, activity_id) if isinstance(activity_id, int) else None
    if activity is None:
        deny(session, actor, action="consent.procedure", object_type=PROCEDURE_OBJECT, object_id=activity_id)
    if not load_content(session, activity).uses_consent:
        raise RuleViolation("consent.not_consent_based")
    data = validate_in_area("consent", ProcedureData,
                            {"collection_method": collection_method, "proof_location": proof_location})
    procedure = session.exec(select(ConsentProcedure).where(ConsentProcedure.activity_id == activity.id)).first()
    before = {}
    if procedure is None:
        procedure = ConsentProcedure(activity_id=activity.id, collection_method=data.collection_method,
                                     proof_location=data.proof_location)
    else:
        concurrency.check(procedure, expected_version, object_type=PROCEDURE_OBJECT, object_id=activity.id,
                          area="consent")
        before = {"collection_method": procedure.collection_method, "proof_location": procedure.proof_location}
        procedure.collection_method, procedure.proof_location = data.collection_method, data.proof_location
    procedure.updated_at, procedure.updated_by_name = utcnow(), actor.full_name
    session.add(procedure)
    session.flush()
    audit.record(session, actor, "consent.procedure", object_type=PROCEDURE_OBJECT, object_id=activity.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"changes": audit.diff(before, data.model_dump())})
    return procedure


# ------------------------------------------------------------------ withdrawals


def _request_for(session: Session, dsr_id: int, entity_id: int) -> DataSubjectRequest:
    request = session.get(DataSubjectRequest, dsr_id)
    if request is None or request.entity_id != entity_id:
        raise problem("consent_dsr_id", "consent.dsr_unknown")
    invoked = select(DsrRight).where(DsrRight.request_id == request.id, DsrRight.right == DSR_RIGHT)
    if session.exec(invoked).first() is None:
        raise problem("consent_dsr_id", "consent.dsr_not_withdrawal")
    if session.exec(select(ConsentWithdrawal).where(ConsentWithdrawal.dsr_id == request.id)).first() is not None:
        raise problem("consent_dsr_id", "consent.dsr_already_linked")
    return request


def record_withdrawal(session: Session, actor: Actor, data: dict, *, propagation_days: int | None = None
                      ) -> ConsentWithdrawal:
    """A withdrawal received: a checklist step per active system of the activity, due
    `models.deadlines.consent_withdrawal_propagation_due` after receipt (DPO, legal).
    `data["today"]` is the day the form was opened."""
    _manager(session, actor, "consent.withdrawal", object_type=OBJECT_TYPE)
    found = validate_in_area("consent", WithdrawalData, {"today": paris_today(), **data})
    activity = session.get(ProcessingActivity, found.activity_id)
    if activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        deny(session, actor, action="consent.withdrawal", object_type="processing_activity",
             object_id=found.activity_id)  # unknown, or another entity's: one answer
    if not load_content(session, activity).uses_consent:
        raise problem("consent_activity_id", "consent.not_consent_based")
    systems = list(session.exec(select(ActivitySystem).where(ActivitySystem.activity_id == activity.id,
                                                             ActivitySystem.active == True)  # noqa: E712
                                .order_by(ActivitySystem.name)))
    if not systems:
        raise problem("consent_activity_id", "consent.no_system")
    request = _request_for(session, found.dsr_id, activity.entity_id) if found.dsr_id else None
    days = propagation_days or config.consent_propagation_days()
    withdrawal = ConsentWithdrawal(
        reference=next_reference(session, WITHDRAWAL_PREFIX), entity_id=activity.entity_id, status="open",
        owner_id=actor.user_id, activity_id=activity.id, received_on=found.received_on, channel=found.channel,
        source_reference=found.source_reference, dsr_id=request.id if request else None,
        due_on=deadlines.consent_withdrawal_propagation_due(found.received_on, days))
    session.add(withdrawal)
    session.flush()
    for system in systems:
        session.add(WithdrawalStep(withdrawal_id=withdrawal.id, system_name=system.name,
                                   department_id=system.department_id))
    session.flush()
    audit.record(session, actor, "consent.withdrawal", object_type=OBJECT_TYPE, object_id=withdrawal.id,
                 object_ref=withdrawal.reference, entity_id=withdrawal.entity_id,
                 details={"activity": activity.reference, "received_on": found.received_on, "channel": found.channel,
                          "source_reference": found.source_reference, "due_on": withdrawal.due_on,
                          "dsr": request.reference if request else None, "systems": [s.name for s in systems],
                          "propagation_days": days})
    return withdrawal


@dataclass(frozen=True)
class WithdrawalRow:
    withdrawal: ConsentWithdrawal
    activity_name: str
    steps_done: int
    steps: int
    late: bool


def list_withdrawals(session: Session, actor: Actor, open_only: bool = False) -> list[WithdrawalRow]:
    require_any(session, actor, READERS, action="consent.list", object_type=OBJECT_TYPE)
    w = ConsentWithdrawal
    query = select(w).where(withdrawal_visible(actor)).order_by(w.received_on.desc(), w.id.desc())
    if open_only:
        query = query.where(w.status == "open")
    rows = list(session.exec(query.limit(500)))
    ids = [r.id for r in rows] or [-1]
    counts = {wid: (total, done) for wid, total, done in session.exec(
        select(WithdrawalStep.withdrawal_id, func.count(), func.count(WithdrawalStep.done_on))
        .where(WithdrawalStep.withdrawal_id.in_(ids)).group_by(WithdrawalStep.withdrawal_id))}
    names = {a.id: a.name for a in session.exec(select(ProcessingActivity).where(
        ProcessingActivity.id.in_({r.activity_id for r in rows} or {-1})))}
    today = paris_today()
    return [WithdrawalRow(r, names.get(r.activity_id, ""), counts.get(r.id, (0, 0))[1], counts.get(r.id, (0, 0))[0],
                          r.status == "open" and deadlines.is_late(r.due_on, today)) for r in rows]


@dataclass(frozen=True)
class StepRow:
    step: WithdrawalStep
    department_name: str
    late: bool
    can_tick: bool


@dataclass(frozen=True)
class WithdrawalView:
    withdrawal: ConsentWithdrawal
    activity: ProcessingActivity
    entity_name: str
    request_reference: str
    steps: list[StepRow]


def _withdrawal(session: Session, actor: Actor, withdrawal_id: int, action: str) -> ConsentWithdrawal:
    require_any(session, actor, READERS, action=action, object_type=OBJECT_TYPE, object_id=withdrawal_id)
    found = session.exec(select(ConsentWithdrawal).where(ConsentWithdrawal.id == withdrawal_id,
                                                         withdrawal_visible(actor))).first() \
        if isinstance(withdrawal_id, int) else None
    if found is None:
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=withdrawal_id)
    return found


def get_withdrawal(session: Session, actor: Actor, withdrawal_id: int) -> WithdrawalView:
    withdrawal = _withdrawal(session, actor, withdrawal_id, "consent.view")
    today = paris_today()
    departments = {d.id: d.name for d in session.exec(select(Department))}
    steps = [StepRow(s, departments.get(s.department_id, ""),
                     s.done_on is None and deadlines.is_late(withdrawal.due_on, today), may_tick(actor, s))
             for s in session.exec(select(WithdrawalStep).where(WithdrawalStep.withdrawal_id == withdrawal.id)
                                   .order_by(WithdrawalStep.system_name))]
    request = session.get(DataSubjectRequest, withdrawal.dsr_id) if withdrawal.dsr_id else None
    return WithdrawalView(withdrawal, session.get(ProcessingActivity, withdrawal.activity_id),
                          session.get(Entity, withdrawal.entity_id).name, request.reference if request else "", steps)


def tick_step(session: Session, actor: Actor, step_id: int, expected_version: int | None, done_on: date,
              note: str = "", *, today: date | None = None) -> WithdrawalStep:
    """The withdrawal was carried into this system on `done_on`. The last step done
    closes the withdrawal (done on the latest step's day)."""
    require_writer(session, actor, action="consent.tick", object_type=OBJECT_TYPE)
    step = session.get(WithdrawalStep, step_id) if isinstance(step_id, int) else None
    if step is None or not may_tick(actor, step):
        deny(session, actor, action="consent.tick", object_type=OBJECT_TYPE,
             object_id=step.withdrawal_id if step else None, details={"step": step_id})
    withdrawal = session.get(ConsentWithdrawal, step.withdrawal_id)
    data = validate_in_area("consent", StepData, {"done_on": done_on, "note": note,
                                                  "received_on": withdrawal.received_on,
                                                  "today": min(today or paris_today(), paris_today())})
    concurrency.check(step, expected_version, object_type=OBJECT_TYPE, object_id=withdrawal.id, area="consent")
    if step.done_on is not None:
        raise RuleViolation("consent.step_already_done")
    step.done_on, step.note = data.done_on, data.note
    step.done_by_id, step.done_by_name = actor.user_id, actor.full_name
    session.add(step)
    session.flush()
    remaining = session.exec(select(func.count()).select_from(WithdrawalStep).where(
        WithdrawalStep.withdrawal_id == withdrawal.id, WithdrawalStep.done_on.is_(None))).one()
    if not remaining:
        withdrawal.status = "done"
        withdrawal.done_on = session.exec(select(func.max(WithdrawalStep.done_on))
                                          .where(WithdrawalStep.withdrawal_id == withdrawal.id)).one()
        withdrawal.updated_at = utcnow()
        session.add(withdrawal)
        session.flush()
    audit.record(session, actor, "consent.tick", object_type=OBJECT_TYPE, object_id=withdrawal.id,
                 object_ref=withdrawal.reference, entity_id=withdrawal.entity_id,
                 details={"system": step.system_name, "done_on": data.done_on, "note": data.note,
                          "changes": {"done_on": [None, data.done_on]}, "withdrawal_done": not remaining})
    return step


# ------------------------------------------------------------------ the link with requests


@dataclass(frozen=True)
class RequestChoice:
    id: int
    reference: str
    received_on: date


def withdrawal_requests(session: Session, actor: Actor, entity_id: int) -> list[RequestChoice]:
    """The entity's requests invoking a consent withdrawal not linked yet (to link one)."""
    require(session, actor, Capability.WORK_ALL_CASES, action="consent.requests", object_type=OBJECT_TYPE)
    r = DataSubjectRequest
    rows = session.exec(select(r.id, r.reference, r.received_on).where(
        r.entity_id == entity_id, dsr_common.visible(actor),
        exists().where(DsrRight.request_id == r.id, DsrRight.right == DSR_RIGHT),
        ~exists().where(ConsentWithdrawal.dsr_id == r.id)).order_by(r.received_on.desc()).limit(200))
    return [RequestChoice(*row) for row in rows]


@dataclass(frozen=True)
class LinkedWithdrawal:
    id: int
    reference: str
    status: str
    due_on: date


def withdrawal_of_request(session: Session, actor: Actor, request_id: int) -> LinkedWithdrawal | None:
    """The withdrawal recorded from this request, if any and if the actor may see it (the
    request page's link)."""
    w = ConsentWithdrawal
    found = session.exec(select(w).where(w.dsr_id == request_id, withdrawal_visible(actor))).first() \
        if isinstance(request_id, int) else None
    return LinkedWithdrawal(found.id, found.reference, found.status, found.due_on) if found else None
