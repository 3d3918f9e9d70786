"""Personal-data breaches (GDPR Art. 33-34): the register every breach lands in,
notified or not (Art. 33(5)).

Choice lists are string columns validated by the domain (no native ENUM types).
The 72-hour deadline and the authority-notification state are stored columns,
recomputed by the use cases whenever their inputs change, so that SQL finds the
breaches whose clock runs (`authority_notification = 'pending'`) and sorts them by
`notification_deadline` without loading them.
"""

from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.case import CaseBase, version_column
from models.types import UTCDateTime, utcnow

BREACH_PREFIX = "VIO"  # "violation": VIO-2026-0001
CASE_TYPE = "breach"
LONG_TEXT = 4000
# The free text of the letter to the people (Art. 34(2), with Art. 33(3)(b)-(d)): French on
# the breach's own columns, English in Breach.letter_texts_en under the same names.
LETTER_TEXT_FIELDS = ("people_summary", "likely_consequences", "measures_taken", "measures_proposed",
                      "people_advice")
# What the letter cannot go without: Art. 34(2) requires in clear and plain language the
# nature of the breach, the DPO's contact (from the entity), the likely consequences
# (33(3)(c)) and the measures taken or proposed (33(3)(d)); the advice is the controller's
# own requirement (recommendations to the person, recital 86).
LETTER_REQUIRED_FIELDS = ("people_summary", "likely_consequences", "measures_taken", "people_advice")


class BreachStatus(StrEnum):
    DECLARED = "declared"  # reported, risk not yet assessed by the DPO or legal
    ASSESSED = "assessed"  # risk assessed, decisions being carried out
    CLOSED = "closed"


class RiskLevel(StrEnum):
    NONE = "none"  # unlikely to result in a risk: documented, not notified (Art. 33(1))
    RISK = "risk"  # notify the supervisory authority
    HIGH = "high"  # notify the authority and inform the people (Art. 34(1))


class Art34Exception(StrEnum):
    """Art. 34(3): when people need not be informed of a high-risk breach."""

    UNINTELLIGIBLE = "unintelligible"  # (a) e.g. encrypted, key not compromised
    RISK_NO_LONGER_LIKELY = "risk_no_longer_likely"  # (b) subsequent measures
    DISPROPORTIONATE_EFFORT = "disproportionate_effort"  # (c) public communication instead


class AuthorityNotification(StrEnum):
    PENDING = "pending"  # the 72-hour clock runs (from awareness)
    NOT_REQUIRED = "not_required"  # assessed as no risk
    DONE = "done"  # initial notification recorded


class CauseOrigin(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    UNKNOWN = "unknown"


class CauseIntent(StrEnum):
    ACCIDENTAL = "accidental"
    MALICIOUS = "malicious"
    UNKNOWN = "unknown"


class NotificationPhase(StrEnum):
    INITIAL = "initial"
    COMPLEMENTARY = "complementary"  # Art. 33(4): information provided in phases


class StepKind(StrEnum):
    """The incident-response plan of the seeds: contain, assess, notify, remediate."""

    CONTAINMENT = "containment"
    ASSESSMENT = "assessment"
    NOTIFICATION = "notification"
    REMEDIATION = "remediation"


class DataFlag(StrEnum):
    SPECIAL = "art9"  # special categories, Art. 9
    CRIMINAL = "art10"  # criminal convictions and offences, Art. 10
    NIR = "nir"  # the social security number: use framed by loi 78-17 art. 30 (not Art. 9)
    FINANCIAL = "financial"  # highly personal (WP248 rev.01 criterion 4), not Art. 9


# Categories of personal data, close to the CNIL notification form's list; each
# with the flag it raises in the register (None: no flag).
DATA_CATEGORIES: dict[str, DataFlag | None] = {
    "identity": None,
    "contact": None,
    "social_security_number": DataFlag.NIR,
    "credentials": None,
    "connection_data": None,
    "location": None,
    "professional": None,
    "education": None,
    "personal_life": None,
    "bank_payment": DataFlag.FINANCIAL,
    "economic_situation": DataFlag.FINANCIAL,
    "health": DataFlag.SPECIAL,
    "other_special": DataFlag.SPECIAL,
    "offences": DataFlag.CRIMINAL,
}


_version = version_column()


class Breach(CaseBase, table=True):
    __tablename__ = "breach"
    __table_args__ = (
        # "Clock running" breaches by deadline: the deadline overview aggregates on this.
        Index("ix_breach_clock", "authority_notification", "notification_deadline"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=LONG_TEXT)
    declared_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id", index=True)
    declared_by_name: str = Field(default="", max_length=200)

    # Timeline. The clock starts at awareness, not at detection (EDPB Guidelines 9/2022 § 31-34).
    started_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    ended_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    detected_at: datetime = Field(sa_type=UTCDateTime)
    aware_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    notification_deadline: Optional[datetime] = Field(default=None, sa_type=UTCDateTime, index=True)
    discovery: str = Field(default="", max_length=LONG_TEXT)  # how it was discovered

    # Nature (one or several) and cause.
    confidentiality: bool = False
    integrity: bool = False
    availability: bool = False
    cause_origin: str = Field(default=CauseOrigin.UNKNOWN, max_length=20)
    cause_intent: str = Field(default=CauseIntent.UNKNOWN, max_length=20)
    cause_details: str = Field(default="", max_length=LONG_TEXT)
    # At a processor: its name for now; linked to the processor record once that register lands.
    processor_name: Optional[str] = Field(default=None, max_length=200)
    # The processor's record when it is in the register (its name is then copied above).
    processor_id: Optional[int] = Field(default=None, foreign_key="processor.id", index=True)
    systems: str = Field(default="", max_length=LONG_TEXT)

    # What and whom. Approximate numbers: min = max exact, min < max a range, both None unknown.
    data_categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    data_details: str = Field(default="", max_length=LONG_TEXT)
    people_categories: str = Field(default="", max_length=LONG_TEXT)
    people_min: Optional[int] = None
    people_max: Optional[int] = None
    records_min: Optional[int] = None
    records_max: Optional[int] = None

    likely_consequences: str = Field(default="", max_length=LONG_TEXT)
    measures_taken: str = Field(default="", max_length=LONG_TEXT)
    measures_proposed: str = Field(default="", max_length=LONG_TEXT)

    # Risk assessment and decisions.
    risk_level: Optional[str] = Field(default=None, max_length=10, index=True)
    risk_justification: str = Field(default="", max_length=LONG_TEXT)
    art34_exception: Optional[str] = Field(default=None, max_length=40)
    art34_exception_details: str = Field(default="", max_length=LONG_TEXT)
    assessed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    assessed_by_name: str = Field(default="", max_length=200)

    # Notification to the authority: state and first (initial) notification, kept in step
    # with the breach_notification rows by the use cases.
    authority_notification: str = Field(default=AuthorityNotification.PENDING, max_length=20)  # ix_breach_clock
    notified_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime, index=True)

    # Communication to the people (Art. 34): text of the letter and when it was sent.
    people_summary: str = Field(default="", max_length=LONG_TEXT)  # what happened, in plain words
    people_advice: str = Field(default="", max_length=LONG_TEXT)  # what the person should do now
    # The English version of the letter's free text (LETTER_TEXT_FIELDS -> text): the French
    # fields above are the source; an English letter is issued only with these filled in.
    letter_texts_en: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    people_informed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    people_information_means: str = Field(default="", max_length=500)

    closed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    closing_note: str = Field(default="", max_length=LONG_TEXT)
    pseudonymised_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)  # models/own_retention.py
    # The free text above folded for the DPO's person search (models.person_search.breach_search_text),
    # kept current by the use cases that change those fields.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))

    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}


class BreachNotification(SQLModel, table=True):
    """One phase of the notification to the authority (Art. 33(4)). Never edited: a
    correction is a complementary notification."""

    __tablename__ = "breach_notification"

    id: Optional[int] = Field(default=None, primary_key=True)
    breach_id: int = Field(foreign_key="breach.id", index=True)
    phase: str = Field(max_length=20)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    authority_reference: str = Field(max_length=60)  # the CNIL's notification number
    content_added: str = Field(default="", max_length=LONG_TEXT)
    delay_reasons: str = Field(default="", max_length=LONG_TEXT)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    recorded_by_name: str = Field(default="", max_length=200)


class BreachStep(SQLModel, table=True):
    """An incident-response step with its owner and times."""

    __tablename__ = "breach_step"

    id: Optional[int] = Field(default=None, primary_key=True)
    breach_id: int = Field(foreign_key="breach.id", index=True)
    kind: str = Field(max_length=20)
    description: str = Field(max_length=LONG_TEXT)
    owner_name: str = Field(max_length=200)
    due_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    done_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_name: str = Field(default="", max_length=200)


class BreachActivity(SQLModel, table=True):
    """The processing activities a breach concerns (the register's hub)."""

    __tablename__ = "breach_activity"
    __table_args__ = (UniqueConstraint("breach_id", "activity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    breach_id: int = Field(foreign_key="breach.id", index=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)


class BreachDepartment(SQLModel, table=True):
    """The departments a breach concerns: their heads see it."""

    __tablename__ = "breach_department"
    __table_args__ = (UniqueConstraint("breach_id", "department_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    breach_id: int = Field(foreign_key="breach.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)


EXTRACT_CASE_TYPE = "breach_register_extract"  # the key of one register extract (dashboard/breach/documents.py)


class BreachRegisterCover(SQLModel, table=True):
    """A breach printed in a register extract (PDF or CSV). The extract prints the breach's
    narrative, which the own-retention job erases at the end of its period: the extract is
    stored encrypted under a key of its own (case key `breach_register_extract`,
    `extract_id`), destroyed as soon as any breach it covers reaches its period."""

    __tablename__ = "breach_register_cover"
    __table_args__ = (UniqueConstraint("extract_id", "breach_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    extract_id: int = Field(index=True)  # the case id of the extract's key and document
    breach_id: int = Field(foreign_key="breach.id", index=True)
