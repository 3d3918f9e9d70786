"""DPO Desk's own retention (GDPR Art. 5(1)(e), issue 17 part 3): how long the personal
data of a closed case is kept in the application, and the tables that make its end
possible without rewriting evidence.

Periods (months after the case was closed), per entity (`OwnRetentionRule`), else:

- data-subject requests (`dsr`): 60 months (5 years) after closure. Source: the general
  civil limitation period, Code civil art. 2224 ("les actions personnelles ou mobilières
  se prescrivent par cinq ans"), which the CNIL's guidance on handling rights requests
  cites for keeping the proof that a request was answered; the same five years DPO Desk
  already prints on the request's destruction certificate (dashboard/dsr/documents.py,
  REQUEST_FILE_YEARS).
- breaches (`breach`): 60 months (5 years) after closure. Art. 33(5) asks that every
  breach be documented so that the CNIL can verify compliance, without fixing a
  duration; DPO Desk's default follows the same limitation period (Code civil
  art. 2224). An organisation may set another period per entity.

A period below MIN_MONTHS or above MAX_MONTHS is refused (DPO Desk's bounds: under a
year the proof of handling would go while the audit trail that records it is still
kept — DPO_AUDIT_RETENTION_MONTHS, 12 by default —; above ten years is no longer a
retention period anyone could justify for this purpose).

What is pseudonymised at the end of the period, field by field, is listed in
DSR_CLEARED / BREACH_CLEARED with the reason each kept field stays (KEPT); the
encrypted parts (documents issued for the case, files attached to it, sealed parts of
audit entries) become
unreadable when the case's key is destroyed (crypto-shredding, dashboard/case_keys.py).
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models import deadlines
from models.breach import Breach
from models.dsr import DataSubjectRequest
from models.types import UTCDateTime, as_utc

TABLES = {"dsr": DataSubjectRequest, "breach": Breach}  # the cases a period ends, by kind
KINDS = tuple(TABLES)
DEFAULT_MONTHS = {"dsr": 60, "breach": 60}
SOURCES = {
    "dsr": "own_retention.source.dsr",  # catalogue keys: the source printed on the certificate
    "breach": "own_retention.source.breach",
}
MIN_MONTHS = 12
MAX_MONTHS = 120
RULE_NAME = "own_retention.rule"  # the rule named on a shredded document: "Art. 5(1)(e), <kind>, N months"

# Request fields replaced at the end of the period. The requester's name becomes the
# request's reference (no personal data, shown instead of the name), the contact and
# the duplicate-finding keys are emptied, and free texts written about or by the person
# (the request's description, the department's proposed answer, the search notes, the
# suspension and recipient notes) are emptied, and so is the answer letter's text (it holds
# the person's name and address; the issued letter is a sealed document of the registry).
DSR_CLEARED = ("requester_name", "requester_contact", "requester_name_key", "requester_contact_key",
               "description", "proposed_answer")
DSR_CHILD_CLEARED = {"dsr_search": ("notes",), "dsr_suspension": ("note",), "dsr_recipient": ("note",),
                     "dsr_answer_letter": ("body",)}
# Breach fields emptied: the narrative texts in which the people concerned are named or
# described (description, discovery, cause details, data details, the Art. 34 exception's
# details, the letter to the people and its English version, the means used to reach them,
# the closing note). The breach's person-search text (`search_text`, models/person_search.py)
# is then recomputed from the fields left, so a name that was only in those texts finds nothing.
BREACH_CLEARED = ("description", "discovery", "cause_details", "data_details", "art34_exception_details",
                  "people_summary", "people_advice", "people_information_means", "closing_note")
BREACH_CLEARED_JSON = ("letter_texts_en",)

# What stays, and why (printed on the certificate through the catalogue).
KEPT = {
    "dsr": "own_retention.kept.dsr",  # reference, dates, rights, outcome and its reasons, extension reasons
    "breach": "own_retention.kept.breach",  # dates, nature, categories, counts, risk, notifications, measures
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same time of day `months` later, on the same date or the last day of that month
    (models/deadlines.py's calendar rule, Regulation 1182/71 art. 3(2)(c))."""
    day = deadlines.add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def period_ends(closed_at: datetime, months: int) -> datetime:
    """The moment a case closed at `closed_at` reaches the end of its period."""
    return add_months(as_utc(closed_at), months)


def is_due(closed_at: datetime | None, months: int, now: datetime) -> bool:
    """Pseudonymised from the end of the period on (never before, never an open case)."""
    return closed_at is not None and as_utc(now) >= period_ends(closed_at, months)


def valid_months(months: int) -> bool:
    return isinstance(months, int) and not isinstance(months, bool) and MIN_MONTHS <= months <= MAX_MONTHS


class OwnRetentionRule(SQLModel, table=True):
    """An entity's period for one kind of case, replacing DEFAULT_MONTHS."""

    __tablename__ = "own_retention_rule"
    __table_args__ = (UniqueConstraint("entity_id", "kind"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    kind: str = Field(max_length=20)
    months: int
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by_name: str = Field(default="", max_length=200)


class CaseKey(SQLModel, table=True):
    """The AES-256 key under which a case's personal parts are encrypted (its documents,
    the sealed parts of its audit entries), wrapped by the master key kept outside the
    database (dashboard/case_keys.py). Destroyed at the end of the period: `wrapped`
    becomes NULL and `destroyed_at` / `destroyed_rule` say when and under which rule."""

    __tablename__ = "case_key"
    __table_args__ = (UniqueConstraint("case_type", "case_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=40)
    case_id: int
    wrapped: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(sa_type=UTCDateTime)
    destroyed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    destroyed_rule: str = Field(default="", max_length=200)


class AuditSealed(SQLModel, table=True):
    """The personal part of an audit entry, encrypted under its case's key. The entry's
    details hold the SHA-256 of `envelope` and the key's id: the chain hashes that stable
    part, so destroying the key leaves the chain verifiable (dashboard/audit.py)."""

    __tablename__ = "audit_sealed"

    id: Optional[int] = Field(default=None, primary_key=True)
    key_id: int = Field(index=True)
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64, unique=True, index=True)
