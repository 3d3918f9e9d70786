"""Processor contracts: terms and their deadlines, the clause checklist, the end of the
contract and the processor's proof that it destroyed the data."""

from datetime import date

from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.permissions import deny
from dashboard.processor.forms import ContractData, DestructionProofData, EndOfContractData, validate_for
from dashboard.processor.scope import can_edit, check_version, fetch, record, require_editor
from dashboard.validation import problem
from models.clock import paris_today
from models.deadlines import contract_term_end, notice_date, return_or_deletion_due
from models.org import Entity
from models.processor import ContractClause, Processor, ProcessorContract
from dashboard.processor.policy import clause_policy, score_contract
from models.processor_clauses import ALL_CLAUSES
from models.types import utcnow

TERM_FIELDS = ("title", "document_reference", "form", "signed_on", "starts_on", "initial_end", "tacit_renewal",
               "renewal_months", "notice_months", "notice_days")


def fetch_contract(session: Session, actor: Actor, contract_id: int, *, action: str
                   ) -> tuple[ProcessorContract, Processor]:
    contract = session.get(ProcessorContract, contract_id)
    if contract is None:
        deny(session, actor, action=action, object_type="processor_contract", object_id=contract_id)
    return contract, fetch(session, actor, contract.processor_id, action=action)


def compute_deadlines(contract: ProcessorContract, today: date) -> None:
    """End of the running term and the last day to give notice; none for an open-ended
    contract, whose notice can be given at any time."""
    if contract.initial_end is None:
        contract.end_date = contract.notice_date = None
        return
    renewal = contract.renewal_months if contract.tacit_renewal else 0
    contract.end_date = contract_term_end(contract.initial_end, renewal, today)
    contract.notice_date = notice_date(contract.end_date, contract.notice_months, contract.notice_days)


def _clause_rows(session: Session, contract_id: int) -> dict[str, ContractClause]:
    return {row.clause: row for row in session.exec(select(ContractClause)
                                                    .where(ContractClause.contract_id == contract_id))}


def _snapshot(session: Session, contract: ProcessorContract) -> dict:
    data = {name: getattr(contract, name) for name in TERM_FIELDS}
    data["clauses"] = {key: [row.state, row.note] for key, row in sorted(_clause_rows(session, contract.id).items())}
    return data


def _save_clauses(session: Session, contract: ProcessorContract, data: ContractData) -> None:
    rows = _clause_rows(session, contract.id)
    for key in ALL_CLAUSES:
        row = rows.get(key) or ContractClause(contract_id=contract.id, clause=key)
        row.state = data.clauses.get(key, row.state if key in rows else "missing")
        row.note = data.clause_notes.get(key, row.note).strip()
        session.add(row)
    session.flush()
    # Scored over the points asked of this contract: the policy's eight only when one of the
    # processor's entities adopted it (dashboard/processor/policy.py).
    score_contract(session, contract, clause_policy(session, contract.processor_id).applies)


def _refuse_taken_reference(session: Session, processor_id: int, reference: str, contract) -> None:
    """One contract per reference and processor: a form sent twice files it once."""
    if not reference.strip():
        return
    clash = session.exec(select(ProcessorContract.id).where(ProcessorContract.processor_id == processor_id,
                                                           ProcessorContract.document_reference == reference)).first()
    if clash is not None and (contract is None or clash != contract.id):
        raise problem("document_reference", "processor.error.reference_taken")


def save_contract(session: Session, actor: Actor, processor_id: int, data: dict, contract_id: int | None = None,
                  version: int | None = None) -> ProcessorContract:
    """Record a contract (contract_id None) or edit one, with its clause checklist."""
    action = "processor.contract.update" if contract_id else "processor.contract.create"
    require_editor(session, actor, action=action, object_id=processor_id)
    processor = fetch(session, actor, processor_id, action=action)
    if contract_id:
        contract, _ = fetch_contract(session, actor, contract_id, action=action)
        if contract.processor_id != processor.id:
            raise NotAllowed()
        check_version(contract, version)
        before = _snapshot(session, contract)
    else:
        contract, before = None, {}
    data = validate_for(actor, ContractData, data)
    _refuse_taken_reference(session, processor.id, data.document_reference, contract)
    if contract is None:
        contract = ProcessorContract(processor_id=processor.id, title=data.title, starts_on=data.starts_on)
    for name in TERM_FIELDS:
        setattr(contract, name, getattr(data, name))
    compute_deadlines(contract, paris_today())
    contract.updated_at = utcnow()
    session.add(contract)
    session.flush()
    _save_clauses(session, contract, data)
    session.add(contract)
    session.flush()
    record(session, actor, action, processor, contract_id=contract.id, score=contract.clause_score,
           missing=contract.missing_clauses, changes=audit.diff(before, _snapshot(session, contract)))
    return contract


def roll_tacit_renewals(session: Session, actor: Actor, today: date | None = None) -> int:
    """Move the stored end and notice dates of tacitly renewed contracts whose term
    has run out to the term now running, so that the deadline columns stay true.
    Done when an editor opens the register; returns how many moved."""
    if not can_edit(actor):
        return 0
    today = today or paris_today()
    moved = 0
    for contract in session.exec(select(ProcessorContract).where(
            ProcessorContract.status == "active", ProcessorContract.tacit_renewal.is_(True),
            ProcessorContract.end_date < today)):
        previous = contract.end_date
        compute_deadlines(contract, today)
        session.add(contract)
        moved += 1
        processor = session.get(Processor, contract.processor_id)
        record(session, actor, "processor.contract.renewed", processor, contract_id=contract.id,
               previous_end=previous, end=contract.end_date)
    return moved


def end_contract(session: Session, actor: Actor, contract_id: int, version: int, data: dict) -> ProcessorContract:
    """The contract ends: the controller chooses return or deletion (Art. 28(3)(g)),
    and the due date follows from the contract's period."""
    require_editor(session, actor, action="processor.contract.end", object_id=contract_id)
    contract, processor = fetch_contract(session, actor, contract_id, action="processor.contract.end")
    check_version(contract, version)
    data = validate_for(actor, EndOfContractData, data)
    if contract.status == "ended":
        raise problem("", "processor.error.already_ended")
    if data.ended_on < contract.starts_on:
        raise problem("ended_on", "processor.error.ended_before_start")
    entity = session.get(Entity, processor.entity_id)
    contract.status = "ended"
    contract.ended_on, contract.end_choice, contract.end_period_days = (
        data.ended_on, data.end_choice, data.end_period_days)
    contract.end_due_date = return_or_deletion_due(data.ended_on, data.end_period_days, entity.alsace_moselle)
    contract.end_date = contract.notice_date = None  # nothing left to give notice of
    contract.updated_at = utcnow()
    session.add(contract)
    session.flush()
    record(session, actor, "processor.contract.end", processor, contract_id=contract.id, ended_on=data.ended_on,
           choice=data.end_choice, due=contract.end_due_date)
    return contract


def record_destruction_proof(session: Session, actor: Actor, contract_id: int, version: int,
                             data: dict) -> ProcessorContract:
    """The processor's written proof that it destroyed the data (date, method, reference
    of its attestation), as the CNIL's model clause asks, with the copies and backups
    (Art. 28(3)(g)), its sub-processors' data (Art. 28(4)) and what it keeps because
    Union or Member State law requires it (Art. 28(3)(g))."""
    require_editor(session, actor, action="processor.contract.destruction_proof", object_id=contract_id)
    contract, processor = fetch_contract(session, actor, contract_id, action="processor.contract.destruction_proof")
    check_version(contract, version)
    data = validate_for(actor, DestructionProofData, data)
    if contract.status != "ended":
        raise problem("", "processor.error.not_ended")
    if data.destruction_proved_on < contract.ended_on or data.destruction_proved_on > paris_today():
        raise problem("destruction_proved_on", "processor.error.proof_date")
    before = {"on": contract.destruction_proved_on, "method": contract.destruction_method,
              "ref": contract.destruction_attestation_ref, "copies": contract.destruction_copies,
              "subprocessors": contract.destruction_subprocessors, "retained": contract.retained_by_law}
    contract.destruction_proved_on = data.destruction_proved_on
    contract.destruction_method = data.destruction_method.strip()
    contract.destruction_attestation_ref = data.destruction_attestation_ref.strip()
    contract.destruction_copies = data.destruction_copies.strip()
    contract.destruction_subprocessors = data.destruction_subprocessors.strip()
    contract.retained_by_law = data.retained_by_law.strip()
    contract.updated_at = utcnow()
    session.add(contract)
    session.flush()
    record(session, actor, "processor.contract.destruction_proof", processor, contract_id=contract.id,
           changes=audit.diff(before, {"on": contract.destruction_proved_on, "method": contract.destruction_method,
                                       "ref": contract.destruction_attestation_ref,
                                       "copies": contract.destruction_copies,
                                       "subprocessors": contract.destruction_subprocessors,
                                       "retained": contract.retained_by_law}))
    return contract
