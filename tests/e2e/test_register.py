"""The register in the browser: a department head creates an entry and exports their
part of the register; the DPO records a data-subject request concerning that entry,
finds it among the entry's linked cases, and exports the whole register as XLSX and
as the PDF for the CNIL."""

import csv
import io
import re
import sqlite3

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import choose, keyed, login, open_page, press, wait_idle
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.browser
NAME = "Gestion des badges d'accès aux locaux"


def _download(page, button: str) -> bytes:
    with page.expect_download() as info:
        press(page.get_by_role("button", name=button))
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def _request_concerning(page, activity: str) -> str:
    """Record a data-subject request concerning the activity; returns its reference."""
    open_page(page, "Nouvelle demande")
    page.locator(keyed("dsr_new/name") + " input").fill("Lucien Registre")
    page.locator(keyed("dsr_new/contact") + " input").fill("lucien.registre@example.org")
    choose(page, "dsr_new/rights", "Accès")
    page.keyboard.press("Escape")
    choose(page, "dsr_new/activities", activity)
    page.keyboard.press("Escape")
    press(page.get_by_role("button", name="Enregistrer la demande", exact=True))
    wait_idle(page)
    heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"^DSR-\d{4}-\d{4} — "))
    expect(heading).to_be_visible()
    return heading.inner_text().split(" — ")[0]


def test_create_an_entry_then_export_the_register(page, app_url, e2e_database_url):
    login(page, app_url, "chef.rh")
    open_page(page, "Registre des traitements")
    press(page.locator(".st-key-reg_new button"))
    wait_idle(page)
    page.locator(keyed("register_new/name") + " input").fill(NAME)
    page.locator(keyed("register_new/description") + " textarea").fill("Contrôle d'accès aux bureaux par badge")
    press(page.get_by_role("button", name="Créer la fiche (projet)"))
    wait_idle(page)
    page.get_by_text("créée en projet").wait_for()
    page.get_by_role("heading", name=NAME).wait_for()
    page.get_by_text("Projet — en attente de validation par le DPO").first.wait_for()
    page.get_by_role("tab", name="Dossiers liés").click()
    page.get_by_text("Aucun dossier lié pour l'instant.").wait_for()

    open_page(page, "Registre des traitements")
    press(page.get_by_role("button", name="Préparer l'export CSV"))
    wait_idle(page)
    rows = list(csv.reader(io.StringIO(_download(page, "Télécharger le CSV").decode("utf-8-sig")), delimiter=";"))
    names = {row[rows[0].index("Nom du traitement")] for row in rows[1:]}
    assert names == {NAME, "Gestion administrative du personnel et paie", "Recrutement des candidats"}

    login(page, app_url, "dpo")
    reference = _request_concerning(page, NAME)
    open_page(page, "Registre des traitements")
    choose(page, "reg_open_choice", NAME)
    press(page.locator(".st-key-reg_open button"))
    wait_idle(page)
    page.get_by_role("tab", name="Dossiers liés").click()
    page.get_by_text(reference).first.wait_for(state="attached")  # a cell of the linked-cases table

    open_page(page, "Registre des traitements")
    press(page.get_by_role("button", name="Préparer l'export XLSX"))
    wait_idle(page)
    sheet = load_workbook(io.BytesIO(_download(page, "Télécharger le XLSX"))).active
    assert NAME in [cell.value for cell in sheet["E"]]
    # A header, then every entry of the register: the demo's, the new one and any another browser
    # test added to the shared database (an import).
    with sqlite3.connect(e2e_database_url.removeprefix("sqlite:///")) as db:
        entries = db.execute("SELECT count(*) FROM processing_activity").fetchone()[0]
    assert sheet.max_row == 1 + entries
    press(page.get_by_role("button", name="Éditer le registre (PDF)"))
    wait_idle(page)
    page.get_by_text(re.compile(r"^Document DOC-\d{4}-\d{4} enregistré")).wait_for()
    text = pdf_text(_download(page, "Télécharger (PDF)"))
    assert "Registre des activités de traitement" in text and NAME in text
