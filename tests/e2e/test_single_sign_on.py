"""Single sign-on in the browser (issue 14, item 5) against a real OpenID Connect provider
started locally from PyPI (`oidc-provider-mock`): Streamlit's `st.login` sends the browser to
the provider, the groups claim gives the role and the departments, the app opens its own
session (HttpOnly cookie, Streamlit's identity cookies dropped); a person in no mapped group
gets no access; the local accounts keep working beside it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db
from dashboard.web_session import SESSION_COOKIE, STREAMLIT_IDENTITY_COOKIES
from models.org import Department, User, UserDepartment
from tests.app_server import free_port, served_app
from tests.e2e.conftest import PASSWORD, press, wait_idle

pytestmark = pytest.mark.browser
oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

HEAD = "marie.curie@medicis.example"
STRANGER = "intrus@ailleurs.example"


@pytest.fixture(scope="module")
def sso_app_url(app_url, e2e_database_url, tmp_path_factory):
    """The demo database served again with `[auth]` secrets pointing at the local provider."""
    users = [oidc_provider_mock.User(sub=HEAD, claims={"email": HEAD, "name": "Marie Curie",
                                                       "groups": ["dpo-desk-chefs", "service-rh"]}),
             oidc_provider_mock.User(sub=STRANGER, claims={"email": STRANGER, "groups": ["compta"]})]
    folder = Path(tmp_path_factory.mktemp("sso-app"))
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"\n'
            'client_id = "dpo-desk"\n'
            'client_secret = "dpo-desk-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
            'client_kwargs = { scope = "openid email profile" }\n')
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DPO_OIDC_ROLE_GROUPS", "dpo-desk-dpo=dpo,dpo-desk-chefs=department_head")
            patch.setenv("DPO_OIDC_DEPARTMENT_GROUPS", "service-rh=RH")
            with served_app(e2e_database_url, folder, port=port, args=("--secrets.files", str(secrets))) as url:
                yield url


def _sso(page, url: str, subject: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    wait_idle(page)
    press(page.get_by_role("button", name="Se connecter avec le compte de l'organisation (SSO)"))
    page.get_by_role("button", name=subject).click()  # the provider's page: one of its accounts


def test_sign_on_maps_groups_to_role_and_departments(page, sso_app_url, e2e_database_url):
    _sso(page, sso_app_url, HEAD)
    expect(page.get_by_text("Connecté(e) :")).to_be_visible()
    expect(page.get_by_text("Marie Curie")).to_be_visible()
    wait_idle(page)
    names = {c["name"] for c in page.context.cookies()}
    assert any(n.endswith(SESSION_COOKIE) for n in names)  # the app's own session
    assert not [n for n in names if n.startswith(STREAMLIT_IDENTITY_COOKIES)]  # the provider's answer dropped
    engine = db.make_engine(e2e_database_url)
    with db.new_session(engine) as session:
        user = session.exec(select(User).where(User.email == HEAD)).one()
        departments = session.exec(select(Department.code).join(
            UserDepartment, UserDepartment.department_id == Department.id).where(UserDepartment.user_id == user.id)).all()
    engine.dispose()
    assert (user.role, departments) == ("department_head", ["RH"])
    assert user.oidc_subject.startswith("http://localhost:") and user.oidc_subject.endswith(f"|{HEAD}")
    press(page.get_by_role("button", name="Se déconnecter"))
    expect(page.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()


def test_no_mapped_group_no_access_and_local_accounts_still_work(page, sso_app_url):
    _sso(page, sso_app_url, STRANGER)
    expect(page.get_by_text("ne donne pas accès à DPO Desk")).to_be_visible()
    expect(page.get_by_text("Connecté(e) :")).to_have_count(0)
    page.locator(".st-key-login_username input").fill("juriste")  # the local account, same tab
    page.locator(".st-key-login_password input").fill(PASSWORD)
    press(page.get_by_role("button", name="Se connecter", exact=True))
    expect(page.get_by_text("Connecté(e) :")).to_be_visible()
