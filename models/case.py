"""The convention every case table shares.

A case table inherits `CaseBase` (human reference, entity, status, owner,
created/updated) and declares its own optimistic-locking version column:

    _version = version_column()

    class DataSubjectRequest(CaseBase, table=True):
        version: int = Field(default=1, sa_column=_version)
        __mapper_args__ = {"version_id_col": _version}

SQLAlchemy then adds `WHERE version = <loaded>` to every UPDATE and raises
StaleDataError when another user saved first; the application turns that into a
clear message and keeps the first save. (A Column object belongs to one table,
hence one `version_column()` call per model; `__mapper_args__` with a column
name does not work under SQLModel.)
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.types import UTCDateTime, utcnow


def version_column() -> Column:
    return Column("version", Integer, nullable=False, default=1)


class CaseBase(SQLModel):
    reference: str = Field(max_length=32, unique=True, index=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    status: str = Field(max_length=40, index=True)
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReferenceCounter(SQLModel, table=True):
    """Last number issued per prefix and year: DSR-2026-0042 is (DSR, 2026, 42)."""

    __tablename__ = "reference_counter"
    __table_args__ = (UniqueConstraint("prefix", "year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=10)
    year: int
    last: int = 0


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"
