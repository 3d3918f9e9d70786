"""In the browser: the DPO records a processor that processes data in the United States
for the insurer's association, whose policy forbids transfers outside the EU, and the
new processor's file shows it flagged."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, press, wait_idle

pytestmark = pytest.mark.browser


def test_dpo_records_a_processor_with_a_non_eu_transfer_and_sees_it_flagged(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Sous-traitants")
    page.get_by_text("Enregistrer un nouveau sous-traitant").click()
    page.locator(keyed("new_processor/legal_name") + " input").fill("Sondages Outre-Atlantique Inc.")
    page.locator(keyed("new_processor/services") + " textarea").fill("Enquêtes de satisfaction des adhérents")
    choose(page, "new_processor/processing", "États-Unis", exact=True)
    page.keyboard.press("Escape")
    page.get_by_text("Transfert vers États-Unis (US)").wait_for()
    press(page.locator(keyed("new_processor/create") + " button"))  # no transfer tool yet: refused
    page.get_by_text("indiquez l'outil de transfert").wait_for()
    choose(page, "new_processor/tool_US", "Clauses contractuelles types (art. 46.2.c)", exact=True)
    choose(page, "new_processor/scc_US", "Module 2 (responsable vers sous-traitant)", exact=True)
    press(page.locator(keyed("new_processor/create") + " button"))
    page.get_by_role("heading", name="Sondages Outre-Atlantique Inc.").wait_for()
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("dont la politique interdit tout transfert hors UE")
    expect(main).to_contain_text("Aucun contrat de sous-traitance en vigueur")
    no_traceback(page)
