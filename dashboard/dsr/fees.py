"""A reasonable fee on a request (models/dsr_fee.py has the law): the DPO or legal tells the
person the amount and why, then records how it ended. Each step carries the version the user
saw and is an audit entry; a fee is never deleted."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.dsr import common
from models.dsr import DataSubjectRequest
from models.dsr_fee import FEE_BASES, MAX_AMOUNT, MIN_TEXT, NOTIFIED, SETTLED_STATES, DsrFee, cents, check_fee
from models.errors import RuleViolation


class FeeNotice(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # ten spaces are no cost basis

    basis: Literal[FEE_BASES]  # type: ignore[valid-type]
    amount: Decimal = Field(gt=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)
    cost_basis: str = Field(min_length=MIN_TEXT, max_length=2000)
    reasons: str = Field(default="", max_length=10_000)
    notified_on: date


class FeeSettlement(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    state: Literal[SETTLED_STATES]  # type: ignore[valid-type]
    settled_on: date
    note: str = Field(default="", max_length=500)


def pending_fee(session: Session, request_id: int) -> DsrFee | None:
    """The fee told to the person that awaits their answer (at most one)."""
    return session.exec(select(DsrFee).where(DsrFee.request_id == request_id, DsrFee.state == NOTIFIED)).first()


def notify(session: Session, actor: Actor, request_id: int, version: int, data: dict | FeeNotice) -> DsrFee:
    """Record the fee told to the person: its basis, amount and cost basis, and for Art. 12(5)
    why the request is manifestly unfounded or excessive. One fee at a time awaits an answer."""
    request = common.fetch(session, actor, request_id, action="dsr.fee.notify", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    data = common.validate_input(FeeNotice, data)
    common.check_day("notified_on", data.notified_on, request)
    check_fee(data.basis, common.rights_of(session, request.id), data.reasons)
    if pending_fee(session, request.id) is not None:
        raise RuleViolation("dsr.error.fee_pending")
    fee = DsrFee(request_id=request.id, basis=data.basis, amount_cents=cents(data.amount),
                 cost_basis=data.cost_basis, reasons=data.reasons, notified_on=data.notified_on,
                 recorded_by_id=actor.user_id)
    session.add(fee)
    common.save(session, request)
    common.record(session, actor, request, "dsr.fee.notify", fee_basis=fee.basis, amount_cents=fee.amount_cents,
                  notified_on=fee.notified_on)
    return fee


def settle(session: Session, actor: Actor, request_id: int, version: int, data: dict | FeeSettlement) -> DsrFee:
    """How the fee ended: paid, waived by the controller, or declined by the person (who may
    then withdraw; a request whose fee was declined can be refused under Art. 12(5)(b))."""
    request = common.fetch(session, actor, request_id, action="dsr.fee.settle", write=True, staff_only=True)
    common.check_version(request, version)
    common.require_open(request)
    data = common.validate_input(FeeSettlement, data)
    fee = pending_fee(session, request.id)
    if fee is None:
        raise RuleViolation("dsr.error.no_pending_fee")
    common.check_day("settled_on", data.settled_on, request)
    if data.settled_on < fee.notified_on:
        raise common.field_problem("settled_on", "dsr.error.fee_settled_before_notice", notified=fee.notified_on)
    _settle(session, actor, request, fee, data.state, data.settled_on, data.note)
    common.save(session, request)
    return fee


def _settle(session: Session, actor: Actor, request: DataSubjectRequest, fee: DsrFee, state: str, on: date,
            note: str) -> None:
    """The fee's end and its audit entry; the caller saves the request (one version step)."""
    fee.state, fee.settled_on, fee.settled_note = state, on, note
    session.add(fee)
    common.record(session, actor, request, "dsr.fee.settle", fee_state=[NOTIFIED, state], settled_on=on)


def declined_by_withdrawal(session: Session, actor: Actor, request: DataSubjectRequest, on: date) -> None:
    """A request withdrawn while its fee awaited an answer: the person chose not to pay."""
    fee = pending_fee(session, request.id)
    if fee is None:
        return
    if on < fee.notified_on:
        raise common.field_problem("withdrawn_on", "dsr.error.fee_settled_before_notice", notified=fee.notified_on)
    _settle(session, actor, request, fee, "declined", on, "")


def check_none_pending(session: Session, request: DataSubjectRequest) -> None:
    """A request is not closed while a fee awaits the person's answer: what was charged, or
    not, is part of the answer's record."""
    fee = pending_fee(session, request.id)
    if fee is not None:
        raise RuleViolation("dsr.error.fee_pending_on_close", notified=fee.notified_on)
