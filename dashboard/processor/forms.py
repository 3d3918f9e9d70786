"""What the processor forms accept: pydantic data models, errors as catalogue keys.

Field names are shown to the user through `processor.field.<name>` labels (see
`validate_for`), in the actor's language.
"""

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dashboard.actor import Actor
from dashboard.i18n import has_key, translate
from dashboard.validation import FieldProblem, InvalidInput, distinct_lines, validate
from models.deadlines import add_months, notice_date
from models.processor import (AUDIT_KINDS, AUDIT_OUTCOMES, AUTHORISATIONS, CERTIFICATIONS, CONTRACT_FORMS,
                              END_CHOICES, PROCESSOR_STATUSES, SUBPROCESSOR_CHANGES)
from models.processor_clauses import ALL_CLAUSES, CLAUSE_STATES
from models.processor_transfers import is_country, transfer_problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_for(actor: Actor, model, data):
    """`dashboard.validation.validate`, with each field named by its label in the
    actor's language (the catalogue's generic `field.*` labels are not this area's)."""
    try:
        return validate(model, data)
    except InvalidInput as error:
        problems = []
        for item in error.problems:
            name = item.field.split(".")[-1]
            label_key = f"processor.field.{name}"
            label = translate(label_key, actor.language) if name and has_key(label_key) else item.field
            problems.append(FieldProblem(label, item.key, item.params))
        raise InvalidInput(problems) from None


def _country(value: str) -> str:
    code = (value or "").strip().upper() if isinstance(value, str) or not value else "?"
    if not is_country(code):
        raise PydanticCustomError("processor.error.country_unknown", "unknown country code {code}",
                                  {"code": code or "—"})
    return code



class TransferFields(BaseModel):
    """A country of processing or storage, and the transfer tool when outside the EEA."""

    country_code: str
    transfer_tool: Literal["", "adequacy", "scc", "bcr", "derogation"] = ""
    scc_module: int | None = None
    derogation: str = ""
    note: str = Field(default="", max_length=500)

    _check_country = field_validator("country_code", mode="before")(classmethod(lambda cls, v: _country(v)))

    @model_validator(mode="after")
    def _tool_covers_the_transfer(self):
        key = transfer_problem(self.country_code, self.transfer_tool, self.scc_module, self.derogation, self.note)
        if key:
            raise PydanticCustomError(key, "transfer to {code} not covered", {"code": self.country_code})
        return self


class LocationData(TransferFields):
    processing: bool = True
    storage: bool = True


class ProcessorData(BaseModel):
    legal_name: str = Field(min_length=2, max_length=300)
    country_code: str
    address: str = Field(default="", max_length=500)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    dpo_contact: str = Field(default="", max_length=300)
    services: str = Field(min_length=2, max_length=2000)
    data_categories: list[str] = Field(default_factory=list)
    subject_categories: list[str] = Field(default_factory=list)
    certifications: list[Literal[CERTIFICATIONS]] = Field(default_factory=list)  # type: ignore[valid-type]
    status: Literal[PROCESSOR_STATUSES] = "assessed"  # type: ignore[valid-type]
    entity_id: int
    entity_ids: list[int] = Field(default_factory=list)  # other entities that use it
    activity_ids: list[int] = Field(default_factory=list)
    locations: list[LocationData] = Field(min_length=1)
    objection_window_days: int = Field(default=30, ge=1, le=90)
    audit_interval_months: int = Field(default=12, ge=1, le=60)
    planned_audit_on: date | None = None

    _check_country = field_validator("country_code", mode="before")(classmethod(lambda cls, v: _country(v)))

    @field_validator("legal_name", "address", "contact_name", "dpo_contact", "services", mode="before")
    @classmethod
    def _strip(cls, value):
        return value.strip() if isinstance(value, str) else value

    @field_validator("contact_email", mode="before")
    @classmethod
    def _email(cls, value):
        if not isinstance(value, str) and value:
            raise PydanticCustomError("processor.error.email", "invalid e-mail address")
        value = (value or "").strip()
        if value and not _EMAIL.match(value):
            raise PydanticCustomError("processor.error.email", "invalid e-mail address")
        return value

    @field_validator("data_categories", "subject_categories", mode="after")
    @classmethod
    def _lists(cls, values):
        return distinct_lines(values)

    @model_validator(mode="after")
    def _one_row_per_country(self):
        codes = [location.country_code for location in self.locations]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError("processor.error.country_twice", "a country is listed twice")
        return self


class ContractData(BaseModel):
    title: str = Field(min_length=2, max_length=300)
    document_reference: str = Field(default="", max_length=120)
    form: Literal[CONTRACT_FORMS] = "written"  # type: ignore[valid-type]
    signed_on: date | None = None
    starts_on: date
    initial_end: date | None = None
    tacit_renewal: bool = False
    renewal_months: int = Field(default=0, ge=0, le=120)
    notice_months: int = Field(default=0, ge=0, le=120)
    notice_days: int = Field(default=0, ge=0, le=365)
    clauses: dict[str, Literal[CLAUSE_STATES]] = Field(default_factory=dict)  # type: ignore[valid-type]
    clause_notes: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _coherent_terms(self):
        if self.initial_end is not None and self.initial_end <= self.starts_on:
            raise PydanticCustomError("processor.error.end_before_start", "the end is not after the start")
        if self.signed_on is not None and self.initial_end is not None and self.signed_on > self.initial_end:
            raise PydanticCustomError("processor.error.signed_after_end", "signed after the end")
        if self.tacit_renewal and (self.initial_end is None or self.renewal_months < 1):
            raise PydanticCustomError("processor.error.renewal_needs_term", "renewal needs an end and a period")
        if self.initial_end is not None and (self.notice_months or self.notice_days):
            # The notice must fit in the shortest term the contract runs for.
            term_start = self.starts_on
            if self.tacit_renewal:
                term_start = max(term_start, add_months(self.initial_end, -self.renewal_months))
            if notice_date(self.initial_end, self.notice_months, self.notice_days) < term_start:
                raise PydanticCustomError("processor.error.notice_too_long",
                                          "the notice period is longer than the contract")
        unknown = (set(self.clauses) | set(self.clause_notes)) - set(ALL_CLAUSES)
        if unknown:
            raise PydanticCustomError("processor.error.clause_unknown", "unknown clause {clause}",
                                      {"clause": sorted(unknown)[0]})
        if any(len(note) > 1000 for note in self.clause_notes.values()):
            raise PydanticCustomError("processor.error.note_too_long", "a note is too long")
        return self


class SubProcessorData(TransferFields):
    name: str = Field(min_length=2, max_length=300)
    service: str = Field(default="", max_length=500)
    authorisation: Literal[AUTHORISATIONS]  # type: ignore[valid-type]
    change: Literal[SUBPROCESSOR_CHANGES] = "addition"  # type: ignore[valid-type]
    replaces_id: int | None = None
    notified_on: date | None = None

    @model_validator(mode="after")
    def _general_needs_notice(self):
        if self.authorisation == "general" and self.notified_on is None:
            raise PydanticCustomError("processor.error.notice_date_needed",
                                      "a change under a general authorisation needs its notification date")
        if self.change == "replacement" and self.replaces_id is None:
            raise PydanticCustomError("processor.error.replaces_needed", "say which sub-processor is replaced")
        return self


class ObjectionDecision(BaseModel):
    objected: bool
    note: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _objection_has_reasons(self):
        if self.objected and len(self.note.strip()) < 5:
            raise PydanticCustomError("processor.error.objection_reasons", "state the reasons for the objection")
        return self


class AuditData(BaseModel):
    performed_on: date
    kind: Literal[AUDIT_KINDS]  # type: ignore[valid-type]
    auditor: str = Field(min_length=2, max_length=200)
    outcome: Literal[AUDIT_OUTCOMES]  # type: ignore[valid-type]
    findings: str = Field(default="", max_length=4000)


class EndOfContractData(BaseModel):
    ended_on: date
    end_choice: Literal[END_CHOICES]  # type: ignore[valid-type]
    end_period_days: int = Field(default=30, ge=0, le=365)


class DestructionProofData(BaseModel):
    destruction_proved_on: date
    destruction_method: str = Field(min_length=3, max_length=300)
    destruction_attestation_ref: str = Field(min_length=2, max_length=120)
    destruction_copies: str = Field(min_length=3, max_length=1000)
    destruction_subprocessors: str = Field(min_length=3, max_length=1000)
    retained_by_law: str = Field(default="", max_length=1000)
