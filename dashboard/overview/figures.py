"""The headline figures of the overview and the lists behind them (use cases)."""

import heapq
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, and_, bindparam, case, func, literal, true, union_all
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.overview import prepared
from dashboard.overview.scope import READERS, OverviewFilter
from dashboard.overview.sources import (DAY_JUDGED_KINDS, KINDS, Shape, Source, processor_scope, request_scope,
                                       source, sources_for, urgency_conditions, within_horizon)
from dashboard.permissions import require_any
from dashboard.processor.flags import contracts_with_missing_clauses
from dashboard.sql_filters import one_row
from models.clock import paris_date
from models.dsr import DataSubjectRequest

URGENCIES = ("late", "soon", "upcoming")


@dataclass(frozen=True)
class KindCounts:
    kind: str
    case_type: str
    total: int  # every open item of this kind, whenever due
    late: int
    soon: int  # due within SOON_DAYS
    upcoming: int  # due within the horizon (soon ones included)


@dataclass(frozen=True)
class Headline:
    today: date
    now: datetime
    kinds: dict[str, KindCounts]
    requests_open: int  # open requests, suspended ones included
    requests_suspended: int  # waiting for the person: the clock is stopped
    contracts_incomplete: int  # contracts in force missing a required clause (Art. 28(3))

    def late_total(self) -> int:
        return sum(k.late for k in self.kinds.values())


@dataclass(frozen=True)
class DeadlineItem:
    kind: str
    case_type: str
    case_id: int
    reference: str
    title: str
    entity_id: int
    department_id: int | None
    start: date
    due: date  # Paris day
    due_at: datetime | None  # the instant, for the breach clock
    urgency: str  # late / soon / on_track

    @property
    def shown_urgency(self) -> str:
        """What a DPO reads: a running 72-hour clock (an instant deadline not yet passed) is
        its own group, "within 72 hours", not "within 7 days"."""
        return "clock" if self.due_at is not None and self.urgency == "soon" else self.urgency


def urgency_label(tr, kind: str, urgency: str) -> str:
    """The name of an urgency for a kind of deadline (the 72-hour clock has its own "soon")."""
    if urgency in ("soon", "clock") and kind in INSTANT_KINDS:
        return tr("overview.urgency.clock")
    return tr(f"overview.urgency.{urgency}")


INSTANT_KINDS = frozenset({"breach_notification"})  # deadlines judged to the hour (Art. 33(1))


def group_label(tr, item: "DeadlineItem", departments: dict[int, str]) -> str:
    """The department an item is grouped under: a request not yet routed to one is
    "not routed" (as in the per-department chart); other cases without a department
    concern the whole organisation."""
    if item.department_id is not None and item.department_id in departments:
        return departments[item.department_id]
    return tr("overview.unrouted") if item.case_type == "dsr" else tr("overview.group.organisation")


@dataclass(frozen=True)
class DeadlinePage:
    items: list[DeadlineItem]
    total: int | None  # None: not counted (deadline_items)


def _counts(src: Source, shape: Shape, flt: OverviewFilter):
    """One row: the kind, then how many items in all, late, soon and upcoming."""
    marks = urgency_conditions(shape, flt)
    sums = [func.coalesce(func.sum(case((marks[name], 1), else_=0)), 0) for name in URGENCIES]
    return shape.query.with_only_columns(literal(src.kind, String).label("kind"), func.count(), *sums,
                                         maintain_column_froms=True)


def headline(session: Session, actor: Actor, flt: OverviewFilter) -> Headline:
    """What is late, what falls due within a week and within the horizon, per kind of
    deadline, within what the actor may see. (Its statements are built once: prepared.)"""
    require_any(session, actor, set(READERS), action="overview.read")
    flt = flt.at_one_instant()
    wanted = sources_for(flt)
    counted = {}
    if wanted:  # every kind in one statement: one round trip to the database, not eleven
        counts = prepared.statement("headline.kinds", actor, flt, lambda: union_all(
            *(_counts(src, src.build(session, actor, flt), flt) for src in wanted)))
        counted = {kind: numbers for kind, *numbers in prepared.run(session, counts, flt)}
    kinds = {src.kind: KindCounts(src.kind, src.case_type, *counted[src.kind]) for src in wanted}
    opened = suspended = incomplete = 0
    requests, contracts = flt.wants("dsr"), flt.wants("processor")
    if requests or contracts:  # the open requests and the incomplete contracts: one statement
        def counts():
            parts = []
            if requests:
                r = DataSubjectRequest
                parts.append(select(func.count(), func.coalesce(func.sum(case((r.suspended_since.is_not(None), 1),
                                                                             else_=0)), 0))
                             .select_from(r).where(*request_scope(actor, flt), r.is_open == true()))
            if contracts:
                scope = and_(*processor_scope(session, actor, flt))
                parts.append(select(func.count()).select_from(
                    contracts_with_missing_clauses(session, actor, scope).subquery()))
            return one_row(*parts)
        row = list(prepared.run(session, prepared.statement("headline.counts", actor, flt, counts), flt).one())
        if requests:
            opened, suspended = row.pop(0), row.pop(0)
        if contracts:
            incomplete = row.pop(0)
    return Headline(flt.today(), flt.instant(), kinds, opened, suspended, incomplete)


def _item(src: Source, row, flt: OverviewFilter) -> DeadlineItem:
    due_at = row.due if isinstance(row.due, datetime) else None
    due = paris_date(due_at) if due_at else row.due
    if src.kind in DAY_JUDGED_KINDS:  # an instant judged on its Paris day: a date deadline
        due_at = None
    start = row.start
    if isinstance(start, datetime):
        start = paris_date(start)
    if start is None or start > due:
        start = due - timedelta(days=src.lead_days)
    clock = flt.values()  # the filter's day and instant (computed once for a fixed clock)
    late = due_at < clock["ov_now"] if due_at else due < clock["ov_today"]
    urgency = "late" if late else ("soon" if due <= clock["ov_soon"] else "on_track")
    return DeadlineItem(src.kind, src.case_type, row.case_id, row.reference, row.title or "", row.entity_id,
                        row.department_id, start, due, due_at, urgency)


def deadline_list(session: Session, actor: Actor, flt: OverviewFilter, kind: str, urgency: str = "",
                  page: int = 1, page_size: int = 50) -> DeadlinePage:
    """The items behind one figure, earliest deadline first: `urgency` "late", "soon",
    "upcoming", or "" for late and upcoming together; and how many there are in all."""
    return _deadlines(session, actor, flt, kind, urgency, page, page_size, counted=True)


def deadline_items(session: Session, actor: Actor, flt: OverviewFilter, kind: str, urgency: str = "",
                   page: int = 1, page_size: int = 50) -> list[DeadlineItem]:
    """The items of `deadline_list` without counting them all: for a caller that has the count
    already (the overview's headline holds it), one statement instead of two."""
    return _deadlines(session, actor, flt, kind, urgency, page, page_size, counted=False).items


def _deadlines(session: Session, actor: Actor, flt: OverviewFilter, kind: str, urgency: str, page: int,
               page_size: int, *, counted: bool) -> DeadlinePage:
    require_any(session, actor, set(READERS), action="overview.list")
    flt = flt.at_one_instant()
    if kind not in KINDS or urgency not in ("", *URGENCIES):
        raise ValueError(kind)
    src = source(kind)
    if not flt.wants(src.case_type):
        return DeadlinePage([], 0)

    def build():
        shape = src.build(session, actor, flt)
        condition = urgency_conditions(shape, flt)[urgency] if urgency else within_horizon(shape, flt)
        return (shape.query.with_only_columns(func.count(), maintain_column_froms=True).where(condition),
                shape.query.where(condition).order_by(shape.due, shape.query.selected_columns.case_id)
                .offset(bindparam("ov_offset", type_=Integer)).limit(bindparam("ov_limit", type_=Integer)))
    count, listing = prepared.statement("deadline_list", actor, flt, build, kind, urgency)
    total = prepared.run(session, count, flt).one()[0] if counted else None
    page = max(1, page)
    rows = prepared.run(session, listing, flt, ov_offset=(page - 1) * page_size, ov_limit=page_size).all()
    return DeadlinePage([_item(src, row, flt) for row in rows], total)


def upcoming_items(session: Session, actor: Actor, flt: OverviewFilter, limit: int = 40) -> list[DeadlineItem]:
    """The `limit` most pressing items of every kind, late ones first, then by deadline:
    the timeline and the calendar. (How many there are in all: `headline`.)"""
    require_any(session, actor, set(READERS), action="overview.list")
    flt = flt.at_one_instant()

    def build() -> list:
        # One statement for the date deadlines (the first kind's column types read every row),
        # one for the instant deadlines (the breach clock).
        by_type: dict[bool, list] = {False: [], True: []}
        for src in sources_for(flt):
            shape = src.build(session, actor, flt)
            nearest = shape.query.where(within_horizon(shape, flt)).order_by(shape.due).limit(limit).subquery()
            by_type[shape.instant].append(select(literal(src.kind, String).label("kind"), *nearest.c))
        return [union_all(*selects) if len(selects) > 1 else selects[0] for selects in by_type.values() if selects]
    rows = [row for statement in prepared.statement("upcoming_items", actor, flt, build, limit)
            for row in prepared.run(session, statement, flt)]
    # The first `limit` in the items' order, chosen before the items are made (up to `limit` rows
    # of each kind come back: most are not shown).
    return [_item(source(row.kind), row, flt) for row in heapq.nsmallest(limit, rows, key=_rank)]


def _rank(row) -> tuple:
    """Where an item made of `row` comes in the timeline: by Paris day, an instant deadline
    before a day deadline of the same day, then kind and reference (as `_item` makes it)."""
    if isinstance(row.due, datetime):
        return paris_date(row.due), row.kind in DAY_JUDGED_KINDS, row.kind, row.reference
    return row.due, True, row.kind, row.reference
