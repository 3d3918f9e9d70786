"""The deadline rules of models/deadlines.py, on the dates a DPO gets wrong by hand."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from models import deadlines as d

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("received", "extended", "expected"),
    [
        (date(2025, 3, 5), False, date(2025, 4, 7)),  # 5 April 2025 is a Saturday
        (date(2025, 1, 31), False, date(2025, 2, 28)),  # no 31 February: last day of the month
        (date(2025, 3, 31), True, date(2025, 6, 30)),  # three months, Monday
        (date(2024, 1, 31), False, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), False, date(2024, 3, 29)),
        (date(2025, 2, 28), False, date(2025, 3, 28)),  # not "end of month to end of month"
        (date(2025, 4, 14), False, date(2025, 5, 14)),
        (date(2025, 6, 14), False, date(2025, 7, 15)),  # 14 July (national day, a Monday) -> 15th
        (date(2025, 4, 1), False, date(2025, 5, 2)),  # 1 May is a holiday (Thursday) -> Friday 2
        (date(2025, 11, 30), True, date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday -> Monday 2 March
        (date(2025, 12, 1), False, date(2026, 1, 2)),  # 1 January -> 2 January
        (date(2025, 7, 15), False, date(2025, 8, 18)),  # 15 August (Friday, holiday) -> Monday 18
    ],
)
def test_dsr_due_date(received, extended, expected):
    assert d.dsr_due_date(received, extended=extended) == expected


def test_suspension_is_added_before_the_working_day_shift():
    # 5 March + 1 month = Saturday 5 April; + 2 suspended days = Monday 7 April (not Tuesday 8/9).
    assert d.dsr_due_date(date(2025, 3, 5), suspended_days=2) == date(2025, 4, 7)
    # 3 March + 1 month = Thursday 3 April; + 2 days = Saturday 5 -> Monday 7.
    assert d.dsr_due_date(date(2025, 3, 3), suspended_days=2) == date(2025, 4, 7)
    assert d.dsr_due_date(date(2025, 3, 3), suspended_days=10) == date(2025, 4, 14)


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    # 18 April 2025 is Good Friday: a holiday only in Alsace-Moselle.
    assert d.dsr_due_date(date(2025, 3, 18)) == date(2025, 4, 18)
    assert d.dsr_due_date(date(2025, 3, 18), alsace_moselle=True) == date(2025, 4, 22)  # Easter Monday too
    # 26 December 2025 is a Friday.
    assert d.dsr_due_date(date(2025, 11, 26)) == date(2025, 12, 26)
    assert d.dsr_due_date(date(2025, 11, 26), alsace_moselle=True) == date(2025, 12, 29)


def test_negative_suspension_is_refused():
    with pytest.raises(ValueError):
        d.dsr_due_date(date(2025, 3, 5), suspended_days=-1)


def test_extension_allowed_until_the_first_deadline_included():
    received = date(2025, 3, 5)
    assert d.dsr_extension_allowed(received, date(2025, 4, 7))
    assert not d.dsr_extension_allowed(received, date(2025, 4, 8))


def test_health_records_eight_days_or_two_months():
    assert d.health_record_due_date(date(2025, 3, 3)) == date(2025, 3, 11)
    assert d.health_record_due_date(date(2025, 3, 7)) == date(2025, 3, 17)  # Saturday 15 -> Monday 17
    assert d.health_record_due_date(date(2025, 3, 3), older_than_five_years=True) == date(2025, 5, 5)


def test_internal_target_is_calendar_days():
    assert d.internal_target_date(date(2025, 3, 5), 30) == date(2025, 4, 4)
    assert d.internal_target_date(date(2025, 3, 5), 60, suspended_days=3) == date(2025, 5, 7)


def test_late_and_due_soon_boundaries():
    due = date(2025, 4, 7)
    assert not d.is_late(due, date(2025, 4, 7))
    assert d.is_late(due, date(2025, 4, 8))
    assert d.is_due_within(due, date(2025, 3, 31), 7)
    assert not d.is_due_within(due, date(2025, 3, 30), 7)
    assert not d.is_due_within(due, date(2025, 4, 8), 7)


def test_breach_deadline_is_72_real_hours_across_spring_forward():
    aware = datetime(2025, 3, 29, 10, 0, tzinfo=PARIS)  # clocks go forward on 30 March at 02:00
    deadline = d.breach_notification_deadline(aware)
    # (Subtracting two datetimes of the same zone compares wall clocks: go through UTC.)
    assert deadline.astimezone(timezone.utc) - aware.astimezone(timezone.utc) == timedelta(hours=72)
    assert (deadline.day, deadline.hour) == (1, 11)  # 11:00 Paris on 1 April, not 10:00
    assert deadline.tzinfo == PARIS


def test_breach_deadline_across_fall_back_and_in_utc():
    aware = datetime(2025, 10, 24, 18, 30, tzinfo=PARIS)  # clocks go back on 26 October
    deadline = d.breach_notification_deadline(aware)
    assert (deadline.day, deadline.hour, deadline.minute) == (27, 17, 30)
    utc = datetime(2025, 10, 24, 16, 30, tzinfo=timezone.utc)
    assert d.breach_notification_deadline(utc) == datetime(2025, 10, 27, 16, 30, tzinfo=timezone.utc)


def test_breach_deadline_has_no_weekend_shift_and_refuses_naive():
    friday = datetime(2025, 6, 6, 9, 0, tzinfo=PARIS)
    assert d.breach_notification_deadline(friday).date() == date(2025, 6, 9)
    with pytest.raises(ValueError):
        d.breach_notification_deadline(datetime(2025, 6, 6, 9, 0))


def test_contract_notice_and_objection_window():
    assert d.notice_date(date(2026, 12, 31), notice_months=3) == date(2026, 9, 30)
    assert d.notice_date(date(2026, 5, 31), notice_months=3) == date(2026, 2, 28)
    assert d.notice_date(date(2026, 12, 31), notice_days=30) == date(2026, 12, 1)
    assert d.objection_deadline(date(2025, 6, 2), 30) == date(2025, 7, 2)
    assert d.objection_deadline(date(2025, 6, 14), 30) == date(2025, 7, 15)  # 14 July -> 15


def test_review_dates():
    assert d.dpia_review_date(date(2024, 2, 29)) == date(2027, 2, 28)
    assert d.register_review_date(date(2025, 1, 31)) == date(2026, 1, 31)


def test_the_72_hour_clock_is_72_elapsed_hours_across_the_october_change():
    """Issue 15, rule 11 — GDPR Art. 33(1): notify "not later than 72 hours after having
    become aware of it"; a period in hours runs from the hour of the event (Regulation
    1182/71, Art. 3(1) first subparagraph and Art. 3(2)(a)), with no weekend or holiday
    shift. 72 elapsed hours, so the night clocks go back (last Sunday of October,
    Directive 2000/84/EC Art. 2: 25 October 2026 at 03:00 CEST) shows 73 on the wall."""
    aware = datetime(2026, 10, 23, 10, 0, tzinfo=PARIS)  # Friday, CEST (UTC+2)
    deadline = d.breach_notification_deadline(aware)
    assert deadline.astimezone(timezone.utc) - aware.astimezone(timezone.utc) == timedelta(hours=72)
    assert deadline == datetime(2026, 10, 26, 9, 0, tzinfo=PARIS)  # Monday 09:00 CET, not 10:00
    assert d.breach_notification_deadline(aware.astimezone(timezone.utc)) == datetime(
        2026, 10, 26, 8, 0, tzinfo=timezone.utc)
    assert not d.breach_notification_late(deadline, deadline)
    assert d.breach_notification_late(deadline, deadline + timedelta(seconds=1))


def test_the_refusal_deadline_ignores_the_extension():
    """GDPR Art. 12(4): the reasons for not taking action are given "at the latest within
    one month of receipt", extension or not (counted per Regulation 1182/71 Art. 3)."""
    assert d.dsr_refusal_due_date(date(2025, 3, 5)) == d.dsr_due_date(date(2025, 3, 5)) == date(2025, 4, 7)
    assert d.dsr_refusal_due_date(date(2025, 3, 5), suspended_days=3) == date(2025, 4, 8)


def test_a_suspension_cannot_start_after_the_deadline():
    """GDPR Art. 12(6), EDPB Guidelines 01/2022 (chapter 3 on identification, § 159): DPO Desk accepts a
    question to the person up to the deadline included, never after."""
    assert d.dsr_suspension_allowed(date(2025, 4, 7), date(2025, 4, 7))
    assert not d.dsr_suspension_allowed(date(2025, 4, 8), date(2025, 4, 7))
