"""Human references for cases and documents: PREFIX-YEAR-NNNN, never reused."""

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.case import ReferenceCounter, format_reference
from models.clock import paris_date
from models.types import utcnow


def next_reference(session: Session, prefix: str, at: datetime | None = None) -> str:
    """Atomically take the next number for (prefix, year in Paris): an upsert, so two
    users opening a case at the same moment never get the same reference."""
    year = paris_date(at or utcnow()).year
    return format_reference(prefix, year, next_number(session, prefix, year))


def next_number(session: Session, prefix: str, year: int) -> int:
    """The next number of the (prefix, year) counter, taken atomically (never reused)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ReferenceCounter.__table__
    statement = (
        insert(table)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return session.execute(statement).scalar_one()
