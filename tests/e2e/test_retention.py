"""A yearly data review in the browser, from the register's rules to the certificate: the
DPO generates Lumina Apprendre's campaign, the head of its departments closes a task with
its proof, the DPO issues the task's destruction certificate and downloads it."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from dashboard import db
from models.org import Entity
from models.retention import RetentionCampaign, RetentionTask
from tests.e2e.conftest import choose, keyed, login, no_traceback, open_page, open_tab, press, settle, wait_idle

pytestmark = pytest.mark.browser
PAGE = "Revue annuelle des données"
PROOF = "Purge des comptes fermés depuis plus de trois ans, journal d'exécution JOB-8841"


def _campaign(url: str) -> tuple[int, int]:
    """Lumina Apprendre's campaign and its first task as the pages order them."""
    engine = db.make_engine(url)
    with db.new_session(engine) as session:
        entity = session.exec(select(Entity).where(Entity.code == "LUMINA")).one()
        campaign = session.exec(select(RetentionCampaign).where(RetentionCampaign.entity_id == entity.id)).one()
        task = session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign.id).order_by(
            RetentionTask.department_id, RetentionTask.activity_id, RetentionTask.id)).first()
    engine.dispose()
    return campaign.id, task.id


def test_from_rules_to_a_downloaded_certificate(page, app_url, e2e_database_url, tmp_path):
    login(page, app_url, "dpo")
    open_page(page, PAGE)
    page.get_by_text("Générer ou compléter une campagne").click()
    choose(page, "retention_generate/entity", "Lumina Apprendre")
    press(page.get_by_role("button", name="Générer la campagne"))
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Campagne REV-\d{4}-\d{4} : \d+ tâche\(s\) ajoutée\(s\)"))).to_be_visible()
    no_traceback(page)
    campaign_id, task_id = _campaign(e2e_database_url)

    # the head of Pédagogie and Support sees Lumina's tasks and closes the first with its proof
    login(page, app_url, "chef.peda")
    open_page(page, PAGE)
    choose(page, "ret_campaign", "Lumina Apprendre")
    choose(page, f"ret_task_{campaign_id}", f"#{task_id} ")
    page.locator(f"{keyed('retention_task/proof')} textarea").fill(PROOF)
    page.locator(f"{keyed('retention_task/proof_reference')} input").fill("JOB-8841")
    press(page.get_by_role("button", name="Clore avec cette preuve"))
    wait_idle(page)
    expect(page.get_by_text("Tâche close.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Suppression le .* par Hugo Lefèvre"))).to_be_visible()
    expect(page.get_by_role("button", name="Émettre le certificat de la tâche")).to_have_count(0)  # the DPO's
    no_traceback(page)

    # the DPO issues the certificate and downloads it from the campaign's documents
    login(page, app_url, "dpo")
    open_page(page, PAGE)
    choose(page, "ret_campaign", "Lumina Apprendre")
    choose(page, f"ret_task_{campaign_id}", f"#{task_id} ")
    press(page.get_by_role("button", name="Émettre le certificat de la tâche"))
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Document DOC-\d{4}-\d{4} émis"))).to_be_visible()
    open_tab(page, "Certificats et rapport")
    page.locator(f".st-key-ret_reason_{campaign_id} input").fill("Contrôle de la revue annuelle")
    page.locator(f".st-key-ret_reason_{campaign_id} input").press("Enter")
    settle(page)
    page.get_by_role("button", name="Télécharger le document tel qu'émis").first.click()
    wait_idle(page)
    save = page.get_by_role("button", name=re.compile(r"Enregistrer .*_certificat_fr\.pdf")).first
    with page.expect_download() as info:
        save.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    text = " ".join(text.split())
    assert "Certificat de destruction" in text and "Lumina Apprendre" in text
    assert "JOB-8841" in text and "Hugo Lefèvre" in text
    no_traceback(page)
