"""DPIA use cases on SQLite and PostgreSQL: screening, permissions, editing, the
action plan, validation and its refusals, Art. 36, the activity hub."""

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from dashboard.dpia import cases, content, decision, screening
from dashboard.dpia.links import linked_to_activity
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.links import cases_linked_to_activity
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.deadlines import dpia_review_date
from models.dpia import Dpia, DpiaAnswer, DpiaMeasure
from models.errors import RuleViolation
from tests.dpia.conftest import (
    activity, add_action, fill, new_dpia, place_risks, ready_for_decision, run, validated, yesterday,
)


def _keys(error: InvalidInput) -> list[str]:
    return [p.key for p in error.problems]


def _audit(org, action: str) -> list[AuditEntry]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


# ------------------------------------------------------------------ screening

def test_screening_records_the_outcome_and_keeps_every_earlier_one(reg):
    ai = activity(reg, "ai_personalisation")
    first = run(reg, screening.screen_activity, ai, {"criteria": ["evaluation_scoring"], "justification": ""})
    second = run(reg, screening.screen_activity, ai, {
        "criteria": ["innovative_technology", "evaluation_scoring", "vulnerable_people"]})
    assert (first.outcome, second.outcome) == ("to_consider", "required")
    assert second.criteria == ("evaluation_scoring", "vulnerable_people", "innovative_technology")  # WP248 order
    history = run(reg, screening.screenings_of_activity, ai, actor=reg.auditor)
    assert [s.id for s in history] == [second.id, first.id]
    assert [e.details["outcome"] for e in _audit(reg, "dpia.screen")] == ["to_consider", "required"]


def test_not_required_without_justification_is_refused_and_nothing_saved(reg):
    newsletter = activity(reg, "newsletter")
    with pytest.raises(InvalidInput) as refused:
        run(reg, screening.screen_activity, newsletter, {"criteria": [], "justification": "  rien  "})
    assert _keys(refused.value) == ["dpia.screening.justification_required"]
    assert refused.value.problems[0].field == ""  # the message names its field itself
    with pytest.raises(InvalidInput) as unknown:
        run(reg, screening.screen_activity, newsletter, {"criteria": ["astrology"], "justification": "x" * 20})
    assert _keys(unknown.value) == ["dpia.screening.unknown_code"]
    assert run(reg, screening.screenings_of_activity, newsletter) == []
    done = run(reg, screening.screen_activity, newsletter, {"justification": "Envoi aux seuls adhérents consentants."})
    assert done.outcome == "not_required" and done.justification == "Envoi aux seuls adhérents consentants."


def test_only_dpo_and_legal_screen_and_heads_read_their_own(reg):
    drc_activity = activity(reg, "member_management")
    for actor in (reg.auditor, reg.head_cr):
        with pytest.raises(NotAllowed):
            run(reg, screening.screen_activity, drc_activity, {"criteria": ["large_scale", "sensitive_data"]},
                actor=actor)
    run(reg, screening.screen_activity, drc_activity, {"criteria": ["large_scale", "sensitive_data"]}, actor=reg.dpo)
    assert len(run(reg, screening.screenings_of_activity, drc_activity, actor=reg.head_cr)) == 1
    with pytest.raises(NotAllowed):
        run(reg, screening.screenings_of_activity, drc_activity, actor=reg.head_hr)
    overview = run(reg, screening.screening_overview, "", "", 1, 50, actor=reg.head_hr)
    assert {r.activity_name for r in overview.rows} == {"Gestion administrative du personnel et paie",
                                                        "Recrutement des candidats"}
    everything = run(reg, screening.screening_overview, "", "", 1, 50, actor=reg.auditor)
    screened = [r for r in everything.rows if r.outcome]
    assert [(r.activity_id, r.outcome) for r in screened] == [(drc_activity, "required")]
    never = run(reg, screening.count_overview, "", "none", actor=reg.auditor)
    assert never == everything.total - 1


# ------------------------------------------------------------------ who sees what

def test_department_heads_see_the_dpias_of_their_departments_activities_only(reg):
    drc = new_dpia(reg, "member_management")
    hr = new_dpia(reg, "hr_payroll")
    assert [r.id for r in run(reg, cases.list_dpias, actor=reg.head_cr).rows] == [drc.id]
    assert [r.id for r in run(reg, cases.list_dpias, actor=reg.head_hr).rows] == [hr.id]
    assert run(reg, cases.count_dpias, actor=reg.auditor) == 2
    assert run(reg, cases.get_dpia, drc.id, actor=reg.head_cr).reference == drc.reference
    for forged in (hr.id, 999999):  # another department's DPIA and one that does not exist: the same refusal
        with pytest.raises(NotAllowed):
            run(reg, cases.get_dpia, forged, actor=reg.head_cr)
    assert [e.details["attempted"] for e in _audit(reg, "access.denied")] == ["dpia.view", "dpia.view"]


def test_heads_and_auditors_read_but_change_nothing(reg):
    view = new_dpia(reg, "member_management")
    for actor in (reg.head_cr, reg.auditor):
        assert run(reg, cases.get_dpia, view.id, actor=actor).can_edit is False
        with pytest.raises(NotAllowed):
            run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {111: "x"}}, actor=actor)
        with pytest.raises(NotAllowed):
            new_dpia(reg, "member_management", actor=actor)
        with pytest.raises(NotAllowed):
            run(reg, cases.change_status, view.id, view.version, "archived", actor=actor)
    # only the context prefilled from the register entry when the DPIA was opened
    assert run(reg, cases.get_dpia, view.id).answers == view.answers and "x" not in view.answers.values()


# ------------------------------------------------------------------ editing

def test_opening_a_dpia_links_its_screening_and_the_three_feared_events(reg):
    ai = activity(reg, "ai_personalisation")
    run(reg, screening.screen_activity, ai, {"criteria": ["evaluation_scoring", "vulnerable_people"]})
    view = new_dpia(reg)
    assert view.reference.startswith("AIPD-") and view.status == "draft"
    assert view.screening.outcome == "required"
    assert [r.kind for r in view.risks] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    with pytest.raises(InvalidInput) as untitled:
        run(reg, cases.create_dpia, {"activity_id": ai, "title": "  "})
    assert _keys(untitled.value) == ["dpia.error.title_required"]


def test_saving_answers_starts_the_assessment_and_the_audit_keeps_what_was_replaced(reg):
    view = new_dpia(reg)
    view = run(reg, content.save_item, view.id, view.version, "2.1", {
        "answers": {211: "Première version"}, "evaluations": {"2.1.211": {"status": "improvable", "comment": "À préciser"}}})
    assert view.status == "in_progress" and view.answers[211] == "Première version"
    assert set(view.answers) == {111, 121, 211}  # 111 and 121: prefilled from the register entry
    view = run(reg, content.save_item, view.id, view.version, "2.1", {"answers": {211: "Seconde version"}})
    assert view.evaluations["2.1.211"].status == "improvable"  # untouched evaluations stay
    changes = [e.details["changes"] for e in _audit(reg, "dpia.save_item")]
    assert changes[1]["211"] == ["Première version", "Seconde version"]
    with pytest.raises(ValueError):  # a question of another item: a programming error, not user input
        run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {211: "x"}})


def test_a_stale_version_is_refused_and_nothing_is_overwritten(reg):
    view = new_dpia(reg)
    mine = run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {111: "Le texte de Julien"}})
    with pytest.raises(ConcurrentEdit):  # the DPO still has the version from before Julien's save
        run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {111: "Le texte de Claire"}},
            actor=reg.dpo)
    with pytest.raises(ConcurrentEdit):
        run(reg, content.save_measure, view.id, view.version, None, {"title": "Chiffrement"}, actor=reg.dpo)
    assert run(reg, cases.get_dpia, view.id).answers[111] == "Le texte de Julien"
    assert run(reg, cases.get_dpia, view.id).version == mine.version


def test_a_risk_needs_both_levels_and_nothing_is_saved_otherwise(reg):
    view = new_dpia(reg)
    risk = view.risks[0]
    with pytest.raises(InvalidInput) as half:
        run(reg, content.save_risk, view.id, view.version, risk.id,
            {"impacts": ["Discrimination"], "severity_before": 3, "severity_after": 2, "likelihood_after": 1})
    assert _keys(half.value) == ["dpia.risk.levels_before_pair"]
    with pytest.raises(InvalidInput) as off_scale:
        run(reg, content.save_risk, view.id, view.version, risk.id, {"severity_before": 5, "likelihood_before": 1})
    assert _keys(off_scale.value) == ["validation.less_than_equal"]
    assert run(reg, cases.get_dpia, view.id).risks[0] == risk


def test_risks_link_measures_of_their_own_dpia_only(reg):
    view = add_action(reg, new_dpia(reg), "Chiffrement", paris_today() + timedelta(days=30))
    other = add_action(reg, new_dpia(reg, "payments"), "Sauvegardes", paris_today() + timedelta(days=30))
    risk = view.risks[0]
    with pytest.raises(NotAllowed):
        run(reg, content.save_risk, view.id, view.version, risk.id, {"measure_ids": [other.measures[0].id]})
    view = run(reg, content.save_risk, view.id, view.version, risk.id, {"measure_ids": [view.measures[0].id]})
    assert view.risks[0].measure_ids == (view.measures[0].id,)
    view = run(reg, content.add_custom_risk, view.id, view.version, {"title": "Profilage discriminant"})
    custom = view.risks[-1]
    with pytest.raises(InvalidInput) as untitled:
        run(reg, content.save_risk, view.id, view.version, custom.id, {"impacts": ["Exclusion"]})
    assert _keys(untitled.value) == ["dpia.risk.title_required"]
    view = run(reg, content.withdraw_risk, view.id, view.version, custom.id)
    assert [r.title for r in view.active_risks if r.kind == "custom"] == []
    assert [r.title for r in view.risks if not r.active] == ["Profilage discriminant"]  # kept on record
    with pytest.raises(InvalidInput):
        run(reg, content.withdraw_risk, view.id, view.version, risk.id)


def test_action_plan_needs_owner_and_due_date_and_lateness_is_counted_in_sql(reg):
    view = new_dpia(reg)
    with pytest.raises(InvalidInput) as incomplete:
        run(reg, content.save_measure, view.id, view.version, None, {"title": "Audit de biais", "status": "planned"})
    assert _keys(incomplete.value) == ["dpia.measure.plan_required"]
    view = run(reg, content.save_measure, view.id, view.version, None, {"title": "Chiffrement"})  # existing measure
    view = add_action(reg, view, "Audit de biais", yesterday())
    view = add_action(reg, view, "Information des mineurs", paris_today() + timedelta(days=10))
    other = new_dpia(reg, "payments")
    assert view.overdue_actions == 1 and [m.overdue for m in view.measures] == [False, True, False]
    late = run(reg, cases.list_dpias, cases.DpiaFilter(overdue_only=True))
    assert [(r.id, r.overdue_actions) for r in late.rows] == [(view.id, 1)]
    assert {r.id for r in run(reg, cases.list_dpias).rows} == {view.id, other.id}
    done = run(reg, content.save_measure, view.id, view.version, view.measures[1].id,
               {"title": "Audit de biais", "status": "done", "owner": "DSI", "due_date": yesterday()})
    assert done.measures[1].done_on == paris_today() and done.overdue_actions == 0


# ------------------------------------------------------------------ validation

def test_only_the_dpo_gives_the_dpo_opinion(reg):
    view = new_dpia(reg)
    with pytest.raises(NotAllowed):
        run(reg, decision.give_dpo_opinion, view.id, view.version,
            {"dpo_name": "Julien Mercier", "favourable": True, "opinion": "Avis de complaisance."}, actor=reg.legal)
    with pytest.raises(InvalidInput) as incomplete:
        run(reg, decision.give_dpo_opinion, view.id, view.version,
            {"dpo_name": "Claire Fontaine", "favourable": None, "opinion": "Avis motivé complet."}, actor=reg.dpo)
    assert _keys(incomplete.value) == ["dpia.opinion.incomplete"]
    view = run(reg, decision.give_dpo_opinion, view.id, view.version,
               {"dpo_name": "Claire Fontaine", "favourable": False, "opinion": "Avis défavorable : risques élevés."},
               actor=reg.dpo)
    assert (view.dpo_favourable, view.dpo_opinion_at is not None) == (False, True)


def test_validation_without_opinion_or_levels_says_everything_and_saves_nothing(reg):
    view = fill(reg, new_dpia(reg))
    with pytest.raises(InvalidInput) as refused:
        run(reg, decision.validate_dpia, view.id, view.version,
            {"decision_by": "", "decided_on": paris_today(), "review_date": paris_today()})
    assert _keys(refused.value) == [
        "dpia.decision.by_required", "dpia.validation.risk_levels.illegitimate_access", "dpia.validation.risk_levels.unwanted_modification",
        "dpia.validation.risk_levels.disappearance", "dpia.validation.dpo_opinion", "dpia.validation.people_views",
        "dpia.validation.review_before_decision"]
    stored = run(reg, cases.get_dpia, view.id)
    assert (stored.status, stored.decided_on, stored.review_date, stored.version) == (
        "in_progress", None, None, view.version)


def test_validated_dpia_with_review_date_then_locked_reopened_and_archived(reg):
    view = ready_for_decision(reg, new_dpia(reg))
    with pytest.raises(InvalidInput) as before:
        run(reg, decision.validate_dpia, view.id, view.version,
            {"decision_by": "Direction", "decided_on": yesterday(), "review_date": yesterday()})
    assert _keys(before.value) == ["dpia.validation.review_before_decision"]
    view = run(reg, decision.validate_dpia, view.id, view.version,
               {"decision_by": "Nadia Rousseau, directrice générale", "decided_on": yesterday()})
    assert (view.status, view.decided_on, view.review_date) == ("validated", yesterday(),
                                                                 dpia_review_date(yesterday()))
    with pytest.raises(RuleViolation):
        run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {111: "Retouche"}})
    with pytest.raises(RuleViolation):
        run(reg, decision.validate_dpia, view.id, view.version,
            {"decision_by": "Direction", "decided_on": yesterday()})
    view = run(reg, cases.change_status, view.id, view.version, "in_progress")
    assert view.status == "in_progress" and view.can_edit
    view = run(reg, cases.change_status, view.id, view.version, "archived", actor=reg.dpo)
    with pytest.raises(RuleViolation):
        run(reg, cases.change_status, view.id, view.version, "in_progress")
    assert [e.details["status"] for e in _audit(reg, "dpia.reopen") + _audit(reg, "dpia.archive")] == [
        ["validated", "in_progress"], ["in_progress", "archived"]]


def test_the_action_plan_is_followed_up_after_validation(reg):
    view = add_action(reg, new_dpia(reg), "Audit de biais", paris_today() + timedelta(days=5))
    view = run(reg, content.save_measure, view.id, view.version, None, {"title": "Chiffrement"})
    view = validated(reg, view)
    action, existing = view.measures
    with pytest.raises(RuleViolation):  # the content of a validated DPIA is locked...
        run(reg, content.save_measure, view.id, view.version, action.id,
            {"title": "Autre", "status": "planned", "owner": "DSI", "due_date": paris_today()})
    view = run(reg, content.track_action, view.id, view.version, action.id,  # ...its action plan is not
               {"status": "done", "owner": "DSI", "due_date": action.due_date})
    assert (view.measures[0].status, view.measures[0].done_on, view.status) == ("done", paris_today(), "validated")
    with pytest.raises(InvalidInput) as not_action:
        run(reg, content.track_action, view.id, view.version, existing.id, {"status": "existing", "owner": ""})
    assert _keys(not_action.value) == ["dpia.measure.not_an_action"]
    with pytest.raises(NotAllowed):
        run(reg, content.track_action, view.id, view.version, action.id,
            {"status": "in_progress", "owner": "DSI", "due_date": paris_today()}, actor=reg.auditor)


def test_refusal_needs_its_reasons(reg):
    view = fill(reg, new_dpia(reg))
    with pytest.raises(InvalidInput) as unreasoned:
        run(reg, decision.refuse_dpia, view.id, view.version, {"decision_by": " ", "decided_on": yesterday()})
    assert _keys(unreasoned.value) == ["dpia.decision.by_required", "dpia.decision.reason_required"]
    view = run(reg, decision.refuse_dpia, view.id, view.version,
               {"decision_by": "Direction", "decided_on": yesterday(), "comment": "Finalité non justifiée."})
    assert (view.status, view.decision_comment, view.review_date) == ("refused", "Finalité non justifiée.", None)


def test_people_views_or_why_not(reg):
    view = new_dpia(reg)
    with pytest.raises(InvalidInput) as missing:
        run(reg, decision.record_people_views, view.id, view.version, {"sought": True, "opinion": ""})
    assert _keys(missing.value) == ["dpia.validation.people_opinion"]
    view = run(reg, decision.record_people_views, view.id, view.version,
               {"sought": False, "names": "ignoré", "not_sought_reason": "Traitement de sécurité interne."})
    assert (view.people_sought, view.people_names, view.people_not_sought_reason) == (
        False, "", "Traitement de sécurité interne.")


# ------------------------------------------------------------------ Art. 36 and deadlines

def test_a_residual_high_risk_flags_prior_consultation_and_its_deadline(reg):
    view = new_dpia(reg)
    risk = view.risks[0]
    view = run(reg, content.save_risk, view.id, view.version, risk.id, {"severity_before": 4, "likelihood_before": 3})
    assert view.prior_consultation
    with pytest.raises(InvalidInput):
        run(reg, decision.record_cnil_consultation, view.id, view.version, paris_today() + timedelta(days=1))
    view = run(reg, decision.record_cnil_consultation, view.id, view.version, date(2026, 3, 2))
    assert (view.cnil_consulted_on, view.cnil_answer_due) == (date(2026, 3, 2), date(2026, 4, 27))
    view = run(reg, content.save_risk, view.id, view.version, risk.id, {
        "severity_before": 4, "likelihood_before": 3, "severity_after": 2, "likelihood_after": 2})
    assert (view.prior_consultation, view.cnil_answer_due) == (False, None)
    with pytest.raises(InvalidInput) as not_needed:
        run(reg, decision.record_cnil_consultation, view.id, view.version, date(2026, 3, 2))
    assert _keys(not_needed.value) == ["dpia.consultation.not_required"]


def test_deadlines_are_indexed_date_columns_an_overview_can_query(reg):
    view = validated(reg, add_action(reg, new_dpia(reg), "Audit de biais", yesterday()))
    in_a_month = paris_today() + timedelta(days=31)
    with reg.session() as session:
        reviews = session.exec(select(Dpia.reference).where(Dpia.review_date > in_a_month)).all()
        late = session.exec(select(DpiaMeasure.title).where(DpiaMeasure.due_date < paris_today(),
                                                            DpiaMeasure.status.in_(["planned", "in_progress"]))).all()
        indexes = {tuple(i["column_names"]) for table in ("dpia", "dpia_measure")
                   for i in inspect(session.get_bind()).get_indexes(table)}
    assert reviews == [view.reference] and late == ["Audit de biais"]
    assert {("review_date",), ("cnil_answer_due",), ("due_date",)} <= indexes


# ------------------------------------------------------------------ the activity hub

def test_each_activity_shows_its_screening_and_dpias_to_those_who_may_see_them(reg):
    drc_activity = activity(reg, "member_management")
    run(reg, screening.screen_activity, drc_activity, {"criteria": ["large_scale", "sensitive_data"]})
    view = new_dpia(reg, "member_management")
    with reg.session() as session:
        linked = cases_linked_to_activity(session, reg.head_cr, drc_activity)
        hidden = linked_to_activity(session, reg.head_hr, drc_activity)
    assert [(c.case_type, c.reference, c.status, c.is_open) for c in linked] == [
        ("dpia_screening", "", "dpia.screening.outcome.required", False),
        ("dpia", view.reference, "dpia.status.draft", True)]
    assert hidden == []


def test_answers_are_stored_once_per_question(reg):
    view = new_dpia(reg)
    for text in ("un", "deux"):
        view = run(reg, content.save_item, view.id, view.version, "1.1", {"answers": {111: text}})
    with reg.session() as session:
        rows = session.exec(select(DpiaAnswer).where(DpiaAnswer.dpia_id == view.id)).all()
    assert [(r.question_id, r.text) for r in rows if r.question_id == 111] == [(111, "deux")]
    assert sorted(r.question_id for r in rows) == [111, 121]  # 121: prefilled from the register entry


def test_risks_placed_everywhere_the_same_way(reg):
    view = place_risks(reg, new_dpia(reg), before=(4, 4), after=(1, 1))
    assert {r.levels() for r in view.risks} == {(4, 4, 1, 1)} and not view.prior_consultation
