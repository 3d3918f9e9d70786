"""Retention of the audit trail: entries older than DPO_AUDIT_RETENTION_MONTHS are removed
by `manage.py purge-audit`, leaving the chain verifiable.

Source of the default (12 months): CNIL, délibération n° 2021-122 du 14 octobre 2021,
recommandation relative aux mesures de journalisation — logs are kept from six months to one
year, longer only where a legal obligation or a specific risk justifies it.

Purging never breaks the chain: it first appends an `audit.purge` anchor entry (itself chained)
naming the last entry removed — its position and hash — and how many were removed; then it
deletes that prefix. The verifier starts from the newest anchor: the first entry kept must
follow the anchored position and link to the anchored hash. A purge needs DELETE on
audit_entry, which the application's PostgreSQL role does not have (docs/postgresql.md): run it
as the owner.
"""

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from models.audit import GENESIS_HASH, AuditEntry
from models.types import utcnow

DEFAULT_MONTHS = 12
PURGE_ACTION = "audit.purge"


def retention_months() -> int:
    """DPO_AUDIT_RETENTION_MONTHS, at least 6 (the CNIL's lower bound)."""
    return max(6, int(os.environ.get("DPO_AUDIT_RETENTION_MONTHS", str(DEFAULT_MONTHS))))


@dataclass(frozen=True)
class PurgeReport:
    removed: int
    up_to_seq: int
    cutoff: datetime


def anchor(session: Session) -> tuple[int, str]:
    """(position, hash) of the last entry removed by the newest purge, or the chain's start."""
    details = session.exec(select(AuditEntry.details).where(AuditEntry.action == PURGE_ACTION)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if not details:
        return 0, GENESIS_HASH
    return int(details["up_to_seq"]), str(details["up_to_hash"])


def purge(session: Session, actor: Actor | None, months: int | None = None,
          now: datetime | None = None) -> PurgeReport:
    months = months or retention_months()
    cutoff = (now or utcnow()) - timedelta(days=round(months * 365.25 / 12))
    last = session.exec(select(AuditEntry).where(AuditEntry.at < cutoff).order_by(AuditEntry.seq.desc())
                        .limit(1)).first()
    if last is None:
        return PurgeReport(0, 0, cutoff)
    start, _ = anchor(session)
    removed = session.exec(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.seq > start, AuditEntry.seq <= last.seq)).one()
    audit.record(session, actor, PURGE_ACTION, details={
        "up_to_seq": last.seq, "up_to_hash": last.hash, "removed": removed, "before": cutoff.isoformat(),
        "retention_months": months})
    session.execute(delete(AuditEntry).where(AuditEntry.seq <= last.seq).execution_options(synchronize_session=False))
    return PurgeReport(removed, last.seq, cutoff)
