"""DPIA screening suggested from the register entry: the pure rule, the use cases
(suggested vs confirmed stored and audited), the DPIA's context prefilled from the
entry; on SQLite and PostgreSQL."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from dashboard.dpia import cases, screening
from dashboard.errors import NotAllowed
from models.audit import AuditEntry
from models.dpia import DpiaAnswer, DpiaScreening
from models.dpia_screening import WP248_CRITERIA
from models.dpia_suggestions import (
    Category, EntryFacts, confirmation, facts_from_content, observations, suggest_criteria,
)
from models.register import ActivityContent
from tests.dpia.conftest import activity, run


def _codes(facts: EntryFacts) -> list[str]:
    return [s.criterion for s in suggest_criteria(facts)]


# ------------------------------------------------------------------ the rule


def test_health_data_and_nir_suggest_sensitive_data_with_the_reason():
    found = suggest_criteria(EntryFacts(data_categories=(Category("Identité"), Category("Certificats médicaux", "art9"),
                                                         Category("NIR", "nir"))))
    assert [(s.criterion, s.reason_key, s.params) for s in found] == [
        ("sensitive_data", "dpia.suggest.reason.art9", {"name": "Certificats médicaux"})]
    assert _codes(EntryFacts(data_categories=(Category("NIR", "nir"),))) == ["sensitive_data"]
    assert _codes(EntryFacts(data_categories=(Category("Casier judiciaire", "art10"),))) == ["sensitive_data"]


def test_minors_employees_and_patients_are_vulnerable_people():
    for name in ("Élèves mineurs", "Enfants de moins de 15 ans", "Salariés", "Candidats", "Patients",
                 "Personnes âgées en EHPAD", "Children"):
        found = suggest_criteria(EntryFacts(subject_categories=("Clients", name)))
        assert [s.criterion for s in found] == ["vulnerable_people"], name
        assert found[0].params == {"name": name}
    assert _codes(EntryFacts(subject_categories=("Clients", "Prospects", "Adhérents"))) == []


def test_words_of_purposes_and_description_suggest_profiling_monitoring_and_new_technology():
    facts = EntryFacts(description="Moteur d'IA de recommandation",
                       purposes=("Profilage des apprenants", "Vidéosurveillance des locaux",
                                 "Croisement avec les données des partenaires"))
    assert _codes(facts) == ["evaluation_scoring", "systematic_monitoring", "matching_datasets",
                             "innovative_technology"]
    reasons = {s.criterion: s.reason_key for s in suggest_criteria(facts)}
    assert reasons["evaluation_scoring"] == "dpia.suggest.reason.evaluation_scoring_purpose"
    assert reasons["innovative_technology"] == "dpia.suggest.reason.innovative_technology_description"


def test_short_words_match_whole_words_only():
    """"IA" and "AI" are words, not the start of "aide" or "iatrogène"."""
    assert _codes(EntryFacts(description="Aide aux démarches, risque iatrogène, ailleurs")) == []
    assert _codes(EntryFacts(description="Outil d'IA générative")) == ["innovative_technology"]


def test_flags_the_register_does_not_hold_yet_plug_in_and_override_the_words():
    assert _codes(EntryFacts(profiling=True, automated_decision=True, people_concerned=120_000,
                             new_technology=True)) == [
        "evaluation_scoring", "automated_decision", "large_scale", "innovative_technology"]
    assert _codes(EntryFacts(people_concerned=200)) == []
    # the entry says explicitly: no profiling, so the word "profil" suggests nothing
    assert _codes(EntryFacts(purposes=("Mise à jour du profil",), profiling=False)) == []
    assert _codes(EntryFacts(purposes=("Mise à jour du profil",))) == ["evaluation_scoring"]


def test_transfers_are_an_observation_not_a_criterion():
    facts = EntryFacts(transfer_countries=("US", "GB", "US"))
    assert suggest_criteria(facts) == []
    assert observations(facts)[0].params == {"countries": "GB, US"}


def test_facts_come_from_a_register_entry_content():
    content = ActivityContent.model_construct(
        name="Paie", department_id=1, description="", purposes=(), subject_categories=(),
        data_categories=(), transfers=())
    assert facts_from_content(content, people_concerned=10_000).people_concerned == 10_000
    assert facts_from_content(content).profiling is None


def test_the_register_s_art22_box_and_people_range_feed_the_suggestions():
    base = dict(name="Tarification", department_id=1, description="", purposes=(), subject_categories=(),
                data_categories=(), transfers=())
    ticked = ActivityContent.model_construct(**base, automated_decisions=True, people_count="100k_1m")
    codes = _codes(facts_from_content(ticked))
    assert "automated_decision" in codes and "large_scale" in codes
    unticked = ActivityContent.model_construct(**base, automated_decisions=False, people_count="1k_10k")
    facts = facts_from_content(unticked)
    assert facts.automated_decision is None and "large_scale" not in _codes(facts)  # unticked is not "no"


def test_confirmation_says_what_was_confirmed_rejected_and_added():
    assert confirmation(["sensitive_data", "vulnerable_people"], ["vulnerable_people", "large_scale"]) == {
        "confirmed": ["vulnerable_people"], "rejected": ["sensitive_data"], "added": ["large_scale"]}


hostile = st.one_of(st.text(max_size=300), st.just("\x00" * 50), st.just("x" * 20000),
                    st.just("<script>alert(1)</script> **gras** [lien](javascript:x)"),
                    st.just("=HYPERLINK(\"http://x\")"), st.just("+cmd|' /C calc'!A0"))


@settings(max_examples=150, deadline=None)
@given(description=hostile, purposes=st.lists(hostile, max_size=4), subjects=st.lists(hostile, max_size=4),
       names=st.lists(st.tuples(hostile, st.sampled_from(["standard", "art9", "art10", "nir"])), max_size=4))
def test_any_entry_gives_known_criteria_in_order_with_short_reasons(description, purposes, subjects, names):
    found = suggest_criteria(EntryFacts(description=description, purposes=tuple(purposes),
                                        subject_categories=tuple(subjects),
                                        data_categories=tuple(Category(n, s) for n, s in names)))
    codes = [s.criterion for s in found]
    assert codes == sorted(set(codes), key=WP248_CRITERIA.index)
    assert all(s.reason_key.startswith("dpia.suggest.reason.") for s in found)
    assert all(len(v) <= 120 for s in found for v in s.params.values())


# ------------------------------------------------------------------ the use cases


def _audit(org, action: str) -> list[AuditEntry]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_the_entry_suggests_and_the_screening_stores_suggested_and_confirmed(reg):
    benefits = activity(reg, "benefits")  # health data (art. 9) and the NIR
    found = run(reg, screening.suggestions_for_activity, benefits)
    assert "sensitive_data" in found.codes
    reason = next(s for s in found.criteria if s.criterion == "sensitive_data")
    assert reason.reason_key == "dpia.suggest.reason.art9" and "médicaux" in reason.params["name"]
    # the DPO confirms sensitive data, rejects the rest, adds large scale
    confirmed = ["sensitive_data", "large_scale"]
    view = run(reg, screening.screen_activity, benefits, {"criteria": confirmed}, actor=reg.dpo)
    assert view.criteria == ("sensitive_data", "large_scale")
    assert view.suggested == found.codes
    assert set(view.rejected) == set(found.codes) - {"sensitive_data"}
    with reg.session() as session:
        row = session.get(DpiaScreening, view.id)
        assert row.suggestions[0]["criterion"] == found.codes[0] and row.suggestions[0]["reason"]
    details = _audit(reg, "dpia.screen")[-1].details
    assert details["suggested"] == list(found.codes)
    assert details["confirmed"] == ["sensitive_data"] and details["added"] == ["large_scale"]
    assert set(details["rejected"]) == set(found.codes) - {"sensitive_data"}


def test_suggestions_follow_the_register_visibility(reg):
    benefits = activity(reg, "benefits")  # Customer relations (DRC)
    assert run(reg, screening.suggestions_for_activity, benefits, actor=reg.head_cr).codes
    assert run(reg, screening.suggestions_for_activity, benefits, actor=reg.auditor).codes
    with pytest.raises(NotAllowed):
        run(reg, screening.suggestions_for_activity, benefits, actor=reg.head_hr)
    with pytest.raises(NotAllowed):
        run(reg, screening.screen_activity, benefits, {"criteria": ["sensitive_data"]}, actor=reg.auditor)


def test_a_new_dpia_starts_with_its_context_prefilled_from_the_entry(reg):
    benefits = activity(reg, "benefits")
    view = run(reg, cases.create_dpia, {"activity_id": benefits, "title": "AIPD prestations"}, actor=reg.dpo)
    with reg.session() as session:
        answers = {a.question_id: a.text for a in session.exec(select(DpiaAnswer).where(DpiaAnswer.dpia_id == view.id))}
    assert set(answers) == {111, 121}
    assert "Gestion des prestations et des remboursements" in answers[111]
    assert "Finalités (base légale) :" in answers[111] and "Instruction et paiement des prestations" in answers[111]
    assert "Arrêts de travail et certificats médicaux (Sensible (art. 9))" in answers[121]
    assert "Personnes concernées :" in answers[121] and "- Adhérents" in answers[121]
    assert view.status == "draft"
    assert _audit(reg, "dpia.create")[-1].details["prefilled_from_register"] == [111, 121]


def test_the_prefill_speaks_the_creators_language(reg):
    from dataclasses import replace

    english = replace(reg.legal, language="en")
    view = run(reg, cases.create_dpia, {"activity_id": activity(reg, "benefits"), "title": "DPIA benefits"},
               actor=english)
    with reg.session() as session:
        text = session.exec(select(DpiaAnswer).where(DpiaAnswer.dpia_id == view.id,
                                                     DpiaAnswer.question_id == 121)).one().text
    assert text.startswith("Categories of data (retention):") and "Data subjects:" in text
