"""The overview's statistics (use cases): requests per month and their on-time rate,
workload per department, age of open requests, and the compliance figures an auditor
reads. Each is one grouped SQL query within what the actor may see."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, bindparam, case, func, literal, literal_column, true, union_all
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.overview import prepared
from dashboard.overview.scope import READERS, OverviewFilter
from dashboard.overview.sources import activity_scope, breach_scope, processor_scope, request_scope
from dashboard.permissions import require_any
from dashboard.sql_filters import one_row, year_month
from models.breach import AuthorityNotification, Breach
from models.dpia import Dpia
from models.dpia_rules import DpiaStatus
from models.dsr import DataSubjectRequest
from models.org import Department
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorContract

AGE_BUCKETS = ((7, "0_7"), (14, "8_14"), (30, "15_30"), (60, "31_60"), (90, "61_90"))
AGE_OLDEST = "90_plus"


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _months(start: date, end: date) -> list[str]:
    months, index = [], start.year * 12 + start.month - 1
    while index <= end.year * 12 + end.month - 1:
        months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return months


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    received: int
    answered: int
    answered_on_time: int  # answered on or before the governing deadline

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None


def requests_per_month(session: Session, actor: Actor, flt: OverviewFilter) -> list[MonthRow]:
    """Requests received and answered in each month of the period, and how many answers
    came in time (Art. 12(3)); months without any are zeros."""
    require_any(session, actor, set(READERS), action="overview.read")
    flt = flt.at_one_instant()
    r = DataSubjectRequest

    def build():  # both counts in one statement: one round trip
        start, scope = flt.param("period_start"), request_scope(actor, flt)
        received_month, answered_month = year_month(r.received_on), year_month(r.answered_on)
        return union_all(
            select(literal("received", String), received_month, func.count(), literal_column("0", Integer))
            .where(*scope, r.received_on >= start).group_by(received_month),
            select(literal("answered", String), answered_month, func.count(), _count_if(r.answered_on <= r.due_on))
            .where(*scope, r.answered_on >= start).group_by(answered_month))
    received, answered = {}, {}
    for what, month, count, on_time in prepared.run(session, prepared.statement("requests_per_month", actor, flt,
                                                                                 build), flt):
        if what == "received":
            received[month] = count
        else:
            answered[month] = (count, on_time)
    return [MonthRow(month, received.get(month, 0), *answered.get(month, (0, 0)))
            for month in _months(flt.period_start(), flt.today())]


@dataclass(frozen=True)
class DepartmentLoad:
    department_id: int | None  # None: not routed yet
    name: str
    open: int
    late: int
    soon: int


def load_per_department(session: Session, actor: Actor, flt: OverviewFilter) -> list[DepartmentLoad]:
    """Open requests per department: how many, how many late, how many due within a week."""
    require_any(session, actor, set(READERS), action="overview.read")
    flt = flt.at_one_instant()
    r = DataSubjectRequest

    def build():
        today, soon = flt.param("today"), flt.param("soon")
        running = r.suspended_since.is_(None)
        counts = (select(r.department_id, func.count().label("open"),
                         _count_if(running & (r.due_on < today)).label("late"),
                         _count_if(running & (r.due_on >= today) & (r.due_on <= soon)).label("soon"))
                  .where(*request_scope(actor, flt), r.is_open == true()).group_by(r.department_id).subquery())
        # the names in the same statement (a department's name may change: read with the counts)
        return (select(counts.c.department_id, Department.name, counts.c.open, counts.c.late, counts.c.soon)
                .select_from(counts).outerjoin(Department, Department.id == counts.c.department_id))
    rows = prepared.run(session, prepared.statement("load_per_department", actor, flt, build), flt).all()
    loads = [DepartmentLoad(department_id, name or "", count, late, due_soon)
             for department_id, name, count, late, due_soon in rows]
    return sorted(loads, key=lambda d: (-d.late, -d.open, d.name))


def open_request_ages(session: Session, actor: Actor, flt: OverviewFilter) -> list[tuple[str, int]]:
    """Open requests by age (days since receipt), youngest bucket first."""
    require_any(session, actor, set(READERS), action="overview.read")
    flt = flt.at_one_instant()
    r = DataSubjectRequest

    def build():
        bucket = case(*[(r.received_on >= bindparam(f"ov_age_{days}", type_=Date), label)
                        for days, label in AGE_BUCKETS], else_=AGE_OLDEST)
        return select(bucket, func.count()).where(*request_scope(actor, flt), r.is_open == true()).group_by(bucket)
    today = flt.today()
    ages = {f"ov_age_{days}": today - timedelta(days=days) for days, _ in AGE_BUCKETS}
    counts = dict(prepared.run(session, prepared.statement("open_request_ages", actor, flt, build), flt,
                               **ages).all())
    return [(label, counts.get(label, 0)) for label in (*(b for _, b in AGE_BUCKETS), AGE_OLDEST)]


@dataclass(frozen=True)
class Compliance:
    """Figures an auditor reads first: how well the obligations were met in the period."""

    requests_answered: int
    requests_on_time: int
    breaches_recorded: int  # every breach is documented (Art. 33(5))
    breaches_notified: int
    breaches_notified_on_time: int  # within 72 hours of awareness (Art. 33(1))
    # Open cases whose deadline has passed count as not on time (issue 15, rule 10): an
    # unanswered request past its Art. 12(3) deadline whose clock runs, a breach whose 72
    # hours have run without a notification (Art. 33(1)). Counted whatever their deadline's
    # month: they are failing now.
    requests_overdue_open: int
    breaches_overdue_unnotified: int
    contracts_active: int
    contracts_complete: int  # every required clause present (Art. 28(3) and the policy's points)
    dpias: int  # not archived
    dpias_validated: int
    activities: int
    activities_validated: int
    activities_review_overdue: int

    @property
    def requests_due(self) -> int:
        """Requests whose answer was due: answered in the period, or open and overdue."""
        return self.requests_answered + self.requests_overdue_open

    @property
    def breaches_due(self) -> int:
        """Breaches whose notification was due: notified in the period, or overdue unnotified."""
        return self.breaches_notified + self.breaches_overdue_unnotified

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None


def compliance(session: Session, actor: Actor, flt: OverviewFilter, months: list[MonthRow] | None = None
               ) -> Compliance:
    """`months`: requests_per_month for the same filter, when the caller already has it."""
    require_any(session, actor, set(READERS), action="overview.read")
    flt = flt.at_one_instant()
    months = requests_per_month(session, actor, flt) if months is None else months
    b, r, a = Breach, DataSubjectRequest, ProcessingActivity

    def build():
        since, today = flt.param("period_since"), flt.param("today")
        breaches = breach_scope(actor, flt)
        return one_row(
            select(func.count()).select_from(b).where(*breaches, b.detected_at >= since),
            select(func.count(), _count_if(b.notified_at <= b.notification_deadline))
            .where(*breaches, b.notified_at >= since),
            select(func.count()).select_from(r).where(*request_scope(actor, flt), r.is_open == true(),
                                                      r.suspended_since.is_(None), r.due_on < today),
            select(func.count()).select_from(b).where(
                *breaches, b.authority_notification == AuthorityNotification.PENDING,
                b.notification_deadline < flt.param("now")),
            select(func.count(), _count_if(ProcessorContract.missing_clauses == 0))
            .select_from(ProcessorContract).join(Processor, Processor.id == ProcessorContract.processor_id)
            .where(*processor_scope(session, actor, flt), ProcessorContract.status == "active"),
            select(func.count(), _count_if(Dpia.status == DpiaStatus.VALIDATED))
            .select_from(Dpia).join(ProcessingActivity, ProcessingActivity.id == Dpia.activity_id)
            .where(*activity_scope(actor, flt, Dpia.entity_id), Dpia.status != DpiaStatus.ARCHIVED),
            select(func.count(), _count_if(a.status == "validated"), _count_if(a.next_review_on < today))
            .where(*activity_scope(actor, flt, a.entity_id)))
    (recorded, notified, notified_on_time, requests_overdue, breaches_overdue, contracts, complete, dpias, validated,
     activities, activities_validated, overdue) = prepared.run(
        session, prepared.statement("compliance", actor, flt, build), flt).one()
    return Compliance(
        requests_answered=sum(m.answered for m in months), requests_on_time=sum(m.answered_on_time for m in months),
        breaches_recorded=recorded, breaches_notified=notified, breaches_notified_on_time=notified_on_time,
        requests_overdue_open=requests_overdue, breaches_overdue_unnotified=breaches_overdue,
        contracts_active=contracts, contracts_complete=complete, dpias=dpias, dpias_validated=validated,
        activities=activities, activities_validated=activities_validated, activities_review_overdue=overdue)
