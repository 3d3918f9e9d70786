"""Local accounts: argon2 password hashes, lock-out after repeated failures,
server-side sessions that expire after inactivity."""

import hashlib
import secrets
from datetime import datetime, timedelta

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from dashboard import audit, audit_anonymous, config
from dashboard.actor import Actor
from models.errors import DomainError
from models.lockout import LockoutPolicy, is_locked, register_failure, register_success
from models.org import LoginThrottle, User, UserDepartment, UserSession
from models.roles import Role
from models.types import utcnow

MIN_PASSWORD_LENGTH = 12
LOCKOUT = LockoutPolicy()
_SEEN_REFRESH = timedelta(seconds=60)  # write last_seen at most once a minute


class LoginFailed(DomainError):
    """Same message for an unknown user, a wrong password and a disabled account."""

    key = "auth.login_failed"


class AccountLocked(DomainError):
    key = "auth.locked"


class SessionEnded(DomainError):
    key = "auth.session_expired"


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


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("auth.password_too_short", min=MIN_PASSWORD_LENGTH)


def hash_password(password: str) -> str:
    check_password_policy(password)
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
    return username.strip().lower()


def login(session: Session, username: str, password: str, now: datetime | None = None) -> str:
    """Check the credentials and open a session; returns the token for the browser
    session. A failure is committed before it is raised: the counter must stick."""
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
    if throttle:
        register_success(throttle)
        session.add(throttle)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
        session.add(user)
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_sha256=token_digest(token), user_id=user.id, created_at=now,
                            last_seen_at=now))
    actor = actor_for(session, user)
    audit.record(session, actor, "auth.login", object_type="user", object_id=user.id)
    return token


def actor_for(session: Session, user: User) -> Actor:
    departments = session.exec(
        select(UserDepartment.department_id).where(UserDepartment.user_id == user.id)
    ).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        department_ids=frozenset(departments),
        language=user.language,
    )


def resolve_session(session: Session, token: str | None, now: datetime | None = None,
                    idle: timedelta | None = None) -> Actor:
    """The actor behind a browser session's token, re-read from the database on every
    request (so that a changed role or a disabled account takes effect at once)."""
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
        raise SessionEnded()
    user = session.get(User, record.user_id)
    if user is None or not user.active or now - record.last_seen_at > idle:
        record.ended_at = now
        session.add(record)
        session.commit()
        raise SessionEnded()
    if now - record.last_seen_at > _SEEN_REFRESH:
        record.last_seen_at = now
        session.add(record)
    return actor_for(session, user)


def logout(session: Session, token: str | None) -> None:
    if not token:
        return
    record = session.exec(select(UserSession).where(UserSession.token_sha256 == token_digest(token))).first()
    if record and record.ended_at is None:
        record.ended_at = utcnow()
        session.add(record)
        user = session.get(User, record.user_id)
        audit.record(session, actor_for(session, user) if user else None, "auth.logout",
                     object_type="user", object_id=record.user_id)


def end_all_sessions(session: Session, user_id: int) -> None:
    now = utcnow()
    for record in session.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ):
        record.ended_at = now
        session.add(record)
