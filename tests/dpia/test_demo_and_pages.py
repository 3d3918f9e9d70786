"""The demo DPIAs tell the story the seeds call for, and the DPIA pages render for
every role on them (AppTest, the real entry script)."""

from datetime import timedelta

import pytest

from dashboard.demo import activities as demo_activities
from dashboard.dpia import cases, screening
from models.clock import paris_today
from models.dpia_rules import EVALUATION_REFERENCES
from tests.page_support import app_as, form_key, page_path
from tests.conftest import actor_named


def _views(org, actor):
    with org.work() as session:
        return {row.activity_name: cases.get_dpia(session, actor, row.id)
                for row in cases.list_dpias(session, actor, cases.DpiaFilter(), 1, 50).rows}


def _screening(org, key):
    with org.work() as session:
        return screening.screenings_of_activity(session, org.dpo, demo_activities.activity_id(session, key))[0]


def test_demo_dpias(demo_db):
    views = _views(demo_db, demo_db.dpo)
    ai = views["Personnalisation des parcours et recommandations par IA"]
    assert ai.status == "validated" and ai.screening.outcome == "required"
    assert set(ai.evaluations) == set(EVALUATION_REFERENCES) and len(ai.active_risks) == 4
    assert all(None not in r.levels() for r in ai.active_risks) and ai.dpo_favourable and ai.people_sought
    assert ai.review_date > paris_today() + timedelta(days=365 * 2)
    assert {m.status for m in ai.measures} == {"existing", "done", "in_progress", "planned"}
    analytics = views["Mesure d'audience, cartes de chaleur et enregistrement de sessions"]
    assert analytics.status == "in_progress" and analytics.overdue_actions == 2 and analytics.prior_consultation
    members = views["Gestion des adhérents et des contrats de prévoyance"]
    assert members.status == "validated" and paris_today() < members.review_date <= paris_today() + timedelta(days=30)
    newsletter = _screening(demo_db, "newsletter")
    assert newsletter.outcome == "not_required" and "WP248" in newsletter.justification
    assert _screening(demo_db, "hr_payroll").outcome == "required"  # health data and NIR, employees: two criteria


def test_department_heads_see_their_demo_dpias_only(demo_db):
    assert list(_views(demo_db, demo_db.head_cr)) == ["Gestion des adhérents et des contrats de prévoyance"]
    assert list(_views(demo_db, demo_db.head_hr)) == []
    peda = actor_named(demo_db.engine, "chef.peda")
    assert list(_views(demo_db, peda)) == ["Personnalisation des parcours et recommandations par IA"]


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [t.value for t in list(at.title) + list(at.header)] + [c.value for c in at.caption]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [s.value for s in at.success])


@pytest.mark.parametrize("username", ["dpo", "juriste", "chef.relation", "auditeur"])
def test_every_role_opens_the_dpia_pages(demo_db, username):
    at = app_as(demo_db, username)
    at.switch_page(page_path("dpia_register.py")).run()
    assert not at.exception and not at.error
    rows = len(at.dataframe[0].value)
    assert rows == (1 if username == "chef.relation" else 3)
    at.switch_page(page_path("dpia_screening.py")).run()
    assert not at.exception and not at.error
    views = _views(demo_db, actor_named(demo_db.engine, username))
    members = views["Gestion des adhérents et des contrats de prévoyance"]
    at.query_params["id"] = str(members.id)
    at.switch_page(page_path("dpia_detail.py")).run()
    assert not at.exception and not at.error
    assert f"{members.reference} — {members.title}" in _texts(at)
    editable = username in ("dpo", "juriste")
    assert bool([b for b in at.button if b.label == "Émettre le rapport"]) is editable
    assert bool([b for b in at.button if b.label == "Rouvrir pour réexamen"]) is editable


def test_a_forged_dpia_id_shows_nothing(demo_db):
    at = app_as(demo_db, "chef.relation")
    ai = _views(demo_db, demo_db.dpo)["Personnalisation des parcours et recommandations par IA"]
    at.query_params["id"] = str(ai.id)
    at.switch_page(page_path("dpia_detail.py")).run()
    assert not at.exception
    assert [e.value for e in at.error][0].startswith("Accès refusé")
    assert ai.reference not in _texts(at)


def test_screening_without_justification_is_refused_in_french(demo_db):
    at = app_as(demo_db, "juriste")
    at.switch_page(page_path("dpia_screening.py")).run()
    with demo_db.session() as session:
        recruitment = demo_activities.activity_id(session, "recruitment")
    at.selectbox(key="screening_activity").set_value(recruitment).run()
    # the entry lists applicants: "vulnerable people" comes pre-ticked as a suggestion; the DPO rejects it
    suggested = [c for c in at.checkbox if "suggéré — à confirmer" in c.label]
    assert suggested and all(c.value for c in suggested)
    assert any("Personnes vulnérables" in c.label for c in suggested)
    for box in suggested:
        box.uncheck()
    form_button = next(b for b in at.button if b.label == "Enregistrer la pré-analyse")
    form_button.click().run()
    assert not at.exception
    assert "Justifiez en quelques mots" in " ".join(e.value for e in at.error)
    with demo_db.work() as session:
        assert screening.screenings_of_activity(session, demo_db.dpo, recruitment) == []


def test_a_dpia_archived_meanwhile_refuses_an_answer_in_words_not_in_silence(demo_db):
    """Two people at once: the lawyer archives the DPIA while the DPO, who opened it before, saves an
    answer. The DPO's form, drawn from what the DPO saw, still reaches its use case, which refuses it
    naming the lawyer; a form taken away under the submit would drop it without a word."""
    analytics = _views(demo_db, demo_db.dpo)["Mesure d'audience, cartes de chaleur et enregistrement de sessions"]
    at = app_as(demo_db, "dpo")
    at.query_params["id"] = str(analytics.id)
    at.switch_page(page_path("dpia_detail.py")).run()
    with demo_db.work() as session:
        cases.change_status(session, demo_db.legal, analytics.id, analytics.version, "archived")
    overview = at.text_area(key=form_key(at, "dpia/q111"))
    overview.input("Vue d'ensemble réécrite par le DPO")
    next(b for b in at.button if b.form_id == form_key(at, "dpia/item1.1") and b.label == "Enregistrer").click().run()
    assert not at.exception
    assert any(e.value.startswith("juriste a modifié ce dossier") for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=form_key(at, "dpia/q111")).value == "Vue d'ensemble réécrite par le DPO"
    assert _views(demo_db, demo_db.dpo)[analytics.activity_name].status == "archived"
