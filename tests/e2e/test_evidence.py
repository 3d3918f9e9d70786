"""An auditor, in the browser: downloads a destruction certificate of the demo data,
verifies it (its file, a tampered copy, the code printed in its footer) on the
verification page, and builds an audit pack (once, clicked twice) and downloads it."""

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

from dashboard import db, evidence
from models.evidence import EvidenceDocument
from tests.e2e.conftest import choose, login, no_traceback, open_page, press, script_runs, wait_idle

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


def _packs(database_url: str) -> list[str]:
    """The numbers of the audit packs in the served app's registry, oldest first."""
    engine = db.make_engine(database_url)
    with db.new_session(engine) as session:
        numbers = list(session.exec(select(EvidenceDocument.number).where(
            EvidenceDocument.kind == evidence.PACK_KIND).order_by(EvidenceDocument.id)))
    engine.dispose()
    return numbers


def test_auditor_downloads_verifies_a_certificate_and_downloads_a_pack(page, app_url, e2e_database_url, certificate,
                                                                      tmp_path):
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
    # Clicked, then clicked again during the build, on the button still on screen (as by
    # someone who thinks the first click did nothing): one pack, shown. (The two clicks of a
    # double click both land before the build: Streamlit then runs the script once.)
    built_before = _packs(e2e_database_url)
    build = page.get_by_role("button", name="Constituer le dossier")
    runs = script_runs(page)
    started, finished = runs.started, runs.finished
    press(build)
    assert runs._until(lambda: runs.started > started, 10), "the first click ran nothing"
    page.wait_for_timeout(150)  # the run is past its form, into the build (half a second here)
    assert runs.finished == finished, "the build ended before the second click: nothing was tried"
    sent = runs.sent
    build.click()
    assert runs._until(lambda: runs.sent > sent, 10), "the second click sent nothing"
    page.get_by_text("Dossier DOC-", exact=False).wait_for()
    wait_idle(page)
    page.wait_for_timeout(1000)  # a second build, if any, has begun by now
    wait_idle(page)
    shown = re.search(r"Dossier (DOC-\d{4}-\d{4})", page.get_by_test_id("stMain").inner_text()).group(1)
    assert _packs(e2e_database_url)[len(built_before):] == [shown], "two clicks built one pack, the one shown"
    expect(page.locator(".st-key-pack_reason input")).to_have_value(REASON)  # still stated for the next pack
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
