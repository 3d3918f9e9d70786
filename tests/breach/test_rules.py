"""The breach rules as pure functions: decisions, lateness, bad input, closing."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from models.breach import Breach, NotificationPhase
from models.breach_rules import (
    Obligations,
    approximate_kind,
    authority_state,
    closing_problems,
    data_flags,
    notification_problems,
    number_problems,
    obligations,
    qualification_problems,
    timeline_problems,
)
from models.deadlines import breach_notification_deadline, breach_notification_late, breach_time_left

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)


def _breach(**fields) -> Breach:
    aware = fields.pop("aware_at", NOW - 10 * H)
    base = dict(reference="VIO-2026-0001", entity_id=1, status="assessed", title="t", detected_at=NOW - 11 * H,
                aware_at=aware, notification_deadline=breach_notification_deadline(aware) if aware else None,
                measures_taken="Mot de passe réinitialisé.")
    return Breach(**{**base, **fields})


@pytest.mark.parametrize(("level", "exception", "expected"), [
    ("none", None, Obligations(False, False, False)),
    ("risk", None, Obligations(True, False, False)),
    ("high", None, Obligations(True, True, False)),
    ("high", "unintelligible", Obligations(True, False, False)),
    ("high", "risk_no_longer_likely", Obligations(True, False, False)),
    ("high", "disproportionate_effort", Obligations(True, False, True)),
])
def test_the_risk_level_decides_who_is_told(level, exception, expected):
    assert obligations(level, exception) == expected


def test_nothing_is_decided_before_the_assessment():
    assert obligations(None) is None
    assert authority_state(None, None) == "pending"  # the clock runs while the risk is unknown
    assert authority_state("none", None) == "not_required"
    assert authority_state("risk", None) == "pending"
    assert authority_state("none", NOW) == "done"  # notified anyway: the notification counts


def test_72_hours_across_the_spring_daylight_saving_change_are_72_real_hours():
    aware = datetime(2026, 3, 27, 10, 0, tzinfo=PARIS)  # Friday, CET; clocks go forward on Sunday 29 March
    deadline = breach_notification_deadline(aware)
    assert deadline.astimezone(timezone.utc) - aware.astimezone(timezone.utc) == 72 * H
    assert deadline.astimezone(PARIS).hour == 11  # 10:00 CET + 72 h = 11:00 CEST, no weekend shift
    assert not breach_notification_late(deadline, deadline)
    assert breach_notification_late(deadline, deadline + timedelta(seconds=1))
    assert breach_time_left(deadline, deadline - 90 * timedelta(minutes=1)) == timedelta(minutes=90)


def test_timeline_must_be_in_order_and_not_in_the_future():
    assert timeline_problems(started_at=NOW - 5 * H, ended_at=None, detected_at=NOW - 4 * H,
                             aware_at=NOW - 3 * H, now=NOW) == []
    assert ("aware_at", "breach.aware_before_start") in timeline_problems(
        started_at=NOW - 2 * H, ended_at=None, detected_at=NOW - H, aware_at=NOW - 3 * H, now=NOW)
    assert timeline_problems(started_at=None, ended_at=None, detected_at=NOW - H, aware_at=NOW - 2 * H,
                             now=NOW) == [("aware_at", "breach.aware_before_detection")]
    assert ("detected_at", "breach.in_future") in timeline_problems(
        started_at=None, ended_at=None, detected_at=NOW + H, aware_at=None, now=NOW)
    assert ("ended_at", "breach.end_before_start") in timeline_problems(
        started_at=NOW - H, ended_at=NOW - 2 * H, detected_at=NOW - H, aware_at=None, now=NOW)


def test_approximate_numbers_are_a_number_a_range_or_unknown_and_never_negative():
    assert number_problems("people", None, None) == []
    assert number_problems("people", 120, 120) == []
    assert number_problems("people", -1, 10) == [("people_min", "breach.negative_number")]
    assert number_problems("records", 50, 10) == [("records_max", "breach.range_inverted")]
    assert [approximate_kind(*pair) for pair in ((None, None), (5, 5), (5, 9), (5, None), (None, 9))] == [
        "unknown", "exact", "range", "at_least", "at_most"]


def test_an_exception_is_for_a_high_risk_and_must_be_explained():
    assert qualification_problems(risk_level="none", justification="court", exception=None,
                                  exception_details="") == [("risk_justification", "breach.justification_required")]
    assert qualification_problems(risk_level="risk", justification="Données de contact exposées.",
                                  exception="unintelligible", exception_details="chiffré") == [
        ("art34_exception", "breach.exception_only_high")]
    assert qualification_problems(risk_level="high", justification="Données de santé exposées.",
                                  exception="unintelligible", exception_details="") == [
        ("art34_exception_details", "breach.exception_details_required")]


def test_a_late_initial_notification_needs_reasons_a_complementary_one_does_not():
    breach = _breach(aware_at=NOW - 80 * H, detected_at=NOW - 81 * H)
    late = NOW - H
    assert notification_problems(breach, phase=NotificationPhase.INITIAL, sent_at=late, delay_reasons="",
                                 now=NOW) == [("delay_reasons", "breach.delay_reasons_required")]
    assert notification_problems(breach, phase=NotificationPhase.INITIAL, sent_at=late,
                                 delay_reasons="Analyse forensique nécessaire.", now=NOW) == []
    assert notification_problems(breach, phase=NotificationPhase.COMPLEMENTARY, sent_at=late, delay_reasons="",
                                 now=NOW) == []
    on_time = breach.notification_deadline
    assert notification_problems(breach, phase=NotificationPhase.INITIAL, sent_at=on_time, delay_reasons="",
                                 now=NOW) == []
    assert notification_problems(_breach(aware_at=None), phase=NotificationPhase.INITIAL, sent_at=NOW,
                                 delay_reasons="", now=NOW) == [("aware_at", "breach.awareness_needed")]


def test_closing_enforces_the_decision():
    assert closing_problems(_breach(risk_level=None), has_initial_notification=False) == [
        ("risk_level", "breach.close_needs_assessment")]
    assert closing_problems(_breach(risk_level="none"), has_initial_notification=False) == []
    assert closing_problems(_breach(risk_level="risk"), has_initial_notification=False) == [
        ("notified_at", "breach.close_needs_notification")]
    assert closing_problems(_breach(risk_level="high"), has_initial_notification=True) == [
        ("people_informed_at", "breach.close_needs_people_informed")]
    assert closing_problems(_breach(risk_level="high", people_informed_at=NOW), has_initial_notification=True) == []
    assert closing_problems(_breach(risk_level="high", art34_exception="unintelligible"),
                            has_initial_notification=True) == []
    assert closing_problems(_breach(risk_level="high", art34_exception="disproportionate_effort"),
                            has_initial_notification=True) == [
        ("people_informed_at", "breach.close_needs_public_communication")]
    assert closing_problems(_breach(risk_level="none", measures_taken=" "), has_initial_notification=False) == [
        ("measures_taken", "breach.close_needs_measures")]


def test_sensitive_data_is_flagged():
    assert data_flags(["identity", "health", "bank_payment", "offences"]) == ["art9", "art10", "financial"]
    assert data_flags(["identity", "contact"]) == []
