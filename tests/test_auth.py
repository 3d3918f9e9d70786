"""Log-in, lock-out and sessions."""

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import audit, auth, users
from models.audit import AuditEntry
from models.org import UserSession
from models.types import utcnow
from tests.conftest import Org

PASSWORD = "demo-dpo-desk-2026"


def _login(org: Org, username: str, password: str, now=None) -> str:
    with org.work() as session:
        return auth.login(session, username, password, now=now)


def test_login_opens_a_session_that_resolves_to_the_user(org):
    token = _login(org, "Chef.RH ", PASSWORD)  # user names are case- and space-insensitive
    with org.work() as session:
        actor = auth.resolve_session(session, token)
    assert actor.username == "chef.rh"
    assert actor.department_ids == {org.departments["RH"].id}


def test_wrong_password_and_unknown_user_get_the_same_error(org):
    with pytest.raises(auth.LoginFailed) as wrong:
        _login(org, "dpo", "not-the-password")
    with pytest.raises(auth.LoginFailed) as unknown:
        _login(org, "nobody", "not-the-password")
    assert wrong.value.key == unknown.value.key == "auth.login_failed"
    with org.session() as session:
        failures = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
                               .order_by(AuditEntry.seq)).all()
    assert [f.actor_name for f in failures] == ["dpo", "nobody"]


def test_account_locks_after_five_failures_then_unlocks(org):
    now = utcnow()
    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            _login(org, "juriste", "wrong-password", now=now)
    with pytest.raises(auth.AccountLocked):  # even the right password is refused while locked
        _login(org, "juriste", PASSWORD, now=now + timedelta(minutes=1))
    assert _login(org, "juriste", PASSWORD, now=now + timedelta(minutes=16))


def test_unknown_user_names_lock_too_so_locking_reveals_nothing(org):
    now = utcnow()
    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            _login(org, "ghost", "wrong-password", now=now)
    with pytest.raises(auth.AccountLocked):
        _login(org, "ghost", "wrong-password", now=now)


def _forged_attempts(org: Org) -> list[AuditEntry]:
    with org.session() as session:
        return session.exec(select(AuditEntry).where(AuditEntry.action == "auth.forged_session")).all()


def test_session_expires_after_inactivity(org):
    start = utcnow()
    token = _login(org, "dpo", PASSWORD, now=start)
    with org.work() as session:
        auth.resolve_session(session, token, now=start + timedelta(minutes=29))
    with pytest.raises(auth.SessionEnded) as expired, org.work() as session:
        auth.resolve_session(session, token, now=start + timedelta(minutes=90))
    with pytest.raises(auth.SessionEnded) as ended, org.work() as session:  # an ended session stays ended
        auth.resolve_session(session, token, now=start + timedelta(minutes=91))
    assert expired.value.key == ended.value.key == "auth.session_expired"  # expired, not forged
    assert _forged_attempts(org) == []


def test_forged_token_is_refused_and_logged_without_the_token(org):
    forged = "forged-token-0123456789"
    with pytest.raises(auth.ForgedSession) as refused, org.work() as session:
        auth.resolve_session(session, forged)
    assert refused.value.key == "auth.session_forged"
    [attempt] = _forged_attempts(org)  # on record although the caller's unit of work failed
    assert attempt.actor_id is None and attempt.actor_name == ""
    assert attempt.details == {"token_sha256_prefix": hashlib.sha256(forged.encode()).hexdigest()[:12]}
    assert forged not in str(attempt.details) + attempt.reason
    with org.session() as session:
        assert audit.verify_chain(session).intact


def test_a_logged_out_token_is_an_ended_session_not_a_forgery(org):
    token = _login(org, "dpo", PASSWORD)
    with org.work() as session:
        auth.logout(session, token)
    with pytest.raises(auth.SessionEnded) as ended, org.work() as session:
        auth.resolve_session(session, token)
    assert not isinstance(ended.value, auth.ForgedSession)
    assert _forged_attempts(org) == []
    # the user logged out: another tab, or a reload, says so rather than "session expired"
    assert isinstance(ended.value, auth.LoggedOut) and ended.value.key == "auth.logged_out"


def test_tokens_are_stored_hashed(org):
    token = _login(org, "dpo", PASSWORD)
    with org.session() as session:
        stored = [s.token_sha256 for s in session.exec(select(UserSession))]
    assert token not in stored and len(stored) == 1


def test_disabled_account_cannot_log_in_and_loses_its_sessions(org):
    token = _login(org, "chef.rh", PASSWORD)
    with org.work() as session:
        target = users.find_user_id(session, "chef.rh")
        users.update_user(session, org.dpo, target, {"full_name": "Sophie Martin", "role": "department_head",
                                                     "department_ids": [org.departments["RH"].id],
                                                     "active": False})
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, token)
    with pytest.raises(auth.LoginFailed):
        _login(org, "chef.rh", PASSWORD)


def test_passwords_are_argon2_hashes():
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "correct horse battery")
    assert not auth.verify_password(hashed, "Correct horse battery")
