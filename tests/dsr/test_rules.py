"""The pure rules of models/dsr.py: the status machine, what closing needs, the
deadline set of a request."""

from datetime import date

import pytest

from models.dsr import (OUTCOMES, STATUSES, TRANSITIONS, Status, check_closing, check_transition,
                        compute_deadlines, normalise_key)
from models.errors import RuleViolation

ALLOWED = {
    ("received", "awaiting_identity"), ("received", "awaiting_clarification"), ("received", "in_progress"),
    ("received", "closed"), ("received", "withdrawn"),
    ("awaiting_identity", "in_progress"), ("awaiting_identity", "closed"), ("awaiting_identity", "withdrawn"),
    ("awaiting_clarification", "in_progress"), ("awaiting_clarification", "closed"),
    ("awaiting_clarification", "withdrawn"),
    ("in_progress", "awaiting_identity"), ("in_progress", "awaiting_clarification"),
    ("in_progress", "answer_proposed"), ("in_progress", "closed"), ("in_progress", "withdrawn"),
    ("answer_proposed", "in_progress"), ("answer_proposed", "closed"), ("answer_proposed", "withdrawn"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_transition_is_allowed_or_refused_with_a_message(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(RuleViolation) as error:
            check_transition(current, target)
        assert error.value.key == "dsr.error.transition"
        assert error.value.params == {"current": current, "target": target}


def test_closed_and_withdrawn_are_final():
    assert TRANSITIONS[Status.CLOSED] == TRANSITIONS[Status.WITHDRAWN] == frozenset()


def test_closing_needs_an_outcome():
    with pytest.raises(RuleViolation) as error:
        check_closing("", "", False, 0)
    assert error.value.key == "dsr.error.outcome_required"


@pytest.mark.parametrize("outcome", [o for o in OUTCOMES if o != "granted"])
def test_every_outcome_but_granted_needs_reasons_and_the_remedies(outcome):
    for too_short in ("", "   ", "non.      "):
        with pytest.raises(RuleViolation) as error:
            check_closing(outcome, too_short, True, 0)
        assert error.value.key == f"dsr.error.reasons_required.{outcome}"
    with pytest.raises(RuleViolation) as error:
        check_closing(outcome, "Motifs détaillés du refus.", False, 0)
    assert error.value.key == "dsr.error.remedies_required"
    check_closing(outcome, "Motifs détaillés du refus.", True, 0)


def test_granted_needs_no_reasons_but_every_art19_recipient_dealt_with():
    check_closing("granted", "", False, 0)
    with pytest.raises(RuleViolation) as error:
        check_closing("granted", "", False, 2)
    assert (error.value.key, error.value.params) == ("dsr.error.recipients_pending", {"count": 2})
    with pytest.raises(RuleViolation):
        check_closing("partly_granted", "Une partie est conservée.", True, 1)
    check_closing("refused", "Obligation légale de conservation.", True, 1)  # nothing was carried out


def _deadlines(received, **kwargs):
    options = dict(extended=False, suspended_days=0, alsace_moselle=False, health_applies=False,
                   health_older_than_five_years=False, target_days=30)
    options.update(kwargs)
    return compute_deadlines(received, **options)


def test_gdpr_deadline_governs_and_the_internal_target_is_beside_it():
    result = _deadlines(date(2025, 3, 5))
    assert (result.legal_due_on, result.due_on, result.health_due_on) == (date(2025, 4, 7), date(2025, 4, 7), None)
    assert result.internal_target_on == date(2025, 4, 4)  # 30 calendar days
    assert _deadlines(date(2025, 3, 5), target_days=60).internal_target_on == date(2025, 5, 4)


def test_health_record_deadline_governs_when_it_applies():
    # 8 days: 10 March 2025 + 8 = 18 March (Tuesday).
    result = _deadlines(date(2025, 3, 10), health_applies=True)
    assert (result.health_due_on, result.due_on, result.legal_due_on) == (
        date(2025, 3, 18), date(2025, 3, 18), date(2025, 4, 10))
    older = _deadlines(date(2025, 3, 10), health_applies=True, health_older_than_five_years=True)
    assert older.due_on == date(2025, 5, 12)  # two months: Saturday 10 May -> Monday 12


def test_suspension_and_extension_move_every_deadline():
    result = _deadlines(date(2025, 3, 3), suspended_days=10, extended=True)
    assert result.legal_due_on == date(2025, 6, 13)  # 3 June + 10 days = Friday 13 June
    assert result.internal_target_on == date(2025, 4, 12)  # 3 March + 30 + 10


def test_alsace_moselle_holidays_shift_the_deadline():
    # 26 November 2025 + 1 month = Friday 26 December: a holiday in Alsace-Moselle only.
    assert _deadlines(date(2025, 11, 26)).due_on == date(2025, 12, 26)
    assert _deadlines(date(2025, 11, 26), alsace_moselle=True).due_on == date(2025, 12, 29)
    # 18 March 2025 + 1 month = Friday 18 April 2025, Good Friday.
    assert _deadlines(date(2025, 3, 18), alsace_moselle=True).due_on == date(2025, 4, 22)  # Monday 21 is Easter Monday


def test_names_and_contacts_match_whatever_their_case_and_accents():
    assert normalise_key("  Élodie   MARTIN ") == normalise_key("elodie martin") == "elodie martin"
    assert normalise_key("") == ""
