"""Log-in sessions (issue 14, item 3; OWASP ASVS 3.2.1 new token at log-in, 3.3.1 log-out
ends the session, 3.3.2 absolute lifetime, 3.3.3 other sessions end when the password
changes): the one-time ticket the launcher exchanges for the HttpOnly cookie."""

from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import auth, web_session
from models.audit import AuditEntry
from models.org import LoginTicket, User
from models.types import utcnow

PASSWORD = "demo-dpo-desk-2026"


def _user(session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def test_every_log_in_gets_a_new_token(org):
    with org.work() as session:
        tokens = {auth.login(session, "dpo", PASSWORD) for _ in range(3)}
    assert len(tokens) == 3


def test_a_session_ends_after_its_absolute_lifetime_however_active(org, monkeypatch):
    monkeypatch.setenv("DPO_SESSION_MAX_HOURS", "12")
    start = utcnow() - timedelta(hours=13)
    with org.work() as session:
        token = auth.login(session, "juriste", PASSWORD, now=start)
    with org.work() as session:  # active every 20 minutes for 12 hours
        for step in range(1, 37):
            auth.resolve_session(session, token, now=start + timedelta(minutes=20 * step))
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, token, now=start + timedelta(hours=12, minutes=5))


def test_a_ticket_opens_one_session_once_in_the_browser_that_logged_in(org):
    with org.work() as session:
        ticket = auth.issue_ticket(session, _user(session, "juriste"), "browser-a")
    with org.work() as session:
        assert auth.redeem_ticket(session, ticket, "browser-b") is None  # a link sent to someone else
    with org.work() as session:
        again = auth.issue_ticket(session, _user(session, "juriste"), "browser-a")
    with org.work() as session:
        token = auth.redeem_ticket(session, again, "browser-a")
        assert auth.resolve_session(session, token).username == "juriste"
    with org.work() as session:
        assert auth.redeem_ticket(session, again, "browser-a") is None  # once only
    with org.session() as session:
        assert session.exec(select(LoginTicket)).all() == []
        refused = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.ticket_refused")).all()
    assert len(refused) == 1


def test_an_expired_ticket_opens_nothing(org):
    with org.work() as session:
        ticket = auth.issue_ticket(session, _user(session, "dpo"), "browser", now=utcnow() - timedelta(minutes=2))
    with org.work() as session:
        assert auth.redeem_ticket(session, ticket, "browser") is None


def test_a_ticket_of_a_disabled_account_opens_nothing(org):
    with org.work() as session:
        user = _user(session, "auditeur")
        ticket = auth.issue_ticket(session, user, "browser")
        user.active = False
        session.add(user)
    with org.work() as session:
        assert auth.redeem_ticket(session, ticket, "browser") is None


@pytest.mark.parametrize(("given", "expected"), [
    ("/dsr-case?ref=DSR-2026-0001", "/dsr-case?ref=DSR-2026-0001"), ("/", "/"), (None, "/"),
    ("https://evil.example/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("/a\nSet-Cookie: x", "/"),
])
def test_after_log_in_the_browser_goes_back_only_to_this_site(given, expected):
    assert web_session.safe_next(given) == expected


def test_over_https_only_the_host_only_cookie_counts():
    cookies = {"dpo_desk_session": "planted", "__Host-dpo_desk_session": "genuine"}
    assert web_session.read_cookie(cookies, web_session.SESSION_COOKIE, https=True) == "genuine"
    assert web_session.read_cookie({"dpo_desk_session": "planted"}, web_session.SESSION_COOKIE, https=True) is None
    assert web_session.is_https("http", {"x-forwarded-proto": "https"})
    assert not web_session.is_https("http", {})
