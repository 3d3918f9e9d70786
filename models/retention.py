"""The yearly data review and its destruction campaigns (the insurer's policy, seed 001:
"Chaque année, Médicis procède à une revue des données. En dehors des cas dans lesquels
il existe une obligation d'archivage, les données qui ne présentent plus d'intérêt sont
supprimées sans délai [...] un certificat de destruction").

A campaign belongs to one entity and one year and is judged as of one day (`as_of`).
From each register entry's retention rules it lists, per activity, data category and
system, what has passed its retention on that day (`models.deadlines.retention_cutoff`):
one task per line, assigned to the department that owns the activity, due on the
campaign's due date. A task ends either done (method, date, who, proof) or as an
exception (legal hold, archiving obligation: the ground and until when the data is
kept), which keeps it out of destruction but on record.

The systems an activity's data lives in (`ActivitySystem`) serve the campaigns and the
consent-withdrawal checklists alike (models/consent.py).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field as PydanticField, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models import deadlines
from models.case import CaseBase, version_column
from models.types import UTCDateTime, utcnow

CAMPAIGN_PREFIX = "REV"  # "revue": REV-2026-0001
CASE_TYPE = "retention"
CAMPAIGN_STATUSES = ("open", "closed")
TASK_STATUSES = ("open", "done", "exception")
# How the data was dealt with. Only deletion and anonymisation end the data as personal
# data; intermediate archiving keeps it (restricted access) until a stated date.
METHODS = ("deletion", "anonymisation", "intermediate_archiving")
DESTROYING_METHODS = frozenset({"deletion", "anonymisation"})
EXCEPTION_GROUNDS = ("legal_hold", "archiving_obligation")
DEFAULT_DUE_DAYS = 60  # a campaign's default period for the departments to act
MAX_YEAR_SPAN = 5  # a campaign for a year at most this far from today's


def _error(key: str, fallback: str, **params) -> PydanticCustomError:
    return PydanticCustomError(key, fallback, params)


# ----------------------------------------------------------------- pure rules


@dataclass(frozen=True)
class RuleLine:
    """One line of the review: a retention rule of an activity applied to one system."""

    activity_id: int
    department_id: int
    category: str  # "" = every category of the entry
    system: str  # "" = no system recorded for the activity
    duration: int
    unit: str
    start_event: str
    end_action: str
    justification: str = ""

    @property
    def key(self) -> str:
        """What makes a line unique within a campaign: generating twice adds nothing."""
        raw = "\x1f".join((str(self.activity_id), self.category.casefold(), self.system.casefold(),
                           self.start_event.strip().casefold(), str(self.duration), self.unit))
        return hashlib.sha256(raw.encode()).hexdigest()

    def cutoff(self, as_of: date) -> date | None:
        """Data whose start event fell on or before this day has passed its retention on
        `as_of`; None when the rule has no start event (a person must decide)."""
        if not self.start_event.strip() or self.duration <= 0 or self.unit not in ("days", "months", "years"):
            return None
        return deadlines.retention_cutoff(as_of, self.duration, self.unit)


def review_lines(activity_id: int, department_id: int, rules, systems: list[str]) -> list[RuleLine]:
    """The lines of the yearly review for one activity: each retention rule (an item of
    `ActivityContent.retention_rules`) on each of the activity's systems, or once without
    a system when none is recorded. Duplicates (same rule twice) collapse into one line."""
    lines: dict[str, RuleLine] = {}
    for rule in rules:
        for system in (systems or [""]):
            line = RuleLine(activity_id, department_id, rule.category or "", system, rule.duration, rule.unit,
                            rule.start_event or "", rule.end_action or "delete", rule.justification or "")
            lines.setdefault(line.key, line)
    return list(lines.values())


def task_is_late(status: str, due_on: date, today: date) -> bool:
    return status == "open" and deadlines.is_late(due_on, today)


class TaskClosure(BaseModel):
    """A task done: how, when, by whom, and the proof."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    method: str
    done_on: date
    done_by: str = PydanticField(min_length=2, max_length=200)
    proof: str = PydanticField(min_length=5, max_length=2000)
    proof_reference: str = PydanticField(default="", max_length=200)
    kept_until: Optional[date] = None  # intermediate archiving: until when

    @model_validator(mode="after")
    def _rules(self):
        if self.method not in METHODS:
            raise _error("retention.unknown_method", "not one of the methods")
        if self.method == "intermediate_archiving":
            if self.kept_until is None:
                raise _error("retention.archive_needs_until", "say until when the archive is kept")
            if self.kept_until <= self.done_on:
                raise _error("retention.until_after_done", "the archive must be kept after the day it was made")
        elif self.kept_until is not None:
            raise _error("retention.until_only_archive", "a date to keep until only goes with archiving")
        return self


class TaskException(BaseModel):
    """A task kept out of destruction: the ground, the detail and until when."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    ground: str
    detail: str = PydanticField(min_length=5, max_length=1000)
    kept_until: date
    decided_on: date

    @model_validator(mode="after")
    def _rules(self):
        if self.ground not in EXCEPTION_GROUNDS:
            raise _error("retention.unknown_ground", "not one of the grounds")
        if self.kept_until <= self.decided_on:
            raise _error("retention.until_in_future", "the data must be kept until a later day")
        return self


# ----------------------------------------------------------------------- tables

_campaign_version = version_column()
_task_version = version_column()
_system_version = version_column()


class RetentionCampaign(CaseBase, table=True):
    __tablename__ = "retention_campaign"
    __table_args__ = (UniqueConstraint("entity_id", "year", name="uq_retention_campaign_entity_year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    year: int
    as_of: date  # the day the retention is judged on
    due_on: date = Field(index=True)  # the departments' deadline
    version: int = Field(default=1, sa_column=_campaign_version)
    __mapper_args__ = {"version_id_col": _campaign_version}


class ActivitySystem(SQLModel, table=True):
    """An application or store that holds an activity's data, and the department that
    runs it (who ticks it on a withdrawal checklist)."""

    __tablename__ = "activity_system"
    __table_args__ = (UniqueConstraint("activity_id", "name", name="uq_activity_system_name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    name: str = Field(max_length=200)
    department_id: int = Field(foreign_key="department.id", index=True)
    active: bool = True
    version: int = Field(default=1, sa_column=_system_version)
    __mapper_args__ = {"version_id_col": _system_version}


class RetentionTask(SQLModel, table=True):
    __tablename__ = "retention_task"
    __table_args__ = (UniqueConstraint("campaign_id", "line_key", name="uq_retention_task_line"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="retention_campaign.id", index=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    line_key: str = Field(max_length=64)
    # the rule as it stood when the campaign was generated
    category: str = Field(default="", max_length=200)
    system: str = Field(default="", max_length=200)
    duration: int
    unit: str = Field(max_length=10)
    start_event: str = Field(default="", max_length=300)
    end_action: str = Field(default="delete", max_length=20)
    justification: str = Field(default="", max_length=500)
    cutoff_on: Optional[date] = None  # None: the rule has no start event
    due_on: date = Field(index=True)
    status: str = Field(default="open", max_length=20, index=True)
    # done
    method: str = Field(default="", max_length=30)
    done_on: Optional[date] = None
    done_by: str = Field(default="", max_length=200)
    proof: str = Field(default="", max_length=2000)
    proof_reference: str = Field(default="", max_length=200)
    kept_until: Optional[date] = None  # archiving or exception: until when the data is kept
    # exception
    exception_ground: str = Field(default="", max_length=30)
    exception_detail: str = Field(default="", max_length=1000)
    closed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    closed_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_task_version)
    __mapper_args__ = {"version_id_col": _task_version}
