"""SQL conditions that searchable lists share: text contained, Paris calendar days."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import String, func, type_coerce

from models.clock import PARIS


def contains_text(column, needle: str):
    """Case-insensitive "contains", with % and _ in the needle taken literally."""
    escaped = needle.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(type_coerce(column, String)).like(f"%{escaped}%", escape="\\")


def paris_day_range(date_from: date | None, date_to: date | None, column) -> list:
    """Conditions for a UTC timestamp column falling on the Paris days date_from..date_to, inclusive."""
    conditions = []
    if date_from:
        conditions.append(column >= datetime.combine(date_from, time.min, tzinfo=PARIS))
    if date_to:
        conditions.append(column < datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=PARIS))
    return conditions
