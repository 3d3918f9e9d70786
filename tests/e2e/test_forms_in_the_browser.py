"""Forms as people use them (issue 13): a slow person keeps the time typed, two people
on the same processor file do not overwrite each other, a reload does not cost the
open tab or expander, a double click files a contract once."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db
from models.clock import paris_time, paris_today
from models.dsr import DataSubjectRequest
from models.processor import Processor, ProcessorContract
from tests.e2e.conftest import (CHROMIUM, choose, keyed, labelled, login, new_page, open_page, open_tab, press, settle,
                                wait_idle)

pytestmark = pytest.mark.browser


def _processor_id(url: str, name: str) -> int:
    engine = db.make_engine(url)
    try:
        with db.new_session(engine) as session:
            return session.exec(select(Processor.id).where(Processor.legal_name == name)).one()
    finally:
        engine.dispose()


def test_a_slow_person_keeps_the_reception_time_typed(page, app_url, e2e_database_url, let_a_minute_pass):
    """Typed 09:15, thought for over a minute, submitted: 09:15 is stored (Art. 12(3): the
    month runs from receipt, so the time typed is evidence)."""
    login(page, app_url, "juriste")
    open_page(page, "Nouvelle demande")
    yesterday = paris_today() - timedelta(days=1)  # 09:15 today may still be ahead
    day_box = labelled(page, "stDateInput", "Reçue le (arrivée sur un canal officiel)")
    day_box.get_by_role("spinbutton").first.click()  # day, month, year segments
    page.keyboard.type(yesterday.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    time_box = labelled(page, "stTimeInput", "Heure de réception (Paris)")
    time_box.get_by_role("spinbutton").first.click()  # hours, then minutes (react-aria segments)
    page.keyboard.type("0915")
    page.keyboard.press("Tab")
    expect(time_box.locator("input[type=hidden]")).to_have_value("09:15:00")
    page.locator(keyed("dsr_new/name") + " input").fill("Personne Lente")
    page.locator(keyed("dsr_new/contact") + " input").fill("lente@example.org")
    page.locator(keyed("dsr_new/text") + " textarea").fill("Je souhaite accéder à mes données.")
    choose(page, "dsr_new/rights", "Accès", exact=True)
    page.keyboard.press("Escape")
    let_a_minute_pass(page)  # the clock minute of the page's first draw and of the typing is gone
    press(page.get_by_role("button", name="Enregistrer la demande", exact=True))
    page.get_by_text(re.compile(r"^Demande DSR-\d{4}-\d{4} enregistrée\.$")).wait_for()
    engine = db.make_engine(e2e_database_url)
    try:
        with db.new_session(engine) as session:
            stored = session.exec(select(DataSubjectRequest).where(
                DataSubjectRequest.requester_name == "Personne Lente")).one()
    finally:
        engine.dispose()
    received = paris_time(stored.received_at)
    assert (received.date(), received.hour, received.minute) == (yesterday, 9, 15)


def test_two_people_on_one_processor_file_the_second_save_is_refused_and_kept_on_screen(browser, app_url,
                                                                                      e2e_database_url):
    processor_id = _processor_id(e2e_database_url, "PaieConnect SAS")
    url = f"{app_url}/processor?id={processor_id}"
    first, second = new_page(browser), new_page(browser)
    try:
        for who, page in (("dpo", first), ("juriste", second)):
            login(page, app_url, who, at=url)
            page.get_by_text("Modifier la fiche").click()
            settle(page)
        # The legal counsel saves a new address first.
        second.locator(keyed("processor/edit_address") + " input").fill("8 quai des Paies, Lyon")
        press(second.locator(keyed("processor/edit_save") + " button"))
        expect(second.get_by_text("Enregistré.", exact=True)).to_be_visible()
        # The DPO, who opened the file before that save, changes the DPO contact and saves.
        dpo_box = first.locator(keyed("processor/edit_dpo_contact") + " input")
        dpo_box.fill("dpo@paieconnect.example")
        press(first.locator(keyed("processor/edit_save") + " button"))
        refusal = first.get_by_text(re.compile("juriste a modifié ce dossier"))
        expect(refusal).to_be_visible()
        expect(refusal).to_contain_text("Adresse")
        expect(dpo_box).to_have_value("dpo@paieconnect.example")  # the input stays on screen
        engine = db.make_engine(e2e_database_url)
        try:
            with db.new_session(engine) as session:
                stored = session.get(Processor, processor_id)
        finally:
            engine.dispose()
        assert stored.address == "8 quai des Paies, Lyon" and stored.dpo_contact != "dpo@paieconnect.example"
        # Reloading the case shows the legal counsel's version, ready for the DPO's change.
        press(first.get_by_role("button", name="Recharger le dossier (abandonner ma saisie)"))
        settle(first)
        first.get_by_text("Modifier la fiche").click()
        settle(first)
        expect(first.locator(keyed("processor/edit_address") + " input")).to_have_value("8 quai des Paies, Lyon")
    finally:
        first.context.close()
        second.context.close()


def test_after_a_page_load_the_open_tab_and_expander_stay_and_a_double_click_files_once(page, app_url,
                                                                                       e2e_database_url):
    processor_id = _processor_id(e2e_database_url, "MailPilot Inc.")
    login(page, app_url, "dpo")
    page.goto(f"{app_url}/processor?id={processor_id}")  # a link opened directly: the first run of the page
    wait_idle(page)
    open_tab(page, "Contrats et clauses")
    page.get_by_text("Enregistrer un contrat", exact=True).click()
    settle(page)
    title = page.locator(keyed("processor/new_contract_title") + " input")
    title.fill("Avenant RGPD 2026")  # the first rerun after the load: the tab and the expander stay
    page.locator(keyed("processor/new_contract_ref") + " input").fill("AV-2026-DBL")
    page.locator(keyed("processor/new_contract_starts")).get_by_role("spinbutton").first.click()
    page.keyboard.type("01012026")
    page.keyboard.press("Tab")
    settle(page)
    expect(page.get_by_role("tab", name="Contrats et clauses").last).to_have_attribute("aria-selected", "true")
    expect(title).to_be_visible()
    save = page.locator("[data-testid='stForm']").filter(has=title).get_by_role("button", name="Enregistrer")
    save.dblclick()
    expect(page.get_by_text("Enregistré.", exact=True)).to_be_visible()
    wait_idle(page)
    # After the save: still on the contracts tab, and the form is empty again.
    expect(page.get_by_role("tab", name="Contrats et clauses").last).to_have_attribute("aria-selected", "true")
    engine = db.make_engine(e2e_database_url)
    try:
        with db.new_session(engine) as session:
            filed = session.exec(select(ProcessorContract).where(
                ProcessorContract.processor_id == processor_id,
                ProcessorContract.document_reference == "AV-2026-DBL")).all()
    finally:
        engine.dispose()
    assert len(filed) == 1
    assert "Traceback" not in page.content() and CHROMIUM


def _two_pages(browser, app_url, first_user: str, second_user: str, url: str):
    pages = (new_page(browser), new_page(browser))
    for who, page in zip((first_user, second_user), pages):
        login(page, app_url, who, at=url)
    return pages


def _refused(page, who: str) -> None:
    expect(page.get_by_text(re.compile(f"{re.escape(who)} a modifié ce dossier")).first).to_be_visible()


def test_two_people_on_one_request_and_one_contract(browser, app_url, e2e_database_url):
    """Request: the DPO takes it in hand while the legal counsel, on the page opened before,
    reroutes it: refused. Contract: the same on a processor's contract form."""
    engine = db.make_engine(e2e_database_url)
    try:
        with db.new_session(engine) as session:
            request_id = session.exec(select(DataSubjectRequest.id).where(
                DataSubjectRequest.status == "received")).first()
    finally:
        engine.dispose()
    first, second = _two_pages(browser, app_url, "dpo", "juriste", f"{app_url}/dsr-case?id={request_id}")
    try:
        for page in (first, second):
            if page.get_by_role("button", name="Afficher le dossier").count():  # a stated reason, logged
                page.locator(".st-key-dsr_reason_input input").fill("Contrôle qualité")
                press(page.get_by_role("button", name="Afficher le dossier"))
                wait_idle(page)
            open_tab(page, "Étapes")
        press(first.get_by_role("button", name="Prendre en charge"))
        expect(first.get_by_text("Enregistré.", exact=True)).to_be_visible()
        second.get_by_text("Aiguillage et complexité").click()
        complex_box = second.get_by_text("Demande complexe ou nombreuses demandes")
        complex_box.click()
        press(second.locator("[data-testid='stForm']").filter(has=complex_box)
              .get_by_role("button", name="Enregistrer"), "the second person's save")
        _refused(second, "dpo")
    finally:
        first.context.close()
        second.context.close()

    processor_id = _processor_id(e2e_database_url, "PaieConnect SAS")
    first, second = _two_pages(browser, app_url, "juriste", "dpo", f"{app_url}/processor?id={processor_id}")
    try:
        for page in (first, second):
            open_tab(page, "Contrats et clauses")
            page.get_by_role("button", name="Modifier le contrat et ses clauses").first.click()
            settle(page)
        first_title = first.get_by_test_id("stPopoverBody").get_by_label("Intitulé du contrat")
        first_title.fill("Contrat de paie — avenant 2026")
        first_title.press("Enter")
        expect(first.get_by_text("Enregistré.", exact=True)).to_be_visible()
        second_notice = second.get_by_test_id("stPopoverBody").get_by_label("Préavis (mois)")
        second_notice.fill("6")
        second.get_by_test_id("stPopoverBody").get_by_label("Intitulé du contrat").press("Enter")
        _refused(second, "juriste")
        expect(second_notice).to_have_value("6")
    finally:
        first.context.close()
        second.context.close()


def test_two_dpo_tabs_on_one_account_and_one_entity(browser, app_url):
    first, second = _two_pages(browser, app_url, "dpo", "dpo", f"{app_url}/users")
    try:
        for page in (first, second):
            open_tab(page, "Modifier un utilisateur")
            choose(page, "edit_user_id", "chef.rh")
        first.locator(keyed("user/email") + " input").fill("rh.nouveau@medicis.example")
        first.locator(keyed("user/email") + " input").press("Enter")
        expect(first.get_by_text("Enregistré.", exact=True)).to_be_visible()
        second.locator(keyed("user/full_name") + " input").fill("Chef RH (intérim)")
        second.locator(keyed("user/full_name") + " input").press("Enter")
        _refused(second, "dpo")
        expect(second.locator(keyed("user/full_name") + " input")).to_have_value("Chef RH (intérim)")

        for page in (first, second):
            page.goto(f"{app_url}/organisation")
            wait_idle(page)
            choose(page, "entity_choice", "Mutuelle Médicis")
        first.locator(keyed("entity/address") + " input").fill("1 place de la Mutualité, Paris")
        first.locator(keyed("entity/address") + " input").press("Enter")
        expect(first.get_by_text("Enregistré.", exact=True)).to_be_visible()
        second.locator(keyed("entity/dpo_phone") + " input").fill("01 23 45 67 89")
        second.locator(keyed("entity/dpo_phone") + " input").press("Enter")
        _refused(second, "dpo")
    finally:
        first.context.close()
        second.context.close()
