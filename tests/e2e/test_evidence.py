"""An auditor, in the browser: downloads an issued certificate, verifies it (and a
tampered copy) on the verification page, and downloads an audit pack."""

import hashlib
import io
import zipfile

import pytest
from sqlmodel import select

from dashboard import auth, db, evidence
from models.org import Entity, User
from tests.e2e.conftest import choose, login, open_page, wait_idle
from tests.evidence.conftest import certificate_builder

pytestmark = pytest.mark.browser
REASON = "Audit interne annuel 2026"


@pytest.fixture
def certificate(app_url, e2e_database_url):
    """A destruction certificate issued into the served app's database, as a case type would."""
    engine = db.make_engine(e2e_database_url)
    with db.unit_of_work(engine) as session:
        dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
        medicis = session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()
        document = evidence.issue_document(
            session, dpo, kind="test.destruction_certificate", title="Certificat de destruction E2E-2026-0001",
            filename="certificat-destruction.pdf", media_type="application/pdf", build=certificate_builder(),
            case_type="test", case_id=1, case_ref="E2E-2026-0001", entity_id=medicis.id)
    engine.dispose()
    return document


def _type(page, key: str, value: str) -> None:
    page.locator(f".st-key-{key} input").fill(value)
    page.locator(f".st-key-{key} input").press("Enter")
    wait_idle(page)


def _download(page, label: str, tmp_path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def _drop(page, name: str, content: bytes) -> None:
    page.locator(".st-key-verify_file input[type='file']").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content})
    wait_idle(page)


def test_auditor_downloads_verifies_a_certificate_and_downloads_a_pack(page, app_url, certificate, tmp_path):
    login(page, app_url, "auditeur")

    open_page(page, "Documents émis")
    choose(page, "ev_open", certificate.number)
    _type(page, "ev_reason", REASON)
    page.get_by_role("button", name="Télécharger le document tel qu'émis").click()
    wait_idle(page)
    downloaded = _download(page, "Enregistrer certificat-destruction.pdf", tmp_path)
    assert hashlib.sha256(downloaded).hexdigest() == certificate.sha256

    open_page(page, "Vérifier un document")
    _drop(page, "certificat-destruction.pdf", downloaded)
    page.get_by_text(f"Document authentique : ce fichier est exactement le document {certificate.number}").wait_for()
    page.get_by_text("Claire Fontaine").first.wait_for()
    tampered = downloaded.replace(b"/Creator (DPO Desk)", b"/Creator (DPO Desq)")
    _drop(page, "copie-retouchee.pdf", tampered)
    page.get_by_text(f"Document altéré : ce fichier n'est pas le document émis sous le numéro {certificate.number}",
                     exact=False).wait_for()

    open_page(page, "Dossier d'audit")
    assert page.locator(".st-key-pack_reason input").input_value() == REASON  # stated once per session
    page.get_by_role("button", name="Constituer le dossier").click()
    page.get_by_text("Dossier DOC-", exact=False).wait_for()
    save = page.get_by_role("button", name="Enregistrer dossier-audit_", exact=False)
    pack = _download(page, save.inner_text().strip().splitlines()[-1], tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(pack))
    names = archive.namelist()
    assert f"documents/{certificate.number}_certificat-destruction.pdf" in names
    assert {"manifest.csv", "SHA256SUMS.txt", "README.txt", "bordereau.pdf", "journal-audit.csv"} <= set(names)
    assert archive.read(f"documents/{certificate.number}_certificat-destruction.pdf") == downloaded
    assert "Traceback" not in page.content()
