"""Reading the audit trail: for the DPO and auditors only.

Legal does not read it (no READ_AUDIT_TRAIL): the trail is the control over
everyone who works the cases, legal included, so it is kept to the DPO, who answers
for the processing, and to the auditors, who check it.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from dashboard import audit, audit_anchor, case_keys
from dashboard.actor import Actor
from dashboard.errors import RuleViolation
from dashboard.i18n import Translator
from dashboard.permissions import deny, entity_filter, require
from dashboard.sql_filters import contains_text, paris_day_range
from exports.audit_trail import trail_csv
from models.audit import AuditEntry, AuditHead, is_authentic
from models.org import Entity
from models.roles import Capability
from models.types import utcnow

EXPORT_MAX_ROWS = 500_000  # a larger export is refused: narrow the period or the entity (~45 s, 80 MB)
AUTO_VERIFY_MAX_ENTRIES = 100_000  # verified on opening the page up to this size (~8 s); beyond, on demand


@dataclass(frozen=True)
class TrailFilter:
    text: str = ""  # user name, action, reference or reason, case-insensitive
    action_prefix: str = ""
    actor: str = ""  # part of the user name
    action: str = ""  # exact action
    record: str = ""  # part of the record's reference, or its type
    entity_id: int | None = None
    include_unscoped: bool = False  # with entity_id: also the entries of no entity (log-ins, users...)
    date_from: date | None = None  # Paris calendar days, inclusive
    date_to: date | None = None


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class ChainStatus:
    """The hash chain's verification, with what happened at the first break."""

    intact: bool
    checked: int
    checked_at: datetime
    broken_seq: int | None = None
    problem: str = ""  # audit.chain.altered / .missing / .truncated
    cause: str = ""  # catalogue key: what was done to the entry
    entry: AuditEntry | None = None  # the first broken entry as stored now, if it still exists
    from_seq: int = 0  # the checkpoint the verification started from (0: the whole chain)


def _conditions(actor: Actor, flt: TrailFilter) -> list:
    conditions = paris_day_range(flt.date_from, flt.date_to, AuditEntry.at)
    if actor.entity_ids is not None:  # a reader limited to some entities: theirs only, no group-wide entry
        conditions.append(entity_filter(actor, AuditEntry.entity_id))
    if flt.text.strip():
        conditions.append(or_(*(contains_text(column, flt.text) for column in
                                (AuditEntry.actor_name, AuditEntry.action, AuditEntry.object_ref, AuditEntry.reason))))
    if flt.action_prefix:
        conditions.append(AuditEntry.action.startswith(flt.action_prefix, autoescape=True))
    if flt.actor.strip():
        conditions.append(contains_text(AuditEntry.actor_name, flt.actor))
    if flt.action:
        conditions.append(AuditEntry.action == flt.action)
    if flt.record.strip():
        conditions.append(or_(contains_text(AuditEntry.object_ref, flt.record),
                              func.lower(AuditEntry.object_type) == flt.record.strip().lower()))
    if flt.entity_id is not None:
        scoped = AuditEntry.entity_id == flt.entity_id
        conditions.append(or_(scoped, AuditEntry.entity_id.is_(None)) if flt.include_unscoped else scoped)
    return conditions


def count(session: Session, actor: Actor, flt: TrailFilter) -> int:
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.search")
    return session.exec(select(func.count()).select_from(AuditEntry).where(*_conditions(actor, flt))).one()


def search(session: Session, actor: Actor, flt: TrailFilter, page: int = 1, page_size: int = 50) -> TrailPage:
    """One page of matching entries, newest first (the count comes with it)."""
    total = count(session, actor, flt)
    page = max(1, page)
    entries = session.exec(
        select(AuditEntry).where(*_conditions(actor, flt)).order_by(AuditEntry.seq.desc())
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return TrailPage(list(entries), total, page, page_size)


def log_search(session: Session, actor: Actor, flt: TrailFilter) -> None:
    """A search of the trail is itself an entry (who looked for whom, for what): the page
    records each new filter once, not each rerun (CNIL, recommandation journalisation, 2021)."""
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.search")
    audit.record(session, actor, "audit.search", entity_id=flt.entity_id,
                 details={"filter": {k: v for k, v in vars(flt).items() if v not in ("", None, False)}})


def list_actions(session: Session, actor: Actor) -> list[str]:
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.search")
    return list(session.exec(select(AuditEntry.action).where(*_conditions(actor, TrailFilter()))
                             .distinct().order_by(AuditEntry.action)))


def _csv_rows(session: Session, actor: Actor, flt: TrailFilter):
    """Entries in chain order as plain rows: streamed, never held as ORM objects."""
    columns = [AuditEntry.seq, AuditEntry.at, AuditEntry.actor_name, AuditEntry.actor_role, AuditEntry.action,
               AuditEntry.object_type, AuditEntry.object_id, AuditEntry.object_ref, AuditEntry.entity_id,
               AuditEntry.reason, AuditEntry.details, AuditEntry.hash]
    query = select(*columns).where(*_conditions(actor, flt)).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    yield from session.execute(query)


def trail_export(session: Session, actor: Actor, flt: TrailFilter, language: str) -> tuple[bytes, int]:
    """The CSV of the matching entries the actor may read and their number; the caller has
    checked the permission. Refuses an export larger than EXPORT_MAX_ROWS."""
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*_conditions(actor, flt))).one()
    if total > EXPORT_MAX_ROWS:
        raise RuleViolation("audit.export_too_large", count=total, limit=EXPORT_MAX_ROWS)
    tr = Translator(language)
    codes = dict(session.exec(select(Entity.id, Entity.code)).all())
    return trail_csv(_csv_rows(session, actor, flt), tr, entity_codes=codes, reason_text=tr.maybe), total


def export_csv(session: Session, actor: Actor, flt: TrailFilter, language: str = "fr") -> bytes:
    """The audit trail matching the filter as CSV (formula-safe); the export is an audit entry."""
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.export")
    content, total = trail_export(session, actor, flt, language)
    audit.record(session, actor, "audit.export", entity_id=flt.entity_id,
                 details={"rows": total, "filter": {k: v for k, v in vars(flt).items() if v not in ("", None, False)}})
    return content


_CAUSES = {  # problems found outside the rows themselves: what was done
    "audit.chain.rewound": "audit.chain.cause.rewound",
    "audit.chain.checkpoint_mismatch": "audit.chain.cause.checkpoint_mismatch",
    "audit.chain.checkpoint_forged": "audit.chain.cause.checkpoint_forged",
    "audit.chain.switch_moved": "audit.chain.cause.switch_moved",
    "audit.chain.key_missing": "audit.chain.cause.key_missing",
    "audit.chain.purge_unrecorded": "audit.chain.cause.purge_unrecorded",
}


def chain_status(session: Session, *, full: bool = False, checkpoint: bool = True) -> ChainStatus:
    """Verify the chain (from the last checkpoint, or whole when `full`) and explain
    its first break: the caller has checked the permission."""
    report = audit.verify_chain(session, full=full, checkpoint=checkpoint)
    checked_at = utcnow()
    if report.intact:
        return ChainStatus(True, report.checked, checked_at, from_seq=report.from_seq)
    entry = audit._entry_at(session, report.broken_seq) if report.broken_seq is not None else None
    if report.problem in _CAUSES:
        cause = _CAUSES[report.problem]
    elif report.problem == "audit.chain.altered" and entry is not None:
        head = session.get(AuditHead, 1)
        key = audit_anchor.read_key_or_none()
        authentic = is_authentic(entry, key, head.keyed_from if head else 1)
        cause = "audit.chain.cause.previous" if authentic else "audit.chain.cause.content"
    elif report.problem == "audit.chain.altered":
        cause = "audit.chain.cause.content"
    else:
        deleted = report.problem == "audit.chain.missing"
        cause = "audit.chain.cause.deleted" if deleted else "audit.chain.cause.truncated"
    return ChainStatus(False, report.checked, checked_at, report.broken_seq, report.problem, cause, entry,
                       from_seq=report.from_seq)


def _readable(actor: Actor, status: ChainStatus) -> ChainStatus:
    """The status as the actor may read it: the broken entry itself only when it is of his
    entities (a local correspondent learns that the chain is broken and where, not what
    another entity's entry says)."""
    if status.entry is not None and not actor.covers_entity(status.entry.entity_id):
        return replace(status, entry=None)
    return status


def verify(session: Session, actor: Actor, *, full: bool = True) -> ChainStatus:
    """The verification asked for on the page: the whole chain unless `full=False`."""
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.verify")
    status = _readable(actor, chain_status(session, full=full))
    audit.record(session, actor, "audit.verify", details={"intact": status.intact, "checked": status.checked,
                                                          "broken_seq": status.broken_seq, "full": full})
    return status


def verify_on_arrival(session: Session, actor: Actor) -> ChainStatus | None:
    """The chain verified now from its last checkpoint when it is small enough to be
    quick, else None: the page then shows the last verification and offers to run one."""
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.verify")
    head = session.get(AuditHead, 1)
    if head is not None and head.seq > AUTO_VERIFY_MAX_ENTRIES:
        return None
    return verify(session, actor, full=False)


def alarm(session: Session, actor: Actor) -> ChainStatus | None:
    """For the DPO's and the auditors' banner on every page: the chain verified from
    its last checkpoint (a few entries), the broken status if anything is wrong, else
    None. Writes nothing, neither in the trail nor a checkpoint (it runs on every page);
    None for whoever may not read the trail."""
    if not actor.can(Capability.READ_AUDIT_TRAIL):
        return None
    head = session.get(AuditHead, 1)
    key = audit_anchor.read_key_or_none()
    if key is not None and head is not None and head.seq > AUTO_VERIFY_MAX_ENTRIES and audit_anchor.read(
            audit_anchor.database_label(session), key).last is None:
        return None  # a long trail never verified: too long for every page (the trail's page verifies it)
    status = chain_status(session, checkpoint=False)
    return None if status.intact else _readable(actor, status)


@dataclass(frozen=True)
class PastVerification:
    at: datetime
    actor_name: str
    intact: bool
    checked: int
    broken_seq: int | None
    entries: int  # the chain's length now


def last_verification(session: Session, actor: Actor) -> PastVerification | None:
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.search")
    head = session.get(AuditHead, 1)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "audit.verify")
                         .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if entry is None:
        return None
    details = entry.details or {}
    return PastVerification(entry.at, entry.actor_name, bool(details.get("intact")), details.get("checked") or 0,
                            details.get("broken_seq"), head.seq if head else 0)


def sealed_part(session: Session, actor: Actor, seq: int) -> dict:
    """The sealed personal part of an entry (dashboard/audit.py: breach texts changed, notes),
    for who may read the trail; reading it is itself an audit entry. case_keys.Shredded once
    its case's retention period ended, case_keys.Tampered when it was changed."""
    require(session, actor, Capability.READ_AUDIT_TRAIL, action="audit.sealed.read", object_type="audit_entry",
            object_id=seq)
    entry = session.exec(select(AuditEntry).where(AuditEntry.seq == seq)).first() if isinstance(seq, int) else None
    if entry is None or not actor.covers_entity(entry.entity_id):  # unknown or another entity's: one answer
        deny(session, actor, action="audit.sealed.read", object_type="audit_entry", object_id=seq)
    try:
        part = audit.open_sealed(session, entry)
    except case_keys.Shredded as gone:  # said of an audit entry, not of a document
        raise case_keys.Shredded("own_retention.sealed_shredded", **gone.params) from None
    if part is None:
        raise RuleViolation("own_retention.no_sealed_part")
    audit.record(session, actor, "audit.sealed.read", object_type="audit_entry", object_id=seq,
                 object_ref=entry.object_ref, entity_id=entry.entity_id)
    return part
