"""The breach register: declaring, completing, reading and listing breaches.

Who sees what: the DPO, legal and auditors see every breach; a department head sees
the breaches he or she declared and those concerning his or her departments.
Anyone but the auditor may declare. Visibility is applied in SQL, at fetch time.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard import audit
from dashboard.mail import outbox as mail_outbox
from dashboard.actor import Actor
from dashboard.breach.forms import BreachFacts, checked, refuse_if
from dashboard import concurrency
from dashboard.permissions import deny, entity_filter, require, require_any, require_entity, require_writer
from dashboard.processor.scope import processor_entities
from dashboard.references import next_reference
from dashboard.validation import problem
from models.breach import (
    BREACH_PREFIX,
    CASE_TYPE,
    AuthorityNotification,
    Breach,
    BreachActivity,
    BreachDepartment,
    BreachNotification,
    BreachStatus,
    BreachStep,
    NotificationPhase,
)
from models.breach_rules import (
    Obligations,
    authority_state,
    initial_needs_reasons,
    number_problems,
    obligations,
    timeline_problems,
)
from models.deadlines import breach_notification_deadline
from models.errors import RuleViolation
from models.org import Department, Entity
from models.person_search import breach_search_text
from models.processing import ProcessingActivity
from models.processor import Processor
from models.roles import Capability
from models.types import utcnow
from models.own_retention import BREACH_CLEARED, BREACH_CLEARED_JSON

FACT_FIELDS = tuple(name for name in BreachFacts.model_fields if name not in ("activity_ids", "department_ids"))


# ------------------------------------------------------------------ visibility


def sees_everything(actor: Actor) -> bool:
    return actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)


def visible(actor: Actor) -> ColumnElement[bool]:
    """SQL condition: the breaches this actor may see."""
    if sees_everything(actor):
        return entity_filter(actor, Breach.entity_id)
    conditions = [Breach.declared_by_id == actor.user_id] if actor.user_id is not None else []
    if actor.department_ids:
        conditions.append(exists().where(BreachDepartment.breach_id == Breach.id,
                                         BreachDepartment.department_id.in_(sorted(actor.department_ids))))
    return and_(or_(*conditions), entity_filter(actor, Breach.entity_id)) if conditions else false()


def evidence_visible(actor: Actor, case_id: ColumnElement) -> ColumnElement[bool]:
    """Evidence-room hook (dashboard.evidence.VISIBILITY): documents of the breaches the actor sees."""
    return case_id.in_(select(Breach.id).where(visible(actor)))


def fetch(session: Session, actor: Actor, breach_id: int, *, action: str) -> Breach:
    """The breach if the actor may see it; otherwise (or if it does not exist) a
    logged refusal that reveals nothing."""
    breach = session.exec(select(Breach).where(Breach.id == breach_id, visible(actor))).first()
    if breach is None:
        deny(session, actor, action=action, object_type=CASE_TYPE, object_id=breach_id)
    return breach


def fetch_for_change(session: Session, actor: Actor, breach_id: int, version: int, *, action: str,
                     qualified_only: bool = False) -> Breach:
    """For an edit: a writer who sees the breach (the DPO or legal when `qualified_only`),
    on an open breach, at the version the user saw."""
    require_writer(session, actor, action=action, object_type=CASE_TYPE, object_id=breach_id)
    if qualified_only:
        require(session, actor, Capability.WORK_ALL_CASES, action=action, object_type=CASE_TYPE, object_id=breach_id)
    breach = fetch(session, actor, breach_id, action=action)
    concurrency.check(breach, version, object_type=CASE_TYPE, object_id=breach.id, area="breach")
    if breach.status == BreachStatus.CLOSED:
        raise RuleViolation("breach.closed_read_only")
    return breach


# Details that hold the free texts in which the people concerned may be named: sealed
# under the breach's key (dashboard/audit.py), unreadable once the retention job destroys
# it (models/own_retention.py). Only the names of the changed fields stay in clear.
PERSONAL_FIELDS = frozenset(BREACH_CLEARED) | frozenset(BREACH_CLEARED_JSON)
PERSONAL_DETAILS = frozenset({"note", "previous_note"})


def record(session: Session, actor: Actor, action: str, breach: Breach, **details) -> None:
    """The audit entry of a change to a breach, in the same transaction."""
    personal = {key: details.pop(key) for key in sorted(PERSONAL_DETAILS & set(details))}
    changes = details.get("changes")
    if isinstance(changes, dict):
        sealed = {k: v for k, v in changes.items() if k in PERSONAL_FIELDS or action == "breach.letter_english"}
        if sealed:
            personal["changes"] = sealed
            details["changes"] = {k: v for k, v in changes.items() if k not in sealed}
            details["sealed_fields"] = sorted(sealed)
    audit.record(session, actor, action, object_type=CASE_TYPE, object_id=breach.id, object_ref=breach.reference,
                 entity_id=breach.entity_id, details=details, personal=personal or None,
                 personal_case=(CASE_TYPE, breach.id))


def touch(breach: Breach) -> None:
    """Mark the breach changed (bumps its version: a form opened earlier is stale) and keep
    its person-search text current with the free text just changed."""
    breach.updated_at = utcnow()
    breach.search_text = breach_search_text(breach)


def refresh_clock(breach: Breach) -> None:
    """Recompute the stored deadline and notification state from their inputs."""
    breach.notification_deadline = breach_notification_deadline(breach.aware_at) if breach.aware_at else None
    breach.authority_notification = authority_state(breach.risk_level, breach.notified_at)


def initial_notification(session: Session, breach_id: int) -> BreachNotification | None:
    return session.exec(select(BreachNotification).where(
        BreachNotification.breach_id == breach_id,
        BreachNotification.phase == NotificationPhase.INITIAL)).first()


# ------------------------------------------------------------------ declaring and editing


def _check_facts(session: Session, facts: BreachFacts) -> None:
    if not (facts.confidentiality or facts.integrity or facts.availability):
        raise problem("breach_confidentiality", "breach.nature_required")
    refuse_if(timeline_problems(started_at=facts.started_at, ended_at=facts.ended_at, detected_at=facts.detected_at,
                                aware_at=facts.aware_at, now=utcnow())
              + number_problems("people", facts.people_min, facts.people_max)
              + number_problems("records", facts.records_min, facts.records_max))
    if session.get(Entity, facts.entity_id) is None:
        raise problem("breach_entity_id", "validation.unknown_entity")
    for department_id in facts.department_ids:
        if session.get(Department, department_id) is None:
            raise problem("breach_department_ids", "validation.unknown_department")
    for activity_id in facts.activity_ids:
        activity = session.get(ProcessingActivity, activity_id)
        if activity is None or activity.entity_id != facts.entity_id:
            raise problem("breach_activity_ids", "breach.activity_other_entity")
    if facts.processor_id is not None:
        processor = session.get(Processor, facts.processor_id)
        if processor is None or facts.entity_id not in processor_entities(session, processor.id):
            raise problem("breach_processor_id", "breach.processor_other_entity")
        facts.processor_name = processor.legal_name  # the notice and the register print the name


def _departments_concerned(session: Session, facts: BreachFacts) -> set[int]:
    """The departments named, plus those owning the activities concerned: their heads
    must see the breach."""
    owners = set()
    if facts.activity_ids:
        owners = set(session.exec(select(ProcessingActivity.department_id).where(
            ProcessingActivity.id.in_(facts.activity_ids))))
    return set(facts.department_ids) | owners


def _set_links(session: Session, breach_id: int, activity_ids: set[int], department_ids: set[int]) -> None:
    for model, column, wanted in ((BreachActivity, "activity_id", activity_ids),
                                  (BreachDepartment, "department_id", department_ids)):
        current = {getattr(row, column): row for row in session.exec(select(model).where(model.breach_id == breach_id))}
        for key in set(current) - wanted:
            session.delete(current[key])
        for key in sorted(wanted - set(current)):
            session.add(model(breach_id=breach_id, **{column: key}))
    session.flush()


def _links(session: Session, breach_id: int) -> tuple[list[int], list[int]]:
    activities = sorted(session.exec(select(BreachActivity.activity_id).where(BreachActivity.breach_id == breach_id)))
    departments = sorted(session.exec(select(BreachDepartment.department_id).where(
        BreachDepartment.breach_id == breach_id)))
    return activities, departments


def _snapshot(session: Session, breach: Breach) -> dict:
    activities, departments = _links(session, breach.id)
    return {**{name: getattr(breach, name) for name in FACT_FIELDS}, "activity_ids": activities,
            "department_ids": departments}


def declare(session: Session, actor: Actor, data: dict | BreachFacts) -> Breach:
    """Record a suspected or established breach. The 72-hour clock starts at awareness."""
    require_writer(session, actor, action="breach.declare", object_type=CASE_TYPE)
    require_any(session, actor, {Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES},
                action="breach.declare", object_type=CASE_TYPE)
    facts = checked(BreachFacts, data)
    require_entity(session, actor, facts.entity_id, action="breach.declare", object_type="entity",
                   object_id=facts.entity_id)
    _check_facts(session, facts)
    now = utcnow()
    breach = Breach(reference=next_reference(session, BREACH_PREFIX, now), status=BreachStatus.DECLARED,
                    declared_by_id=actor.user_id, declared_by_name=actor.full_name, created_at=now,
                    updated_at=now, **facts.model_dump(include=set(FACT_FIELDS)))
    breach.search_text = breach_search_text(breach)
    refresh_clock(breach)
    session.add(breach)
    session.flush()
    _set_links(session, breach.id, set(facts.activity_ids), _departments_concerned(session, facts))
    record(session, actor, "breach.declare", breach, title=breach.title, aware_at=breach.aware_at,
           notification_deadline=breach.notification_deadline)
    mail_outbox.breach_declared(session, breach)  # sent by the worker once this transaction commits
    return breach


def update_facts(session: Session, actor: Actor, breach_id: int, version: int, data: dict | BreachFacts) -> Breach:
    """Complete or correct what happened; the deadline follows a changed awareness."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.update")
    facts = checked(BreachFacts, data)
    _check_facts(session, facts)
    initial = initial_notification(session, breach.id)
    if initial and facts.aware_at is None:
        raise problem("breach_aware_at", "breach.awareness_needed")
    if initial and initial_needs_reasons(breach_notification_deadline(facts.aware_at), initial.sent_at,
                                         initial.delay_reasons):
        raise problem("breach_aware_at", "breach.aware_change_makes_late")
    before = _snapshot(session, breach)
    for name in FACT_FIELDS:
        setattr(breach, name, getattr(facts, name))
    refresh_clock(breach)
    touch(breach)
    session.add(breach)
    session.flush()
    session.refresh(breach)  # times as stored (UTC): an unchanged time is not reported as changed
    _set_links(session, breach.id, set(facts.activity_ids), _departments_concerned(session, facts))
    record(session, actor, "breach.update", breach,
           changes=audit.diff(audit.json_safe(before), audit.json_safe(_snapshot(session, breach))))
    return breach


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class LinkedActivity:
    id: int
    reference: str
    name: str


@dataclass(frozen=True)
class BreachDetail:
    breach: Breach
    entity: Entity
    notifications: list[BreachNotification]
    steps: list[BreachStep]
    activities: list[LinkedActivity]
    department_ids: list[int]
    department_names: list[str]
    obligations: Obligations | None
    can_edit: bool  # complete the facts, add response steps
    can_decide: bool  # qualify, notify, inform, close (DPO and legal)

    @property
    def activity_ids(self) -> list[int]:
        return [a.id for a in self.activities]


def detail(session: Session, breach: Breach, actor: Actor | None) -> BreachDetail:
    activity_ids, department_ids = _links(session, breach.id)
    activities = session.exec(select(ProcessingActivity).where(ProcessingActivity.id.in_(activity_ids))
                              .order_by(ProcessingActivity.reference)).all() if activity_ids else []
    names = session.exec(select(Department.name).where(Department.id.in_(department_ids))
                         .order_by(Department.name)).all() if department_ids else []
    notifications = session.exec(select(BreachNotification).where(BreachNotification.breach_id == breach.id)
                                 .order_by(BreachNotification.sent_at, BreachNotification.id)).all()
    steps = session.exec(select(BreachStep).where(BreachStep.breach_id == breach.id)
                         .order_by(BreachStep.created_at, BreachStep.id)).all()
    is_open = breach.status != BreachStatus.CLOSED
    writer = actor is not None and not actor.is_read_only
    return BreachDetail(
        breach=breach, entity=session.get(Entity, breach.entity_id), notifications=list(notifications),
        steps=list(steps), activities=[LinkedActivity(a.id, a.reference, a.name) for a in activities],
        department_ids=department_ids, department_names=list(names),
        obligations=obligations(breach.risk_level, breach.art34_exception),
        can_edit=writer and is_open,
        can_decide=writer and is_open and actor.can(Capability.WORK_ALL_CASES),
    )


def get_breach(session: Session, actor: Actor, breach_id: int) -> BreachDetail:
    """One breach with its notifications, response steps and links. The register holds
    categories and counts of people, not their data: no access reason is asked."""
    breach = fetch(session, actor, breach_id, action="breach.read")
    return detail(session, breach, actor)


@dataclass(frozen=True)
class BreachFilter:
    entity_id: int | None = None
    status: str | None = None  # BreachStatus, or None for all
    clock: str | None = None  # "running", "overdue": the 72-hour clock still runs (and has run out)
    text: str = ""  # reference or title


@dataclass(frozen=True)
class BreachRow:
    id: int
    reference: str
    title: str
    entity_name: str
    status: str
    risk_level: str | None
    detected_at: datetime
    aware_at: datetime | None
    notification_deadline: datetime | None
    notified_at: datetime | None
    authority_notification: str
    people_informed_at: datetime | None
    art34_exception: str | None


@dataclass(frozen=True)
class BreachPage:
    rows: list[BreachRow]
    total: int
    page: int
    page_size: int


def conditions(actor: Actor, flt: BreachFilter, now: datetime | None = None) -> list:
    found = [visible(actor)]
    if flt.entity_id is not None:
        found.append(Breach.entity_id == flt.entity_id)
    if flt.status:
        found.append(Breach.status == flt.status)
    if flt.clock in ("running", "overdue"):
        found += [Breach.authority_notification == AuthorityNotification.PENDING,
                  Breach.notification_deadline.is_not(None)]
        if flt.clock == "overdue":
            found.append(Breach.notification_deadline < (now or utcnow()))
    if flt.text.strip():
        pattern = f"%{flt.text.strip().lower()}%"
        found.append(or_(func.lower(Breach.reference).like(pattern), func.lower(Breach.title).like(pattern)))
    return found


def count_breaches(session: Session, actor: Actor, flt: BreachFilter = BreachFilter()) -> int:
    return session.exec(select(func.count()).select_from(Breach).where(*conditions(actor, flt))).one()


def list_breaches(session: Session, actor: Actor, flt: BreachFilter = BreachFilter(), page: int = 1,
                  page_size: int = 25) -> BreachPage:
    """A page of the register: running clocks first (soonest deadline first), then
    those whose awareness is still to establish, then the rest, latest first."""
    total = count_breaches(session, actor, flt)
    page = max(1, page)
    pending = Breach.authority_notification == AuthorityNotification.PENDING
    rank = case((and_(pending, Breach.notification_deadline.is_not(None)), 0), (pending, 1), else_=2)
    query = (select(Breach, Entity.name).join(Entity, Entity.id == Breach.entity_id)
             .where(*conditions(actor, flt))
             .order_by(rank, case((rank == 0, Breach.notification_deadline)), Breach.detected_at.desc(),
                       Breach.id.desc())
             .offset((page - 1) * page_size).limit(page_size))
    rows = [BreachRow(b.id, b.reference, b.title, entity_name, b.status, b.risk_level, b.detected_at, b.aware_at,
                      b.notification_deadline, b.notified_at, b.authority_notification, b.people_informed_at,
                      b.art34_exception)
            for b, entity_name in session.exec(query)]
    return BreachPage(rows, total, page, page_size)


@dataclass(frozen=True)
class BreachCounts:
    running: int  # the 72-hour clock runs
    overdue: int  # ... and the deadline has passed
    to_assess: int  # declared, risk not assessed
    open: int


def counts(session: Session, actor: Actor, now: datetime | None = None) -> BreachCounts:
    now = now or utcnow()
    running = count_breaches(session, actor, BreachFilter(clock="running"))
    overdue = session.exec(select(func.count()).select_from(Breach).where(
        *conditions(actor, BreachFilter(clock="overdue"), now))).one()
    to_assess = count_breaches(session, actor, BreachFilter(status=BreachStatus.DECLARED))
    still_open = session.exec(select(func.count()).select_from(Breach).where(
        visible(actor), Breach.status != BreachStatus.CLOSED)).one()
    return BreachCounts(running, overdue, to_assess, still_open)

