"""The overview page with AppTest, on the demo data set: every role gets its figures and
every chart, in French and English, and the lists behind the figures follow the buttons."""

from datetime import timedelta

import pytest

from dashboard import ui
from models.types import utcnow
from tests.overview import factories as make
from tests.page_support import app_as

TABS = ("Calendrier des échéances", "Demandes par mois", "Par direction", "Ancienneté", "Délais de 72 h",
        "Conformité")


@pytest.fixture
def demo_app(app_demo_org):
    """The demo data set, plus a running 72-hour clock in Human Resources so that the HR
    head has a breach-clock chart too."""
    with app_demo_org.work() as session:
        make.breach(session, app_demo_org, utcnow() - timedelta(hours=30), department="RH")
    return app_demo_org


def _metric(at, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label))


@pytest.mark.parametrize("username", ["dpo", "juriste", "chef.rh", "auditeur"])
def test_every_role_gets_its_figures_and_every_chart(demo_app, username):
    at = app_as(demo_app, username)
    assert not at.exception
    assert [t.value for t in at.title] == ["Échéances"]
    labels = {m.label for m in at.metric}
    assert {"Demandes ouvertes", "Réponses aux demandes", "Notifications 72 h", "Contrats incomplets"} <= labels
    drawn = {}
    for tab in TABS:  # only the open tab is drawn: open each in turn
        at.session_state["ov_tabs"] = tab
        at.run()
        assert not at.exception, tab
        opened = next(t for t in at.tabs if t.label == tab)
        drawn[tab] = len(opened.get("plotly_chart"))
        assert "Une erreur inattendue" not in " ".join(e.value for e in at.error)
    assert drawn == {tab: 1 for tab in TABS}
    assert len(at.get("plotly_chart")) == 1  # the compliance tab alone is drawn now
    assert {"Demandes répondues dans le délai", "Violations notifiées sous 72 h"} <= {m.label for m in at.metric}


def test_a_department_head_counts_only_the_requests_of_his_departments(demo_app):
    dpo = app_as(demo_app, "dpo")
    head = app_as(demo_app, "chef.rh")
    assert _metric(head, "Demandes ouvertes") < _metric(dpo, "Demandes ouvertes")
    assert "Vos directions seulement : Ressources humaines." in " ".join(c.value for c in head.caption)
    assert [o for o in head.selectbox(key="ov_department").options] == ["Tous", "Ressources humaines"]


def test_the_auditor_reads_compliance_first(demo_app):
    at = app_as(demo_app, "auditeur")
    assert [t.label for t in at.tabs][0] == "Conformité"


def test_show_list_switches_the_list_behind_the_figures(demo_app):
    at = app_as(demo_app, "dpo")
    chooser = at.button_group(key="ov_focus")
    assert chooser.label == "Voir la liste"
    assert any(o.startswith("Revue annuelle d'une fiche du registre (") for o in chooser.options)  # (late · due)
    chooser.set_value("register_review").run()
    assert not at.exception
    assert at.button_group(key="ov_focus").value == "register_review"
    assert [s.value for s in at.subheader][0] == "Liste : Revue annuelle d'une fiche du registre"
    assert any("TRT-" in str(row) for row in at.dataframe[0].value.iloc[:, 0])
    at.run()  # the choice holds over a rerun
    assert at.button_group(key="ov_focus").value == "register_review"


def test_the_page_in_english(demo_app):
    at = app_as(demo_app, "dpo")
    at.session_state[ui.LANG_KEY] = "en"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Deadlines"]
    assert "Open requests" in {m.label for m in at.metric}
    assert [t.label for t in at.tabs][:2] == ["Deadline timeline", "Requests per month"]
    assert at.selectbox(key="ov_entity").options[0] == "All"
    horizon = at.selectbox(key="ov_horizon")
    assert horizon.value == 90 and "within 90 days" in horizon.options
