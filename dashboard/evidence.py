"""The evidence registry: issue a document (build, hash, keep byte for byte), find it
again, and decide who may see it. Every issue and every download is an audit entry.

Nothing here changes or deletes a document, and the database refuses it too
(triggers of migration 0004). A correction is a newer version issued with
`supersedes=`: both are kept and each points to the other.

Who sees what: the DPO, legal and auditors every document (audit packs, which hold
the audit trail, only for those who may read the trail); a department head only
the documents of cases of his or her departments. Only the case types know which
department a case belongs to: each lists in VISIBILITY a function
`(actor, case_id_column) -> SQL condition` that selects the case ids of its type
the actor may see, e.g. for the requests

    def evidence_visible(actor, case_id):
        return case_id.in_(select(Request.id).where(department_filter(actor, Request.department_id)))

Documents of a case type without an entry, and documents of no case, are not shown
to department heads. A user limited to some entities (a local correspondent) sees a
case's documents when he sees the case, and any other document only when it is of one
of his entities: a document of no entity is the whole group's (`_entity_scope`).

Documents of the case types in SEALED_CASE_TYPES hold the person's data (a requester's
name and address, a letter to the people of a breach): they are stored encrypted under
their case's key (dashboard/case_keys.py) so that the retention job can destroy them by
destroying the key, the row itself never changing. `sha256` and `size` stay those of the
document as issued (what the audit trail, the verification page and a recipient's copy
match); `envelope_sha256` is that of the stored bytes, which `verify_documents` checks —
still true after the key is gone. A download decrypts (`readable`), or says when and under
which rule the content was destroyed.

A document built into a file (`FileContent`: an audit pack, up to 200 MiB) is stored a MiB per
row (models.evidence.EvidenceChunk), its row's `content` empty; `content_chunks` reads any
document's stored bytes (its `content`, then its chunks) a MiB at a time, `verify_documents`
hashes them so. Sealed and built into a file (an audit pack, under a key of its own), each
chunk is an envelope of its own, bound to the document's number and the chunk's place
(`chunk_purpose`): it is sealed, read and checked a MiB at a time too.
"""

import hashlib
import importlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from typing import Any, BinaryIO
from dataclasses import dataclass, field

from sqlalchemy import and_, false, func, insert, or_, true
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard import audit, case_keys
from dashboard.actor import Actor
from dashboard.errors import RuleViolation
from dashboard.permissions import deny, entity_filter, require_writer
from dashboard.references import next_reference
from exports.stamp import Builder, DocumentStamp
from models.evidence import PACK_CASE_TYPE, EvidenceChunk, EvidenceDocument, new_verification_code, normalise_code
from models.roles import Capability
from models.types import utcnow

# case_type -> "module:function"; each case type appends its line.
VISIBILITY: dict[str, str] = {
    "dsr": "dashboard.dsr.common:evidence_visible",
    "breach": "dashboard.breach.records:evidence_visible",
    "processor": "dashboard.processor.scope:evidence_visible",
    "dpia": "dashboard.dpia.common:evidence_visible",
    "retention_task": "dashboard.retention:evidence_visible",  # a review task's certificate
    # register extracts cover a whole entity: not shown to department heads
}

# their documents name the people concerned; a breach register extract and an audit pack have a key of their own
SEALED_CASE_TYPES = frozenset({"dsr", "breach", "breach_register_extract", PACK_CASE_TYPE})
PACK_KIND = "evidence.audit_pack"  # audit packs hold the audit trail: READ_AUDIT_TRAIL only

VisibilityHook = Callable[[Actor, ColumnElement], ColumnElement[bool]]
CHUNK = 1 << 20  # a large document is stored and read back a MiB at a time


def _digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and size of bytes read a chunk at a time."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class FileContent:
    """A document built into a file rather than in memory (an audit pack, up to its size
    limit): `issue_document` stores it a chunk per row (models.evidence.EvidenceChunk), never
    holding it whole."""
    file: BinaryIO
    size: int
    sha256: str

    @classmethod
    def of(cls, file: BinaryIO) -> "FileContent":
        """The file as written (read again from its start to hash it)."""
        file.seek(0)
        sha256, size = _digest(iter(lambda: file.read(CHUNK), b""))
        return cls(file, size, sha256)

    def chunks(self) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(CHUNK):
            yield chunk


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hook(path: str) -> VisibilityHook:
    module, function = path.split(":")
    return getattr(importlib.import_module(module), function)


def _entity_scope(actor: Actor) -> ColumnElement[bool]:
    """A user limited to some entities: a case's documents when he sees the case (its case
    type's hook), any other document when it is of one of his entities — never a document
    of no entity (a whole-group annual report, an all-entities audit pack)."""
    doc = EvidenceDocument
    of_a_case = and_(doc.case_type.in_(sorted(VISIBILITY)), doc.case_id.is_not(None))
    return or_(and_(of_a_case, or_(false(), *(and_(doc.case_type == case_type, _hook(path)(actor, doc.case_id))
                                              for case_type, path in VISIBILITY.items()))),
               and_(~of_a_case, entity_filter(actor, doc.entity_id)))


def visible_condition(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on EvidenceDocument: the documents this actor may find and download."""
    if actor.can(Capability.READ_EVIDENCE):
        condition = true() if actor.can(Capability.READ_AUDIT_TRAIL) else EvidenceDocument.kind != PACK_KIND
        return condition if actor.entity_ids is None else and_(condition, _entity_scope(actor))
    if not actor.can(Capability.WORK_DEPARTMENT_CASES):
        return false()
    return or_(false(), *(and_(EvidenceDocument.case_type == case_type, _hook(path)(actor, EvidenceDocument.case_id))
                          for case_type, path in VISIBILITY.items()))


def get_visible(session: Session, actor: Actor, document_id: int, *, action: str,
                with_content: bool = False) -> EvidenceDocument:
    """The document if the actor may see it; NotAllowed (logged) if not, or if it does not exist."""
    query = select(EvidenceDocument).where(EvidenceDocument.id == document_id, visible_condition(actor))
    if not with_content:
        query = query.options(defer(EvidenceDocument.content))
    document = session.exec(query).first()
    if document is None:
        deny(session, actor, action=action, object_type="evidence_document", object_id=document_id)
    return document


def _unused_code(session: Session) -> str:
    while True:
        code = new_verification_code()
        if find_by_code(session, code) is None:
            return code


def _check_supersedes(session: Session, older: EvidenceDocument, case_type: str, case_id: int | None) -> None:
    if (older.case_type, older.case_id) != (case_type, case_id):
        raise RuleViolation("evidence.supersede_other_case", number=older.number)
    newer = successor_of(session, older.id)
    if newer is not None:
        raise RuleViolation("evidence.already_superseded", number=older.number, newer=newer.number)


def issue_document(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    title: str,
    filename: str,
    media_type: str,
    build: Builder,
    language: str = "fr",
    case_type: str = "",
    case_id: int | None = None,
    case_ref: str = "",
    entity_id: int | None = None,
    supersedes: EvidenceDocument | None = None,
    reason: str = "",
    handover: bool = False,
) -> EvidenceDocument:
    """Reserve a number and a verification code, build the document with them, and
    record it. The caller has already checked that the actor may issue it.

    `supersedes`: the older version of the same case's document this one replaces
    (it must be the latest version). `handover=True` records a document built for a
    reader (the audit pack): read-only roles may then issue it, the caller having
    checked that they may read all it contains."""
    if not handover:
        require_writer(session, actor, action=f"evidence.issue:{kind}", object_type=case_type,
                       object_id=case_id, object_ref=case_ref)
    if supersedes is not None:
        _check_supersedes(session, supersedes, case_type, case_id)
    issued_at = utcnow()
    stamp = DocumentStamp(
        number=next_reference(session, "DOC", issued_at),
        verification_code=_unused_code(session),
        issued_at=issued_at,
        issued_by=actor.full_name,
        language=language,
    )
    content = build(stamp)
    streamed = isinstance(content, FileContent)
    sealed = case_type in SEALED_CASE_TYPES and case_id is not None
    stored, envelope_sha256, chunks = content, None, content
    if streamed:
        stored = b""  # its bytes go into EvidenceChunk rows once the row has its id
        if sealed:  # sealed first: the row, insert-only, carries the hash of the envelopes
            chunks = _seal_chunks(session, case_type, case_id, stamp.number, content)
            envelope_sha256 = chunks.sha256
    elif sealed:
        stored = case_keys.seal(session, case_type, case_id, purpose(stamp.number), content)
        envelope_sha256 = sha256_hex(stored)
    document = EvidenceDocument(
        number=stamp.number,
        verification_code=stamp.verification_code,
        kind=kind,
        title=title,
        case_type=case_type,
        case_id=case_id,
        case_ref=case_ref,
        entity_id=entity_id,
        filename=filename,
        media_type=media_type,
        language=language,
        size=content.size if streamed else len(content),
        sha256=content.sha256 if streamed else sha256_hex(content),
        envelope_sha256=envelope_sha256,
        content=stored,
        issued_at=issued_at,
        issued_by_id=actor.user_id,
        issued_by_name=actor.full_name,
        supersedes_id=supersedes.id if supersedes else None,
    )
    session.add(document)
    session.flush()
    if streamed:
        try:
            _store_chunks(session, document, chunks)
        finally:
            if chunks is not content:
                chunks.file.close()
    audit.record(
        session,
        actor,
        "evidence.issue",
        object_type="evidence_document",
        object_id=document.id,
        object_ref=document.number,
        entity_id=entity_id,
        reason=reason,
        details={"kind": kind, "sha256": document.sha256, "size": document.size, "case_ref": case_ref,
                 "supersedes": supersedes.number if supersedes else None},
    )
    if envelope_sha256 is not None and not streamed:  # the caller hands the document as issued to its user
        set_committed_value(document, "content", content)  # never written back
    return document


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _sqlite_blob(session: Session, document_id: int):
    raw = session.connection().connection.driver_connection
    return raw.blobopen(EvidenceDocument.__tablename__, "content", document_id, readonly=True)


def chunk_purpose(number: str, seq: int) -> str:
    """What the envelope of one chunk of a sealed document built into a file is bound to:
    its document and its place (a chunk moved, dropped or copied does not open)."""
    return f"{purpose(number)}#{seq}"


@dataclass(frozen=True)
class SealedFile:
    """The envelopes of a document built into a file, a chunk each, in a temporary file."""
    file: BinaryIO
    lengths: tuple[int, ...]
    sha256: str  # of the envelopes one after the other: the stored bytes

    @property
    def size(self) -> int:
        return sum(self.lengths)

    def chunks(self) -> Iterator[bytes]:
        self.file.seek(0)
        for length in self.lengths:
            yield self.file.read(length)


def _seal_chunks(session: Session, case_type: str, case_id: int, number: str, content: FileContent) -> SealedFile:
    target = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)
    digest, lengths = hashlib.sha256(), []
    for seq, chunk in enumerate(content.chunks()):
        envelope = case_keys.seal(session, case_type, case_id, chunk_purpose(number, seq), chunk)
        digest.update(envelope)
        lengths.append(len(envelope))
        target.write(envelope)
    return SealedFile(target, tuple(lengths), digest.hexdigest())


def _store_chunks(session: Session, document: EvidenceDocument, content: FileContent | SealedFile) -> None:
    """A document built into a file, into the registry a chunk per row (models.evidence.EvidenceChunk):
    never whole in this process's memory, nor in SQLite's (whose BEFORE INSERT trigger on
    `evidence_document` would hold a value inserted whole, zeroblob or not). Core inserts: the
    session keeps no chunk."""
    connection = session.connection()
    for seq, chunk in enumerate(content.chunks()):
        connection.execute(insert(EvidenceChunk).values(document_id=document.id, seq=seq, data=chunk))
    stored = session.exec(select(func.coalesce(func.sum(func.length(EvidenceChunk.data)), 0))
                          .where(EvidenceChunk.document_id == document.id)).one()
    if stored != content.size:
        raise RuntimeError(f"{document.number}: {stored} bytes stored, {content.size} built")


def _chunk_ids(session: Session, document_id: int) -> list[int]:
    return list(session.exec(select(EvidenceChunk.id).where(EvidenceChunk.document_id == document_id)
                             .order_by(EvidenceChunk.seq)))


def _row_content_chunks(session: Session, document_id: int) -> Iterator[bytes]:
    """The row's own `content` a chunk at a time (a pack issued before migration 0033 is there whole)."""
    size = session.exec(select(func.length(EvidenceDocument.content)).where(EvidenceDocument.id == document_id)).one()
    if not size:
        return
    if _is_sqlite(session):
        with _sqlite_blob(session, document_id) as blob:
            while chunk := blob.read(CHUNK):
                yield chunk
        return
    for offset in range(0, size, CHUNK):  # slices of a value stored uncompressed are read without the rest
        yield bytes(session.exec(select(func.substring(EvidenceDocument.content, offset + 1, CHUNK))
                                 .where(EvidenceDocument.id == document_id)).one())


def content_chunks(session: Session, document_id: int) -> Iterator[bytes]:
    """The stored bytes of a document, a chunk at a time (what `content` holds: the envelope
    of a document stored encrypted): its row's `content`, then its EvidenceChunk rows in order
    (a document built into a file has only those; any other, only `content`)."""
    yield from _row_content_chunks(session, document_id)
    for chunk_id in _chunk_ids(session, document_id):  # one row in memory at a time
        yield bytes(session.exec(select(EvidenceChunk.data).where(EvidenceChunk.id == chunk_id)).one())


def stored_content(session: Session, document_id: int) -> bytes:
    """The stored bytes of a (large) document read by chunks: the one copy returned, without
    the driver's intermediate copies of a single large value."""
    buffer = BytesIO()
    for chunk in content_chunks(session, document_id):
        buffer.write(chunk)
    return buffer.getvalue()


def purpose(number: str) -> str:
    """What an envelope of the registry is bound to: its document's number."""
    return f"evidence:{number}"


def readable(session: Session, document: EvidenceDocument) -> EvidenceDocument:
    """The document with its content as issued: decrypted when stored encrypted (checked
    against the recorded SHA-256). case_keys.Shredded when its key was destroyed at the
    end of the retention period, case_keys.Tampered when the stored bytes or the key
    were changed behind the application's back."""
    if document.envelope_sha256 is None:
        if len(document.content) != document.size:  # built into a file: stored in chunks (models.evidence)
            set_committed_value(document, "content", stored_content(session, document.id))  # never flushed
        return document
    if _sealed_in_chunks(document.content, document.size):
        opened = _open_chunks(session, document.id, document.number, document.case_type, document.case_id, keep=True)
        if opened.stored_sha256 != document.envelope_sha256 or isinstance(opened.failure, case_keys.Tampered):
            raise case_keys.Tampered(what=document.number)
        if opened.failure is not None:
            raise opened.failure
        if opened.plain_sha256 != document.sha256:
            raise case_keys.Tampered(what=document.number)
        set_committed_value(document, "content", opened.plain)  # never flushed: the row is immutable
        return document
    stored = bytes(document.content)
    if sha256_hex(stored) == document.sha256:  # already the issued bytes (issued or read in this session)
        return document
    if sha256_hex(stored) != document.envelope_sha256:
        raise case_keys.Tampered(what=document.number)
    plain = case_keys.open_envelope(session, stored, purpose(document.number), document.case_type, document.case_id)
    if sha256_hex(plain) != document.sha256:
        raise case_keys.Tampered(what=document.number)
    set_committed_value(document, "content", plain)  # never flushed: the row is immutable
    return document


def find_by_code(session: Session, code: str) -> EvidenceDocument | None:
    return session.exec(
        select(EvidenceDocument).where(EvidenceDocument.verification_code == normalise_code(code))
    ).first()


def find_by_sha256(session: Session, digest: str) -> EvidenceDocument | None:
    return session.exec(select(EvidenceDocument).where(EvidenceDocument.sha256 == digest.lower())
                        .order_by(EvidenceDocument.id)).first()


def find_by_number(session: Session, number: str) -> EvidenceDocument | None:
    return session.exec(select(EvidenceDocument).where(EvidenceDocument.number == number.upper())).first()


def successor_of(session: Session, document_id: int) -> EvidenceDocument | None:
    """The newer version that supersedes this document, if any."""
    return session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content))
                        .where(EvidenceDocument.supersedes_id == document_id)).first()


def download_document(session: Session, actor: Actor, document_id: int, *, reason: str = "") -> EvidenceDocument:
    """The document as issued, byte for byte, if the actor may see it; the download
    is an audit entry (with the reason the actor stated, if any)."""
    document = readable(session, get_visible(session, actor, document_id, action="evidence.download",
                                              with_content=True))
    audit.record(
        session,
        actor,
        "evidence.download",
        object_type="evidence_document",
        object_id=document.id,
        object_ref=document.number,
        entity_id=document.entity_id,
        reason=reason,
        details={"case_ref": document.case_ref, "sha256": document.sha256},
    )
    return document


@dataclass(frozen=True)
class Mismatch:
    number: str
    recorded: str  # the SHA-256 recorded when the document was issued
    actual: str  # the SHA-256 of the bytes stored today


@dataclass
class DocumentCheck:
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    shredded: int = 0  # stored encrypted, key destroyed at the end of the period: intact, unreadable

    @property
    def intact(self) -> bool:
        return not self.mismatches


def verify_documents(session: Session, batch: int = 50) -> DocumentCheck:
    """Hash every stored document's bytes again and compare with the SHA-256 recorded
    when it was issued (and its size): the registry's own check, run by the
    `verify-documents` command and after a restore. Reads the documents a batch at a time."""
    report = DocumentCheck()
    last_id = 0
    while True:
        rows = session.exec(
            select(EvidenceDocument.id, EvidenceDocument.number, EvidenceDocument.sha256, EvidenceDocument.size,
                   EvidenceDocument.content, EvidenceDocument.envelope_sha256, EvidenceDocument.case_type,
                   EvidenceDocument.case_id)
            .where(EvidenceDocument.id > last_id).order_by(EvidenceDocument.id).limit(batch)
        ).all()
        if not rows:
            return report
        chunked = set(session.exec(select(EvidenceChunk.document_id).distinct()
                                   .where(EvidenceChunk.document_id.in_([row[0] for row in rows]))))
        for document_id, number, recorded, size, content, envelope, case_type, case_id in rows:
            if envelope is None:  # a chunked document is hashed as read, never whole in memory
                actual, length = (_digest(content_chunks(session, document_id)) if document_id in chunked
                                  else (sha256_hex(bytes(content)), len(content)))
                if actual != recorded.lower() or length != size:
                    report.mismatches.append(Mismatch(number, recorded, actual))
            elif document_id in chunked and _sealed_in_chunks(content, size):
                mismatch, shredded = _chunks_mismatch(session, document_id, number, recorded, size, envelope,
                                                      case_type, case_id)
                if mismatch is not None:
                    report.mismatches.append(mismatch)
                report.shredded += shredded
            else:  # chunks of a sealed document: added behind the app's back, part of what is checked
                stored = stored_content(session, document_id) if document_id in chunked else bytes(content)
                mismatch = _sealed_mismatch(session, number, recorded, size, stored, envelope, case_type,
                                            case_id, purpose(number))
                if mismatch is not None:
                    report.mismatches.append(mismatch)
                elif _is_shredded(session, stored):
                    report.shredded += 1
            report.checked += 1
            last_id = document_id


def _sealed_in_chunks(content: bytes, size: int) -> bool:
    """A sealed document built into a file: its envelopes are its chunks, its row's content empty."""
    return len(content) == 0 and size > 0


@dataclass
class _Opened:
    stored_sha256: str
    plain_sha256: str
    plain_size: int
    plain: bytes | None  # kept when asked for
    failure: case_keys.Shredded | case_keys.Tampered | None


def _open_chunks(session: Session, document_id: int, number: str, case_type: str, case_id: int | None, *,
                 keep: bool) -> _Opened:
    """A sealed document built into a file read a chunk at a time: the hash of its stored
    bytes (always whole, even when a chunk does not open), and of what its envelopes hold."""
    stored, plain, size = hashlib.sha256(), hashlib.sha256(), 0
    kept = BytesIO() if keep else None
    failure = None
    for seq, chunk_id in enumerate(_chunk_ids(session, document_id)):  # one chunk in memory at a time
        blob = bytes(session.exec(select(EvidenceChunk.data).where(EvidenceChunk.id == chunk_id)).one())
        stored.update(blob)
        if failure is not None:
            continue
        try:
            opened = case_keys.open_envelope(session, blob, chunk_purpose(number, seq), case_type, case_id)
        except (case_keys.Shredded, case_keys.Tampered) as error:
            failure = error
            continue
        plain.update(opened)
        size += len(opened)
        if kept is not None:
            kept.write(opened)
    return _Opened(stored.hexdigest(), plain.hexdigest(), size, kept.getvalue() if kept is not None else None, failure)


def _chunks_mismatch(session: Session, document_id: int, number: str, recorded: str, size: int, envelope: str,
                     case_type: str, case_id: int | None) -> tuple[Mismatch | None, bool]:
    """`_sealed_mismatch` for a document sealed a chunk at a time; (mismatch, shredded)."""
    opened = _open_chunks(session, document_id, number, case_type, case_id, keep=False)
    if opened.stored_sha256 != envelope.lower():
        return Mismatch(number, envelope, opened.stored_sha256), False
    if isinstance(opened.failure, case_keys.Shredded):
        return None, True
    if opened.failure is not None:
        return Mismatch(number, recorded, "key-or-envelope-altered"), False
    if opened.plain_sha256 != recorded.lower() or opened.plain_size != size:
        return Mismatch(number, recorded, opened.plain_sha256), False
    return None, False


def _is_shredded(session: Session, stored: bytes) -> bool:
    state = case_keys.state_of(session, case_keys.key_id_of(stored)) if case_keys.is_envelope(stored) else None
    return state is not None and state.destroyed_at is not None


def _sealed_mismatch(session: Session, number: str, recorded: str, size: int, stored: bytes, envelope: str,
                     case_type: str, case_id: int | None, bound_to: str) -> Mismatch | None:
    """A document stored encrypted: its stored bytes against the envelope's SHA-256 (true
    even after shredding); while its key exists, the decrypted document against the
    issued SHA-256 and size too. A key changed or erased behind the app's back is a mismatch."""
    actual = sha256_hex(stored)
    if actual != envelope.lower():
        return Mismatch(number, envelope, actual)
    try:
        plain = case_keys.open_envelope(session, stored, bound_to, case_type, case_id)
    except case_keys.Shredded:
        return None
    except case_keys.Tampered:
        return Mismatch(number, recorded, "key-or-envelope-altered")
    actual = sha256_hex(plain)
    if actual != recorded.lower() or len(plain) != size:
        return Mismatch(number, recorded, actual)
    return None


def verify_stored(session: Session, model, label_column, label: Callable[[int, Any], str] = lambda _, value: value,
                  batch: int = 50, sealed: Callable[[Any], str] | None = None,
                  only: int | None = None) -> DocumentCheck:
    """The check of `verify_documents` for any other table of files (id, sha256, size,
    content); `label(id, label_column's value)` names a file whose bytes no longer match.
    With `sealed(row) -> purpose`, the table also has `envelope_sha256`, `case_type` and
    `case_id`: a row whose `envelope_sha256` is set is stored encrypted under its case's
    key and checked like a sealed document of the registry (stored bytes always, the
    decrypted file while the key exists; `shredded` counts those whose key was destroyed).
    `only`: check that one row."""
    report = DocumentCheck()
    last_id = 0
    columns = [model.id, label_column, model.sha256, model.size, model.content]
    if sealed is not None:
        columns += [model.envelope_sha256, model.case_type, model.case_id]
    while True:
        query = select(*columns).where(model.id > last_id)
        if only is not None:
            query = query.where(model.id == only)
        rows = session.exec(query.order_by(model.id).limit(batch)).all()
        if not rows:
            return report
        for row in rows:
            row_id, value, recorded, size, content = row[:5]
            name, stored = label(row_id, value), bytes(content)
            if sealed is not None and row.envelope_sha256 is not None:
                mismatch = _sealed_mismatch(session, name, recorded, size, stored, row.envelope_sha256,
                                            row.case_type, row.case_id, sealed(row))
                if mismatch is not None:
                    report.mismatches.append(mismatch)
                elif _is_shredded(session, stored):
                    report.shredded += 1
            else:
                actual = sha256_hex(stored)
                if actual != recorded.lower() or len(stored) != size:
                    report.mismatches.append(Mismatch(name, recorded, actual))
            report.checked += 1
            last_id = row_id
