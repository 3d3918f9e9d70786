"""The register's pages in AppTest: what each role sees, validation, the linked cases."""

import pytest

from dashboard import db, links, register
from dashboard.demo import activities as demo_activities
from dashboard.links import LinkedCase
from tests.conftest import actor_named
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
    return [LinkedCase("dsr", 1, "DSR-2026-0001", "Demande d'accès d'un candidat", "dsr.status.received", True,
                       url_path="dsr-case?id=1")]


def test_the_dpo_validates_a_draft_and_sees_its_linked_request(app_org, monkeypatch):
    ids = _seed(app_org)
    monkeypatch.setattr(links, "PROVIDERS", [f"{__name__}:request_on_recruitment"])
    at = _open(app_org, "dpo", ids["recruitment"])
    assert not at.exception
    assert "Projet — en attente de validation par le DPO" in _text(at)
    # a row one click away from its case, in words (issue 18): no raw catalogue key
    linked = [link for link in at.get("page_link") if "DSR-2026-0001" in link.label]
    assert len(linked) == 1 and "Demande d'accès d'un candidat" in linked[0].label
    assert "Demande de personne" in linked[0].label and "dsr.status" not in linked[0].label
    assert linked[0].proto.page.endswith("dsr_case.py") or "dsr" in linked[0].proto.page
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


def test_a_contradiction_with_a_processor_shows_on_both_files_and_blocks_the_validation(app_org):
    """Issue 18, in AppTest: the entry and the processor's file both say it; the DPO's button
    is disabled until the entry is completed from the processor's file."""
    from dashboard.processor import registry
    from tests.processor.conftest import processor_data

    activity = create(app_org, app_org.head_cr, entity="SAVELUNARI", name="Téléconseil (AppTest)",
                      people_count="gt_1m", medium="both", data_sources="Appels entrants")
    with app_org.work() as session:
        processor = registry.create_processor(session, app_org.legal, processor_data(
            app_org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="Atlas Appels SARL",
            locations=[{"country_code": "MA", "processing": True, "storage": True, "transfer_tool": "scc",
                        "scc_module": 2}]))
    at = _open(app_org, "dpo", activity.id)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Atlas Appels SARL" in errors and "Maroc (MA)" in errors
    assert "Le sous-traitant SST-" in errors  # the missing processor recipient, too
    assert at.button(key="act_validate").disabled
    text = _text(at)
    assert "Plus de 1 million" in text and "Papier et électronique" in text and "Appels entrants" in text
    assert "register." not in text  # no raw catalogue key

    pfile = app_as(app_org, "dpo")
    pfile.query_params["id"] = str(processor.id)
    pfile = pfile.switch_page(page_path("processor_file.py")).run()
    assert not pfile.exception
    assert any("Téléconseil (AppTest)" in e.value and "Maroc (MA)" in e.value for e in pfile.error)

    at.button(key="act_from_processors").click().run()
    assert not at.exception
    assert not [e for e in at.error if "Maroc" in e.value]
    assert not at.button(key="act_validate").disabled
    at.button(key="act_validate").click().run()
    assert "Validée par Claire Fontaine" in _text(at)

    # legal counsel drops Morocco from the processor's file: the entry goes back to review, with a notice
    with app_org.work() as session:
        current = registry.get_processor(session, app_org.legal, processor.id).processor
        registry.update_processor(session, app_org.legal, processor.id, current.version, processor_data(
            app_org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id], legal_name="Atlas Appels SARL",
            locations=[{"country_code": "FR", "processing": True, "storage": True}]))
    at = _open(app_org, "dpo", activity.id)
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "Fiche renvoyée en revue" in notice and "Julien Mercier" in notice and "Atlas Appels SARL" in notice
    assert "Projet — en attente de validation par le DPO" in _text(at)


def test_an_entry_validated_meanwhile_refuses_the_second_validation_in_words(app_org):
    """The DPO opens a draft in two tabs and validates it in one: the click in the other, drawn from
    what that tab saw, still reaches its use case, which refuses it in words; a button taken away
    under the click would drop it without a word."""
    ids = _seed(app_org)
    at = _open(app_org, "dpo", ids["recruitment"])
    with db.unit_of_work(app_org.engine) as session:
        view = register.get_activity(session, actor_named(app_org.engine, "dpo"), ids["recruitment"])
        register.validate_activity(session, actor_named(app_org.engine, "dpo"), ids["recruitment"],
                                   view.activity.version)
    at.button(key="act_validate").click().run()
    assert not at.exception
    assert any(e.value.startswith("dpo a modifié ce dossier") for e in at.error), [e.value for e in at.error]
