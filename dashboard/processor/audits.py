"""Audits of a processor (GDPR Art. 28(3)(h)) and the next one's date."""

from sqlmodel import Session

from dashboard.actor import Actor
from dashboard.processor import state
from dashboard.processor.forms import AuditData, validate_for
from dashboard.processor.scope import fetch, record, require_editor
from dashboard.validation import problem
from models.clock import paris_today
from models.processor import ProcessorAudit


def record_audit(session: Session, actor: Actor, processor_id: int, data: dict) -> ProcessorAudit:
    require_editor(session, actor, action="processor.audit.record", object_id=processor_id)
    processor = fetch(session, actor, processor_id, action="processor.audit.record")
    data = validate_for(actor, AuditData, data)
    if data.performed_on > paris_today():
        raise problem("performed_on", "processor.error.audit_in_future")
    row = ProcessorAudit(processor_id=processor.id, recorded_by=actor.full_name, **data.model_dump())
    session.add(row)
    if processor.last_audit_on is None or data.performed_on >= processor.last_audit_on:
        processor.last_audit_on = data.performed_on
    if processor.planned_audit_on is not None and processor.planned_audit_on <= data.performed_on:
        processor.planned_audit_on = None  # the planned audit took place: next one from the interval
    state.refresh(session, processor)
    session.flush()
    record(session, actor, "processor.audit.record", processor, audit_id=row.id, performed_on=data.performed_on,
           outcome=data.outcome, next_audit=processor.next_audit_date)
    return row
