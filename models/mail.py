"""E-mail notifications: the outbox (one row per mail, which is also the send log and the
at-most-once claim), each user's preferences, and the pure rules that say when a reminder
is due.

A mail names the kind of event, the case reference and a link into the app: never
personal data (no requester, no breach facts). Deadlines themselves are not computed
here: the worker reads them from the overview's sources (dashboard/overview/sources.py),
which apply models/deadlines.py.
"""

from datetime import date, datetime, timedelta
from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.clock import PARIS, paris_date
from models.types import UTCDateTime, as_utc, utcnow

# ------------------------------------------------------------------ events

# Immediate events, enqueued by the use cases in their own transaction.
REQUEST_ROUTED = "request_routed"
BREACH_DECLARED = "breach_declared"
# Reminders, scheduled by the worker from the overview's deadline sources.
DSR_DEADLINE = "dsr_deadline"  # the request's answer date at -7, -3, -1 days (department heads)
DSR_OVERDUE = "dsr_overdue"  # the answer date has passed (heads, escalated to the DPO)
BREACH_CLOCK = "breach_clock"  # the 72-hour clock at -24, -12, -1 hours and run out (DPO, legal)
CONTRACT = "contract"  # processor contract ends, notice dates, proofs of return or deletion
OBJECTION_WINDOW = "objection_window"  # sub-processor objection windows (Art. 28(2))
PROCESSOR_AUDIT = "processor_audit"
DPIA = "dpia"  # DPIA reviews (Art. 35(11)), action-plan measures, the CNIL's answer
REGISTER_REVIEW = "register_review"
DATA_REVIEW = "data_review"  # yearly review tasks and consent withdrawals to carry into each system
ACTION = "action"  # breach remediation measures of the action plan (dashboard/action_plan.py)
DIGEST = "digest"  # weekly summary

EVENTS = (REQUEST_ROUTED, BREACH_DECLARED, DSR_DEADLINE, DSR_OVERDUE, BREACH_CLOCK, CONTRACT, OBJECTION_WINDOW,
          PROCESSOR_AUDIT, DPIA, REGISTER_REVIEW, DATA_REVIEW, ACTION, DIGEST)

# Which overview source (dashboard/overview/sources.py kind) feeds which reminder event.
SOURCE_EVENTS = {
    "breach_notification": BREACH_CLOCK,
    "breach_remediation": ACTION,
    "contract_end": CONTRACT,
    "contract_notice": CONTRACT,
    "destruction_proof": CONTRACT,
    "processor_audit": PROCESSOR_AUDIT,
    "objection_window": OBJECTION_WINDOW,
    "dpia_review": DPIA,
    "dpia_measure": DPIA,
    "cnil_answer": DPIA,
    "register_review": REGISTER_REVIEW,
    "retention_task": DATA_REVIEW,
    "consent_propagation": DATA_REVIEW,
}  # "dsr_answer" splits into DSR_DEADLINE / DSR_OVERDUE by threshold

# Who receives which event (models.roles.Role values); a user narrows it in the preferences.
ROLE_EVENTS = {
    "dpo": frozenset({BREACH_DECLARED, DSR_OVERDUE, BREACH_CLOCK, CONTRACT, OBJECTION_WINDOW, PROCESSOR_AUDIT, DPIA,
                      REGISTER_REVIEW, DATA_REVIEW, ACTION, DIGEST}),
    "legal": frozenset({BREACH_DECLARED, BREACH_CLOCK, ACTION}),
    "department_head": frozenset({REQUEST_ROUTED, DSR_DEADLINE, DSR_OVERDUE, DPIA, REGISTER_REVIEW, DATA_REVIEW,
                                  DIGEST}),
    "auditor": frozenset(),
}

# ------------------------------------------------------------------ thresholds

DAY_THRESHOLDS = (7, 3, 1)  # days before a date deadline
HOUR_THRESHOLDS = (24, 12, 1)  # hours before the breach's 72-hour deadline (Art. 33(1))
OVERDUE = "overdue"
OVERDUE_WINDOW_DAYS = 30  # a deadline missed longer ago is not announced again (no flood at first start)


def day_threshold(due: date, today: date) -> str | None:
    """The reminder a date deadline has reached on `today` (a Paris calendar day): "d-7",
    "d-3", "d-1" or "overdue"; None before seven days or long after. Only the nearest
    reached is returned, so a worker that was stopped sends one reminder, not three."""
    days_left = (due - today).days
    if days_left < 0:
        return OVERDUE if -days_left <= OVERDUE_WINDOW_DAYS else None
    reached = [n for n in DAY_THRESHOLDS if days_left <= n]
    return f"d-{min(reached)}" if reached else None


def hour_threshold(deadline: datetime, now: datetime) -> str | None:
    """The same for an instant deadline (the breach clock, in hours, no weekend shift):
    "h-24", "h-12", "h-1" or "overdue"."""
    left = as_utc(deadline) - as_utc(now)
    if left < timedelta(0):
        return OVERDUE if -left <= timedelta(days=OVERDUE_WINDOW_DAYS) else None
    reached = [n for n in HOUR_THRESHOLDS if left <= timedelta(hours=n)]
    return f"h-{min(reached)}" if reached else None


DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7  # 07:00 in Paris


def digest_week(now: datetime) -> str | None:
    """The ISO week ("2026-W49") whose digest is due at `now`: from Monday 07:00 in Paris
    on; None before that on a Monday. Once sent (the claim), not again that week."""
    local = as_utc(now).astimezone(PARIS)
    if local.weekday() == DIGEST_WEEKDAY and local.hour < DIGEST_HOUR:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def next_attempt(attempts: int, failed_at: datetime) -> datetime | None:
    """After `attempts` failed sends: when to try again (1 min, 5 min, 30 min, 2 h), or
    None when the mail is given up (shown to the DPO)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return as_utc(failed_at) + RETRY_DELAYS[max(0, attempts - 1)]


def wants(role: str, disabled: set[str] | frozenset[str], event: str) -> bool:
    """Whether a user of `role` who switched off `disabled` receives `event`."""
    return event in ROLE_EVENTS.get(role, frozenset()) and event not in disabled


def today_in_paris(now: datetime) -> date:
    return paris_date(as_utc(now))


# ------------------------------------------------------------------ tables

# Outbox statuses.
PENDING = "pending"  # to send (again, after next_attempt_at)
SENDING = "sending"  # claimed by one worker; never sent twice, even if that worker died
SENT = "sent"
FAILED = "failed"  # given up after MAX_ATTEMPTS, or interrupted: shown to the DPO
NOT_CONFIGURED = "not_configured"  # no SMTP server configured: kept as a record, not sent
CANCELLED = "cancelled"  # the recipient's account was disabled before it went
NO_ADDRESS = "no_address"  # the recipient's account has no e-mail address (the account page says so)
STATUSES = (PENDING, SENDING, SENT, FAILED, NOT_CONFIGURED, CANCELLED, NO_ADDRESS)


class MailOutbox(SQLModel, table=True):
    """One mail to one user about one event. The unique key is the claim: a reminder's row
    is inserted before it is sent, so two workers (or a restarted one) cannot both send it."""

    __tablename__ = "mail_outbox"
    __table_args__ = (UniqueConstraint("event", "case_type", "case_id", "threshold", "recipient_id",
                                       name="uq_mail_outbox_claim"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    event: str = Field(max_length=40)
    case_type: str = Field(max_length=20)  # "dsr", "breach", ... or "digest"
    case_id: int = 0
    case_reference: str = Field(default="", max_length=40)
    threshold: str = Field(max_length=80)  # "d-7", "h-12", "overdue", "2026-W49", "routed:3:v2"...
    kind: str = Field(default="", max_length=40)  # the overview kind of deadline, if any
    due: str = Field(default="", max_length=40)  # the deadline as an ISO date or instant, if any
    recipient_id: int = Field(foreign_key="app_user.id", index=True)
    recipient_email: str = Field(default="", max_length=254)
    status: str = Field(default=PENDING, max_length=20, index=True)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str = Field(default="", max_length=80)
    last_error: str = Field(default="", max_length=500)


class MailPreference(SQLModel, table=True):
    """What a user wants by e-mail; no row = every event of the role, digest on, the
    account's language."""

    __tablename__ = "mail_preference"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True, index=True)
    disabled_events: str = Field(default="", max_length=500)  # comma-separated EVENTS switched off
    language: str = Field(default="fr", max_length=2)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def disabled(self) -> frozenset[str]:
        return frozenset(e for e in self.disabled_events.split(",") if e in EVENTS)
