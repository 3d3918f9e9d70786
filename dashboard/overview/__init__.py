"""The deadline overview: one screen for every deadline of every case type.

Everything here is an SQL aggregate or a short, ordered, limited query: no table is
ever loaded whole (see benchmarks/overview.py). Each figure is computed within what
the actor may see, with the same visibility conditions as the case lists, so that a
department head's overview never counts another department's cases.

- `scope`: the filter (entity, department, case types, period) and the clock;
- `sources`: every kind of deadline as one query shape (case, start, due);
- `figures`: the headline counts and the lists behind them;
- `statistics`: requests per month, per department, by age; breach clocks; compliance.
"""

from dataclasses import dataclass

from sqlmodel import Session

from dashboard.actor import Actor
from dashboard.overview import figures, statistics
from dashboard.overview.scope import OverviewFilter

TIMELINE_ITEMS = 40  # bars a laptop screen can read; the lists behind the figures hold the rest
CLOCKS_SHOWN = 30


@dataclass(frozen=True)
class Overview:
    headline: figures.Headline
    timeline: list[figures.DeadlineItem]
    clocks: list[figures.DeadlineItem]  # breaches whose 72-hour clock runs, earliest first
    months: list[statistics.MonthRow]
    departments: list[statistics.DepartmentLoad]
    ages: list[tuple[str, int]]
    compliance: statistics.Compliance
    actions: "action_plan.Summary | None" = None  # the action plan's card, when asked for


def build(session: Session, actor: Actor, flt: OverviewFilter, with_actions: bool = False) -> Overview:
    """Everything the overview page shows, in one unit of work (`with_actions`: the action
    plan's card too, for the same entity and department). The compliance figures cover every
    case type whatever the filter's case types: they are a whole."""
    from dashboard import action_plan  # it reads the overview's scopes: imported when used

    flt = flt.at_one_instant()
    months = statistics.requests_per_month(session, actor, flt)
    requests = flt.wants("dsr")
    return Overview(
        headline=figures.headline(session, actor, flt),
        timeline=figures.upcoming_items(session, actor, flt, TIMELINE_ITEMS),
        clocks=figures.deadline_items(session, actor, flt, "breach_notification", "", 1, CLOCKS_SHOWN),
        months=months if requests else [],
        departments=statistics.load_per_department(session, actor, flt) if requests else [],
        ages=statistics.open_request_ages(session, actor, flt) if requests else [],
        compliance=statistics.compliance(session, actor, flt, months),
        actions=action_plan.summary(session, actor, action_plan.ActionFilter(flt.entity_id, flt.department_id))
        if with_actions else None,
    )
