"""Reading requests: the filtered, paginated list and its CSV export (no personal
data of the requester in either), and one request opened with its access logged."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, true
from sqlmodel import Session, select

from dashboard.access import log_access
from dashboard.actor import Actor
from dashboard.dsr import common
from dashboard.i18n import Translator
from dashboard.permissions import require_any
from exports.csv_safe import to_csv
from models.audit import AuditEntry
from models.clock import paris_today
from models.dsr import (CASE_TYPE, OPEN_STATUSES, STATUSES, DataSubjectRequest, DsrActivity, DsrErasure,
                        DsrRecipient, DsrRetention, DsrRight, DsrSearch, DsrSuspension)
from models.dsr_fee import DsrFee
from models.evidence import EvidenceDocument
from models.org import Department, Entity, User
from models.processing import ProcessingActivity
from models.roles import Capability

if TYPE_CHECKING:  # the pack imports its contributors lazily, by name
    from dashboard.audit_pack import PackScope

READERS = {Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES}
UNROUTED = -1  # department filter value: requests no department has yet


@dataclass(frozen=True)
class ListFilter:
    entity_id: int | None = None
    status: str = "open"  # "open", "" (all) or one status
    department_id: int | None = None  # UNROUTED for requests without department
    right: str = ""
    deadline: str = ""  # "", "late" or "due_within"
    within_days: int = 7
    received_from: date | None = None  # receipt day (Paris), inclusive
    received_to: date | None = None
    today: date | None = None  # Paris day; tests fix it


@dataclass(frozen=True)
class RequestRow:
    id: int
    reference: str
    entity_name: str
    channel: str
    relation: str
    rights: tuple[str, ...]
    received_on: date
    due_on: date
    internal_target_on: date
    status: str
    department_name: str
    extended: bool
    suspended: bool
    late: bool
    outcome: str
    answered_on: date | None


@dataclass(frozen=True)
class RequestPage:
    rows: list[RequestRow]
    total: int
    page: int
    page_size: int


def _conditions(actor: Actor, flt: ListFilter) -> list:
    today = flt.today or paris_today()
    r = DataSubjectRequest
    conditions = [common.visible(actor)]
    if flt.entity_id:
        conditions.append(r.entity_id == flt.entity_id)
    if flt.status == "open":
        conditions.append(r.is_open == true())
    elif flt.status in STATUSES:
        conditions.append(r.status == flt.status)
    if flt.department_id == UNROUTED:
        conditions.append(r.department_id.is_(None))
    elif flt.department_id:
        conditions.append(r.department_id == flt.department_id)
    if flt.right:
        conditions.append(exists().where(DsrRight.request_id == r.id, DsrRight.right == flt.right))
    if flt.received_from:
        conditions.append(r.received_on >= flt.received_from)
    if flt.received_to:
        conditions.append(r.received_on <= flt.received_to)
    if flt.deadline in ("late", "due_within"):
        # Only open requests whose clock runs can be late or due.
        conditions += [r.is_open == true(), r.suspended_since.is_(None)]
        if flt.deadline == "late":
            conditions.append(r.due_on < today)
        else:
            conditions.append(and_(r.due_on >= today, r.due_on <= today + timedelta(days=max(0, flt.within_days))))
    return conditions


def count_requests(session: Session, actor: Actor, flt: ListFilter) -> int:
    require_any(session, actor, READERS, action="dsr.list")
    return session.exec(select(func.count()).select_from(DataSubjectRequest).where(*_conditions(actor, flt))).one()


def _rows(session: Session, requests: list[DataSubjectRequest], today: date) -> list[RequestRow]:
    ids = [r.id for r in requests]
    rights: dict[int, list[str]] = {}
    for request_id, right in session.exec(select(DsrRight.request_id, DsrRight.right)
                                          .where(DsrRight.request_id.in_(ids))):
        rights.setdefault(request_id, []).append(right)
    entities = dict(session.exec(select(Entity.id, Entity.name)).all())
    departments = dict(session.exec(select(Department.id, Department.name)).all())
    return [RequestRow(
        id=r.id, reference=r.reference, entity_name=entities.get(r.entity_id, ""), channel=r.channel,
        relation=r.relation, rights=tuple(sorted(rights.get(r.id, []))), received_on=r.received_on,
        due_on=r.due_on, internal_target_on=r.internal_target_on, status=r.status,
        department_name=departments.get(r.department_id, ""), extended=r.extended,
        suspended=r.suspended_since is not None, outcome=r.outcome, answered_on=r.answered_on,
        late=(r.answered_on > r.due_on) if r.answered_on else (
            r.status in OPEN_STATUSES and r.suspended_since is None and r.due_on < today),
    ) for r in requests]


def _ordered(actor: Actor, flt: ListFilter):
    return (select(DataSubjectRequest).where(*_conditions(actor, flt))
            .order_by(DataSubjectRequest.due_on, DataSubjectRequest.id))


def list_requests(session: Session, actor: Actor, flt: ListFilter, page: int = 1, page_size: int = 50
                  ) -> RequestPage:
    """One page of requests, earliest deadline first."""
    total = count_requests(session, actor, flt)
    page = max(1, page)
    requests = list(session.exec(_ordered(actor, flt).offset((page - 1) * page_size).limit(page_size)).all())
    return RequestPage(_rows(session, requests, flt.today or paris_today()), total, page, page_size)


def _batches(session: Session, actor: Actor, flt: ListFilter, size: int = 2000) -> Iterator[list[RequestRow]]:
    """Keyset pagination on (due_on, id): constant cost per batch, however deep."""
    today = flt.today or paris_today()
    last: tuple[date, int] | None = None
    while True:
        query = _ordered(actor, flt)
        if last is not None:
            r = DataSubjectRequest
            query = query.where((r.due_on > last[0]) | and_(r.due_on == last[0], r.id > last[1]))
        batch = list(session.exec(query.limit(size)).all())
        if not batch:
            return
        yield _rows(session, batch, today)
        last = (batch[-1].due_on, batch[-1].id)
        session.expunge_all()


def _fees_of(session: Session, ids: list[int], tr: Translator) -> dict[int, list[str]]:
    """Each request's fees in words ("8,40 € — Payés"): what an auditor checks against Art. 12(5)."""
    found: dict[int, list[str]] = {}
    for request_id, amount_cents, state in session.exec(
            select(DsrFee.request_id, DsrFee.amount_cents, DsrFee.state).where(DsrFee.request_id.in_(ids))
            .order_by(DsrFee.id)):
        found.setdefault(request_id, []).append(
            f"{tr('dsr.pdf.fee.amount_value', amount=tr.amount(amount_cents))} — {tr(f'dsr.fee_state.{state}')}")
    return found


def export_csv(session: Session, actor: Actor, flt: ListFilter, language: str = "fr") -> bytes:
    """The filtered list as CSV (formula-injection safe), within what the actor sees."""
    total = count_requests(session, actor, flt)
    tr = Translator(language)
    header = [tr(f"dsr.col.{c}") for c in ("reference", "entity", "channel", "relation", "rights", "received_on",
                                           "due_on", "internal_target_on", "status", "department", "late",
                                           "outcome", "answered_on", "fees")]

    def lines():
        for batch in _batches(session, actor, flt):
            fees = _fees_of(session, [row.id for row in batch], tr)
            for row in batch:
                yield [row.reference, row.entity_name, tr(f"dsr.channel.{row.channel}"),
                       tr(f"dsr.relation.{row.relation}"), ", ".join(tr(f"dsr.right.{x}") for x in row.rights),
                       row.received_on, row.due_on, row.internal_target_on, tr(f"dsr.status.{row.status}"),
                       row.department_name, tr("common.yes") if row.late else tr("common.no"),
                       tr(f"dsr.outcome.{row.outcome}") if row.outcome else "",
                       row.answered_on, "; ".join(fees.get(row.id, ()))]

    content = to_csv(header, lines())
    common.audit_list(session, actor, "dsr.export", rows=total, filter=flt)
    return content


# ------------------------------------------------------------------ one request


@dataclass(frozen=True)
class CaseHeader:
    """What may be shown before the reason is asked: no personal data."""

    id: int
    reference: str
    entity_name: str
    status: str
    due_on: date
    is_assignee: bool


def case_header(session: Session, actor: Actor, request_id: int) -> CaseHeader:
    require_any(session, actor, READERS, action="dsr.open", object_type=common.OBJECT_TYPE, object_id=request_id)
    request = common.fetch(session, actor, request_id, action="dsr.open")
    entity = session.get(Entity, request.entity_id)
    return CaseHeader(request.id, request.reference, entity.name, request.status, request.due_on,
                      common.is_assignee(actor, request))


def find_reference(session: Session, actor: Actor, reference: str) -> int:
    """The id of a request given its reference (as typed), within what the actor sees."""
    require_any(session, actor, READERS, action="dsr.find")
    found = session.exec(select(DataSubjectRequest.id).where(
        DataSubjectRequest.reference == (reference or "").strip().upper())).first()
    return common.fetch(session, actor, found if found is not None else -1, action="dsr.find").id


@dataclass(frozen=True)
class DocumentRow:
    id: int
    number: str
    kind: str
    title: str
    language: str
    issued_at: datetime
    issued_by_name: str
    sha256: str


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor_name: str
    action: str
    details: dict
    reason: str


@dataclass(frozen=True)
class CaseView:
    request: DataSubjectRequest  # detached copy, personal data included
    entity: Entity
    department_name: str
    owner_name: str
    proposed_by_name: str
    identity_verified_by_name: str
    rights: tuple[str, ...]
    activities: list[tuple[int, str]]  # (id, "TRT-... — name")
    suspensions: list[DsrSuspension]
    searches: list[DsrSearch]
    recipients: list[DsrRecipient]
    erasures: list[DsrErasure]
    retentions: list[DsrRetention]
    fees: list[DsrFee]
    documents: list[DocumentRow]
    history: list[HistoryRow]
    is_assignee: bool
    can_work: bool  # record searches, propose, tick recipients, erasure lines
    can_decide: bool  # DPO / legal: route, suspend, extend, close, issue documents
    access_reason: str = ""
    today: date = field(default_factory=paris_today)

    @property
    def version(self) -> int:
        return self.request.version

    @property
    def is_late(self) -> bool:
        r = self.request
        if r.answered_on:
            return r.answered_on > r.due_on
        return r.status in OPEN_STATUSES and r.suspended_since is None and r.due_on < self.today


def _user_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def open_request(session: Session, actor: Actor, request_id: int, reason: str | None = None, *,
                 log_read: bool = True) -> CaseView:
    """The whole request. Its personal data is shown only after the access is
    logged: implicit reason for the assignee, a stated one for anyone else.
    log_read=False for a rerun of an opening already logged (the reason is still checked)."""
    require_any(session, actor, READERS, action="dsr.open", object_type=common.OBJECT_TYPE, object_id=request_id)
    request = common.fetch(session, actor, request_id, action="dsr.open")
    assignee = common.is_assignee(actor, request)
    recorded = log_access(session, actor, object_type=common.OBJECT_TYPE, object_id=request.id,
                          object_ref=request.reference, entity_id=request.entity_id, is_assignee=assignee,
                          reason=reason, record=log_read)

    def children(model):
        return list(session.exec(select(model).where(model.request_id == request.id).order_by(model.id)).all())

    activities = session.exec(
        select(ProcessingActivity.id, ProcessingActivity.reference, ProcessingActivity.name)
        .join(DsrActivity, DsrActivity.activity_id == ProcessingActivity.id)
        .where(DsrActivity.request_id == request.id).order_by(ProcessingActivity.reference)).all()
    documents = session.exec(
        select(EvidenceDocument).where(EvidenceDocument.case_type == CASE_TYPE,
                                       EvidenceDocument.case_id == request.id).order_by(EvidenceDocument.id)).all()
    history = session.exec(
        select(AuditEntry).where(AuditEntry.object_type == common.OBJECT_TYPE, AuditEntry.object_id == request.id,
                                 AuditEntry.action.startswith("dsr.")).order_by(AuditEntry.seq)).all()
    department = session.get(Department, request.department_id) if request.department_id else None
    works = not actor.is_read_only and (actor.can(Capability.WORK_ALL_CASES)
                                        or actor.can(Capability.WORK_DEPARTMENT_CASES))
    return CaseView(
        request=request,
        entity=session.get(Entity, request.entity_id),
        department_name=department.name if department else "",
        owner_name=_user_name(session, request.owner_id),
        proposed_by_name=_user_name(session, request.proposed_by_id),
        identity_verified_by_name=_user_name(session, request.identity_verified_by_id),
        rights=tuple(sorted(session.exec(select(DsrRight.right).where(DsrRight.request_id == request.id)).all())),
        activities=[(a_id, f"{ref} — {name}") for a_id, ref, name in activities],
        suspensions=children(DsrSuspension),
        searches=children(DsrSearch),
        recipients=children(DsrRecipient),
        erasures=children(DsrErasure),
        retentions=children(DsrRetention),
        fees=children(DsrFee),
        documents=[DocumentRow(d.id, d.number, d.kind, d.title, d.language, d.issued_at, d.issued_by_name, d.sha256)
                   for d in documents],
        history=[HistoryRow(h.at, h.actor_name, h.action, h.details or {}, h.reason) for h in history],
        is_assignee=assignee,
        can_work=works,
        can_decide=works and actor.can(Capability.WORK_ALL_CASES),
        access_reason=recorded,
    )


def pack_contribution(session: Session, actor: Actor, scope: "PackScope") -> list[tuple[str, bytes]]:
    """Audit-pack contributor (dashboard.audit_pack.CONTRIBUTORS): the requests received in
    the pack's period, whatever their status, as CSV (no requester data, like the list)."""
    flt = ListFilter(entity_id=scope.entity_id, status="", received_from=scope.date_from,
                     received_to=scope.date_to)
    return [("registre-demandes-droits.csv", export_csv(session, actor, flt, scope.language))]
