"""The yearly data review and its destruction campaigns: use cases (rules and tables in
models/retention.py).

Who does what:
- the DPO and legal counsel generate a campaign per entity and year from the register's
  retention rules, record the systems that hold each activity's data, record exceptions
  (legal hold, archiving obligation), close any task and issue the certificates and the
  board report;
- a department head sees only the tasks of his or her departments (the departments that
  own the activities) and closes them with the method, the date, who did it and the proof;
- auditors read everything and download the documents; they change nothing.

Generating twice adds only the lines that are new (a rule or a system added since): the
campaign never holds a task twice. Every change is an audit entry; every edit carries the
version the user saw.

Reminders: the open tasks are a deadline source of the overview (dashboard/overview/
sources.py, kind "retention_task"), which the mail worker reads like every other one
(models/mail.py SOURCE_EVENTS: the "data_review" event, for the DPO and the heads of the
task's department).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field as PydanticField
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard import audit, concurrency
from dashboard.actor import Actor
from dashboard.permissions import (deny, department_filter, entity_filter, require, require_any, require_entity,
                                  require_writer)
from dashboard.references import next_reference
from dashboard.register import load_content
from dashboard.validation import problem, validate_in_area
from models.clock import paris_today
from models.errors import RuleViolation
from models.org import Department, Entity
from models.processing import ProcessingActivity
from models.retention import (CAMPAIGN_PREFIX, DEFAULT_DUE_DAYS, MAX_YEAR_SPAN, ActivitySystem, RetentionCampaign,
                              RetentionTask, TaskClosure, TaskException, review_lines, task_is_late)
from models.roles import Capability
from models.types import utcnow

OBJECT_TYPE = "retention_campaign"
TASK_OBJECT = "retention_task"
SYSTEM_OBJECT = "activity_system"
READERS = {Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES, Capability.WORK_DEPARTMENT_CASES}


# ------------------------------------------------------------------ permissions


def task_visible(actor: Actor) -> ColumnElement[bool]:
    """SQL condition: the tasks the actor sees (a department head: his departments'; a user
    limited to some entities: the campaign's entity, as `_task` checks it by id)."""
    campaign_entity = (select(RetentionCampaign.entity_id).where(RetentionCampaign.id == RetentionTask.campaign_id)
                       .scalar_subquery())
    return department_filter(actor, RetentionTask.department_id, campaign_entity)


def evidence_visible(actor: Actor, case_id: ColumnElement) -> ColumnElement[bool]:
    """Evidence-room hook (case type "retention_task"): a task's certificate is seen by
    the heads of the task's department."""
    return case_id.in_(select(RetentionTask.id).where(task_visible(actor)))


def may_close(actor: Actor, task: RetentionTask) -> bool:
    if actor.is_read_only:
        return False
    return actor.can(Capability.WORK_ALL_CASES) or task.department_id in actor.department_ids


def _manager(session: Session, actor: Actor, action: str, **target) -> None:
    require_writer(session, actor, action=action, **target)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, **target)


def _campaign(session: Session, actor: Actor, campaign_id: int, action: str) -> RetentionCampaign:
    """The campaign if the actor may see it: a head only when one of its tasks is his."""
    require_any(session, actor, READERS, action=action, object_type=OBJECT_TYPE, object_id=campaign_id)
    campaign = session.get(RetentionCampaign, campaign_id) if isinstance(campaign_id, int) else None
    if campaign is not None and not actor.covers_entity(campaign.entity_id):
        campaign = None
    if campaign is not None and not (actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)):
        mine = session.exec(select(func.count()).select_from(RetentionTask).where(
            RetentionTask.campaign_id == campaign.id, task_visible(actor))).one()
        if not mine:
            campaign = None
    if campaign is None:
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=campaign_id)
    return campaign


def _task(session: Session, actor: Actor, task_id: int, action: str) -> RetentionTask:
    task = session.get(RetentionTask, task_id) if isinstance(task_id, int) else None
    campaign = session.get(RetentionCampaign, task.campaign_id) if task is not None else None
    if task is None or not actor.covers_department(task.department_id, campaign.entity_id):
        deny(session, actor, action=action, object_type=TASK_OBJECT, object_id=task_id)
    return task


def _campaign_ref(session: Session, task: RetentionTask) -> RetentionCampaign:
    return session.get(RetentionCampaign, task.campaign_id)


# ------------------------------------------------------------------ systems


class SystemData(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = PydanticField(min_length=2, max_length=200)
    department_id: int


def list_systems(session: Session, actor: Actor, activity_id: int) -> list[ActivitySystem]:
    activity = session.get(ProcessingActivity, activity_id) if isinstance(activity_id, int) else None
    if activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        deny(session, actor, action="systems.list", object_type="processing_activity", object_id=activity_id)
    return list(session.exec(select(ActivitySystem).where(ActivitySystem.activity_id == activity.id,
                                                          ActivitySystem.active == True)  # noqa: E712
                             .order_by(ActivitySystem.name)))


def add_system(session: Session, actor: Actor, activity_id: int, name: str, department_id: int) -> ActivitySystem:
    """A system that holds the activity's data (DPO, legal)."""
    _manager(session, actor, "systems.add", object_type="processing_activity", object_id=activity_id)
    activity = session.get(ProcessingActivity, activity_id) if isinstance(activity_id, int) else None
    if activity is None:
        deny(session, actor, action="systems.add", object_type="processing_activity", object_id=activity_id)
    data = validate_in_area("retention", SystemData, {"name": name, "department_id": department_id})
    if "\n" in data.name or "\r" in data.name:
        raise problem("retention_name", "register.one_line")
    department = session.get(Department, data.department_id)
    if department is None or not department.active:
        raise problem("retention_department_id", "validation.unknown_department")
    existing = session.exec(select(ActivitySystem).where(ActivitySystem.activity_id == activity.id,
                                                         ActivitySystem.name == data.name)).first()
    if existing is not None and existing.active:
        raise RuleViolation("retention.system_exists", name=data.name)
    if existing is not None:
        existing.active, existing.department_id = True, data.department_id
        system = existing
    else:
        system = ActivitySystem(activity_id=activity.id, name=data.name, department_id=data.department_id)
    session.add(system)
    session.flush()
    audit.record(session, actor, "systems.add", object_type=SYSTEM_OBJECT, object_id=system.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"name": data.name, "department_id": data.department_id})
    return system


def remove_system(session: Session, actor: Actor, system_id: int, expected_version: int | None) -> ActivitySystem:
    """No longer holds the activity's data (kept on record, inactive)."""
    _manager(session, actor, "systems.remove", object_type=SYSTEM_OBJECT, object_id=system_id)
    system = session.get(ActivitySystem, system_id) if isinstance(system_id, int) else None
    if system is None:
        deny(session, actor, action="systems.remove", object_type=SYSTEM_OBJECT, object_id=system_id)
    concurrency.check(system, expected_version, object_type=SYSTEM_OBJECT, object_id=system.id, area="retention")
    system.active = False
    session.add(system)
    session.flush()
    activity = session.get(ProcessingActivity, system.activity_id)
    audit.record(session, actor, "systems.remove", object_type=SYSTEM_OBJECT, object_id=system.id,
                 object_ref=activity.reference, entity_id=activity.entity_id, details={"name": system.name})
    return system


def _active_systems(session: Session, activity_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for system in session.exec(select(ActivitySystem).where(ActivitySystem.activity_id.in_(activity_ids or [-1]),
                                                            ActivitySystem.active == True)  # noqa: E712
                               .order_by(ActivitySystem.name)):
        found[system.activity_id].append(system.name)
    return found


# ------------------------------------------------------------------ campaigns


class CampaignData(BaseModel):
    model_config = ConfigDict(frozen=True)
    entity_id: int
    as_of: date
    due_on: date


@dataclass(frozen=True)
class CampaignRow:
    campaign: RetentionCampaign
    entity_name: str
    total: int
    open: int
    done: int
    exceptions: int
    late: int


def generate_campaign(session: Session, actor: Actor, entity_id: int, as_of: date, due_on: date | None = None,
                      *, today: date | None = None) -> tuple[RetentionCampaign, int]:
    """The entity's review campaign for `as_of`'s year, created if absent, with a task per
    line of every retention rule of the entity's register entries that is not there yet.
    Returns the campaign and how many tasks were added (0 on a second run)."""
    _manager(session, actor, "retention.generate", object_type=OBJECT_TYPE)
    if isinstance(entity_id, int):  # a local correspondent reviews his entities only (validation says the rest)
        require_entity(session, actor, entity_id, action="retention.generate", object_type="entity",
                       object_id=entity_id)
    today = today or paris_today()
    data = validate_in_area("retention", CampaignData, {"entity_id": entity_id, "as_of": as_of,
                                   "due_on": due_on or as_of + timedelta(days=DEFAULT_DUE_DAYS)})
    if abs(data.as_of.year - today.year) > MAX_YEAR_SPAN:
        raise problem("retention_as_of", "retention.as_of_range", years=MAX_YEAR_SPAN)
    if data.due_on < data.as_of:
        raise problem("retention_due_on", "retention.due_before_as_of")
    entity = session.get(Entity, data.entity_id)
    if entity is None or not entity.active:
        raise problem("retention_entity_id", "validation.unknown_entity")
    campaign = session.exec(select(RetentionCampaign).where(RetentionCampaign.entity_id == entity.id,
                                                            RetentionCampaign.year == data.as_of.year)).first()
    created = campaign is None
    if created:
        campaign = RetentionCampaign(reference=next_reference(session, CAMPAIGN_PREFIX), entity_id=entity.id,
                                     status="open", owner_id=actor.user_id, year=data.as_of.year, as_of=data.as_of,
                                     due_on=data.due_on)
        session.add(campaign)
        session.flush()
    known = set(session.exec(select(RetentionTask.line_key).where(RetentionTask.campaign_id == campaign.id)))
    activities = list(session.exec(select(ProcessingActivity).where(ProcessingActivity.entity_id == entity.id)
                                   .order_by(ProcessingActivity.reference)))
    systems = _active_systems(session, [a.id for a in activities])
    added = 0
    for activity in activities:
        content = load_content(session, activity)
        for line in review_lines(activity.id, activity.department_id, content.retention_rules,
                                 systems.get(activity.id, [])):
            if line.key in known:
                continue
            known.add(line.key)
            session.add(RetentionTask(
                campaign_id=campaign.id, activity_id=activity.id, department_id=activity.department_id,
                line_key=line.key, category=line.category[:200], system=line.system[:200], duration=line.duration,
                unit=line.unit, start_event=line.start_event[:300], end_action=line.end_action[:20],
                justification=line.justification[:500], cutoff_on=line.cutoff(campaign.as_of),
                due_on=campaign.due_on))
            added += 1
    session.flush()
    audit.record(session, actor, "retention.generate" if created else "retention.regenerate",
                 object_type=OBJECT_TYPE, object_id=campaign.id, object_ref=campaign.reference, entity_id=entity.id,
                 details={"year": campaign.year, "as_of": campaign.as_of, "due_on": campaign.due_on,
                          "tasks_added": added})
    return campaign, added


def list_campaigns(session: Session, actor: Actor) -> list[CampaignRow]:
    """The campaigns the actor may see, newest first, with counts of the tasks he sees."""
    require_any(session, actor, READERS, action="retention.list", object_type=OBJECT_TYPE)
    today = paris_today()
    counts: dict[int, Counter] = defaultdict(Counter)
    for campaign_id, status, due_on in session.exec(select(RetentionTask.campaign_id, RetentionTask.status,
                                                           RetentionTask.due_on).where(task_visible(actor))):
        counts[campaign_id][status] += 1
        counts[campaign_id]["late"] += task_is_late(status, due_on, today)
    everyone = actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)
    entities = {e.id: e.name for e in session.exec(select(Entity))}
    rows = []
    for campaign in session.exec(select(RetentionCampaign).where(entity_filter(actor, RetentionCampaign.entity_id))
                                 .order_by(RetentionCampaign.year.desc(),
                                                                    RetentionCampaign.id.desc())):
        c = counts.get(campaign.id, Counter())
        if not everyone and not c:
            continue
        rows.append(CampaignRow(campaign, entities.get(campaign.entity_id, ""), c["open"] + c["done"] + c["exception"],
                                c["open"], c["done"], c["exception"], c["late"]))
    return rows


@dataclass(frozen=True)
class TaskRow:
    task: RetentionTask
    activity_reference: str
    activity_name: str
    department_name: str
    late: bool
    can_close: bool


@dataclass(frozen=True)
class CampaignView:
    campaign: RetentionCampaign
    entity: Entity
    tasks: list[TaskRow]
    can_manage: bool
    today: date = field(default_factory=paris_today)


def _task_rows(session: Session, actor: Actor, tasks: list[RetentionTask], today: date) -> list[TaskRow]:
    activities = {a.id: a for a in session.exec(select(ProcessingActivity).where(
        ProcessingActivity.id.in_({t.activity_id for t in tasks} or {-1})))}
    departments = {d.id: d.name for d in session.exec(select(Department))}
    return [TaskRow(t, activities[t.activity_id].reference, activities[t.activity_id].name,
                    departments.get(t.department_id, ""), task_is_late(t.status, t.due_on, today), may_close(actor, t))
            for t in tasks]


def get_campaign(session: Session, actor: Actor, campaign_id: int) -> CampaignView:
    campaign = _campaign(session, actor, campaign_id, "retention.view")
    today = paris_today()
    tasks = list(session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign.id,
                                                          task_visible(actor))
                              .order_by(RetentionTask.department_id, RetentionTask.activity_id, RetentionTask.id)))
    return CampaignView(campaign, session.get(Entity, campaign.entity_id), _task_rows(session, actor, tasks, today),
                        actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only, today)


def _require_open(task: RetentionTask) -> None:
    if task.status != "open":
        raise RuleViolation("retention.task_closed")


def _closing_day(name: str, day: date, campaign: RetentionCampaign, today: date) -> None:
    if day > min(today, paris_today()):
        raise problem(name, "retention.done_in_future")
    if day < campaign.as_of - timedelta(days=366):
        raise problem(name, "retention.done_too_early")


def _snapshot(task: RetentionTask) -> dict:
    return {name: getattr(task, name) for name in ("status", "method", "done_on", "done_by", "proof",
                                                   "proof_reference", "kept_until", "exception_ground",
                                                   "exception_detail")}


def _saved(session: Session, actor: Actor, action: str, task: RetentionTask, campaign: RetentionCampaign,
           before: dict, reason: str = "") -> RetentionTask:
    """Write a task's change and its audit entry (the fields before → after)."""
    session.add(task)
    session.flush()
    audit.record(session, actor, action, object_type=TASK_OBJECT, object_id=task.id, object_ref=campaign.reference,
                 entity_id=campaign.entity_id, reason=reason, details={"changes": audit.diff(before, _snapshot(task))})
    return task


def close_task(session: Session, actor: Actor, task_id: int, expected_version: int | None, data: dict,
               *, today: date | None = None) -> RetentionTask:
    """The task done: method, day, who did it, the proof (text and an optional reference).
    The heads of the task's department, the DPO and legal."""
    require_writer(session, actor, action="retention.close", object_type=TASK_OBJECT, object_id=task_id)
    task = _task(session, actor, task_id, "retention.close")
    if not may_close(actor, task):
        deny(session, actor, action="retention.close", object_type=TASK_OBJECT, object_id=task.id)
    closure = validate_in_area("retention", TaskClosure, data)
    campaign = _campaign_ref(session, task)
    _closing_day("retention_done_on", closure.done_on, campaign, today or paris_today())
    concurrency.check(task, expected_version, object_type=TASK_OBJECT, object_id=task.id, area="retention")
    _require_open(task)
    before = _snapshot(task)
    task.status, task.method, task.done_on, task.done_by = "done", closure.method, closure.done_on, closure.done_by
    task.proof, task.proof_reference, task.kept_until = closure.proof, closure.proof_reference, closure.kept_until
    task.closed_at, task.closed_by_id, task.closed_by_name = utcnow(), actor.user_id, actor.full_name
    return _saved(session, actor, "retention.close", task, campaign, before)


def record_exception(session: Session, actor: Actor, task_id: int, expected_version: int | None, data: dict,
                     *, today: date | None = None) -> RetentionTask:
    """The data is kept despite its retention (legal hold, archiving obligation): the
    ground, why and until when. The DPO and legal only."""
    _manager(session, actor, "retention.exception", object_type=TASK_OBJECT, object_id=task_id)
    task = _task(session, actor, task_id, "retention.exception")
    decided = today or paris_today()
    exception = validate_in_area("retention", TaskException, {**data, "decided_on": decided})
    campaign = _campaign_ref(session, task)
    concurrency.check(task, expected_version, object_type=TASK_OBJECT, object_id=task.id, area="retention")
    _require_open(task)
    before = _snapshot(task)
    task.status, task.exception_ground, task.exception_detail = "exception", exception.ground, exception.detail
    task.kept_until, task.done_on = exception.kept_until, decided
    task.closed_at, task.closed_by_id, task.closed_by_name = utcnow(), actor.user_id, actor.full_name
    return _saved(session, actor, "retention.exception", task, campaign, before)


def reopen_task(session: Session, actor: Actor, task_id: int, expected_version: int | None,
                reason: str) -> RetentionTask:
    """A closure recorded by mistake: the task is open again (DPO, legal). What it said
    stays in the audit trail; a certificate already issued stays in the registry and is
    superseded by the next one."""
    _manager(session, actor, "retention.reopen", object_type=TASK_OBJECT, object_id=task_id)
    task = _task(session, actor, task_id, "retention.reopen")
    stated = (reason or "").strip()
    if len(stated) < 5 or len(stated) > 1000 or "\x00" in stated:
        raise problem("retention_reason", "retention.reopen_reason")
    concurrency.check(task, expected_version, object_type=TASK_OBJECT, object_id=task.id, area="retention")
    if task.status == "open":
        raise RuleViolation("retention.task_open")
    campaign = _campaign_ref(session, task)
    before = _snapshot(task)
    task.status, task.method, task.done_on, task.done_by = "open", "", None, ""
    task.proof, task.proof_reference = "", ""
    task.kept_until, task.exception_ground, task.exception_detail = None, "", ""
    task.closed_at, task.closed_by_id, task.closed_by_name = None, None, ""
    return _saved(session, actor, "retention.reopen", task, campaign, before, reason=stated)
