"""Files attached to a case: upload, list, download, verify.

A file is checked on its bytes before it is kept (models.attachment.sniff: the type
read from the magic numbers must be accepted and match the extension, size bounded,
a ZIP opened only to bound what it would unpack to), then stored byte for byte with
its SHA-256, never changed (triggers of migration 0022). `manage.py verify-documents`
hashes the attachments again with the registry's documents (`verify_attachments`).

Files of requests and breaches (SEALED_CASE_TYPES: the letter or e-mail received, the
data extract sent name the person) are stored encrypted under their case's key, as the
registry stores their documents (dashboard/evidence.py, dashboard/case_keys.py): `sha256`
and `size` stay those of the file as uploaded, `envelope_sha256` is that of the stored
bytes. The retention job destroys the key at the end of the period: the file stays
verifiable and becomes unreadable (a download says when and under which rule it was
destroyed). Processor and DPIA files (a processor's attestation, a signed contract, an
audit report) are about the organisation and its processors, not about data subjects:
they are kept in clear. Files attached before migration 0028 stay in clear too.

Who: an attachment is seen by whoever may open its case, by the case's own rule
(`_CASES`: a department head only the requests routed to his department, auditors
read-only); it is added by a writer who may work the case. Every upload, refusal,
download and verification is an audit entry with the reason: the case's handler has an
implicit one (dashboard.access), anyone else states it. The entries hold the file's
fingerprint, size and kind, never its name or description, which may name the person
and would otherwise outlive the case in the trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from dashboard import audit, case_keys, config, evidence
from dashboard.access import access_reason
from dashboard.actor import Actor
from dashboard.breach import records as breach_records
from dashboard.dpia import common as dpia_common
from dashboard.dsr import common as dsr_common
from dashboard.errors import RuleViolation
from dashboard.permissions import deny, require_writer
from dashboard.processor import scope as processor_scope
from dashboard.validation import InvalidInput, problem, validate
from models.attachment import (CASE_TYPES, KINDS, MAX_DESCRIPTION, MEDIA_TYPES, REFUSED_KINDS, CaseAttachment,
                               FileRefused, clean_filename, sniff)
from models.roles import Capability
from models.types import utcnow

OBJECT_TYPE = "case_attachment"
# Their files name the data subject: stored encrypted under the case's key (see above).
SEALED_CASE_TYPES = evidence.SEALED_CASE_TYPES


def purpose(case_type: str, case_id: int, sha256: str) -> str:
    """What an attachment's envelope is bound to: its case and its file (unique per case,
    uq_case_attachment_file), so that an envelope moved to another row fails to open."""
    return f"attachment:{case_type}:{case_id}:{sha256}"


def _row_purpose(row) -> str:
    return purpose(row.case_type, row.case_id, row.sha256)


@dataclass(frozen=True)
class CaseRef:
    case_type: str
    case_id: int
    reference: str
    entity_id: int | None
    handles: bool  # the actor works this case: an implicit reason for reading it (dashboard.access)
    can_attach: bool


def _dsr(session: Session, actor: Actor, case_id: int, action: str, write: bool) -> CaseRef:
    request = dsr_common.fetch(session, actor, case_id, action=action, write=write)
    handles = dsr_common.is_assignee(actor, request) or actor.can(Capability.WORK_ALL_CASES)
    return CaseRef("dsr", request.id, request.reference, request.entity_id, handles and not actor.is_read_only,
                   not actor.is_read_only)


def _breach(session: Session, actor: Actor, case_id: int, action: str, write: bool) -> CaseRef:
    if write:
        require_writer(session, actor, action=action, object_type="breach", object_id=case_id)
    breach = breach_records.fetch(session, actor, case_id, action=action)
    return CaseRef("breach", breach.id, breach.reference, breach.entity_id, not actor.is_read_only,
                   not actor.is_read_only)


def _processor(session: Session, actor: Actor, case_id: int, action: str, write: bool) -> CaseRef:
    if write:
        processor_scope.require_editor(session, actor, action=action, object_id=case_id)
    processor = processor_scope.fetch(session, actor, case_id, action=action)
    editor = processor_scope.can_edit(actor)
    return CaseRef("processor", processor.id, processor.reference, processor.entity_id, editor, editor)


def _dpia(session: Session, actor: Actor, case_id: int, action: str, write: bool) -> CaseRef:
    dpia, activity = dpia_common.fetch_dpia(session, actor, case_id, action=action, write=write)
    editor = dpia_common.can_edit(actor)
    return CaseRef("dpia", dpia.id, dpia.reference, activity.entity_id, editor, editor)


# case_type -> fetch(session, actor, case_id, action, write): the case by its own visibility rule,
# NotAllowed (logged) when the actor may not open it, or may not change it with write=True.
_CASES: dict[str, Callable[..., CaseRef]] = {"dsr": _dsr, "breach": _breach, "processor": _processor, "dpia": _dpia}
assert set(_CASES) == set(CASE_TYPES)


def open_case(session: Session, actor: Actor, case_type: str, case_id: int, *, action: str,
              write: bool = False) -> CaseRef:
    fetch = _CASES.get(case_type)
    if fetch is None or not isinstance(case_id, int):
        deny(session, actor, action=action, object_type=case_type[:40], object_id=None)
    return fetch(session, actor, case_id, action, write)


class AttachmentInput(BaseModel):
    attachment_kind: Literal[KINDS]
    attachment_description: str = Field(default="", max_length=MAX_DESCRIPTION)
    attachment_file: str = Field(min_length=1, max_length=1000)  # the file's name as sent

    @field_validator("attachment_description", "attachment_file")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    kind: str
    description: str
    file_type: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by_name: str


@dataclass(frozen=True)
class AttachmentList:
    case: CaseRef
    rows: list[AttachmentRow]


@dataclass(frozen=True)
class AttachmentCheck:
    id: int
    filename: str
    intact: bool
    recorded: str
    actual: str


def _row(a: CaseAttachment) -> AttachmentRow:
    return AttachmentRow(a.id, a.filename, a.kind, a.description, a.file_type, a.media_type, a.size, a.sha256,
                         a.uploaded_at, a.uploaded_by_name)


def _record(session: Session, actor: Actor, action: str, case: CaseRef, *, attachment_id: int | None = None,
            reason: str = "", **details) -> None:
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=attachment_id,
                 object_ref=case.reference, entity_id=case.entity_id, reason=reason,
                 details={"case_type": case.case_type, "case_id": case.case_id, **details})


def _refuse(session: Session, actor: Actor, case: CaseRef, error: InvalidInput, **details) -> None:
    """A refused file is kept in the trail (who tried to attach what kind of file), then the error raised."""
    session.rollback()
    _record(session, actor, "attachment.upload.refused", case, errors=[p.key for p in error.problems], **details)
    session.commit()
    raise error


def upload(session: Session, actor: Actor, case_type: str, case_id: int, *, filename: str, content: bytes,
           kind: str, description: str = "", reason: str | None = None) -> AttachmentRow:
    """Attach a file to the case, after checking who, what kind, and what the bytes are."""
    case = open_case(session, actor, case_type, case_id, action="attachment.upload", write=True)
    if not case.can_attach:
        deny(session, actor, action="attachment.upload", object_type=case_type, object_id=case_id,
             object_ref=case.reference)
    data = validate(AttachmentInput, {"attachment_kind": kind, "attachment_description": description or "",
                                      "attachment_file": filename or "-"})
    recorded_reason = access_reason(actor, is_assignee=case.handles, reason=reason)
    content = bytes(content or b"")
    facts = {"kind": data.attachment_kind, "size": len(content)}
    if data.attachment_kind in REFUSED_KINDS:
        _refuse(session, actor, case, problem("attachment_kind", "attachment.refused.identity_document"), **facts)
    name = clean_filename(data.attachment_file)
    if not name:
        _refuse(session, actor, case, problem("attachment_file", "attachment.refused.filename"), **facts)
    try:
        file_type = sniff(content, name, max_bytes=config.attachment_max_bytes())
    except FileRefused as refused:
        _refuse(session, actor, case, problem("attachment_file", refused.key, **refused.params), **facts)
    digest = evidence.sha256_hex(content)
    twin = session.exec(select(CaseAttachment.filename).where(
        CaseAttachment.case_type == case.case_type, CaseAttachment.case_id == case.case_id,
        CaseAttachment.sha256 == digest)).first()
    if twin is not None:
        raise RuleViolation("attachment.already_attached", name=twin)
    stored, envelope = content, None
    if case.case_type in SEALED_CASE_TYPES:
        stored = case_keys.seal(session, case.case_type, case.case_id, purpose(case.case_type, case.case_id, digest),
                                content)
        envelope = evidence.sha256_hex(stored)
    attachment = CaseAttachment(
        case_type=case.case_type, case_id=case.case_id, case_ref=case.reference, entity_id=case.entity_id,
        kind=data.attachment_kind, description=data.attachment_description, filename=name, file_type=file_type,
        media_type=MEDIA_TYPES[file_type], size=len(content), sha256=digest, envelope_sha256=envelope, content=stored,
        uploaded_at=utcnow(), uploaded_by_id=actor.user_id, uploaded_by_name=actor.full_name)
    session.add(attachment)
    session.flush()
    _record(session, actor, "attachment.upload", case, attachment_id=attachment.id, reason=recorded_reason,
            sha256=digest, file_type=file_type, **facts)
    return _row(attachment)


def list_attachments(session: Session, actor: Actor, case_type: str, case_id: int) -> AttachmentList:
    """The case's attachments, oldest first, without their bytes (the case page logs the opening)."""
    case = open_case(session, actor, case_type, case_id, action="attachment.list")
    rows = session.exec(select(CaseAttachment).options(defer(CaseAttachment.content)).where(
        CaseAttachment.case_type == case.case_type, CaseAttachment.case_id == case.case_id)
        .order_by(CaseAttachment.uploaded_at, CaseAttachment.id)).all()
    return AttachmentList(case, [_row(a) for a in rows])


def _attachment(session: Session, actor: Actor, attachment_id: int, action: str,
                with_content: bool = False) -> tuple[CaseAttachment, CaseRef]:
    """The attachment and its case, if the actor may open that case; the same logged
    refusal for an id that does not exist."""
    query = select(CaseAttachment).where(CaseAttachment.id == attachment_id)
    if not with_content:
        query = query.options(defer(CaseAttachment.content))
    attachment = session.exec(query).first() if isinstance(attachment_id, int) else None
    if attachment is None:
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=None,
             details={"attachment_id": str(attachment_id)[:40]})
    return attachment, open_case(session, actor, attachment.case_type, attachment.case_id, action=action)


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes
    sha256: str


def download(session: Session, actor: Actor, attachment_id: int, reason: str | None = None) -> Download:
    """The file as it was attached, byte for byte; the download is an audit entry with the reason."""
    attachment, case = _attachment(session, actor, attachment_id, "attachment.download", with_content=True)
    recorded = access_reason(actor, is_assignee=case.handles, reason=reason)
    content = readable(session, attachment)
    _record(session, actor, "attachment.download", case, attachment_id=attachment.id, reason=recorded,
            sha256=attachment.sha256, size=attachment.size)
    return Download(attachment.filename, attachment.media_type, content, attachment.sha256)


def readable(session: Session, attachment: CaseAttachment) -> bytes:
    """The file as uploaded: decrypted when stored encrypted and checked against the
    recorded SHA-256 and size. case_keys.Shredded when its key was destroyed at the end of
    the retention period (the same message as a registry document), case_keys.Tampered
    when the stored bytes or the key were changed behind the application's back."""
    stored = bytes(attachment.content)
    if attachment.envelope_sha256 is None:
        return stored
    if evidence.sha256_hex(stored) != attachment.envelope_sha256.lower():
        raise case_keys.Tampered(what=label(attachment.id, attachment.case_ref))
    plain = case_keys.open_envelope(session, stored, _row_purpose(attachment), attachment.case_type,
                                    attachment.case_id)
    if evidence.sha256_hex(plain) != attachment.sha256.lower() or len(plain) != attachment.size:
        raise case_keys.Tampered(what=label(attachment.id, attachment.case_ref))
    return plain


def verify(session: Session, actor: Actor, attachment_id: int) -> AttachmentCheck:
    """Hash the stored bytes again and compare with the SHA-256 recorded at upload."""
    attachment, case = _attachment(session, actor, attachment_id, "attachment.verify", with_content=True)
    if attachment.envelope_sha256 is None:
        actual = evidence.sha256_hex(bytes(attachment.content))
        intact = actual == attachment.sha256.lower() and len(attachment.content) == attachment.size
    else:  # the stored bytes against their envelope hash, and the file itself while its key exists
        check = evidence.verify_stored(session, CaseAttachment, CaseAttachment.case_ref, label, sealed=_row_purpose,
                                       only=attachment.id)
        intact = check.intact
        actual = check.mismatches[0].actual if check.mismatches else attachment.sha256
    _record(session, actor, "attachment.verify", case, attachment_id=attachment.id, intact=intact,
            recorded=attachment.sha256, actual=actual)
    return AttachmentCheck(attachment.id, attachment.filename, intact, attachment.sha256, actual)


def label(attachment_id: int, case_ref: str) -> str:
    """How the verify-documents report names an attachment (no file name: it may name the person)."""
    return f"{case_ref} / PJ-{attachment_id}"


def verify_attachments(session: Session, batch: int = 50) -> evidence.DocumentCheck:
    """Every attachment's bytes hashed again against the SHA-256 and size recorded at upload
    (run by `manage.py verify-documents` with the registry's own check)."""
    return evidence.verify_stored(session, CaseAttachment, CaseAttachment.case_ref, label, batch=batch,
                                  sealed=_row_purpose)
