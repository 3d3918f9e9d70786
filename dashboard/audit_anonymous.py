"""Bounded audit entries for visitors who are not signed in (failed log-ins, attempts while
locked out, forged session cookies).

Every attempt is counted (table audit_burst, per action, source and 15-minute window); the
first PER_SOURCE attempts of a source, and at most PER_ACTION of all sources, get one chained
entry each. When the window has closed, what was only counted goes into the chain as summary
entries (`audit.anonymous_burst`: action, source, count, first and last time seen); past
SUMMARY_SOURCES sources in a window, one entry for the action sums them up and names the most
active sources. So a password-guessing or cookie-forging run of any size leaves a bounded
number of entries, and its size, time span and sources are kept (the counters stay in the
database; nothing is dropped). CNIL, recommandation relative aux mesures de journalisation
(délibération 2021-122): keep what is needed to detect and investigate an intrusion, in
proportion.
"""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from dashboard import audit, direct
from dashboard.kept import Kept
from models.audit import AuditHead
from models.audit_burst import AuditBurst
from models.types import as_utc, utcnow

WINDOW = timedelta(minutes=15)  # the lock-out's own window (five failures in 15 minutes)
PER_SOURCE = 5
PER_ACTION = 50
SUMMARY_SOURCES = 20
ALL = "*"


def window_start(now: datetime) -> datetime:
    now = as_utc(now)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def _counter(session: Session, action: str, source: str, start: datetime, now: datetime) -> AuditBurst:
    row = session.exec(select(AuditBurst).where(AuditBurst.action == action, AuditBurst.source == source,
                                                AuditBurst.window_start == start)).first()
    if row is None:
        row = AuditBurst(action=action, source=source, window_start=start, first_at=now, last_at=now)
    row.count += 1
    row.last_at = now
    return row


def record(session: Session, action: str, source: str, *, actor_name: str = "", object_type: str = "",
           object_id: int | None = None, details: dict | None = None, now: datetime | None = None) -> bool:
    """Count the attempt; write its own entry while under the bounds. Returns whether it did."""
    now = now or utcnow()
    # Writers of anonymous entries take the chain's head first: counters are updated one at a time.
    session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    summarise_closed(session, now)
    start = window_start(now)
    mine = _counter(session, action, (source or "?")[:80], start, now)
    every = _counter(session, action, ALL, start, now)
    alone = mine.logged < PER_SOURCE and every.logged < PER_ACTION
    if alone:
        mine.logged += 1
        every.logged += 1
        audit.record(session, None, action, actor_name=actor_name, object_type=object_type, object_id=object_id,
                     details=details or {})
    session.add(mine)
    session.add(every)
    session.flush()
    return alone


# Built once (the DPO's overview runs them on each rerun: issue 19); the instants are parameters.
# Those the overview runs on every rerun go below SQLAlchemy's execution (dashboard/direct.py: its
# IN lists fixed when built, hence a statement per list of actions): through SQLAlchemy's, the
# two came to more than the other alarms together.
_CLOSED = (select(AuditBurst).where(AuditBurst.summarised.is_(False), AuditBurst.window_start <= bindparam("closed"))
           .order_by(AuditBurst.action, AuditBurst.window_start, AuditBurst.count.desc()))
_ANY_CLOSED = (select(AuditBurst.id).where(AuditBurst.summarised.is_(False),
                                           AuditBurst.window_start <= bindparam("closed")).limit(1))
_attempts: Kept = Kept(16)  # per list of actions


def summarise_closed(session: Session, now: datetime | None = None) -> int:
    """Put the closed windows' counted-only attempts into the chain; returns the entries written."""
    now = now or utcnow()
    before = {"closed": window_start(now) - WINDOW}
    if not direct.execute(session, _ANY_CLOSED, before).all():  # most runs: nothing to summarise, one light look
        return 0
    closed = session.exec(_CLOSED, params=before).all()
    groups: dict[tuple[str, datetime], list[AuditBurst]] = {}
    for row in closed:
        groups.setdefault((row.action, as_utc(row.window_start)), []).append(row)
        row.summarised = True
        session.add(row)
    written = 0
    for (action, start), rows in groups.items():
        total = next((r for r in rows if r.source == ALL), None)
        unlogged = [r for r in rows if r.source != ALL and r.count > r.logged]
        if total is None or total.count == total.logged:
            continue
        window = {"action": action, "window_start": start.isoformat(), "window_minutes": int(WINDOW.seconds / 60)}
        if len(unlogged) <= SUMMARY_SOURCES:
            for row in unlogged:
                audit.record(session, None, "audit.anonymous_burst", actor_name=row.source, details={
                    **window, "source": row.source, "count": row.count, "logged_one_by_one": row.logged,
                    "first_at": as_utc(row.first_at).isoformat(), "last_at": as_utc(row.last_at).isoformat()})
                written += 1
        else:
            top = sorted(unlogged, key=lambda r: -r.count)[:SUMMARY_SOURCES]
            audit.record(session, None, "audit.anonymous_burst", actor_name=ALL, details={
                **window, "source": ALL, "count": total.count, "logged_one_by_one": total.logged,
                "sources": len([r for r in rows if r.source != ALL]),
                "first_at": as_utc(total.first_at).isoformat(), "last_at": as_utc(total.last_at).isoformat(),
                "most_active": {r.source: r.count for r in top}})
            written += 1
    return written


def attempts_since(session: Session, action: str, since: datetime) -> int:
    """Every attempt counted since `since` (whole windows), logged one by one or not."""
    return attempts_per_action(session, (action,), since).get(action, 0)


def attempts_per_action(session: Session, actions: tuple[str, ...], since: datetime) -> dict[str, int]:
    """`attempts_since` for several actions, in one statement (those without any are absent)."""
    statement = _attempts.get(tuple(actions), lambda: (
        select(AuditBurst.action, func.sum(AuditBurst.count))
        .where(AuditBurst.action.in_(list(actions)), AuditBurst.source == ALL,
               AuditBurst.window_start >= bindparam("since")).group_by(AuditBurst.action)))
    rows = direct.execute(session, statement, {"since": window_start(since)})
    return {action: int(count) for action, count in rows}
