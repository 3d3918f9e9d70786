"""The register import in the browser: a file is shown change by change before anything is
saved, and saved only on confirmation (issue 13, item 6)."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db, register_io
from models.processing import ProcessingActivity
from tests.conftest import actor_named
from tests.e2e.conftest import login, open_page, press, wait_idle

pytestmark = pytest.mark.browser


def test_an_import_shows_each_change_then_saves_it_on_confirmation(page, app_url, e2e_database_url):
    engine = db.make_engine(e2e_database_url)
    dpo = actor_named(engine, "dpo")
    with db.unit_of_work(engine) as session:
        exported = register_io.export_register(session, dpo, "csv").data.decode("utf-8-sig")
        entry = session.exec(select(ProcessingActivity).order_by(ProcessingActivity.id)).first()
        reference, name = entry.reference, entry.name
    edited = exported.replace(name, name + " (revu en 2026)", 1).encode("utf-8-sig")

    login(page, app_url, "dpo")
    open_page(page, "Registre des traitements")
    page.locator(".st-key-reg_upload input[type='file']").set_input_files(
        {"name": "registre.csv", "mimeType": "text/csv", "buffer": edited})
    wait_idle(page)
    press(page.locator(".st-key-reg_import button"))
    expect(page.get_by_text("Rien n'est enregistré avant votre confirmation")).to_be_visible()
    with db.new_session(engine) as session:  # the preview saved nothing
        assert session.get(ProcessingActivity, entry.id).name == name
    press(page.locator(".st-key-reg_import_confirm button"))
    expect(page.get_by_text("Import terminé : 0 fiche(s) créée(s), 1 mise(s) à jour")).to_be_visible()
    with db.new_session(engine) as session:
        assert session.get(ProcessingActivity, entry.id).name == name + " (revu en 2026)"
        assert session.get(ProcessingActivity, entry.id).reference == reference
    engine.dispose()
