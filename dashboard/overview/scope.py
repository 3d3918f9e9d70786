"""What the overview is asked for: the filter a page sets, and the clock it reads."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models.clock import paris_date
from models.roles import Capability
from models.types import as_utc, utcnow

READERS = frozenset({Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES, Capability.WORK_DEPARTMENT_CASES})
CASE_TYPES = ("dsr", "breach", "processor", "dpia", "register", "retention", "consent")
PERIODS = (3, 6, 12, 24)  # months of statistics the page offers
SOON_DAYS = 7  # "due within 7 days"
HORIZONS = (30, 90, 180, 365)  # how far ahead the deadline lists look


@dataclass(frozen=True)
class OverviewFilter:
    entity_id: int | None = None
    department_id: int | None = None
    case_types: tuple[str, ...] = CASE_TYPES
    months: int = 12  # period of the statistics, the current month included
    horizon_days: int = 90
    now: datetime | None = None  # tests fix the clock; else the current instant

    def instant(self) -> datetime:
        return as_utc(self.now) if self.now else utcnow()

    def today(self) -> date:
        """The Paris calendar day: a deadline falls due at midnight in France, not in UTC."""
        return paris_date(self.instant())

    def soon(self) -> date:
        return self.today() + timedelta(days=SOON_DAYS)

    def horizon(self) -> date:
        return self.today() + timedelta(days=max(0, self.horizon_days))

    def period_start(self) -> date:
        """First day of the first month of the period (the current month is the last)."""
        today = self.today()
        index = today.year * 12 + today.month - 1 - (max(1, self.months) - 1)
        return date(index // 12, index % 12 + 1, 1)

    def wants(self, case_type: str) -> bool:
        return case_type in self.case_types

