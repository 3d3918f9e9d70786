"""In the browser: the DPO screens a processing activity from its register entry, sees the
criteria the entry suggests (pre-ticked, "suggéré — à confirmer", each with its reason),
rejects one, confirms the other, and the screening records what was rejected; the DPIA
opened from it starts with its context prefilled from the entry.

The shared demo database: the entry used here (payroll) is screened by no other browser
test; what is checked is found by its own text, not by counts."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, open_tab, press, settle, wait_idle

pytestmark = pytest.mark.browser

ENTRY = "Gestion administrative du personnel et paie"


def test_dpo_screens_from_the_register_entry_and_confirms_the_suggested_criteria(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Pré-analyse AIPD")
    open_tab(page, "Pré-analyser un traitement")
    choose(page, "screening_activity", ENTRY)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Critères suggérés par la fiche du registre").wait_for()
    # each suggestion with its reason
    expect(main).to_contain_text("la fiche mentionne « Arrêts de travail », donnée sensible (art. 9)")
    expect(main).to_contain_text("les personnes concernées comprennent des salariés ou candidats (« Collaborateurs »)")
    sensitive = page.locator(keyed("screening/sensitive_data"))
    vulnerable = page.locator(keyed("screening/vulnerable_people"))
    scoring = page.locator(keyed("screening/evaluation_scoring"))
    for box in (sensitive, vulnerable):  # pre-ticked, marked as a suggestion to confirm
        expect(box).to_contain_text("suggéré — à confirmer")
        expect(box.get_by_role("checkbox")).to_be_checked()
    expect(scoring).not_to_contain_text("suggéré")
    expect(scoring.get_by_role("checkbox")).not_to_be_checked()

    vulnerable.locator("label").click()  # the DPO rejects "vulnerable people", confirms sensitive data
    expect(vulnerable.get_by_role("checkbox")).not_to_be_checked()
    press(page.get_by_role("button", name="Enregistrer la pré-analyse"))
    wait_idle(page)
    page.get_by_text("Suggestions rejetées : Personnes vulnérables").first.wait_for()
    # the next screening starts from this one: the rejected suggestion is no longer pre-ticked
    expect(vulnerable.get_by_role("checkbox")).not_to_be_checked()
    expect(sensitive.get_by_role("checkbox")).to_be_checked()
    no_traceback(page)
    settle(page)

    press(page.get_by_role("button", name="Ouvrir l'AIPD de ce traitement"))
    wait_idle(page)
    expect(page.get_by_role("heading", name=ENTRY).first).to_be_visible()
    settle(page)
    # the context (1.1 overview) starts from the entry: its name and purposes
    main.locator("textarea").first.wait_for()
    values = [t.input_value() for t in main.locator("textarea").all()]
    assert any(ENTRY in v and "Finalités (base légale) :" in v for v in values), values[:3]
    assert any("Numéro de sécurité sociale (NIR)" in v for v in values)
    no_traceback(page)
