"""Files attached to a case (a request, a breach, a processor's file, a DPIA): the letter
or e-mail received, the data extract sent, a processor's attestation, a signed
contract, an audit report. Kept byte for byte with their SHA-256, like the documents
the application issues (models.evidence); rows are never updated nor deleted —
migration 0022 installs the same triggers as the evidence registry's. Files of requests
and breaches are stored encrypted under their case's key (dashboard/attachments.py,
`envelope_sha256`) so that the end of the retention period can make them unreadable.

The declared kind comes from a fixed list. "identity_document" is in the list only so
that the refusal can say why: the tool records that identity was verified, never a
copy of the identity card (minimisation, Art. 5(1)(c); CNIL, droit d'accès, 2023).
"""

import io
import re
import unicodedata
import zipfile
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

CASE_TYPES = ("dsr", "breach", "processor", "dpia")
KINDS = ("incoming_letter", "incoming_email", "data_extract", "processor_attestation", "signed_contract",
         "audit_report", "other", "identity_document")
REFUSED_KINDS = frozenset({"identity_document"})
ACCEPTED_KINDS = tuple(k for k in KINDS if k not in REFUSED_KINDS)

MAX_FILENAME = 200
MAX_DESCRIPTION = 300
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A ZIP (or XLSX) is opened only to count and bound what it would unpack to.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # per member: 1 KB compressed never stands for more than 100 KB

# Types accepted, by what the bytes are, and the file-name extensions each may carry.
EXTENSIONS = {
    "pdf": (".pdf",),
    "eml": (".eml",),
    "zip": (".zip",),
    "xlsx": (".xlsx",),
    "csv": (".csv", ".txt"),
    "json": (".json",),
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "eml": "message/rfc822",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}


class CaseAttachment(SQLModel, table=True):
    __tablename__ = "case_attachment"
    # A file is attached to a case once: two people (or a double click) sending it at once keep one.
    __table_args__ = (Index("uq_case_attachment_file", "case_type", "case_id", "sha256", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=40, index=True)
    case_id: int = Field(index=True)
    case_ref: str = Field(default="", max_length=60, index=True)
    entity_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)
    kind: str = Field(max_length=40)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    filename: str = Field(max_length=MAX_FILENAME)
    file_type: str = Field(max_length=10)  # a key of EXTENSIONS, as read from the bytes
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, index=True)  # of the file as uploaded
    # Of the stored bytes when they are the file encrypted under its case's key (requests and
    # breaches, dashboard/attachments.py); None when the file is stored in clear.
    envelope_sha256: Optional[str] = Field(default=None, max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = Field(sa_type=UTCDateTime, index=True)
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    uploaded_by_name: str = Field(default="", max_length=200)


def pseudonymised_filename(attachment_id: int, file_type: str) -> str:
    """The name an attachment keeps once its case's period ended (the description goes too): the
    only change case_attachment's trigger lets through (migration 0035)."""
    return f"PJ-{attachment_id}.{file_type}"


class FileRefused(Exception):
    """Why a file is not accepted: a catalogue key and its parameters."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def clean_filename(name: str | None) -> str:
    """The name to keep and to offer at download: the last path segment only (no
    "../", no drive or folder), no control or reserved characters, at most
    MAX_FILENAME characters with the extension kept. Empty if nothing usable is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").split("/")[-1]
    text = _UNSAFE.sub("", text).strip().strip(".").strip()
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:10] if dot else ""
        text = (stem if dot else text)[:MAX_FILENAME - len(ext) - 1].rstrip() + (f".{ext}" if ext else "")
    return text


def _check_zip(content: bytes, *, max_members: int, max_unpacked: int) -> zipfile.ZipFile:
    """Open the archive, refuse it if it would unpack beyond the bounds: counted from the
    headers first, then by reading each member in chunks and stopping at the bound
    (headers can lie). Nothing is written anywhere."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise FileRefused("attachment.refused.bad_zip") from None
    if len(members) > max_members:
        raise FileRefused("attachment.refused.zip_bomb")
    declared = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRefused("attachment.refused.zip_encrypted")
        declared += member.file_size
        if declared > max_unpacked or member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1024):
            raise FileRefused("attachment.refused.zip_bomb")
        if member.filename.lower().endswith((".zip", ".7z", ".rar", ".gz")):
            raise FileRefused("attachment.refused.zip_nested")
    unpacked = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                member_bytes = 0
                while chunk := stream.read(64 * 1024):
                    unpacked += len(chunk)
                    member_bytes += len(chunk)
                    if unpacked > max_unpacked or member_bytes > member.file_size:
                        raise FileRefused("attachment.refused.zip_bomb")
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - a damaged member (CRC, truncated, unsupported method) is a bad archive
        raise FileRefused("attachment.refused.bad_zip") from None
    return archive


def _text(content: bytes) -> str | None:
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\r\n\t\f")
        return None if controls else text
    return None


_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,76}:[ \t]?", re.MULTILINE)
_MAIL_HEADERS = {b"from", b"to", b"date", b"subject", b"received", b"message-id", b"return-path",
                 b"mime-version", b"delivered-to"}


def _is_email(content: bytes) -> bool:
    """An RFC 5322 message: it starts with header lines, among them From and one of
    Date, Subject or Message-ID, before the first blank line."""
    head = content[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not _HEADER.match(head) or _text(head) is None:
        return False
    names = {m.group(0).split(b":", 1)[0].lower() for m in _HEADER.finditer(head)}
    return b"from" in names and bool(names & {b"date", b"subject", b"message-id"}) and len(names & _MAIL_HEADERS) >= 2


def sniff(content: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
          max_unpacked: int = ZIP_MAX_UNPACKED) -> str:
    """What the bytes are (a key of EXTENSIONS), or FileRefused: empty, too large, a type
    not accepted, bytes that are not what the extension says, a ZIP bomb."""
    if not content:
        raise FileRefused("attachment.refused.empty")
    if len(content) > max_bytes:
        raise FileRefused("attachment.refused.too_large", size_mb=round(len(content) / 1048576, 1),
                          max_mb=round(max_bytes / 1048576, 1))
    extension = "." + filename.rpartition(".")[2].lower() if "." in filename else ""
    claimed = next((t for t, exts in EXTENSIONS.items() if extension in exts), None)
    if claimed is None:
        raise FileRefused("attachment.refused.type", allowed=", ".join(e for x in EXTENSIONS.values() for e in x))
    if content.startswith(b"%PDF-"):
        actual = "pdf" if b"%%EOF" in content[-2048:] else None
        if actual is None:
            raise FileRefused("attachment.refused.bad_pdf")
    elif content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        archive = _check_zip(content, max_members=ZIP_MAX_MEMBERS, max_unpacked=max_unpacked)
        names = set(archive.namelist())
        actual = "xlsx" if {"[Content_Types].xml", "xl/workbook.xml"} <= names else "zip"
    elif _is_email(content):
        actual = "eml"
    elif (text := _text(content)) is not None:
        actual = "csv"
        if claimed == "json":
            import json  # noqa: PLC0415 - only for this branch
            try:
                json.loads(text)
                actual = "json"
            except ValueError:
                actual = "csv"
    else:
        actual = None
    if actual != claimed:
        if claimed == "pdf":
            raise FileRefused("attachment.refused.bad_pdf")
        raise FileRefused("attachment.refused.mismatch", extension=extension)
    return actual
