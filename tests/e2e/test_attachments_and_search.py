"""In the browser: a file attached to a request, listed, downloaded byte for byte and
verified (and a fake PDF refused); a person found by name with a reason, one click
from the request, which opens without asking for the reason again."""

import hashlib
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db
from models.audit import AuditEntry
from models.dsr import DataSubjectRequest
from models.person_search import query_fingerprint
from tests.attachments.files import pdf
from tests.e2e.conftest import choose, keyed, login, no_traceback, open_tab, press, settle, wait_idle

pytestmark = pytest.mark.browser
WHY = "Nouvelle demande de Mme Haddad : vérifier ses demandes antérieures"


def _request_id(e2e_database_url, name: str) -> tuple[int, str]:
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        request = session.exec(select(DataSubjectRequest).where(DataSubjectRequest.requester_name == name)).one()
    engine.dispose()
    return request.id, request.reference


def _attach(page, name: str, content: bytes, kind: str, description: str) -> None:
    page.get_by_text("Ajouter une pièce jointe").click()
    page.locator(keyed("att_dsr/file") + " input[type='file']").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content})
    settle(page)
    choose(page, "att_dsr/kind", kind, exact=True)
    page.locator(keyed("att_dsr/description") + " input").fill(description)
    press(page.get_by_role("button", name="Joindre le fichier"))
    wait_idle(page)


def test_an_attachment_is_uploaded_listed_downloaded_and_verified(page, app_url, e2e_database_url, tmp_path):
    request_id, reference = _request_id(e2e_database_url, "Bernard Lefort")
    login(page, app_url, "dpo", at=f"dsr-case?id={request_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    open_tab(page, "Documents")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Pièces jointes")

    _attach(page, "faux.pdf", b"MZ\x90\x00 this is a program", "Courrier reçu", "Faux PDF")
    expect(main).to_contain_text("n'est pas un PDF valide")
    expect(main).to_contain_text("Aucune pièce jointe.")  # nothing kept

    letter = pdf("Courrier de M. Bernard Lefort : nouvelle adresse 12 rue des Tilleuls")
    page.reload()
    wait_idle(page)
    open_tab(page, "Documents")
    _attach(page, "courrier_lefort.pdf", letter, "Courrier reçu", "Courrier de rectification **reçu**")
    page.get_by_text("Pièce jointe ajoutée.", exact=True).wait_for()
    open_tab(page, "Documents")
    expect(main).to_contain_text("courrier_lefort.pdf")
    expect(main).to_contain_text(hashlib.sha256(letter).hexdigest()[:12])

    press(page.locator("[class*='st-key-att_dsr_'][class*='_fetch'] button").last)
    wait_idle(page)
    with page.expect_download() as info:
        page.locator("[class*='st-key-att_dsr_'][class*='_save'] button").last.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert info.value.suggested_filename == "courrier_lefort.pdf" and saved.read_bytes() == letter

    press(page.locator("[class*='st-key-att_dsr_'][class*='_verify'] button").last)
    wait_idle(page)
    expect(main).to_contain_text("« courrier_lefort.pdf » est intact")
    no_traceback(page)

    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).where(
            AuditEntry.object_type == "case_attachment", AuditEntry.object_ref == reference))]
    engine.dispose()
    assert {"attachment.upload.refused", "attachment.upload", "attachment.download", "attachment.verify"} <= set(actions)


def test_a_search_by_person_with_a_reason_opens_the_case(page, app_url, e2e_database_url):
    request_id, reference = _request_id(e2e_database_url, "Nadia Haddad")
    login(page, app_url, "juriste")  # legal counsel: not the request's owner, a reason is needed to open it
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Dossiers d'une personne")
    page.goto(f"{app_url}/person-search")
    wait_idle(page)
    page.locator(".st-key-person_search_query input").fill("nadia HADDÂD")
    press(page.get_by_role("button", name=re.compile("Rechercher")))
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Indiquez le motif de la recherche")  # no reason, no search
    page.locator(".st-key-person_search_reason input").fill(WHY)
    press(page.get_by_role("button", name=re.compile("Rechercher")))
    wait_idle(page)
    expect(main).to_contain_text("dossier(s) trouvé(s)")
    expect(main).not_to_contain_text("nadia.haddad@")  # the list shows no personal data
    page.get_by_role("link", name=f"Ouvrir {reference}").click()
    wait_idle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(main).to_contain_text("nadia.haddad@exemple-mail.fr")  # opened with the search's reason
    no_traceback(page)

    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        search = session.exec(select(AuditEntry).where(AuditEntry.action == "personal_data.search")
                              .order_by(AuditEntry.seq.desc())).first()
        opened = session.exec(select(AuditEntry).where(AuditEntry.action == "personal_data.view",
                                                       AuditEntry.object_id == request_id)
                              .order_by(AuditEntry.seq.desc())).first()
    engine.dispose()
    assert search.reason == WHY and search.details["query_sha256"] == query_fingerprint("Nadia Haddad")
    assert reference in search.details["results"] and "haddad" not in str(search.details).lower()
    assert opened.reason == WHY and opened.actor_name == "juriste"
