"""Data-subject requests (GDPR Arts. 12-22): the tables and their pure rules.

The request row carries every deadline as an indexed column, kept current by the
use cases (dashboard/dsr/): `received_on` (Paris day), `legal_due_on` (Art. 12(3)),
`health_due_on` (Code de la santé publique, when it applies), `due_on` (the one
that governs "late"), `internal_target_on` (the organisation's policy). While the
clock is suspended (waiting for the person), `suspended_since` is set and the
request cannot be late; when the person answers, the suspended days are added and
the deadlines recomputed.

Never stored: the identity document itself (minimisation) — only whether proof was
asked, when, how it was verified and by whom.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models import deadlines
from models.case import CaseBase, version_column
from models.errors import RuleViolation
from models.person_search import search_key
from models.types import UTCDateTime, utcnow

DSR_PREFIX = "DSR"
CASE_TYPE = "dsr"

CHANNELS = ("email", "letter", "web_form", "phone", "in_person", "cnil")
RELATIONS = ("staff", "elected_member", "member", "prospect", "learner", "other")
RIGHTS = ("information", "access", "rectification", "erasure", "restriction", "portability", "objection",
          "consent_withdrawal", "marketing_opt_out")
# Art. 19: recipients are told of a rectification, an erasure or a restriction.
ART19_RIGHTS = frozenset({"rectification", "erasure", "restriction"})
IDENTITY_METHODS = ("known_account", "document_sighted", "knowledge_questions", "in_person", "signed_letter",
                    "other")
ERASURE_METHODS = ("deletion", "anonymisation", "overwrite")
RECIPIENT_STATES = ("pending", "notified", "impossible")


class Status:
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    IN_PROGRESS = "in_progress"
    ANSWER_PROPOSED = "answer_proposed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUSES = (Status.RECEIVED, Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION, Status.IN_PROGRESS,
            Status.ANSWER_PROPOSED, Status.CLOSED, Status.WITHDRAWN)
OPEN_STATUSES = STATUSES[:5]
WAITING_STATUSES = frozenset({Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION})

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION, Status.IN_PROGRESS,
                                Status.CLOSED, Status.WITHDRAWN}),
    Status.AWAITING_IDENTITY: frozenset({Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN}),
    Status.AWAITING_CLARIFICATION: frozenset({Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN}),
    Status.IN_PROGRESS: frozenset({Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION,
                                   Status.ANSWER_PROPOSED, Status.CLOSED, Status.WITHDRAWN}),
    Status.ANSWER_PROPOSED: frozenset({Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


class Outcome:
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    EXCESSIVE = "excessive"
    CANNOT_IDENTIFY = "cannot_identify"


OUTCOMES = (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.MANIFESTLY_UNFOUNDED,
            Outcome.EXCESSIVE, Outcome.CANNOT_IDENTIFY)
# Every outcome but a full grant is a decision not to act (in full): Art. 12(4) requires
# the reasons and the information on the right to complain to the CNIL and to a
# judicial remedy; Art. 12(5) makes the justification of "manifestly unfounded or
# excessive" mandatory; Art. 11(2) asks the controller to demonstrate it cannot identify.
OUTCOMES_NEEDING_REASONS = frozenset(OUTCOMES) - {Outcome.GRANTED}
# Outcomes after which the person's request was (at least partly) carried out: the
# Art. 19 recipients must all have been dealt with.
OUTCOMES_CARRIED_OUT = frozenset({Outcome.GRANTED, Outcome.PARTLY_GRANTED})
# Outcomes by which the controller does not take action on the request: Art. 12(4) wants
# them, with their reasons, within one month of receipt even when the request was
# extended (models.deadlines.dsr_refusal_due_date). A partial grant is action taken.
OUTCOMES_NOT_ACTING = frozenset({Outcome.REFUSED, Outcome.MANIFESTLY_UNFOUNDED, Outcome.EXCESSIVE,
                                 Outcome.CANNOT_IDENTIFY})
# Art. 21(2)-(3): an objection to direct marketing is absolute — once the person objects,
# the data "shall no longer be processed for such purposes"; no balancing as under
# Art. 21(1). Such a request cannot be refused on its merits (nor partly, when it asks
# nothing else); Arts. 11(2) and 12(5) (identity, manifestly unfounded or excessive)
# still apply as to every right.
MARKETING_OBJECTION = "marketing_opt_out"
OUTCOMES_FORBIDDEN_FOR_MARKETING_OBJECTION = frozenset({Outcome.REFUSED, Outcome.PARTLY_GRANTED})


# ------------------------------------------------------------------------ tables

_version = version_column()


class DataSubjectRequest(CaseBase, table=True):
    __tablename__ = "dsr_request"
    __table_args__ = (
        # The list's and the deadline overview's access paths: open requests in deadline
        # order (overall, per department, per entity) and one status in deadline order.
        # `is_open` rather than `status IN (...)`: old closed requests have the earliest
        # deadlines, and an IN list would make the database walk past all of them.
        # suspended_since last: "late" and "due within" are answered from the index alone.
        Index("ix_dsr_request_open_due_on", "is_open", "due_on", "id", "suspended_since"),
        # id after due_on, as in the list's order: a head's deep pages of open requests then come
        # from the index in order, not from a sort or from the index below (migration 0034).
        Index("ix_dsr_request_department_open_due_on", "department_id", "is_open", "due_on", "id", "suspended_since"),
        Index("ix_dsr_request_entity_open_due_on", "entity_id", "is_open", "due_on"),
        Index("ix_dsr_request_status_due_on", "status", "due_on"),
        # A department's requests of every status in list order (a head's "all statuses", paged
        # by offset): read in order from the index, page 200 reads 10 000 entries instead of
        # walking the whole deadline index past every other department's (migration 0034). It
        # also serves what the one-column department index served (foreign key, counts).
        Index("ix_dsr_request_department_due_on", "department_id", "due_on", "id"),
        # The deadline overview at a million requests (benchmarks/overview.py, migration 0011).
        # Open requests whose clock runs: without it SQLite's planner takes the one-column
        # suspended_since index for "suspended_since IS NULL" (nearly every row) and reads the
        # whole table; with it the counts come from the index alone.
        Index("ix_dsr_request_open_suspended_due_on", "is_open", "suspended_since", "due_on"),
        # Requests received / answered (and in time) per month, from the index alone: the
        # period's rows overall, within a department (heads, the department filter) and within
        # an entity (the entity filter). The scope leads so that both planners pick it whatever
        # the table's size (SQLite cannot tell how selective the period is).
        Index("ix_dsr_request_answered_on_due_on", "answered_on", "due_on"),
        Index("ix_dsr_request_department_received_on", "department_id", "received_on"),
        Index("ix_dsr_request_department_answered_on", "department_id", "answered_on", "due_on"),
        Index("ix_dsr_request_entity_received_on", "entity_id", "received_on"),
        Index("ix_dsr_request_entity_answered_on", "entity_id", "answered_on", "due_on"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    is_open: bool = True  # status in OPEN_STATUSES, kept by the use cases
    channel: str = Field(max_length=20)
    received_at: datetime = Field(sa_type=UTCDateTime)  # reached an official channel: the clock starts
    received_on: date = Field(index=True)  # its Paris calendar day
    # The requester: personal data, shown only through dashboard.access.log_access.
    requester_name: str = Field(max_length=200)
    requester_contact: str = Field(default="", max_length=300)
    requester_name_key: str = Field(default="", max_length=200, index=True)  # normalised, for duplicates
    requester_contact_key: str = Field(default="", max_length=300, index=True)
    relation: str = Field(max_length=20, index=True)
    is_minor: bool = False
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    department_id: Optional[int] = Field(default=None, foreign_key="department.id")  # indexed with due_on
    complex: bool = False  # the internal target's longer period (the insurer's 60 days)
    # Access to health records (Code de la santé publique art. L1111-7).
    health_access: bool = False
    health_older_than_five_years: bool = False
    # Identity (Art. 12(6)): never the document itself.
    identity_proof_asked: bool = False
    identity_asked_on: Optional[date] = None
    identity_verified_on: Optional[date] = None
    identity_method: str = Field(default="", max_length=30)
    identity_verified_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    # Clock suspension (EDPB Guidelines 01/2022): completed periods add up here.
    suspended_days: int = 0
    suspended_since: Optional[date] = Field(default=None, index=True)
    # Extension (Art. 12(3)): reasons and the day the person was told.
    extended: bool = False
    extension_reasons: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    extension_notified_on: Optional[date] = None
    # Deadlines, recomputed whenever an input changes.
    legal_due_on: date
    health_due_on: Optional[date] = None
    due_on: date = Field(index=True)
    internal_target_on: date = Field(index=True)
    # The department's proposal, then the DPO's decision.
    proposed_answer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    proposed_outcome: str = Field(default="", max_length=30)
    proposed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    proposed_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    outcome: str = Field(default="", max_length=30, index=True)
    outcome_reasons: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    remedies_informed: bool = False  # Art. 12(4): CNIL complaint and judicial remedy
    answered_on: Optional[date] = Field(default=None, index=True)
    closed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime, index=True)
    pseudonymised_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)  # models/own_retention.py
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}


class DsrRight(SQLModel, table=True):
    """A right invoked by a request (several per request)."""

    __tablename__ = "dsr_right"
    __table_args__ = (UniqueConstraint("request_id", "right"), Index("ix_dsr_right_right_request", "right",
                                                                     "request_id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    right: str = Field(max_length=30)


class DsrActivity(SQLModel, table=True):
    """The processing activities a request concerns."""

    __tablename__ = "dsr_activity"
    __table_args__ = (UniqueConstraint("request_id", "activity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)


class DsrSuspension(SQLModel, table=True):
    """A period during which the clock stopped while waiting for the person."""

    __tablename__ = "dsr_suspension"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    waiting_for: str = Field(max_length=30)  # awaiting_identity / awaiting_clarification
    started_on: date
    ended_on: Optional[date] = None
    note: str = Field(default="", max_length=500)


class DsrSearch(SQLModel, table=True):
    """What a department searched, per system, and what it found."""

    __tablename__ = "dsr_search"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    system: str = Field(max_length=200)
    data_categories: str = Field(default="", max_length=500)
    found: bool = False
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    searched_on: date
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    recorded_by_name: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DsrRecipient(SQLModel, table=True):
    """Art. 19: a recipient to be told of a rectification, erasure or restriction."""

    __tablename__ = "dsr_recipient"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    recipient: str = Field(max_length=200)
    state: str = Field(default="pending", max_length=20)
    notified_on: Optional[date] = None
    note: str = Field(default="", max_length=500)


class DsrErasure(SQLModel, table=True):
    """One system / data category erased: the lines of the destruction certificate."""

    __tablename__ = "dsr_erasure"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    system: str = Field(max_length=200)
    data_category: str = Field(max_length=300)
    method: str = Field(max_length=20)  # ERASURE_METHODS
    performed_on: date
    performed_by: str = Field(max_length=200)


class DsrRetention(SQLModel, table=True):
    """Data kept despite the erasure, and why (e.g. accounting records)."""

    __tablename__ = "dsr_retention"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    data_category: str = Field(max_length=300)
    reason: str = Field(max_length=500)  # legal basis, e.g. Code de commerce art. L123-22
    keep_until: Optional[date] = None


class DsrRoutingRule(SQLModel, table=True):
    """Which department a request goes to, by entity and the person's relation
    (the insurer's policy by default; editable by the DPO)."""

    __tablename__ = "dsr_routing_rule"
    __table_args__ = (UniqueConstraint("entity_id", "relation"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    relation: str = Field(max_length=20)
    department_id: int = Field(foreign_key="department.id", index=True)


# ------------------------------------------------------------------- pure rules


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise RuleViolation("dsr.error.transition", current=current, target=target)


def check_closing(outcome: str, reasons: str, remedies_informed: bool, pending_recipients: int,
                  rights: frozenset[str] | set[str] = frozenset()) -> None:
    """What closing a request needs, by outcome (Arts. 11, 12(4), 12(5), 19, 21(3))."""
    if outcome not in OUTCOMES:
        raise RuleViolation("dsr.error.outcome_required")
    if MARKETING_OBJECTION in rights:
        if outcome == Outcome.REFUSED or (outcome == Outcome.PARTLY_GRANTED and set(rights) == {MARKETING_OBJECTION}):
            raise RuleViolation("dsr.error.marketing_objection_absolute")
    if outcome in OUTCOMES_NEEDING_REASONS:
        if len(reasons.strip()) < 10:
            raise RuleViolation(f"dsr.error.reasons_required.{outcome}")
        if not remedies_informed:
            raise RuleViolation("dsr.error.remedies_required")
    if outcome in OUTCOMES_CARRIED_OUT and pending_recipients:
        raise RuleViolation("dsr.error.recipients_pending", count=pending_recipients)


@dataclass(frozen=True)
class Deadlines:
    legal_due_on: date  # Art. 12(3), with extension and suspension
    health_due_on: date | None  # Code de la santé publique, when it applies
    due_on: date  # the governing one: "late" is judged against it
    internal_target_on: date


def compute_deadlines(
    received_on: date,
    *,
    extended: bool,
    suspended_days: int,
    alsace_moselle: bool,
    health_applies: bool,
    health_older_than_five_years: bool,
    target_days: int,
    not_acting: bool = False,
) -> Deadlines:
    """`not_acting`: the request was closed with an outcome of OUTCOMES_NOT_ACTING, whose
    information is due within the first month whatever the extension (Art. 12(4))."""
    if not_acting:
        legal = deadlines.dsr_refusal_due_date(received_on, suspended_days, alsace_moselle)
    else:
        legal = deadlines.dsr_due_date(received_on, extended, suspended_days, alsace_moselle)
    health = (deadlines.health_record_due_date(received_on, health_older_than_five_years, suspended_days,
                                               alsace_moselle) if health_applies else None)
    return Deadlines(legal, health, health or legal,
                     deadlines.internal_target_date(received_on, target_days, suspended_days))


def health_earliest_day(request: DataSubjectRequest) -> date | None:
    """First day health information may be sent (CSP L1111-7, 48-hour reflection period);
    None when the public-health-code deadline does not apply."""
    if request.health_due_on is None:
        return None
    return deadlines.health_earliest_communication_day(request.received_at)


def normalise_key(text: str) -> str:
    """Case, accents, ligatures and spacing removed: "  Élodie  MARTIN " and "elodie martin"
    match (models.person_search.search_key: the duplicate hints and the person search share it)."""
    return search_key(text)
