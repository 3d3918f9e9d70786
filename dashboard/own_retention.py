"""DPO Desk's own retention job (GDPR Art. 5(1)(e), issue 17 part 3).

`run_own_retention(engine, now)` pseudonymises the cases whose period ended (the rules
and their sources: models/own_retention.py) and destroys their keys; a plain callable,
idempotent and safe to run twice at once, for the worker's job registry and for
`manage.py purge-personal-data [--yes]` (a dry run without --yes).

For each closed request or breach whose period ended and that is not yet pseudonymised:

1. the case is claimed by a conditional UPDATE (`pseudonymised_at IS NULL`) that also
   empties its personal fields: a second run at the same time waits for the first one's
   row lock (PostgreSQL) or write lock (SQLite), then finds nothing left to claim; a
   rerun later finds nothing either;
   With it, a request's answer letter loses its text (the issued PDF is sealed) and a
   breach's person-search text (`search_text`) is recomputed from the fields left;
   its attachments keep a neutral file name (`PJ-<id>.<type>`) and no description;
2. its key is destroyed (dashboard/case_keys.py): its documents in the evidence registry,
   its attachments and the sealed parts of its audit entries become unreadable, their
   SHA-256 and the audit chain still verify (`verify-documents`, `verify-audit --full`);
   so are the keys of the breach register extracts that print a breach (each sealed under
   a key of its own, dashboard/breach/documents.py): an extract goes as soon as any breach
   it covers reaches its period; and the keys of the audit packs that hold the case's
   documents or narrative (dashboard/audit_pack.py), likewise;
3. an `own_retention.pseudonymise` audit entry names the case, the period and the counts.

When a run did anything, a retention certificate (PDF, French) goes into the evidence
registry in the same transaction: what was pseudonymised, counts per kind and period,
what is kept, why and until when, and the documents issued before encryption existed
(migration 0024), which stay in clear and are listed by number.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, update
from sqlmodel import Session, select

from dashboard import attachments, audit, case_keys, db, evidence
from dashboard.actor import SYSTEM
from dashboard.i18n import Translator
from exports.pdf import own_retention_certificate
from models.answer_letter import AnswerLetter
from models.attachment import CaseAttachment, pseudonymised_filename
from models.breach import EXTRACT_CASE_TYPE, Breach, BreachRegisterCover
from models.dsr import DsrRecipient, DsrSearch, DsrSuspension
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from models.evidence import PACK_CASE_TYPE, AuditPackCover, EvidenceDocument
from models.org import Entity
from models.person_search import SEARCH_TEXT_FIELDS, breach_search_text
from models.own_retention import (BREACH_CLEARED, BREACH_CLEARED_JSON, DEFAULT_MONTHS, DSR_CLEARED, KINDS, TABLES,
                                  AuditSealed, OwnRetentionRule, is_due, period_ends, valid_months)
from models.types import as_utc, utcnow

ACTION = "own_retention.pseudonymise"
CERTIFICATE_KIND = "own_retention.certificate"
_CHILDREN = {"dsr": ((DsrSearch, "notes"), (DsrSuspension, "note"), (DsrRecipient, "note"), (DsrFee, "cost_basis"),
                     (DsrFee, "reasons"), (DsrFee, "settled_note"))}


@dataclass(frozen=True)
class Due:
    kind: str
    case_id: int
    reference: str
    entity_id: int
    closed_at: datetime
    months: int
    ended_at: datetime  # the end of its period


@dataclass
class Done:
    due: Due
    documents_shredded: int
    sealed_parts: int
    legacy_documents: tuple[str, ...]
    extracts_shredded: tuple[str, ...] = ()  # numbers of the breach register extracts destroyed with it
    packs_shredded: tuple[str, ...] = ()  # numbers of the audit packs destroyed with it


@dataclass
class RunReport:
    now: datetime
    dry_run: bool
    due: list[Due] = field(default_factory=list)
    done: list[Done] = field(default_factory=list)
    certificate_number: str = ""

    @property
    def count(self) -> int:
        return len(self.due if self.dry_run else self.done)


def months_for(session: Session, entity_id: int, kind: str) -> int:
    rule = session.exec(select(OwnRetentionRule.months).where(OwnRetentionRule.entity_id == entity_id,
                                                              OwnRetentionRule.kind == kind)).first()
    return rule if rule is not None else DEFAULT_MONTHS[kind]


def set_period(session: Session, entity_id: int, kind: str, months: int, *, by: str = "") -> OwnRetentionRule:
    """An entity's period for one kind of case (models/own_retention.py bounds it)."""
    if kind not in KINDS:
        raise RuleViolation("own_retention.unknown_kind", kind=kind)
    if not valid_months(months):
        raise RuleViolation("own_retention.months_out_of_range", months=months)
    if session.get(Entity, entity_id) is None:
        raise RuleViolation("own_retention.unknown_entity", entity=entity_id)
    rule = session.exec(select(OwnRetentionRule).where(OwnRetentionRule.entity_id == entity_id,
                                                       OwnRetentionRule.kind == kind)).first()
    before = rule.months if rule else DEFAULT_MONTHS[kind]
    rule = rule or OwnRetentionRule(entity_id=entity_id, kind=kind, months=months, updated_at=utcnow())
    rule.months, rule.updated_at, rule.updated_by_name = months, utcnow(), by[:200]
    session.add(rule)
    session.flush()
    audit.record(session, SYSTEM, "own_retention.set_period", object_type="entity", object_id=entity_id,
                 entity_id=entity_id, actor_name=by or None, details={"kind": kind, "changes": {"months": [before, months]}})
    return rule


def plan(session: Session, now: datetime) -> list[Due]:
    """The closed cases whose period ended at `now` and that are not pseudonymised yet,
    in a fixed order (kind, id): concurrent runs lock them in the same order."""
    periods: dict[tuple[int, str], int] = {}
    due = []
    for kind in KINDS:
        table = TABLES[kind]
        rows = session.exec(select(table.id, table.reference, table.entity_id, table.closed_at)
                            .where(table.closed_at.is_not(None), table.pseudonymised_at.is_(None),
                                   table.closed_at <= now).order_by(table.id)).all()
        for case_id, reference, entity_id, closed_at in rows:
            months = periods.get((entity_id, kind))
            if months is None:
                months = periods[(entity_id, kind)] = months_for(session, entity_id, kind)
            if is_due(closed_at, months, now):
                due.append(Due(kind, case_id, reference, entity_id, as_utc(closed_at), months,
                               period_ends(closed_at, months)))
    return due


def _claim(session: Session, item: Due, now: datetime) -> bool:
    """Empty the case's personal fields if nobody did yet (the run's claim on it)."""
    table = TABLES[item.kind]
    if item.kind == "dsr":
        values = {name: "" for name in DSR_CLEARED}
        values["requester_name"] = item.reference  # shown where the name was: no personal data
    else:
        values = {name: "" for name in BREACH_CLEARED}
        values.update({name: {} for name in BREACH_CLEARED_JSON})
    claimed = session.execute(update(table).where(table.id == item.case_id, table.pseudonymised_at.is_(None))
                              .values(pseudonymised_at=now, version=table.version + 1, updated_at=now, **values)
                              .execution_options(synchronize_session=False))
    if not claimed.rowcount:
        return False
    for child, column in _CHILDREN.get(item.kind, ()):
        session.execute(update(child).where(child.request_id == item.case_id).values({column: ""})
                        .execution_options(synchronize_session=False))
    # An attachment's bytes are sealed under the case key; its name and description ("courrier
    # Moreau.pdf") go here.
    for attachment_id, file_type in session.exec(select(CaseAttachment.id, CaseAttachment.file_type).where(
            CaseAttachment.case_type == item.kind, CaseAttachment.case_id == item.case_id)).all():
        session.execute(update(CaseAttachment).where(CaseAttachment.id == attachment_id)
                        .values(filename=pseudonymised_filename(attachment_id, file_type), description="")
                        .execution_options(synchronize_session=False))
    if item.kind == "dsr":  # the answer letter's text names the person and their address; its PDF is sealed
        session.execute(update(AnswerLetter).where(AnswerLetter.request_id == item.case_id)
                        .values(body="", version=AnswerLetter.version + 1)
                        .execution_options(synchronize_session=False))
    else:  # the person search's folded copy of the free texts, recomputed from what is left
        kept = session.execute(select(*(getattr(Breach, name) for name in SEARCH_TEXT_FIELDS))
                               .where(Breach.id == item.case_id)).one()
        text = breach_search_text(SimpleNamespace(**dict(zip(SEARCH_TEXT_FIELDS, kept, strict=True))))
        session.execute(update(Breach).where(Breach.id == item.case_id).values(search_text=text)
                        .execution_options(synchronize_session=False))
    return True


def _documents(session: Session, item: Due) -> tuple[int, tuple[str, ...]]:
    """(documents and attachments stored encrypted, numbers of the documents and labels of
    the attachments stored in clear) of the case."""
    rows = session.exec(select(EvidenceDocument.number, EvidenceDocument.envelope_sha256)
                        .where(EvidenceDocument.case_type == item.kind, EvidenceDocument.case_id == item.case_id)
                        .order_by(EvidenceDocument.id)).all()
    files = session.exec(select(CaseAttachment.id, CaseAttachment.case_ref, CaseAttachment.envelope_sha256)
                         .where(CaseAttachment.case_type == item.kind, CaseAttachment.case_id == item.case_id)
                         .order_by(CaseAttachment.id)).all()
    sealed = sum(1 for _, env in rows if env is not None) + sum(1 for *_, env in files if env is not None)
    legacy = tuple(number for number, env in rows if env is None)
    legacy += tuple(attachments.label(i, ref) for i, ref, env in files if env is None)
    return sealed, legacy


REGISTER_KINDS = ("breach.register_pdf", "breach.register_csv")


def _shred_extracts(session: Session, item: Due, now: datetime) -> tuple[str, ...]:
    """Destroy the keys of the register extracts printing this breach that are still
    readable; the numbers of their documents (a signed copy filed with one included)."""
    if item.kind != "breach":
        return ()
    covering = session.exec(select(BreachRegisterCover.extract_id).where(BreachRegisterCover.breach_id == item.case_id)
                            .order_by(BreachRegisterCover.extract_id)).all()
    return _shred_keys(session, item, now, EXTRACT_CASE_TYPE, covering)


def _shred_keys(session: Session, item: Due, now: datetime, case_type: str, case_ids) -> tuple[str, ...]:
    """Destroy the keys (case_type, id) still there, under the item's rule; the numbers of the
    documents sealed under them."""
    rule = case_keys.rule_text(item.kind, item.months)
    destroyed = [case_id for case_id in case_ids if case_keys.destroy(session, case_type, case_id, at=now, rule=rule)]
    if not destroyed:
        return ()
    return tuple(session.exec(select(EvidenceDocument.number).where(EvidenceDocument.case_type == case_type,
                                                                    EvidenceDocument.case_id.in_(destroyed))
                              .order_by(EvidenceDocument.id)).all())


def _legacy_extracts(session: Session, item: Due) -> tuple[str, ...]:
    """The register extracts issued in clear before extracts were sealed (case type
    "breach", no case) that may print this breach: issued since it was recorded, for its
    entity or for all entities."""
    if item.kind != "breach":
        return ()
    created = session.exec(select(Breach.created_at).where(Breach.id == item.case_id)).one()
    doc = EvidenceDocument
    return tuple(session.exec(select(doc.number).where(
        doc.kind.in_(REGISTER_KINDS), doc.case_type == item.kind, doc.case_id.is_(None), doc.envelope_sha256.is_(None),
        doc.issued_at >= created, (doc.entity_id.is_(None)) | (doc.entity_id == item.entity_id))
        .order_by(doc.id)).all())


def _shred_packs(session: Session, item: Due, now: datetime) -> tuple[str, ...]:
    """Destroy the keys of the audit packs holding this case's documents or narrative that are
    still readable; the numbers of the packs."""
    covering = session.exec(select(AuditPackCover.pack_key).where(AuditPackCover.case_type == item.kind,
                                                                  AuditPackCover.case_id == item.case_id)
                            .order_by(AuditPackCover.pack_key)).all()
    return _shred_keys(session, item, now, PACK_CASE_TYPE, covering)


def _legacy_packs(session: Session, item: Due) -> tuple[str, ...]:
    """The audit packs stored in clear before packs were sealed (migration 0036) that may hold
    this case: built since it was recorded, for its entity or for all entities."""
    table = TABLES[item.kind]
    recorded = session.exec(select(table.created_at if item.kind == "breach" else table.received_at)
                            .where(table.id == item.case_id)).one()
    doc = EvidenceDocument
    return tuple(session.exec(select(doc.number).where(
        doc.kind == evidence.PACK_KIND, doc.envelope_sha256.is_(None), doc.issued_at >= recorded,
        (doc.entity_id.is_(None)) | (doc.entity_id == item.entity_id)).order_by(doc.id)).all())


def _sealed_parts(session: Session, item: Due) -> int:
    key = case_keys.find(session, item.kind, item.case_id)
    if key is None or key.id is None:
        return 0
    return session.exec(select(func.count()).select_from(AuditSealed).where(AuditSealed.key_id == key.id)).one()


def run_own_retention(engine, now: datetime | None = None, *, dry_run: bool = False) -> RunReport:
    """Pseudonymise what is due at `now` (default: the current time); see the module's
    docstring. Returns what was (or, with dry_run, would be) done."""
    now = as_utc(now or utcnow())
    report = RunReport(now, dry_run)
    with db.new_session(engine) as session:  # planning reads only: the writing transaction starts with a claim
        report.due = plan(session, now)
        if dry_run:
            return report
    if not report.due:
        return report
    with db.unit_of_work(engine) as session:
        for item in report.due:
            if not _claim(session, item, now):
                continue  # another run took it first
            shredded, legacy = _documents(session, item)
            legacy += _legacy_extracts(session, item) + _legacy_packs(session, item)
            sealed = _sealed_parts(session, item)
            case_keys.destroy(session, item.kind, item.case_id, at=now,
                              rule=case_keys.rule_text(item.kind, item.months))
            extracts = _shred_extracts(session, item, now)
            packs = _shred_packs(session, item, now)
            done = Done(item, shredded, sealed, legacy, extracts, packs)
            report.done.append(done)
            audit.record(session, SYSTEM, ACTION, object_type=item.kind, object_id=item.case_id,
                         object_ref=item.reference, entity_id=item.entity_id, actor_name="system (own retention)",
                         details={"months": item.months, "closed_at": item.closed_at, "period_ended": item.ended_at,
                                  "documents_shredded": shredded, "sealed_audit_parts": sealed,
                                  "legacy_documents": list(legacy), "register_extracts_shredded": list(extracts),
                                  "audit_packs_shredded": list(packs)})
        if report.done:
            report.certificate_number = _certificate(session, report).number
    return report


def certificate_facts(report: RunReport) -> own_retention_certificate.Facts:
    groups: dict[tuple[str, int], list[Done]] = {}
    for done in report.done:
        groups.setdefault((done.due.kind, done.due.months), []).append(done)
    lines = tuple(own_retention_certificate.Line(
        kind=kind, months=months, count=len(items),
        closed_from=min(d.due.closed_at for d in items), closed_to=max(d.due.closed_at for d in items),
        documents_shredded=sum(d.documents_shredded for d in items),
        sealed_parts=sum(d.sealed_parts for d in items),
        references=tuple(d.due.reference for d in items)) for (kind, months), items in sorted(groups.items()))
    legacy = tuple(dict.fromkeys(number for done in report.done for number in done.legacy_documents))
    extracts = tuple(number for done in report.done for number in done.extracts_shredded)
    packs = tuple(number for done in report.done for number in done.packs_shredded)
    return own_retention_certificate.Facts(run_at=report.now, lines=lines, legacy_documents=legacy,
                                           audit_months=_audit_months(), register_extracts=extracts,
                                           audit_packs=packs)


def _audit_months() -> int:
    from dashboard import audit_retention

    try:
        return audit_retention.retention_months()
    except RuleViolation:
        return audit_retention.DEFAULT_MONTHS


def _certificate(session: Session, report: RunReport) -> EvidenceDocument:
    facts = certificate_facts(report)
    tr = Translator("fr")
    return evidence.issue_document(
        session, SYSTEM, kind=CERTIFICATE_KIND, title=tr("own_retention.pdf.title"),
        filename=f"retention_{report.now:%Y%m%d_%H%M%S}.pdf", media_type="application/pdf",
        build=lambda stamp: own_retention_certificate.build(tr, stamp, facts), language="fr",
        reason="own_retention.reason")
