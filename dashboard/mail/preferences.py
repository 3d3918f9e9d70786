"""Each user's choice of e-mail notifications (the account page): which events, the
weekly digest or not, and the language of the mails. Only the events of the user's role
are offered; no row means every one of them, in the account's language."""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.validation import from_pydantic
from models import mail
from models.mail import MailPreference
from models.org import User
from models.types import utcnow


@dataclass(frozen=True)
class MailPreferences:
    offered: tuple[str, ...]  # the role's events, in models.mail.EVENTS order
    enabled: frozenset[str]
    language: str
    has_address: bool


class PreferenceInput(BaseModel):
    enabled: list[str]
    language: Literal["fr", "en"]

    @field_validator("enabled")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        if any(event not in mail.EVENTS for event in value):
            raise PydanticCustomError("mail.prefs.unknown_event", "unknown event")
        return value


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotAllowed()
    return user


def _offered(role: str) -> tuple[str, ...]:
    events = mail.ROLE_EVENTS.get(role, frozenset())
    return tuple(e for e in mail.EVENTS if e in events)


def own_preferences(session: Session, actor: Actor) -> MailPreferences:
    user = _user(session, actor)
    row = session.exec(select(MailPreference).where(MailPreference.user_id == user.id)).first()
    offered = _offered(user.role)
    disabled = row.disabled() if row else frozenset()
    return MailPreferences(offered, frozenset(offered) - disabled, row.language if row else user.language,
                           bool(user.email))


def save_preferences(session: Session, actor: Actor, data: dict | PreferenceInput) -> MailPreferences:
    user = _user(session, actor)
    try:
        choice = data if isinstance(data, PreferenceInput) else PreferenceInput.model_validate(data)
    except ValueError as error:
        raise from_pydantic(error) from error
    offered = _offered(user.role)
    disabled = sorted(set(offered) - set(choice.enabled))
    row = session.exec(select(MailPreference).where(MailPreference.user_id == user.id)).first()
    before = {"disabled": sorted(row.disabled()) if row else [], "language": row.language if row else user.language}
    if row is None:
        row = MailPreference(user_id=user.id)
    row.disabled_events = ",".join(disabled)
    row.language = choice.language
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    after = {"disabled": disabled, "language": choice.language}
    audit.record(session, actor, "mail.preferences", object_type="app_user", object_id=user.id,
                 details={"changes": audit.diff(before, after)})
    return own_preferences(session, actor)
