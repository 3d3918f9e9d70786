"""Putting mails in the outbox.

The use cases call `request_routed` and `breach_declared` inside their own unit of work:
the rows are committed with the action, or rolled back with it, and the worker sends
them. The worker's reminders go through `claim`, an INSERT ... ON CONFLICT DO NOTHING on
the outbox's unique key (event, case, threshold, recipient): whoever inserts the row
first owns the mail, so a reminder is sent at most once whatever the number of workers
or restarts.
"""

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from dashboard.auth import actor_for
from models import mail
from models.mail import MailOutbox, MailPreference
from models.org import User, UserDepartment
from models.roles import Role
from models.types import utcnow


def preferences(session: Session, user_ids: list[int]) -> dict[int, MailPreference]:
    if not user_ids:
        return {}
    rows = session.exec(select(MailPreference).where(MailPreference.user_id.in_(user_ids))).all()
    return {row.user_id: row for row in rows}


def wanted_by(session: Session, users: list[User], event: str) -> list[User]:
    """The users among `users` whose role receives `event` and who did not switch it off."""
    prefs = preferences(session, [u.id for u in users])
    return [u for u in users if u.active and mail.wants(
        u.role, prefs[u.id].disabled() if u.id in prefs else frozenset(), event)]


def claim(session: Session, *, event: str, case_type: str, case_id: int, case_reference: str, threshold: str,
          recipient: User, kind: str = "", due: str = "", now: datetime | None = None) -> bool:
    """Insert the outbox row for this (event, case, threshold, recipient) unless it exists;
    True when this call inserted it (and so owns the mail)."""
    values = {"event": event, "case_type": case_type, "case_id": case_id, "case_reference": case_reference,
              "threshold": threshold, "kind": kind, "due": due, "recipient_id": recipient.id,
              "recipient_email": recipient.email or "", "status": mail.PENDING, "attempts": 0,
              "created_at": now or utcnow(), "next_attempt_at": now or utcnow(), "claimed_by": "", "last_error": ""}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(MailOutbox).values(**values).on_conflict_do_nothing(
        index_elements=["event", "case_type", "case_id", "threshold", "recipient_id"]).returning(MailOutbox.id)
    return session.exec(statement).first() is not None  # a row comes back only when this call inserted it


def department_heads(session: Session, department_id: int) -> list[User]:
    return list(session.exec(select(User).join(UserDepartment, UserDepartment.user_id == User.id).where(
        UserDepartment.department_id == department_id, User.role == Role.DEPARTMENT_HEAD, User.active)
        .order_by(User.id)).all())


def request_routed(session: Session, request) -> int:
    """A request was routed to a department (at intake or by a reassignment): one mail to
    each of its heads. Returns how many were enqueued."""
    if request.department_id is None:
        return 0
    count = 0
    for head in wanted_by(session, department_heads(session, request.department_id), mail.REQUEST_ROUTED):
        count += claim(session, event=mail.REQUEST_ROUTED, case_type="dsr", case_id=request.id,
                       case_reference=request.reference, recipient=head, due=request.due_on.isoformat(),
                       threshold=f"department:{request.department_id}:v{request.version}")
    return count


def breach_declared(session: Session, breach) -> int:
    """A breach was declared: at once to the DPO and the legal team (the 72-hour clock) —
    a local correspondent only for a breach of his entities."""
    staff = [user for user in session.exec(select(User).where(User.role.in_([Role.DPO, Role.LEGAL]), User.active)
                                           .order_by(User.id)).all()
             if actor_for(session, user).covers_entity(breach.entity_id)]
    count = 0
    due = breach.notification_deadline.isoformat() if breach.notification_deadline else ""
    for person in wanted_by(session, staff, mail.BREACH_DECLARED):
        count += claim(session, event=mail.BREACH_DECLARED, case_type="breach", case_id=breach.id,
                       case_reference=breach.reference, threshold="declared", recipient=person, due=due)
    return count


def declaration_notice() -> str:
    """The catalogue key of the message shown after a breach is declared: the DPO and legal
    are mailed, or no mail server is configured (then say so, and to tell them)."""
    from dashboard.mail import smtp

    return "breach.declared" if smtp.settings_from_env().configured else "mail.breach_declared_unconfigured"

