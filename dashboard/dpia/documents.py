"""The DPIA report (PDF, in the evidence registry) and the CNIL PIA JSON, both ways."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from dashboard import audit, evidence
from dashboard.actor import Actor
from dashboard.dpia.cases import new_dpia
from dashboard.dpia.common import OBJECT_TYPE, fetch_activity, fetch_dpia, refresh_prior_consultation
from dashboard.dpia.views import dpia_view
from dashboard.i18n import Translator
from dashboard.permissions import require
from exports.pdf.dpia_report import build_dpia_report
from exports.pia_json import export_pia, import_pia
from models.clock import paris_today
from models.deadlines import dpia_review_date
from models.dpia import DpiaAnswer, DpiaComment, DpiaEvaluation, DpiaMeasure, DpiaRisk, DpiaRiskMeasure
from models.dpia_rules import DpiaStatus, RiskLevels, cnil_validation_met, validation_blockers
from models.dpia_snapshot import DpiaContent, DpiaView
from models.evidence import EvidenceDocument
from models.org import Entity
from models.roles import Capability
from models.types import utcnow

REPORT_KIND = "dpia.report"
JSON_MEDIA_TYPE = "application/json"


def issue_report(session: Session, actor: Actor, dpia_id: int, language: str = "fr") -> EvidenceDocument:
    """Build the report as the DPIA stands and keep it in the evidence registry."""
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.report", write=True)
    view = dpia_view(session, actor, dpia, activity)
    entity = session.get(Entity, dpia.entity_id)
    tr = Translator(language)
    return evidence.issue_document(
        session, actor, kind=REPORT_KIND, title=f"{tr('dpia.report.title')} — {dpia.reference}",
        filename=f"{dpia.reference}-{tr('dpia.report.filename')}.pdf", media_type="application/pdf",
        build=lambda stamp: build_dpia_report(view, stamp=stamp, tr=tr, organisation=entity.legal_name),
        language=tr.language, case_type=OBJECT_TYPE, case_id=dpia.id, case_ref=dpia.reference,
        entity_id=dpia.entity_id)


@dataclass(frozen=True)
class IssuedReport:
    id: int
    number: str
    issued_at: datetime
    issued_by_name: str
    language: str
    sha256: str


def reports_of(session: Session, actor: Actor, dpia_id: int) -> list[IssuedReport]:
    """Reports issued for this DPIA (those who read evidence download them again)."""
    require(session, actor, Capability.READ_EVIDENCE, action="dpia.reports", object_type=OBJECT_TYPE,
            object_id=dpia_id)
    dpia, _ = fetch_dpia(session, actor, dpia_id, action="dpia.reports")
    rows = session.exec(select(EvidenceDocument).where(EvidenceDocument.case_type == OBJECT_TYPE,
                                                       EvidenceDocument.case_id == dpia.id,
                                                       EvidenceDocument.kind == REPORT_KIND)
                        .order_by(EvidenceDocument.issued_at.desc())).all()
    return [IssuedReport(d.id, d.number, d.issued_at, d.issued_by_name, d.language, d.sha256) for d in rows]


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content: bytes


def export_json(session: Session, actor: Actor, dpia_id: int) -> ExportedFile:
    """The DPIA as the CNIL PIA software's file; leaving the application is audited."""
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.export")
    view = dpia_view(session, actor, dpia, activity)
    content = export_pia(view, pia_id=dpia.id, reference=dpia.reference)
    audit.record(session, actor, "dpia.export", object_type=OBJECT_TYPE, object_id=dpia.id,
                 object_ref=dpia.reference, entity_id=dpia.entity_id,
                 details={"format": "cnil-pia-json", "size": len(content)})
    return ExportedFile(f"{dpia.reference}.json", content)


@dataclass(frozen=True)
class ImportResult:
    dpia: DpiaView
    notices: tuple[str, ...]  # catalogue keys: what was adapted on the way in


def import_json(session: Session, actor: Actor, activity_id: int, content: bytes) -> ImportResult:
    """A PIA file from the CNIL software (or from DPO Desk) becomes a DPIA of the
    activity, whole or not at all: the file is checked entirely before anything is
    written, and the unit of work rolls back on any error."""
    activity = fetch_activity(session, actor, activity_id, action="dpia.import", write=True)
    parsed = import_pia(content)
    status, notices = _imported_status(parsed)
    dpia = new_dpia(session, actor, activity, parsed.title, standard_risks=False)
    dpia.author_name = parsed.author_name or actor.full_name
    for name in ("dpo_name", "dpo_opinion", "dpo_favourable", "people_sought", "people_names", "people_opinion",
                 "people_favourable", "people_not_sought_reason", "decision_by", "decision_comment", "decided_on",
                 "review_date", "cnil_consulted_on", "evaluator_name", "category", "rejection_reason",
                 "applied_adjustments"):
        setattr(dpia, name, getattr(parsed, name))
    if status == DpiaStatus.VALIDATED and dpia.review_date is None:
        dpia.review_date = dpia_review_date(dpia.decided_on)
        notices.append("dpia.import.notice.review_date")
    dpia.status = status
    if parsed.created_at is not None:  # the assessment began then, in the software it comes from
        dpia.created_at = parsed.created_at
    for question, text in parsed.answers.items():
        session.add(DpiaAnswer(dpia_id=dpia.id, question_id=question, text=text))
    for reference, evaluation in parsed.evaluations.items():
        session.add(DpiaEvaluation(dpia_id=dpia.id, reference=reference, status=evaluation.status,
                                   comment=evaluation.comment, action_plan=evaluation.action_plan,
                                   action_owner=evaluation.action_owner, action_due=evaluation.action_due,
                                   evaluated_at=evaluation.evaluated_at))
    measure_ids = {}
    for measure in parsed.measures:
        row = DpiaMeasure(dpia_id=dpia.id, title=measure.title, description=measure.description,
                          status=measure.status, owner=measure.owner, due_date=measure.due_date,
                          done_on=measure.done_on, evaluation=measure.evaluation,
                          evaluation_comment=measure.evaluation_comment, action_plan=measure.action_plan,
                          evaluated_at=measure.evaluated_at)
        session.add(row)
        session.flush()
        measure_ids[measure.id] = row.id
    for risk in parsed.risks:
        row = DpiaRisk(dpia_id=dpia.id, kind=risk.kind, title=risk.title, impacts=list(risk.impacts),
                       threats=list(risk.threats), sources=list(risk.sources),
                       severity_before=risk.severity_before, likelihood_before=risk.likelihood_before,
                       severity_note=risk.severity_note, likelihood_note=risk.likelihood_note,
                       severity_after=risk.severity_after, likelihood_after=risk.likelihood_after,
                       evaluation=risk.evaluation, evaluation_comment=risk.evaluation_comment, active=risk.active,
                       action_plan=risk.action_plan, action_owner=risk.action_owner, action_due=risk.action_due,
                       evaluated_at=risk.evaluated_at)
        session.add(row)
        session.flush()
        for measure_id in risk.measure_ids:
            session.add(DpiaRiskMeasure(risk_id=row.id, measure_id=measure_ids[measure_id]))
    for comment in parsed.comments:
        session.add(DpiaComment(dpia_id=dpia.id, question_id=comment.question_id,
                                measure_id=measure_ids[comment.measure_id] if comment.measure_id else None,
                                description=comment.description, created_at=comment.created_at,
                                updated_at=comment.updated_at))
    refresh_prior_consultation(session, dpia)
    dpia.updated_at = utcnow()
    session.add(dpia)
    session.flush()
    audit.record(session, actor, "dpia.import", object_type=OBJECT_TYPE, object_id=dpia.id,
                 object_ref=dpia.reference, entity_id=dpia.entity_id,
                 details={"activity": activity.reference, "title": parsed.title, "status": status,
                          "size": len(content), "notices": notices, "ignored": list(parsed.ignored)})
    view = dpia_view(session, actor, dpia, activity)
    return ImportResult(view, tuple(notices))


def _imported_status(parsed: DpiaContent) -> tuple[DpiaStatus, list[str]]:
    """A validated PIA stays validated where the CNIL software's own validation rules are
    met (models.dpia_rules.cnil_validation_met); otherwise it comes in for assessment,
    and the user is told why."""
    status = DpiaStatus(parsed.status)
    if status != DpiaStatus.VALIDATED:
        return status, []
    if parsed.from_dpo_desk:  # validated here: DPO Desk's own rules
        met = not validation_blockers(
            evaluations={ref: e.status for ref, e in parsed.evaluations.items()},
            risks=[RiskLevels(r.kind, r.title, *r.levels()) for r in parsed.active_risks],
            dpo_opinion=parsed.dpo_opinion, dpo_favourable=parsed.dpo_favourable, people_sought=parsed.people_sought,
            people_opinion=parsed.people_opinion, people_not_sought_reason=parsed.people_not_sought_reason,
            decided_on=parsed.decided_on, review_date=parsed.review_date or (
                dpia_review_date(parsed.decided_on) if parsed.decided_on else None),
            today=paris_today(), cnil_consulted_on=parsed.cnil_consulted_on)
    else:
        met = cnil_validation_met(
            evaluations={ref: e.status for ref, e in parsed.evaluations.items()},
            measure_evaluations=[m.evaluation for m in parsed.measures],
            risk_evaluations=[(r.evaluation, r.severity_after, r.likelihood_after) for r in parsed.risks
                              if r.is_standard])
    if not met:
        return DpiaStatus.IN_PROGRESS, ["dpia.import.notice.reopened" if parsed.from_dpo_desk
                                        else "dpia.import.notice.reopened_cnil"]
    return status, []


@dataclass(frozen=True)
class ImportPreview:
    """What a PIA file holds, read and checked, before anything is stored."""

    title: str
    status: str  # the status it would get here
    answers: int
    evaluations: int
    measures: int
    risks: int
    comments: int
    ignored: tuple[str, ...]
    notices: tuple[str, ...]


def preview_json(session: Session, actor: Actor, activity_id: int, content: bytes) -> ImportPreview:
    """The file read as import_json would read it, nothing written: what will come in,
    with what the CNIL software itself would leave aside listed (never a reason to
    refuse the file)."""
    fetch_activity(session, actor, activity_id, action="dpia.import", write=True)
    parsed = import_pia(content)
    status, notices = _imported_status(parsed)
    return ImportPreview(parsed.title, str(status), len(parsed.answers),
                         len(parsed.evaluations) + sum(1 for m in parsed.measures if m.evaluation)
                         + sum(1 for r in parsed.risks if r.evaluation),
                         len(parsed.measures), sum(1 for r in parsed.risks if r.impacts or r.severity_before),
                         len(parsed.comments), parsed.ignored, tuple(notices))
