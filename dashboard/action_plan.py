"""The action plan: one list of every action the DPO follows, gathered from the cases that
hold them (read model; nothing is copied):

- DPIA action-plan measures (planned, in progress, done), owner and due date on the measure;
- processor audit findings: an audit with minor or major findings is an action for the
  processor until its next audit (due: the processor's next audit date; done when a later
  audit is recorded, since an audit is recorded once and never edited);
- breach remediation measures (the breach's response steps of kind "remediation");
- register reviews: the yearly review of each entry (open: the next review; done: the
  reviews recorded);
- the yearly data-review campaigns' tasks.

Each kind uses the visibility rule of its case type (the overview's scopes, which are the
lists' own), so a department head sees only his departments' actions. Status: "done", else
"late" when the due day (a Paris calendar day) has passed, else "open".
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, String, and_, bindparam, case, exists, false, func, literal, true, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.i18n import Translator
from dashboard.overview import prepared
from dashboard.overview.scope import READERS, OverviewFilter, day_start
from dashboard.overview.sources import activity_scope, breach_scope, processor_scope
from dashboard.permissions import department_filter, require_any
from models.breach import Breach, StepKind, BreachStep
from models.clock import paris_date, paris_today
from models.dpia import Dpia, DpiaMeasure
from models.dpia_rules import ACTION_STATUSES, DpiaStatus, MeasureStatus
from exports.action_plan_csv import build_action_plan_csv
from models.org import Department, Entity
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorAudit
from models.register import RegisterReview
from models.retention import RetentionCampaign, RetentionTask
from models.types import UTCDateTime

KINDS = ("dpia_measure", "audit_finding", "breach_remediation", "register_review", "retention_task")
STATUSES = ("open", "late", "done")
CASE_TYPES = {"dpia_measure": "dpia", "audit_finding": "processor", "breach_remediation": "breach",
              "register_review": "register", "retention_task": "retention"}
FINDING_OUTCOMES = ("minor_findings", "major_findings")


@dataclass(frozen=True)
class ActionFilter:
    entity_id: int | None = None
    department_id: int | None = None
    kinds: tuple[str, ...] = KINDS
    statuses: tuple[str, ...] = ("open", "late")
    today: date | None = None  # tests fix the Paris day; else today's


@dataclass(frozen=True)
class Action:
    kind: str  # catalogue: action_plan.kind.<kind>
    case_type: str  # the case page to open (dashboard.overview.scope.CASE_TYPES)
    case_id: int
    reference: str
    action: str
    owner: str  # a person, when the case names one
    department_id: int | None
    entity_id: int
    due: date | None  # Paris calendar day
    status: str  # open / late / done
    done_on: date | None = None


def _status(done: bool, due: date | None, today: date) -> str:
    if done:
        return "done"
    return "late" if due is not None and due < today else "open"


def _flt(af: ActionFilter) -> OverviewFilter:
    return OverviewFilter(entity_id=af.entity_id, department_id=af.department_id)


# ------------------------------------------------------------------ the statements, one per source of actions


def _dpia_measure_rows(session: Session, actor: Actor, flt: OverviewFilter):
    d, m = Dpia, DpiaMeasure
    return (select(d.id, d.reference, d.entity_id, ProcessingActivity.department_id, m.title, m.owner, m.due_date,
                   m.status)
            .select_from(m).join(d, d.id == m.dpia_id).join(ProcessingActivity, ProcessingActivity.id == d.activity_id)
            .where(*activity_scope(actor, flt, d.entity_id), d.status != DpiaStatus.ARCHIVED,
                   m.status.in_(sorted(ACTION_STATUSES))))


def _audit_finding_rows(session: Session, actor: Actor, flt: OverviewFilter):
    a, p = ProcessorAudit, Processor
    later = aliased(ProcessorAudit)
    superseded = exists().where(later.processor_id == a.processor_id,
                                (later.performed_on > a.performed_on)
                                | and_(later.performed_on == a.performed_on, later.id > a.id))
    return (select(p.id, p.reference, p.entity_id, p.legal_name, p.contact_name, p.next_audit_date, a.findings,
                   a.outcome, a.performed_on, superseded.label("done"))
            .select_from(a).join(p, p.id == a.processor_id)
            .where(*processor_scope(session, actor, flt), a.outcome.in_(FINDING_OUTCOMES)))


def _breach_remediation_rows(session: Session, actor: Actor, flt: OverviewFilter):
    b, s = Breach, BreachStep
    return (select(b.id, b.reference, b.entity_id, s.description, s.owner_name, s.due_at, s.done_at)
            .select_from(s).join(b, b.id == s.breach_id)
            .where(*breach_scope(actor, flt), s.kind == StepKind.REMEDIATION))


def _register_review_rows(session: Session, actor: Actor, flt: OverviewFilter):
    a = ProcessingActivity
    return (select(a.id, a.reference, a.name, a.entity_id, a.department_id, a.next_review_on)
            .where(*activity_scope(actor, flt, a.entity_id), a.next_review_on.is_not(None)))


def _register_reviewed_rows(session: Session, actor: Actor, flt: OverviewFilter):
    a, r = ProcessingActivity, RegisterReview
    return (select(a.id, a.reference, a.name, a.entity_id, a.department_id, r.reviewer_name, r.reviewed_on)
            .select_from(r).join(a, a.id == r.activity_id).where(*activity_scope(actor, flt, a.entity_id)))


def _retention_task_rows(session: Session, actor: Actor, flt: OverviewFilter):
    t, c = RetentionTask, RetentionCampaign
    conditions = [department_filter(actor, t.department_id, c.entity_id)]  # the campaign's entity, as the overview
    if flt.entity_id:
        conditions.append(c.entity_id == flt.param("entity_id"))
    if flt.department_id:
        conditions.append(t.department_id == flt.param("department_id"))
    return (select(c.id, c.reference, c.entity_id, t.department_id, ProcessingActivity.name, t.system, t.due_on,
                   t.status, t.done_by, t.done_on)
            .select_from(t).join(c, c.id == t.campaign_id)
            .join(ProcessingActivity, ProcessingActivity.id == t.activity_id).where(*conditions))


# Statement -> (its kind, and for the summary: whether a row is done and whether it is late, in SQL
# on the statement's columns, as `_status` judges the actions made of them below; `today`: the
# Paris day, `today_start`: its first instant, for an instant due date judged on its Paris day).
STATEMENTS = {
    "dpia_measure": ("dpia_measure", _dpia_measure_rows,
                     lambda c, today, today_start: (c.status == MeasureStatus.DONE, c.due_date < today)),
    "audit_finding": ("audit_finding", _audit_finding_rows,
                      lambda c, today, today_start: (c.done, c.next_audit_date < today)),
    "breach_remediation": ("breach_remediation", _breach_remediation_rows,
                           lambda c, today, today_start: (c.done_at.is_not(None), c.due_at < today_start)),
    "register_review": ("register_review", _register_review_rows,
                        lambda c, today, today_start: (false(), c.next_review_on < today)),
    "register_reviewed": ("register_review", _register_reviewed_rows, lambda c, today, today_start: (true(), false())),
    "retention_task": ("retention_task", _retention_task_rows,
                       lambda c, today, today_start: (c.status != "open", c.due_on < today)),
}


def _rows(session: Session, actor: Actor, af: ActionFilter, name: str) -> list:
    """The rows of statement `name`, built once per actor and filter shape (the overview's
    kept statements: dashboard/overview/prepared.py; the entity and department are parameters)."""
    flt = _flt(af)
    build = STATEMENTS[name][1]
    return prepared.run(session, prepared.statement(f"action_plan.{name}", actor, flt,
                                                    lambda: build(session, actor, flt)), flt).all()


# ------------------------------------------------------------------ the actions


def _dpia_measures(session: Session, actor: Actor, af: ActionFilter, today: date) -> list[Action]:
    return [Action("dpia_measure", "dpia", i, ref, title, owner, dep, ent, due,
                   _status(status == MeasureStatus.DONE, due, today))
            for i, ref, ent, dep, title, owner, due, status in _rows(session, actor, af, "dpia_measure")]


def _audit_findings(session: Session, actor: Actor, af: ActionFilter, today: date) -> list[Action]:
    return [Action("audit_finding", "processor", i, ref, findings or name, contact or name, None, ent,
                   None if done else due, _status(bool(done), due, today))
            for i, ref, ent, name, contact, due, findings, outcome, performed, done
            in _rows(session, actor, af, "audit_finding")]


def _breach_remediation(session: Session, actor: Actor, af: ActionFilter, today: date) -> list[Action]:
    actions = []
    for i, ref, ent, text, owner, due_at, done_at in _rows(session, actor, af, "breach_remediation"):
        due = paris_date(due_at) if due_at else None
        actions.append(Action("breach_remediation", "breach", i, ref, text, owner, None, ent, due,
                              _status(done_at is not None, due, today), paris_date(done_at) if done_at else None))
    return actions


def _register_reviews(session: Session, actor: Actor, af: ActionFilter, today: date) -> list[Action]:
    actions = [Action("register_review", "register", i, ref, name, "", dep, ent, due, _status(False, due, today))
               for i, ref, name, ent, dep, due in _rows(session, actor, af, "register_review")]
    if "done" in af.statuses:
        actions += [Action("register_review", "register", i, ref, name, who, dep, ent, day, "done", day)
                    for i, ref, name, ent, dep, who, day in _rows(session, actor, af, "register_reviewed")]
    return actions


def _retention_tasks(session: Session, actor: Actor, af: ActionFilter, today: date) -> list[Action]:
    return [Action("retention_task", "retention", i, ref, f"{name} — {system}" if system else name, done_by, dep,
                   ent, due, _status(status != "open", due, today), done_on)
            for i, ref, ent, dep, name, system, due, status, done_by, done_on
            in _rows(session, actor, af, "retention_task")]


GATHER = {"dpia_measure": _dpia_measures, "audit_finding": _audit_findings,
          "breach_remediation": _breach_remediation, "register_review": _register_reviews,
          "retention_task": _retention_tasks}


def _order(action: Action):
    rank = {"late": 0, "open": 1, "done": 2}[action.status]
    return (rank, action.due or date.max, action.kind, action.reference, action.action)


def actions(session: Session, actor: Actor, af: ActionFilter = ActionFilter()) -> list[Action]:
    """Every action of the chosen kinds and statuses the actor may see: late first, then by
    due day (those without one last)."""
    require_any(session, actor, set(READERS), action="action_plan.read")
    today = af.today or paris_today()
    found: list[Action] = []
    for kind in KINDS:
        if kind in af.kinds:
            found += [a for a in GATHER[kind](session, actor, af, today) if a.status in af.statuses]
    return sorted(found, key=_order)


@dataclass(frozen=True)
class Summary:
    open: int
    late: int
    done: int
    by_kind: dict[str, tuple[int, int]]  # kind -> (open, late)


def summary(session: Session, actor: Actor, af: ActionFilter = ActionFilter()) -> Summary:
    """The overview's card: open and late actions per kind, and how many were done. Counted in
    one statement over the lists' own statements (issue 19: six statements and an object per
    action before), with the lists' rule for late and done (`STATEMENTS`)."""
    require_any(session, actor, set(READERS), action="action_plan.read")
    today = af.today or paris_today()
    flt = _flt(af)

    def build():
        marks = (bindparam("ap_today", type_=Date), bindparam("ap_today_start", type_=UTCDateTime))
        parts = []
        for name, (kind, rows, judge) in STATEMENTS.items():
            if kind in af.kinds:
                table = rows(session, actor, flt).subquery()
                done, late = judge(table.c, *marks)
                parts.append(select(literal(kind, String), _count_if(done), _count_if(~done & late), func.count())
                             .select_from(table))
        return union_all(*parts) if len(parts) > 1 else parts[0]
    counts: dict[str, list[int]] = {kind: [0, 0, 0] for kind in af.kinds}  # open, late, done
    if any(kind in af.kinds for kind, *_ in STATEMENTS.values()):
        for kind, done, late, total in prepared.run(
                session, prepared.statement("action_plan.summary", actor, flt, build, tuple(af.kinds)), flt,
                ap_today=today, ap_today_start=day_start(today)):
            counts[kind][0] += total - done - late
            counts[kind][1] += late
            counts[kind][2] += done
    return Summary(sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()),
                   sum(c[2] for c in counts.values()), {k: (c[0], c[1]) for k, c in counts.items()})


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def department_names(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Department.id, Department.name)).all())


def owner_label(action: Action, departments: dict[int, str]) -> str:
    """Who answers for it: the person the case names, and the department that owns it."""
    parts = [p for p in (action.owner, departments.get(action.department_id, "") if action.department_id else "") if p]
    return " — ".join(parts)



def export_csv(session: Session, actor: Actor, af: ActionFilter, language: str = "fr") -> bytes:
    """The filtered plan as CSV (formula-safe), recorded in the audit trail."""
    rows = actions(session, actor, af)
    entities = dict(session.exec(select(Entity.id, Entity.name)).all())
    audit.record(session, actor, "action_plan.export", entity_id=af.entity_id,
                 details={"rows": len(rows), "kinds": list(af.kinds), "statuses": list(af.statuses)})
    return build_action_plan_csv(Translator(language), rows, department_names(session), entities)
