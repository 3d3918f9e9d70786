"""Sub-processors (GDPR Art. 28(2) and (4)). Under a specific authorisation the
controller authorised this sub-processor in writing; under a general one, the
processor notifies each addition or replacement and the controller may object until
the window agreed in the contract closes (models.deadlines.objection_deadline)."""

from sqlmodel import Session

from dashboard import register_consistency
from dashboard.actor import Actor
from dashboard.permissions import deny
from dashboard.processor import state
from dashboard.processor.forms import ObjectionDecision, SubProcessorData, validate_for
from dashboard.processor.scope import check_version, fetch, record, require_editor
from dashboard.validation import problem
from models.clock import paris_today
from models.deadlines import objection_deadline
from models.processor import Processor, SubProcessor


def _fetch(session: Session, actor: Actor, subprocessor_id: int, action: str) -> tuple[SubProcessor, Processor]:
    sub = session.get(SubProcessor, subprocessor_id)
    if sub is None:
        deny(session, actor, action=action, object_type="processor_subprocessor", object_id=subprocessor_id)
    return sub, fetch(session, actor, sub.processor_id, action=action)


def _record(session, actor, action: str, processor: Processor, sub: SubProcessor, **details) -> None:
    record(session, actor, action, processor, subprocessor_id=sub.id, name=sub.name, status=sub.status, **details)


def add_subprocessor(session: Session, actor: Actor, processor_id: int, data: dict) -> SubProcessor:
    require_editor(session, actor, action="processor.subprocessor.add", object_id=processor_id)
    processor = fetch(session, actor, processor_id, action="processor.subprocessor.add")
    data = validate_for(actor, SubProcessorData, data)
    if data.replaces_id is not None:
        replaced = session.get(SubProcessor, data.replaces_id)
        if replaced is None or replaced.processor_id != processor.id or replaced.status == "removed":
            raise problem("replaces_id", "processor.error.replaces_unknown")
    if data.notified_on is not None and data.notified_on > paris_today():
        raise problem("notified_on", "processor.error.notified_in_future")
    served_before = register_consistency.before_change(session, processor.id)
    sub = SubProcessor(processor_id=processor.id, **data.model_dump(exclude={"note"}), transfer_note=data.note)
    if data.authorisation == "general":
        sub.status = "notified"
        sub.objection_deadline = objection_deadline(data.notified_on, processor.objection_window_days)
    else:
        sub.status = "active"
        sub.objection_deadline = None
        _retire_replaced(session, sub)
    session.add(sub)
    session.flush()
    state.refresh(session, processor)
    _record(session, actor, "processor.subprocessor.add", processor, sub, authorisation=sub.authorisation,
            country=sub.country_code, objection_deadline=sub.objection_deadline)
    register_consistency.send_back_affected(session, actor, processor, served_before)
    return sub


def _retire_replaced(session: Session, sub: SubProcessor) -> None:
    if sub.replaces_id:
        replaced = session.get(SubProcessor, sub.replaces_id)
        replaced.status = "removed"
        session.add(replaced)


def decide_objection(session: Session, actor: Actor, subprocessor_id: int, version: int, data: dict) -> SubProcessor:
    """The controller's answer to a notified change: objection (with reasons, within
    the window) or acceptance."""
    require_editor(session, actor, action="processor.subprocessor.decide", object_id=subprocessor_id)
    sub, processor = _fetch(session, actor, subprocessor_id, "processor.subprocessor.decide")
    check_version(sub, version)
    data = validate_for(actor, ObjectionDecision, data)
    if sub.status != "notified":
        raise problem("", "processor.error.not_notified")
    if data.objected and paris_today() > sub.objection_deadline:
        raise problem("", "processor.error.window_closed", deadline=sub.objection_deadline)
    served_before = register_consistency.before_change(session, processor.id)
    sub.status = "objected" if data.objected else "active"
    sub.objection_note = data.note.strip()
    if not data.objected:
        _retire_replaced(session, sub)
    session.add(sub)
    session.flush()
    state.refresh(session, processor)
    _record(session, actor, "processor.subprocessor.decide", processor, sub, objected=data.objected)
    register_consistency.send_back_affected(session, actor, processor, served_before)
    return sub


def remove_subprocessor(session: Session, actor: Actor, subprocessor_id: int, version: int) -> SubProcessor:
    """The processor no longer uses it; the row stays, marked removed."""
    require_editor(session, actor, action="processor.subprocessor.remove", object_id=subprocessor_id)
    sub, processor = _fetch(session, actor, subprocessor_id, "processor.subprocessor.remove")
    check_version(sub, version)
    served_before = register_consistency.before_change(session, processor.id)
    sub.status = "removed"
    session.add(sub)
    session.flush()
    state.refresh(session, processor)
    _record(session, actor, "processor.subprocessor.remove", processor, sub)
    register_consistency.send_back_affected(session, actor, processor, served_before)
    return sub
