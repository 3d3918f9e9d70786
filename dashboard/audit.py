"""Append to and verify the hash-chained audit trail (see models/audit.py and
dashboard/audit_anchor.py for its key and checkpoints)."""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from dashboard import audit_anchor, case_keys
from dashboard.actor import Actor
from dashboard.audit_anchor import Checkpoint
from dashboard.errors import AuditKeyMissing
from models.audit import GENESIS_HASH, AuditEntry, AuditHead, entry_hash, is_authentic
from models.own_retention import AuditSealed
from models.types import utcnow

log = logging.getLogger("dpo_desk.audit")


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


def _last_row(session: Session) -> tuple[int, str] | None:
    """The real last entry, whatever the head says (a row may have been slipped in)."""
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    if row is None or not isinstance(row[0], int):
        return None
    return row[0], str(row[1])


def _claim(session: Session):
    """Claim the next position: this locks the head row until commit."""
    return session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash, AuditHead.keyed_from)
        .execution_options(synchronize_session=False)
    ).first()


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
    personal: dict[str, Any] | None = None,
    personal_case: tuple[str, int] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction: it commits or rolls back with
    the change it describes. A row slipped in behind the head does not stop the
    recording: the entry chains from the real last row (the verifier reports the
    foreign one).

    `personal`: the part of the details that holds a person's data (free texts of a
    case), sealed under the key of `personal_case` (dashboard/case_keys.py): stored in
    `audit_sealed`, while the entry's details hold only {"sealed": {"sha256", "key"}}.
    The chain hashes that stable part: when the retention job destroys the case's key,
    the sealed part becomes unreadable and the chain still verifies."""
    details = dict(details or {})
    if personal and personal_case is not None:
        sealed = _seal(session, personal_case, personal)
        if sealed is not None:
            details["sealed"] = sealed
    claimed = _claim(session)
    if claimed is None:  # the head was deleted behind the app's back: rebuilt on the last row
        log.error("audit trail: head row missing; rebuilt on the last entry")
        last = _last_row(session) or (0, GENESIS_HASH)
        session.add(AuditHead(id=1, seq=last[0], hash=last[1], keyed_from=1))
        session.flush()
        claimed = _claim(session)
    seq, prev_hash, keyed_from = claimed
    last = _last_row(session)
    if last is not None and last[0] >= seq:
        log.error("audit trail: entry %s found beyond the head (%s); chaining after it", last[0], seq - 1)
        seq, prev_hash = last[0] + 1, last[1]
    key = audit_anchor.chain_key(keyed_entries_exist=seq > keyed_from)
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
        details=json_safe(details),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry, key if seq >= keyed_from else None)
    session.add(entry)
    session.flush()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=seq, hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    if seq % audit_anchor.CHECKPOINT_EVERY == 0:
        audit_anchor.after_commit(session, Checkpoint(seq, entry.hash, keyed_from, audit_anchor.now()), key)
    return entry


SEALED_PURPOSE = "audit.sealed"


def _seal(session: Session, case: tuple[str, int], personal: dict[str, Any]) -> dict[str, Any] | None:
    plain = json.dumps(json_safe(personal), sort_keys=True, ensure_ascii=False).encode("utf-8")
    try:
        envelope = case_keys.seal(session, case[0], case[1], SEALED_PURPOSE, plain)
    except case_keys.Shredded:  # the case was pseudonymised: its personal data are not kept any more
        return None
    digest = hashlib.sha256(envelope).hexdigest()
    session.add(AuditSealed(key_id=case_keys.key_id_of(envelope), envelope=envelope, sha256=digest))
    return {"sha256": digest, "key": case_keys.key_id_of(envelope), "case": [case[0], case[1]]}


def open_sealed(session: Session, entry: AuditEntry) -> dict[str, Any] | None:
    """The sealed personal part of an entry (None when it has none). case_keys.Shredded
    once its case's key was destroyed; case_keys.Tampered when the stored envelope is not
    the one the chained entry names, or does not open under its case's key."""
    sealed = (entry.details or {}).get("sealed") if isinstance(entry.details, dict) else None
    if not isinstance(sealed, dict):
        return None
    row = session.exec(select(AuditSealed).where(AuditSealed.sha256 == str(sealed.get("sha256")))).first()
    if row is None or hashlib.sha256(bytes(row.envelope)).hexdigest() != sealed.get("sha256"):
        raise case_keys.Tampered(what=f"audit {entry.seq}")
    case_type, case_id = sealed.get("case", [None, None])
    plain = case_keys.open_envelope(session, bytes(row.envelope), SEALED_PURPOSE, case_type, case_id)
    return json.loads(plain)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_seq: int | None = None  # first position where the chain breaks
    problem: str = ""  # catalogue key: audit.chain.altered / .missing / .truncated / .rewound / ...
    from_seq: int = 0  # the checkpoint the verification started from (0: the beginning)
    head_seq: int = 0  # the last entry verified, and its hash
    head_hash: str = GENESIS_HASH


def _broken(checked: int, seq: int | None, problem: str, from_seq: int = 0) -> ChainReport:
    log.error("audit trail: %s at entry %s", problem, seq)
    return ChainReport(False, checked, seq, problem, from_seq)


def _entries_after(session: Session, after: int, batch: int):
    """Entries in order from `after` on; a row that cannot even be read is yielded as
    (seq, None) instead of stopping the walk."""
    last = after
    while True:
        try:
            rows = session.exec(select(AuditEntry).where(AuditEntry.seq > last)
                                .order_by(AuditEntry.seq).limit(batch)).all()
            pairs = [(row.seq, row) for row in rows]
        except Exception:  # noqa: BLE001 - a forged row may hold values no type accepts
            seqs = session.exec(select(AuditEntry.seq).where(AuditEntry.seq > last)
                                .order_by(AuditEntry.seq).limit(batch)).all()
            pairs = [(seq, _entry_at(session, seq)) for seq in seqs]
        if not pairs:
            return
        yield from pairs
        last = pairs[-1][0]
        for _, row in pairs:
            if row is not None and row in session:
                session.expunge(row)  # a long chain is walked in constant memory


def _entry_at(session: Session, seq: int) -> AuditEntry | None:
    """The entry at `seq`, or None when it is missing or unreadable."""
    try:
        return session.exec(select(AuditEntry).where(AuditEntry.seq == seq)).first()
    except Exception:  # noqa: BLE001 - a forged row may hold values no type accepts
        return None


def verify_chain(session: Session, batch: int = 5000, *, full: bool = False, checkpoint: bool = True) -> ChainReport:
    """Walk the chain from the last checkpoint (from the beginning when `full` or
    without one); report the first entry whose content, link or position does not
    match, a head behind the last checkpoint, or a checkpoint that no longer matches.
    When intact (and `checkpoint`), a checkpoint of the verified head is written once
    the session commits."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash, keyed_from = (head.seq, head.hash, head.keyed_from) if head else (0, GENESIS_HASH, 1)
    last_row = _last_row(session)
    try:
        key = audit_anchor.chain_key(keyed_entries_exist=max(head_seq, last_row[0] if last_row else 0) >= keyed_from)
    except AuditKeyMissing:
        return _broken(0, keyed_from, "audit.chain.key_missing")
    database = audit_anchor.database_label(session)
    checkpoints = audit_anchor.read(database, key, whole=full)
    if checkpoints.forged:
        return _broken(0, None, "audit.chain.checkpoint_forged")
    anchor, floor = checkpoints.last, checkpoints.floor
    floor_seq = floor.seq if floor else 0
    if anchor is not None and anchor.keyed_from != keyed_from:
        return _broken(0, keyed_from, "audit.chain.switch_moved")
    top = max(anchor.seq if anchor else 0, floor_seq)
    if top and max(head_seq, last_row[0] if last_row else 0) < top:
        return _broken(0, (last_row[0] if last_row else 0) + 1, "audit.chain.rewound", top)
    expected = {cp.seq: cp.hash for cp in checkpoints.valid if cp.seq > floor_seq} if full else {}
    purge_to_find = None
    if (full or anchor is None or anchor.seq <= floor_seq) and floor is not None:
        # entries up to the signed purge anchor were removed on purpose (manage.py purge-audit):
        # the chain starts after it, and must hold the audit.purge entry that names it
        expected_prev, expected_seq, from_seq = floor.hash, floor.seq + 1, floor.seq
        purge_to_find = (floor.seq, floor.hash)
    elif full or anchor is None:
        expected_prev, expected_seq, from_seq = GENESIS_HASH, 1, 0
    else:
        start = _entry_at(session, anchor.seq)
        if start is None:
            return _broken(0, anchor.seq, "audit.chain.missing", anchor.seq)
        if start.hash != anchor.hash or not is_authentic(start, key, keyed_from):
            return _broken(0, anchor.seq, "audit.chain.checkpoint_mismatch", anchor.seq)
        expected_prev, expected_seq, from_seq = anchor.hash, anchor.seq + 1, anchor.seq
    checked = 0
    for seq, entry in _entries_after(session, from_seq, batch):
        if seq != expected_seq:
            return _broken(checked, expected_seq, "audit.chain.missing", from_seq)
        if entry is None or entry.prev_hash != expected_prev or not is_authentic(entry, key, keyed_from):
            return _broken(checked, seq, "audit.chain.altered", from_seq)
        if seq in expected and expected[seq] != entry.hash:
            return _broken(checked, seq, "audit.chain.checkpoint_mismatch", from_seq)
        if purge_to_find and entry.action == PURGE_ACTION and _purge_named(entry) == purge_to_find:
            purge_to_find = None
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    if head_seq != last_seq or head_hash != expected_prev:
        return _broken(checked, last_seq + 1, "audit.chain.truncated", from_seq)
    if purge_to_find:  # a signed purge anchor that no purge in the chain accounts for
        return _broken(checked, purge_to_find[0], "audit.chain.purge_unrecorded", from_seq)
    if checkpoint and last_seq > (anchor.seq if anchor else 0):
        audit_anchor.after_commit(session, Checkpoint(last_seq, expected_prev, keyed_from, audit_anchor.now()), key)
    return ChainReport(True, checked, from_seq=from_seq, head_seq=last_seq, head_hash=expected_prev)


PURGE_ACTION = "audit.purge"


def _purge_named(entry: AuditEntry) -> tuple[int, str] | None:
    details = entry.details if isinstance(entry.details, dict) else {}
    try:
        return int(details["up_to_seq"]), str(details["up_to_hash"])
    except (KeyError, TypeError, ValueError):
        return None


def anchor_restored(session: Session) -> None:
    """After a backup is restored: a "restore" checkpoint of its head, from which the
    next verifications start (the checkpoints of the replaced database are history)."""
    head = session.get(AuditHead, 1)
    if head is None:
        return
    key = audit_anchor.chain_key(keyed_entries_exist=head.seq >= head.keyed_from)
    audit_anchor.append(audit_anchor.database_label(session),
                        Checkpoint(head.seq, head.hash, head.keyed_from, audit_anchor.now(), "restore"), key)


def count_entries(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()
