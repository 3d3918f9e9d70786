"""Local accounts: argon2 password hashes, lock-out after repeated failures,
server-side sessions that expire after inactivity and after an absolute lifetime
(`DPO_SESSION_MAX_HOURS`), and the one-time log-in tickets with which the launcher
(dashboard/server.py) hands the browser its HttpOnly session cookie."""

import hashlib
import secrets
from datetime import datetime, timedelta

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from dashboard import audit, audit_anonymous, config
from dashboard.actor import Actor
from dashboard.validation import problem
from models import password_policy, second_factor
from models.errors import DomainError
from models.lockout import LockoutPolicy, is_locked, register_failure, register_success
from models.org import LoginThrottle, LoginTicket, User, UserDepartment, UserEntity, UserSession
from models.roles import Role
from models.types import utcnow

MIN_PASSWORD_LENGTH = 12
TICKET_LIFETIME = timedelta(seconds=60)  # between the log-in form and the browser's visit of /auth/session
LOCKOUT = LockoutPolicy()
_SEEN_REFRESH = timedelta(seconds=60)  # write last_seen at most once a minute


class LoginFailed(DomainError):
    """Same message for an unknown user, a wrong password and a disabled account."""

    key = "auth.login_failed"


class AccountLocked(DomainError):
    key = "auth.locked"


class SecondFactorRequired(DomainError):
    """The password alone does not sign this account in: its code is asked next."""

    key = "mfa.code_required"


LOGOUT_REASON = "logout"  # UserSession.end_reason of a session its user ended


class SessionEnded(DomainError):
    key = "auth.session_expired"


class LoggedOut(SessionEnded):
    """The token of a session its user ended with "Log out" (another tab, a reload): the
    user is told they logged out, not that their session expired."""

    key = "auth.logged_out"


class ForgedSession(SessionEnded):
    """A token that matches no session ever opened: forged, not expired. Refused and
    logged like any other refusal."""

    key = "auth.session_forged"


def _hasher() -> argon2.PasswordHasher:
    if config.password_profile() == "cheap":
        return argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    return argon2.PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY)


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher().hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def check_password_policy(password: str, *, username: str = "", full_name: str = "",
                          field: str = "password") -> None:
    """Refuse a password the CNIL's recommendation would refuse (models.password_policy):
    the first problem, in the user's language, on the given form field."""
    found = password_policy.problems(password or "", username, full_name)
    if found:
        raise problem(field, found[0], bits=password_policy.MIN_ENTROPY_BITS)


def hash_password(password: str) -> str:
    """The argon2id hash. The strength rule is checked by the use cases that set a
    password (users.py), before they hash it."""
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """Only the SHA-256 of a session or feed token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.replace("\x00", "").strip().lower()  # no account name holds a NUL (PostgreSQL refuses it)


def login(session: Session, username: str, password: str, now: datetime | None = None) -> str:
    """Check the credentials and open a session; returns the new session's token (a new
    random token at every log-in: a token the browser brings is never reused)."""
    now = now or utcnow()
    return open_session(session, authenticate(session, username, password, now), now)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    """Check the credentials of an account without a second factor and complete its log-in.
    An account with one is refused here (SecondFactorRequired): its log-in goes through
    check_password, then dashboard.mfa.verify_login_code."""
    now = now or utcnow()
    user = check_password(session, username, password, now)
    if user.totp_secret:
        raise SecondFactorRequired()
    complete_login(session, user)
    return user


def check_password(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    """The first factor (lock-out, same answer for every failure). A failure is committed
    before it is raised: the counter must stick. A success does not yet reset the counter
    nor count as a log-in: complete_login does, once every factor is checked."""
    now = now or utcnow()
    name = normalise_username(username)[:80]
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.username == name)).first()
    if is_locked(throttle, now):
        audit_anonymous.record(session, "auth.login_locked", name, actor_name=name, now=now)
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        session.commit()  # the refusal is on record even though the caller's work fails
        raise AccountLocked(minutes=minutes)
    user = session.exec(select(User).where(User.username == name)).first()
    # Verify against a dummy hash for unknown users so that timing reveals nothing.
    valid = verify_password(user.password_hash if user else _dummy_hash(), password)
    if not (user and user.active and valid):
        throttle = throttle or LoginThrottle(username=name)
        register_failure(throttle, now, LOCKOUT)
        session.add(throttle)
        audit_anonymous.record(session, "auth.login_failed", name, actor_name=name, object_type="user",
                               object_id=user.id if user else None, details={"locked": is_locked(throttle, now)},
                               now=now)
        session.commit()  # the failure must count even though the caller's work fails
        raise LoginFailed()
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
        session.add(user)
    return user


def complete_login(session: Session, user: User, *, via: str = "") -> None:
    """Every factor checked: the lock-out counter starts again, the log-in is on record
    (`via`: "totp" after a second factor, "oidc" for single sign-on, "" for a password alone)."""
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.username == user.username)).first()
    if throttle:
        register_success(throttle)
        session.add(throttle)
    audit.record(session, actor_for(session, user), "auth.login", object_type="user", object_id=user.id,
                 details={"via": via} if via else None)


def open_session(session: Session, user: User, now: datetime | None = None) -> str:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_sha256=token_digest(token), user_id=user.id, created_at=now,
                            last_seen_at=now))
    return token


def issue_ticket(session: Session, user: User, browser_key: str, now: datetime | None = None) -> str:
    """A one-time ticket, valid TICKET_LIFETIME, that the browser holding `browser_key`
    (the launcher's pre-log-in cookie) exchanges at /auth/session for its session cookie.
    Bound to that browser: a ticket link sent to someone else opens nothing (no log-in
    forced on a victim, no session fixation)."""
    if not browser_key:
        raise SessionEnded()
    now = now or utcnow()
    ticket = secrets.token_urlsafe(32)
    session.add(LoginTicket(ticket_sha256=token_digest(ticket), user_id=user.id,
                            browser_sha256=token_digest(browser_key), expires_at=now + TICKET_LIFETIME))
    return ticket


def redeem_ticket(session: Session, ticket: str, browser_key: str, now: datetime | None = None) -> str | None:
    """Exchange a ticket for a new session token, once; None for a ticket that is unknown,
    used, expired or issued to another browser (the row is deleted in every case)."""
    if not ticket or not browser_key:
        return None
    now = now or utcnow()
    record = session.exec(select(LoginTicket).where(LoginTicket.ticket_sha256 == token_digest(ticket))).first()
    if record is None:
        return None
    session.delete(record)
    user = session.get(User, record.user_id)
    if (record.expires_at < now or record.browser_sha256 != token_digest(browser_key)
            or user is None or not user.active):
        audit.record(session, None, "auth.ticket_refused", actor_name="", object_type="user",
                     object_id=record.user_id)
        return None
    for stale in session.exec(select(LoginTicket).where(LoginTicket.expires_at < now)):
        session.delete(stale)
    return open_session(session, user, now)


def actor_for(session: Session, user: User, session_id: int | None = None) -> Actor:
    departments = session.exec(
        select(UserDepartment.department_id).where(UserDepartment.user_id == user.id)
    ).all()
    entities = session.exec(select(UserEntity.entity_id).where(UserEntity.user_id == user.id)).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        department_ids=frozenset(departments),
        entity_ids=frozenset(entities) if entities else None,
        language=user.language,
        must_change_password=user.must_change_password,
        # An SSO account's second factor is the provider's (dashboard/sso.py).
        needs_second_factor=not user.oidc_subject and second_factor.needs_enrolment(
            user.role, bool(user.totp_secret), second_factor.parse_roles(config.mfa_required_roles())),
        session_id=session_id,
    )


def resolve_session(session: Session, token: str | None, now: datetime | None = None,
                    idle: timedelta | None = None) -> Actor:
    """The actor behind a browser session's token, re-read from the database on every
    request (so that a changed role or a disabled account takes effect at once). The
    session ends after `idle` without activity and, whatever the activity, once it is
    DPO_SESSION_MAX_HOURS old (OWASP ASVS 3.3.2: absolute lifetime)."""
    if not token:
        raise SessionEnded()
    now = now or utcnow()
    idle = idle or timedelta(minutes=config.session_idle_minutes())
    digest = token_digest(token)
    record = session.exec(select(UserSession).where(UserSession.token_sha256 == digest)).first()
    if record is None:
        # Never the token itself: a short prefix of its hash tells repeated attempts apart.
        audit_anonymous.record(session, "auth.forged_session", digest[:12],
                               details={"token_sha256_prefix": digest[:12]}, now=now)
        session.commit()  # the attempt is on record even though the caller's work fails
        raise ForgedSession()
    if record.ended_at is not None:
        raise LoggedOut() if record.end_reason == LOGOUT_REASON else SessionEnded()
    user = session.get(User, record.user_id)
    too_old = now - record.created_at > timedelta(hours=config.session_max_hours())
    if user is None or not user.active or now - record.last_seen_at > idle or too_old:
        record.ended_at = now
        session.add(record)
        session.commit()
        raise SessionEnded()
    if now - record.last_seen_at > _SEEN_REFRESH:
        record.last_seen_at = now
        session.add(record)
    return actor_for(session, user, record.id)


def logout(session: Session, token: str | None) -> None:
    if not token:
        return
    record = session.exec(select(UserSession).where(UserSession.token_sha256 == token_digest(token))).first()
    if record and record.ended_at is None:
        record.ended_at = utcnow()
        record.end_reason = LOGOUT_REASON
        session.add(record)
        user = session.get(User, record.user_id)
        audit.record(session, actor_for(session, user) if user else None, "auth.logout",
                     object_type="user", object_id=record.user_id)


def end_all_sessions(session: Session, user_id: int, *, keep: int | None = None) -> int:
    """End the user's open sessions (but the one `keep`, the caller's own); how many."""
    now = utcnow()
    ended = 0
    for record in session.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ):
        if record.id == keep:
            continue
        ended += 1
        record.ended_at = now
        session.add(record)
    return ended
