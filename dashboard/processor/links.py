"""Processors as other case types see them: the processors each processing activity lists
(dashboard.links provider), and the processors a breach can be linked to."""

from dataclasses import dataclass

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.links import LinkedCase
from dashboard.processor.scope import visible
from models.processor import Processor, ProcessorActivity, ProcessorEntity

PAGE = "processor"  # the processor file page's url_path


def processors_of_activity(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    processors = session.exec(select(Processor).join(ProcessorActivity, ProcessorActivity.processor_id == Processor.id)
                              .where(ProcessorActivity.activity_id == activity_id, visible(session, actor))
                              .order_by(Processor.legal_name))
    return [LinkedCase("processor", p.id, p.reference, p.legal_name, f"processor.status.{p.status}",
                       p.status != "ended", f"{PAGE}?id={p.id}") for p in processors]


@dataclass(frozen=True)
class ProcessorChoice:
    id: int
    legal_name: str
    entity_ids: frozenset[int]


def processor_choices(session: Session, actor: Actor) -> list[ProcessorChoice]:
    """The processors the actor may see, with the entities each works for."""
    processors = session.exec(select(Processor.id, Processor.legal_name).where(visible(session, actor))
                              .order_by(Processor.legal_name)).all()
    entities: dict[int, set[int]] = {}
    for processor_id, entity_id in session.exec(select(ProcessorEntity.processor_id, ProcessorEntity.entity_id)):
        entities.setdefault(processor_id, set()).add(entity_id)
    return [ProcessorChoice(pid, name, frozenset(entities.get(pid, ()))) for pid, name in processors]
