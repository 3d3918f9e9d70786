"""Every legal and internal deadline rule of DPO Desk, with its source.

Counting rule for periods in days, weeks, months and years — Regulation (EEC,
Euratom) No 1182/71 of 3 June 1971 determining the rules applicable to periods,
dates and time limits, Article 3, which the EDPB applies to Art. 12(3) GDPR
(Guidelines 01/2022 on data subject rights — right of access, §§ 157-160):

* Art. 3(1): the day of the event from which the period runs is not counted;
* Art. 3(2)(c): a period in months ends on the day of the last month that has the
  same date as the day of the event, or, if there is no such day, on the last day
  of that month;
* Art. 3(3): Saturdays, Sundays and public holidays are included;
* Art. 3(4): if the last day is a public holiday, a Saturday or a Sunday, the
  period ends on the following working day.

Public holidays are France's (metropolitan by default, `holidays` package);
Alsace-Moselle's local law adds Good Friday and 26 December (Code du travail,
art. L3134-13), selectable per entity.

Days are calendar days in Europe/Paris: a request answered at any time on its
due date is on time; it is late from the next day.
"""

import calendar
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import holidays

from models.clock import paris_time

# ---------------------------------------------------------------- calendar helpers


@lru_cache(maxsize=256)
def _french_holidays(year: int, alsace_moselle: bool) -> frozenset[date]:
    days = holidays.France(years=year, subdiv="57" if alsace_moselle else None)
    return frozenset(days.keys())


def is_public_holiday(day: date, alsace_moselle: bool = False) -> bool:
    return day in _french_holidays(day.year, alsace_moselle)


def is_working_day(day: date, alsace_moselle: bool = False) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day, alsace_moselle)


def next_working_day(day: date, alsace_moselle: bool = False) -> date:
    """`day` itself if it is a working day, else the first working day after it
    (Regulation 1182/71, Art. 3(4))."""
    while not is_working_day(day, alsace_moselle):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """Same date `months` later (or earlier when negative); the last day of the
    target month when it has no such date (Regulation 1182/71, Art. 3(2)(c))."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------ data-subject requests


def dsr_due_date(
    received: date,
    extended: bool = False,
    suspended_days: int = 0,
    alsace_moselle: bool = False,
) -> date:
    """Legal deadline to answer a data-subject request.

    GDPR Art. 12(3): information on action taken "without undue delay and in any
    event within one month of receipt of the request", extendable "by two further
    months where necessary, taking into account the complexity and number of the
    requests" — i.e. three months from receipt. Counted per Regulation 1182/71
    Art. 3 (module docstring). While the controller waits for information it asked
    for to identify the person or clarify the request, the clock is suspended (EDPB
    Guidelines 01/2022, § 159): the suspended days are added to the unshifted end
    date, and only then is a weekend or holiday end moved to the next working day.

    >>> dsr_due_date(date(2025, 3, 5))          # 5 April 2025 is a Saturday
    datetime.date(2025, 4, 7)
    >>> dsr_due_date(date(2025, 1, 31))         # no 31 February
    datetime.date(2025, 2, 28)
    >>> dsr_due_date(date(2025, 3, 31), extended=True)
    datetime.date(2025, 6, 30)
    """
    if suspended_days < 0:
        raise ValueError("suspended_days must not be negative")
    end = add_months(received, 3 if extended else 1) + timedelta(days=suspended_days)
    return next_working_day(end, alsace_moselle)


def dsr_extension_allowed(received: date, today: date, suspended_days: int = 0,
                          alsace_moselle: bool = False) -> bool:
    """An extension must be decided and notified "within one month of receipt"
    (GDPR Art. 12(3)): allowed up to and including the first legal deadline."""
    return today <= dsr_due_date(received, False, suspended_days, alsace_moselle)


def dsr_refusal_due_date(received: date, suspended_days: int = 0, alsace_moselle: bool = False) -> date:
    """Deadline to tell the person that no action will be taken, with the reasons.

    GDPR Art. 12(4): "If the controller does not take action on the request of the data
    subject, the controller shall inform the data subject without delay and at the
    latest within one month of receipt of the request of the reasons for not taking
    action" and of the right to complain and to a judicial remedy. The two-month
    extension of Art. 12(3) does not apply to this information: a refusal sent after
    the first month is late even for an extended request. Same counting and suspension
    as `dsr_due_date` without the extension.
    """
    return dsr_due_date(received, False, suspended_days, alsace_moselle)


def dsr_suspension_allowed(asked_on: date, due: date) -> bool:
    """Whether a question to the person (identity proof, Art. 12(6); clarification,
    recital 63) may still stop the clock.

    GDPR Art. 12(6) lets the controller ask for information to confirm the identity
    "where the controller has reasonable doubts"; the EDPB expects such doubts to be
    raised without undue delay, at the start of the handling of the request, and
    suspends the clock only while that request for information is pending (Guidelines
    01/2022 on the right of access, chapter 3 on identifying and authenticating the
    person, and § 159 on the suspension).

    DPO Desk's rule: the question must be sent on or before the current deadline
    (`due`, suspensions already counted). A question sent once the deadline has passed
    is refused: it cannot suspend a clock that has already run out, and the request
    stays late.
    """
    return asked_on <= due


def health_record_due_date(
    received: date,
    older_than_five_years: bool = False,
    suspended_days: int = 0,
    alsace_moselle: bool = False,
) -> date:
    """Deadline for a person's access to his or her own health information.

    Code de la santé publique, art. L1111-7, second paragraph: communication "au plus
    tard dans les huit jours suivant sa demande", or two months when the information
    dates from more than five years (and not before the 48-hour reflection period,
    `health_reflection_ends`). Days are counted from the day after the request
    (Code civil-style counting, the day of the request not included).

    Weekend shift — a stated choice of DPO Desk, not a rule of the public health code:
    L1111-7 does not say what happens when the eighth day falls on a Saturday, Sunday
    or public holiday. DPO Desk applies the general rule of French law on time limits,
    Code de procédure civile art. 642 (a period that would end on a Saturday, Sunday,
    public holiday or non-working day is extended to the next working day), the same
    shift that Regulation 1182/71 Art. 3(4) gives the GDPR deadline. The DPO may of
    course answer earlier.

    Suspended days — a stated choice of DPO Desk: the public health code has no
    suspension. DPO Desk adds the days spent waiting for the person (identity proof,
    Art. 12(6) GDPR and art. R1111-1 CSP, which lets the holder check the requester's
    identity; or a clarification) as the EDPB does for Art. 12(3) (Guidelines 01/2022,
    § 159): the eight days run on a complete request. Suspended days are added before
    the weekend shift, as for Art. 12(3).
    """
    if suspended_days < 0:
        raise ValueError("suspended_days must not be negative")
    if older_than_five_years:
        end = add_months(received, 2)
    else:
        end = received + timedelta(days=8)
    return next_working_day(end + timedelta(days=suspended_days), alsace_moselle)


HEALTH_REFLECTION_PERIOD = timedelta(hours=48)


def health_reflection_ends(received_at: datetime) -> datetime:
    """End of the 48-hour reflection period before health information is communicated.

    Code de la santé publique, art. L1111-7, second paragraph: the communication takes
    place "au plus tôt après qu'un délai de réflexion de quarante-huit heures aura été
    observé" — for every request, recent or older information alike. A period in hours,
    counted on the UTC time line from the receipt (as the 72-hour breach clock).
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return received_at.astimezone(timezone.utc) + HEALTH_REFLECTION_PERIOD


def health_earliest_communication_day(received_at: datetime) -> date:
    """First Paris day on which health information may be sent (L1111-7, 48 hours).

    DPO Desk records the day an answer was sent, not its hour: to be sure the 48 hours
    have elapsed whatever the hour, the earliest day is the first Paris calendar day
    that starts after they end (a stated choice: one day earlier would be lawful only
    for an answer sent after the hour of receipt).

    >>> health_earliest_communication_day(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    datetime.date(2026, 3, 5)
    """
    ends = paris_time(health_reflection_ends(received_at))
    midnight = ends.replace(hour=0, minute=0, second=0, microsecond=0)
    return ends.date() if ends == midnight else ends.date() + timedelta(days=1)


def internal_target_date(received: date, target_days: int, suspended_days: int = 0) -> date:
    """The organisation's own answer target (the insurer's policy: 30 days, 60 for
    complex or numerous requests), in calendar days. Shown beside the legal
    deadline; only the legal deadline decides whether a request is late."""
    return received + timedelta(days=target_days + suspended_days)


def is_late(due: date, today: date) -> bool:
    """Late from the day after the due date (Paris calendar days)."""
    return today > due


def is_due_within(due: date, today: date, days: int) -> bool:
    """Not late, and due within the next `days` days (today counts as day 0)."""
    return today <= due <= today + timedelta(days=days)


# ------------------------------------------------------------------------ breaches


BREACH_NOTIFICATION_DELAY = timedelta(hours=72)


def breach_notification_deadline(aware_at: datetime) -> datetime:
    """Latest instant to notify the supervisory authority of a personal-data breach.

    GDPR Art. 33(1): "without undue delay and, where feasible, not later than 72
    hours after having become aware of it"; a later notification must give the
    reasons for the delay. The period is in hours (Regulation 1182/71, Art. 3(1),
    first subparagraph, and Art. 3(2)(a)): no weekend or holiday shift. Computed
    on the UTC time line, so a daylight-saving change in between does not add or
    remove an hour; returned in the zone it was given in.
    """
    if aware_at.tzinfo is None:
        raise ValueError("aware_at must be timezone-aware")
    deadline = aware_at.astimezone(timezone.utc) + BREACH_NOTIFICATION_DELAY
    return deadline.astimezone(aware_at.tzinfo)


def breach_notification_late(deadline: datetime, notified_at: datetime) -> bool:
    """A notification at the deadline's very instant is on time; any later one must
    come with the reasons for the delay (GDPR Art. 33(1), second sentence)."""
    return notified_at > deadline


def breach_time_left(deadline: datetime, now: datetime) -> timedelta:
    """Time left before the 72-hour deadline; negative once it has passed (the
    countdown shows it as time over)."""
    return deadline - now


# ------------------------------------------------------- processors and contracts


def notice_date(end: date, notice_months: int = 0, notice_days: int = 0) -> date:
    """Last day to give notice so that a contract ends (or is not tacitly renewed)
    on `end`: the end date minus the notice period, months counted as in
    Regulation 1182/71 Art. 3(2)(c). Not shifted: notice can be sent any day."""
    return add_months(end, -notice_months) - timedelta(days=notice_days)


def objection_deadline(notified_on: date, window_days: int) -> date:
    """End of the window in which the controller may object to a new or replaced
    sub-processor notified under a general written authorisation (GDPR Art. 28(2)).
    The window is the contract's; counted in calendar days from the day after the
    notice, with a weekend or holiday end moved to the next working day
    (Regulation 1182/71, Art. 3)."""
    return next_working_day(notified_on + timedelta(days=window_days))


# ------------------------------------------- processors: terms, audits, end of contract


def contract_term_end(initial_end: date, renewal_months: int, today: date) -> date:
    """End of the contract term running on `today`. A fixed-term contract with tacit
    renewal that nobody ended is renewed for the agreed period (Code civil, art. 1214
    and 1215); terms are counted in months per Regulation 1182/71 Art. 3(2)(c). Without
    renewal (or once `today` is not past it) the term ends on `initial_end`."""
    if renewal_months <= 0:
        return initial_end
    end, terms = initial_end, 0
    while end < today:
        terms += 1
        end = add_months(initial_end, terms * renewal_months)
    return end


def next_audit_date(last_audit: date | None, interval_months: int, planned: date | None = None) -> date | None:
    """When the processor is next to be audited (GDPR Art. 28(3)(h): the processor
    "allows for and contributes to audits, including inspections"): the date planned
    by hand, else the last audit plus the interval the DPO set; unknown before both."""
    if planned is not None:
        return planned
    if last_audit is None or interval_months <= 0:
        return None
    return add_months(last_audit, interval_months)


def return_or_deletion_due(ended_on: date, period_days: int, alsace_moselle: bool = False) -> date:
    """When the processor must have returned or deleted the personal data after the
    contract ends (GDPR Art. 28(3)(g), "after the end of the provision of services",
    within the period the contract sets). Calendar days from the day after the end, a
    weekend or holiday end moved to the next working day (Regulation 1182/71, Art. 3)."""
    if period_days < 0:
        raise ValueError("period_days must not be negative")
    return next_working_day(ended_on + timedelta(days=period_days), alsace_moselle)


# ------------------------------------------------------------ reviews (DPIA, register)


def dpia_review_date(validated_on: date, months: int = 36) -> date:
    """When a DPIA should be reviewed. GDPR Art. 35(11) requires a review "at least
    when there is a change of the risk"; the CNIL and WP248 rev.01 recommend
    re-assessing at least every three years — the default here."""
    return add_months(validated_on, months)


def register_review_date(last_review: date, months: int = 12) -> date:
    """Next yearly review of a processing activity (the insurer's policy in the seeds:
    "Chaque année, Médicis procède à une revue des données")."""
    return add_months(last_review, months)


# ---------------------------------------------------------------------------- DPIAs


def prior_consultation_answer_due(received: date, extended: bool = False) -> date:
    """When the CNIL's written advice is due after a prior consultation.

    GDPR Art. 36(2): the supervisory authority provides written advice "within a
    period of up to eight weeks of receipt of the request for consultation"; the
    period "may be extended by six weeks, taking into account the complexity of the
    intended processing". A period in weeks ends on the same weekday as the receipt
    (Regulation 1182/71, Art. 3(2)(b)); a Saturday, Sunday or public-holiday end moves
    to the next working day (Art. 3(4)).

    >>> prior_consultation_answer_due(date(2026, 3, 2))
    datetime.date(2026, 4, 27)
    """
    return next_working_day(received + timedelta(weeks=14 if extended else 8))


# ------------------------------------------------------------- retention and consent


RETENTION_UNIT_MONTHS = {"months": 1, "years": 12}


def retention_end(start: date, duration: int, unit: str) -> date:
    """Last day a piece of data may be kept under a register retention rule ("`duration`
    `unit` from `start`", the start event's day): the insurer's policy keeps data "pas plus
    longtemps que nécessaire" and deletes it once its purpose is served (seed 001, « Durée
    de conservation »; GDPR Art. 5(1)(e)). Months and years are counted per Regulation
    1182/71 Art. 3(2)(c) (a start on 29 February ends on 28 February in a common year);
    days are calendar days. No weekend shift: keeping data one day longer is not allowed
    because the day is a Sunday.

    >>> retention_end(date(2024, 2, 29), 1, "years")
    datetime.date(2025, 2, 28)
    """
    if duration <= 0:
        raise ValueError("duration must be positive")
    if unit == "days":
        return start + timedelta(days=duration)
    if unit not in RETENTION_UNIT_MONTHS:
        raise ValueError(f"unknown unit {unit!r}")
    return add_months(start, duration * RETENTION_UNIT_MONTHS[unit])


def retention_passed(start: date | None, duration: int, unit: str, as_of: date) -> bool | None:
    """Whether data whose start event happened on `start` has passed its retention on
    `as_of` (kept through its last day, passed from the next one). None when the start
    event's date is not known: nothing can be concluded, a person must look."""
    if start is None:
        return None
    return as_of > retention_end(start, duration, unit)


def retention_cutoff(as_of: date, duration: int, unit: str) -> date:
    """The latest start-event day whose data has passed its retention on `as_of`: the
    yearly review asks each department to destroy what started on or before this day.

    >>> retention_cutoff(date(2025, 3, 1), 1, "years")    # 29/02/2024 ended on 28/02/2025
    datetime.date(2024, 2, 29)
    """
    months = 0 if unit == "days" else duration * RETENTION_UNIT_MONTHS.get(unit, 0)
    candidate = as_of - timedelta(days=duration) if unit == "days" else add_months(as_of, -months)
    while retention_end(candidate, duration, unit) >= as_of:
        candidate -= timedelta(days=1)
    while retention_end(candidate + timedelta(days=1), duration, unit) < as_of:
        candidate += timedelta(days=1)
    return candidate


CONSENT_PROPAGATION_DEFAULT_DAYS = 7
CONSENT_PROPAGATION_MAX_DAYS = 30


def consent_withdrawal_propagation_due(received: date, days: int = CONSENT_PROPAGATION_DEFAULT_DAYS) -> date:
    """When a withdrawal of consent must have reached every system that processes the
    data on the strength of that consent.

    Sources. GDPR Art. 7(3): "The data subject shall have the right to withdraw his or
    her consent at any time. [...] It shall be as easy to withdraw as to give consent";
    the withdrawal takes effect for the future, so processing based on that consent must
    stop once it is received — the Regulation sets no period. The CNIL's guidance on
    consent (cnil.fr, « Les bases légales — le consentement ») repeats that withdrawing
    must be as simple as consenting and be taken into account; the insurer's policy (seed
    001, « Le Consentement ») requires that its procedure carry withdrawals "dans les
    applications utilisées et le système d'information" and check that they are "réellement
    pris en compte dans les systèmes".

    DPO Desk's stated choice: every system is to be updated within `days` calendar days
    of receipt (default 7, the setting DPO_CONSENT_PROPAGATION_DAYS, 1 to 30), counted
    from the day after receipt (Regulation 1182/71 Art. 3(1)), without a weekend shift:
    stopping a processing is not an act that waits for an office to open. The period is
    an internal target for late propagation, not a legal allowance: a system that keeps
    processing after the withdrawal has no legal basis, whatever the date. A withdrawal
    that arrives as a data-subject request also keeps that request's Art. 12(3) deadline.
    """
    if not 1 <= days <= CONSENT_PROPAGATION_MAX_DAYS:
        raise ValueError("propagation period out of range")
    return received + timedelta(days=days)
