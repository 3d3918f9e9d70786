"""Counters of what visitors who are not signed in do (failed log-ins, forged session
cookies), per source and time window, so that an attack leaves bounded evidence in the
audit trail: the first attempts one entry each, then one summary entry with the count and
the first and last time seen (see dashboard/audit_anonymous.py)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class AuditBurst(SQLModel, table=True):
    __tablename__ = "audit_burst"
    __table_args__ = (UniqueConstraint("action", "source", "window_start", name="uq_audit_burst_window"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    action: str = Field(max_length=60)
    source: str = Field(max_length=80)  # the user name tried, a token hash prefix, or "*" for all sources
    window_start: datetime = Field(sa_type=UTCDateTime)
    count: int = 0
    logged: int = 0  # attempts recorded one entry each
    first_at: datetime = Field(sa_type=UTCDateTime)
    last_at: datetime = Field(sa_type=UTCDateTime)
    summarised: bool = Field(default=False, index=True)  # the summary entry is in the chain
