"""Issue 15, rules 3 and 8: the CNIL's list of processing that needs no DPIA, and the prior
consultation of the CNIL (Art. 36) recorded before a DPIA with a residual high risk is
validated."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dashboard.dpia import content, decision, documents, screening
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.dpia_rules import prior_consultation_state
from models.dpia_screening import CNIL_EXEMPT_LIST, CNIL_EXEMPT_LIST_SOURCE, ScreeningOutcome, screening_result
from tests.dpia.conftest import activity, new_dpia, place_risks, ready_for_decision, run
from tests.pdf_reading import pdf_text


# ------------------------------------------------------------------ rule 8: délibération 2019-118


def test_the_exemption_list_is_the_cnils_twelve_types_with_its_source():
    """GDPR Art. 35(5) and CNIL délibération n° 2019-118 du 12 septembre 2019 (JORF du 22
    octobre 2019): twelve types of processing need no DPIA."""
    assert len(CNIL_EXEMPT_LIST) == len(set(CNIL_EXEMPT_LIST)) == 12
    assert "2019-118" in CNIL_EXEMPT_LIST_SOURCE and "12 septembre 2019" in CNIL_EXEMPT_LIST_SOURCE


def test_an_exempt_type_gives_not_required_on_that_ground():
    """Délibération n° 2019-118: a processing of a listed type needs no DPIA, even when it
    meets two WP248 criteria (Art. 35(5) lists are the authority's own judgement); a type
    of the 2018-327 list (Art. 35(4)) prevails — the cautious answer."""
    result = screening_result(["vulnerable_people", "sensitive_data"], (), ["hr_small_employer"])
    assert (result.outcome, result.reason_key) == (ScreeningOutcome.NOT_REQUIRED, "dpia.screening.reason.cnil_exempt")
    assert not result.needs_justification  # the ground is the list itself
    both = screening_result([], ["employee_monitoring"], ["access_control_working_time"])
    assert both.outcome == ScreeningOutcome.REQUIRED
    with pytest.raises(ValueError):
        screening_result([], [], ["astrology"])


def test_screening_records_the_exemption_ground(reg):
    """The screening keeps the 2019-118 type, and the audit trail its ground and who decided."""
    newsletter = activity(reg, "newsletter")
    done = run(reg, screening.screen_activity, newsletter, {"criteria": [], "cnil_exempt_types": ["supplier_relations"]})
    assert (done.outcome, done.cnil_exempt_types, done.reason_key) == (
        "not_required", ("supplier_relations",), "dpia.screening.reason.cnil_exempt")
    history = run(reg, screening.screenings_of_activity, newsletter, actor=reg.auditor)
    assert (history[0].cnil_exempt_types, history[0].screened_by_name) == (("supplier_relations",),
                                                                          reg.legal.full_name)
    with reg.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "dpia.screen")).one()
    assert entry.details["reason"] == "dpia.screening.reason.cnil_exempt"
    assert entry.details["cnil_exempt_types"] == ["supplier_relations"] and entry.actor_id == reg.legal.user_id
    with pytest.raises(InvalidInput) as unknown:
        run(reg, screening.screen_activity, newsletter, {"cnil_exempt_types": ["astrology"], "justification": "x" * 20})
    assert [p.key for p in unknown.value.problems] == ["dpia.screening.unknown_code"]


# ------------------------------------------------------------------ rule 3: Art. 36


def _high_residual_risk(reg):
    """A DPIA ready for the decision whose first risk stays significant / significant."""
    view = ready_for_decision(reg, new_dpia(reg))
    risk = view.active_risks[0]
    return run(reg, content.save_risk, view.id, view.version, risk.id, {
        "title": risk.title, "impacts": ["Atteinte à la réputation"], "threats": ["Vol de poste"],
        "sources": ["Attaquant"], "severity_before": 4, "likelihood_before": 3, "severity_after": 3,
        "likelihood_after": 3, "evaluation": "acceptable"})


def test_a_residual_high_risk_cannot_be_validated_without_the_prior_consultation(reg):
    """GDPR Art. 36(1): "The controller shall consult the supervisory authority prior to
    processing where a [DPIA] indicates that the processing would result in a high risk in
    the absence of measures taken by the controller to mitigate the risk." Validation is
    refused until the consultation is recorded, then allowed."""
    view = _high_residual_risk(reg)
    assert view.prior_consultation and view.prior_consultation_state == "required"
    decision_data = {"decision_by": "Direction générale", "decided_on": paris_today()}
    with pytest.raises(InvalidInput) as refused:
        run(reg, decision.validate_dpia, view.id, view.version, decision_data)
    assert [p.key for p in refused.value.problems] == ["dpia.validation.prior_consultation"]
    view = run(reg, decision.record_cnil_consultation, view.id, view.version, paris_today() - timedelta(days=3))
    assert run(reg, decision.validate_dpia, view.id, view.version, decision_data).status == "validated"


def test_the_cnils_extension_and_answer_are_recorded(reg):
    """GDPR Art. 36(2): written advice within eight weeks of receipt, extendable by six weeks;
    the authority tells the controller of the extension within one month of receipt, with
    the reasons. The extension moves the due date to fourteen weeks; its notice after a
    month is refused; the answer is kept with who recorded it."""
    view = _high_residual_risk(reg)
    with pytest.raises(InvalidInput) as first:
        run(reg, decision.record_cnil_answer, view.id, view.version,
            {"answered_on": date(2026, 3, 20), "answer": "Avis favorable sous réserves."})
    assert [p.key for p in first.value.problems] == ["dpia.consultation.not_recorded"]
    view = run(reg, decision.record_cnil_consultation, view.id, view.version, date(2026, 3, 2))
    assert view.cnil_answer_due == date(2026, 4, 27)  # eight weeks
    with pytest.raises(InvalidInput) as late:
        run(reg, decision.record_cnil_extension, view.id, view.version,
            {"notified_on": date(2026, 4, 3), "reasons": "Traitement complexe."})
    assert [p.key for p in late.value.problems] == ["dpia.consultation.extension_too_late"]
    view = run(reg, decision.record_cnil_extension, view.id, view.version,
               {"notified_on": date(2026, 4, 2), "reasons": "Traitement complexe, plusieurs sous-traitants."})
    assert (view.cnil_extended, view.cnil_answer_due) == (True, date(2026, 6, 8))  # 8 + 6 weeks
    view = run(reg, decision.record_cnil_answer, view.id, view.version,
               {"answered_on": date(2026, 6, 1), "answer": "Avis favorable sous réserve du chiffrement."})
    assert (view.cnil_answer_on, view.cnil_answer) == (date(2026, 6, 1), "Avis favorable sous réserve du chiffrement.")
    with reg.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action.in_(
            ["dpia.cnil_extension", "dpia.cnil_answer"])).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.actor_id) for e in entries] == [("dpia.cnil_extension", reg.legal.user_id),
                                                         ("dpia.cnil_answer", reg.legal.user_id)]
    assert entries[1].details["on_time"] is True


def test_before_any_risk_is_placed_the_header_says_not_yet_assessed(reg):
    """GDPR Art. 36(1) depends on the residual risk: before the risks are estimated the DPIA
    must not read "prior consultation not required" — neither on the page nor in the
    report — but "not yet assessed"."""
    view = new_dpia(reg)
    assert (view.prior_consultation, view.prior_consultation_state) == (False, "not_assessed")
    with reg.work() as session:
        text = pdf_text(documents.issue_report(session, reg.dpo, view.id, "fr").content)
    assert "Pas encore évaluée" in text and "Non requise : aucun risque résiduel élevé" not in text
    view = place_risks(reg, view)
    assert view.prior_consultation_state == "not_required"


def test_prior_consultation_state_rule():
    """Art. 36(1): required with one high residual risk even if others are unplaced;
    not required only when every risk is placed and none stays high."""
    assert prior_consultation_state([]) == "not_assessed"
    assert prior_consultation_state([(2, 2, 1, 1), (None, None, None, None)]) == "not_assessed"
    assert prior_consultation_state([(4, 3, 3, 3), (None, None, None, None)]) == "required"
    assert prior_consultation_state([(2, 2, 1, 1), (3, 3, None, None)]) == "required"
    assert prior_consultation_state([(2, 2, 1, 1), (2, 1, None, None)]) == "not_required"
