"""What anchors the audit chain outside the database: its key and its checkpoints.

- The key file (`DPO_AUDIT_KEY_FILE`, default `<DPO_DATA_DIR>/audit.key`): 32 random
  bytes in hex, created with mode 0600 on first start. Entries from the switch point
  on are HMAC-SHA256 under it, so that a database writer cannot recompute a hash.
  When the chain already holds keyed entries, a missing key is never replaced: that
  would make the whole trail unverifiable (AuditKeyMissing).
- The checkpoint file (`DPO_AUDIT_CHECKPOINT_FILE`, default
  `<DPO_DATA_DIR>/audit-checkpoints.log`): one JSON line per checkpoint of the head
  (database, sequence number, hash, switch point, time), signed with the key, only
  ever appended to. Written every CHECKPOINT_EVERY entries and after each
  verification, once the transaction is committed. Verification starts from the last
  one: a head below it, or a different hash at its position, is a rewind or a
  truncation that the database alone cannot show.

Lines name their database (`database_label`), so one file may serve several databases
(the demo and the real one). A restored backup is re-anchored by a "restore" line
(`manage.py restore`): checkpoints before it are history.
"""

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from dashboard import config
from dashboard.errors import AuditKeyMissing
from models.audit import checkpoint_mac
from models.errors import DomainError
from models.types import utcnow

CHECKPOINT_EVERY = 100  # entries between two checkpoints written by the recorder
START_VERIFY_MAX = 100_000  # a chain without checkpoint is verified whole at start-up up to this size
_TAIL_BYTES = 64 * 1024  # the last checkpoints are read from the file's end
_PENDING = "audit_checkpoints"  # session.info key: checkpoints to write once committed

log = logging.getLogger("dpo_desk.audit")


# --- the key ---------------------------------------------------------------------------------------------------

def read_key_file(path: Path, missing: type[DomainError]) -> bytes | None:
    """A key file of 32 random bytes in hex (the audit key, the case master key): None when
    absent; `missing` raised when damaged (as good as missing, and never overwritten)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise missing(path=str(path))
    return key


def create_key_file(path: Path, missing: type[DomainError], label: str) -> bytes:
    """A new key file, readable by its owner only; an existing one is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key_file(path, missing) or b""
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    log.warning("%s created at %s: back it up apart from the database", label, path)
    return key


def read_key() -> bytes | None:
    return read_key_file(config.audit_key_file(), AuditKeyMissing)


def read_key_or_none() -> bytes | None:
    try:
        return read_key()
    except AuditKeyMissing:
        return None


def create_key() -> bytes:
    """A new key file, readable by its owner only; an existing one is kept."""
    return create_key_file(config.audit_key_file(), AuditKeyMissing, "audit key")


def chain_key(keyed_entries_exist: bool) -> bytes:
    """The key; created when missing only while no entry depends on it."""
    key = read_key()
    if key is not None:
        return key
    if keyed_entries_exist:
        raise AuditKeyMissing(path=str(config.audit_key_file()))
    return create_key()


# --- the checkpoints ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    keyed_from: int
    at: str
    kind: str = "head"  # "head", "restore" (a backup was restored), "purge" (last entry a purge removed)

    def fields(self, database: str) -> dict:
        return {"db": database, "seq": self.seq, "hash": self.hash, "keyed_from": self.keyed_from,
                "at": self.at, "kind": self.kind}


@dataclass(frozen=True)
class Checkpoints:
    valid: list[Checkpoint]  # since the last restore line, in file order
    forged: int  # lines naming this database whose signature is wrong
    purges: list[Checkpoint] = ()  # every signed purge line (a restore does not bring purged entries back)

    @property
    def last(self) -> Checkpoint | None:
        return max(self.valid, key=lambda cp: cp.seq) if self.valid else None

    @property
    def floor(self) -> Checkpoint | None:
        """The last entry a retention purge removed: the chain now starts after it."""
        return max(self.purges, key=lambda cp: cp.seq) if self.purges else None


def database_label(session: Session) -> str:
    """The database the checkpoints belong to: its file or its server and name."""
    url = make_url(str(session.get_bind().url))
    if url.get_backend_name() == "sqlite":
        return f"sqlite:{Path(url.database or '').resolve()}"
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


def append(database: str, checkpoint: Checkpoint, key: bytes) -> None:
    fields = checkpoint.fields(database)
    line = json.dumps({**fields, "mac": checkpoint_mac(fields, key)}, ensure_ascii=False) + "\n"
    path = config.audit_checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line)


def _lines(whole: bool) -> list[str]:
    path = config.audit_checkpoint_file()
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = 0 if whole else max(0, size - _TAIL_BYTES)
            handle.seek(start)
            data = handle.read()
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[1:] if start else lines  # the first line of a tail may be cut


def read(database: str, key: bytes, *, whole: bool = False) -> Checkpoints:
    """This database's checkpoints since its last restore line. Reads the file's tail
    first, the whole file when the tail holds none of this database's lines."""
    valid: list[Checkpoint] = []
    purges: list[Checkpoint] = []
    forged = 0
    lines = _lines(whole)
    for line in lines:
        try:
            record = json.loads(line)
            if record.get("db") != database:
                continue
            checkpoint = Checkpoint(int(record["seq"]), str(record["hash"]), int(record["keyed_from"]),
                                    str(record["at"]), str(record.get("kind", "head")))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # not a checkpoint line (or another program's)
        if record.get("mac") != checkpoint_mac(checkpoint.fields(database), key):
            forged += 1
            continue
        if checkpoint.kind == "purge":
            purges.append(checkpoint)
            continue
        if checkpoint.kind == "restore":
            valid = []
        valid.append(checkpoint)
    if not whole and not valid and not purges and not forged and lines:
        return read(database, key, whole=True)
    return Checkpoints(valid, forged, purges)


def file_for(database: str) -> bytes:
    """This database's lines of the checkpoint file, as written (for an audit pack)."""
    kept = []
    for line in _lines(whole=True):
        try:
            if json.loads(line).get("db") == database:
                kept.append(line + "\n")
        except (ValueError, AttributeError):
            continue
    return "".join(kept).encode("utf-8")


def after_commit(session: Session, checkpoint: Checkpoint, key: bytes) -> None:
    """Write the checkpoint once the session's transaction is committed (never for
    entries that are rolled back)."""
    session.info.setdefault(_PENDING, []).append((database_label(session), checkpoint, key))


@event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for database, checkpoint, key in session.info.pop(_PENDING, []):
        try:
            append(database, checkpoint, key)
        except OSError:  # the trail itself is committed: say so loudly, do not fail the action
            log.exception("audit checkpoint not written to %s", config.audit_checkpoint_file())


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def now() -> str:
    return utcnow().isoformat(timespec="seconds")
