"""A breach from declaration to the documents, in the browser: the DPO declares it,
qualifies it high-risk, writes the letter's text, and downloads the notification to
the CNIL and the letter to the people concerned."""

from io import BytesIO

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import keyed, login, no_traceback, open_page, open_tab, press, wait_idle

pytestmark = pytest.mark.browser

TITLE = "Clé USB non chiffrée perdue lors d'un salon"


def _submit(page, form_field_key: str) -> None:
    """Click the submit button of the form holding the widget with this key (see `keyed`)."""
    form = page.get_by_test_id("stForm").filter(has=page.locator(keyed(form_field_key)))
    press(form.get_by_test_id("stBaseButton-primaryFormSubmit"))
    wait_idle(page)


def _download(page, issue_button: str, download_key: str) -> str:
    press(page.get_by_role("button", name=issue_button))
    wait_idle(page)
    with page.expect_download() as download:
        page.locator(f".st-key-{download_key} button").click()
    content = open(download.value.path(), "rb").read()
    return " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages).split())


def test_declare_qualify_high_risk_and_download_both_documents(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Violations de données")
    open_tab(page, "Déclarer une violation")
    page.locator(keyed("breach_declare/title") + " input").fill(TITLE)
    page.locator(keyed("breach_declare/description") + " textarea").fill(
        "Une clé USB contenant la liste des prospects rencontrés au salon a été perdue.")
    page.locator(keyed("breach_declare/confidentiality")).get_by_text("Confidentialité").click()
    page.locator(keyed("breach_declare/consequences") + " textarea").fill("Sollicitations et hameçonnage ciblé.")
    page.locator(keyed("breach_declare/taken") + " textarea").fill("Chiffrement obligatoire des supports amovibles.")
    _submit(page, "breach_declare/title")
    heading = page.get_by_role("heading", name=TITLE)
    expect(heading).to_have_text(re.compile(r"^VIO-\d{4}-\d{4} — "))
    reference = heading.inner_text().split(" — ")[0]
    page.get_by_text("Il reste 71 h").wait_for()  # the clock started at awareness (now)

    open_tab(page, "Évaluation du risque")
    page.get_by_text("Risque élevé — notification à la CNIL et information des personnes").click()
    page.locator(keyed("breach/risk_justification") + " textarea").fill(
        "Coordonnées et centres d'intérêt de 300 prospects, support non chiffré.")
    _submit(page, "breach/risk_justification")
    page.get_by_text("Évaluation du risque enregistrée.").wait_for()

    open_tab(page, "Information des personnes")
    page.locator(keyed("breach/people_summary") + " textarea").fill(
        "Une clé USB contenant vos coordonnées a été perdue lors d'un salon professionnel.")
    page.locator(keyed("breach/people_advice") + " textarea").fill(
        "Méfiez-vous des messages inattendus se réclamant de Médicis.")
    _submit(page, "breach/people_summary")
    page.get_by_text("Enregistré.").wait_for()

    open_tab(page, "Documents")
    notice = _download(page, "Émettre la notification (PDF)", "breach_notice_doc_download")
    for expected in (reference, TITLE, "Notification initiale", "art. 33(3)(b)", "Claire Fontaine", "Risque élevé",
                     "Chiffrement obligatoire des supports amovibles.", "Échéance des 72 heures"):
        assert expected in notice, expected
    letter = _download(page, "Émettre la lettre aux personnes (PDF)", "breach_letter_doc_download")
    for expected in (reference, "Ce qui s'est passé", "perdue lors d'un salon professionnel",
                     "Ce que nous vous conseillons de faire maintenant", "dpo@mutuelle-medicis.fr"):
        assert expected in letter, expected
    no_traceback(page)
