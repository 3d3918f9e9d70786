"""SQL pieces that lists and figures share: text contained, Paris calendar days, months."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import String, func, select, true, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.clock import PARIS


def contains_text(column, needle: str):
    """Case-insensitive "contains", with % and _ in the needle taken literally."""
    escaped = needle.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(type_coerce(column, String)).like(f"%{escaped}%", escape="\\")


def one_row(*aggregates):
    """Several one-row aggregates as one statement: each a derived table, joined side by side,
    so each is computed once and the columns come in order in a single row. One round trip
    instead of several (issue 19: the overview's figures paid a statement's overhead each)."""
    tables = [aggregate.subquery() for aggregate in aggregates]
    statement = select(*(column for table in tables for column in table.c)).select_from(tables[0])
    for table in tables[1:]:
        statement = statement.join(table, true())
    return statement


def paris_day_range(date_from: date | None, date_to: date | None, column) -> list:
    """Conditions for a UTC timestamp column falling on the Paris days date_from..date_to, inclusive."""
    conditions = []
    if date_from:
        conditions.append(column >= datetime.combine(date_from, time.min, tzinfo=PARIS))
    if date_to:
        conditions.append(column < datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=PARIS))
    return conditions


class year_month(FunctionElement):
    """'YYYY-MM' of a date column, in SQL: months are grouped by the database, not in Python."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(year_month)
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"  # dates are stored as 'YYYY-MM-DD'
