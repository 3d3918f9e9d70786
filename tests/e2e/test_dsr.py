"""One erasure request walked through the browser, from intake to the destruction
certificate, downloaded and read back with pypdf."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from models.clock import paris_today
from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, open_tab, press, wait_idle
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.browser


def _submit(page, label: str) -> None:
    press(page.get_by_role("button", name=label, exact=True))
    wait_idle(page)
    page.wait_for_timeout(300)
    wait_idle(page)


def test_erasure_request_from_intake_to_destruction_certificate(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Nouvelle demande")
    page.locator(keyed("dsr_new/name") + " input").fill("Inès Testeuse")
    page.locator(keyed("dsr_new/contact") + " input").fill("ines.testeuse@example.org")
    choose(page, "dsr_new/rights", "Effacement", exact=True)
    page.keyboard.press("Escape")
    page.locator(keyed("dsr_new/text") + " textarea").fill("Supprimez mon compte et mes données, merci.")
    _submit(page, "Enregistrer la demande")
    page.get_by_text(re.compile(r"^Demande DSR-\d{4}-\d{4} enregistrée\.$")).wait_for()
    # The case page is drawn piece by piece: wait for each thing read, never read the page once.
    heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"^DSR-\d{4}-\d{4} — "))
    expect(heading).to_be_visible()
    reference = heading.inner_text().split(" — ")[0]
    expect(page.get_by_test_id("stMain")).to_contain_text("Inès Testeuse")

    open_tab(page, "Étapes")
    _submit(page, "Prendre en charge")
    page.get_by_text("Enregistré.", exact=True).wait_for()

    open_tab(page, "Art. 19 et effacement")
    page.get_by_text("Enregistrer un effacement").click()
    page.locator(keyed("dsr/erasure_system") + " input").fill("Base comptes adhérents")
    page.locator(keyed("dsr/erasure_category") + " input").fill("Identité et coordonnées")
    page.locator(keyed("dsr/erasure_by") + " input").fill("Nicolas Aubert (DSI)")
    press(page.locator("[data-testid='stForm']").filter(has=page.locator(keyed("dsr/erasure_system")))
          .get_by_role("button", name="Enregistrer"))
    page.wait_for_timeout(300)
    wait_idle(page)
    page.get_by_text("Enregistré.", exact=True).wait_for()

    open_tab(page, "Étapes")
    page.get_by_text("Clôturer (décision)").click()
    choose(page, "dsr/close_outcome", "Accordée", exact=True)
    _submit(page, "Clôturer la demande")
    page.get_by_text("Enregistré.", exact=True).wait_for()
    expect(page.get_by_test_id("stMain")).to_contain_text("Clôturée")

    open_tab(page, "Documents")
    page.locator(keyed("dsr/cert_verified_by") + " input").fill("RSSI Médicis")
    backups = page.locator(keyed("dsr/cert_backups") + " input")
    backups.fill((paris_today() + timedelta(days=35)).isoformat())  # a native date input takes ISO dates
    wait_idle(page)
    _submit(page, "Émettre le certificat de destruction")
    page.get_by_text("Enregistré.", exact=True).wait_for()
    open_tab(page, "Documents")
    # the certificate, the latest document: the registry's one download, fetched (logged) then saved
    page.get_by_role("button", name="Télécharger le document tel qu'émis").last.click()
    save = page.get_by_role("button", name=re.compile(r"^Enregistrer .*destruction_certificate_fr\.pdf$"))
    with page.expect_download() as download_info:
        save.click()
    assert download_info.value.suggested_filename.endswith("_destruction_certificate_fr.pdf")  # the registry's name
    content = open(download_info.value.path(), "rb").read()
    text = pdf_text(content)
    for expected in ("Certificat de destruction de données personnelles", reference,
                     "Base comptes adhérents", "Suppression", "Nicolas Aubert (DSI)", "RSSI Médicis",
                     "Visa du DPO", "écrasées par rotation au plus tard le"):
        assert expected in text, expected
    assert "Testeuse" not in text  # the reference names the person
    no_traceback(page)
