"""The rules a breach follows, as pure functions (no database, no interface).

Sources: GDPR Art. 33 (notification to the supervisory authority within 72 hours
of awareness, unless the breach is unlikely to result in a risk; reasons for any
delay; information in phases), Art. 34 (communication to the people when the risk
is high, unless an Art. 34(3) exception applies), Art. 33(5) (every breach is
documented, notified or not), EDPB Guidelines 9/2022.

Problems are (field, catalogue key) pairs: the application turns them into a
message in the user's language and saves nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.breach import (
    DATA_CATEGORIES,
    Art34Exception,
    AuthorityNotification,
    Breach,
    DataFlag,
    NotificationPhase,
    RiskLevel,
)
from models.deadlines import breach_notification_late

Problem = tuple[str, str]
MIN_REASON_LENGTH = 10
CLOCK_TOLERANCE = timedelta(minutes=5)  # a time typed "now" on a slow clock is not in the future


@dataclass(frozen=True)
class Obligations:
    """What a risk assessment obliges the controller to do."""

    notify_authority: bool
    inform_people: bool  # individually (Art. 34(1))
    public_communication: bool  # instead, Art. 34(3)(c)


def obligations(risk_level: str | None, exception: str | None = None) -> Obligations | None:
    """No risk: documented only. Risk: notify the authority. High risk: the authority
    and the people, unless a named Art. 34(3) exception applies — and under (c) a
    public communication replaces the individual one. None while not assessed."""
    if risk_level is None:
        return None
    level = RiskLevel(risk_level)
    if level == RiskLevel.NONE:
        return Obligations(False, False, False)
    if level == RiskLevel.RISK:
        return Obligations(True, False, False)
    if exception is None:
        return Obligations(True, True, False)
    return Obligations(True, False, Art34Exception(exception) == Art34Exception.DISPROPORTIONATE_EFFORT)


def authority_state(risk_level: str | None, notified_at: datetime | None) -> AuthorityNotification:
    """The stored notification state: the clock runs until a notification is recorded
    or the breach is assessed as unlikely to result in a risk."""
    if notified_at is not None:
        return AuthorityNotification.DONE
    if risk_level == RiskLevel.NONE:
        return AuthorityNotification.NOT_REQUIRED
    return AuthorityNotification.PENDING


def clock_running(breach: Breach) -> bool:
    return breach.authority_notification == AuthorityNotification.PENDING and breach.notification_deadline is not None


def data_flags(categories: Iterable[str]) -> list[DataFlag]:
    """Art. 9, Art. 10 and financial data among the categories, in a stable order."""
    found = {DATA_CATEGORIES.get(code) for code in categories}
    return [flag for flag in DataFlag if flag in found]


def approximate_kind(low: int | None, high: int | None) -> str:
    """How an approximate number reads: unknown, exact, a range, at least, at most."""
    if low is None and high is None:
        return "unknown"
    if low is not None and high is not None:
        return "exact" if low == high else "range"
    return "at_least" if low is not None else "at_most"


# ------------------------------------------------------------------- input checks


def timeline_problems(*, started_at: datetime | None, ended_at: datetime | None, detected_at: datetime,
                      aware_at: datetime | None, now: datetime) -> list[Problem]:
    problems: list[Problem] = []
    for name, value in (("started_at", started_at), ("ended_at", ended_at), ("detected_at", detected_at),
                        ("aware_at", aware_at)):
        if value is not None and value > now + CLOCK_TOLERANCE:
            problems.append((name, "breach.in_future"))
    if started_at is not None:
        if detected_at < started_at:
            problems.append(("detected_at", "breach.detected_before_start"))
        if aware_at is not None and aware_at < started_at:
            problems.append(("aware_at", "breach.aware_before_start"))
        if ended_at is not None and ended_at < started_at:
            problems.append(("ended_at", "breach.end_before_start"))
    if aware_at is not None and aware_at < detected_at:
        problems.append(("aware_at", "breach.aware_before_detection"))
    return problems


def number_problems(name: str, low: int | None, high: int | None) -> list[Problem]:
    """An approximate number is a number, a range or unknown; never negative."""
    problems = [(f"{name}_{end}", "breach.negative_number")
                for end, value in (("min", low), ("max", high)) if value is not None and value < 0]
    if not problems and low is not None and high is not None and low > high:
        problems.append((f"{name}_max", "breach.range_inverted"))
    return problems


def qualification_problems(*, risk_level: str, justification: str, exception: str | None,
                           exception_details: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(justification.strip()) < MIN_REASON_LENGTH:
        problems.append(("risk_justification", "breach.justification_required"))
    if exception is not None:
        if risk_level != RiskLevel.HIGH:
            problems.append(("art34_exception", "breach.exception_only_high"))
        elif len(exception_details.strip()) < MIN_REASON_LENGTH:
            problems.append(("art34_exception_details", "breach.exception_details_required"))
    return problems


def initial_needs_reasons(deadline: datetime | None, sent_at: datetime, delay_reasons: str) -> bool:
    """A late initial notification without reasons for the delay (Art. 33(1))."""
    return (deadline is not None and breach_notification_late(deadline, sent_at)
            and len(delay_reasons.strip()) < MIN_REASON_LENGTH)


def notification_problems(breach: Breach, *, phase: NotificationPhase, sent_at: datetime, delay_reasons: str,
                          now: datetime) -> list[Problem]:
    """A notification is recorded once awareness is established; a late initial one
    only with the reasons for the delay. Complementary notifications are expected
    after the 72 hours (Art. 33(4)) and need none."""
    if breach.aware_at is None:
        return [("aware_at", "breach.awareness_needed")]
    problems: list[Problem] = []
    if sent_at > now + CLOCK_TOLERANCE:
        problems.append(("sent_at", "breach.in_future"))
    if sent_at < breach.detected_at:
        problems.append(("sent_at", "breach.notified_before_detection"))
    if phase == NotificationPhase.INITIAL and initial_needs_reasons(breach.notification_deadline, sent_at,
                                                                    delay_reasons):
        problems.append(("delay_reasons", "breach.delay_reasons_required"))
    return problems


def closing_problems(breach: Breach, *, has_initial_notification: bool) -> list[Problem]:
    """What must be true before a breach is closed: assessed, remedied, and every
    obligation of the assessment carried out (Art. 33, 34)."""
    problems: list[Problem] = []
    if breach.aware_at is None:
        problems.append(("aware_at", "breach.awareness_needed"))
    duties = obligations(breach.risk_level, breach.art34_exception)
    if duties is None:
        problems.append(("risk_level", "breach.close_needs_assessment"))
        return problems
    if not breach.measures_taken.strip():
        problems.append(("measures_taken", "breach.close_needs_measures"))
    if duties.notify_authority and not has_initial_notification:
        problems.append(("notified_at", "breach.close_needs_notification"))
    if duties.inform_people and breach.people_informed_at is None:
        problems.append(("people_informed_at", "breach.close_needs_people_informed"))
    if duties.public_communication and breach.people_informed_at is None:
        problems.append(("people_informed_at", "breach.close_needs_public_communication"))
    return problems
