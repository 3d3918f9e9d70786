"""The audit pack: one download for an inspection, for a period and an entity.

A ZIP (exports.audit_pack) of the documents issued in the period, byte for byte
(every version), the audit-trail export of the period, the registers other case
types contribute, a signed hand-over slip, a README and the manifests of SHA-256.
The pack itself is recorded in the evidence registry (its own hash, a number and a
verification code), so that the copy handed over can be checked later.

Building a pack reads; it changes no record. Auditors, who change nothing, may
therefore build one: the registry keeps it as a record of what was handed to whom.

Contributors: each case type with something to put in the pack (register extract,
breach register...) lists in CONTRIBUTORS a function
`(session, actor, scope: PackScope) -> list[tuple[str, bytes]]` returning file
names and contents for the period and entity, limited to what the actor may see.
It must not write: the actor may be an auditor. PDFs it builds may carry the pack's
own stamp (scope.stamp) in their footer: the verification page then recognises
them as files of this pack. A contributor that prints a request's or a breach's
personal data adds the case to `scope.covers`.

The pack holds, decrypted, what the retention job later destroys (documents of
requests and breaches, breach narratives): it is stored encrypted under a key of its
own (case type "audit_pack", a number of the APK counter), and the cases it holds are
recorded (models.evidence.AuditPackCover), so that the job destroys the pack's key as
soon as any of them reaches the end of its period (dashboard/own_retention.py). A pack
during whose build the job pseudonymised a case it read is refused (`_refuse_if_retained`).
"""

import importlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain as chained

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func
from sqlmodel import Session, select

from dashboard import audit_anchor, audit_trail, case_keys, evidence, organisation
from dashboard.actor import Actor
from dashboard.errors import RuleViolation
from dashboard.evidence_room import stated_reason
from dashboard.i18n import Translator
from dashboard.permissions import deny, require, require_entity
from dashboard.sql_filters import paris_day_range
from dashboard.validation import problem, validate
from exports.audit_pack import DOCUMENTS_DIR, REGISTERS_DIR, TRAIL_FILE, Listed, PackFile, PackInfo, safe_name, write_pack
from exports.stamp import DocumentStamp
from dashboard.references import next_number
from models.breach import EXTRACT_CASE_TYPE, Breach, BreachRegisterCover
from models.evidence import PACK_CASE_TYPE, AuditPackCover, EvidenceDocument, EvidencePackFile
from models.org import Entity
from models.own_retention import TABLES
from models.roles import Capability

# "module:function" entries; each case type appends its line.
CONTRIBUTORS: list[str] = [
    "dashboard.register_io:pack_contribution",
    "dashboard.dsr.queries:pack_contribution",
    "dashboard.breach.documents:pack_contribution",
    "dashboard.processor.documents:pack_contribution",
]

CHECKPOINTS_FILE = "journal-audit-points-de-controle.log"  # the chain's signed checkpoints (audit_anchor)
MAX_DOCUMENTS_BYTES = 200 * 1024 * 1024  # the period's documents; beyond, narrow the period
MAX_PERIOD_DAYS = 3 * 366
IN_MEMORY_BYTES = 8 * 1024 * 1024  # a pack up to this size is built in memory, a larger one in a temporary file


@dataclass(frozen=True)
class PackScope:
    date_from: date
    date_to: date
    entity_id: int | None  # None: every entity
    language: str
    stamp: DocumentStamp  # the pack's number and verification code
    covers: set[tuple[str, int]] = field(default_factory=set)  # (case type, id) whose personal data it holds


Contributor = Callable[[Session, Actor, PackScope], list[tuple[str, bytes]]]


class PackRequest(BaseModel):
    date_from: date
    date_to: date
    entity_id: int | None = None
    reason: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _period(self) -> "PackRequest":
        if self.date_to < self.date_from:
            raise PydanticCustomError("evidence.pack.period_reversed", "The period ends before it starts.")
        if (self.date_to - self.date_from).days >= MAX_PERIOD_DAYS:
            raise PydanticCustomError("evidence.pack.period_too_long", "The period is too long.",
                                      {"years": MAX_PERIOD_DAYS // 366})
        return self


@dataclass(frozen=True)
class PackResult:
    document_id: int
    number: str
    verification_code: str
    filename: str
    sha256: str
    size: int  # the ZIP itself stays in the registry: pack_content() reads it back for the download
    documents: int
    registers: int
    trail_entries: int


def _contributor(path: str) -> Contributor:
    module, function = path.split(":")
    return getattr(importlib.import_module(module), function)


def _document_conditions(actor: Actor, data: PackRequest) -> list:
    conditions = [evidence.visible_condition(actor), EvidenceDocument.kind != evidence.PACK_KIND,
                  *paris_day_range(data.date_from, data.date_to, EvidenceDocument.issued_at)]
    if data.entity_id is not None:
        conditions.append(EvidenceDocument.entity_id == data.entity_id)
    return conditions


def _documents(session: Session, conditions: list, tr: Translator, covers: set) -> Iterator[PackFile]:
    """Every document of the period as issued, read one at a time (decrypted when stored
    encrypted; a document destroyed at the end of its retention period is a short note).
    The cases whose documents it decrypts go into `covers`."""
    doc = EvidenceDocument
    listing = session.exec(select(doc.id, doc.number, doc.filename, doc.title, doc.issued_at, doc.issued_by_name,
                                  doc.case_type, doc.case_id, doc.envelope_sha256)
                           .where(*conditions).order_by(doc.issued_at, doc.id)).all()
    for document_id, number, filename, title, issued_at, issued_by, case_type, case_id, envelope in listing:
        document = session.get(doc, document_id)
        try:
            content = evidence.readable(session, document).content
        except case_keys.Shredded as gone:
            note = tr.message("own_retention.shredded", gone.params) + "\n"
            yield PackFile(f"{DOCUMENTS_DIR}/{number}_{safe_name(filename)}.destroyed.txt", note.encode("utf-8"),
                           "document", number, title, issued_at, issued_by)
            session.expunge(document)
            continue
        if envelope is not None:
            covers.update(_cases_of(session, case_type, case_id))
        yield PackFile(f"{DOCUMENTS_DIR}/{number}_{safe_name(filename)}", bytes(content), "document", number, title,
                       issued_at, issued_by)
        session.expunge(document)  # a long period is read in constant memory


def _cases_of(session: Session, case_type: str, case_id: int | None) -> set[tuple[str, int]]:
    """The requests and breaches whose data a sealed document holds: its own case, or the
    breaches a register extract prints (their narrative, unless pseudonymised)."""
    if case_type == EXTRACT_CASE_TYPE:
        return {("breach", breach_id) for breach_id in session.exec(
            select(BreachRegisterCover.breach_id).join(Breach, Breach.id == BreachRegisterCover.breach_id)
            .where(BreachRegisterCover.extract_id == case_id, Breach.pseudonymised_at.is_(None)))}
    return {(case_type, case_id)} if case_type in TABLES and case_id is not None else set()


def _registers(session: Session, actor: Actor, scope: PackScope) -> Iterator[PackFile]:
    for path in CONTRIBUTORS:
        for name, content in _contributor(path)(session, actor, scope):
            yield PackFile(f"{REGISTERS_DIR}/{safe_name(name)}", content, "register", title=name)


def _chain_sentence(tr: Translator, status: audit_trail.ChainStatus) -> str:
    if status.intact:
        return tr("audit.chain.intact", checked=status.checked)
    return f"{tr(status.problem, seq=status.broken_seq)} {tr(status.cause, seq=status.broken_seq)}"


def build_audit_pack(session: Session, actor: Actor, request: dict) -> PackResult:
    """Build, record and return the pack for {date_from, date_to, entity_id, reason}."""
    require(session, actor, Capability.READ_EVIDENCE, action="evidence.audit_pack")
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="evidence.audit_pack")
    data = validate(PackRequest, request)
    reason = stated_reason(actor, data.reason)
    # a local correspondent packs one of his entities, never the whole group's (nor another's)
    require_entity(session, actor, data.entity_id, action="evidence.audit_pack", object_type="entity",
                   object_id=data.entity_id)
    entity = session.get(Entity, data.entity_id) if data.entity_id is not None else None
    if data.entity_id is not None and entity is None:
        raise problem("entity_id", "evidence.pack.unknown_entity")
    conditions = _document_conditions(actor, data)
    total_bytes = session.exec(select(func.coalesce(func.sum(EvidenceDocument.size), 0)).where(*conditions)).one()
    if total_bytes > MAX_DOCUMENTS_BYTES:
        raise RuleViolation("evidence.pack.too_large", size_mb=total_bytes // 2**20,
                            limit_mb=MAX_DOCUMENTS_BYTES // 2**20)
    tr = Translator(actor.language)
    trail_filter = audit_trail.TrailFilter(entity_id=data.entity_id, include_unscoped=True,
                                           date_from=data.date_from, date_to=data.date_to)
    trail, trail_entries = audit_trail.trail_export(session, actor, trail_filter, tr.language)
    chain = _chain_sentence(tr, audit_trail.chain_status(session))
    entity_name = entity.name if entity else tr("evidence.pack.all_entities")
    period = {"date_from": tr.date(data.date_from), "date_to": tr.date(data.date_to)}
    title = tr("evidence.pack.title", entity=entity_name, **period)
    zip_name = safe_name(tr("evidence.pack.filename", entity=entity.code if entity else entity_name,
                            date_from=data.date_from.isoformat(), date_to=data.date_to.isoformat()))
    checkpoints = audit_anchor.file_for(audit_anchor.database_label(session))
    counted: dict[str, int] = {"document": 0, "register": 0}

    def files(scope: PackScope) -> Iterator[PackFile]:
        # chained, not unpacked into a tuple: the documents are read one at a time as the ZIP is written
        for file in chained(_documents(session, conditions, tr, scope.covers), (PackFile(TRAIL_FILE, trail, "trail"),
                          PackFile(CHECKPOINTS_FILE, checkpoints, "anchor")), _registers(session, actor, scope)):
            counted[file.source] = counted.get(file.source, 0) + 1
            yield file

    listing: list[Listed] = []
    covers: set[tuple[str, int]] = set()

    def build(stamp: DocumentStamp) -> evidence.FileContent:
        scope = PackScope(data.date_from, data.date_to, data.entity_id, tr.language, stamp, covers)
        info = PackInfo(stamp=stamp, zip_name=zip_name, title=title,
                        header=organisation.issuer_name(session, data.entity_id),
                        entity=entity_name, date_from=data.date_from, date_to=data.date_to, reason=reason,
                        chain=chain, trail_entries=trail_entries,
                        signatories=((tr("evidence.pack.sign.dpo"), entity.dpo_name if entity else ""),
                                     (tr("evidence.pack.sign.recipient"),
                                      actor.full_name if actor.is_read_only else "")))
        listing.extend(write_pack(files(scope), info, tr, target))
        return evidence.FileContent.of(target)

    # The ZIP goes to a temporary file, then into the registry a chunk at a time: the process
    # holds one of the pack's files at a time (and the trail's export), never the pack.
    pack_key = next_number(session, "APK", 0)  # one counter for all years: the key's case id
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES) as target:
        document = evidence.issue_document(
            session, actor, kind=evidence.PACK_KIND, title=title[:300], filename=zip_name,
            media_type="application/zip", build=build, language=tr.language, entity_id=data.entity_id,
            reason=reason, handover=True, case_type=PACK_CASE_TYPE, case_id=pack_key)
    _refuse_if_retained(session, covers)
    session.add_all(AuditPackCover(pack_key=pack_key, case_type=case_type, case_id=case_id)
                    for case_type, case_id in sorted(covers))
    record_pack_files(session, document, listing)
    return PackResult(document.id, document.number, document.verification_code, document.filename, document.sha256,
                      document.size, counted["document"], counted["register"], trail_entries)


LOCK_BATCH = 1000


def _refuse_if_retained(session: Session, covers: set[tuple[str, int]]) -> None:
    """The pack covers only cases it read before their retention (a pseudonymised case's
    documents are notes, its narrative empty). One pseudonymised since, by a retention run
    during the build, was read in clear: the pack is refused, nothing recorded, and built
    again holds the notes. The rows are locked for share first (PostgreSQL; SQLite runs one
    writer at a time): a run that has not committed either waits for this pack, then finds
    its cover and destroys its key, or has committed and is seen here."""
    for kind, table in TABLES.items():
        ids = sorted(case_id for case_type, case_id in covers if case_type == kind)
        for start in range(0, len(ids), LOCK_BATCH):
            # every covered row, not only the pseudonymised ones: a row a run is claiming matches
            # no filter on the value this statement's snapshot has
            states = session.exec(select(table.pseudonymised_at).where(table.id.in_(ids[start:start + LOCK_BATCH]))
                                  .order_by(table.id).with_for_update(read=True)).all()
            if any(state is not None for state in states):
                raise RuleViolation("evidence.pack.retained_meanwhile")


def record_pack_files(session: Session, pack: EvidenceDocument, listing: list[Listed]) -> None:
    """Register the SHA-256 of every file of the pack, the manifests included, so that the
    verification page recognises each of them as part of this pack."""
    for file in listing:
        session.add(EvidencePackFile(pack_id=pack.id, name=file.name[:300], sha256=file.sha256, size=file.size))
    session.flush()


def pack_content(session: Session, actor: Actor, document_id: int) -> bytes:
    """The ZIP of a pack this actor has just built, for the save button of the page that built
    it (the issue is its audit entry; any other copy is a logged download of the evidence room).
    Read from the registry and decrypted a chunk at a time: one copy in memory, the one
    handed to the browser."""
    require(session, actor, Capability.READ_EVIDENCE, action="evidence.audit_pack")
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="evidence.audit_pack")
    pack = evidence.get_visible(session, actor, document_id, action="evidence.audit_pack")
    if pack.kind != evidence.PACK_KIND or pack.issued_by_id != actor.user_id:
        deny(session, actor, action="evidence.audit_pack", object_type="evidence_document", object_id=document_id)
    return bytes(evidence.readable(session, pack).content)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today: what an annual audit usually asks for."""
    return today - timedelta(days=364), today
