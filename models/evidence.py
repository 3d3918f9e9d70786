"""The evidence registry: every document the application issues, kept byte for byte.

Rows are never updated nor deleted: migration 0004 installs database triggers that
refuse both, so that even a direct SQL statement cannot rewrite or remove evidence.
A correction is a new row that `supersedes` the older one.

A document built into a file (an audit pack, up to 200 MiB) is stored in `EvidenceChunk`
rows, a MiB each, its row's `content` empty: whatever the table, a document's stored bytes
are its `content` followed by its chunks in `seq` order (dashboard/evidence.py reads and
verifies them so). A document sealed under a case key and built into a file (an audit pack,
since migration 0036) has one envelope per chunk, each bound to the document's number and the
chunk's place.
"""

import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

# Crockford's base32 alphabet: no I, L, O, U, so that a code read off paper is unambiguous.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class EvidenceDocument(SQLModel, table=True):
    __tablename__ = "evidence_document"

    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True, index=True)  # DOC-2026-0001
    verification_code: str = Field(max_length=20, unique=True, index=True)
    kind: str = Field(max_length=60, index=True)  # e.g. "dsr.destruction_certificate"
    title: str = Field(max_length=300)
    case_type: str = Field(default="", max_length=40, index=True)
    case_id: Optional[int] = Field(default=None, index=True)
    case_ref: str = Field(default="", max_length=60, index=True)
    entity_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)
    filename: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    language: str = Field(default="fr", max_length=2)
    size: int
    sha256: str = Field(max_length=64, index=True)  # of the document as issued (the PDF)
    # Stored encrypted under its case's key (crypto-shredding, dashboard/case_keys.py):
    # `content` is then the envelope and this its SHA-256. None: stored in clear.
    envelope_sha256: Optional[str] = Field(default=None, max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    issued_at: datetime = Field(sa_type=UTCDateTime, index=True)
    issued_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    issued_by_name: str = Field(default="", max_length=200)
    # The older version this one replaces. Unique: a version is superseded at most once,
    # so the versions of a document form a single line, never a fork.
    supersedes_id: Optional[int] = Field(default=None, foreign_key="evidence_document.id", unique=True,
                                         index=True)


class EvidenceChunk(SQLModel, table=True):
    """A MiB of a document built into a file, in order. Inserted with its document, never
    changed (migration 0033's triggers refuse UPDATE, DELETE and a replacing INSERT, as for the
    document). Why not the document's own `content`: SQLite cannot insert a large value a piece at
    a time into a row that has a BEFORE INSERT trigger (the registry's, against REPLACE) without
    holding all of it in memory; a row per MiB is an ordinary insert on both databases."""

    __tablename__ = "evidence_chunk"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="evidence_document.id")  # indexed by the unique (document_id, seq)
    seq: int  # 0, 1, 2...: the order of the bytes
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class EvidencePackFile(SQLModel, table=True):
    """One file inside an audit pack (models.evidence.EvidenceDocument of kind
    evidence.audit_pack), with its SHA-256, recorded when the pack is built: every file
    of the pack, the manifests included (a manifest cannot list its own hash), so that the
    verification page recognises any of them. Written once with the pack, never changed."""

    __tablename__ = "evidence_pack_file"

    id: Optional[int] = Field(default=None, primary_key=True)
    pack_id: int = Field(foreign_key="evidence_document.id", index=True)
    name: str = Field(max_length=300)  # path inside the ZIP
    sha256: str = Field(max_length=64, index=True)
    size: int


PACK_CASE_TYPE = "audit_pack"  # the key an audit pack is sealed under (dashboard/audit_pack.py)


class AuditPackCover(SQLModel, table=True):
    """A request or a breach whose personal data an audit pack holds: one of its documents
    (decrypted into the pack), or its narrative in a breach register printed into it. The
    pack is stored encrypted under a key of its own (case key `audit_pack`, `pack_key`),
    which the own-retention job destroys as soon as any case it covers reaches the end of
    its period (dashboard/own_retention.py). Written once with the pack."""

    __tablename__ = "audit_pack_cover"
    # the job looks a case up
    __table_args__ = (UniqueConstraint("pack_key", "case_type", "case_id"),
                      Index("ix_audit_pack_cover_case", "case_type", "case_id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    pack_key: int = Field(index=True)  # the case id of the pack's key and document
    case_type: str = Field(max_length=40)  # "dsr" or "breach"
    case_id: int


def new_verification_code() -> str:
    """A random 12-character code printed on the document, grouped as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    """Accept a code as typed: any case, spaces, and the letters people confuse."""
    cleaned = text.upper().replace(" ", "").replace("-", "")
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}" if len(cleaned) == 12 else cleaned
