"""Breaches as the processing-activity register sees them (dashboard.links provider)."""

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.breach.records import visible
from dashboard.links import LinkedCase
from models.breach import CASE_TYPE, Breach, BreachActivity, BreachStatus


def linked_breaches(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    """The breaches concerning an activity that the actor may see, latest first."""
    found = session.exec(select(Breach).join(BreachActivity, BreachActivity.breach_id == Breach.id)
                         .where(BreachActivity.activity_id == activity_id, visible(actor))
                         .order_by(Breach.detected_at.desc(), Breach.id.desc())).all()
    return [LinkedCase(CASE_TYPE, b.id, b.reference, b.title, f"breach.status.{b.status}",
                       b.status != BreachStatus.CLOSED, url_path=f"breach?id={b.id}") for b in found]


def breaches_at_processor(session: Session, actor: Actor, processor_id: int) -> list[LinkedCase]:
    """The breaches that happened at a processor, among those the actor may see, latest first."""
    found = session.exec(select(Breach).where(Breach.processor_id == processor_id, visible(actor))
                         .order_by(Breach.detected_at.desc(), Breach.id.desc())).all()
    return [LinkedCase(CASE_TYPE, b.id, b.reference, b.title, f"breach.status.{b.status}",
                       b.status != BreachStatus.CLOSED, url_path=f"breach?id={b.id}") for b in found]
