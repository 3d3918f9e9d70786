"""The processors each processing activity lists (dashboard.links provider)."""

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.links import LinkedCase
from dashboard.processor.scope import visible
from models.processor import Processor, ProcessorActivity

PAGE = "processor"  # the processor file page's url_path


def processors_of_activity(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    processors = session.exec(select(Processor).join(ProcessorActivity, ProcessorActivity.processor_id == Processor.id)
                              .where(ProcessorActivity.activity_id == activity_id, visible(session, actor))
                              .order_by(Processor.legal_name))
    return [LinkedCase("processor", p.id, p.reference, p.legal_name, f"processor.status.{p.status}",
                       p.status != "ended", f"{PAGE}?id={p.id}") for p in processors]
