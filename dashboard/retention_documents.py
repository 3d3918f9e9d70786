"""The review campaign's documents, issued through the evidence registry (number,
verification code, SHA-256, kept byte for byte): a destruction certificate per task or
per campaign, and the campaign report for the board. The DPO and legal issue them; a
task's certificate is seen by the heads of the task's department (case type
"retention_task"), a campaign's documents by the DPO, legal and auditors."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from dashboard import retention
from dashboard.actor import Actor
from dashboard.evidence import issue_document, visible_condition
from dashboard.i18n import Translator
from exports.pdf.dsr_common import Controller
from exports.pdf.retention_certificate import CampaignFacts, ReviewLine, build_certificate, build_report
from models.clock import paris_today
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from models.org import Department, Entity
from models.processing import ProcessingActivity
from models.retention import RetentionCampaign, RetentionTask

Language = Literal["fr", "en"]
KIND_TASK_CERTIFICATE = "retention.task_certificate"
KIND_CAMPAIGN_CERTIFICATE = "retention.campaign_certificate"
KIND_REPORT = "retention.campaign_report"
CAMPAIGN_CASE = "retention"
TASK_CASE = "retention_task"
PDF = "application/pdf"


def controller_of(entity: Entity) -> Controller:
    return Controller(entity.name, entity.legal_name, entity.address, entity.registration_number, entity.dpo_name,
                      entity.dpo_email, entity.dpo_address)


def review_lines(session: Session, tasks: list[RetentionTask]) -> list[ReviewLine]:
    activities = {a.id: a for a in session.exec(select(ProcessingActivity).where(
        ProcessingActivity.id.in_({t.activity_id for t in tasks} or {-1})))}
    departments = {d.id: d.name for d in session.exec(select(Department))}
    return [ReviewLine(
        activity=f"{activities[t.activity_id].reference} — {activities[t.activity_id].name}",
        department=departments.get(t.department_id, ""), category=t.category, system=t.system, duration=t.duration,
        unit=t.unit, start_event=t.start_event, cutoff_on=t.cutoff_on, due_on=t.due_on, status=t.status,
        method=t.method, done_on=t.done_on, done_by=t.done_by, proof=t.proof, proof_reference=t.proof_reference,
        kept_until=t.kept_until, exception_ground=t.exception_ground, exception_detail=t.exception_detail)
        for t in tasks]


def _facts(campaign: RetentionCampaign, scope: str) -> CampaignFacts:
    return CampaignFacts(campaign.reference, campaign.year, campaign.as_of, campaign.due_on, scope)


def _latest(session: Session, case_type: str, case_id: int, kind: str) -> EvidenceDocument | None:
    return session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content)).where(
        EvidenceDocument.case_type == case_type, EvidenceDocument.case_id == case_id,
        EvidenceDocument.kind == kind).order_by(EvidenceDocument.id.desc())).first()


def issue_task_certificate(session: Session, actor: Actor, task_id: int, language: Language = "fr"
                           ) -> EvidenceDocument:
    """The certificate of one closed task (done or kept under an exception)."""
    retention._manager(session, actor, "retention.certificate", object_type=retention.TASK_OBJECT, object_id=task_id)
    task = retention._task(session, actor, task_id, "retention.certificate")
    if task.status == "open":
        raise RuleViolation("retention.certificate_open_task")
    campaign = session.get(RetentionCampaign, task.campaign_id)
    entity = session.get(Entity, campaign.entity_id)
    tr = Translator(language)
    lines = review_lines(session, [task])
    facts = _facts(campaign, tr("retention.pdf.scope_task", what=lines[0].activity))
    return issue_document(
        session, actor, kind=KIND_TASK_CERTIFICATE,
        title=f"{tr('retention.doc.task_certificate')} — {campaign.reference} #{task.id}",
        filename=f"{campaign.reference}_{task.id}_certificat_{tr.language}.pdf", media_type=PDF,
        build=lambda stamp: build_certificate(tr, stamp, controller_of(entity), facts, lines), language=tr.language,
        case_type=TASK_CASE, case_id=task.id, case_ref=campaign.reference, entity_id=campaign.entity_id,
        supersedes=_latest(session, TASK_CASE, task.id, KIND_TASK_CERTIFICATE))


def _campaign_tasks(session: Session, campaign: RetentionCampaign) -> list[RetentionTask]:
    return list(session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign.id)
                             .order_by(RetentionTask.department_id, RetentionTask.activity_id, RetentionTask.id)))


def _issue_campaign(session: Session, actor: Actor, campaign_id: int, kind: str, language: str, build
                    ) -> EvidenceDocument:
    retention._manager(session, actor, f"retention.{kind.split('.')[1]}", object_type=retention.OBJECT_TYPE,
                       object_id=campaign_id)
    campaign = retention._campaign(session, actor, campaign_id, f"retention.{kind.split('.')[1]}")
    entity = session.get(Entity, campaign.entity_id)
    tr = Translator(language)
    lines = review_lines(session, _campaign_tasks(session, campaign))
    facts = _facts(campaign, tr("retention.pdf.scope_campaign", count=len(lines)))
    name = kind.split(".")[1]
    return issue_document(
        session, actor, kind=kind, title=f"{tr(f'retention.doc.{name}')} — {campaign.reference}",
        filename=f"{campaign.reference}_{name}_{tr.language}.pdf", media_type=PDF,
        build=lambda stamp: build(tr, stamp, controller_of(entity), facts, lines), language=tr.language,
        case_type=CAMPAIGN_CASE, case_id=campaign.id, case_ref=campaign.reference, entity_id=campaign.entity_id,
        supersedes=_latest(session, CAMPAIGN_CASE, campaign.id, kind))


def issue_campaign_certificate(session: Session, actor: Actor, campaign_id: int, language: Language = "fr"
                               ) -> EvidenceDocument:
    return _issue_campaign(session, actor, campaign_id, KIND_CAMPAIGN_CERTIFICATE, language, build_certificate)


def issue_campaign_report(session: Session, actor: Actor, campaign_id: int, language: Language = "fr",
                          today: date | None = None) -> EvidenceDocument:
    day = today or paris_today()
    return _issue_campaign(session, actor, campaign_id, KIND_REPORT, language,
                           lambda tr, stamp, c, f, lines: build_report(tr, stamp, c, f, lines, day))


@dataclass(frozen=True)
class IssuedDocument:
    id: int
    number: str
    title: str
    kind: str
    language: str
    issued_at: datetime
    issued_by: str
    task_id: int | None


def campaign_documents(session: Session, actor: Actor, campaign_id: int) -> list[IssuedDocument]:
    """The campaign's documents and its tasks' certificates that the actor may see, newest
    first (downloads go through the evidence room, which logs them)."""
    campaign = retention._campaign(session, actor, campaign_id, "retention.documents")
    task_ids = list(session.exec(select(RetentionTask.id).where(RetentionTask.campaign_id == campaign.id))) or [-1]
    d = EvidenceDocument
    rows = session.exec(select(d).options(defer(d.content)).where(
        visible_condition(actor),
        ((d.case_type == CAMPAIGN_CASE) & (d.case_id == campaign.id)) | ((d.case_type == TASK_CASE)
                                                                         & d.case_id.in_(task_ids)))
        .order_by(d.id.desc()))
    return [IssuedDocument(r.id, r.number, r.title, r.kind, r.language, r.issued_at, r.issued_by_name,
                           r.case_id if r.case_type == TASK_CASE else None) for r in rows]

