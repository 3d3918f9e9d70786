"""Which clause policy a processor's contracts answer to, and why.

Art. 28(3) applies to every contract. The insurer's eight points (models.processor_clauses.
POLICY_CLAUSES) belong to the entities that adopted that policy (`Entity.adopts_policy_clauses`):
they are asked of a contract when the processor works for at least one of them — the
contracting entity or another entity using it (ProcessorEntity) — since that entity's data
then flows through the processor. A Savelunari contract is therefore not asked for them,
one shared with Médicis is.

A contract's stored score (clause_score, missing_clauses, partial_clauses) is computed over
the points asked of it; `rescore` recomputes them when an entity adopts or drops the policy
or when a processor's entities change.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from models.org import Entity
from models.processor import ContractClause, ProcessorContract, ProcessorEntity
from models.processor_clauses import score_clauses


@dataclass(frozen=True)
class ClausePolicy:
    applies: bool
    adopting: tuple[str, ...]  # names of the processor's entities that adopted the policy
    entities: tuple[str, ...]  # names of all the processor's entities


def clause_policy(session: Session, processor_id: int) -> ClausePolicy:
    rows = session.exec(select(Entity.name, Entity.adopts_policy_clauses)
                        .join(ProcessorEntity, ProcessorEntity.entity_id == Entity.id)
                        .where(ProcessorEntity.processor_id == processor_id).order_by(Entity.name)).all()
    adopting = tuple(name for name, adopts in rows if adopts)
    return ClausePolicy(applies=bool(adopting), adopting=adopting, entities=tuple(name for name, _ in rows))


def score_contract(session: Session, contract: ProcessorContract, policy_applies: bool) -> bool:
    """Store the contract's score over the points asked of it; True when it changed."""
    states = {row.clause: row.state for row in session.exec(select(ContractClause)
                                                            .where(ContractClause.contract_id == contract.id))}
    summary = score_clauses(states, policy_applies)
    new = (summary.score, summary.missing, summary.partial)
    if new == (contract.clause_score, contract.missing_clauses, contract.partial_clauses):
        return False
    contract.clause_score, contract.missing_clauses, contract.partial_clauses = new
    session.add(contract)
    return True


def rescore(session: Session, *, processor_ids: list[int] | None = None, entity_id: int | None = None) -> int:
    """Recompute the stored scores of the contracts of these processors (or of every
    processor working for `entity_id`); returns how many changed. The caller records why."""
    query = select(ProcessorContract)
    if processor_ids is not None:
        query = query.where(ProcessorContract.processor_id.in_(sorted(processor_ids) or [-1]))
    if entity_id is not None:
        query = query.where(ProcessorContract.processor_id.in_(
            select(ProcessorEntity.processor_id).where(ProcessorEntity.entity_id == entity_id)))
    changed, policies = 0, {}
    for contract in session.exec(query).all():
        if contract.processor_id not in policies:
            policies[contract.processor_id] = clause_policy(session, contract.processor_id).applies
        changed += score_contract(session, contract, policies[contract.processor_id])
    session.flush()
    return changed
