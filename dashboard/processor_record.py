"""The record of processing carried out as a processor (GDPR Art. 30(2)): use cases.

Who does what, as in the register of processing activities (dashboard/register.py):
the DPO and legal counsel read and edit every record; department heads read, create
and edit the records of their own departments (the department running the service);
auditors read everything and change nothing. Every change is an audit entry with the
fields before and after; a save made on a version the user no longer sees is refused,
naming who changed the record and when (dashboard/concurrency.py). Nothing is deleted:
a client relationship that ends gets its end date.
"""

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError
from sqlmodel import Session, select

from dashboard import audit, concurrency, i18n
from dashboard.actor import Actor
from dashboard.evidence import issue_document
from dashboard.permissions import deny, department_filter, require, require_entity, require_writer
from dashboard.register import content_problems, may_edit  # noqa: F401 (may_edit: the page asks it too)
from dashboard.validation import InvalidInput, problem
from exports.processor_record_pdf import build_processor_record_pdf
from models.clock import paris_today
from models.evidence import EvidenceDocument
from models.org import Department, Entity
from models.roles import Capability
from models.processor_record import (
    CONTENT_FIELDS, ProcessorRecord, ProcessorRecordContent, content_of, stored,
)
from models.types import utcnow

OBJECT_TYPE = "processor_record"
AREA = "processor_record"
PDF_KIND = "processor_record.extract"


@dataclass(frozen=True)
class RecordView:
    id: int
    entity_id: int
    entity_name: str
    department_id: int
    department_name: str
    content: ProcessorRecordContent
    version: int
    updated_at: datetime
    updated_by_name: str
    can_edit: bool

    @property
    def active(self) -> bool:
        return self.content.ended_on is None or self.content.ended_on >= paris_today()


def _validate(data: dict | ProcessorRecordContent) -> ProcessorRecordContent:
    if isinstance(data, ProcessorRecordContent):
        data = data.model_dump()
    try:
        return ProcessorRecordContent.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(content_problems(error)) from None


def _department(session: Session, department_id: int, entity_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None or department.entity_id != entity_id:  # a department of another entity is unknown here
        raise problem("department", "validation.unknown_department")
    return department


def _view(session: Session, actor: Actor, row: ProcessorRecord) -> RecordView:
    entity = session.get(Entity, row.entity_id)
    department = session.get(Department, row.department_id)
    return RecordView(row.id, row.entity_id, entity.name if entity else "", row.department_id,
                      department.name if department else "", content_of(row), row.version, row.updated_at,
                      row.updated_by_name, may_edit(actor, row.department_id))


def _visible(session: Session, actor: Actor, record_id: int, action: str) -> ProcessorRecord:
    row = session.get(ProcessorRecord, record_id)
    if row is None or not actor.covers_department(row.department_id, row.entity_id):
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=record_id)
    return row


def _require_editor(session: Session, actor: Actor, department_id: int, action: str,
                    record_id: int | None = None) -> None:
    require_writer(session, actor, action=action, object_type=OBJECT_TYPE, object_id=record_id)
    if not may_edit(actor, department_id):
        deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=record_id)


def _snapshot(content: ProcessorRecordContent) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in stored(content).items()}


def list_records(session: Session, actor: Actor, entity_id: int | None = None) -> list[RecordView]:
    """The records the actor may see, by entity then client."""
    query = select(ProcessorRecord).where(department_filter(actor, ProcessorRecord.department_id, ProcessorRecord.entity_id))
    if entity_id:
        query = query.where(ProcessorRecord.entity_id == entity_id)
    rows = session.exec(query.order_by(ProcessorRecord.entity_id, ProcessorRecord.client_name,
                                       ProcessorRecord.id)).all()
    return [_view(session, actor, r) for r in rows]


def get_record(session: Session, actor: Actor, record_id: int) -> RecordView:
    return _view(session, actor, _visible(session, actor, record_id, "processor_record.view"))


def create_record(session: Session, actor: Actor, entity_id: int,
                  data: dict | ProcessorRecordContent) -> RecordView:
    content = _validate(data)
    _require_editor(session, actor, content.department_id, "processor_record.create")
    require_entity(session, actor, entity_id, action="processor_record.create", object_type="entity",
                   object_id=entity_id)
    if session.get(Entity, entity_id) is None:
        raise problem("entity_id", "validation.unknown_entity")
    _department(session, content.department_id, entity_id)
    row = ProcessorRecord(entity_id=entity_id, updated_by_name=actor.full_name, **stored(content))
    session.add(row)
    session.flush()
    audit.record(session, actor, "processor_record.create", object_type=OBJECT_TYPE, object_id=row.id,
                 object_ref=content.client_name[:64], entity_id=entity_id, details=_snapshot(content))
    return _view(session, actor, row)


def update_record(session: Session, actor: Actor, record_id: int, expected_version: int | None,
                  data: dict | ProcessorRecordContent) -> RecordView:
    row = _visible(session, actor, record_id, "processor_record.update")
    _require_editor(session, actor, row.department_id, "processor_record.update", record_id)
    concurrency.check(row, expected_version, object_type=OBJECT_TYPE, object_id=row.id, area=AREA)
    content = _validate(data)
    if content.department_id != row.department_id:
        _require_editor(session, actor, content.department_id, "processor_record.update", record_id)
        _department(session, content.department_id, row.entity_id)
    before, after = _snapshot(content_of(row)), _snapshot(content)
    changes = {f: [before[f], after[f]] for f in CONTENT_FIELDS if before[f] != after[f]}
    if not changes:
        return _view(session, actor, row)
    for name, value in stored(content).items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    row.updated_by_name = actor.full_name
    session.add(row)
    session.flush()  # the version goes up; a concurrent save of the same version fails here
    audit.record(session, actor, "processor_record.update", object_type=OBJECT_TYPE, object_id=row.id,
                 object_ref=content.client_name[:64], entity_id=row.entity_id, details={"changes": changes})
    return _view(session, actor, row)


def issue_record_pdf(session: Session, actor: Actor, entity_id: int,
                     language: str = i18n.DEFAULT_LANGUAGE) -> EvidenceDocument:
    """The entity's Art. 30(2) record (the records the actor may see) as a PDF kept in
    the evidence registry. Like the register's extract, it covers the whole entity:
    the DPO and legal counsel issue it."""
    require(session, actor, Capability.WORK_ALL_CASES, action="processor_record.export", object_type="entity",
            object_id=entity_id)
    require_entity(session, actor, entity_id, action="processor_record.export", object_type="entity",
                   object_id=entity_id)
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise problem("entity_id", "validation.unknown_entity")
    records = list_records(session, actor, entity_id)
    tr = i18n.Translator(language)
    return issue_document(
        session, actor, kind=PDF_KIND, title=tr("processor_record.pdf.title_of", entity=entity.name),
        filename=f"registre-sous-traitant-{entity.code.lower()}-{paris_today().isoformat()}.pdf",
        media_type="application/pdf",
        build=lambda stamp: build_processor_record_pdf(entity, records, tr, stamp),
        language=tr.language, case_type=OBJECT_TYPE, case_ref=entity.code, entity_id=entity.id)
