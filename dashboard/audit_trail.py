"""Reading the audit trail: for the DPO and auditors only."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.permissions import require
from models.audit import AuditEntry
from models.clock import PARIS
from models.roles import Capability


@dataclass(frozen=True)
class TrailFilter:
    text: str = ""  # user name, action, reference or reason, case-insensitive
    action_prefix: str = ""
    date_from: date | None = None  # Paris calendar days, inclusive
    date_to: date | None = None


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    total: int
    page: int
    page_size: int


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


def _conditions(flt: TrailFilter) -> list:
    conditions = []
    if flt.text.strip():
        pattern = f"%{flt.text.strip().lower()}%"
        conditions.append(or_(func.lower(AuditEntry.actor_name).like(pattern),
                              func.lower(AuditEntry.action).like(pattern),
                              func.lower(AuditEntry.object_ref).like(pattern),
                              func.lower(AuditEntry.reason).like(pattern)))
    if flt.action_prefix:
        conditions.append(AuditEntry.action.startswith(flt.action_prefix))
    if flt.date_from:
        conditions.append(AuditEntry.at >= _paris_midnight(flt.date_from))
    if flt.date_to:
        conditions.append(AuditEntry.at < _paris_midnight(flt.date_to + timedelta(days=1)))
    return conditions


def count(session: Session, actor: Actor, flt: TrailFilter) -> int:
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.search")
    return session.exec(select(func.count()).select_from(AuditEntry).where(*_conditions(flt))).one()


def search(session: Session, actor: Actor, flt: TrailFilter, page: int = 1, page_size: int = 50) -> TrailPage:
    total = count(session, actor, flt)
    conditions = _conditions(flt)
    page = max(1, page)
    entries = session.exec(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.seq.desc())
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return TrailPage(list(entries), total, page, page_size)


def verify(session: Session, actor: Actor) -> audit.ChainReport:
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.verify")
    report = audit.verify_chain(session)
    audit.record(session, actor, "audit.verify", details={"intact": report.intact, "checked": report.checked,
                                                          "broken_seq": report.broken_seq})
    return report
