"""The answer to a person, through the browser: a department head proposes it from the
template, the DPO edits and issues it as a PDF (downloaded and read back), the issued
letter is in the evidence registry, the request shows the date it was sent, and the
auditor sees it read-only."""

import re

import pytest
from playwright.sync_api import expect

from sqlmodel import select

from dashboard import db
from models.clock import paris_today
from models.evidence import EvidenceDocument
from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, open_tab, press, script_runs, wait_idle
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.browser


def _submit(page, label: str) -> None:
    press(page.get_by_role("button", name=label, exact=True))
    wait_idle(page)
    page.wait_for_timeout(300)
    wait_idle(page)


def _open_case(page, app_url: str, request_id: str) -> None:
    page.goto(f"{app_url}/dsr-case?id={request_id}")
    wait_idle(page)
    expect(page.get_by_role("heading", level=1).filter(has_text=re.compile(r"^DSR-\d{4}-\d{4} — "))).to_be_visible()


def test_head_proposes_dpo_edits_and_issues_the_answer(page, app_url, e2e_database_url):
    runs = script_runs(page)  # before the app opens: it counts the runs on the app's websocket
    # The DPO records an HR request (a staff member asking for a rectification) and starts it.
    login(page, app_url, "dpo")
    open_page(page, "Nouvelle demande")
    choose(page, "dsr_new_entity", "Mutuelle Médicis")  # routing rules are per entity (issue 18)
    page.locator(keyed("dsr_new/name") + " input").fill("Hugo Réponse-Testeur")
    page.locator(keyed("dsr_new/contact") + " input").fill("7 rue des Essais, 75011 Paris")
    choose(page, "dsr_new/relation", "Collaborateur", exact=True)
    choose(page, "dsr_new/rights", "Rectification", exact=True)
    page.keyboard.press("Escape")
    page.locator(keyed("dsr_new/text") + " textarea").fill("Mon adresse a changé, merci de la corriger.")
    _submit(page, "Enregistrer la demande")
    heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"^DSR-\d{4}-\d{4} — "))
    expect(heading).to_be_visible()
    reference = heading.inner_text().split(" — ")[0]
    request_id = re.search(r"[?&]id=(\d+)", page.url).group(1)
    open_tab(page, "Étapes")
    _submit(page, "Prendre en charge")
    page.get_by_text("Enregistré.", exact=True).wait_for()

    # The HR head drafts the answer from the template and proposes it.
    login(page, app_url, "chef.rh")
    _open_case(page, app_url, request_id)
    open_tab(page, "Réponse")
    draft = page.locator(keyed("dsr/answer_text_granted_fr") + " textarea")
    expect(draft).to_have_value(re.compile(r"article 16 du RGPD"))
    expect(draft).to_have_value(re.compile(re.escape(reference)))
    _submit(page, "Proposer et renvoyer au DPO")
    page.get_by_text("Enregistré.", exact=True).wait_for()
    no_traceback(page)

    # The DPO completes the text and issues it.
    login(page, app_url, "dpo")
    _open_case(page, app_url, request_id)
    open_tab(page, "Réponse")
    expect(page.get_by_test_id("stMain")).to_contain_text("Proposée par")
    body = page.locator(keyed("dsr/answer_body") + " textarea")
    expect(body).to_have_value(re.compile(r"article 16 du RGPD"))
    body.fill(body.input_value() + "\n\nVotre nouvelle adresse est enregistrée depuis le 1er décembre.")
    _submit(page, "Enregistrer la réponse")
    page.get_by_text("Enregistré.", exact=True).wait_for()
    open_tab(page, "Réponse")
    expect(page.get_by_test_id("stMain")).to_contain_text("Dernière modification par")
    # A double click: the first click's run issues the letter and reruns to show the flash;
    # the second click's run comes after it (the form is gone by then: nothing more is
    # issued). If it cuts the flash's run short, it draws the flash itself (ui.flash_seen);
    # if not, it takes the flash off the page when it ends. The flash may then be on screen
    # for a moment only, too short for a starved renderer to paint it (seen under CI's load):
    # that the app sent it, with the number, is read on the websocket; the lasting state
    # (issued, number and day sent) is what is waited for on screen.
    runs.received = []
    runs.follow(page.get_by_role("button", name="Émettre la réponse (PDF)", exact=True).dblclick)
    sent = paris_today().strftime("%d/%m/%Y")
    issued_line = re.compile(rf"Réponse émise \((DOC-\d{{4}}-\d{{4}})\) et envoyée le {re.escape(sent)}\.")
    expect(page.get_by_test_id("stMain")).to_contain_text(issued_line)
    number = issued_line.search(page.get_by_test_id("stMain").inner_text()).group(1)
    wait_idle(page)
    flash = f"Réponse émise : {number}.".encode()
    assert any(flash in message for message in runs.received), "the flash, with the number, was never sent"
    runs.received = None

    open_tab(page, "Réponse")
    press(page.locator("[class*='st-key-dsr_answer_dl_'][class*='_fetch']").get_by_role("button"))
    wait_idle(page)
    with page.expect_download() as download_info:
        page.locator("[class*='st-key-dsr_answer_dl_'][class*='_save']").get_by_role("button").click()
    text = pdf_text(open(download_info.value.path(), "rb").read())
    for expected in ("Rectification de vos données personnelles", reference, "Hugo Réponse-Testeur",
                     "7 rue des Essais", "article 16 du RGPD", "enregistrée depuis le 1er décembre", number,
                     "Claire Fontaine"):
        assert expected in text, expected

    # In the evidence registry, once (the double click issued one document).
    open_page(page, "Documents émis")
    page.locator(".st-key-ev_case input").fill(reference)
    page.keyboard.press("Enter")
    wait_idle(page)
    table = page.get_by_test_id("stDataFrame")
    expect(table).to_contain_text(number)
    expect(table).to_contain_text("Réponse à la personne concernée")
    no_traceback(page)
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        issued = session.exec(select(EvidenceDocument.number).where(EvidenceDocument.case_ref == reference,
                                                                    EvidenceDocument.kind == "dsr.answer_letter")).all()
    engine.dispose()
    assert issued == [number]

    # The auditor sees the issued answer, read-only.
    login(page, app_url, "auditeur", at=f"dsr-case?id={request_id}")
    page.locator(".st-key-dsr_reason_input input").fill("Contrôle des réponses envoyées")
    _submit(page, "Afficher le dossier")
    expect(page.get_by_test_id("stMain")).to_contain_text(f"Réponse émise ({number}) et envoyée le {sent}.")
    open_tab(page, "Réponse")
    expect(page.get_by_role("button", name="Émettre la réponse (PDF)")).to_have_count(0)
    expect(page.get_by_role("button", name="Enregistrer la réponse")).to_have_count(0)
    expect(page.locator(keyed("dsr/answer_ro") + " textarea")).to_be_disabled()
    no_traceback(page)
