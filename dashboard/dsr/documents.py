"""The request's documents, issued through the evidence registry (number,
verification code, SHA-256, kept byte for byte): acknowledgement of receipt,
extension notice, fee letter, destruction certificate. Downloads are checked against the
request's visibility (a department head: his or her departments' requests)."""

from datetime import date
from typing import Literal

from sqlmodel import Session, select

from dashboard import audit, evidence
from dashboard.access import access_reason
from dashboard.actor import Actor
from dashboard.dsr import common
from dashboard.evidence import issue_document
from dashboard.i18n import Translator
from dashboard.permissions import require_any
from exports.pdf import dsr_acknowledgement, dsr_destruction_certificate, dsr_extension_notice, dsr_fee_notice
from exports.pdf.dsr_common import (CertificateFacts, Controller, ErasureLine, FeeFacts, RecipientLine, RequestFacts,
                                   RetentionLine)
from models import deadlines
from models.clock import paris_today
from models.dsr import CASE_TYPE, DataSubjectRequest, DsrErasure, DsrRecipient, DsrRetention, Status
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from models.org import Entity
from models.roles import Capability

Language = Literal["fr", "en"]
KIND_ACK = "dsr.acknowledgement"
KIND_EXTENSION = "dsr.extension_notice"
KIND_FEE = "dsr.fee_notice"
KIND_CERTIFICATE = "dsr.destruction_certificate"
PDF = "application/pdf"
REQUEST_FILE_YEARS = 5


def _controller(entity: Entity) -> Controller:
    return Controller(entity.name, entity.legal_name, entity.address, entity.registration_number, entity.dpo_name,
                      entity.dpo_email, entity.dpo_address)


def _facts(session: Session, request: DataSubjectRequest, entity: Entity) -> RequestFacts:
    return RequestFacts(
        reference=request.reference, requester_name=request.requester_name,
        requester_contact=request.requester_contact, channel=request.channel, received_on=request.received_on,
        rights=tuple(sorted(common.rights_of(session, request.id))), legal_due_on=request.legal_due_on,
        due_on=request.due_on, health_due_on=request.health_due_on, extended=request.extended,
        extension_reasons=request.extension_reasons, extension_notified_on=request.extension_notified_on,
        first_due_on=deadlines.dsr_due_date(request.received_on, False, request.suspended_days,
                                            entity.alsace_moselle))


def _latest(session: Session, request: DataSubjectRequest, kind: str) -> EvidenceDocument | None:
    return session.exec(select(EvidenceDocument).where(
        EvidenceDocument.case_type == CASE_TYPE, EvidenceDocument.case_id == request.id,
        EvidenceDocument.kind == kind).order_by(EvidenceDocument.id.desc())).first()


def _issue(session: Session, actor: Actor, request: DataSubjectRequest, kind: str, language: str, build,
           **details) -> EvidenceDocument:
    tr = Translator(language)
    title = tr(f"dsr.doc.{kind.split('.')[1]}")
    document = issue_document(
        session, actor, kind=kind, title=f"{title} — {request.reference}",
        filename=f"{request.reference}_{kind.split('.')[1]}_{tr.language}.pdf", media_type=PDF,
        build=lambda stamp: build(tr, stamp), language=tr.language, case_type=CASE_TYPE, case_id=request.id,
        case_ref=request.reference, entity_id=request.entity_id, supersedes=_latest(session, request, kind))
    common.record(session, actor, request, "dsr.document", kind=kind, number=document.number,
                  sha256=document.sha256, **details)
    return document


def issue_acknowledgement(session: Session, actor: Actor, request_id: int, language: Language = "fr"
                          ) -> EvidenceDocument:
    request = common.fetch(session, actor, request_id, action="dsr.acknowledge", write=True, staff_only=True)
    entity = session.get(Entity, request.entity_id)
    facts = _facts(session, request, entity)
    return _issue(session, actor, request, KIND_ACK, language,
                  lambda tr, stamp: dsr_acknowledgement.build(tr, stamp, _controller(entity), facts))


def issue_extension_notice(session: Session, actor: Actor, request_id: int, language: Language = "fr"
                           ) -> EvidenceDocument:
    request = common.fetch(session, actor, request_id, action="dsr.extension_notice", write=True, staff_only=True)
    if not request.extended:
        raise RuleViolation("dsr.error.not_extended")
    entity = session.get(Entity, request.entity_id)
    facts = _facts(session, request, entity)
    return _issue(session, actor, request, KIND_EXTENSION, language,
                  lambda tr, stamp: dsr_extension_notice.build(tr, stamp, _controller(entity), facts))


def issue_fee_notice(session: Session, actor: Actor, request_id: int, language: Language = "fr") -> EvidenceDocument:
    """The letter of the request's latest fee (dashboard/dsr/fees.py), whatever became of it since:
    the written record of what the person was told."""
    request = common.fetch(session, actor, request_id, action="dsr.fee_notice", write=True, staff_only=True)
    fee = session.exec(select(DsrFee).where(DsrFee.request_id == request.id).order_by(DsrFee.id.desc())).first()
    if fee is None:
        raise RuleViolation("dsr.error.no_fee")
    entity = session.get(Entity, request.entity_id)
    facts = _facts(session, request, entity)
    told = FeeFacts(fee.basis, fee.amount_cents, fee.cost_basis, fee.reasons, fee.notified_on)
    return _issue(session, actor, request, KIND_FEE, language,
                  lambda tr, stamp: dsr_fee_notice.build(tr, stamp, _controller(entity), facts, told))


def request_file_kept_until(answered_on: date) -> date:
    """The request file is kept for the general limitation period, five years from the
    answer (Code civil art. 2224): the organisation's stated choice, printed with it."""
    try:
        return answered_on.replace(year=answered_on.year + REQUEST_FILE_YEARS)
    except ValueError:  # 29 February
        return answered_on.replace(year=answered_on.year + REQUEST_FILE_YEARS, day=28)


def issue_destruction_certificate(session: Session, actor: Actor, request_id: int, verified_by: str,
                                  language: Language = "fr", backups_overwritten_on: date | None = None
                                  ) -> EvidenceDocument:
    """Needs an erasure request that was not withdrawn, with at least one erased
    system / data category; `verified_by` is who checked the erasure and
    `backups_overwritten_on` the day by which the backups still holding the data are
    overwritten (required: the certificate states it)."""
    request = common.fetch(session, actor, request_id, action="dsr.certificate", write=True, staff_only=True)
    if "erasure" not in common.rights_of(session, request.id):
        raise RuleViolation("dsr.error.no_erasure_right")
    if request.status == Status.WITHDRAWN:
        raise RuleViolation("dsr.error.closed")
    verified_by = (verified_by or "").strip()
    if len(verified_by) < 2:
        raise common.field_problem("verified_by", "validation.missing")
    erased = session.exec(select(DsrErasure).where(DsrErasure.request_id == request.id).order_by(DsrErasure.id)).all()
    if not erased:
        raise RuleViolation("dsr.error.nothing_erased")
    if backups_overwritten_on is None:
        raise common.field_problem("backups_overwritten_on", "validation.missing")
    if backups_overwritten_on < max(e.performed_on for e in erased):
        raise common.field_problem("backups_overwritten_on", "dsr.error.backups_before_erasure")
    recipients = session.exec(select(DsrRecipient).where(DsrRecipient.request_id == request.id)
                              .order_by(DsrRecipient.id)).all()
    kept = session.exec(select(DsrRetention).where(DsrRetention.request_id == request.id)
                        .order_by(DsrRetention.id)).all()
    entity = session.get(Entity, request.entity_id)
    facts = _facts(session, request, entity)
    certificate = CertificateFacts(
        erased=[ErasureLine(e.system, e.data_category, e.method, e.performed_on, e.performed_by) for e in erased],
        kept=[RetentionLine(k.data_category, k.reason, k.keep_until) for k in kept],
        recipients=[RecipientLine(r.recipient, r.state, r.notified_on, r.note) for r in recipients],
        backups_overwritten_on=backups_overwritten_on,
        request_file_kept_until=request_file_kept_until(request.answered_on or paris_today()),
        verified_by=verified_by[:200], outcome=request.outcome, answered_on=request.answered_on)
    return _issue(session, actor, request, KIND_CERTIFICATE, language,
                  lambda tr, stamp: dsr_destruction_certificate.build(tr, stamp, _controller(entity), facts,
                                                                      certificate),
                  backups_overwritten_on=backups_overwritten_on)


def download(session: Session, actor: Actor, request_id: int, document_id: int,
             reason: str | None = None) -> EvidenceDocument:
    """A document of the request, as issued; the download is an audit entry carrying the
    reason of the access (implicit for the assignee, the one stated on opening otherwise)."""
    require_any(session, actor, {Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES,
                                 Capability.READ_ALL_CASES}, action="dsr.download",
                object_type=common.OBJECT_TYPE, object_id=request_id)
    request = common.fetch(session, actor, request_id, action="dsr.download")
    document = session.get(EvidenceDocument, document_id) if isinstance(document_id, int) else None
    if document is None or document.case_type != CASE_TYPE or document.case_id != request.id:
        common.deny_line(session, actor, request, "dsr.download", document_id)
    recorded = access_reason(actor, is_assignee=common.is_assignee(actor, request), reason=reason)
    document = evidence.readable(session, document)  # decrypted, or destroyed on date X under rule Y
    audit.record(session, actor, "evidence.download", object_type="evidence_document", object_id=document.id,
                 object_ref=document.number, entity_id=document.entity_id, reason=recorded,
                 details={"case_ref": request.reference})
    return document
