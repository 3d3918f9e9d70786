"""The register's content (GDPR Art. 30(1)(a)-(g)) and its rules.

`ActivityContent` is what a register entry says: purposes with their legal basis,
categories of people and data (Art. 9 / Art. 10 / NIR flagged, with the condition
relied on and where its proof lies), recipients, transfers outside the EEA with
their safeguard, retention rules per data category, security measures, and, for
consent-based purposes, where consent and its withdrawal are recorded and how a
withdrawal reaches the systems. It validates the rules that a save must never
break; `validation_gaps` lists what the DPO still needs before validating.

The child tables hold that content, one row per item, in the order entered.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field as PydanticField, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from models.deadlines import register_review_date
from models.processor_transfers import EEA_MEMBERS, adequacy_problem, is_country
from models.types import UTCDateTime, utcnow

# ------------------------------------------------------------------- vocabularies

# Art. 6(1)(a)-(f)
LEGAL_BASES = ("consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests")
# standard data; Art. 9(1) special categories; Art. 10 criminal data; the French national
# identification number (NIR: Art. 87 GDPR, loi 78-17 art. 30), which the insurer treats as sensitive
SENSITIVITIES = ("standard", "art9", "art10", "nir")
# condition relied on -> the sensitivity it may justify
CONDITIONS = {
    "art9_2_a": "art9", "art9_2_b": "art9", "art9_2_c": "art9", "art9_2_d": "art9", "art9_2_e": "art9",
    "art9_2_f": "art9", "art9_2_g": "art9", "art9_2_h": "art9", "art9_2_i": "art9", "art9_2_j": "art9",
    "art10_authority": "art10", "art10_law": "art10",
    "nir_law": "nir",
}
RECIPIENT_KINDS = ("internal", "processor", "third_party", "public_body")
# Art. 45 adequacy, Art. 46(2) safeguards, Art. 47 BCRs, Art. 49 derogations
SAFEGUARDS = ("adequacy", "sccs", "bcrs", "code_of_conduct", "certification", "derogation")
RETENTION_UNITS = ("days", "months", "years")
END_ACTIONS = ("delete", "anonymise", "archive", "legal_hold")
SECURITY_CATEGORIES = ("access_control", "traceability", "encryption", "backup", "software_protection",
                       "processor_control", "physical", "organisational", "other")
STATUSES = ("draft", "validated")
# How many people the activity concerns, by order of magnitude (the CNIL's and Madis's registers ask it).
PEOPLE_COUNTS = ("lt_1k", "1k_10k", "10k_100k", "100k_1m", "gt_1m")
MEDIA = ("electronic", "paper", "both")  # where the data is kept
# EU member states plus Iceland, Liechtenstein and Norway (EEA Agreement): not a transfer.
# The one list, with its source, in models.processor_transfers.
EEA_COUNTRIES = EEA_MEMBERS
REVIEW_MONTHS = 12


def _error(key: str, fallback: str, **params) -> PydanticCustomError:
    return PydanticCustomError(key, fallback, params)


def _choice(value: str, allowed, key: str) -> str:
    if value not in allowed:
        raise _error(key, "not one of the choices")
    return value


class _Item(BaseModel):
    """An item of a list: single-line, trimmed text (a spreadsheet cell holds one per line)."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_line(cls, value):
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            raise _error("register.one_line", "must fit on one line")
        return value


class Purpose(_Item):
    description: str = PydanticField(min_length=3, max_length=500)
    legal_basis: str = ""
    legitimate_interest: str = PydanticField(default="", max_length=1000)

    @model_validator(mode="after")
    def _basis(self):
        if not self.legal_basis:
            raise _error("register.purpose_without_basis", "a purpose needs its legal basis")
        _choice(self.legal_basis, LEGAL_BASES, "register.unknown_legal_basis")
        if self.legal_basis == "legitimate_interests" and not self.legitimate_interest:
            raise _error("register.interest_not_stated", "state the legitimate interest pursued")
        if self.legal_basis != "legitimate_interests" and self.legitimate_interest:
            raise _error("register.interest_without_basis", "an interest only goes with legitimate interests")
        return self


class SubjectCategory(_Item):
    name: str = PydanticField(min_length=2, max_length=200)


class DataCategory(_Item):
    name: str = PydanticField(min_length=2, max_length=200)
    sensitivity: str = "standard"
    condition: str = ""
    condition_detail: str = PydanticField(default="", max_length=500)
    proof_location: str = PydanticField(default="", max_length=500)

    @model_validator(mode="after")
    def _condition(self):
        _choice(self.sensitivity, SENSITIVITIES, "register.unknown_sensitivity")
        if self.sensitivity == "standard":
            if self.condition or self.proof_location:
                raise _error("register.condition_without_sensitive", "a condition only goes with sensitive data")
            return self
        if not self.condition:
            raise _error("register.sensitive_without_condition", "sensitive data needs the condition relied on")
        if CONDITIONS.get(self.condition) != self.sensitivity:
            raise _error("register.condition_mismatch", "this condition does not apply to this kind of data")
        if not self.proof_location:
            raise _error("register.sensitive_without_proof", "say where the proof of the condition is kept")
        return self


class Recipient(_Item):
    name: str = PydanticField(min_length=2, max_length=300)
    kind: str = "internal"

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _choice(value, RECIPIENT_KINDS, "register.unknown_recipient_kind")


class Transfer(_Item):
    recipient: str = PydanticField(min_length=2, max_length=300)
    country: str = ""
    safeguard: str = ""
    safeguard_detail: str = PydanticField(default="", max_length=500)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        value = value.upper()
        if len(value) != 2 or not value.isalpha() or not value.isascii() or not is_country(value):
            raise _error("register.country_code", "a two-letter ISO country code (US, GB, CH...)")
        if value in EEA_COUNTRIES:
            raise _error("register.transfer_inside_eea", "inside the EEA: a recipient, not a transfer")
        return value

    @model_validator(mode="after")
    def _safeguard(self):
        if not self.safeguard:
            raise _error("register.transfer_without_safeguard", "a transfer outside the EEA needs its safeguard")
        _choice(self.safeguard, SAFEGUARDS, "register.unknown_safeguard")
        if self.safeguard == "derogation" and not self.safeguard_detail:
            raise _error("register.derogation_needs_detail", "document the Art. 49 derogation relied on")
        if self.safeguard == "adequacy":  # the processor module's rule (models.processor_transfers)
            problem = adequacy_problem(self.country, self.safeguard_detail)
            if problem:
                raise _error(problem, "no adequacy decision covers this transfer", code=self.country)
        return self


class RetentionRule(_Item):
    category: str = PydanticField(default="", max_length=200)  # a data category's name; "" = all of them
    duration: int
    unit: str = "years"
    start_event: str = PydanticField(min_length=3, max_length=300)
    end_action: str = "delete"
    justification: str = PydanticField(default="", max_length=500)

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise _error("register.retention_not_positive", "a retention period must be longer than zero")
        return value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        return _choice(value, RETENTION_UNITS, "register.unknown_unit")

    @field_validator("end_action")
    @classmethod
    def _end(cls, value: str) -> str:
        return _choice(value, END_ACTIONS, "register.unknown_end_action")


class SecurityMeasure(_Item):
    category: str = "other"
    description: str = PydanticField(min_length=3, max_length=1000)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _choice(value, SECURITY_CATEGORIES, "register.unknown_security_category")


MAX_LIST_ITEMS = 200  # items in one list of an entry (purposes, data categories...)


class ActivityContent(BaseModel):
    """Everything a register entry says, validated as a whole."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    name: str = PydanticField(min_length=3, max_length=300)
    department_id: int
    description: str = PydanticField(default="", max_length=2000)
    joint_controllers: str = PydanticField(default="", max_length=500)
    purposes: tuple[Purpose, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    subject_categories: tuple[SubjectCategory, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    data_categories: tuple[DataCategory, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    recipients: tuple[Recipient, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    transfers: tuple[Transfer, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    retention_rules: tuple[RetentionRule, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    security_measures: tuple[SecurityMeasure, ...] = PydanticField(default=(), max_length=MAX_LIST_ITEMS)
    consent_records: str = PydanticField(default="", max_length=1000)
    withdrawal_propagation: str = PydanticField(default="", max_length=1000)
    # GDPR Art. 22: decisions based solely on automated processing, including profiling
    automated_decisions: bool = False
    automated_decisions_detail: str = PydanticField(default="", max_length=1000)
    data_sources: str = PydanticField(default="", max_length=1000)  # where the data comes from (Art. 14(2)(f))
    people_count: str = ""  # one of PEOPLE_COUNTS, "" when not stated
    medium: str = ""  # one of MEDIA, "" when not stated

    @field_validator("people_count")
    @classmethod
    def _people_count(cls, value: str) -> str:
        return _choice(value, ("", *PEOPLE_COUNTS), "register.unknown_people_count")

    @field_validator("medium")
    @classmethod
    def _medium(cls, value: str) -> str:
        return _choice(value, ("", *MEDIA), "register.unknown_medium")

    @model_validator(mode="after")
    def _automated(self):
        if self.automated_decisions_detail and not self.automated_decisions:
            raise _error("register.automated_detail_without_decision",
                         "describe automated decisions only when the activity makes them")
        return self

    @model_validator(mode="after")
    def _retention_categories(self):
        names = {c.name for c in self.data_categories}
        for rule in self.retention_rules:
            if rule.category and rule.category not in names:
                raise _error("register.retention_unknown_category",
                             "retention rule for a data category the entry does not list: {category}",
                             category=rule.category)
        return self

    @property
    def uses_consent(self) -> bool:
        return any(p.legal_basis == "consent" for p in self.purposes)

    @property
    def sensitive_categories(self) -> tuple[DataCategory, ...]:
        return tuple(c for c in self.data_categories if c.sensitivity != "standard")


def validation_gaps(content: ActivityContent, *, forbids_non_eu_transfers: bool = False) -> list[str]:
    """What the DPO needs before validating the entry (catalogue keys). A draft may
    lack them; a validated entry may not."""
    gaps = []
    if not content.purposes:
        gaps.append("register.gap.purposes")
    if not content.subject_categories:
        gaps.append("register.gap.subjects")
    if not content.data_categories:
        gaps.append("register.gap.data")
    if not content.recipients:
        gaps.append("register.gap.recipients")
    covered_all = any(not r.category for r in content.retention_rules)
    covered = {r.category for r in content.retention_rules}
    if not content.retention_rules or (not covered_all and any(c.name not in covered for c in content.data_categories)):
        gaps.append("register.gap.retention")
    if not content.security_measures:
        gaps.append("register.gap.security")
    if content.uses_consent and not (content.consent_records and content.withdrawal_propagation):
        gaps.append("register.gap.consent_procedure")
    if content.transfers and forbids_non_eu_transfers:
        gaps.append("register.gap.policy_forbids_transfers")
    if content.automated_decisions and not content.automated_decisions_detail:
        gaps.append("register.gap.automated_detail")
    return gaps


def next_review_on(last_reviewed_on: date | None) -> date | None:
    """A yearly review from the last review (a DPO's validation counts as one)."""
    return register_review_date(last_reviewed_on, REVIEW_MONTHS) if last_reviewed_on else None


@dataclass(frozen=True)
class RegisterEntry:
    """One entry as the exports print it (Art. 30(1) content and its workflow)."""

    reference: str
    entity_code: str
    entity_name: str
    department_code: str
    department_name: str
    status: str
    content: ActivityContent
    validated_by: str = ""
    validated_at: datetime | None = None
    last_reviewed_on: date | None = None
    next_review_on: date | None = None
    source_reference: str = ""
    version: int | None = None  # the entry's version when exported: an import refuses a row changed since


# ------------------------------------------------------------------------- tables


class _ChildRow(SQLModel):
    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    position: int = 0


class PurposeRow(_ChildRow, table=True):
    __tablename__ = "register_purpose"
    description: str = Field(max_length=500)
    legal_basis: str = Field(max_length=40, index=True)
    legitimate_interest: str = Field(default="", max_length=1000)


class SubjectCategoryRow(_ChildRow, table=True):
    __tablename__ = "register_subject_category"
    name: str = Field(max_length=200)


class DataCategoryRow(_ChildRow, table=True):
    __tablename__ = "register_data_category"
    name: str = Field(max_length=200)
    sensitivity: str = Field(default="standard", max_length=10, index=True)
    condition: str = Field(default="", max_length=20)
    condition_detail: str = Field(default="", max_length=500)
    proof_location: str = Field(default="", max_length=500)


class RecipientRow(_ChildRow, table=True):
    __tablename__ = "register_recipient"
    name: str = Field(max_length=300)
    kind: str = Field(max_length=20)


class TransferRow(_ChildRow, table=True):
    __tablename__ = "register_transfer"
    recipient: str = Field(max_length=300)
    country: str = Field(max_length=2, index=True)
    safeguard: str = Field(max_length=20)
    safeguard_detail: str = Field(default="", max_length=500)


class RetentionRow(_ChildRow, table=True):
    __tablename__ = "register_retention"
    category: str = Field(default="", max_length=200)
    duration: int
    unit: str = Field(max_length=10)
    start_event: str = Field(max_length=300)
    end_action: str = Field(max_length=20)
    justification: str = Field(default="", max_length=500)


class SecurityMeasureRow(_ChildRow, table=True):
    __tablename__ = "register_security_measure"
    category: str = Field(max_length=30)
    description: str = Field(max_length=1000)


# content field -> (row table, item model)
CHILDREN = {
    "purposes": (PurposeRow, Purpose),
    "subject_categories": (SubjectCategoryRow, SubjectCategory),
    "data_categories": (DataCategoryRow, DataCategory),
    "recipients": (RecipientRow, Recipient),
    "transfers": (TransferRow, Transfer),
    "retention_rules": (RetentionRow, RetentionRule),
    "security_measures": (SecurityMeasureRow, SecurityMeasure),
}
SCALAR_FIELDS = ("name", "department_id", "description", "joint_controllers", "consent_records",
                 "withdrawal_propagation", "automated_decisions", "automated_decisions_detail", "data_sources",
                 "people_count", "medium")


class RegisterReview(SQLModel, table=True):
    """A yearly review of an entry: who, when, what changed."""

    __tablename__ = "register_review"

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_on: date  # Paris calendar day
    reviewer_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    reviewer_name: str = Field(max_length=200)
    changes: str = Field(max_length=4000)
