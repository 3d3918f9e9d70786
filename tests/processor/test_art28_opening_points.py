"""Issue 15, rule 9: the Art. 28(3) opening points on the checklist, and existing contracts
migrated with those points unreviewed (missing), on SQLite and PostgreSQL."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import select

from dashboard import db
from dashboard.processor import contracts, registry
from models.processor import ContractClause, ProcessorContract
from models.processor_clauses import ART28_OPENING_CLAUSES
from tests.processor.conftest import contract_data, processor_data


def _contract(org) -> ProcessorContract:
    with org.work() as session:
        processor = registry.create_processor(session, org.dpo, processor_data(org))
    with org.work() as session:
        return contracts.save_contract(session, org.dpo, processor.id, contract_data(
            missing=ART28_OPENING_CLAUSES + ("policy_audit",)))


def test_a_contract_without_the_opening_points_is_flagged(porg):
    """GDPR Art. 28(3), first subparagraph: the contract sets out the subject matter,
    duration, nature and purpose of the processing, the type of personal data and the
    categories of data subjects. Without them, 15 of 21 points: flagged, score 71."""
    contract = _contract(porg)
    assert (contract.missing_clauses, contract.clause_score) == (6, 71)


def test_existing_contracts_get_the_new_points_as_missing(porg):
    """Migration 0014: a contract checked on the sixteen former points keeps its states;
    the five Art. 28(3) opening points count as unreviewed, hence missing, and the stored
    score is recomputed over 21 points (15 of 21 present: 71)."""
    contract = _contract(porg)
    cfg = db.alembic_config()
    before_rules = next(script.down_revision for script in ScriptDirectory.from_config(cfg).walk_revisions()
                        if script.module.__name__.endswith("legal_rules") or "legal_rules" in (script.path or ""))
    with porg.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before_rules)
    with porg.engine.connect() as conn:  # as the sixteen-point checklist left it
        assert conn.exec_driver_sql("SELECT missing_clauses, clause_score FROM processor_contract").one() == (1, 94)
    with porg.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with porg.session() as session:
        stored = session.get(ProcessorContract, contract.id)
        rows = session.exec(select(ContractClause.clause).where(ContractClause.contract_id == contract.id)).all()
    assert (stored.missing_clauses, stored.partial_clauses, stored.clause_score) == (6, 0, 71)
    assert stored.version == contract.version + 1  # a form drawn before the migration cannot overwrite it
    assert not set(ART28_OPENING_CLAUSES) & set(rows)
