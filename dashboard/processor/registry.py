"""The processor register: record, edit, list and open a processor."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from dashboard import audit, register_consistency
from dashboard.activities import ActivityChoice
from dashboard.actor import Actor
from dashboard.processor import policy, state
from dashboard.processor.flags import condition, flags_of
from models.processor_clauses import required_clauses
from dashboard.processor.forms import ProcessorData, validate_for
from dashboard.permissions import require_entity
from dashboard.processor.scope import OBJECT_TYPE, can_edit, check_version, fetch, record, require_editor, visible
from dashboard.references import next_reference
from dashboard.validation import problem
from models.clock import paris_today
from models.evidence import EvidenceDocument
from models.org import Entity
from models.processing import ProcessingActivity
from models.processor import (PROCESSOR_PREFIX, ContractClause, Processor, ProcessorActivity, ProcessorAudit,
                              ProcessorContract, ProcessorEntity, ProcessorLocation, SubProcessor)
from models.types import utcnow

FIELDS = ("legal_name", "country_code", "address", "contact_name", "contact_email", "dpo_contact", "services",
          "data_categories", "subject_categories", "certifications", "status", "entity_id",
          "objection_window_days", "audit_interval_months", "planned_audit_on")


@dataclass(frozen=True)
class RegisterFilter:
    text: str = ""  # name or reference
    entity_id: int | None = None
    status: str = ""
    flag: str = ""  # one of flags.FLAGS


@dataclass(frozen=True)
class RegisterRow:
    id: int
    reference: str
    legal_name: str
    entity_id: int
    status: str
    countries: tuple[str, ...]
    next_deadline: date | None
    flags: frozenset[str]


@dataclass(frozen=True)
class RegisterPage:
    rows: list[RegisterRow]
    total: int


@dataclass
class ContractView:
    contract: ProcessorContract
    clauses: dict[str, ContractClause]  # the points asked of the contract (see clause_policy)


@dataclass
class ProcessorFile:
    processor: Processor
    entity_ids: list[int]
    activities: list[ActivityChoice]
    locations: list[ProcessorLocation]
    contracts: list[ContractView]
    subprocessors: list[SubProcessor]
    audits: list[ProcessorAudit]
    documents: list[EvidenceDocument]
    flags: frozenset[str]
    editable: bool = False
    entity_names: dict[int, str] = field(default_factory=dict)
    # activity id -> where that register entry contradicts this file (issue 18)
    contradictions: dict = field(default_factory=dict)
    clause_policy: policy.ClausePolicy | None = None  # which points the contracts are asked for, and why


def _snapshot(session: Session, processor: Processor) -> dict:
    data = {name: getattr(processor, name) for name in FIELDS}
    data["entity_ids"] = sorted(session.exec(select(ProcessorEntity.entity_id)
                                             .where(ProcessorEntity.processor_id == processor.id)))
    data["activity_ids"] = sorted(session.exec(select(ProcessorActivity.activity_id)
                                               .where(ProcessorActivity.processor_id == processor.id)))
    data["locations"] = [[loc.country_code, loc.processing, loc.storage, loc.transfer_tool, loc.scc_module,
                          loc.derogation, loc.note] for loc in _locations(session, processor.id)]
    return data


def _locations(session: Session, processor_id: int) -> list[ProcessorLocation]:
    return list(session.exec(select(ProcessorLocation).where(ProcessorLocation.processor_id == processor_id)
                             .order_by(ProcessorLocation.country_code)))


def _check_links(session: Session, data: ProcessorData) -> list[int]:
    entity_ids = sorted({data.entity_id, *data.entity_ids})
    if len(session.exec(select(Entity.id).where(Entity.id.in_(entity_ids))).all()) != len(entity_ids):
        raise problem("entity_ids", "validation.unknown_entity")
    if data.activity_ids:
        activity_entities = dict(session.exec(select(ProcessingActivity.id, ProcessingActivity.entity_id)
                                              .where(ProcessingActivity.id.in_(data.activity_ids))).all())
        if len(activity_entities) != len(set(data.activity_ids)):
            raise problem("", "processor.error.activity_unknown")
        if not set(activity_entities.values()) <= set(entity_ids):
            raise problem("", "processor.error.activity_other_entity")
    return entity_ids


def _apply(session: Session, processor: Processor, data: ProcessorData, entity_ids: list[int]) -> None:
    for name in FIELDS:
        setattr(processor, name, getattr(data, name))
    processor.updated_at = utcnow()
    session.add(processor)
    session.flush()
    for model in (ProcessorEntity, ProcessorActivity, ProcessorLocation):
        for row in session.exec(select(model).where(model.processor_id == processor.id)):
            session.delete(row)
    session.flush()
    for entity_id in entity_ids:
        session.add(ProcessorEntity(processor_id=processor.id, entity_id=entity_id))
    for activity_id in sorted(set(data.activity_ids)):
        session.add(ProcessorActivity(processor_id=processor.id, activity_id=activity_id))
    for location in data.locations:
        session.add(ProcessorLocation(processor_id=processor.id, **location.model_dump()))
    session.flush()
    policy.rescore(session, processor_ids=[processor.id])  # its entities decide the points asked
    state.refresh(session, processor)


def create_processor(session: Session, actor: Actor, data: dict) -> Processor:
    require_editor(session, actor, action="processor.create")
    data = validate_for(actor, ProcessorData, data)
    require_entity(session, actor, data.entity_id, action="processor.create", object_type="entity",
                   object_id=data.entity_id)
    entity_ids = _check_links(session, data)
    processor = Processor(reference=next_reference(session, PROCESSOR_PREFIX), entity_id=data.entity_id,
                          status=data.status, owner_id=actor.user_id, legal_name=data.legal_name,
                          country_code=data.country_code)
    _apply(session, processor, data, entity_ids)
    session.flush()
    record(session, actor, "processor.create", processor, changes=audit.diff({}, _snapshot(session, processor)))
    register_consistency.send_back_affected(session, actor, processor, ((), frozenset()))
    return processor


def _require_links_in_scope(session: Session, actor: Actor, processor: Processor, before: dict, data: ProcessorData,
                            entity_ids: list[int]) -> None:
    """A local correspondent edits a processor shared with other entities, but never its links
    to them: the entities and activities he adds or removes are of his entities."""
    if actor.entity_ids is None:
        return
    touched = set(before["entity_ids"]) ^ set(entity_ids)
    if before["entity_id"] != data.entity_id:
        touched |= {before["entity_id"], data.entity_id}
    moved = set(before["activity_ids"]) ^ set(data.activity_ids)
    if moved:
        touched |= set(session.exec(select(ProcessingActivity.entity_id).where(ProcessingActivity.id.in_(moved))))
    for entity_id in sorted(touched):
        require_entity(session, actor, entity_id, action="processor.update", object_type=OBJECT_TYPE,
                       object_id=processor.id)


def update_processor(session: Session, actor: Actor, processor_id: int, version: int, data: dict) -> Processor:
    require_editor(session, actor, action="processor.update", object_id=processor_id)
    processor = fetch(session, actor, processor_id, action="processor.update")
    check_version(processor, version)
    data = validate_for(actor, ProcessorData, data)
    entity_ids = _check_links(session, data)
    before = _snapshot(session, processor)
    _require_links_in_scope(session, actor, processor, before, data, entity_ids)
    served_before = register_consistency.before_change(session, processor.id)
    _apply(session, processor, data, entity_ids)
    session.flush()
    record(session, actor, "processor.update", processor, changes=audit.diff(before, _snapshot(session, processor)))
    register_consistency.send_back_affected(session, actor, processor, served_before)
    return processor


def _filtered(session: Session, actor: Actor, flt: RegisterFilter, today: date):
    query = select(Processor).where(visible(session, actor))
    if flt.text.strip():
        pattern = f"%{flt.text.strip().lower()}%"
        query = query.where(or_(func.lower(Processor.legal_name).like(pattern),
                                func.lower(Processor.reference).like(pattern),
                                func.lower(Processor.services).like(pattern)))
    if flt.entity_id:
        query = query.where(Processor.id.in_(select(ProcessorEntity.processor_id)
                                             .where(ProcessorEntity.entity_id == flt.entity_id)))
    if flt.status:
        query = query.where(Processor.status == flt.status)
    if flt.flag:
        query = query.where(condition(flt.flag, today))
    return query


def _next_deadlines(session: Session, ids: list[int], today: date) -> dict[int, date]:
    """The earliest deadline still ahead (or overdue) of each processor."""
    found: dict[int, date] = {}

    def keep(pid, day):
        if day is not None and (pid not in found or day < found[pid]):
            found[pid] = day

    for pid, day in session.exec(select(Processor.id, Processor.next_audit_date).where(Processor.id.in_(ids))):
        keep(pid, day)
    active = (ProcessorContract.processor_id.in_(ids), ProcessorContract.status == "active")
    for column in (ProcessorContract.notice_date, ProcessorContract.end_date):
        for pid, day in session.exec(select(ProcessorContract.processor_id, func.min(column))
                                     .where(*active, column >= today).group_by(ProcessorContract.processor_id)):
            keep(pid, day)
    for pid, day in session.exec(select(ProcessorContract.processor_id, func.min(ProcessorContract.end_due_date))
                                 .where(ProcessorContract.processor_id.in_(ids),
                                        ProcessorContract.destruction_proved_on.is_(None))
                                 .group_by(ProcessorContract.processor_id)):
        keep(pid, day)
    for pid, day in session.exec(select(SubProcessor.processor_id, func.min(SubProcessor.objection_deadline))
                                 .where(SubProcessor.processor_id.in_(ids), SubProcessor.status == "notified")
                                 .group_by(SubProcessor.processor_id)):
        keep(pid, day)
    return found


def count_processors(session: Session, actor: Actor, flt: RegisterFilter) -> int:
    query = _filtered(session, actor, flt, paris_today())
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def list_processors(session: Session, actor: Actor, flt: RegisterFilter, page: int = 1,
                    page_size: int = 25) -> RegisterPage:
    today = paris_today()
    total = count_processors(session, actor, flt)
    processors = session.exec(_filtered(session, actor, flt, today).order_by(Processor.legal_name, Processor.id)
                              .offset((max(1, page) - 1) * page_size).limit(page_size)).all()
    ids = [p.id for p in processors]
    countries: dict[int, list[str]] = {pid: [] for pid in ids}
    for pid, code in session.exec(select(ProcessorLocation.processor_id, ProcessorLocation.country_code)
                                  .where(ProcessorLocation.processor_id.in_(ids))
                                  .order_by(ProcessorLocation.country_code)):
        countries[pid].append(code)
    raised = flags_of(session, ids, today)
    deadlines = _next_deadlines(session, ids, today) if ids else {}
    rows = [RegisterRow(p.id, p.reference, p.legal_name, p.entity_id, p.status, tuple(countries[p.id]),
                        deadlines.get(p.id), frozenset(raised[p.id])) for p in processors]
    return RegisterPage(rows, total)


def iter_register(session: Session, actor: Actor, flt: RegisterFilter, batch: int = 200):
    """Every processor the filter matches, page by page (exports)."""
    page = 1
    while True:
        result = list_processors(session, actor, flt, page, batch)
        yield from result.rows
        if page * batch >= result.total:
            return
        page += 1


def get_processor(session: Session, actor: Actor, processor_id: int) -> ProcessorFile:
    processor = fetch(session, actor, processor_id, action="processor.read")
    pid = processor.id
    applied = policy.clause_policy(session, pid)
    asked = set(required_clauses(applied.applies))
    contracts = []
    for contract in session.exec(select(ProcessorContract).where(ProcessorContract.processor_id == pid)
                                 .order_by(ProcessorContract.starts_on.desc(), ProcessorContract.id.desc())):
        clauses = {c.clause: c for c in session.exec(select(ContractClause)
                                                     .where(ContractClause.contract_id == contract.id))
                   if c.clause in asked}
        contracts.append(ContractView(contract, clauses))
    activities = [ActivityChoice(a.id, a.reference, a.name, a.entity_id, a.department_id, a.status)
                  for a in session.exec(select(ProcessingActivity).join(
                      ProcessorActivity, ProcessorActivity.activity_id == ProcessingActivity.id)
                      .where(ProcessorActivity.processor_id == pid).order_by(ProcessingActivity.reference))]
    entity_ids = sorted(session.exec(select(ProcessorEntity.entity_id).where(ProcessorEntity.processor_id == pid)))
    documents = list(session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content))
                                  .where(EvidenceDocument.case_type == OBJECT_TYPE, EvidenceDocument.case_id == pid)
                                  .order_by(EvidenceDocument.issued_at.desc())))
    names = dict(session.exec(select(Entity.id, Entity.name)).all())
    return ProcessorFile(
        processor=processor, entity_ids=entity_ids, activities=activities, locations=_locations(session, pid),
        contracts=contracts,
        subprocessors=list(session.exec(select(SubProcessor).where(SubProcessor.processor_id == pid)
                                        .order_by(SubProcessor.created_at, SubProcessor.id))),
        audits=list(session.exec(select(ProcessorAudit).where(ProcessorAudit.processor_id == pid)
                                 .order_by(ProcessorAudit.performed_on.desc()))),
        documents=documents, flags=frozenset(flags_of(session, [pid], paris_today())[pid]),
        editable=can_edit(actor), entity_names=names, clause_policy=applied,
        contradictions=register_consistency.processor_contradictions(session, pid, [a.id for a in activities]))
