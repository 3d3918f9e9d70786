"""The breach pages in AppTest, on the demo data: what each role sees and may do, and
a refused notification shown in the user's language."""

import pytest
from sqlmodel import select

from dashboard import auth, db
from dashboard.breach import records, workflow
from dashboard.breach.forms import BreachFacts
from dashboard.demo import activities as demo_activities
from dashboard.demo import breaches as demo_breaches
from models.breach import Breach, BreachNotification, BreachStep
from models.org import User
from tests.page_support import app_as, form_key, page_path

REGISTER = page_path("breach_register.py")
CASE = page_path("breach_case.py")


@pytest.fixture
def demo_org(app_org):  # noqa: F811
    with db.unit_of_work(app_org.engine) as session:
        demo_activities.seed(session)
        demo_breaches.seed(session)
    return app_org


def _breach_id(org, title_start: str) -> int:
    with org.session() as session:
        return session.exec(select(Breach.id).where(Breach.title.startswith(title_start))).one()


def _open(org, username: str, page: str, breach_id: int | None = None):
    at = app_as(org, username)
    if breach_id is not None:
        at.session_state["breach_selected"] = breach_id
    return at.switch_page(page).run()


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
                    + [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption])


def test_the_register_lists_every_breach_for_the_dpo_with_its_clock(demo_org):
    at = _open(demo_org, "dpo", REGISTER)
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Registre des violations de données personnelles"]
    table = at.dataframe[0].value
    assert len(table) == len(demo_breaches.BREACHES)
    clocks = " ".join(table["Délai de 72 h"])
    assert "reste" in clocks and "dépassée de" in clocks and "notifiée le" in clocks and "en retard" in clocks
    assert {m.label: m.value for m in at.metric}["Dont échéance dépassée"] == "1"
    assert len(at.tabs) == 2  # register and declare


def test_a_department_head_sees_only_his_departments_breaches(demo_org):
    at = _open(demo_org, "chef.rh", REGISTER)
    assert not at.exception
    assert set(at.dataframe[0].value["Intitulé"]) == {
        "Perte d'un ordinateur portable chiffré d'une gestionnaire RH",
        "Dossiers de candidats accessibles sur le partage réseau commun"}
    forbidden = _open(demo_org, "chef.rh", CASE, _breach_id(demo_org, "Rançongiciel"))
    assert len(forbidden.error) == 1 and forbidden.error[0].value.startswith("Accès refusé")
    assert not forbidden.tabs  # nothing of the case was rendered


def test_the_auditor_reads_a_case_and_can_change_nothing(demo_org):
    at = _open(demo_org, "auditeur", CASE, _breach_id(demo_org, "Rançongiciel"))
    assert not at.exception and not at.error
    assert at.title[0].value.endswith("Rançongiciel sur un serveur de fichiers")
    assert not [b for b in at.button if b.proto.is_form_submitter]  # no form to submit
    assert "Notifiée à la CNIL" in _texts(at)
    register = _open(demo_org, "auditeur", REGISTER)
    assert len(register.tabs) == 1  # no declaration tab


def test_a_late_notification_without_reasons_is_refused_on_the_page(demo_org):
    breach_id = _breach_id(demo_org, "Enregistrement de sessions")  # clock over, not notified
    at = _open(demo_org, "dpo", CASE, breach_id)
    assert "Échéance des 72 heures dépassée" in _texts(at)
    next(t for t in at.text_input if t.label == "Numéro de notification CNIL").input("2026-050001")
    next(b for b in at.button if b.label == "Enregistrer la notification").click().run()
    assert any("les motifs du retard sont obligatoires" in e.value for e in at.error)
    with demo_org.session() as session:
        assert session.exec(select(BreachNotification).where(BreachNotification.breach_id == breach_id)).all() == []
    next(t for t in at.text_area if t.label == "Motifs du retard (article 33(1))").input(
        "Configuration du sous-traitant analysée pendant quatre jours.")
    next(b for b in at.button if b.label == "Enregistrer la notification").click().run()
    assert not at.error and "Notifiée à la CNIL" in _texts(at)


def test_a_qualification_made_on_a_stale_case_is_refused_and_the_input_stays(demo_org):
    """Issue 13 item 3: the save carries the version the user saw when the case opened."""
    breach_id = _breach_id(demo_org, "Enregistrement de sessions")
    at = _open(demo_org, "dpo", CASE, breach_id)
    with demo_org.work() as session:  # the lawyer completes the facts meanwhile
        legal = auth.actor_for(session, session.exec(select(User).where(User.username == "juriste")).one())
        seen = session.get(Breach, breach_id)
        records.update_facts(session, legal, breach_id, seen.version,
                             {**BreachFacts.model_validate(seen, from_attributes=True).model_dump(),
                              "title": "Intitulé corrigé par le juriste"})
    justification = form_key(at, "breach/risk_justification")
    at.text_area(key=justification).input("Sessions enregistrées avec les champs de saisie.")
    next(b for b in at.button if b.label == "Enregistrer l'évaluation").click().run()
    assert not at.exception
    assert any(e.value.startswith("juriste a modifié ce dossier") and "Intitulé" in e.value for e in at.error)
    assert at.text_area(key=justification).value == "Sessions enregistrées avec les champs de saisie."
    with demo_org.session() as session:
        stored = session.get(Breach, breach_id)
        assert stored.title == "Intitulé corrigé par le juriste"
        assert stored.risk_justification != "Sessions enregistrées avec les champs de saisie."


def test_a_response_step_added_clears_the_form_for_the_next_one(demo_org):
    """Issue 13 item 4: forms clear on success (a new generation of keys: the second trigger
    of a double click finds no submit button)."""
    breach_id = _breach_id(demo_org, "Enregistrement de sessions")
    at = _open(demo_org, "dpo", CASE, breach_id)
    with demo_org.session() as session:
        before = len(session.exec(select(BreachStep).where(BreachStep.breach_id == breach_id)).all())
    description = form_key(at, "breach/step_description")
    at.text_input(key=description).input("Purger les enregistrements de sessions")
    at.text_input(key=form_key(at, "breach/step_owner")).input("Responsable produit")
    submit = next(b for b in at.button if b.label == "Ajouter l'étape")
    submit.click().run()
    assert not at.exception and [e.icon for e in at.error] == [":material/timer:"]  # only the overdue clock
    assert at.text_input(key=form_key(at, "breach/step_description")).value == ""  # a fresh form
    assert not any(w.key == description for w in at.text_input)  # the submitted form is gone
    with demo_org.session() as session:
        steps = session.exec(select(BreachStep).where(BreachStep.breach_id == breach_id)).all()
    assert len(steps) == before + 1


def test_a_breach_closed_meanwhile_refuses_a_qualification_in_words_not_in_silence(demo_org):
    """Two people at once: the lawyer closes the breach while the DPO, who opened it before, saves
    an assessment. The DPO's form, drawn from what the DPO saw, still reaches its use case, which
    refuses it naming the lawyer; a form taken away under the submit would drop it without a word."""
    breach_id = _breach_id(demo_org, "Convocation envoyée aux élus")
    at = _open(demo_org, "dpo", CASE, breach_id)
    with demo_org.work() as session:
        legal = auth.actor_for(session, session.exec(select(User).where(User.username == "juriste")).one())
        workflow.close(session, legal, breach_id, session.get(Breach, breach_id).version,
                      {"closing_note": "Clôturée par le juriste après vérification."})
    justification = form_key(at, "breach/risk_justification")
    at.text_area(key=justification).input("Sessions enregistrées avec les champs de saisie.")
    next(b for b in at.button if b.label == "Enregistrer l'évaluation").click().run()
    assert not at.exception
    assert any(e.value.startswith("juriste a modifié ce dossier") for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=justification).value == "Sessions enregistrées avec les champs de saisie."
