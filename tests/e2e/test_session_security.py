"""Sessions in the browser (issue 14, item 3): the launcher sets the session cookie itself,
HttpOnly and SameSite=Strict; a ticket link or a planted cookie never logs anyone in as
somebody else; every response carries the security headers, the CSP holds (no violation)
and the page fetches nothing from another host."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.web_session import SESSION_COOKIE
from tests.e2e.conftest import login, open_page, press, wait_idle

pytestmark = pytest.mark.browser


def _session_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"].endswith(SESSION_COOKIE)]


def test_the_session_cookie_is_httponly_strict_and_goes_with_log_out(page, app_url):
    login(page, app_url, "juriste")
    [cookie] = _session_cookies(page.context)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert cookie["expires"] > 0  # an absolute lifetime, not only "until the browser closes"
    assert SESSION_COOKIE not in page.evaluate("document.cookie")  # no script can read it
    press(page.get_by_role("button", name="Se déconnecter"))
    page.get_by_role("button", name="Se connecter").wait_for()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert _session_cookies(page.context) == []  # gone in the same tab


def test_security_headers_on_every_response(app_url):
    for path in ("/", "/_stcore/health", "/api/calendar/unknown.ics", "/auth/logout", "/media/nothing.zip"):
        request = urllib.request.Request(app_url + path)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                headers = response.headers
        except urllib.error.HTTPError as error:  # 403, 404: headers all the same
            headers = error.headers
        csp = headers["Content-Security-Policy"] or ""
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path


def test_the_app_renders_under_its_csp_and_asks_no_other_host(page, app_url):
    requests, violations = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, app_url, "dpo")
    open_page(page, "Registre des traitements")
    page.get_by_test_id("stDataFrame").first.wait_for()
    open_page(page, "Accueil")
    assert {urlsplit(url).hostname for url in requests if not url.startswith("data:")} == {"127.0.0.1"}
    assert violations == []


def test_a_ticket_link_sent_to_someone_else_opens_nothing(browser, page, app_url):
    """Login CSRF / session fixation: an attacker's own ticket, opened in the victim's browser."""
    tickets = []
    page.route("**/auth/session?*", lambda route: (tickets.append(route.request.url), route.abort()))
    page.goto(app_url)
    wait_idle(page)
    page.locator(".st-key-login_username input").fill("chef.rh")
    page.locator(".st-key-login_password input").fill("demo-dpo-desk-2026")
    press(page.get_by_role("button", name="Se connecter"))
    page.wait_for_event("requestfailed")
    victim = browser.new_context(locale="fr-FR")
    try:
        other = victim.new_page()
        other.goto(tickets[0])
        wait_idle(other)
        other.get_by_role("button", name="Se connecter").wait_for()
        assert _session_cookies(victim) == []
        assert other.get_by_text("Connecté(e) :").count() == 0
    finally:
        victim.close()


def test_a_planted_cookie_is_never_adopted_at_log_in(page, app_url):
    """Session fixation: a token chosen by an attacker is refused, and logging in gives a new one."""
    host = urlsplit(app_url).hostname
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": "chosen-by-the-attacker", "domain": host,
                               "path": "/"}])
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text("cette session n'existe pas").wait_for()
    page.locator(".st-key-login_username input").fill("juriste")
    page.locator(".st-key-login_password input").fill("demo-dpo-desk-2026")
    press(page.get_by_role("button", name="Se connecter"))
    page.get_by_text("Connecté(e) :").wait_for()
    [cookie] = _session_cookies(page.context)
    assert cookie["value"] != "chosen-by-the-attacker" and cookie["httpOnly"]
