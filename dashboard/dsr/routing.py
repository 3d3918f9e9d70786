"""Routing of requests to departments by entity and the person's relation.

A rule routes an entity's requests to one of that entity's departments only (a rule left
pointing at a department since moved to another entity, or closed, routes nothing).
The default is the insurer's policy (staff → HR, elected members → General
Secretariat, members → Customer Relations, prospects → External Communication &
Marketing); the DPO edits it in the settings. Without a rule the request stays
unrouted and the DPO routes it by hand.
"""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, select

from dashboard import audit, concurrency, organisation
from dashboard.actor import Actor
from dashboard.dsr.common import field_problem, validate_input
from dashboard.permissions import require
from models.dsr import RELATIONS, DsrRoutingRule
from models.org import Department, Entity
from models.roles import Capability


@dataclass(frozen=True)
class RoutingRow:
    entity_id: int
    entity_name: str
    relation: str
    department_id: int | None


class RuleData(BaseModel):
    entity_id: int
    relation: Literal[RELATIONS]  # type: ignore[valid-type]
    department_id: int | None = None  # None: no rule, the DPO routes by hand
    seen_department_id: int | None = None  # the rule the user saw when the form opened
    check_seen: bool = False  # compare with seen_department_id before saving


def route_for(session: Session, entity_id: int, relation: str) -> int | None:
    """The department a new request goes to, or None when no rule applies."""
    return session.exec(select(DsrRoutingRule.department_id)
                        .join(Department, Department.id == DsrRoutingRule.department_id)
                        .where(DsrRoutingRule.entity_id == entity_id, DsrRoutingRule.relation == relation,
                               Department.entity_id == entity_id, Department.active)).first()


def routing_table(session: Session, actor: Actor) -> list[RoutingRow]:
    """Every (active entity, relation) pair with its department, if any."""
    require(session, actor, Capability.MANAGE_SETTINGS, action="dsr.routing.read")
    rules = {(r.entity_id, r.relation): r.department_id for r in session.exec(select(DsrRoutingRule))}
    entities = session.exec(select(Entity).where(Entity.active).order_by(Entity.name)).all()
    return [RoutingRow(e.id, e.name, relation, rules.get((e.id, relation))) for e in entities for relation in RELATIONS]


def set_rule(session: Session, actor: Actor, data: dict | RuleData) -> None:
    require(session, actor, Capability.MANAGE_SETTINGS, action="dsr.routing.save")
    data = validate_input(RuleData, data)
    if session.get(Entity, data.entity_id) is None:
        raise field_problem("entity_id", "validation.unknown_entity")
    if data.department_id is not None:
        organisation.check_department_of(session, data.department_id, data.entity_id, "dsr_department_id")
    rule = session.exec(select(DsrRoutingRule).where(DsrRoutingRule.entity_id == data.entity_id,
                                                     DsrRoutingRule.relation == data.relation)).first()
    before = rule.department_id if rule else None
    if before == data.department_id:
        return
    if data.check_seen and before != data.seen_department_id:  # someone else routed it since: theirs stands
        raise concurrency.stale(session, "dsr_routing_rule", data.entity_id, "dsr")
    if data.department_id is None:
        session.delete(rule)
    elif rule is None:
        session.add(DsrRoutingRule(entity_id=data.entity_id, relation=data.relation,
                                   department_id=data.department_id))
    else:
        rule.department_id = data.department_id
        session.add(rule)
    session.flush()
    audit.record(session, actor, "dsr.routing.save", object_type="dsr_routing_rule", object_id=data.entity_id,
                 entity_id=data.entity_id, object_ref=data.relation,
                 details={"department_id": [before, data.department_id],
                          "changes": {"department_id": [before, data.department_id]}})


def set_rules(session: Session, actor: Actor, entity_id: int, seen: dict[str, int | None],
              wanted: dict[str, int | None]) -> None:
    """Save one entity's routing form at once: every relation or none. `seen` is what the
    form showed when it opened; a relation someone else routed since refuses the whole save."""
    for relation, department_id in wanted.items():
        set_rule(session, actor, {"entity_id": entity_id, "relation": relation, "department_id": department_id,
                                  "seen_department_id": seen.get(relation), "check_seen": True})
