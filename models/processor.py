"""Processors (GDPR Art. 28), their contracts, sub-processors, locations and audits.

Every deadline is a date column, indexed and recomputed by the use cases whenever its
inputs change (dashboard/processor/): contract end and notice date, next audit,
objection-window end, due date for returning or deleting the data at the end of a
contract. A later deadline overview aggregates them in SQL.
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.case import CaseBase, version_column
from models.types import UTCDateTime, utcnow

PROCESSOR_PREFIX = "SST"  # "sous-traitant": SST-2026-0001
PROCESSOR_STATUSES = ("assessed", "approved", "suspended", "ended")
CERTIFICATIONS = ("iso27001", "iso27701", "hds", "pci_dss", "soc2", "secnumcloud")
CONTRACT_FORMS = ("written", "electronic")  # Art. 28(9): in writing, including in electronic form
CONTRACT_STATUSES = ("active", "ended")
END_CHOICES = ("return", "delete")  # Art. 28(3)(g), at the controller's choice
AUTHORISATIONS = ("specific", "general")  # Art. 28(2)
SUBPROCESSOR_STATUSES = ("notified", "active", "objected", "removed")
SUBPROCESSOR_CHANGES = ("addition", "replacement")
AUDIT_KINDS = ("on_site", "documentary", "questionnaire", "certification")
AUDIT_OUTCOMES = ("compliant", "minor_findings", "major_findings")

_processor_version = version_column()
_contract_version = version_column()
_subprocessor_version = version_column()


class Processor(CaseBase, table=True):
    """A processor; `entity_id` is the entity that contracted with it, `ProcessorEntity`
    lists every entity that uses it."""

    __tablename__ = "processor"

    id: Optional[int] = Field(default=None, primary_key=True)
    legal_name: str = Field(max_length=300)
    country_code: str = Field(max_length=2)  # where it is established
    address: str = Field(default="", max_length=500)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    dpo_contact: str = Field(default="", max_length=300)  # name and e-mail of its DPO
    services: str = Field(default="", max_length=2000)
    data_categories: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subject_categories: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    certifications: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    objection_window_days: int = 30  # agreed for sub-processor changes under a general authorisation
    audit_interval_months: int = 12
    planned_audit_on: Optional[date] = None  # set by hand; else last audit + interval
    last_audit_on: Optional[date] = None
    next_audit_date: Optional[date] = Field(default=None, index=True)
    # Derived from the locations and active sub-processors, kept current by the use cases.
    transfers_outside_eea: bool = Field(default=False, index=True)
    transfers_outside_eu: bool = Field(default=False, index=True)
    version: int = Field(default=1, sa_column=_processor_version)
    __mapper_args__ = {"version_id_col": _processor_version}


class ProcessorEntity(SQLModel, table=True):
    __tablename__ = "processor_entity"
    __table_args__ = (UniqueConstraint("processor_id", "entity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)


class ProcessorActivity(SQLModel, table=True):
    """The processing activities a processor serves: what department heads' scope is built on."""

    __tablename__ = "processor_activity"
    __table_args__ = (UniqueConstraint("processor_id", "activity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)


class ProcessorLocation(SQLModel, table=True):
    """A country where the processor processes or stores the data, with the transfer
    tool when it is outside the EEA."""

    __tablename__ = "processor_location"

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    country_code: str = Field(max_length=2, index=True)
    processing: bool = True
    storage: bool = True
    transfer_tool: str = Field(default="", max_length=20)  # models.processor_transfers.TRANSFER_TOOLS
    scc_module: Optional[int] = None
    derogation: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=500)


class ProcessorContract(SQLModel, table=True):
    __tablename__ = "processor_contract"
    # A contract's own reference is recorded once per processor (a double submit cannot file it twice).
    __table_args__ = (Index("uq_processor_contract_reference", "processor_id", "document_reference", unique=True,
                            sqlite_where=text("document_reference <> ''"),
                            postgresql_where=text("document_reference <> ''")),)

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    title: str = Field(max_length=300)
    document_reference: str = Field(default="", max_length=120)
    form: str = Field(default="written", max_length=20)
    signed_on: Optional[date] = None
    starts_on: date
    initial_end: Optional[date] = None  # None: open-ended
    tacit_renewal: bool = False
    renewal_months: int = 0
    notice_months: int = 0
    notice_days: int = 0
    status: str = Field(default="active", max_length=20, index=True)
    # Deadlines, recomputed on every change.
    end_date: Optional[date] = Field(default=None, index=True)  # end of the current term
    notice_date: Optional[date] = Field(default=None, index=True)
    # Clause checklist summary (rows in ContractClause).
    clause_score: int = 0
    missing_clauses: int = Field(default=21, index=True)  # len(ALL_CLAUSES)
    partial_clauses: int = 0
    # End of the contract (Art. 28(3)(g)).
    ended_on: Optional[date] = None
    end_choice: str = Field(default="", max_length=20)
    end_period_days: int = 0
    end_due_date: Optional[date] = Field(default=None, index=True)  # data returned or deleted by then
    destruction_proved_on: Optional[date] = None  # date of the processor's written proof
    destruction_method: str = Field(default="", max_length=300)
    destruction_attestation_ref: str = Field(default="", max_length=120)
    # Art. 28(3)(g) covers existing copies, 28(4) the sub-processors: the proof says how
    # copies and backups went, what the sub-processors did, and what the processor keeps
    # because a law requires it (with its basis and until when; "" when nothing).
    destruction_copies: str = Field(default="", max_length=1000)
    destruction_subprocessors: str = Field(default="", max_length=1000)
    retained_by_law: str = Field(default="", max_length=1000)
    certificate_document_id: Optional[int] = Field(default=None, foreign_key="evidence_document.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_contract_version)
    __mapper_args__ = {"version_id_col": _contract_version}


class ContractClause(SQLModel, table=True):
    __tablename__ = "processor_contract_clause"
    __table_args__ = (UniqueConstraint("contract_id", "clause"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="processor_contract.id", index=True)
    clause: str = Field(max_length=40)  # models.processor_clauses.ALL_CLAUSES
    state: str = Field(default="missing", max_length=20)
    note: str = Field(default="", max_length=1000)


class SubProcessor(SQLModel, table=True):
    __tablename__ = "processor_subprocessor"

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    name: str = Field(max_length=300)
    service: str = Field(default="", max_length=500)
    country_code: str = Field(max_length=2)
    transfer_tool: str = Field(default="", max_length=20)
    scc_module: Optional[int] = None
    derogation: str = Field(default="", max_length=20)
    transfer_note: str = Field(default="", max_length=500)
    authorisation: str = Field(max_length=20)  # specific | general
    change: str = Field(default="addition", max_length=20)
    replaces_id: Optional[int] = Field(default=None, foreign_key="processor_subprocessor.id")
    notified_on: Optional[date] = None
    objection_deadline: Optional[date] = Field(default=None, index=True)
    status: str = Field(max_length=20, index=True)
    objection_note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_subprocessor_version)
    __mapper_args__ = {"version_id_col": _subprocessor_version}


class ProcessorAudit(SQLModel, table=True):
    """An audit of the processor (Art. 28(3)(h)); recorded once, never edited."""

    __tablename__ = "processor_audit"

    id: Optional[int] = Field(default=None, primary_key=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    performed_on: date
    kind: str = Field(max_length=20)
    auditor: str = Field(max_length=200)
    outcome: str = Field(max_length=20)
    findings: str = Field(default="", max_length=4000)
    recorded_by: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
