"""What the overview is asked for: the filter a page sets, and the clock it reads."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from sqlalchemy import Date, Integer, bindparam
from sqlalchemy.sql.elements import BindParameter

from models.clock import PARIS, paris_date
from models.roles import Capability
from models.types import UTCDateTime, as_utc, utcnow

READERS = frozenset({Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES, Capability.WORK_DEPARTMENT_CASES})
CASE_TYPES = ("dsr", "breach", "processor", "dpia", "register", "retention", "consent")
PERIODS = (3, 6, 12, 24)  # months of statistics the page offers
SOON_DAYS = 7  # "due within 7 days"
HORIZONS = (30, 90, 180, 365)  # how far ahead the deadline lists look

# The filter's values as the statements' bind parameters (name -> SQL type): the overview's
# statements are built once per actor and shape of filter and run again with the values of the
# day (dashboard/overview/prepared.py). Dates are Paris calendar days; the instants are
# midnight in Paris at the start of a day (`*_start`) or at the end of one (`*_end`).
PARAMETERS = {"today": Date, "soon": Date, "horizon": Date, "period_start": Date, "now": UTCDateTime,
              "today_start": UTCDateTime, "soon_end": UTCDateTime, "horizon_end": UTCDateTime,
              "period_since": UTCDateTime, "entity_id": Integer, "department_id": Integer}


@dataclass(frozen=True)
class OverviewFilter:
    entity_id: int | None = None
    department_id: int | None = None
    case_types: tuple[str, ...] = CASE_TYPES
    months: int = 12  # period of the statistics, the current month included
    horizon_days: int = 90
    now: datetime | None = None  # tests fix the clock; else the current instant

    def at_one_instant(self) -> "OverviewFilter":
        """This filter with its clock read now, once: every figure of a page run (or of a use
        case) is then counted at the same instant, and the day's values are computed once
        (issue 19: they were computed again for each statement and each listed item)."""
        return self if self.now is not None else replace(self, now=utcnow())

    def instant(self) -> datetime:
        return self._values["ov_now"] if self.now is not None else utcnow()

    def today(self) -> date:
        """The Paris calendar day: a deadline falls due at midnight in France, not in UTC."""
        return self._values["ov_today"] if self.now is not None else paris_date(utcnow())

    def soon(self) -> date:
        return self.today() + timedelta(days=SOON_DAYS)

    def horizon(self) -> date:
        return self.today() + timedelta(days=max(0, self.horizon_days))

    def period_start(self) -> date:
        """First day of the first month of the period (the current month is the last)."""
        return _period_start(self.today(), self.months)

    def wants(self, case_type: str) -> bool:
        return case_type in self.case_types

    def shape(self) -> tuple:
        """What decides a statement's form; the rest are its parameters (`values`)."""
        return bool(self.entity_id), bool(self.department_id), tuple(self.case_types)

    def values(self) -> dict[str, object]:
        """Every bind parameter's value for this filter, now (keys: "ov_" + PARAMETERS' names).
        A filter with a fixed clock (`now`) computes them once; callers must not change them."""
        return self._values if self.now is not None else _values(self, utcnow())

    @cached_property
    def _values(self) -> dict[str, object]:  # only read when `now` is fixed: then they never change
        return _values(self, as_utc(self.now))

    def param(self, name: str) -> BindParameter:
        """The bind parameter `name` (of PARAMETERS), carrying this filter's value: a statement
        built with it runs as it is, or again later with another filter's `values()`."""
        return bindparam(f"ov_{name}", self.values()[f"ov_{name}"], type_=PARAMETERS[name])


def day_start(day: date) -> datetime:
    """Midnight in Paris at the start of `day`, as an instant."""
    return datetime.combine(day, time.min, tzinfo=PARIS)


def _period_start(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - (max(1, months) - 1)
    return date(index // 12, index % 12 + 1, 1)


def _values(flt: OverviewFilter, now: datetime) -> dict[str, object]:
    today = paris_date(now)
    soon, horizon = today + timedelta(days=SOON_DAYS), today + timedelta(days=max(0, flt.horizon_days))
    period = _period_start(today, flt.months)
    return {"ov_today": today, "ov_soon": soon, "ov_horizon": horizon, "ov_period_start": period,
            "ov_now": now, "ov_today_start": day_start(today), "ov_soon_end": day_start(soon + timedelta(days=1)),
            "ov_horizon_end": day_start(horizon + timedelta(days=1)), "ov_period_since": day_start(period),
            "ov_entity_id": flt.entity_id, "ov_department_id": flt.department_id}
