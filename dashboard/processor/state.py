"""Derived columns of a processor, recomputed whenever their inputs change."""

from sqlmodel import Session, select

from models.deadlines import next_audit_date
from models.processor import Processor, ProcessorLocation, SubProcessor
from models.processor_transfers import in_eea, in_eu

LIVE_SUBPROCESSOR = ("notified", "active")  # a notified one processes unless the controller objects


def refresh(session: Session, processor: Processor) -> None:
    session.flush()
    countries = set(session.exec(select(ProcessorLocation.country_code)
                                 .where(ProcessorLocation.processor_id == processor.id)))
    countries |= set(session.exec(select(SubProcessor.country_code).where(
        SubProcessor.processor_id == processor.id, SubProcessor.status.in_(LIVE_SUBPROCESSOR))))
    processor.transfers_outside_eea = any(not in_eea(code) for code in countries)
    processor.transfers_outside_eu = any(not in_eu(code) for code in countries)
    processor.next_audit_date = next_audit_date(processor.last_audit_on, processor.audit_interval_months,
                                                processor.planned_audit_on)
    session.add(processor)
