"""What a DPO must look at, as SQL conditions on Processor that lists, counts and the
dashboard reuse: a contract with a missing clause, a transfer the entity's policy
forbids, no contract at all, deadlines coming up."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.processor.scope import visible
from models.clock import paris_today
from models.org import Entity
from models.processor import Processor, ProcessorContract, ProcessorEntity, SubProcessor

SOON_DAYS = 90
FLAGS = ("missing_clause", "forbidden_transfer", "outside_eea", "no_contract", "objection_open", "audit_due",
         "deadline_soon", "destruction_pending")


def _active_contract():
    return select(ProcessorContract.id).where(ProcessorContract.processor_id == Processor.id,
                                              ProcessorContract.status == "active")


def condition(flag: str, today: date) -> ColumnElement[bool]:
    soon = today + timedelta(days=SOON_DAYS)
    if flag == "missing_clause":
        return _active_contract().where(ProcessorContract.missing_clauses > 0).exists()
    if flag == "forbidden_transfer":
        return and_(Processor.transfers_outside_eu, select(ProcessorEntity.id)
                    .join(Entity, Entity.id == ProcessorEntity.entity_id)
                    .where(ProcessorEntity.processor_id == Processor.id, Entity.forbids_non_eu_transfers)
                    .exists())
    if flag == "outside_eea":
        return Processor.transfers_outside_eea.is_(True)
    if flag == "no_contract":
        return and_(Processor.status != "ended", ~_active_contract().exists())
    if flag == "objection_open":
        return select(SubProcessor.id).where(SubProcessor.processor_id == Processor.id,
                                             SubProcessor.status == "notified",
                                             SubProcessor.objection_deadline >= today).exists()
    if flag == "audit_due":
        return and_(Processor.status != "ended", Processor.next_audit_date <= soon)
    if flag == "deadline_soon":
        return _active_contract().where(or_(ProcessorContract.end_date <= soon,
                                            ProcessorContract.notice_date <= soon)).exists()
    if flag == "destruction_pending":
        return select(ProcessorContract.id).where(ProcessorContract.processor_id == Processor.id,
                                                  ProcessorContract.status == "ended",
                                                  ProcessorContract.destruction_proved_on.is_(None)).exists()
    raise ValueError(flag)


def flags_of(session: Session, processor_ids: list[int], today: date) -> dict[int, set[str]]:
    """The flags raised on each of these processors (one query per flag, not per row)."""
    raised: dict[int, set[str]] = {pid: set() for pid in processor_ids}
    if not processor_ids:
        return raised
    for flag in FLAGS:
        for pid in session.exec(select(Processor.id).where(Processor.id.in_(processor_ids),
                                                           condition(flag, today))):
            raised[pid].add(flag)
    return raised


@dataclass(frozen=True)
class FlagCounts:
    counts: dict[str, int]
    total: int


def count_flags(session: Session, actor: Actor, today: date | None = None) -> FlagCounts:
    """How many processors the actor may see raise each flag (for the dashboard)."""
    today = today or paris_today()
    scope = visible(session, actor)
    counts = {flag: session.exec(select(func.count()).select_from(Processor)
                                 .where(scope, condition(flag, today))).one() for flag in FLAGS}
    total = session.exec(select(func.count()).select_from(Processor).where(scope)).one()
    return FlagCounts(counts, total)


def contracts_with_missing_clauses(session: Session, actor: Actor, scope: ColumnElement[bool] | None = None
                                   ) -> Select:
    """The active contracts lacking at least one required clause, within the actor's
    scope: a query the dashboard can count, page or join. `scope`: the caller's condition on
    the processors, when it has one of the same rule (the overview's, built once: scope.visible_in_sql)."""
    return (select(ProcessorContract)
            .join(Processor, Processor.id == ProcessorContract.processor_id)
            .where(visible(session, actor) if scope is None else scope, ProcessorContract.status == "active",
                   ProcessorContract.missing_clauses > 0)
            .order_by(ProcessorContract.missing_clauses.desc(), ProcessorContract.id))
