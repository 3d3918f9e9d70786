"""The register's pages in AppTest: what each role sees, validation, the linked cases."""

import pytest

from dashboard import links
from dashboard.demo import activities as demo_activities
from dashboard.links import LinkedCase
from tests.page_support import app_as, page_path
from tests.register.factories import create


def _seed(org):
    with org.work() as session:
        demo_activities.seed(session)
        return {key: demo_activities.activity_id(session, key) for key in demo_activities.ACTIVITIES}


def _open(org, username, activity_id):
    at = app_as(org, username)
    at.query_params["id"] = str(activity_id)
    return at.switch_page(page_path("register_activity.py")).run()


def _text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [h.value for h in at.header] + [w.value for w in at.warning]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [c.value for c in at.caption])


@pytest.mark.parametrize("username, visible", [("chef.rh", 2), ("auditeur", 20), ("juriste", 20)])
def test_the_register_lists_what_each_role_may_see(app_org, username, visible):
    _seed(app_org)
    at = app_as(app_org, username).switch_page(page_path("register_list.py")).run()
    assert not at.exception
    assert at.metric[0].value == str(visible)
    assert (at.button(key="reg_new") if username != "auditeur" else None) is not None or username == "auditeur"
    assert any(b.key == "reg_import" for b in at.button) == (username == "juriste")


def request_on_recruitment(session, actor, activity_id):
    return [LinkedCase("dsr", 1, "DSR-2026-0001", "Demande d'accès d'un candidat", "common.yes", True)]


def test_the_dpo_validates_a_draft_and_sees_its_linked_request(app_org, monkeypatch):
    ids = _seed(app_org)
    monkeypatch.setattr(links, "PROVIDERS", [f"{__name__}:request_on_recruitment"])
    at = _open(app_org, "dpo", ids["recruitment"])
    assert not at.exception
    assert "Projet — en attente de validation par le DPO" in _text(at)
    linked = [df.value for df in at.dataframe if "DSR-2026-0001" in df.value.to_string()]
    assert linked and "Demande d'accès d'un candidat" in linked[0].to_string()
    at.button(key="act_validate").click().run()
    assert not at.exception
    assert "Validée par Claire Fontaine" in _text(at)


def test_a_department_head_cannot_open_another_departments_entry(app_org):
    ids = _seed(app_org)
    at = _open(app_org, "chef.rh", ids["benefits"])
    assert "Accès refusé" in _text(at)
    at = _open(app_org, "chef.rh", ids["recruitment"])
    assert "Recrutement des candidats" in _text(at)
    assert not any(b.key == "act_validate" for b in at.button)


def test_an_incomplete_draft_shows_what_is_missing(app_org):
    activity = create(app_org, app_org.dpo, security_measures=[])
    at = _open(app_org, "dpo", activity.id)
    assert "Aucune mesure de sécurité." in _text(at)
    assert at.button(key="act_validate").disabled
