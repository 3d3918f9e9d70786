"""Every kind of deadline the overview shows, as one query shape.

A source selects, within what the actor may see and the filter asks for, the open
items of one kind with the columns `case_id, reference, title, entity_id,
department_id, start, due`, and names the column the deadline is judged on. Counts,
lists, the timeline and the calendar feed are all built from these shapes, so a
deadline is defined once. Each source uses the visibility rule of its case type's
own lists (dashboard/dsr, breach, processor, dpia, register).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Date, Integer, String, and_, cast, exists, literal, null, or_, select, true
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from dashboard.actor import Actor
from dashboard.breach.records import visible as breach_visible
from dashboard.dsr.common import visible as dsr_visible
from dashboard.overview.scope import OverviewFilter, day_start  # noqa: F401 - day_start: imported from here
from dashboard.permissions import department_filter
from dashboard.processor.scope import visible_in_sql as processor_visible
from models.breach import AuthorityNotification, Breach, BreachDepartment, BreachStep, StepKind
from models.consent import ConsentWithdrawal, WithdrawalStep
from models.dpia import Dpia, DpiaMeasure
from models.dpia_rules import OPEN_ACTION_STATUSES, DpiaStatus
from models.dsr import DataSubjectRequest
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorActivity, ProcessorContract, ProcessorEntity, SubProcessor
from models.retention import RetentionCampaign, RetentionTask


@dataclass(frozen=True)
class Shape:
    query: Select  # case_id, reference, title, entity_id, department_id, start, due
    due: ColumnElement
    instant: bool = False  # `due` is a timestamp (the breach clock): judged against now, not today
    paris_day: bool = False  # an instant `due` judged on its Paris calendar day (late from the next midnight)


@dataclass(frozen=True)
class Source:
    kind: str  # catalogue: overview.kind.<kind>
    case_type: str  # dashboard.overview.scope.CASE_TYPES; also the case page to open
    build: Callable[[Session, Actor, OverviewFilter], Shape]
    lead_days: int = 30  # bar length on the timeline when the item has no start of its own


def _columns(case_id, reference, title, entity_id, department_id, start, due) -> list:
    return [case_id.label("case_id"), reference.label("reference"), title.label("title"),
            entity_id.label("entity_id"), department_id.label("department_id"), start.label("start"),
            due.label("due")]


def _no_title():
    return literal("", String)


def _no_date():
    return cast(null(), Date)  # typed: PostgreSQL takes an untyped NULL for text in a UNION


def _no_department():
    return cast(null(), Integer)


# ------------------------------------------------------------------ requests


def request_scope(actor: Actor, flt: OverviewFilter) -> list[ColumnElement[bool]]:
    """The requests the actor sees, within the filter's entity and department."""
    r = DataSubjectRequest
    conditions = [dsr_visible(actor)]
    if flt.entity_id:
        conditions.append(r.entity_id == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(r.department_id == flt.param("department_id"))
    return conditions


def _requests(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Open requests whose clock runs (a suspended one cannot be late, EDPB 01/2022 § 159)."""
    r = DataSubjectRequest
    query = select(*_columns(r.id, r.reference, _no_title(), r.entity_id, r.department_id, r.received_on,
                             r.due_on)).where(*request_scope(actor, flt), r.is_open == true(),
                                              r.suspended_since.is_(None))
    return Shape(query, r.due_on)


# ------------------------------------------------------------------ breaches


def breach_scope(actor: Actor, flt: OverviewFilter) -> list[ColumnElement[bool]]:
    """The breaches the actor sees, within the filter's entity and department."""
    conditions = [breach_visible(actor)]
    if flt.entity_id:
        conditions.append(Breach.entity_id == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(exists().where(BreachDepartment.breach_id == Breach.id,
                                         BreachDepartment.department_id == flt.param("department_id")))
    return conditions


def _breach_clocks(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Breaches whose 72-hour clock runs: the authority's notification is pending (Art. 33(1))."""
    b = Breach
    query = select(*_columns(b.id, b.reference, b.title, b.entity_id, _no_department(), b.aware_at,
                             b.notification_deadline)).where(
        *breach_scope(actor, flt), b.authority_notification == AuthorityNotification.PENDING,
        b.notification_deadline.is_not(None))
    return Shape(query, b.notification_deadline, instant=True)


def _breach_remediation(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Remediation measures of a breach not done yet, each with its owner's deadline (an
    instant: the breach's response plan sets them to the hour). The action plan lists them."""
    b, s = Breach, BreachStep
    query = (select(*_columns(b.id, b.reference, s.description, b.entity_id, _no_department(), s.created_at,
                              s.due_at))
             .select_from(s).join(b, b.id == s.breach_id)
             .where(*breach_scope(actor, flt), s.kind == StepKind.REMEDIATION, s.done_at.is_(None),
                    s.due_at.is_not(None)))
    return Shape(query, s.due_at, instant=True, paris_day=True)


# ------------------------------------------------------------------ processors


def processor_scope(session: Session, actor: Actor, flt: OverviewFilter) -> list[ColumnElement[bool]]:
    """The processors the actor sees (the processor lists' rule, in SQL: no query of its own, so
    that a statement built with it stays right when a department's activities change), within
    the filter's entity and department."""
    conditions = [processor_visible(actor)]
    if flt.entity_id:
        conditions.append(exists().where(ProcessorEntity.processor_id == Processor.id,
                                         ProcessorEntity.entity_id == flt.param("entity_id")))
    if flt.department_id:
        conditions.append(exists().where(ProcessorActivity.processor_id == Processor.id,
                                         ProcessorActivity.activity_id == ProcessingActivity.id,
                                         ProcessingActivity.department_id == flt.param("department_id")))
    return conditions


def _contracts(due_column, extra) -> Callable[[Session, Actor, OverviewFilter], Shape]:
    def build(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
        c = ProcessorContract
        query = (select(*_columns(Processor.id, Processor.reference, c.title, Processor.entity_id,
                                  _no_department(), _no_date(), due_column))
                 .join(Processor, Processor.id == c.processor_id)
                 .where(*processor_scope(session, actor, flt), due_column.is_not(None), *extra(flt)))
        return Shape(query, due_column)
    return build


def _contract_end_conditions(flt: OverviewFilter) -> list:
    """A contract in force whose term ends (a past end still in force asks to be closed or renewed)."""
    return [ProcessorContract.status == "active"]


def _notice_conditions(flt: OverviewFilter) -> list:
    """Notice not yet too late: a passed notice date cannot be acted on any more."""
    return [ProcessorContract.status == "active", ProcessorContract.notice_date >= flt.param("today")]


def _destruction_conditions(flt: OverviewFilter) -> list:
    """Ended contracts whose processor has not yet proved the return or deletion (Art. 28(3)(g))."""
    return [ProcessorContract.status == "ended", ProcessorContract.destruction_proved_on.is_(None)]


def _audits(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    p = Processor
    query = select(*_columns(p.id, p.reference, p.legal_name, p.entity_id, _no_department(), p.last_audit_on,
                             p.next_audit_date)).where(*processor_scope(session, actor, flt),
                                                       p.status != "ended", p.next_audit_date.is_not(None))
    return Shape(query, p.next_audit_date)


def _objections(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Open objection windows on a notified sub-processor change (Art. 28(2))."""
    s = SubProcessor
    query = (select(*_columns(Processor.id, Processor.reference, s.name, Processor.entity_id, _no_department(),
                              s.notified_on, s.objection_deadline))
             .join(Processor, Processor.id == s.processor_id)
             .where(*processor_scope(session, actor, flt), s.status == "notified",
                    s.objection_deadline >= flt.param("today")))
    return Shape(query, s.objection_deadline)


# ------------------------------------------------------------------ DPIAs and the register


def activity_scope(actor: Actor, flt: OverviewFilter, entity_column) -> list[ColumnElement[bool]]:
    conditions = [department_filter(actor, ProcessingActivity.department_id, entity_column)]
    if flt.entity_id:
        conditions.append(entity_column == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(ProcessingActivity.department_id == flt.param("department_id"))
    return conditions


def _dpia_reviews(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Validated DPIAs and their review date (Art. 35(11))."""
    d = Dpia
    query = (select(*_columns(d.id, d.reference, d.title, d.entity_id, ProcessingActivity.department_id,
                              d.decided_on, d.review_date))
             .join(ProcessingActivity, ProcessingActivity.id == d.activity_id)
             .where(*activity_scope(actor, flt, d.entity_id), d.status == DpiaStatus.VALIDATED,
                    d.review_date.is_not(None)))
    return Shape(query, d.review_date)


def _dpia_measures(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Action-plan measures not done yet, of DPIAs still alive."""
    d, m = Dpia, DpiaMeasure
    query = (select(*_columns(d.id, d.reference, m.title, d.entity_id, ProcessingActivity.department_id,
                              _no_date(), m.due_date))
             .join(Dpia, Dpia.id == m.dpia_id)
             .join(ProcessingActivity, ProcessingActivity.id == d.activity_id)
             .where(*activity_scope(actor, flt, d.entity_id), d.status != DpiaStatus.ARCHIVED,
                    m.status.in_(sorted(OPEN_ACTION_STATUSES)), m.due_date.is_not(None)))
    return Shape(query, m.due_date)


def _cnil_answers(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Prior consultations whose eight-week answer period still runs (Art. 36(2))."""
    d = Dpia
    query = (select(*_columns(d.id, d.reference, d.title, d.entity_id, ProcessingActivity.department_id,
                              d.cnil_consulted_on, d.cnil_answer_due))
             .join(ProcessingActivity, ProcessingActivity.id == d.activity_id)
             .where(*activity_scope(actor, flt, d.entity_id), d.status != DpiaStatus.ARCHIVED,
                    d.cnil_answer_due >= flt.param("today")))
    return Shape(query, d.cnil_answer_due)


def _register_reviews(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """The yearly review of each register entry (the insurer's policy)."""
    a = ProcessingActivity
    query = select(*_columns(a.id, a.reference, a.name, a.entity_id, a.department_id, a.last_reviewed_on,
                             a.next_review_on)).where(*activity_scope(actor, flt, a.entity_id),
                                                      a.next_review_on.is_not(None))
    return Shape(query, a.next_review_on)


# ------------------------------------------------------------------ data review and consent


def _retention_tasks(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Open tasks of the yearly data review (the insurer's policy), each seen by the heads of
    the department that owns the activity (dashboard/retention.py). Opens the campaign."""
    t, c = RetentionTask, RetentionCampaign
    conditions = [department_filter(actor, t.department_id, c.entity_id), t.status == "open"]
    if flt.entity_id:
        conditions.append(c.entity_id == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(t.department_id == flt.param("department_id"))
    query = (select(*_columns(c.id, c.reference, ProcessingActivity.name, c.entity_id, t.department_id, c.as_of,
                              t.due_on))
             .select_from(t).join(c, c.id == t.campaign_id)
             .join(ProcessingActivity, ProcessingActivity.id == t.activity_id).where(*conditions))
    return Shape(query, t.due_on)


def _consent_propagation(session: Session, actor: Actor, flt: OverviewFilter) -> Shape:
    """Systems a withdrawal of consent has not reached yet (models.deadlines.
    consent_withdrawal_propagation_due), each seen by the heads of the system's department."""
    w, s = ConsentWithdrawal, WithdrawalStep
    conditions = [department_filter(actor, s.department_id, w.entity_id), s.done_on.is_(None)]
    if flt.entity_id:
        conditions.append(w.entity_id == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(s.department_id == flt.param("department_id"))
    query = (select(*_columns(w.id, w.reference, s.system_name, w.entity_id, s.department_id, w.received_on,
                              w.due_on))
             .select_from(s).join(w, w.id == s.withdrawal_id).where(*conditions))
    return Shape(query, w.due_on)


SOURCES: tuple[Source, ...] = (
    Source("dsr_answer", "dsr", _requests),
    Source("breach_notification", "breach", _breach_clocks),
    Source("breach_remediation", "breach", _breach_remediation, lead_days=14),
    Source("contract_end", "processor", _contracts(ProcessorContract.end_date, _contract_end_conditions)),
    Source("contract_notice", "processor", _contracts(ProcessorContract.notice_date, _notice_conditions)),
    Source("processor_audit", "processor", _audits),
    Source("objection_window", "processor", _objections),
    Source("destruction_proof", "processor", _contracts(ProcessorContract.end_due_date, _destruction_conditions)),
    Source("dpia_review", "dpia", _dpia_reviews),
    Source("dpia_measure", "dpia", _dpia_measures),
    Source("cnil_answer", "dpia", _cnil_answers),
    Source("register_review", "register", _register_reviews),
    Source("retention_task", "retention", _retention_tasks),
    Source("consent_propagation", "consent", _consent_propagation, lead_days=7),
)
KINDS = tuple(s.kind for s in SOURCES)
DAY_JUDGED_KINDS = frozenset({"breach_remediation"})  # their shapes' `paris_day`: shown as date deadlines


def sources_for(flt: OverviewFilter) -> list[Source]:
    return [s for s in SOURCES if flt.wants(s.case_type)]


_BY_KIND = {s.kind: s for s in SOURCES}


def source(kind: str) -> Source:
    return _BY_KIND[kind]


# ------------------------------------------------------------------ urgency


def urgency_conditions(shape: Shape, flt: OverviewFilter) -> dict[str, ColumnElement[bool]]:
    """late / soon (within SOON_DAYS) / upcoming (within the horizon), on the source's deadline.
    Dates are Paris calendar days: due today is not late, due yesterday is; a breach clock is
    late from the instant its 72 hours have run. (The days and instants are the filter's bind
    parameters: dashboard/overview/scope.py.)"""
    soon_end, horizon_end = flt.param("soon_end"), flt.param("horizon_end")
    if shape.paris_day:  # late once the Paris day of the instant is over, as a date deadline is
        today = flt.param("today_start")
        return {"late": shape.due < today,
                "soon": and_(shape.due >= today, shape.due < soon_end),
                "upcoming": and_(shape.due >= today, shape.due < horizon_end)}
    if shape.instant:
        now = flt.param("now")
        return {"late": shape.due < now,
                "soon": and_(shape.due >= now, shape.due < soon_end),
                "upcoming": and_(shape.due >= now, shape.due < horizon_end)}
    today = flt.param("today")
    return {"late": shape.due < today,
            "soon": and_(shape.due >= today, shape.due <= flt.param("soon")),
            "upcoming": and_(shape.due >= today, shape.due <= flt.param("horizon"))}


def within_horizon(shape: Shape, flt: OverviewFilter) -> ColumnElement[bool]:
    """Late, or due within the horizon: what the lists and the timeline show."""
    marks = urgency_conditions(shape, flt)
    return or_(marks["late"], marks["upcoming"])
