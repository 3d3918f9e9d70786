"""Pure rules of the yearly data review and of consent withdrawals: what has passed its
retention as of a day (leap years, month ends, missing start events), the review lines
drawn from the register's rules, and the propagation deadline with its setting."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from dashboard import config
from models import deadlines
from models.consent import StepData, WithdrawalData
from models.register import RetentionRule
from models.retention import RuleLine, TaskClosure, TaskException, review_lines, task_is_late


def test_retention_ends_on_the_same_date_or_the_month_end_and_passes_the_next_day():
    assert deadlines.retention_end(date(2020, 3, 15), 5, "years") == date(2025, 3, 15)
    assert deadlines.retention_end(date(2024, 2, 29), 1, "years") == date(2025, 2, 28)  # leap day, common year
    assert deadlines.retention_end(date(2024, 2, 29), 4, "years") == date(2028, 2, 29)  # leap to leap
    assert deadlines.retention_end(date(2025, 1, 31), 1, "months") == date(2025, 2, 28)
    assert deadlines.retention_end(date(2025, 12, 30), 3, "days") == date(2026, 1, 2)
    # kept through its last day, passed from the next one; a Sunday end is not shifted
    end = deadlines.retention_end(date(2021, 3, 1), 5, "years")  # 1 March 2026 is a Sunday
    assert end == date(2026, 3, 1)
    assert deadlines.retention_passed(date(2021, 3, 1), 5, "years", end) is False
    assert deadlines.retention_passed(date(2021, 3, 1), 5, "years", end + timedelta(days=1)) is True


def test_a_missing_start_event_decides_nothing():
    assert deadlines.retention_passed(None, 5, "years", date(2030, 1, 1)) is None
    line = RuleLine(1, 1, "Identité", "CRM", 5, "years", "   ", "delete")
    assert line.cutoff(date(2026, 12, 3)) is None


def test_cutoff_around_leap_days_and_month_ends():
    # data that started on 29/02/2024 was kept until 28/02/2025: passed on 1 March
    assert deadlines.retention_cutoff(date(2025, 3, 1), 1, "years") == date(2024, 2, 29)
    assert deadlines.retention_cutoff(date(2025, 2, 28), 1, "years") == date(2024, 2, 27)
    # 28, 29, 30 and 31 January all end on 28 February 2025 (one month): none passed on 28/02
    assert deadlines.retention_cutoff(date(2025, 2, 28), 1, "months") == date(2025, 1, 27)
    assert deadlines.retention_cutoff(date(2025, 3, 1), 1, "months") == date(2025, 1, 31)
    assert deadlines.retention_cutoff(date(2026, 12, 3), 30, "days") == date(2026, 11, 2)


@given(as_of=st.dates(date(1990, 1, 1), date(2090, 12, 31)), duration=st.integers(1, 40),
       unit=st.sampled_from(["days", "months", "years"]))
def test_the_cutoff_is_exactly_the_last_start_that_has_passed(as_of, duration, unit):
    cutoff = deadlines.retention_cutoff(as_of, duration, unit)
    assert deadlines.retention_passed(cutoff, duration, unit, as_of) is True
    assert deadlines.retention_passed(cutoff + timedelta(days=1), duration, unit, as_of) is False


def test_review_lines_cross_rules_and_systems_without_duplicates():
    rules = [RetentionRule(category="", duration=3, unit="years", start_event="dernier contact"),
             RetentionRule(category="Identité", duration=13, unit="months", start_event="fin du contrat"),
             RetentionRule(category="", duration=3, unit="years", start_event="dernier contact")]  # twice
    lines = review_lines(7, 2, rules, ["CRM", "Outil d'envoi"])
    assert len(lines) == 4
    assert {(l.category, l.system) for l in lines} == {("", "CRM"), ("", "Outil d'envoi"), ("Identité", "CRM"),
                                                       ("Identité", "Outil d'envoi")}
    assert [l.system for l in review_lines(7, 2, rules[:1], [])] == [""]  # no system recorded: one line
    assert len({l.key for l in lines}) == 4
    assert review_lines(7, 2, rules, ["CRM", "Outil d'envoi"])[0].key == lines[0].key  # stable across runs


def test_a_task_is_late_only_while_open_and_after_its_due_day():
    assert not task_is_late("open", date(2026, 12, 3), date(2026, 12, 3))
    assert task_is_late("open", date(2026, 12, 3), date(2026, 12, 4))
    assert not task_is_late("done", date(2026, 12, 3), date(2027, 1, 4))


def test_closure_and_exception_rules():
    base = {"method": "deletion", "done_on": date(2026, 12, 1), "done_by": "Équipe DSI",
            "proof": "Journal de purge n° 42"}
    assert TaskClosure(**base).kept_until is None
    with pytest.raises(ValidationError, match="retention.archive_needs_until"):
        TaskClosure(**{**base, "method": "intermediate_archiving"})
    with pytest.raises(ValidationError, match="retention.until_only_archive"):
        TaskClosure(**{**base, "kept_until": date(2030, 1, 1)})
    with pytest.raises(ValidationError, match="retention.unknown_method"):
        TaskClosure(**{**base, "method": "shredding"})
    with pytest.raises(ValidationError):
        TaskClosure(**{**base, "proof": "ok"})  # no proof worth the name
    assert TaskClosure(**{**base, "method": "intermediate_archiving", "kept_until": date(2031, 1, 1)})
    with pytest.raises(ValidationError, match="retention.until_in_future"):
        TaskException(ground="legal_hold", detail="Contentieux prud'homal", kept_until=date(2026, 12, 3),
                      decided_on=date(2026, 12, 3))
    with pytest.raises(ValidationError, match="retention.unknown_ground"):
        TaskException(ground="convenience", detail="On verra plus tard", kept_until=date(2030, 1, 1),
                      decided_on=date(2026, 12, 3))


def test_propagation_deadline_and_its_setting(monkeypatch):
    assert deadlines.consent_withdrawal_propagation_due(date(2026, 12, 3)) == date(2026, 12, 10)
    assert deadlines.consent_withdrawal_propagation_due(date(2026, 12, 25), 1) == date(2026, 12, 26)  # no shift
    with pytest.raises(ValueError):
        deadlines.consent_withdrawal_propagation_due(date(2026, 12, 3), 0)
    monkeypatch.delenv("DPO_CONSENT_PROPAGATION_DAYS", raising=False)
    assert config.consent_propagation_days() == 7
    for raw, expected in (("3", 3), ("30", 30), ("31", 7), ("0", 7), ("sept", 7), ("", 7)):
        monkeypatch.setenv("DPO_CONSENT_PROPAGATION_DAYS", raw)
        assert config.consent_propagation_days() == expected


def test_withdrawal_input_rules():
    today = date(2026, 12, 3)
    ok = {"activity_id": 1, "received_on": today, "channel": "unsubscribe_link", "today": today}
    assert WithdrawalData(**ok)
    for bad, key in (({"received_on": today + timedelta(days=1)}, "consent.received_in_future"),
                     ({"received_on": date(2020, 1, 1)}, "consent.received_too_old"),
                     ({"channel": "pigeon"}, "consent.unknown_channel"),
                     ({"source_reference": "a\nb"}, "register.one_line")):
        with pytest.raises(ValidationError, match=key):
            WithdrawalData(**{**ok, **bad})
    with pytest.raises(ValidationError, match="consent.done_before_received"):
        StepData(done_on=date(2026, 12, 1), received_on=date(2026, 12, 2), today=today)
    with pytest.raises(ValidationError, match="consent.done_in_future"):
        StepData(done_on=date(2026, 12, 4), received_on=date(2026, 12, 2), today=today)


@given(proof=st.text(max_size=2100), done_by=st.text(max_size=210))
def test_closure_validator_accepts_or_refuses_cleanly(proof, done_by):
    """Whatever is typed: a closure with exactly the trimmed text, or a validation error."""
    from dashboard.validation import InvalidInput, validate_in_area

    try:
        closure = validate_in_area("retention", TaskClosure, {"method": "deletion", "done_on": date(2026, 12, 1),
                                                              "done_by": done_by, "proof": proof})
    except InvalidInput as error:
        assert error.problems and all(p.field.startswith("retention_") for p in error.problems)
    else:
        assert closure.proof in proof and closure.proof.strip() == proof.strip()  # trimmed, nothing else changed
        assert "\x00" not in closure.proof and 5 <= len(closure.proof) <= 2000
