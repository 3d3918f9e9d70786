"""Is this the document we issued? Answers for a file dropped on the page, a
verification code read off a printed copy, or a SHA-256 fingerprint.

- The file's SHA-256 is in the registry: issued (which document, when, by whom).
- A file of an audit pack (any file of its ZIP, the manifests included, recorded with
  its SHA-256 when the pack was built: models.evidence.EvidencePackFile): part of the pack.
- A PDF whose footer or metadata names a document of the registry (its
  verification code or number) but whose bytes differ: altered — it is not the
  document issued under that number.
- Anything else is unknown; codes or numbers it shows that the registry never
  issued are reported as such (a forged footer).

Document numbers are sequential, hence guessable: typed in, they reveal nothing;
only the random verification code and the fingerprint do. Every verification is an
audit entry, whatever its outcome.

What a document is (number, title, case, entity, fingerprint, issuer, a pack's file
names) is told only to a user who may see that document (`evidence.visible_condition`,
the rule of the document list and of downloads); anyone else learns the outcome alone,
issued, part of a pack, altered or unknown (`Verification.withheld`). The audit entry
names the document in every case.
"""

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from dashboard import audit, evidence
from dashboard.actor import Actor
from dashboard.evidence_room import MAX_UPLOAD_BYTES, PDF_MAGIC
from dashboard.validation import problem
from models.evidence import EvidenceDocument, EvidencePackFile, normalise_code
from models.org import Entity

_CODE_CHARS = "[0-9A-HJKMNP-TV-Z]"
CODE_PATTERN = re.compile(rf"\b({_CODE_CHARS}{{4}}-{_CODE_CHARS}{{4}}-{_CODE_CHARS}{{4}})\b")
NUMBER_PATTERN = re.compile(r"\b(DOC-\d{4}-\d{4,})\b")
SHA256_PATTERN = re.compile(r"[0-9a-fA-F]{64}")
_FOOTER_CODE = re.compile(r"(?:CODE DE VÉRIFICATION|VERIFICATION CODE)\s*:?\s*" + CODE_PATTERN.pattern)
_RAW_KEYWORDS = re.compile(r"/Keywords\s*\(([^)]{0,500})\)")
_PAGES_READ = 3  # the first two pages and the last: every page carries the footer
_MAX_CLAIMS = 20


class Outcome(StrEnum):
    ISSUED = "issued"
    IN_PACK = "in_pack"
    ALTERED = "altered"
    UNKNOWN = "unknown"
    EMPTY = "empty"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class DocumentFacts:
    id: int
    number: str
    title: str
    kind: str
    case_ref: str
    entity_name: str
    filename: str
    sha256: str
    issued_at: object
    issued_by_name: str
    superseded_by: str = ""  # number of the newer version, if any
    visible: bool = False  # the actor may download it (to compare)


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    via: str  # "file", "code" or "sha256"
    sha256: str = ""
    size: int = 0
    document: DocumentFacts | None = None
    claimed: tuple[str, ...] = ()  # codes and numbers read in the file that the registry never issued
    notes: tuple[str, ...] = field(default=())  # catalogue keys explaining the outcome
    pack_file: str = ""  # the file's name in the audit pack
    withheld: bool = False  # a registered document outside the user's scope: outcome only


@dataclass(frozen=True)
class Claims:
    readable: bool
    codes: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()


def _pdf_text(content: bytes) -> tuple[str, str] | None:
    """(keywords, text of the first pages and the last) as pypdf reads them; None if it cannot."""
    try:
        reader = PdfReader(BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        keywords = str((reader.metadata or {}).get("/Keywords", ""))
        pages = list(reader.pages)
        chosen = pages if len(pages) <= _PAGES_READ else [*pages[:_PAGES_READ - 1], pages[-1]]
        return keywords, "\n".join(page.extract_text() or "" for page in chosen)
    except Exception:  # noqa: BLE001 - any damage in a dropped file means "unreadable", the app goes on
        return None


def read_claims(content: bytes) -> Claims:
    """The verification codes and document numbers a PDF claims: codes where DPO Desk
    prints them (after "code de vérification" in the footer, in the metadata keywords),
    numbers anywhere. The raw bytes are read too (the metadata is stored in clear), so
    that a damaged copy still names the document it claims to be."""
    read = _pdf_text(content)
    keywords, text = read or ("", "")
    raw = content.decode("latin-1")
    keywords = " ".join([keywords, *_RAW_KEYWORDS.findall(raw)]).upper()
    codes = _FOOTER_CODE.findall(text.upper()) + CODE_PATTERN.findall(keywords)
    numbers = NUMBER_PATTERN.findall(f"{text}\n{raw}".upper())
    return Claims(read is not None, tuple(dict.fromkeys(codes))[:_MAX_CLAIMS],
                  tuple(dict.fromkeys(numbers))[:_MAX_CLAIMS])


def _facts(session: Session, actor: Actor, document: EvidenceDocument) -> DocumentFacts:
    entity = session.get(Entity, document.entity_id) if document.entity_id else None
    newer = evidence.successor_of(session, document.id)
    visible = session.exec(select(EvidenceDocument.id).where(
        EvidenceDocument.id == document.id, evidence.visible_condition(actor))).first() is not None
    return DocumentFacts(document.id, document.number, document.title, document.kind, document.case_ref,
                         entity.name if entity else "", document.filename, document.sha256, document.issued_at,
                         document.issued_by_name, newer.number if newer else "", visible)


def _record(session: Session, actor: Actor, result: Verification, given: str) -> Verification:
    document = result.document
    audit.record(session, actor, "evidence.verify", object_type="evidence_document" if document else "",
                 object_id=document.id if document else None, object_ref=document.number if document else "",
                 details={"outcome": str(result.outcome), "via": result.via, "given": given[:120],
                          "sha256": result.sha256, "size": result.size, "claimed": list(result.claimed),
                          "pack_file": result.pack_file})
    if document is not None and not document.visible:
        return replace(result, document=None, pack_file="", claimed=(), withheld=True)
    return result


def _lookup(session: Session, model_attr, values: tuple[str, ...]) -> EvidenceDocument | None:
    if not values:
        return None
    return session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content))
                        .where(model_attr.in_(values)).order_by(EvidenceDocument.id)).first()


def _in_pack(session: Session, actor: Actor, digest: str, via: str, size: int = 0) -> Verification | None:
    """A file of an audit pack, found by its SHA-256 among the files recorded when packs were built."""
    row = session.exec(select(EvidencePackFile).where(EvidencePackFile.sha256 == digest)
                       .order_by(EvidencePackFile.pack_id, EvidencePackFile.id)).first()
    if row is None:
        return None
    pack = session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content))
                        .where(EvidenceDocument.id == row.pack_id)).one()
    return Verification(Outcome.IN_PACK, via, digest, size, document=_facts(session, actor, pack), pack_file=row.name)


def _pack_file(session: Session, pack: EvidenceDocument, digest: str) -> str:
    """The file of this pack with that SHA-256, from the files recorded when it was built
    (the pack itself, up to the size limit, is not read)."""
    return session.exec(select(EvidencePackFile.name).where(EvidencePackFile.pack_id == pack.id,
                                                            EvidencePackFile.sha256 == digest)
                        .order_by(EvidencePackFile.id)).first() or ""


def _check_pdf(session: Session, actor: Actor, content: bytes, digest: str) -> Verification:
    base = {"via": "file", "sha256": digest, "size": len(content)}
    claims = read_claims(content)
    damaged = () if claims.readable else ("evidence.verify.note.unreadable_pdf",)
    by_code = _lookup(session, EvidenceDocument.verification_code, claims.codes)
    by_number = _lookup(session, EvidenceDocument.number, claims.numbers)
    referenced = by_code or by_number
    known = {referenced.verification_code, referenced.number} if referenced else set()
    claimed = tuple(c for c in (*claims.codes, *claims.numbers) if c not in known)
    if referenced is None:
        notes = (*damaged, "evidence.verify.note.forged") if claimed else damaged or ("evidence.verify.note.no_stamp",)
        return Verification(Outcome.UNKNOWN, **base, claimed=claimed, notes=notes)
    if referenced.kind == evidence.PACK_KIND:
        name = _pack_file(session, referenced, digest)
        if name:
            return Verification(Outcome.IN_PACK, **base, document=_facts(session, actor, referenced), pack_file=name)
    notes = ["evidence.verify.note.altered", *damaged]
    if by_number is not None and by_number.verification_code not in claims.codes:
        notes.append("evidence.verify.note.code_mismatch")
    return Verification(Outcome.ALTERED, **base, document=_facts(session, actor, referenced), claimed=claimed,
                        notes=tuple(notes))


def verify_file(session: Session, actor: Actor, filename: str, content: bytes) -> Verification:
    """What the registry says of a file dropped on the page (any signed-in user)."""
    size = len(content)
    if size == 0:
        result = Verification(Outcome.EMPTY, "file")
    elif size > MAX_UPLOAD_BYTES:
        result = Verification(Outcome.TOO_LARGE, "file", size=size)
    else:
        digest = evidence.sha256_hex(content)
        issued = evidence.find_by_sha256(session, digest)
        packed = None if issued is not None else _in_pack(session, actor, digest, "file", size)
        if issued is not None:
            result = Verification(Outcome.ISSUED, "file", digest, size, _facts(session, actor, issued))
        elif packed is not None:
            result = packed
        elif PDF_MAGIC not in content[:1024]:
            result = Verification(Outcome.UNKNOWN, "file", digest, size, notes=("evidence.verify.note.not_pdf",))
        else:
            result = _check_pdf(session, actor, content, digest)
    return _record(session, actor, result, filename)


def verify_reference(session: Session, actor: Actor, text: str) -> Verification:
    """A verification code read off a printed copy, or a SHA-256 fingerprint
    (for a file too large to drop, such as a big audit pack)."""
    given = (text or "").strip()
    if SHA256_PATTERN.fullmatch(given):
        digest = given.lower()
        issued = evidence.find_by_sha256(session, digest)
        packed = None if issued else _in_pack(session, actor, digest, "sha256")
        result = packed or Verification(Outcome.ISSUED if issued else Outcome.UNKNOWN, "sha256", digest,
                                        document=_facts(session, actor, issued) if issued else None)
        return _record(session, actor, result, given)
    code = normalise_code(given)
    if not CODE_PATTERN.fullmatch(code):
        raise problem("reference", "evidence.verify.reference_format")
    issued = evidence.find_by_code(session, code)
    result = Verification(Outcome.ISSUED if issued else Outcome.UNKNOWN, "code",
                          document=_facts(session, actor, issued) if issued else None)
    return _record(session, actor, result, code)
