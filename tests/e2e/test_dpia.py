"""The DPO screens a processing activity, fills its DPIA, validates it and downloads
the report, in the browser."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import login, open_page, wait_idle

pytestmark = pytest.mark.browser


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def _forms(page):
    return page.locator("[data-testid='stForm']:visible")


def _saved(page) -> None:
    """The success message after a save, or the error shown instead (in the failure's message)."""
    wait_idle(page)
    page.get_by_text("Enregistré.").or_(page.get_by_test_id("stAlertContentError")).first.wait_for()
    errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not errors, errors


def _save(form, label: str = "Enregistrer") -> None:
    form.get_by_role("button", name=label, exact=True).click()
    _saved(form.page)


def _evaluate_all(page, form_index: int, text: str | None = None) -> None:
    form = _forms(page).nth(form_index)
    if text:
        form.locator("textarea").first.fill(text)
    for button in form.get_by_role("radio", name="Acceptable", exact=True).all():
        button.click()
    _save(form)


def test_screen_fill_validate_and_download_the_report(page, app_url):
    login(page, app_url, "dpo")
    open_page(page, "Pré-analyse AIPD")
    _tab(page, "Pré-analyser un traitement")
    page.locator(".st-key-screening_activity").click()
    page.get_by_role("option", name="Recrutement des candidats").click()
    wait_idle(page)
    page.get_by_text("Ce traitement n'a pas encore été pré-analysé.").wait_for()
    for criterion in ("Évaluation ou notation (y compris le profilage et la prédiction)",
                      "Personnes vulnérables (mineurs, salariés, patients...)"):
        page.get_by_text(criterion, exact=True).click()
    page.get_by_role("button", name="Enregistrer la pré-analyse").click()
    wait_idle(page)
    page.get_by_text("2 critères des lignes directrices du CEPD").wait_for()

    page.get_by_role("button", name="Ouvrir l'AIPD de ce traitement").click()
    wait_idle(page)
    heading = page.get_by_role("heading", name="Recrutement des candidats")
    heading.wait_for()
    reference = heading.inner_text().split(" — ")[0].strip()
    assert reference.startswith("AIPD-")

    _evaluate_all(page, 0, "Tri des candidatures reçues sur le site carrières, entretiens et décision d'embauche.")
    _evaluate_all(page, 1)
    _tab(page, "Principes fondamentaux")
    _evaluate_all(page, 0)
    _evaluate_all(page, 1)

    _tab(page, "Risques")
    for title in ("(A) Accès illégitime à des données", "(M) Modification non désirée de données",
                  "(D) Disparition de données"):
        page.get_by_text(title).click()
        form = _forms(page).first
        controls = form.locator("[data-testid='stButtonGroup']")
        for index, level in enumerate(("Importante", "Limitée", "Limitée", "Négligeable")):
            controls.nth(index).get_by_role("radio", name=level, exact=True).click()
        controls.nth(4).get_by_role("radio", name="Acceptable", exact=True).click()
        _save(form)
    _tab(page, "Cartographie")
    page.locator(".js-plotly-plot").first.wait_for()

    _tab(page, "Validation")
    opinion = _forms(page).first
    opinion.get_by_role("radio", name="Favorable", exact=True).click()
    opinion.get_by_label("Avis motivé").fill("Avis favorable : les risques résiduels sont limités.")
    _save(opinion, "Rendre l'avis du DPO")
    people = _forms(page).nth(1)
    people.get_by_role("radio", name="Non", exact=True).click()
    people.get_by_label("Pourquoi leur avis n'a pas été recueilli").fill(
        "Les représentants du personnel ont été informés en CSE.")
    _save(people)
    decision = _forms(page).nth(2)
    decision.get_by_label("Décision prise par (nom, fonction)").fill("Bernard Lacombe, directeur général")
    decision.get_by_role("button", name="Valider l'AIPD").click()
    _saved(page)
    assert "Validée" in page.get_by_test_id("stMetric").first.inner_text()
    assert "Traceback" not in page.content()

    _tab(page, "Documents")
    page.get_by_role("button", name="Émettre le rapport").click()
    wait_idle(page)
    page.get_by_text("émis (code de vérification").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (PDF)").click()
    pdf = BytesIO(open(download.value.path(), "rb").read())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert reference in text and "Recrutement des candidats" in text and "Bernard Lacombe" in text
    assert "Avis favorable : les risques résiduels sont limités." in text and "Validée" in text
