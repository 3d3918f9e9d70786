"""User administration (the DPO's), and each user's own account."""

from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session, func, select

from dashboard import audit, auth, calendar_feed, concurrency
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.permissions import deny, require
from dashboard.validation import problem, validate
from models.audit import AuditEntry
from models.errors import DomainError
from models.org import Department, Entity, User, UserDepartment, UserEntity
from models.roles import Capability, Role
from models.types import utcnow

PASSWORD_CHANGE_ATTEMPTS = 5  # per user, successful or not, in PASSWORD_CHANGE_WINDOW
PASSWORD_CHANGE_WINDOW = timedelta(minutes=15)

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,79}$"


def _head_needs_department(model):
    if model.role == Role.DEPARTMENT_HEAD and not model.department_ids:
        raise PydanticCustomError("users.head_needs_department", "a department head needs a department")
    return model


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str = Field(min_length=2, max_length=200)
    email: str = Field(default="", max_length=254)
    role: Role
    password: str = Field(min_length=auth.MIN_PASSWORD_LENGTH, max_length=200)
    department_ids: list[int] = []
    entity_ids: list[int] = []  # the entities the user is limited to; none: the whole group
    language: str = Field(default="fr", pattern="^(fr|en)$")

    @field_validator("username", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

    _heads_have_departments = model_validator(mode="after")(_head_needs_department)


class UserUpdate(BaseModel):
    full_name: str = Field(min_length=2, max_length=200)
    email: str = Field(default="", max_length=254)
    role: Role
    department_ids: list[int] = []
    entity_ids: list[int] | None = None  # None: the limitation is left as it is
    active: bool = True

    _heads_have_departments = model_validator(mode="after")(_head_needs_department)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    email: str
    role: Role
    active: bool
    department_ids: tuple[int, ...]
    version: int = 1
    entity_ids: tuple[int, ...] = ()  # the entities the user is limited to; (): the whole group


def _check_departments(session: Session, department_ids: list[int]) -> None:
    for department_id in department_ids:
        if session.get(Department, department_id) is None:
            raise problem("department_ids", "validation.unknown_department")


def _set_departments(session: Session, user_id: int, department_ids: list[int]) -> None:
    for link in session.exec(select(UserDepartment).where(UserDepartment.user_id == user_id)):
        session.delete(link)
    session.flush()
    for department_id in sorted(set(department_ids)):
        session.add(UserDepartment(user_id=user_id, department_id=department_id))


def _check_entities(session: Session, entity_ids: list[int], department_ids: list[int]) -> None:
    """Known entities; a limited head's departments belong to his entities."""
    for entity_id in entity_ids:
        if session.get(Entity, entity_id) is None:
            raise problem("entity_ids", "validation.unknown_entity")
    if entity_ids:
        for department_id in department_ids:
            department = session.get(Department, department_id)
            if department is not None and department.entity_id not in entity_ids:
                raise problem("department_ids", "group.error.department_outside_entities", name=department.name)


def _set_entities(session: Session, user_id: int, entity_ids: list[int]) -> None:
    for link in session.exec(select(UserEntity).where(UserEntity.user_id == user_id)):
        session.delete(link)
    session.flush()
    for entity_id in sorted(set(entity_ids)):
        session.add(UserEntity(user_id=user_id, entity_id=entity_id))


def _entities_of(session: Session, user_id: int) -> tuple[int, ...]:
    return tuple(sorted(session.exec(select(UserEntity.entity_id).where(UserEntity.user_id == user_id)).all()))


def _departments_of(session: Session, user_id: int) -> tuple[int, ...]:
    return tuple(sorted(session.exec(
        select(UserDepartment.department_id).where(UserDepartment.user_id == user_id)).all()))


class PasswordChangeThrottled(DomainError):
    key = "password.change_throttled"


def create_user(session: Session, actor: Actor, data: dict | UserCreate, *, demo_seed: bool = False) -> UserRow:
    """A new account. Its password obeys the strength rule (models.password_policy) and,
    set by the DPO, is temporary: the user must change it before anything else.
    `demo_seed` (the demo data only) skips the rule so that the published demo password works."""
    require(session, actor, Capability.MANAGE_USERS, action="users.create")
    data = validate(UserCreate, data)
    if not demo_seed:
        auth.check_password_policy(data.password, username=data.username, full_name=data.full_name)
    if session.exec(select(User).where(User.username == data.username)).first():
        raise problem("username", "users.username_taken")
    _check_departments(session, data.department_ids)
    _check_entities(session, data.entity_ids, data.department_ids)
    user = User(username=data.username, full_name=data.full_name.strip(), email=data.email.strip(),
                role=data.role, password_hash=auth.hash_password(data.password),
                language=data.language, must_change_password=actor.user_id is not None)
    session.add(user)
    session.flush()
    _set_departments(session, user.id, data.department_ids)
    _set_entities(session, user.id, data.entity_ids)
    audit.record(session, actor, "users.create", object_type="user", object_id=user.id,
                 object_ref=user.username,
                 details={"role": data.role, "department_ids": data.department_ids,
                          "entity_ids": sorted(set(data.entity_ids))})
    return get_user(session, actor, user.id)


def get_user(session: Session, actor: Actor, user_id: int) -> UserRow:
    require(session, actor, Capability.MANAGE_USERS, action="users.read")
    user = session.get(User, user_id)
    if user is None:
        raise NotAllowed()
    return UserRow(user.id, user.username, user.full_name, user.email, Role(user.role), user.active,
                   _departments_of(session, user.id), user.version, _entities_of(session, user.id))


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    require(session, actor, Capability.MANAGE_USERS, action="users.list")
    users = session.exec(select(User).order_by(User.username)).all()
    links: dict[int, list[int]] = {}
    for link in session.exec(select(UserDepartment)):
        links.setdefault(link.user_id, []).append(link.department_id)
    limits: dict[int, list[int]] = {}
    for link in session.exec(select(UserEntity)):
        limits.setdefault(link.user_id, []).append(link.entity_id)
    return [UserRow(u.id, u.username, u.full_name, u.email, Role(u.role), u.active,
                    tuple(sorted(links.get(u.id, []))), u.version, tuple(sorted(limits.get(u.id, []))))
            for u in users]


def update_user(session: Session, actor: Actor, user_id: int, data: dict | UserUpdate,
                version: int | None = None) -> UserRow:
    """`version`: the account's version the DPO saw (None: no check)."""
    require(session, actor, Capability.MANAGE_USERS, action="users.update", object_type="user",
            object_id=user_id)
    data = validate(UserUpdate, data)
    user = session.get(User, user_id)
    if user is None:
        raise NotAllowed()
    if user.id == actor.user_id and (data.role != Role.DPO or not data.active):
        raise problem("role", "users.cannot_demote_self")
    _check_departments(session, data.department_ids)
    entity_ids = list(_entities_of(session, user.id)) if data.entity_ids is None else data.entity_ids
    _check_entities(session, entity_ids, data.department_ids if data.role == Role.DEPARTMENT_HEAD else [])
    concurrency.bump(session, user, version, object_type="user", area="users")
    before = {"full_name": user.full_name, "email": user.email, "role": user.role,
              "active": user.active, "department_ids": list(_departments_of(session, user.id)),
              "entity_ids": list(_entities_of(session, user.id))}
    user.full_name, user.email = data.full_name.strip(), data.email.strip()
    user.role, user.active = data.role, data.active
    session.add(user)
    _set_departments(session, user.id, data.department_ids if data.role == Role.DEPARTMENT_HEAD else [])
    _set_entities(session, user.id, entity_ids)
    session.flush()
    after = {"full_name": user.full_name, "email": user.email, "role": user.role,
             "active": user.active, "department_ids": list(_departments_of(session, user.id)),
             "entity_ids": list(_entities_of(session, user.id))}
    if not user.active:
        auth.end_all_sessions(session, user.id)
    audit.record(session, actor, "users.update", object_type="user", object_id=user.id,
                 object_ref=user.username, details={"changes": audit.diff(before, after)})
    return get_user(session, actor, user.id)


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> None:
    """Set a temporary password (the user changes it at next log-in), end the user's
    sessions and stop the user's calendar feed URLs (a reset often means a leak)."""
    require(session, actor, Capability.MANAGE_USERS, action="users.reset_password",
            object_type="user", object_id=user_id)
    user = session.get(User, user_id)
    if user is None:
        raise NotAllowed()
    auth.check_password_policy(new_password, username=user.username, full_name=user.full_name)
    user.password_hash = auth.hash_password(new_password)
    user.must_change_password = actor.user_id != user.id  # the CLI (SYSTEM) too: the user chooses the next one
    session.add(user)
    auth.end_all_sessions(session, user.id)
    feeds = calendar_feed.revoke_all(session, user.id)
    audit.record(session, actor, "users.reset_password", object_type="user", object_id=user.id,
                 object_ref=user.username, details={"calendar_feeds_revoked": feeds} if feeds else None)


def find_user_id(session: Session, username: str) -> int | None:
    user = session.exec(select(User).where(User.username == auth.normalise_username(username))).first()
    return user.id if user else None


def _recent_password_attempts(session: Session, user_id: int) -> int:
    since = utcnow() - PASSWORD_CHANGE_WINDOW
    return session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(("users.change_own_password", "users.change_own_password_failed")),
        AuditEntry.object_type == "user", AuditEntry.object_id == user_id, AuditEntry.at >= since)).one()


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> int:
    """Change one's own password: the current one is required; the new one obeys the
    strength rule (CNIL délibération 2022-100, models.password_policy). At most
    PASSWORD_CHANGE_ATTEMPTS attempts in PASSWORD_CHANGE_WINDOW, each one an audit entry
    (a wrong current password is committed before it is refused, so that it counts). The
    user's other sessions end (a changed password often means a leaked one); the count is
    returned."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        deny(session, actor, action="users.change_own_password")
    if _recent_password_attempts(session, user.id) >= PASSWORD_CHANGE_ATTEMPTS:
        audit.record(session, actor, "users.change_own_password_throttled", object_type="user", object_id=user.id)
        session.commit()
        raise PasswordChangeThrottled(minutes=int(PASSWORD_CHANGE_WINDOW.total_seconds() // 60))
    if not auth.verify_password(user.password_hash, current):
        audit.record(session, actor, "users.change_own_password_failed", object_type="user", object_id=user.id,
                     details={"cause": "current_password_wrong"})
        session.commit()
        raise problem("current_password", "auth.current_password_wrong")
    if new == current:
        raise problem("new_password", "auth.password_unchanged")
    auth.check_password_policy(new, username=user.username, full_name=user.full_name, field="new_password")
    user.password_hash = auth.hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    session.add(user)
    ended = auth.end_all_sessions(session, user.id, keep=actor.session_id)
    audit.record(session, actor, "users.change_own_password", object_type="user", object_id=user.id,
                 details={"other_sessions_ended": ended})
    return ended


def set_own_language(session: Session, actor: Actor, language: str) -> None:
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None or language not in ("fr", "en"):
        return
    user.language = language
    session.add(user)


def must_change_password(session: Session, actor: Actor) -> bool:
    user = session.get(User, actor.user_id) if actor.user_id else None
    return bool(user and user.must_change_password)
