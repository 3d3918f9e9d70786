"""The audit trail: append-only, hash-chained, keyed.

Each entry stores the hash of the previous one and its own hash over its content,
so that a row edited or deleted behind the application's back breaks the chain at
that position. `AuditHead` holds the sequence number and hash of the last entry:
appending updates it first, which serialises writers (row lock on PostgreSQL,
write lock on SQLite) and reveals entries deleted from the end of the chain.

From `AuditHead.keyed_from` on (migration 0015 marks the switch for an existing
chain), each hash is an HMAC-SHA256 under a key kept outside the database
(dashboard/audit_anchor.py): whoever can write to the database but not read the key
cannot recompute a hash. Entries before the switch keep their plain SHA-256.
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, as_utc

GENESIS_HASH = "0" * 64


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: Optional[int] = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: Optional[int] = Field(default=None, index=True)  # no FK: the trail outlives users
    actor_name: str = Field(default="", max_length=80)  # user name at the time
    actor_role: str = Field(default="", max_length=20)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(default="", max_length=40, index=True)
    object_id: Optional[int] = Field(default=None, index=True)
    object_ref: str = Field(default="", max_length=60, index=True)
    entity_id: Optional[int] = Field(default=None, index=True)
    reason: str = Field(default="", max_length=500)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """Single row (id = 1): the last sequence number and hash of the chain."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
    keyed_from: int = 1  # first sequence number hashed with the key; the database refuses to move it


def canonical_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields the hash covers, in a form that survives a database round trip."""
    return {
        "seq": entry.seq,
        "at": as_utc(entry.at).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_ref": entry.object_ref,
        "entity_id": entry.entity_id,
        "reason": entry.reason,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    """HMAC-SHA256 under `key`; plain SHA-256 without one (entries before the switch)."""
    text = json.dumps(canonical_payload(entry), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    if key is None:
        return hashlib.sha256(text).hexdigest()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def is_authentic(entry: AuditEntry, key: bytes | None, keyed_from: int) -> bool:
    """Whether the entry's stored hash matches its content (under the key from the
    switch on). A row too damaged to hash is not authentic."""
    try:
        expected = entry_hash(entry, key if entry.seq >= keyed_from else None)
        return hmac.compare_digest(expected, str(entry.hash))
    except Exception:  # noqa: BLE001 - a forged row may hold anything
        return False


def checkpoint_mac(fields: dict[str, Any], key: bytes) -> str:
    """The signature of a checkpoint line of the head (see dashboard/audit_anchor.py)."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hmac.new(key, text, hashlib.sha256).hexdigest()


class AuditPurgePermit(SQLModel, table=True):
    """Open only inside a retention purge (`manage.py purge-audit`): the triggers on
    audit_entry let a DELETE through for the entries up to `up_to_seq` while a row
    here says so. The purge inserts it and removes it in the same transaction, so no
    other connection ever sees it; on PostgreSQL only the owner may write it
    (dashboard/pg_roles.py)."""

    __tablename__ = "audit_purge_permit"

    id: int = Field(default=1, primary_key=True)
    up_to_seq: int = Field(default=0)
