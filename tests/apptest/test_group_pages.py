"""The group's pages in AppTest, on the demo data, per role: the consolidated view of the
register and of the figures (the DPO), a local correspondent's register, the processor
file's clause policy, the department's entity and the user's limitation in the admin pages."""

import pytest
from sqlmodel import select

from dashboard import users
from dashboard.actor import SYSTEM
from dashboard.i18n import translate
from models.processor import Processor
from models.roles import Role
from tests.page_support import app_as, page_path

REGISTER, HOME, FILE = page_path("register_list.py"), page_path("home.py"), page_path("processor_file.py")


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
                    + [t.value for t in at.title] + [c.value for c in at.caption])


def test_the_dpo_sees_the_register_and_the_figures_entity_by_entity(app_demo_org):
    at = app_as(app_demo_org, "dpo")
    at.switch_page(REGISTER)
    at.session_state["reg_group_view"] = "by_entity"
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Entité"]) == ["ADEPIA-Médicis", "GERP-Médicis", "Lumina Apprendre", "Mutuelle Médicis",
                                     "Savelunari", "Total"]
    counts = dict(zip(table["Entité"], table["Fiches"]))
    assert counts["Total"] == sum(v for k, v in counts.items() if k != "Total") == 20
    assert counts["Savelunari"] == 7

    at.switch_page(HOME)
    at.session_state["ov_group_view"] = "by_entity"
    at.run()
    assert not at.exception  # (the page's own alerts of late deadlines are errors)
    figures = next(d.value for d in at.dataframe if "Demandes ouvertes" in d.value.columns)
    opened = dict(zip(figures["Entité"], figures["Demandes ouvertes"]))
    assert opened["Total"] == sum(v for k, v in opened.items() if k != "Total")


def test_a_local_correspondent_works_on_his_entity_only(app_demo_org):
    with app_demo_org.work() as session:
        users.create_user(session, SYSTEM, {
            "username": "correspondant.lumina", "full_name": "Nina Roux", "role": Role.LEGAL,
            "password": "demo-dpo-desk-2026", "entity_ids": [app_demo_org.entities["LUMINA"].id]}, demo_seed=True)
    at = app_as(app_demo_org, "correspondant.lumina")
    at.switch_page(REGISTER).run()
    assert not at.exception and not at.error
    assert set(at.dataframe[0].value["Entité"]) == {"Lumina Apprendre"}
    assert "reg_group_view" not in at.session_state  # one entity: no group view
    assert [o for o in at.selectbox(key="reg_entity").options] == ["Toutes", "Lumina Apprendre"]


def test_the_processor_file_says_which_clause_policy_applies_and_why(app_demo_org):
    with app_demo_org.session() as session:
        ids = {p.legal_name: p.id for p in session.exec(select(Processor))}
    for name, expected, absent in (
            ("PayRhône SAS", "article 28(3) du RGPD seul", translate("processor.clause.policy_audit", "fr")),
            ("ArchivEco SAS", "adoptée par ADEPIA-Médicis, Mutuelle Médicis", None)):
        at = app_as(app_demo_org, "juriste")
        at.switch_page(FILE)
        at.query_params["id"] = str(ids[name])
        at.run()
        assert not at.exception and not at.error
        assert expected in _texts(at)
        clauses = " ".join(" ".join(d.value.iloc[:, 0].astype(str)) for d in at.dataframe if not d.value.empty)
        if absent:
            assert absent not in clauses


def test_the_admin_pages_show_the_departments_entity_and_the_limitation(app_demo_org):
    at = app_as(app_demo_org, "dpo")
    at.switch_page(page_path("admin_organisation.py")).run()
    assert not at.exception and not at.error
    departments = next(d.value for d in at.dataframe if "Entité" in d.value.columns)
    assert dict(zip(departments["Code"], departments["Entité"]))["SAV-MKT"] == "Savelunari"
    assert dict(zip(departments["Code"], departments["Entité"]))["DCEM"] == "Mutuelle Médicis"
    at.switch_page(page_path("admin_users.py")).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert dict(zip(table["Identifiant"], table["Limité aux entités"]))["chef.peda"] == "Tout le groupe"
