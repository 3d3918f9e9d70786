"""The second factor in the browser (issue 14, item 5): a role that requires one is sent to
enrolment after its password, enrols with the key shown, then signs in with password and a
code computed by the authenticator (here pyotp); a wrong code opens nothing."""

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from playwright.sync_api import expect

from dashboard import db, users
from dashboard.actor import SYSTEM
from dashboard.web_session import SESSION_COOKIE
from tests.app_server import served_app
from tests.e2e.conftest import press, wait_idle

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "controle.mfa", "Vif-Hibou-Taille-9-Granit"


@pytest.fixture(scope="module")
def mfa_app_url(app_url, e2e_database_url, tmp_path_factory):
    """The demo database (seeded by `app_url`) served again with DPO_MFA_REQUIRED_ROLES=auditor,
    and an auditor of its own (the demo personas stay password-only for the other tests)."""
    engine = db.make_engine(e2e_database_url)
    with db.unit_of_work(engine) as session:
        users.create_user(session, SYSTEM, {"username": USERNAME, "full_name": "Contrôle MFA", "role": "auditor",
                                            "password": PASSWORD})
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DPO_MFA_REQUIRED_ROLES", "auditor")
        folder = Path(tmp_path_factory.mktemp("mfa-app"))
        with served_app(e2e_database_url, folder) as url:
            yield url


def _password_step(page, url: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    wait_idle(page)
    page.locator(".st-key-login_username input").fill(USERNAME)
    page.locator(".st-key-login_password input").fill(PASSWORD)
    press(page.get_by_role("button", name="Se connecter"))


def _code_step(page, code: str) -> None:
    page.locator(".st-key-login_code input").fill(code)
    press(page.get_by_role("button", name="Se connecter"))


def test_enrol_then_sign_in_with_a_code(page, mfa_app_url):
    _password_step(page, mfa_app_url)
    expect(page.get_by_role("heading", name="Activer le second facteur")).to_be_visible()
    uri = page.locator("code", has_text="otpauth://").inner_text().strip()
    assert uri.startswith("otpauth://totp/") and "issuer=DPO%20Desk" in uri
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    totp = pyotp.TOTP(secret)
    page.locator(".st-key-mfa_enrol_code input").fill(totp.now())
    press(page.get_by_role("button", name="Confirmer"))
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Journal d'audit")).to_be_visible()

    _password_step(page, mfa_app_url)  # a new browser session; the password alone: the code is asked, nothing open
    expect(page.get_by_text("Saisissez le code de votre application d'authentification.")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"].endswith(SESSION_COOKIE)]
    right = totp.at(time.time() + 30)  # the next step's code: never the one used to enrol
    _code_step(page, f"{(int(right) + 1) % 1_000_000:06d}")
    expect(page.get_by_text("Code incorrect ou déjà utilisé.")).to_be_visible()
    _code_step(page, right)
    expect(page.get_by_text("Connecté(e) :")).to_be_visible()
    expect(page.get_by_role("heading", name="Activer le second facteur")).to_have_count(0)
