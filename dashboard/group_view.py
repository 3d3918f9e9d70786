"""The group DPO's consolidated view: the register and the overview figures per entity,
side by side, within what the actor may see (a local correspondent: his entities only;
a department head: his departments'). One table per page, one row per entity and a total."""

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from dashboard import register
from dashboard.actor import Actor
from dashboard.organisation import list_entities
from dashboard.overview import figures
from dashboard.overview.scope import OverviewFilter
from models.clock import paris_today
from models.processing import ProcessingActivity


@dataclass(frozen=True)
class RegisterCounts:
    entity_id: int | None  # None: the total row
    entity_name: str
    entries: int
    drafts: int
    validated: int
    reviews_due: int


def register_by_entity(session: Session, actor: Actor, flt: register.RegisterFilter = register.RegisterFilter()
                       ) -> list[RegisterCounts]:
    """Entries, drafts, validated entries and reviews due (within register.DUE_SOON_DAYS) of
    each entity the actor sees, under the list's filter but for its entity; then the total."""
    a = ProcessingActivity
    due = a.next_review_on <= paris_today() + timedelta(days=register.DUE_SOON_DAYS)
    conditions = register._conditions(actor, replace(flt, entity_id=None))  # the list's own scope and filter
    counted = {entity_id: numbers for entity_id, *numbers in session.exec(
        select(a.entity_id, func.count(),
               func.coalesce(func.sum(case((a.status == "draft", 1), else_=0)), 0),
               func.coalesce(func.sum(case((a.status == "validated", 1), else_=0)), 0),
               func.coalesce(func.sum(case((due, 1), else_=0)), 0))
        .where(*conditions).group_by(a.entity_id))}
    rows = [RegisterCounts(e.id, e.name, *(int(n) for n in counted.get(e.id, (0, 0, 0, 0))))
            for e in list_entities(session, actor, include_inactive=True)
            if e.active or e.id in counted]
    return rows + [RegisterCounts(None, "", *(sum(getattr(r, f) for r in rows)
                                              for f in ("entries", "drafts", "validated", "reviews_due")))]


@dataclass(frozen=True)
class EntityFigures:
    entity_id: int | None  # None: the whole group (the figures without an entity filter)
    entity_name: str
    requests_open: int
    late: int
    upcoming: int  # due within the filter's horizon (late ones not included)
    contracts_incomplete: int


def _figures(entity_id: int | None, name: str, head: figures.Headline) -> EntityFigures:
    return EntityFigures(entity_id, name, head.requests_open, head.late_total(),
                         sum(k.upcoming for k in head.kinds.values()), head.contracts_incomplete)


def overview_by_entity(session: Session, actor: Actor, flt: OverviewFilter) -> list[EntityFigures]:
    """The overview's headline figures for each active entity the actor sees, then for the
    whole group (the same use case as the page's figures, one entity at a time)."""
    rows = [_figures(e.id, e.name, figures.headline(session, actor, replace(flt, entity_id=e.id)))
            for e in list_entities(session, actor)]
    return rows + [_figures(None, "", figures.headline(session, actor, replace(flt, entity_id=None)))]
