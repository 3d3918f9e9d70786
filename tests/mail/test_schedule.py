"""When a reminder is due: pure rules of models/mail.py."""

from datetime import date, datetime, timedelta, timezone

import pytest

from models import mail

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("days_left, expected", [
    (30, None), (8, None), (7, "d-7"), (6, "d-7"), (4, "d-7"), (3, "d-3"), (2, "d-3"), (1, "d-1"), (0, "d-1"),
    (-1, "overdue"), (-30, "overdue"), (-31, None),
])
def test_day_threshold(days_left, expected):
    assert mail.day_threshold(TODAY + timedelta(days=days_left), TODAY) == expected


def test_a_worker_that_was_stopped_sends_the_nearest_reminder_only():
    """Due in 1 day when the worker comes back: "d-1", never "d-7" and "d-3" as well."""
    assert mail.day_threshold(TODAY + timedelta(days=1), TODAY) == "d-1"


NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("hours_left, expected", [
    (72, None), (24.5, None), (24, "h-24"), (13, "h-24"), (12, "h-12"), (1.5, "h-12"), (1, "h-1"), (0.01, "h-1"),
    (-0.01, "overdue"), (-24 * 31, None),
])
def test_hour_threshold(hours_left, expected):
    assert mail.hour_threshold(NOW + timedelta(hours=hours_left), NOW) == expected


def test_hour_threshold_reads_naive_sqlite_values_as_utc():
    naive = (NOW + timedelta(hours=10)).replace(tzinfo=None)
    assert mail.hour_threshold(naive, NOW) == "h-12"


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 11, 30, 5, 59, tzinfo=timezone.utc), None),  # Monday 06:59 in Paris (UTC+1)
    (datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc), "2026-W49"),  # Monday 07:00 in Paris
    (datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc), "2026-W49"),  # Thursday: still this week's
    (datetime(2026, 12, 6, 22, 59, tzinfo=timezone.utc), "2026-W49"),  # Sunday 23:59 in Paris
    (datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc), None),  # Monday 00:30 in Paris: next week, not yet
    (datetime(2027, 1, 4, 6, 0, tzinfo=timezone.utc), "2027-W01"),
])
def test_digest_week_starts_monday_seven_in_paris(now, expected):
    assert mail.digest_week(now) == expected


def test_retry_back_off_then_give_up():
    failed = NOW
    delays = [mail.next_attempt(n, failed) for n in range(1, mail.MAX_ATTEMPTS + 1)]
    assert delays[:-1] == [failed + timedelta(minutes=1), failed + timedelta(minutes=5),
                           failed + timedelta(minutes=30), failed + timedelta(hours=2)]
    assert delays[-1] is None


def test_who_receives_what():
    assert mail.wants("department_head", frozenset(), mail.REQUEST_ROUTED)
    assert not mail.wants("department_head", frozenset({mail.REQUEST_ROUTED}), mail.REQUEST_ROUTED)
    assert not mail.wants("dpo", frozenset(), mail.DSR_DEADLINE)  # the heads' reminder
    assert mail.wants("dpo", frozenset(), mail.DSR_OVERDUE)  # escalated
    assert mail.wants("legal", frozenset(), mail.BREACH_DECLARED)
    assert not mail.wants("auditor", frozenset(), mail.BREACH_DECLARED)
    assert not mail.wants("legal", frozenset(), mail.DIGEST)


def test_every_reminder_source_is_a_known_overview_kind():
    from dashboard.overview.sources import KINDS

    assert set(mail.SOURCE_EVENTS) | {"dsr_answer"} == set(KINDS)
