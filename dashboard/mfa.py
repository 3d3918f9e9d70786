"""TOTP second factor (RFC 6238) for local accounts: enrolment, the code asked at log-in
after the password, the DPO's reset.

The secret is sealed before it is stored: XOR with a keystream HMAC-SHA256(k, nonce), k
derived from the key file kept outside the database (DPO_AUDIT_KEY_FILE), and an HMAC tag;
someone who reads the database alone learns nothing of it. It is shown once, at enrolment,
and never again. Wrong codes count in the log-in lock-out (models.lockout) of the account;
a code is accepted once (its time step must be newer than the last one accepted)."""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from pyotp import utils as otp_utils
from sqlmodel import Session, select

from dashboard import audit, audit_anchor, audit_anonymous, auth, config
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.permissions import require
from models import second_factor
from models.errors import DomainError
from models.lockout import is_locked, register_failure
from models.org import LoginThrottle, User
from models.roles import Capability
from models.types import utcnow

ISSUER = "DPO Desk"
_SEAL_VERSION = "v1"


class CodeRefused(DomainError):
    """A wrong, reused or malformed code (same message for every case)."""

    key = "mfa.code_invalid"


class SealBroken(DomainError):
    """The stored secret does not open with the key file (key replaced or lost): the DPO resets the factor."""

    key = "mfa.seal_broken"


# ------------------------------------------------------------------ the sealed secret


def _key() -> bytes:
    """Derived from the audit key, never created here: a lost audit key file is the audit
    trail's alarm to raise (dashboard.audit_anchor), not something to paper over."""
    base = audit_anchor.read_key_or_none()
    if base is None:
        raise SealBroken()
    return hmac.new(base, b"dpo-desk totp secret seal", hashlib.sha256).digest()


def seal(secret: str) -> str:
    raw = base64.b32decode(secret)
    if len(raw) > 32:
        raise ValueError("secret too long")
    key, nonce = _key(), secrets.token_bytes(16)
    stream = hmac.new(key, b"stream" + nonce, hashlib.sha256).digest()
    body = bytes(a ^ b for a, b in zip(raw, stream))
    tag = hmac.new(key, b"tag" + nonce + body, hashlib.sha256).digest()[:16]
    return f"{_SEAL_VERSION}:{base64.urlsafe_b64encode(nonce + tag + body).decode()}"


def unseal(sealed: str) -> str:
    version, _, payload = (sealed or "").partition(":")
    try:
        blob = base64.urlsafe_b64decode(payload.encode())
    except ValueError as error:
        raise SealBroken() from error
    nonce, tag, body = blob[:16], blob[16:32], blob[32:]
    key = _key()
    expected = hmac.new(key, b"tag" + nonce + body, hashlib.sha256).digest()[:16]
    if version != _SEAL_VERSION or not body or not hmac.compare_digest(tag, expected):
        raise SealBroken()
    stream = hmac.new(key, b"stream" + nonce, hashlib.sha256).digest()
    return base64.b32encode(bytes(a ^ b for a, b in zip(body, stream))).decode()


# ------------------------------------------------------------------ codes


def required_roles():
    return second_factor.parse_roles(config.mfa_required_roles())


def has_factor(user: User) -> bool:
    return bool(user.totp_secret)


def new_secret() -> str:
    """160 random bits in base32 (RFC 4226 §4 recommends 160), shown to the user once."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (now, or one step either side), else None."""
    code = (code or "").replace(" ", "").strip()
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - second_factor.DRIFT_STEPS, current + second_factor.DRIFT_STEPS + 1):
        if otp_utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None


# ------------------------------------------------------------------ use cases


def confirm_enrolment(session: Session, actor: Actor, secret: str, code: str, now: datetime | None = None, *,
                      current_code: str = "") -> None:
    """Store the secret the user's app now holds, once a first code from it matches. Replacing
    a factor also takes a code of the current one (a session left open is not enough to
    swap it; a lost phone is the DPO's reset). A wrong code counts in the log-in lock-out."""
    now = now or utcnow()
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None or not user.active:
        raise NotAllowed()
    replaced = has_factor(user)
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.username == user.username)).first()
    if is_locked(throttle, now):
        raise auth.AccountLocked(minutes=max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1))
    step = matching_step(secret, code, now)
    current_step = matching_step(unseal(user.totp_secret), current_code, now) if replaced else None
    if step is None or (replaced and not second_factor.fresh_step(current_step, user.totp_last_step)):
        throttle = throttle or LoginThrottle(username=user.username)
        register_failure(throttle, now, auth.LOCKOUT)
        session.add(throttle)
        audit.record(session, actor, "mfa.enrolment_failed", object_type="user", object_id=user.id,
                     details={"locked": is_locked(throttle, now)})
        session.commit()  # on record, and counted, even though the enrolment fails
        raise CodeRefused()
    audit.record(session, actor, "mfa.enrolled", object_type="user", object_id=user.id,
                 object_ref=user.username, details={"replaced": True} if replaced else None)
    user.totp_secret, user.totp_last_step = seal(secret), step
    session.add(user)


def verify_login_code(session: Session, user_id: int, code: str, now: datetime | None = None) -> User:
    """The second step of the log-in, after the password: the code of the user's app.
    A wrong or replayed code counts as a failed log-in (the same lock-out); the failure is
    committed before it is raised. Returns the user, the log-in completed (auth.complete_login)."""
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None or not user.active or not has_factor(user):
        raise auth.LoginFailed()
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.username == user.username)).first()
    if is_locked(throttle, now):
        audit_anonymous.record(session, "auth.login_locked", user.username, actor_name=user.username, now=now)
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        session.commit()
        raise auth.AccountLocked(minutes=minutes)
    step = matching_step(unseal(user.totp_secret), code, now)
    if not second_factor.fresh_step(step, user.totp_last_step):
        throttle = throttle or LoginThrottle(username=user.username)
        register_failure(throttle, now, auth.LOCKOUT)
        session.add(throttle)
        audit_anonymous.record(session, "mfa.login_failed", user.username, actor_name=user.username,
                               object_type="user", object_id=user.id,
                               details={"replayed": step is not None, "locked": is_locked(throttle, now)}, now=now)
        session.commit()
        raise CodeRefused()
    user.totp_last_step = step
    session.add(user)
    auth.complete_login(session, user, via="totp")
    return user


def reset_factor(session: Session, actor: Actor, user_id: int) -> None:
    """The DPO removes a user's second factor (lost phone): the user enrols again at the
    next log-in if the role requires it. The user's sessions end."""
    require(session, actor, Capability.MANAGE_USERS, action="mfa.reset", object_type="user", object_id=user_id)
    user = session.get(User, user_id)
    if user is None:
        raise NotAllowed()
    had = has_factor(user)
    user.totp_secret, user.totp_last_step = "", None
    session.add(user)
    if user.id != actor.user_id:
        auth.end_all_sessions(session, user.id)
    audit.record(session, actor, "mfa.reset", object_type="user", object_id=user.id, object_ref=user.username,
                 details={"had_factor": had})


def own_factor(session: Session, actor: Actor) -> bool:
    """Whether the signed-in user has a second factor."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    return bool(user and has_factor(user))


def users_with_factor(session: Session, actor: Actor) -> set[int]:
    """The DPO's view: which accounts have a second factor."""
    require(session, actor, Capability.MANAGE_USERS, action="mfa.list")
    return set(session.exec(select(User.id).where(User.totp_secret != "")).all())
