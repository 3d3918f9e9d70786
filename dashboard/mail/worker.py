"""The mail jobs run by `manage.py worker` (registered in dashboard/jobs).

- `schedule_reminders`: for every user who may receive reminders, the deadlines that user
  sees, read from the overview's sources (dashboard/overview/sources.py: the deadlines are
  defined there and in models/deadlines.py, never again here), each crossed threshold
  (models.mail.day_threshold / hour_threshold) claimed in the outbox;
- `schedule_digests`: the weekly digest of each department head and DPO;
- `deliver`: claims due outbox rows (compare-and-set, plus FOR UPDATE SKIP LOCKED on
  PostgreSQL) and sends them; a failure is tried again with back-off, then given up and
  shown to the DPO;
- `recover_interrupted`: a row left "sending" by a worker that died is never sent again
  (at most once): it is marked failed, for the DPO to see.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine, text, update
from sqlmodel import Session, select

from dashboard import db
from dashboard.auth import actor_for
from dashboard.mail import outbox, smtp
from dashboard.mail.compose import compose
from dashboard.overview.figures import headline
from dashboard.overview.scope import OverviewFilter
from dashboard.overview.sources import SOURCES, day_start
from dashboard.i18n import translate
from models import mail
from models.clock import paris_date
from models.mail import MailOutbox
from models.org import User
from models.roles import Role
from models.types import as_utc, utcnow

log = logging.getLogger("dpo_desk.mail")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:80]
BATCH = 50  # rows claimed at a time
MAX_BATCHES = 20  # per run of `deliver`: the rest waits for the next run
INTERRUPTED_AFTER = timedelta(minutes=15)
REMINDER_ROLES = (Role.DPO, Role.LEGAL, Role.DEPARTMENT_HEAD)
_SCHEDULE_LOCK = 0x6D61696C  # PostgreSQL advisory lock: one scheduling pass at a time ("mail")


def _event(kind: str, threshold: str) -> str:
    if kind == "dsr_answer":
        return mail.DSR_OVERDUE if threshold == mail.OVERDUE else mail.DSR_DEADLINE
    return mail.SOURCE_EVENTS[kind]


def _source_events(kind: str) -> set[str]:
    return {mail.DSR_DEADLINE, mail.DSR_OVERDUE} if kind == "dsr_answer" else {mail.SOURCE_EVENTS[kind]}


def _receives(user: User, disabled: frozenset[str], event: str, department_id: int | None) -> bool:
    if mail.wants(user.role, disabled, event):
        return True
    # A request no department was given is the DPO's own: its reminders go to the DPO.
    return (event == mail.DSR_DEADLINE and user.role == Role.DPO and department_id is None
            and event not in disabled)


def _write_lock(session: Session) -> None:
    """SQLite: take the write lock before reading, so that two workers queue up (busy
    timeout) instead of one failing to upgrade its read snapshot ("database is locked")."""
    if session.get_bind().dialect.name == "sqlite":
        session.exec(text("UPDATE mail_outbox SET attempts = attempts WHERE 0"))


def _exclusive(session: Session) -> bool:
    """Only one worker schedules at a time (the claims make it safe anyway; this saves the
    others the work). PostgreSQL: an advisory lock, released at commit; SQLite: the write lock."""
    if session.get_bind().dialect.name != "postgresql":
        _write_lock(session)
        return True
    return bool(session.exec(text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=_SCHEDULE_LOCK)).scalar())


def _recipients(session: Session, roles) -> list[User]:
    return list(session.exec(select(User).where(User.active, User.role.in_(list(roles))).order_by(User.id)).all())


def schedule_reminders(engine: Engine, now: datetime | None = None) -> int:
    """Claim every reminder due at `now`; returns how many were claimed by this call."""
    now = as_utc(now) if now else utcnow()
    today = mail.today_in_paris(now)
    claimed = 0
    with db.unit_of_work(engine) as session:
        if not _exclusive(session):
            return 0
        users = _recipients(session, REMINDER_ROLES)
        prefs = outbox.preferences(session, [u.id for u in users])
        flt = OverviewFilter(now=now)
        for user in users:
            disabled = prefs[user.id].disabled() if user.id in prefs else frozenset()
            actor = actor_for(session, user)
            for src in SOURCES:
                if not any(_receives(user, disabled, e, None) for e in _source_events(src.kind)):
                    continue
                shape = src.build(session, actor, flt)
                if shape.paris_day:  # an instant judged on its Paris day: reminded in days
                    window = (shape.due >= day_start(today - timedelta(days=mail.OVERDUE_WINDOW_DAYS)),
                              shape.due < day_start(today + timedelta(days=max(mail.DAY_THRESHOLDS) + 1)))
                elif shape.instant:
                    window = (shape.due >= now - timedelta(days=mail.OVERDUE_WINDOW_DAYS),
                              shape.due <= now + timedelta(hours=max(mail.HOUR_THRESHOLDS)))
                else:
                    window = (shape.due >= today - timedelta(days=mail.OVERDUE_WINDOW_DAYS),
                              shape.due <= today + timedelta(days=max(mail.DAY_THRESHOLDS)))
                rows = session.exec(shape.query.where(*window).order_by(
                    shape.due, shape.query.selected_columns.case_id)).all()
                for row in rows:
                    if shape.paris_day:
                        threshold = mail.day_threshold(paris_date(row.due), today)
                        due = paris_date(row.due).isoformat()
                    elif shape.instant:
                        threshold = mail.hour_threshold(row.due, now)
                        due = as_utc(row.due).isoformat()
                    else:
                        threshold = mail.day_threshold(row.due, today)
                        due = row.due.isoformat()
                    if threshold is None:
                        continue
                    event = _event(src.kind, threshold)
                    if not _receives(user, disabled, event, row.department_id):
                        continue
                    claimed += outbox.claim(session, event=event, case_type=src.case_type, case_id=row.case_id,
                                            case_reference=row.reference, threshold=f"{src.kind}:{threshold}:{due}",
                                            recipient=user, kind=src.kind, due=due, now=now)
    return claimed


def schedule_digests(engine: Engine, now: datetime | None = None) -> int:
    """Claim this week's digest of every department head and DPO who wants one."""
    now = as_utc(now) if now else utcnow()
    week = mail.digest_week(now)
    if week is None:
        return 0
    claimed = 0
    with db.unit_of_work(engine) as session:
        _write_lock(session)
        users = outbox.wanted_by(session, _recipients(session, (Role.DPO, Role.DEPARTMENT_HEAD)), mail.DIGEST)
        for user in users:
            claimed += outbox.claim(session, event=mail.DIGEST, case_type="digest", case_id=0, case_reference="",
                                    threshold=week, recipient=user, now=now)
    return claimed


def _claim_due(engine: Engine, now: datetime) -> list[int]:
    """Take up to BATCH due rows for this worker. The conditional UPDATE is the claim (one
    winner per row on any database); SKIP LOCKED lets PostgreSQL workers share the queue."""
    with db.unit_of_work(engine) as session:
        _write_lock(session)
        query = (select(MailOutbox.id).where(MailOutbox.status == mail.PENDING, MailOutbox.next_attempt_at <= now)
                 .order_by(MailOutbox.id).limit(BATCH))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        mine = []
        for row_id in session.exec(query).all():
            taken = session.exec(update(MailOutbox).where(MailOutbox.id == row_id, MailOutbox.status == mail.PENDING)
                                 .values(status=mail.SENDING, claimed_by=WORKER_ID, next_attempt_at=now,
                                         attempts=MailOutbox.attempts + 1))
            if taken.rowcount == 1:
                mine.append(row_id)
    return mine


def _digest_lines(session: Session, user: User, language: str, now: datetime) -> list[str]:
    counts = headline(session, actor_for(session, user), OverviewFilter(now=now))
    lines = []
    for kind in counts.kinds.values():
        if kind.late or kind.soon:
            lines.append(translate("mail.digest.line", language, kind=translate(f"overview.kind.{kind.kind}", language),
                                   late=kind.late, soon=kind.soon))
    return lines


def _finish(engine: Engine, row_id: int, **values) -> None:
    with db.unit_of_work(engine) as session:
        _write_lock(session)
        session.exec(update(MailOutbox).where(MailOutbox.id == row_id).values(**values))


def _deliver_one(engine: Engine, row_id: int, settings: smtp.SmtpSettings, base_url: str, now: datetime) -> str:
    with db.unit_of_work(engine) as session:
        row = session.get(MailOutbox, row_id)
        user = session.get(User, row.recipient_id)
        if user is None or not user.active:
            status, values = mail.CANCELLED, {"last_error": "recipient_inactive"}
        elif not user.email:
            status, values = mail.NO_ADDRESS, {}
        elif not settings.configured:
            status, values = mail.NOT_CONFIGURED, {}
        else:
            status, values = "", {}
            pref = outbox.preferences(session, [user.id]).get(user.id)
            language = pref.language if pref else user.language
            lines = _digest_lines(session, user, language, now) if row.event == mail.DIGEST else None
            message = compose(row, language, base_url, lines)
            address, attempts = user.email, row.attempts
    if status:
        _finish(engine, row_id, status=status, **values)
        return status
    try:
        smtp.send(settings, address, message.subject, message.body)
    except (OSError, smtp.smtplib.SMTPException) as error:
        retry_at = mail.next_attempt(attempts, utcnow())
        reason = f"{type(error).__name__}: {error}"[:500]
        if retry_at is None:
            _finish(engine, row_id, status=mail.FAILED, last_error=reason, recipient_email=address)
            return mail.FAILED
        _finish(engine, row_id, status=mail.PENDING, next_attempt_at=retry_at, last_error=reason,
                recipient_email=address)
        return mail.PENDING
    _finish(engine, row_id, status=mail.SENT, sent_at=utcnow(), last_error="", recipient_email=address)
    return mail.SENT


def deliver(engine: Engine, now: datetime | None = None, settings: smtp.SmtpSettings | None = None,
            base_url: str | None = None) -> dict[str, int]:
    """Send what is due; returns how many mails ended in each status."""
    now = as_utc(now) if now else utcnow()
    settings = settings or smtp.settings_from_env()
    base_url = smtp.public_url() if base_url is None else base_url
    outcome: dict[str, int] = {}
    for _ in range(MAX_BATCHES):  # batch after batch, until nothing is due (or the next run)
        claimed = _claim_due(engine, now)
        for row_id in claimed:
            try:
                status = _deliver_one(engine, row_id, settings, base_url, now)
            except Exception as error:  # a bug must not leave the rest of the batch claimed and unsent
                log.exception("mail %s could not be prepared", row_id)
                status = mail.FAILED
                _finish(engine, row_id, status=status, last_error=f"{type(error).__name__}: {error}"[:500])
            outcome[status] = outcome.get(status, 0) + 1
        if len(claimed) < BATCH:
            break
    return outcome


def recover_interrupted(engine: Engine, now: datetime | None = None) -> int:
    """Rows claimed more than INTERRUPTED_AFTER ago and still "sending": their worker died
    mid-send. Never sent again (it may have gone out): failed, for the DPO to check."""
    now = as_utc(now) if now else utcnow()
    with db.unit_of_work(engine) as session:
        result = session.exec(update(MailOutbox).where(
            MailOutbox.status == mail.SENDING, MailOutbox.next_attempt_at < now - INTERRUPTED_AFTER)
            .values(status=mail.FAILED, last_error="interrupted"))
        return result.rowcount


def tick(engine: Engine, now: datetime | None = None, settings: smtp.SmtpSettings | None = None,
         base_url: str | None = None) -> dict[str, int]:
    """Every mail job once, in order (tests, and `manage.py worker --once`)."""
    recover_interrupted(engine, now)
    schedule_reminders(engine, now)
    schedule_digests(engine, now)
    return deliver(engine, now, settings, base_url)
