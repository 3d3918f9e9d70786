"""Retention of the audit trail (issue 14 item 8): `manage.py purge-audit`.

The trail is kept `DPO_AUDIT_RETENTION_MONTHS` months (default 12, never less than 6):
the CNIL's recommendation on logging (délibération n° 2021-122 du 14 octobre 2021,
recommandation relative à la journalisation) is to keep the traces for six months to one
year. Older entries are removed by a deliberate maintenance command run by the database
owner, never by the application:

1. the whole chain is verified first (a broken trail is evidence: nothing is purged);
2. an `audit.purge` entry naming the last removed entry (its seq and hash) is recorded
   and committed;
3. a signed "purge" checkpoint of that entry is appended to the checkpoint file
   (dashboard/audit_anchor.py): from then on verification starts after it and still
   detects truncation, rewinds and alterations of what remains; a purge line that is not
   signed with the key, or that no `audit.purge` entry of the chain names, is reported;
4. in one transaction, a row of `audit_purge_permit` opens the purge, the entries up to the
   bound are deleted (the triggers let a DELETE through only for seq <= the permitted
   bound) and the permit is removed: no other connection ever sees it open. On PostgreSQL
   only the owner may write the permit (dashboard/pg_roles.py); the app role has no DELETE.
"""

import getpass
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, text
from sqlmodel import Session, select

from dashboard import audit, audit_anchor, config, db
from dashboard.actor import SYSTEM
from dashboard.audit_anchor import Checkpoint
from models.audit import AuditEntry, AuditHead, AuditPurgePermit
from models.errors import RuleViolation
from models.types import as_utc, utcnow

MIN_MONTHS = 6  # CNIL délibération 2021-122: six months to one year
DEFAULT_MONTHS = 12


def retention_months(value: str | int | None = None) -> int:
    """The retention asked for (`--months`, else DPO_AUDIT_RETENTION_MONTHS, else 12);
    fewer than 6 months, or not a whole number, is refused."""
    raw = value if value is not None else config.audit_retention_months()
    try:
        months = int(str(raw).strip())
    except ValueError:
        raise RuleViolation("audit.purge.months_invalid", value=raw) from None
    if months < MIN_MONTHS:
        raise RuleViolation("audit.purge.months_too_low", months=months, minimum=MIN_MONTHS)
    return months


def months_before(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days))


@dataclass(frozen=True)
class PurgePlan:
    months: int
    cutoff: datetime  # entries recorded before it go
    count: int = 0  # entries that would go
    first_seq: int | None = None
    up_to_seq: int | None = None  # the last entry that would go, its hash and date
    up_to_hash: str = ""
    up_to_at: datetime | None = None


def plan(session: Session, months: int, now: datetime | None = None) -> PurgePlan:
    """What a purge keeping `months` months would remove: the entries before the first
    one recorded since the cut-off (a prefix of the chain, never a gap in it)."""
    cutoff = months_before(as_utc(now or utcnow()), months)
    first_kept = session.exec(select(func.min(AuditEntry.seq)).where(AuditEntry.at >= cutoff)).one()
    bound = (first_kept - 1) if first_kept is not None else session.exec(select(func.max(AuditEntry.seq))).one()
    if not bound:
        return PurgePlan(months, cutoff)
    last = session.exec(select(AuditEntry).where(AuditEntry.seq <= bound).order_by(AuditEntry.seq.desc())).first()
    if last is None:
        return PurgePlan(months, cutoff)
    count = session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= bound)).one()
    first = session.exec(select(func.min(AuditEntry.seq))).one()
    return PurgePlan(months, cutoff, count, first, last.seq, last.hash, last.at)


def _can_open_a_purge(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: whoever may write the file is its owner
    return bool(session.execute(text(
        "SELECT has_table_privilege('audit_purge_permit', 'INSERT') "
        "AND has_table_privilege('audit_entry', 'DELETE')")).scalar_one())


def purge(engine, months: int, *, now: datetime | None = None) -> PurgePlan:
    """Remove the entries older than `months` months (see the module's docstring);
    returns what was removed. Raises RuleViolation when the chain is broken or the
    connected role is not the owner."""
    with db.new_session(engine) as session:
        if not _can_open_a_purge(session):
            raise RuleViolation("audit.purge.not_owner")
        report = audit.verify_chain(session, full=True, checkpoint=False)
        if not report.intact:
            raise RuleViolation("audit.purge.chain_broken", problem=report.problem, seq=report.broken_seq)
        todo = plan(session, months, now)
    if not todo.count:
        return todo
    with db.unit_of_work(engine) as session:  # 1. the purge is in the trail before anything goes
        audit.record(session, SYSTEM, audit.PURGE_ACTION, actor_name=f"system ({getpass.getuser()})",
                     details={"months": months, "cutoff": todo.cutoff, "removed": todo.count,
                              "first_seq": todo.first_seq, "up_to_seq": todo.up_to_seq,
                              "up_to_hash": todo.up_to_hash, "up_to_at": todo.up_to_at})
    with db.new_session(engine) as session:  # 2. the signed anchor the chain starts from afterwards
        head = session.get(AuditHead, 1)
        keyed_from = head.keyed_from if head else 1
        key = audit_anchor.chain_key(keyed_entries_exist=True)
        audit_anchor.append(audit_anchor.database_label(session),
                            Checkpoint(todo.up_to_seq, todo.up_to_hash, keyed_from, audit_anchor.now(), "purge"), key)
    with db.unit_of_work(engine) as session:  # 3. permit, delete, close: one transaction
        session.add(AuditPurgePermit(id=1, up_to_seq=todo.up_to_seq))
        session.flush()
        session.execute(delete(AuditEntry).where(AuditEntry.seq <= todo.up_to_seq)
                        .execution_options(synchronize_session=False))
        session.execute(delete(AuditPurgePermit))
    return todo
