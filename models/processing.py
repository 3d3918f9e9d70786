"""The record of processing activities (GDPR Art. 30): the hub that requests,
breaches, processors and DPIAs link to.

This module holds the hub's identity (reference, entity, owning department, name,
status) and the entry's own fields and workflow: draft -> validated by the DPO
(who, when), last and next yearly review. The lists of the entry (purposes,
categories, retention, recipients...) live in models/register.py.
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field

from models.case import CaseBase, version_column
from models.types import UTCDateTime

ACTIVITY_PREFIX = "TRT"  # "traitement": TRT-2026-0001

_version = version_column()


class ProcessingActivity(CaseBase, table=True):
    __tablename__ = "processing_activity"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    department_id: int = Field(foreign_key="department.id", index=True)  # the department that owns it
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}

    # Art. 30(1) items held on the entry itself (the lists are in models/register.py)
    description: str = Field(default="", max_length=2000)
    joint_controllers: str = Field(default="", max_length=500)
    consent_records: str = Field(default="", max_length=1000)  # where consent and withdrawals are recorded
    withdrawal_propagation: str = Field(default="", max_length=1000)  # how a withdrawal reaches the systems
    # Register fields a DPO expects beside Art. 30(1) (the CNIL's and Madis's register models):
    # GDPR Art. 22 automated decisions and profiling, where the data comes from (Art. 14(2)(f)),
    # how many people are concerned (models.register.PEOPLE_COUNTS) and the medium.
    automated_decisions: bool = False
    automated_decisions_detail: str = Field(default="", max_length=1000)
    data_sources: str = Field(default="", max_length=1000)
    people_count: str = Field(default="", max_length=20)
    medium: str = Field(default="", max_length=20)
    # workflow
    validated_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    validated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_reviewed_on: Optional[date] = None
    next_review_on: Optional[date] = Field(default=None, index=True)  # the yearly review deadline
    source_reference: str = Field(default="", max_length=64)  # the entry's id in an imported spreadsheet
    # Why the entry went back to review without anyone editing it (a processor change: see
    # dashboard/register_consistency.py); cleared when the DPO validates it again.
    review_notice: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
