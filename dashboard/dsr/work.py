"""The work done on a request: what each department searched and found (per
system), the Art. 19 recipients ticked off, and — for an erasure — what was erased
how and when, and what is kept and why (the destruction certificate's content).

Department heads record these on their departments' requests; the DPO and legal
on any. Each line is an audit entry; lines are never deleted."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session

from dashboard.actor import Actor
from dashboard.dsr import common
from models.dsr import (ART19_RIGHTS, ERASURE_METHODS, RECIPIENT_STATES, DataSubjectRequest, DsrErasure,
                        DsrRecipient, DsrRetention, DsrSearch)
from models.errors import RuleViolation


class SearchData(BaseModel):
    system: str = Field(min_length=2, max_length=200)
    data_categories: str = Field(default="", max_length=500)
    found: bool = False
    notes: str = Field(default="", max_length=5000)
    searched_on: date


class RecipientData(BaseModel):
    recipient: str = Field(min_length=2, max_length=200)


class RecipientUpdate(BaseModel):
    state: Literal[RECIPIENT_STATES]  # type: ignore[valid-type]
    notified_on: date | None = None
    note: str = Field(default="", max_length=500)


class ErasureData(BaseModel):
    system: str = Field(min_length=2, max_length=200)
    data_category: str = Field(min_length=2, max_length=300)
    method: Literal[ERASURE_METHODS]  # type: ignore[valid-type]
    performed_on: date
    performed_by: str = Field(min_length=2, max_length=200)


class RetentionData(BaseModel):
    data_category: str = Field(min_length=2, max_length=300)
    reason: str = Field(min_length=10, max_length=500)
    keep_until: date | None = None


def _open_for_work(session: Session, actor: Actor, request_id: int, version: int, action: str
                   ) -> DataSubjectRequest:
    request = common.fetch(session, actor, request_id, action=action, write=True)
    common.check_version(request, version)
    common.require_open(request)
    return request


def _erasure_request(session: Session, actor: Actor, request_id: int, version: int, action: str
                     ) -> DataSubjectRequest:
    request = _open_for_work(session, actor, request_id, version, action)
    if "erasure" not in common.rights_of(session, request.id):
        raise RuleViolation("dsr.error.no_erasure_right")
    return request


def add_search(session: Session, actor: Actor, request_id: int, version: int, data: dict | SearchData) -> DsrSearch:
    request = _open_for_work(session, actor, request_id, version, "dsr.search")
    data = common.validate_input(SearchData, data)
    common.check_day("searched_on", data.searched_on, request)
    line = DsrSearch(request_id=request.id, **data.model_dump(), recorded_by_id=actor.user_id,
                     recorded_by_name=actor.full_name)
    session.add(line)
    common.save(session, request)
    common.record(session, actor, request, "dsr.search", system=line.system, found=line.found)
    return line


def add_recipient(session: Session, actor: Actor, request_id: int, version: int, data: dict | RecipientData
                  ) -> DsrRecipient:
    request = _open_for_work(session, actor, request_id, version, "dsr.recipient.add")
    if not common.rights_of(session, request.id) & ART19_RIGHTS:
        raise RuleViolation("dsr.error.no_art19_right")
    data = common.validate_input(RecipientData, data)
    line = DsrRecipient(request_id=request.id, recipient=data.recipient.strip())
    session.add(line)
    common.save(session, request)
    common.record(session, actor, request, "dsr.recipient.add", recipient=line.recipient)
    return line


def update_recipient(session: Session, actor: Actor, request_id: int, version: int, recipient_id: int,
                     data: dict | RecipientUpdate) -> DsrRecipient:
    """Tick a recipient off: told on a given day, or impossible / disproportionate
    effort (Art. 19), which needs a note."""
    request = _open_for_work(session, actor, request_id, version, "dsr.recipient.update")
    line = session.get(DsrRecipient, recipient_id) if isinstance(recipient_id, int) else None
    if line is None or line.request_id != request.id:
        common.deny_line(session, actor, request, "dsr.recipient.update", recipient_id)
    data = common.validate_input(RecipientUpdate, data)
    if data.state == "notified":
        if data.notified_on is None:
            raise common.field_problem("notified_on", "validation.missing")
        common.check_day("notified_on", data.notified_on, request)
    if data.state == "impossible" and len(data.note.strip()) < 10:
        raise common.field_problem("note", "dsr.error.impossible_needs_note")
    before = line.state
    line.state = data.state
    line.notified_on = data.notified_on if data.state == "notified" else None
    line.note = data.note.strip()
    session.add(line)
    common.save(session, request)
    common.record(session, actor, request, "dsr.recipient.update", recipient=line.recipient,
                  state=[before, line.state], notified_on=line.notified_on)
    return line


def add_erasure(session: Session, actor: Actor, request_id: int, version: int, data: dict | ErasureData
                ) -> DsrErasure:
    request = _erasure_request(session, actor, request_id, version, "dsr.erasure.add")
    data = common.validate_input(ErasureData, data)
    common.check_day("performed_on", data.performed_on, request)
    line = DsrErasure(request_id=request.id, **{k: v.strip() if isinstance(v, str) else v
                                                for k, v in data.model_dump().items()})
    session.add(line)
    common.save(session, request)
    common.record(session, actor, request, "dsr.erasure.add", system=line.system, method=line.method,
                  performed_on=line.performed_on)
    return line


def add_retention(session: Session, actor: Actor, request_id: int, version: int, data: dict | RetentionData
                  ) -> DsrRetention:
    request = _erasure_request(session, actor, request_id, version, "dsr.retention.add")
    data = common.validate_input(RetentionData, data)
    line = DsrRetention(request_id=request.id, data_category=data.data_category.strip(),
                        reason=data.reason.strip(), keep_until=data.keep_until)
    session.add(line)
    common.save(session, request)
    common.record(session, actor, request, "dsr.retention.add", data_category=line.data_category)
    return line
