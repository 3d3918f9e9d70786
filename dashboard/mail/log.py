"""The send log and its failures, for the DPO (page "Courriels", banner)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.mail import smtp
from dashboard.permissions import require
from models import mail
from models.mail import MailOutbox
from models.org import User
from models.roles import Capability

PAGE_SIZE = 50


@dataclass(frozen=True)
class LogRow:
    id: int
    created_at: datetime
    recipient: str  # the account's user name
    event: str
    case_reference: str
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    total: int
    configured: bool


def mail_log(session: Session, actor: Actor, failures_only: bool = False, page: int = 1,
             page_size: int = PAGE_SIZE) -> LogPage:
    """Newest first; `failures_only`: given up, without an address, or waiting to be tried
    again after an error."""
    require(session, actor, Capability.MANAGE_SETTINGS, action="mail.log")
    conditions = [_failing()] if failures_only else []
    total = session.exec(select(func.count()).select_from(MailOutbox).where(*conditions)).one()
    rows = session.exec(select(MailOutbox, User.username).join(User, User.id == MailOutbox.recipient_id)
                        .where(*conditions).order_by(MailOutbox.id.desc())
                        .offset((max(1, page) - 1) * page_size).limit(page_size)).all()
    return LogPage([LogRow(r.id, r.created_at, username, r.event, r.case_reference, r.status, r.attempts, r.sent_at,
                           r.last_error) for r, username in rows], total, smtp.settings_from_env().configured)


def _failing():
    return (MailOutbox.status.in_([mail.FAILED, mail.NO_ADDRESS])
            | ((MailOutbox.status == mail.PENDING) & (MailOutbox.last_error != "")))


def failure_count(session: Session, actor: Actor) -> int:
    """Mails given up (the DPO's banner); 0 for anyone who does not manage the settings."""
    if not actor.can(Capability.MANAGE_SETTINGS):
        return 0
    return session.exec(select(func.count()).select_from(MailOutbox).where(MailOutbox.status == mail.FAILED)).one()
