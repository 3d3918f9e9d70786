"""Log-in, lock-out and sessions."""

from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import auth, users
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
        failures = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
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


def test_session_expires_after_inactivity(org):
    start = utcnow()
    token = _login(org, "dpo", PASSWORD, now=start)
    with org.work() as session:
        auth.resolve_session(session, token, now=start + timedelta(minutes=29))
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, token, now=start + timedelta(minutes=90))
    with pytest.raises(auth.SessionEnded), org.work() as session:  # an ended session stays ended
        auth.resolve_session(session, token, now=start + timedelta(minutes=91))


def test_forged_token_and_logout(org):
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, "forged-token")
    token = _login(org, "dpo", PASSWORD)
    with org.work() as session:
        auth.logout(session, token)
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, token)


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
    with pytest.raises(Exception) as short:
        auth.hash_password("short")
    assert short.value.key == "auth.password_too_short"
