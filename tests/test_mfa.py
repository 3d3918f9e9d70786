"""Second factor (TOTP, RFC 6238) for local accounts: enrolment, the code at log-in,
lock-out, replay, the DPO's reset, and the rule of which roles must have one
(OWASP ASVS 2.7/2.8; CNIL délibération 2022-100 art. 4: a second factor for privileged access)."""

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from dashboard import audit_anchor, auth, mfa, navigation
from dashboard.errors import NotAllowed
from models import second_factor
from models.audit import AuditEntry
from models.org import User
from models.roles import Role
from models.types import utcnow
from tests.conftest import Org, actor_named

PASSWORD = "demo-dpo-desk-2026"


# ------------------------------------------------------------------ the rule (pure)


def test_required_roles_come_from_the_setting():
    assert second_factor.parse_roles(second_factor.DEFAULT_REQUIRED_ROLES) == {Role.DPO, Role.AUDITOR}
    assert second_factor.parse_roles(" Legal , nobody,") == {Role.LEGAL}
    assert second_factor.parse_roles("") == frozenset()
    required = {Role.DPO, Role.AUDITOR}
    assert second_factor.needs_enrolment("dpo", False, required)
    assert not second_factor.needs_enrolment("dpo", True, required)
    assert not second_factor.needs_enrolment("legal", False, required)


def test_a_code_is_accepted_once_per_time_step():
    """RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP."""
    assert second_factor.fresh_step(100, None)
    assert second_factor.fresh_step(101, 100)
    assert not second_factor.fresh_step(100, 100)
    assert not second_factor.fresh_step(99, 100)
    assert not second_factor.fresh_step(None, None)


def test_the_secret_is_sealed_and_the_seal_is_checked():
    audit_anchor.create_key()  # the key file outside the database (kept if it exists)
    secret = mfa.new_secret()
    sealed = mfa.seal(secret)
    assert secret not in sealed and mfa.unseal(sealed) == secret
    assert mfa.seal(secret) != sealed  # a new nonce every time
    forged = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(mfa.SealBroken):
        mfa.unseal(forged)


# ------------------------------------------------------------------ use cases


def _enrol(org: Org, username: str, now=None) -> str:
    now = now or utcnow()
    secret = mfa.new_secret()
    with org.work() as session:
        mfa.confirm_enrolment(session, actor_named(org.engine, username), secret,
                              pyotp.TOTP(secret).at(now), now=now)
    return secret


def _actions(org: Org, *names: str) -> list[AuditEntry]:
    with org.session() as session:
        return session.exec(select(AuditEntry).where(AuditEntry.action.in_(names)).order_by(AuditEntry.seq)).all()


def _user(org: Org, username: str) -> User:
    with org.session() as session:
        return session.exec(select(User).where(User.username == username)).one()


def test_enrolment_needs_a_right_first_code_and_stores_only_a_sealed_secret(org):
    secret = mfa.new_secret()
    with pytest.raises(mfa.CodeRefused), org.work() as session:
        mfa.confirm_enrolment(session, org.auditor, secret, "000000" if pyotp.TOTP(secret).now() != "000000"
                              else "111111")
    assert _user(org, "auditeur").totp_secret == ""
    secret = _enrol(org, "auditeur")
    stored = _user(org, "auditeur").totp_secret
    assert stored and secret not in stored and mfa.unseal(stored) == secret
    assert [e.action for e in _actions(org, "mfa.enrolled", "mfa.enrolment_failed")] == [
        "mfa.enrolment_failed", "mfa.enrolled"]


def test_replacing_a_factor_takes_a_code_of_the_current_one(org):
    """A session left open is not enough to swap the factor (OWASP ASVS 2.8 / 3.x re-authentication)."""
    now = utcnow()
    old = _enrol(org, "dpo", now - timedelta(minutes=5))
    new = mfa.new_secret()
    with pytest.raises(mfa.CodeRefused), org.work() as session:
        mfa.confirm_enrolment(session, org.dpo, new, pyotp.TOTP(new).at(now), now=now)
    assert mfa.unseal(_user(org, "dpo").totp_secret) == old
    with org.work() as session:
        mfa.confirm_enrolment(session, org.dpo, new, pyotp.TOTP(new).at(now), now=now,
                              current_code=pyotp.TOTP(old).at(now))
    assert mfa.unseal(_user(org, "dpo").totp_secret) == new
    assert _actions(org, "mfa.enrolled")[-1].details == {"replaced": True}


def test_log_in_with_a_factor_needs_the_code_after_the_password(org):
    now = utcnow()
    secret = _enrol(org, "dpo", now - timedelta(minutes=5))
    with pytest.raises(auth.SecondFactorRequired), org.work() as session:  # the password alone opens nothing
        auth.login(session, "dpo", PASSWORD)
    with org.work() as session:
        user = auth.check_password(session, "dpo", PASSWORD)
        assert mfa.verify_login_code(session, user.id, pyotp.TOTP(secret).at(now), now=now).username == "dpo"
        token = auth.open_session(session, user)
    with org.work() as session:
        assert auth.resolve_session(session, token).username == "dpo"
    login = _actions(org, "auth.login")[-1]
    assert login.details == {"via": "totp"}


def test_the_same_code_is_refused_a_second_time(org):
    now = utcnow()
    secret = _enrol(org, "dpo", now - timedelta(minutes=5))
    code = pyotp.TOTP(secret).at(now)
    user_id = _user(org, "dpo").id
    with org.work() as session:
        mfa.verify_login_code(session, user_id, code, now=now)
    with pytest.raises(mfa.CodeRefused), org.work() as session:  # replayed within its 30-s step
        mfa.verify_login_code(session, user_id, code, now=now + timedelta(seconds=10))
    failed = _actions(org, "mfa.login_failed")
    assert failed[-1].details["replayed"] is True


def test_wrong_codes_lock_the_account_like_wrong_passwords(org):
    now = utcnow()
    secret = _enrol(org, "dpo", now - timedelta(minutes=5))
    user_id = _user(org, "dpo").id
    right = pyotp.TOTP(secret).at(now)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for i in range(auth.LOCKOUT.max_failures):
        with pytest.raises(mfa.CodeRefused), org.work() as session:
            mfa.verify_login_code(session, user_id, wrong, now=now + timedelta(seconds=i))
    with pytest.raises(auth.AccountLocked), org.work() as session:  # even the right code, and the password
        mfa.verify_login_code(session, user_id, right, now=now + timedelta(seconds=6))
    with pytest.raises(auth.AccountLocked), org.work() as session:
        auth.check_password(session, "dpo", PASSWORD, now=now + timedelta(seconds=7))
    later = now + timedelta(minutes=16)
    with org.work() as session:
        mfa.verify_login_code(session, user_id, pyotp.TOTP(secret).at(later), now=later)


def test_a_right_password_does_not_clear_the_count_of_wrong_codes(org):
    """Otherwise whoever knows the password could try codes forever, four at a time."""
    now = utcnow()
    secret = _enrol(org, "dpo", now - timedelta(minutes=5))
    user_id = _user(org, "dpo").id
    wrong = f"{(int(pyotp.TOTP(secret).at(now)) + 1) % 1_000_000:06d}"
    for i in range(auth.LOCKOUT.max_failures):
        with org.work() as session:
            auth.check_password(session, "dpo", PASSWORD, now=now + timedelta(seconds=i))
        with pytest.raises(mfa.CodeRefused), org.work() as session:
            mfa.verify_login_code(session, user_id, wrong, now=now + timedelta(seconds=i))
    with pytest.raises(auth.AccountLocked), org.work() as session:
        auth.check_password(session, "dpo", PASSWORD, now=now + timedelta(seconds=10))


def test_the_dpo_resets_a_lost_factor_and_others_cannot(org):
    _enrol(org, "auditeur")
    user_id = _user(org, "auditeur").id
    with org.work() as session:
        token = auth.login(session, "juriste", PASSWORD)
    with pytest.raises(NotAllowed), org.work() as session:
        mfa.reset_factor(session, actor_named(org.engine, "juriste"), user_id)
    with org.work() as session:
        assert mfa.users_with_factor(session, org.dpo) == {user_id}
        mfa.reset_factor(session, org.dpo, user_id)
    assert _user(org, "auditeur").totp_secret == ""
    assert _actions(org, "mfa.reset")[-1].object_id == user_id
    with org.work() as session:  # the auditor signs in with the password again
        assert auth.login(session, "auditeur", PASSWORD) and token


def test_required_roles_without_a_factor_see_only_enrolment(org, monkeypatch):
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "dpo,auditor")
    auditor = actor_named(org.engine, "auditeur")
    assert auditor.needs_second_factor
    assert {spec.file for spec in navigation.pages_for(auditor)} == {navigation.MFA_PAGE.file}  # at every address
    assert not actor_named(org.engine, "juriste").needs_second_factor
    _enrol(org, "auditeur")
    auditor = actor_named(org.engine, "auditeur")
    assert not auditor.needs_second_factor and navigation.MFA_PAGE not in navigation.pages_for(auditor)
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "")
    assert not actor_named(org.engine, "dpo").needs_second_factor
