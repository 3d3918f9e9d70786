"""The evidence registry: issue a document (build, hash, keep byte for byte) and
find it again. Every issue and every download is an audit entry."""

import hashlib

from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.permissions import deny, require, require_writer
from dashboard.references import next_reference
from exports.stamp import Builder, DocumentStamp
from models.evidence import EvidenceDocument, new_verification_code, normalise_code
from models.roles import Capability
from models.types import utcnow


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unused_code(session: Session) -> str:
    while True:
        code = new_verification_code()
        if find_by_code(session, code) is None:
            return code


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
) -> EvidenceDocument:
    """Reserve a number and a verification code, build the document with them, and
    record it. The caller has already checked that the actor may issue it."""
    require_writer(session, actor, action=f"evidence.issue:{kind}", object_type=case_type,
                   object_id=case_id, object_ref=case_ref)
    issued_at = utcnow()
    stamp = DocumentStamp(
        number=next_reference(session, "DOC", issued_at),
        verification_code=_unused_code(session),
        issued_at=issued_at,
        issued_by=actor.full_name,
        language=language,
    )
    content = build(stamp)
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
        size=len(content),
        sha256=sha256_hex(content),
        content=content,
        issued_at=issued_at,
        issued_by_id=actor.user_id,
        issued_by_name=actor.full_name,
        supersedes_id=supersedes.id if supersedes else None,
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor,
        "evidence.issue",
        object_type="evidence_document",
        object_id=document.id,
        object_ref=document.number,
        entity_id=entity_id,
        details={"kind": kind, "sha256": document.sha256, "case_ref": case_ref,
                 "supersedes": supersedes.number if supersedes else None},
    )
    return document


def find_by_code(session: Session, code: str) -> EvidenceDocument | None:
    return session.exec(
        select(EvidenceDocument).where(EvidenceDocument.verification_code == normalise_code(code))
    ).first()


def find_by_sha256(session: Session, digest: str) -> EvidenceDocument | None:
    return session.exec(select(EvidenceDocument).where(EvidenceDocument.sha256 == digest.lower())).first()


def download_document(session: Session, actor: Actor, document_id: int) -> EvidenceDocument:
    """The document as issued, byte for byte; the download is an audit entry."""
    require(session, actor, Capability.READ_EVIDENCE, action="evidence.download",
            object_type="evidence_document", object_id=document_id)
    document = session.get(EvidenceDocument, document_id)
    if document is None:
        deny(session, actor, action="evidence.download", object_type="evidence_document",
             object_id=document_id)
    audit.record(
        session,
        actor,
        "evidence.download",
        object_type="evidence_document",
        object_id=document.id,
        object_ref=document.number,
        entity_id=document.entity_id,
        details={"case_ref": document.case_ref},
    )
    return document
