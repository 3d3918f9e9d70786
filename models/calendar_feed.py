"""Personal calendar feeds: a secret URL per user that a calendar application polls.

Only the SHA-256 of the random token is stored (like a log-in session's): a stolen
database does not give working feed URLs. One active feed per user; a new one revokes
the previous one.
"""

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class CalendarFeedToken(SQLModel, table=True):
    __tablename__ = "calendar_feed_token"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    revoked_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
