"""The record of processing activities (GDPR Art. 30): the hub that requests,
breaches, processors and DPIAs link to.

This module holds the hub's identity (reference, entity, owning department, name,
status); the register's own content (purposes and legal bases, categories,
retention, recipients...) is added by the register's tables.
"""

from typing import Optional

from sqlmodel import Field

from models.case import CaseBase, version_column

ACTIVITY_PREFIX = "TRT"  # "traitement": TRT-2026-0001

_version = version_column()


class ProcessingActivity(CaseBase, table=True):
    __tablename__ = "processing_activity"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    department_id: int = Field(foreign_key="department.id", index=True)  # the department that owns it
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}
