"""The action plan in the browser: actions of three case types (a DPIA measure, a processor
audit finding, a breach remediation measure) created with their own text, each line opening
its case in one click; then the DPO issues the annual report and it is downloaded as a PDF."""

import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from dashboard import db
from models.org import Department, Entity
from tests.action_plan import factories as make
from tests.e2e.conftest import login, no_traceback, open_page, press, settle, wait_idle

pytestmark = pytest.mark.browser
PAGE = "Plan d'actions"
TAG = uuid.uuid4().hex[:6]


@dataclass
class _Org:  # what the factories read: the demo's entities and departments by code
    entities: dict
    departments: dict


def _create(url: str) -> dict[str, tuple[str, str]]:
    """Three actions due in 2019 (so late, and listed first), each with this run's tag."""
    engine = db.make_engine(url)
    texts = {"dpia": f"Chiffrer les sauvegardes {TAG}", "processor": f"Journalisation des accès absente {TAG}",
             "breach": f"Réinitialiser les mots de passe exposés {TAG}"}
    with db.unit_of_work(engine) as session:
        org = _Org({e.code: e for e in session.exec(select(Entity))},
                   {d.code: d for d in session.exec(select(Department))})
        act = make.activity(session, org, "DRC", None, name=f"Traitement du plan {TAG}")
        dpia = make.dpia(session, org, act, [(texts["dpia"], "planned", date(2019, 1, 2))])
        processor = make.processor(session, org, act, [(date(2018, 6, 1), "major_findings", texts["processor"])],
                                   next_audit=date(2019, 1, 3))
        breach = make.breach(session, org, "DRC", [("remediation", texts["breach"],
                                                    datetime(2019, 1, 4, 9, tzinfo=timezone.utc), None)])
        refs = {"dpia": dpia.reference, "processor": processor.reference, "breach": breach.reference}
    engine.dispose()
    return {kind: (refs[kind], texts[kind]) for kind in texts}


def _case_opens(page, reference: str) -> None:
    main = page.get_by_test_id("stMain")
    main.get_by_role("link", name=reference).first.click()
    wait_idle(page)
    expect(main).to_contain_text(reference)
    expect(main).not_to_contain_text("Plan d'actions")  # left the plan for the case page
    no_traceback(page)


def test_the_plan_lists_three_case_types_and_each_line_opens_its_case(page, app_url, e2e_database_url):
    created = _create(e2e_database_url)
    login(page, app_url, "dpo")
    open_page(page, PAGE)
    main = page.get_by_test_id("stMain")
    for reference, text in created.values():
        expect(main.get_by_role("link", name=reference)).to_be_visible()
        expect(main.get_by_text(text)).to_be_visible()
    expect(main.get_by_text("En retard").first).to_be_visible()
    no_traceback(page)
    for reference, _ in created.values():
        open_page(page, PAGE)
        _case_opens(page, reference)

    # the head of Human Resources sees none of them (Customer Relations' cases)
    login(page, app_url, "chef.rh")
    open_page(page, PAGE)
    main = page.get_by_test_id("stMain")
    for reference, text in created.values():
        expect(main.get_by_text(text)).to_have_count(0)
    no_traceback(page)


def test_the_annual_report_is_issued_and_downloaded_as_pdf(page, app_url, tmp_path):
    login(page, app_url, "dpo")
    open_page(page, PAGE)
    press(page.get_by_role("button", name="Émettre le rapport annuel"))
    wait_idle(page)
    message = page.get_by_text(re.compile(r"Rapport annuel émis : DOC-\d{4}-\d{4}\."))
    expect(message).to_be_visible()
    number = re.search(r"DOC-\d{4}-\d{4}", message.inner_text()).group(0)
    no_traceback(page)

    login(page, app_url, "auditeur")
    open_page(page, PAGE)
    expect(page.get_by_role("button", name="Émettre le rapport annuel")).to_have_count(0)
    card = page.locator("[class*='st-key-ar_card_']").filter(has_text=number).first
    card.get_by_role("button", name="Télécharger le document tel qu'émis").click()
    wait_idle(page)
    save = page.get_by_role("button", name=re.compile(r"Enregistrer RA-\d{4}-GROUPE_rapport-annuel_fr\.pdf")).first
    with page.expect_download() as info:
        save.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Rapport annuel du délégué à la protection des données" in text
    assert "Demandes reçues, par droit exercé" in text and number in text
    assert "Ensemble du groupe" in text
    no_traceback(page)
