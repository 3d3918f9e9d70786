"""A local correspondent's pages in AppTest, on the demo data: the audit trail shows his
entity's entries only, the annual report offers his entity and not the whole group."""

from dashboard import users
from dashboard.actor import SYSTEM
from dashboard.i18n import translate
from models.roles import Role
from tests.page_support import app_as, page_path


def _local(org, username, role) -> None:
    with org.work() as session:
        users.create_user(session, SYSTEM, {
            "username": username, "full_name": "Nina Roux", "role": role, "password": "demo-dpo-desk-2026",
            "entity_ids": [org.entities["LUMINA"].id]}, demo_seed=True)


def test_a_local_auditor_reads_his_entitys_trail_only(app_demo_org):
    _local(app_demo_org, "auditeur.lumina", Role.AUDITOR)
    at = app_as(app_demo_org, "auditeur.lumina")
    at.switch_page(page_path("audit_trail.py")).run()
    assert not at.exception and not at.error
    entries = next(d.value for d in at.dataframe if "Entité" in d.value.columns)
    assert len(entries) and set(entries["Entité"]) == {"Lumina Apprendre"}
    assert list(at.selectbox(key="audit_entity").options) == ["Tous", "Lumina Apprendre"]


def test_a_local_correspondent_reports_on_his_entity_not_the_group(app_demo_org):
    _local(app_demo_org, "correspondant.lumina", Role.LEGAL)
    at = app_as(app_demo_org, "correspondant.lumina")
    at.switch_page(page_path("action_plan.py")).run()
    assert not at.exception and not at.error
    assert list(at.selectbox(key="ar_scope").options) == ["Lumina Apprendre"]
    assert translate("annual.group", "fr") not in list(at.selectbox(key="ar_scope").options)


def test_a_local_auditor_packs_one_of_his_entities(app_demo_org):
    _local(app_demo_org, "auditeur.lumina", Role.AUDITOR)
    at = app_as(app_demo_org, "auditeur.lumina")
    at.switch_page(page_path("evidence_pack.py")).run()
    assert not at.exception and not at.error
    assert list(at.selectbox(key="pack_entity").options) == ["Lumina Apprendre"]
