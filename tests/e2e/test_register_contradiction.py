"""The register and the processor register as one source of truth, in the browser (issue 18):
the DPO opens a register entry served by a processor that works in Morocco while the entry
states no transfer outside the EEA; the contradiction shows on the entry and on the
processor's file, and the DPO cannot validate; once the entry states the transfer (completed
from the processor's file), the contradiction is gone and the validation goes through."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import auth, db, register
from dashboard.processor import registry
from models.org import Department, Entity, User
from models.processing import ProcessingActivity
from tests.e2e.conftest import login, no_traceback, press, wait_idle
from tests.register.factories import complete

pytestmark = pytest.mark.browser
NAME = "Téléconseil des apprenants (test contradiction)"
PROCESSOR = "Atlas Appels Rabat SARL (test contradiction)"


def _prepare(database_url: str) -> tuple[int, int]:
    """A draft entry of Savelunari (its policy allows transfers outside the EU), complete but
    stating no transfer, served by a call centre working in France and Morocco."""
    engine = db.make_engine(database_url)
    try:
        with db.unit_of_work(engine) as session:
            dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
            entity = session.exec(select(Entity).where(Entity.code == "SAVELUNARI")).one()
            department = session.exec(select(Department).where(Department.code == "SUPPORT")).one()
            activity = register.create_activity(session, dpo, entity.id, complete(
                department.id, name=NAME, recipients=[{"name": "Support apprenants", "kind": "internal"}]))
            processor = registry.create_processor(session, dpo, {
                "legal_name": PROCESSOR, "country_code": "MA", "services": "Centre d'appels du support",
                "entity_id": entity.id, "activity_ids": [activity.id],
                "locations": [{"country_code": "FR", "processing": True, "storage": True},
                              {"country_code": "MA", "processing": True, "storage": False,
                               "transfer_tool": "scc", "scc_module": 2}]})
            return activity.id, processor.id
    finally:
        engine.dispose()


def _status(database_url: str, activity_id: int) -> str:
    engine = db.make_engine(database_url)
    try:
        with db.new_session(engine) as session:
            return session.get(ProcessingActivity, activity_id).status
    finally:
        engine.dispose()


def test_a_contradiction_with_the_processor_file_blocks_the_validation(page, app_url, e2e_database_url):
    activity_id, processor_id = _prepare(e2e_database_url)
    login(page, app_url, "dpo")

    page.goto(f"{app_url}/processor?id={processor_id}")  # the processor's file says it too
    wait_idle(page)
    on_file = page.locator(".st-key-processor_contradictions")
    expect(on_file).to_contain_text(NAME)
    expect(on_file).to_contain_text("Maroc (MA)")

    page.goto(f"{app_url}/register-activity?id={activity_id}")
    wait_idle(page)
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    contradiction = page.locator(".st-key-act_contradictions")
    expect(contradiction).to_contain_text("La fiche n'indique aucun transfert hors de l'EEE")
    expect(contradiction).to_contain_text(PROCESSOR)
    expect(contradiction).to_contain_text("Maroc (MA)")
    expect(page.locator(".st-key-act_validate button")).to_be_disabled()  # the DPO cannot validate
    no_traceback(page)
    assert _status(e2e_database_url, activity_id) == "draft"

    press(page.get_by_role("button", name="Compléter d'après les fiches des sous-traitants"))  # the entry now states the transfer
    wait_idle(page)
    expect(page.get_by_text("Fiche enregistrée").first).to_be_visible()
    expect(page.locator(".st-key-act_contradictions")).to_have_count(0)
    validate = page.locator(".st-key-act_validate button")
    expect(validate).to_be_enabled()
    press(validate)
    wait_idle(page)
    expect(page.get_by_text("Validée par Claire Fontaine").first).to_be_visible()
    no_traceback(page)
    assert _status(e2e_database_url, activity_id) == "validated"
