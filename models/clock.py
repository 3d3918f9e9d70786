"""Time zones: timestamps are stored in UTC; days and deadlines are read in Paris time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.types import as_utc, utcnow

PARIS = ZoneInfo("Europe/Paris")


def paris_time(instant: datetime) -> datetime:
    return as_utc(instant).astimezone(PARIS)


def paris_date(instant: datetime) -> date:
    """The calendar day an instant falls on in France (midnight Paris, not UTC)."""
    return paris_time(instant).date()


def paris_today(now: datetime | None = None) -> date:
    return paris_date(now or utcnow())
