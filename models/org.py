"""The organisation: legal entities (controllers), departments, users and their sessions."""

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.types import UTCDateTime, utcnow


class Entity(SQLModel, table=True):
    """A controller the DPO serves. Every case belongs to exactly one entity."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    legal_name: str = Field(max_length=300)
    address: str = Field(default="", max_length=500)
    registration_number: str = Field(default="", max_length=40)  # SIREN / RNA
    dpo_name: str = Field(default="", max_length=200)
    dpo_email: str = Field(default="", max_length=254)
    dpo_phone: str = Field(default="", max_length=40)
    dpo_address: str = Field(default="", max_length=500)
    # Who legally represents the controller (the CNIL's breach form asks for it beside the
    # contact; the controller signs its record of processing, Art. 30(1)).
    legal_representative: str = Field(default="", max_length=200)
    legal_representative_title: str = Field(default="", max_length=200)
    # Deadline and policy switches used by the case rules.
    alsace_moselle: bool = False  # two extra public holidays (Good Friday, 26 December)
    holds_health_records: bool = False  # French public-health-code access deadlines apply
    forbids_non_eu_transfers: bool = False  # the entity's policy: no transfers outside the EU
    internal_target_days: int = 30  # the organisation's own answer target (not the legal one)
    internal_target_days_complex: int = 60
    # The entity adopted the insurer's data-protection policy (seeds 001, "L'application de la
    # politique aux Tiers"): its processor contracts must carry the policy's eight points
    # (models.processor_clauses.POLICY_CLAUSES) on top of Art. 28(3).
    adopts_policy_clauses: bool = False
    active: bool = True
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # bumped by each edit (concurrency.bump)


class Department(SQLModel, table=True):
    """An internal department of one entity, that owns data and works the cases routed to it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    # The entity's id (no foreign-key constraint: migration 0031 explains why; the use case checks it).
    entity_id: int = Field(index=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    active: bool = True
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # bumped by each edit (concurrency.bump)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    role: str = Field(max_length=20)  # models.roles.Role
    password_hash: str = Field(max_length=255)
    language: str = Field(default="fr", max_length=2)
    active: bool = True
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # TOTP second factor (dashboard/mfa.py): the secret sealed with a key kept outside the
    # database ("" = none); the last time step accepted, so that a code is never used twice.
    totp_secret: str = Field(default="", max_length=255, sa_column_kwargs={"server_default": ""})
    totp_last_step: Optional[int] = None
    # Single sign-on (dashboard/sso.py): "issuer|subject" of the provider's account, "" for a local account.
    oidc_subject: str = Field(default="", max_length=500, index=True, sa_column_kwargs={"server_default": ""})
    # Bumped by the DPO's edits of the account only (not by log-ins or the user's own settings).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class UserDepartment(SQLModel, table=True):
    """Which departments a department head heads (and may therefore see)."""

    __tablename__ = "user_department"
    __table_args__ = (UniqueConstraint("user_id", "department_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)


class UserEntity(SQLModel, table=True):
    """The entities a user is limited to (a local correspondent). A user without any row
    works for the whole group; with rows, only these entities' cases are his."""

    __tablename__ = "user_entity"
    __table_args__ = (UniqueConstraint("user_id", "entity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)


class UserSession(SQLModel, table=True):
    """A server-side login session. The browser session holds only the random token,
    whose SHA-256 is stored here: a forged or stale token resolves to nobody."""

    __tablename__ = "user_session"

    id: Optional[int] = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    # Why it ended: "logout" (the user), "" otherwise (expired, disabled, ended by a password change).
    end_reason: str = Field(default="", max_length=20)


class LoginTicket(SQLModel, table=True):
    """A one-time, short-lived ticket between a successful log-in form and the launcher's
    /auth/session route, which exchanges it for a new session and its HttpOnly cookie.
    Bound to the browser that filled the form (hash of its pre-log-in cookie)."""

    __tablename__ = "login_ticket"

    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_sha256: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    browser_sha256: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed log-in attempts per user name, known or not (so that locking reveals
    nothing about which accounts exist)."""

    __tablename__ = "login_throttle"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    failures: int = 0
    first_failure_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    locked_until: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
