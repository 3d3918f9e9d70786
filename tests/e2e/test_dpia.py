"""The DPO screens a processing activity, fills its DPIA, validates it and downloads
the report, in the browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, open_tab, press, settle, wait_idle
from tests.pdf_reading import pdf_text

pytestmark = pytest.mark.browser


def _press(radio) -> None:
    """Click a segmented-control option until it shows as chosen (the expander may still be opening)."""
    for _ in range(3):
        radio.click()
        try:
            expect(radio).to_have_attribute("aria-checked", "true", timeout=2_000)
            return
        except AssertionError:
            continue
    expect(radio).to_have_attribute("aria-checked", "true")


def _forms(page):
    return page.locator("[data-testid='stForm']:visible")


def _saved(page) -> None:
    """The success message after a save, or the error shown instead (in the failure's message)."""
    settle(page)  # the click's rerun may not have started yet: an earlier "Enregistré." would still show
    # A DPIA's rerun redraws every tab's forms: on a loaded machine it takes a while.
    page.get_by_text("Enregistré.").or_(page.get_by_test_id("stAlertContentError")).first.wait_for(timeout=90_000)
    wait_idle(page)  # the message comes first: the forms redrawn after a save come later in the same run
    errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not errors, errors


def _save(form, label: str = "Enregistrer") -> None:
    press(form.get_by_role("button", name=label, exact=True))
    _saved(form.page)


def _evaluate_all(page, form_index: int, text: str | None = None) -> None:
    form = _forms(page).nth(form_index)
    radios = form.get_by_role("radio", name="Acceptable", exact=True)
    radios.first.wait_for()  # the tab's forms may still be rendering
    if text:
        form.locator("textarea").first.fill(text)
    for index in range(radios.count()):
        _press(radios.nth(index))
    _save(form)


def test_screen_fill_validate_and_download_the_report(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Pré-analyse AIPD")
    open_tab(page, "Pré-analyser un traitement")
    choose(page, "screening_activity", "Recrutement des candidats")
    page.get_by_text("Ce traitement n'a pas encore été pré-analysé.").wait_for()
    # The entry suggests sensitive data (criminal records) and vulnerable people (applicants), pre-ticked:
    # the DPO adds evaluation, keeps vulnerable people and rejects sensitive data.
    page.get_by_text("Évaluation ou notation (y compris le profilage et la prédiction)", exact=True).click()
    page.locator(keyed("screening/sensitive_data")).locator("label").click()
    press(page.get_by_role("button", name="Enregistrer la pré-analyse"))
    wait_idle(page)
    page.get_by_text("2 critères des lignes directrices du CEPD").wait_for()

    press(page.get_by_role("button", name="Ouvrir l'AIPD de ce traitement"))
    wait_idle(page)
    heading = page.get_by_role("heading", name="Recrutement des candidats")
    expect(heading).to_have_text(re.compile(r"^\s*AIPD-\d{4}-\d{4} — "))
    reference = heading.inner_text().split(" — ")[0].strip()

    _evaluate_all(page, 0, "Tri des candidatures reçues sur le site carrières, entretiens et décision d'embauche.")
    _evaluate_all(page, 1)
    open_tab(page, "Principes fondamentaux")
    _evaluate_all(page, 0)
    _evaluate_all(page, 1)

    open_tab(page, "Risques")
    for title in ("(A) Accès illégitime à des données", "(M) Modification non désirée de données",
                  "(D) Disparition de données"):
        expander = page.get_by_test_id("stExpander").filter(has_text=title)
        expander.get_by_text(title).click()
        settle(page)  # a keyed expander's toggle reruns the page: choices made meanwhile could be redrawn away
        form = expander.get_by_test_id("stForm")
        controls = form.locator("[data-testid='stButtonGroup']")
        levels = ("Importante", "Limitée", "Limitée", "Négligeable", "Acceptable")
        for index, level in enumerate(levels):
            _press(controls.nth(index).get_by_role("radio", name=level, exact=True))
        for index, level in enumerate(levels):  # every choice still shown as made when the form is sent
            choice = controls.nth(index).get_by_role("radio", name=level, exact=True)
            if choice.get_attribute("aria-checked") != "true":
                _press(choice)
        _save(form)
    open_tab(page, "Cartographie")
    page.locator(".js-plotly-plot").first.wait_for()

    open_tab(page, "Validation")
    opinion = _forms(page).first
    opinion.get_by_role("radio", name="Favorable", exact=True).click()
    opinion.get_by_label("Avis motivé").fill("Avis favorable : les risques résiduels sont limités.")
    _save(opinion, "Rendre l'avis du DPO")
    people = _forms(page).nth(1)
    people.get_by_role("radio", name="Non", exact=True).click()
    people.get_by_label("Pourquoi leur avis n'a pas été recueilli").fill(
        "Les représentants du personnel ont été informés en CSE.")
    _save(people)
    settle(page)  # the people's-view save may still be redrawing the forms: a value typed now would be lost
    decision = _forms(page).filter(has=page.get_by_label("Décision prise par (nom, fonction)"))
    decided_by = decision.get_by_label("Décision prise par (nom, fonction)")
    decided_by.fill("Bernard Lacombe, directeur général")
    expect(decided_by).to_have_value("Bernard Lacombe, directeur général")
    press(decision.get_by_role("button", name="Valider l'AIPD"))
    _saved(page)
    expect(page.get_by_test_id("stMetric").first).to_contain_text("Validée")
    no_traceback(page)

    open_tab(page, "Documents")
    press(page.get_by_role("button", name="Émettre le rapport"))
    wait_idle(page)
    page.get_by_text("émis (code de vérification").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (PDF)").click()
    text = pdf_text(open(download.value.path(), "rb").read())
    assert reference in text and "Recrutement des candidats" in text and "Bernard Lacombe" in text
    assert "Avis favorable : les risques résiduels sont limités." in text and "Validée" in text
