"""The pure rules of a DPIA: screening, risk levels, Art. 36, statuses, validation."""

from datetime import date

import pytest

from models.deadlines import dpia_review_date, prior_consultation_answer_due
from models.dpia_rules import (
    EVALUATION_REFERENCES, TRANSITIONS, DpiaStatus, RiskLevels, can_transition, check_transition, is_high_risk,
    levels_consistent, map_arrows, map_markers, map_points, measure_is_overdue, prior_consultation_required,
    residual_levels, risk_zone,
    status_after_edit, status_from_cnil, validation_blockers,
)
from models.dpia_screening import CNIL_LIST, WP248_CRITERIA, ScreeningOutcome, justification_required, screening_result
from models.errors import RuleViolation


# ------------------------------------------------------------------ screening

def test_the_lists_are_the_nine_wp248_criteria_and_the_fourteen_cnil_types():
    assert len(WP248_CRITERIA) == 9 and len(set(WP248_CRITERIA)) == 9
    assert len(CNIL_LIST) == 14 and len(set(CNIL_LIST)) == 14


@pytest.mark.parametrize(("criteria", "cnil", "outcome"), [
    ([], [], ScreeningOutcome.NOT_REQUIRED),
    (["large_scale"], [], ScreeningOutcome.TO_CONSIDER),
    (["large_scale", "large_scale"], [], ScreeningOutcome.TO_CONSIDER),  # one criterion counted once
    (["evaluation_scoring", "vulnerable_people"], [], ScreeningOutcome.REQUIRED),
    (["evaluation_scoring", "vulnerable_people", "innovative_technology"], [], ScreeningOutcome.REQUIRED),
    ([], ["large_scale_location"], ScreeningOutcome.REQUIRED),  # on the CNIL's list: required on its own
    (["large_scale"], ["employee_monitoring"], ScreeningOutcome.REQUIRED),
])
def test_screening_outcome(criteria, cnil, outcome):
    assert screening_result(criteria, cnil).outcome == outcome


def test_screening_gives_its_reason_and_only_not_required_needs_a_justification():
    required = screening_result(["evaluation_scoring", "innovative_technology", "vulnerable_people"])
    assert (required.reason_key, required.params) == ("dpia.screening.reason.criteria", {"count": 3})
    assert screening_result([], ["hr_profiling"]).reason_key == "dpia.screening.reason.cnil_list"
    assert [justification_required(o) for o in ScreeningOutcome] == [False, False, True]
    with pytest.raises(ValueError):
        screening_result(["astrology"])


# ------------------------------------------------------------------ risks and Art. 36

@pytest.mark.parametrize(("severity", "likelihood", "high"), [
    (1, 1, False), (2, 2, False), (3, 2, False), (2, 3, False),  # one coordinate significant: to reduce
    (3, 3, True), (4, 1, True), (1, 4, True), (4, 4, True), (None, None, False),
])
def test_high_risk_is_the_top_right_of_the_map_or_a_maximum(severity, likelihood, high):
    assert is_high_risk(severity, likelihood) is high


def test_zones_of_the_map():
    assert [risk_zone(s, 1) for s in (1, 2, 3, 4)] == ["low", "low", "moderate", "high"]
    assert risk_zone(3, 3) == "high" and risk_zone(2, 3) == "moderate"


def test_levels_come_in_pairs_on_the_four_cnil_levels():
    assert levels_consistent(None, None) and levels_consistent(2, 4)
    assert not levels_consistent(2, None) and not levels_consistent(None, 1)
    assert not levels_consistent(0, 2) and not levels_consistent(5, 2)


def test_residual_risk_is_after_measures_when_estimated_else_as_assessed():
    assert residual_levels(4, 4, 2, 1) == (2, 1)
    assert residual_levels(4, 4, None, None) == (4, 4)


def test_prior_consultation_flags_a_residual_high_risk_only():
    assert not prior_consultation_required([(4, 4, 2, 2), (3, 3, 1, 1)])  # measures brought both down
    assert prior_consultation_required([(2, 2, 1, 1), (4, 3, 3, 3)])  # still significant / significant
    assert prior_consultation_required([(3, 4, None, None)])  # high and not yet treated
    assert not prior_consultation_required([(None, None, None, None)])
    assert not prior_consultation_required([])


def test_markers_sharing_a_cell_are_spread_apart():
    points = map_points([("A", 2, 2), ("M", 2, 2), ("D", 2, 2), ("R1", 4, 1)])
    positions = {(p.severity + p.dy, p.likelihood + p.dx) for p in points[:3]}
    assert len(positions) == 3  # none hides another
    assert all(abs(p.dx) < 0.5 and abs(p.dy) < 0.5 for p in points)  # still inside their cell
    assert (points[3].dx, points[3].dy) == (0, 0)


def test_an_action_is_overdue_from_the_day_after_its_due_date_until_done():
    due = date(2026, 3, 10)
    assert not measure_is_overdue("planned", due, date(2026, 3, 10))
    assert measure_is_overdue("planned", due, date(2026, 3, 11))
    assert measure_is_overdue("in_progress", due, date(2026, 4, 1))
    assert not measure_is_overdue("done", due, date(2026, 4, 1))
    assert not measure_is_overdue("existing", None, date(2026, 4, 1))


# ------------------------------------------------------------------ statuses

def test_status_machine():
    assert can_transition("draft", "in_progress") and can_transition("in_progress", "validated")
    assert can_transition("in_progress", "refused") and can_transition("refused", "in_progress")
    assert can_transition("validated", "in_progress")  # reopened for a review (Art. 35(11))
    assert not can_transition("draft", "validated")  # nothing validated without an assessment
    assert not any(can_transition("archived", s) for s in DpiaStatus)
    assert all(can_transition(s, "archived") for s in TRANSITIONS if s != DpiaStatus.ARCHIVED)
    with pytest.raises(RuleViolation):
        check_transition("refused", "validated")


def test_first_edit_moves_a_draft_into_assessment():
    assert status_after_edit("draft") == "in_progress"
    assert status_after_edit("validated") == "validated"


def test_cnil_statuses_map_to_ours():
    assert status_from_cnil(0, has_content=False) == "draft"
    assert status_from_cnil(0, has_content=True) == "in_progress"
    assert [status_from_cnil(c, True) for c in (1, 2, 3, 4)] == ["refused", "validated", "validated", "archived"]


# ------------------------------------------------------------------ validation

def _complete(**overrides):
    values = dict(
        evaluations={ref: "acceptable" for ref in EVALUATION_REFERENCES},
        risks=[RiskLevels("illegitimate_access", "", 3, 2, 2, 1), RiskLevels("custom", "Profilage", 3, 3, 2, 2)],
        dpo_opinion="Avis favorable.", dpo_favourable=True, people_sought=False, people_opinion="",
        people_not_sought_reason="Traitement interne sans public identifiable.",
        decided_on=date(2026, 5, 4), review_date=date(2029, 5, 4), today=date(2026, 5, 4))
    values.update(overrides)
    return validation_blockers(**values)


def test_a_complete_dpia_can_be_validated():
    assert _complete() == []


def test_everything_missing_is_reported_at_once():
    blockers = _complete(
        evaluations={"1.1": "acceptable", "2.1.211": "to_correct"},
        risks=[RiskLevels("illegitimate_access", "", 3, 2, None, None), RiskLevels("custom", "Profilage", 3, 3, 2, 2)],
        dpo_opinion="", dpo_favourable=None, people_sought=None, review_date=date(2026, 5, 1))
    assert [b.key for b in blockers] == [
        "dpia.validation.pending_evaluations", "dpia.validation.to_correct",
        "dpia.validation.risk_levels.illegitimate_access", "dpia.validation.dpo_opinion",
        "dpia.validation.people_views", "dpia.validation.review_before_decision"]
    assert blockers[0].params == {"count": len(EVALUATION_REFERENCES) - 2}  # two of 14 were evaluated


@pytest.mark.parametrize(("overrides", "key"), [
    ({"risks": [RiskLevels("custom", "Profilage", 3, None, 2, 2)]}, "dpia.validation.risk_levels"),
    ({"risks": []}, "dpia.validation.no_risk"),
    ({"dpo_favourable": None}, "dpia.validation.dpo_opinion"),
    ({"people_sought": True, "people_opinion": " "}, "dpia.validation.people_opinion"),
    ({"people_not_sought_reason": ""}, "dpia.validation.people_reason"),
    ({"decided_on": date(2026, 5, 5)}, "dpia.validation.decided_in_future"),
    ({"review_date": date(2026, 5, 4)}, "dpia.validation.review_before_decision"),
    ({"review_date": None}, "dpia.validation.review_date"),
])
def test_each_blocker(overrides, key):
    assert [b.key for b in _complete(**overrides)] == [key]


# ------------------------------------------------------------------ deadlines

def test_review_three_years_on_and_cnil_answer_eight_weeks_after_receipt():
    assert dpia_review_date(date(2026, 2, 28)) == date(2029, 2, 28)
    assert prior_consultation_answer_due(date(2026, 3, 2)) == date(2026, 4, 27)
    assert prior_consultation_answer_due(date(2026, 3, 2), extended=True) == date(2026, 6, 8)
    # 8 weeks after Friday 20 March 2026 is Friday 15 May 2026; 14 May is Ascension Day: no shift needed.
    assert prior_consultation_answer_due(date(2026, 3, 20)) == date(2026, 5, 15)
    # 8 weeks after Thursday 5 March 2026 is Thursday 30 April; 1 May 2026 is a Friday holiday: no shift either.
    assert prior_consultation_answer_due(date(2026, 3, 5)) == date(2026, 4, 30)
    # Ending on a public holiday moves to the next working day: Monday 25 May 2026 is Whit Monday.
    assert prior_consultation_answer_due(date(2026, 3, 30)) == date(2026, 5, 26)


def test_map_markers_pair_each_risk_before_and_after():
    points, pairs = map_markers([("A", 3, 2, 2, 1), ("M", None, None, None, None), ("D", 2, 1, None, None)])
    assert pairs == [(0, 1), (None, None), (2, None)]
    assert [(p.label, p.severity, p.likelihood) for p in points] == [("A", 3, 2), ("A", 2, 1), ("D", 2, 1)]
    assert points[1].dx != points[2].dx  # "A after" and "D before" share a cell


def test_only_a_risk_that_changes_cell_gets_an_arrow():
    points, pairs = map_markers([("A", 3, 2, 2, 1), ("M", 2, 2, 2, 2), ("D", 2, 1, None, None)])
    assert points[2].dx != points[3].dx  # "M" before and after, spread apart in their one cell
    assert map_arrows(points, pairs) == [(0, 1)]
