"""The processor documents: register extract (PDF through the evidence registry, and
CSV), a contract's clause report, the end-of-contract destruction certificate."""

from typing import TYPE_CHECKING

from sqlmodel import Session, select

from dashboard import audit, evidence, organisation
from dashboard.actor import Actor
from dashboard.i18n import Translator
from dashboard.processor.contracts import fetch_contract
from dashboard.processor.registry import RegisterFilter, RegisterRow, iter_register
from dashboard.processor.scope import OBJECT_TYPE, check_version, require_editor
from dashboard.validation import problem
from exports.csv_safe import to_csv
from dashboard.processor.policy import clause_policy
from exports.pdf.processor_clause_report import build_clause_report
from models.processor_clauses import required_clauses
from exports.pdf.processor_common import ContractFacts, LocationLine, Party, location_text
from exports.pdf.processor_destruction_certificate import build_destruction_certificate
from exports.pdf.processor_register import RegisterLine, build_register_extract
from models.evidence import EvidenceDocument
from models.org import Entity
from models.processing import ProcessingActivity
from models.processor import (ContractClause, Processor, ProcessorActivity, ProcessorContract, ProcessorEntity,
                              ProcessorLocation, SubProcessor)
from models.processor_transfers import country_name, in_eea

if TYPE_CHECKING:  # the pack imports its contributors lazily, by name
    from dashboard.audit_pack import PackScope

PDF = "application/pdf"


def _controller(entity: Entity) -> Party:
    legal = entity.legal_name if entity.legal_name != entity.name else ""
    return Party(entity.name, entity.address, "FR",
                 " — ".join(part for part in (legal, entity.registration_number) if part))


def _party(processor: Processor) -> Party:
    return Party(processor.legal_name, processor.address, processor.country_code)


def _locations(session: Session, ids: list[int]) -> dict[int, list[LocationLine]]:
    found: dict[int, list[LocationLine]] = {pid: [] for pid in ids}
    for loc in session.exec(select(ProcessorLocation).where(ProcessorLocation.processor_id.in_(ids))
                            .order_by(ProcessorLocation.country_code)):
        found[loc.processor_id].append(LocationLine(loc.country_code, loc.processing, loc.storage, loc.transfer_tool,
                                                    loc.scc_module, loc.derogation, loc.note))
    return found


def _register_lines(session: Session, rows: list[RegisterRow], tr: Translator) -> list[RegisterLine]:
    ids = [row.id for row in rows]
    processors = {p.id: p for p in session.exec(select(Processor).where(Processor.id.in_(ids)))}
    names = dict(session.exec(select(Entity.id, Entity.name)).all())
    entities: dict[int, list[str]] = {pid: [] for pid in ids}
    for pid, eid in session.exec(select(ProcessorEntity.processor_id, ProcessorEntity.entity_id)
                                 .where(ProcessorEntity.processor_id.in_(ids))):
        entities[pid].append(names[eid])
    contracts: dict[int, list[str]] = {pid: [] for pid in ids}
    for c in session.exec(select(ProcessorContract).where(ProcessorContract.processor_id.in_(ids),
                                                          ProcessorContract.status == "active")):
        contracts[c.processor_id].append(tr("processor.contract.summary", title=c.title, score=c.clause_score,
                                            missing=c.missing_clauses))
    locations = _locations(session, ids)
    return [RegisterLine(row.reference, row.legal_name, processors[row.id].country_code, processors[row.id].services,
                         sorted(entities[row.id]), row.status, locations[row.id], "\n".join(contracts[row.id]),
                         sorted(row.flags), row.next_deadline) for row in rows]


def _scope_text(session: Session, flt: RegisterFilter, tr: Translator) -> str:
    parts = [session.get(Entity, flt.entity_id).name if flt.entity_id else tr("processor.scope.all_entities")]
    if flt.status:
        parts.append(tr(f"processor.status.{flt.status}"))
    if flt.flag:
        parts.append(tr(f"processor.flag.{flt.flag}"))
    if flt.text.strip():
        parts.append(f"« {flt.text.strip()} »")
    return " · ".join(parts)


def register_csv(session: Session, actor: Actor, flt: RegisterFilter, language: str = "fr") -> bytes:
    """The register as the filter and the actor's scope give it (formula-safe CSV)."""
    tr = Translator(language)
    rows = list(iter_register(session, actor, flt))
    lines = _register_lines(session, rows, tr)
    audit.record(session, actor, "processor.export_csv", object_type=OBJECT_TYPE, details={"rows": len(lines)})
    header = [tr("processor.col.reference"), tr("processor.field.legal_name"), tr("processor.field.country_code"),
              tr("processor.col.status"), tr("processor.field.services"), tr("processor.col.entities"),
              tr("processor.col.locations"), tr("processor.col.outside_eea"), tr("processor.col.contract"),
              tr("processor.col.flags"), tr("processor.col.next_deadline")]
    return to_csv(header, ([line.reference, line.legal_name, country_name(line.country_code, language),
                            tr(f"processor.status.{line.status}"), line.services, ", ".join(line.entities),
                            " | ".join(location_text(tr, loc) for loc in line.locations),
                            tr("common.yes") if any(not in_eea(loc.country_code) for loc in line.locations)
                            else tr("common.no"),
                            line.contract.replace("\n", " | "),
                            ", ".join(tr(f"processor.flag.{f}") for f in line.flags), line.next_deadline]
                           for line in lines))


def issue_register_extract(session: Session, actor: Actor, flt: RegisterFilter, language: str = "fr"
                           ) -> EvidenceDocument:
    tr = Translator(language)
    rows = list(iter_register(session, actor, flt))
    lines = _register_lines(session, rows, tr)
    scope = _scope_text(session, flt, tr)
    entity = session.get(Entity, flt.entity_id) if flt.entity_id else None
    issuer = organisation.issuer_name(session, flt.entity_id)
    return evidence.issue_document(
        session, actor, kind="processor.register_extract", title=tr("processor.pdf.register.title"),
        filename="registre-sous-traitants.pdf" if language == "fr" else "processor-register.pdf", media_type=PDF,
        build=lambda stamp: build_register_extract(lines, tr=tr, stamp=stamp, issuer=issuer, scope=scope),
        language=language, case_type=OBJECT_TYPE, entity_id=entity.id if entity else None)


def _facts(session: Session, contract: ProcessorContract) -> ContractFacts:
    applies = clause_policy(session, contract.processor_id).applies
    asked = set(required_clauses(applies))
    clauses = {c.clause: (c.state, c.note) for c in session.exec(select(ContractClause)
                                                                 .where(ContractClause.contract_id == contract.id))
               if c.clause in asked}
    return ContractFacts(contract.title, contract.document_reference, contract.form, contract.signed_on,
                         contract.starts_on, contract.end_date, contract.tacit_renewal, contract.renewal_months,
                         contract.notice_date, contract.clause_score, contract.missing_clauses,
                         contract.partial_clauses, clauses, policy_applies=applies)


def issue_clause_report(session: Session, actor: Actor, contract_id: int, language: str = "fr") -> EvidenceDocument:
    require_editor(session, actor, action="processor.clause_report", object_id=contract_id)
    contract, processor = fetch_contract(session, actor, contract_id, action="processor.clause_report")
    tr = Translator(language)
    entity = session.get(Entity, processor.entity_id)
    facts = _facts(session, contract)
    return evidence.issue_document(
        session, actor, kind="processor.clause_report", title=tr("processor.pdf.clauses.title"),
        filename=f"clauses-{processor.reference}-{contract.id}.pdf", media_type=PDF,
        build=lambda stamp: build_clause_report(controller=_controller(entity), processor=_party(processor),
                                                reference=processor.reference, facts=facts, tr=tr, stamp=stamp,
                                                signatory=actor.full_name),
        language=language, case_type=OBJECT_TYPE, case_id=processor.id, case_ref=processor.reference,
        entity_id=entity.id)


def issue_destruction_certificate(session: Session, actor: Actor, contract_id: int, version: int,
                                  language: str = "fr") -> EvidenceDocument:
    """Issued once the processor's written proof is recorded; a new one supersedes the
    previous (both stay in the registry)."""
    require_editor(session, actor, action="processor.destruction_certificate", object_id=contract_id)
    contract, processor = fetch_contract(session, actor, contract_id, action="processor.destruction_certificate")
    check_version(contract, version)
    if contract.status != "ended" or contract.destruction_proved_on is None:
        raise problem("", "processor.error.no_destruction_proof")
    tr = Translator(language)
    entity = session.get(Entity, processor.entity_id)
    activities = [f"{a.reference} — {a.name}" for a in session.exec(
        select(ProcessingActivity).join(ProcessorActivity, ProcessorActivity.activity_id == ProcessingActivity.id)
        .where(ProcessorActivity.processor_id == processor.id).order_by(ProcessingActivity.reference))]
    subprocessors = [f"{sub.name} ({sub.country_code})" for sub in session.exec(
        select(SubProcessor).where(SubProcessor.processor_id == processor.id, SubProcessor.status != "objected")
        .order_by(SubProcessor.name))]
    previous = session.get(EvidenceDocument, contract.certificate_document_id) if contract.certificate_document_id \
        else None
    document = evidence.issue_document(
        session, actor, kind="processor.destruction_certificate", title=tr("processor.pdf.certificate.title"),
        filename=f"certificat-destruction-{processor.reference}-{contract.id}.pdf", media_type=PDF,
        build=lambda stamp: build_destruction_certificate(
            controller=_controller(entity), processor=_party(processor), reference=processor.reference,
            contract_title=contract.title, contract_reference=contract.document_reference,
            ended_on=contract.ended_on, end_choice=contract.end_choice, due_date=contract.end_due_date,
            proved_on=contract.destruction_proved_on, method=contract.destruction_method,
            attestation_ref=contract.destruction_attestation_ref, activities=activities,
            data_categories=list(processor.data_categories), tr=tr, stamp=stamp, signatory=actor.full_name,
            copies=contract.destruction_copies, subprocessors_proof=contract.destruction_subprocessors,
            subprocessors=subprocessors, retained_by_law=contract.retained_by_law),
        language=language, case_type=OBJECT_TYPE, case_id=processor.id, case_ref=processor.reference,
        entity_id=entity.id, supersedes=previous)
    contract.certificate_document_id = document.id
    session.add(contract)
    session.flush()
    return document


def pack_contribution(session: Session, actor: Actor, scope: "PackScope") -> list[tuple[str, bytes]]:
    """Audit-pack contributor (dashboard.audit_pack.CONTRIBUTORS): the processor register of
    the entity, PDF and CSV, stamped with the pack's number."""
    tr = Translator(scope.language)
    flt = RegisterFilter(entity_id=scope.entity_id)
    lines = _register_lines(session, list(iter_register(session, actor, flt)), tr)
    issuer = organisation.issuer_name(session, scope.entity_id)
    pdf = build_register_extract(lines, tr=tr, stamp=scope.stamp, issuer=issuer, scope=_scope_text(session, flt, tr))
    return [("registre-sous-traitants.pdf", pdf),
            ("registre-sous-traitants.csv", register_csv(session, actor, flt, scope.language))]
