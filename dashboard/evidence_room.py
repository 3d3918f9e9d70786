"""The evidence room: find the documents the application has issued, read their
versions, download them as issued, and file the hand-signed copy of one.

Lists are filtered and paginated in SQL and never load the documents' bytes.
Downloading from the room asks for a reason, as any access to personal data
outside one's own case does (dashboard.access).
"""

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from dashboard import evidence
from dashboard.access import ReasonRequired, access_reason
from dashboard.actor import Actor
from dashboard.errors import RuleViolation
from dashboard.i18n import translate
from dashboard.permissions import require_writer
from dashboard.sql_filters import contains_text, paris_day_range
from dashboard.validation import validate
from models.evidence import EvidenceDocument

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # as .streamlit/config.toml's server.maxUploadSize
PDF_MAGIC = b"%PDF-"
SIGNED_SUFFIX = ".signed"  # kind of a signed copy: "<kind of the original>.signed"


@dataclass(frozen=True)
class DocumentFilter:
    entity_id: int | None = None
    kind: str = ""
    case_ref: str = ""  # part of the case reference, any case
    text: str = ""  # part of the number, title or file name
    date_from: date | None = None  # issue day in Paris, inclusive
    date_to: date | None = None


@dataclass(frozen=True)
class DocumentRow:
    """A document without its bytes, with the versions before and after it."""

    id: int
    number: str
    title: str
    kind: str
    case_type: str
    case_ref: str
    entity_id: int | None
    filename: str
    media_type: str
    size: int
    sha256: str
    verification_code: str
    issued_at: datetime
    issued_by_name: str
    supersedes_id: int | None = None
    supersedes_number: str = ""
    superseded_by_id: int | None = None
    superseded_by_number: str = ""


@dataclass(frozen=True)
class DocumentPage:
    rows: list[DocumentRow]
    total: int
    page: int
    page_size: int


def _conditions(actor: Actor, flt: DocumentFilter) -> list:
    doc = EvidenceDocument
    conditions = [evidence.visible_condition(actor), *paris_day_range(flt.date_from, flt.date_to, doc.issued_at)]
    if flt.entity_id is not None:
        conditions.append(doc.entity_id == flt.entity_id)
    if flt.kind:
        conditions.append(doc.kind == flt.kind)
    if flt.case_ref.strip():
        conditions.append(contains_text(doc.case_ref, flt.case_ref))
    if flt.text.strip():
        conditions.append(or_(*(contains_text(column, flt.text) for column in (doc.number, doc.title, doc.filename))))
    return conditions


def _rows_query(*conditions):
    older, newer = aliased(EvidenceDocument), aliased(EvidenceDocument)
    doc = EvidenceDocument
    return (
        select(doc.id, doc.number, doc.title, doc.kind, doc.case_type, doc.case_ref, doc.entity_id, doc.filename,
               doc.media_type, doc.size, doc.sha256, doc.verification_code, doc.issued_at, doc.issued_by_name,
               doc.supersedes_id, older.number, newer.id, newer.number)
        .outerjoin(older, older.id == doc.supersedes_id)
        .outerjoin(newer, newer.supersedes_id == doc.id)
        .where(*conditions)
    )


def _row(values) -> DocumentRow:
    *fields, supersedes_number, newer_id, newer_number = values
    return DocumentRow(*fields, supersedes_number=supersedes_number or "", superseded_by_id=newer_id,
                       superseded_by_number=newer_number or "")


def count_documents(session: Session, actor: Actor, flt: DocumentFilter) -> int:
    return session.exec(select(func.count()).select_from(EvidenceDocument).where(*_conditions(actor, flt))).one()


def search_documents(session: Session, actor: Actor, flt: DocumentFilter, page: int = 1,
                     page_size: int = 25) -> DocumentPage:
    """One page of the documents the actor may see, newest first."""
    total = count_documents(session, actor, flt)
    page = max(1, page)
    rows = session.exec(_rows_query(*_conditions(actor, flt))
                        .order_by(EvidenceDocument.issued_at.desc(), EvidenceDocument.id.desc())
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return DocumentPage([_row(r) for r in rows], total, page, page_size)


def list_kinds(session: Session, actor: Actor) -> list[str]:
    """The kinds of document the actor may see, for the filter."""
    return list(session.exec(select(EvidenceDocument.kind).where(evidence.visible_condition(actor))
                             .distinct().order_by(EvidenceDocument.kind)))


def document_detail(session: Session, actor: Actor, document_id: int) -> DocumentRow:
    evidence.get_visible(session, actor, document_id, action="evidence.view")
    return _row(session.exec(_rows_query(EvidenceDocument.id == document_id)).one())


def stated_reason(actor: Actor, reason: str) -> str:
    """Documents hold personal data: consulting them from the room takes a stated reason."""
    if not (reason or "").strip():
        raise ReasonRequired("evidence.reason_required")
    return access_reason(actor, is_assignee=False, reason=reason)


def download(session: Session, actor: Actor, document_id: int, reason: str) -> EvidenceDocument:
    """A document from the room, byte for byte, for a stated reason (logged)."""
    return evidence.download_document(session, actor, document_id, reason=stated_reason(actor, reason))


class SignedCopy(BaseModel):
    filename: str = Field(min_length=1, max_length=200)
    content: bytes

    @field_validator("content")
    @classmethod
    def _a_pdf_within_the_limit(cls, value: bytes) -> bytes:
        if len(value) > MAX_UPLOAD_BYTES:
            raise PydanticCustomError("evidence.file_too_large", "The file is too large.",
                                      {"limit_mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        if not value.startswith(PDF_MAGIC):
            raise PydanticCustomError("evidence.signed_copy_not_pdf", "The signed copy must be a PDF.")
        return value


def record_signed_copy(session: Session, actor: Actor, document_id: int, filename: str,
                       content: bytes) -> EvidenceDocument:
    """File the scan of the printed, hand-signed document as its newer version: the
    scan is kept byte for byte and supersedes the generated one (both are kept)."""
    require_writer(session, actor, action="evidence.signed_copy", object_type="evidence_document",
                   object_id=document_id)
    original = evidence.get_visible(session, actor, document_id, action="evidence.signed_copy")
    if original.media_type != "application/pdf":
        raise RuleViolation("evidence.signed_copy_of_pdf_only", number=original.number)
    data = validate(SignedCopy, {"filename": filename, "content": content})
    kind = original.kind if original.kind.endswith(SIGNED_SUFFIX) else f"{original.kind}{SIGNED_SUFFIX}"
    title = original.title if original.kind.endswith(SIGNED_SUFFIX) else translate(
        "evidence.signed_copy_title", original.language, title=original.title)
    return evidence.issue_document(
        session, actor, kind=kind[:60], title=title[:300],
        filename=data.filename, media_type="application/pdf", build=lambda _stamp: data.content,
        language=original.language, case_type=original.case_type, case_id=original.case_id,
        case_ref=original.case_ref, entity_id=original.entity_id, supersedes=original,
    )
