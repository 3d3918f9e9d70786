"""In the browser: a PIA file of the CNIL software imported (read, preview, confirm), and
the CNIL's model register (.ods, one sheet per activity) imported (upload, map, complete,
save, see the entries)."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db, register
from models.dpia import Dpia
from models.processing import ProcessingActivity
from tests.e2e.conftest import choose, login, no_traceback, open_page, press, settle, wait_idle
from tests.register.sources import cnil_model

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parent.parent / "dpia" / "data" / "lincnil_pia_example.json"


def test_a_pia_file_of_the_cnil_software_is_previewed_then_imported(page, app_url, e2e_database_url):
    login(page, app_url, "dpo")
    open_page(page, "Analyses d'impact (AIPD)")
    page.locator(".st-key-dpia_register_import_open summary").click()
    settle(page)
    choose(page, "dpia_import/activity", "Gestion des prestations et des remboursements")
    page.locator("[class*='st-key-dpia_import-g'][class*='__file'] input[type='file']").set_input_files(
        {"name": "captoo.json", "mimeType": "application/json", "buffer": EXAMPLE.read_bytes()})
    wait_idle(page)
    press(page.get_by_role("button", name="Lire le fichier"))
    expect(page.get_by_text("Aperçu de l'import")).to_be_visible()
    expect(page.get_by_text("23 mesures", exact=False)).to_be_visible()
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:  # the preview wrote nothing
        assert session.exec(select(Dpia).where(Dpia.title == "Captoo")).first() is None
    press(page.get_by_role("button", name="Importer", exact=True))
    expect(page.get_by_text("PIA importé : AIPD")).to_be_visible(timeout=90_000)
    with db.new_session(engine) as session:
        dpia = session.exec(select(Dpia).where(Dpia.title == "Captoo")).one()
        assert (dpia.status, dpia.evaluator_name, dpia.rejection_reason) == ("validated", "Eric Vincent",
                                                                             "Rapport incomplet")
    engine.dispose()
    no_traceback(page)


def test_the_cnil_model_register_is_mapped_completed_and_saved(page, app_url, e2e_database_url):
    data = cnil_model("ods")
    digest = hashlib.sha256(data).hexdigest()[:8]
    login(page, app_url, "dpo")
    open_page(page, "Importer un registre externe")
    page.locator(".st-key-src_upload input[type='file']").set_input_files(
        {"name": "modele-registre-cnil.ods", "mimeType": "application/vnd.oasis.opendocument.spreadsheet",
         "buffer": data})
    wait_idle(page)
    press(page.locator(".st-key-src_read button"))
    expect(page.get_by_text("Modèle de la CNIL : 2 fiche(s) d'activité lue(s).")).to_be_visible()
    save = page.locator(".st-key-src_save button")
    expect(save).to_be_disabled()  # nothing can be saved before every activity is complete
    choose(page, "src_entity", "Mutuelle Médicis", exact=True)
    for index in (0, 1):
        key = f"src_{digest}_{index}"
        choose(page, f"{key}_department", "DRC")
        choose(page, f"{key}_basis", "Exécution d'un contrat")
        page.locator(f".st-key-{key}_event_1 input").fill("Clôture de la réclamation" if index == 0
                                                           else "Fin du programme de prévention")
        page.locator(f".st-key-{key}_event_1 input").press("Enter")
        settle(page)
    page.locator(f".st-key-src_{digest}_1_event_2 input").fill("Fin du programme de prévention")
    page.locator(f".st-key-src_{digest}_1_event_2 input").press("Enter")
    settle(page)
    expect(save).to_be_disabled()  # the health data still lacks its Art. 9 condition
    choose(page, f"src_{digest}_1_condition_2", "9.2.h")
    page.locator(f".st-key-src_{digest}_1_proof_2 input").fill("Consentement au questionnaire, dossier adhérent")
    page.locator(f".st-key-src_{digest}_1_proof_2 input").press("Enter")
    settle(page)
    expect(save).to_be_enabled(timeout=30_000)
    press(save)
    expect(page.get_by_text("2 fiche(s) créée(s) en brouillon")).to_be_visible(timeout=60_000)
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        rows = session.exec(select(ProcessingActivity).where(
            ProcessingActivity.source_reference.like("modele-registre-cnil.ods#%"))).all()
        assert sorted(r.name for r in rows) == ["Gestion des réclamations", "Prévention santé"]
        health = next(r for r in rows if r.name == "Prévention santé")
        content = register.load_content(session, health)
        assert [c.condition for c in content.data_categories if c.sensitivity == "art9"] == ["art9_2_h"]
    engine.dispose()
    open_page(page, "Registre des traitements")
    page.locator(".st-key-reg_text input").fill("Prévention santé")
    page.locator(".st-key-reg_text input").press("Enter")
    expect(page.locator(".st-key-reg_open_choice input")).to_have_value(re.compile("Prévention santé"))
    no_traceback(page)
