"""Per-case keys for crypto-shredding (issue 17 part 3, docs/security.md "Case keys").

The personal parts DPO Desk cannot delete — documents in the immutable evidence
registry, sealed parts of audit entries in the hash chain — are encrypted with
AES-256-GCM under a key of their case (`case_key` table). Each case key is stored
wrapped (AES-256-GCM again) by the master key kept outside the database
(`DPO_CASE_MASTER_KEY_FILE`, default `<DPO_DATA_DIR>/case-master.key`, 32 random bytes in
hex, mode 0600): a database dump alone reveals no content. At the end of the retention
period the wrapped key is erased (`destroy`): the ciphertext stays, byte for byte, its
SHA-256 still verifies, and nobody can read it any more.

Envelope (what is stored): b"DPE1" | key id (8 bytes, big endian) | nonce (12) |
ciphertext+tag. The associated data binds the envelope to its purpose (e.g.
"evidence:DOC-2026-0001") and to its case, and the wrapped key to its case
("case_key:dsr:42"): an envelope moved to another document, or a wrapped key moved to
another case, fails authentication and is reported as altered (`Tampered`), never
decrypted into the wrong place.
"""

import logging
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dashboard import audit_anchor, config
from dashboard.i18n import KeyList
from models.errors import DomainError
from models.own_retention import CaseKey
from models.types import utcnow

log = logging.getLogger("dpo_desk.case_keys")

MAGIC = b"DPE1"
_HEADER = len(MAGIC) + 8 + 12


class Shredded(DomainError):
    """The content was destroyed at the end of its retention period (its key is gone)."""

    key = "own_retention.shredded"


class Tampered(DomainError):
    """An envelope or a wrapped key does not authenticate: changed behind the app's back."""

    key = "own_retention.tampered"


class MasterKeyMissing(DomainError):
    key = "own_retention.master_key_missing"


# --- the master key ----------------------------------------------------------------------------------------------

def master_key_file():
    return config.case_master_key_file()


def _read_master() -> bytes | None:
    key = audit_anchor.read_key_file(master_key_file(), MasterKeyMissing)
    return None if key is None else key[:32]


def master_key(session: Session) -> bytes:
    """The master key; created (0600) only while no case key depends on it."""
    key = _read_master()
    if key is not None:
        return key
    if session.exec(select(func.count()).select_from(CaseKey).where(CaseKey.wrapped.is_not(None))).one():
        raise MasterKeyMissing(path=str(master_key_file()))
    return audit_anchor.create_key_file(master_key_file(), MasterKeyMissing, "case master key")[:32]


# --- case keys ---------------------------------------------------------------------------------------------------

def _key_aad(case_type: str, case_id: int) -> bytes:
    return f"case_key:{case_type}:{case_id}".encode()


def _wrap(master: bytes, key: bytes, case_type: str, case_id: int) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(master).encrypt(nonce, key, _key_aad(case_type, case_id))


def _unwrap(master: bytes, row: CaseKey) -> bytes:
    blob = bytes(row.wrapped)
    try:
        return AESGCM(master).decrypt(blob[:12], blob[12:], _key_aad(row.case_type, row.case_id))
    except (InvalidTag, ValueError):
        log.error("case key %s (%s %s) does not authenticate", row.id, row.case_type, row.case_id)
        raise Tampered(what=f"case_key {row.id}") from None


def find(session: Session, case_type: str, case_id: int) -> CaseKey | None:
    return session.exec(select(CaseKey).where(CaseKey.case_type == case_type, CaseKey.case_id == case_id)).first()


def key_for(session: Session, case_type: str, case_id: int) -> tuple[int, bytes]:
    """The case's key (id, raw bytes), created on first use. A case whose key was
    destroyed gets no new one: its personal parts are gone for good (Shredded)."""
    row = find(session, case_type, case_id)
    master = master_key(session)
    if row is None:
        raw = AESGCM.generate_key(bit_length=256)
        try:
            with session.begin_nested():  # two first documents of one case at once: one key wins
                row = CaseKey(case_type=case_type, case_id=case_id, wrapped=_wrap(master, raw, case_type, case_id),
                              created_at=utcnow())
                session.add(row)
                session.flush()
            return row.id, raw
        except IntegrityError:
            row = find(session, case_type, case_id)
    if row.wrapped is None:
        raise shredded(row)
    return row.id, _unwrap(master, row)


def rule_text(kind: str, months: int) -> str:
    """What `destroyed_rule` stores: the kind of case and its period, e.g. "dsr:60"."""
    return f"{kind}:{months}"


def shredded(row: CaseKey) -> Shredded:
    """The error a read of destroyed content gets: when, and under which rule (translated when shown)."""
    kind, _, months = (row.destroyed_rule or "").partition(":")
    return Shredded(on=row.destroyed_at, rule=KeyList((f"own_retention.kind.{kind or 'unknown'}",)), months=months)


def destroy(session: Session, case_type: str, case_id: int, *, at: datetime, rule: str) -> bool:
    """Erase the case's key (a case without one gets a destroyed row, so that none is
    made later). True when this call destroyed it, False when it already was."""
    if find(session, case_type, case_id) is None:
        try:
            with session.begin_nested():
                session.add(CaseKey(case_type=case_type, case_id=case_id, wrapped=None, created_at=at,
                                    destroyed_at=at, destroyed_rule=rule))
                session.flush()
            return True
        except IntegrityError:
            pass
    done = session.execute(update(CaseKey).where(CaseKey.case_type == case_type, CaseKey.case_id == case_id,
                                                 CaseKey.destroyed_at.is_(None))
                           .values(wrapped=None, destroyed_at=at, destroyed_rule=rule)
                           .execution_options(synchronize_session=False))
    return bool(done.rowcount)


# --- envelopes ---------------------------------------------------------------------------------------------------

def _aad(purpose: str, key_id: int) -> bytes:
    return f"{purpose}|key:{key_id}".encode()


def seal(session: Session, case_type: str, case_id: int, purpose: str, plain: bytes) -> bytes:
    key_id, key = key_for(session, case_type, case_id)
    nonce = secrets.token_bytes(12)
    return MAGIC + struct.pack(">Q", key_id) + nonce + AESGCM(key).encrypt(nonce, plain, _aad(purpose, key_id))


def is_envelope(blob: bytes) -> bool:
    return len(blob) > _HEADER and bytes(blob[:len(MAGIC)]) == MAGIC


def key_id_of(blob: bytes) -> int:
    return struct.unpack(">Q", bytes(blob[len(MAGIC):len(MAGIC) + 8]))[0]


@dataclass(frozen=True)
class KeyState:
    destroyed_at: datetime | None
    rule: str


def open_envelope(session: Session, blob: bytes, purpose: str, case_type: str, case_id: int | None) -> bytes:
    """The plaintext; Shredded when the key was destroyed, Tampered when the envelope,
    its key or their link to the case was changed."""
    blob = bytes(blob)
    if not is_envelope(blob):
        raise Tampered(what=purpose)
    key_id = key_id_of(blob)
    row = session.get(CaseKey, key_id)
    if row is None or row.case_type != case_type or row.case_id != case_id:
        log.error("envelope %s names key %s, which is not its case's", purpose, key_id)
        raise Tampered(what=purpose)
    if row.wrapped is None:
        if row.destroyed_at is None:  # erased without the retention job's record: behind the app's back
            raise Tampered(what=f"case_key {row.id}")
        raise shredded(row)
    key = _unwrap(master_key(session), row)
    nonce, body = blob[len(MAGIC) + 8:_HEADER], blob[_HEADER:]
    try:
        return AESGCM(key).decrypt(nonce, body, _aad(purpose, key_id))
    except InvalidTag:
        log.error("envelope %s does not authenticate under its case key", purpose)
        raise Tampered(what=purpose) from None


def state_of(session: Session, key_id: int) -> KeyState | None:
    row = session.get(CaseKey, key_id)
    return None if row is None else KeyState(row.destroyed_at, row.destroyed_rule)
