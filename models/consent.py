"""Consent records and withdrawals (GDPR Art. 7; the insurer's policy, seed 001, « Le
Consentement »: a procedure that records consents and "permet de répercuter les
consentements et les retraits de consentement dans les applications utilisées et le
système d'information").

Per processing activity whose legal basis is consent, `ConsentProcedure` says how
consent is collected and where its proof lies. A withdrawal is recorded with the least
that identifies it (day received, channel, a reference in the source system — no name,
no e-mail address) and carried into each of the activity's systems on a checklist: one
step per system, with its owning department and the day it was done. The withdrawal is
done when every step is; it is late after `due_on`
(`models.deadlines.consent_withdrawal_propagation_due`).
"""

from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field as PydanticField, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.case import CaseBase, version_column
from models.types import UTCDateTime, utcnow

WITHDRAWAL_PREFIX = "RTC"  # "retrait de consentement": RTC-2026-0001
CASE_TYPE = "consent"
CHANNELS = ("unsubscribe_link", "preference_centre", "email", "letter", "phone", "in_person", "dsr")
STATUSES = ("open", "done")
MAX_PAST_DAYS = 366 * 3  # a withdrawal received more than three years ago is a typing error


def _error(key: str, fallback: str, **params) -> PydanticCustomError:
    return PydanticCustomError(key, fallback, params)


class ProcedureData(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    collection_method: str = PydanticField(min_length=5, max_length=1000)
    proof_location: str = PydanticField(min_length=5, max_length=1000)


class WithdrawalData(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    activity_id: int
    received_on: date
    channel: str
    source_reference: str = PydanticField(default="", max_length=100)
    dsr_id: Optional[int] = None
    today: date  # the day the form was opened: a withdrawal is not received in the future

    @model_validator(mode="after")
    def _rules(self):
        if self.channel not in CHANNELS:
            raise _error("consent.unknown_channel", "not one of the channels")
        if self.received_on > self.today:
            raise _error("consent.received_in_future", "a withdrawal cannot be received in the future")
        if (self.today - self.received_on).days > MAX_PAST_DAYS:
            raise _error("consent.received_too_old", "received more than three years ago")
        if "\n" in self.source_reference or "\r" in self.source_reference:
            raise _error("register.one_line", "must fit on one line")
        return self


class StepData(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    done_on: date
    note: str = PydanticField(default="", max_length=500)
    received_on: date
    today: date

    @model_validator(mode="after")
    def _rules(self):
        if self.done_on > self.today:
            raise _error("consent.done_in_future", "a step cannot be done in the future")
        if self.done_on < self.received_on:
            raise _error("consent.done_before_received", "done before the withdrawal was received")
        return self


_procedure_version = version_column()
_withdrawal_version = version_column()
_step_version = version_column()


class ConsentProcedure(SQLModel, table=True):
    __tablename__ = "consent_procedure"
    __table_args__ = (UniqueConstraint("activity_id", name="uq_consent_procedure_activity"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    collection_method: str = Field(max_length=1000)
    proof_location: str = Field(max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_name: str = Field(default="", max_length=200)
    version: int = Field(default=1, sa_column=_procedure_version)
    __mapper_args__ = {"version_id_col": _procedure_version}


class ConsentWithdrawal(CaseBase, table=True):
    __tablename__ = "consent_withdrawal"

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    received_on: date
    channel: str = Field(max_length=30)
    source_reference: str = Field(default="", max_length=100)  # e.g. the unsubscribe event's id
    dsr_id: Optional[int] = Field(default=None, foreign_key="dsr_request.id", index=True)
    due_on: date = Field(index=True)
    done_on: Optional[date] = None  # the day the last system was updated
    version: int = Field(default=1, sa_column=_withdrawal_version)
    __mapper_args__ = {"version_id_col": _withdrawal_version}


class WithdrawalStep(SQLModel, table=True):
    """One system to carry the withdrawal into."""

    __tablename__ = "consent_withdrawal_step"
    __table_args__ = (UniqueConstraint("withdrawal_id", "system_name", name="uq_withdrawal_step_system"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    withdrawal_id: int = Field(foreign_key="consent_withdrawal.id", index=True)
    system_name: str = Field(max_length=200)
    department_id: int = Field(foreign_key="department.id", index=True)
    done_on: Optional[date] = Field(default=None, index=True)
    done_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    done_by_name: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=500)
    version: int = Field(default=1, sa_column=_step_version)
    __mapper_args__ = {"version_id_col": _step_version}
