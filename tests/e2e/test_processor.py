"""In the browser: the DPO records a processor that processes data in the United States
for the insurer's association, whose policy forbids transfers outside the EU, and the
new processor's file shows it flagged."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import login, open_page, wait_idle

pytestmark = pytest.mark.browser


def _settle(page) -> None:
    page.wait_for_timeout(300)  # a widget change starts a rerun a moment later
    wait_idle(page)


def _choose(page, key: str, option: str) -> None:
    """Pick a selectbox option; the box may still be re-rendering from the previous change."""
    for _ in range(3):
        _settle(page)
        page.locator(f".st-key-{key}").click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    _settle(page)


def test_dpo_records_a_processor_with_a_non_eu_transfer_and_sees_it_flagged(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Sous-traitants")
    page.get_by_text("Enregistrer un nouveau sous-traitant").click()
    page.locator(".st-key-new_processor_legal_name input").fill("Sondages Outre-Atlantique Inc.")
    page.locator(".st-key-new_processor_services textarea").fill("Enquêtes de satisfaction des adhérents")
    page.locator(".st-key-new_processor_processing").click()
    page.keyboard.type("États-Unis")
    page.get_by_role("option", name="États-Unis", exact=True).click()
    _settle(page)
    page.keyboard.press("Escape")
    page.get_by_text("Transfert vers États-Unis (US)").wait_for()
    page.locator(".st-key-new_processor_create button").click()  # no transfer tool yet: refused
    page.get_by_text("indiquez l'outil de transfert").wait_for()
    _choose(page, "new_processor_tool_US", "Clauses contractuelles types (art. 46.2.c)")
    _choose(page, "new_processor_scc_US", "Module 2 (responsable vers sous-traitant)")
    page.locator(".st-key-new_processor_create button").click()
    page.get_by_role("heading", name="Sondages Outre-Atlantique Inc.").wait_for()
    wait_idle(page)
    main = page.inner_text("[data-testid='stMain']")
    assert "dont la politique interdit tout transfert hors UE" in main
    assert "Aucun contrat de sous-traitance en vigueur" in main
    assert "Traceback" not in page.content()
