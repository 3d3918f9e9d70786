"""An auditor, in the browser: downloads a destruction certificate of the demo data,
verifies it (its file, a tampered copy, the code printed in its footer) on the
verification page, and downloads an audit pack."""

import hashlib
import io
import re
import urllib.error
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from dashboard import db
from models.evidence import EvidenceDocument
from tests.e2e.conftest import choose, login, no_traceback, open_page, press, wait_idle

pytestmark = pytest.mark.browser
REASON = "Audit interne annuel 2026"


@pytest.fixture
def certificate(app_url, e2e_database_url) -> EvidenceDocument:
    """The first data-subject request destruction certificate of the demo data, as the
    served app's registry holds it (issued when `seed-demo` ran)."""
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        document = session.exec(select(EvidenceDocument).where(
            EvidenceDocument.kind == "dsr.destruction_certificate").order_by(EvidenceDocument.id)).first()
    engine.dispose()
    assert document is not None, "the demo data issues a destruction certificate"
    return document


def _footer_code(content: bytes) -> str:
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    return re.search(r"code de vérification ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)


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
    _type(page, "ev_case", certificate.case_ref)  # other tests issue documents: find it whatever the page
    choose(page, "ev_open", certificate.number)
    _type(page, "ev_reason", REASON)
    page.get_by_role("button", name="Télécharger le document tel qu'émis").click()
    wait_idle(page)
    downloaded = _download(page, f"Enregistrer {certificate.filename}", tmp_path)
    assert hashlib.sha256(downloaded).hexdigest() == certificate.sha256

    open_page(page, "Vérifier un document")
    _drop(page, certificate.filename, downloaded)
    page.get_by_text(f"Document authentique : ce fichier est exactement le document {certificate.number}").wait_for()
    page.get_by_text("Claire Fontaine").first.wait_for()
    tampered = downloaded.replace(b"/Creator (DPO Desk)", b"/Creator (DPO Desq)")
    _drop(page, "copie-retouchee.pdf", tampered)
    page.get_by_text(f"Document altéré : ce fichier n'est pas le document émis sous le numéro {certificate.number}",
                     exact=False).wait_for()
    code = _footer_code(downloaded)
    assert code == certificate.verification_code
    page.locator(".st-key-verify_reference_text input").fill(code.lower().replace("-", " "))  # as typed off paper
    press(page.get_by_role("button", name="Vérifier", exact=True))
    wait_idle(page)
    page.get_by_text(f"Code valide : il correspond au document {certificate.number}", exact=False).wait_for()

    open_page(page, "Dossier d'audit")
    # Stated once per session. A value set from the session state reaches the input an
    # instant after it is drawn (empty at first): wait for it rather than read it once.
    expect(page.locator(".st-key-pack_reason input")).to_have_value(REASON)
    press(page.get_by_role("button", name="Constituer le dossier"))
    page.get_by_text("Dossier DOC-", exact=False).wait_for()
    save = page.get_by_role("button", name="Enregistrer dossier-audit_", exact=False)
    with page.expect_download() as info:
        save.click()
    pack_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pack_path)
    pack = pack_path.read_bytes()
    media_url = info.value.url
    assert "/media/" in media_url
    with pytest.raises(urllib.error.HTTPError) as refused:  # the pack's URL, fetched without the session cookie
        urllib.request.urlopen(media_url, timeout=10)
    assert refused.value.code == 403
    logged_out = page.context.browser.new_context()  # another browser, no cookie: nothing either
    assert logged_out.request.get(media_url).status == 403
    logged_out.close()
    archive = zipfile.ZipFile(io.BytesIO(pack))
    names = archive.namelist()
    assert f"documents/{certificate.number}_{certificate.filename}" in names
    assert {"manifest.csv", "SHA256SUMS.txt", "README.txt", "bordereau.pdf", "journal-audit.csv"} <= set(names)
    assert archive.read(f"documents/{certificate.number}_{certificate.filename}") == downloaded
    no_traceback(page)
