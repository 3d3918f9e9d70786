"""Append to and verify the hash-chained audit trail (see models/audit.py)."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from dashboard.actor import Actor
from models.audit import GENESIS_HASH, AuditEntry, AuditHead, entry_hash
from models.types import utcnow


def json_safe(value: Any) -> Any:
    """Details as they will read back from a JSON column (so the hash still matches)."""

    def default(obj):
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, (Enum,)):
            return obj.value
        if isinstance(obj, (Decimal, set, frozenset, tuple)):
            return list(obj) if not isinstance(obj, Decimal) else str(obj)
        return str(obj)

    return json.loads(json.dumps(value, default=default, ensure_ascii=False))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}, for the "before and after" of an edit."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    object_ref: str = "",
    entity_id: int | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction: it commits or rolls back with
    the change it describes."""
    # Claim the next position first: this locks the head row until commit.
    claimed = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        raise RuntimeError("audit_head row missing: database not initialised")
    seq, prev_hash = claimed
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor_id=actor.user_id if actor else None,
        actor_name=actor_name if actor_name is not None else (actor.username if actor else ""),
        actor_role=str(actor.role) if actor else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_ref=object_ref,
        entity_id=entity_id,
        reason=reason[:500],
        details=json_safe(details or {}),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    return entry


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_seq: int | None = None  # first position where the chain breaks
    problem: str = ""  # catalogue key: audit.chain.altered / .missing / .truncated


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first entry whose content, link or
    position does not match. After a purge (dashboard/audit_retention.py) the walk starts
    at the position and hash its anchor entry names."""
    from dashboard.audit_retention import anchor

    last_seq, expected_prev = anchor(session)
    expected_seq = last_seq + 1
    checked = 0
    while True:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, "audit.chain.missing")
            if entry.prev_hash != expected_prev or entry_hash(entry) != entry.hash:
                return ChainReport(False, checked, entry.seq, "audit.chain.altered")
            expected_prev = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return ChainReport(False, checked, last_seq + 1, "audit.chain.truncated")
    return ChainReport(True, checked)


def count_entries(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()
