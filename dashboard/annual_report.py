"""The DPO's annual report to the board (read model and issue): for a calendar year and one
entity or the whole group, the requests (by right, by outcome, answered on time, fees), the
breaches (recorded, notified to the CNIL, within 72 hours), the processor contracts and
audits, the DPIAs by status, the register's changes and the action plan. Each figure is
one SQL aggregate; the PDF (exports/pdf/annual_report.py) is issued through the evidence
registry by the DPO or legal and read by auditors in the evidence room."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import case, func
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from dashboard import action_plan, evidence
from dashboard.actor import Actor
from dashboard.evidence import issue_document
from dashboard.i18n import Translator
from dashboard.permissions import deny, require, require_any, require_entity
from exports.pdf.annual_report import AnnualFigures, build_annual_report
from exports.pdf.dsr_common import Controller
from models.breach import Breach
from models.clock import PARIS, paris_today
from models.dpia import Dpia
from models.dpia_rules import DpiaStatus
from models.dsr import OUTCOMES, RIGHTS, DataSubjectRequest, DsrRight
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from models.org import Entity
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorAudit, ProcessorContract
from models.register import RegisterReview
from models.roles import Capability

Language = Literal["fr", "en"]
REPORT_KIND = "dpo.annual_report"
CASE_TYPE = "annual_report"
PDF = "application/pdf"
READERS_OF_ALL = {Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES}  # not department heads: a whole entity
FIRST_YEAR = 2018  # the GDPR applies from 25 May 2018


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _bounds(year: int) -> tuple[date, date, datetime, datetime]:
    """The year's first and last Paris days, and the instants they start and end."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (first, last, datetime.combine(first, time.min, tzinfo=PARIS),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=PARIS))


def _entity(column, entity_id: int | None) -> list:
    return [column == entity_id] if entity_id else []


def check_year(year: int, today: date | None = None) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= (today or paris_today()).year:
        raise RuleViolation("annual.error.year", first=FIRST_YEAR, last=(today or paris_today()).year)
    return year


def figures(session: Session, actor: Actor, year: int, entity_id: int | None = None,
            today: date | None = None) -> AnnualFigures:
    """The year's figures for one entity (None: the whole group), for the DPO, legal and auditors."""
    require_any(session, actor, READERS_OF_ALL, action="annual_report.read")
    _require_scope(session, actor, entity_id, "annual_report.read")
    today = today or paris_today()
    check_year(year, today)
    first, last, start, end = _bounds(year)
    r = DataSubjectRequest
    received = session.exec(select(func.count()).select_from(r).where(
        *_entity(r.entity_id, entity_id), r.received_on >= first, r.received_on <= last)).one()
    by_right = dict(session.exec(
        select(DsrRight.right, func.count()).select_from(DsrRight).join(r, r.id == DsrRight.request_id)
        .where(*_entity(r.entity_id, entity_id), r.received_on >= first, r.received_on <= last)
        .group_by(DsrRight.right)).all())
    answered_in_year = (*_entity(r.entity_id, entity_id), r.answered_on >= first, r.answered_on <= last)
    by_outcome = dict(session.exec(select(r.outcome, func.count()).where(*answered_in_year)
                                   .group_by(r.outcome)).all())
    answered, on_time = session.exec(select(func.count(), _count_if(r.answered_on <= r.due_on))
                                     .where(*answered_in_year)).one()
    fee = DsrFee
    fees_told, fees_paid, fees_paid_cents = session.exec(
        select(func.count(), _count_if(fee.state == "paid"),
               func.coalesce(func.sum(case((fee.state == "paid", fee.amount_cents), else_=0)), 0))
        .select_from(fee).join(r, r.id == fee.request_id)
        .where(*_entity(r.entity_id, entity_id), fee.notified_on >= first, fee.notified_on <= last)).one()
    b = Breach
    breaches, notified, within_72h = session.exec(
        select(func.count(), _count_if(b.notified_at.is_not(None)), _count_if(b.notified_at <= b.notification_deadline))
        .where(*_entity(b.entity_id, entity_id), b.detected_at >= start, b.detected_at < end)).one()
    c, p = ProcessorContract, Processor
    contracts, expiring = session.exec(
        select(func.count(), _count_if((c.end_date >= first) & (c.end_date <= last)))
        .select_from(c).join(p, p.id == c.processor_id)
        .where(*_entity(p.entity_id, entity_id), c.status == "active")).one()
    a = ProcessorAudit
    audits, audits_with_findings = session.exec(
        select(func.count(), _count_if(a.outcome.in_(action_plan.FINDING_OUTCOMES)))
        .select_from(a).join(p, p.id == a.processor_id)
        .where(*_entity(p.entity_id, entity_id), a.performed_on >= first, a.performed_on <= last)).one()
    d = Dpia
    dpias = dict(session.exec(select(d.status, func.count()).where(*_entity(d.entity_id, entity_id),
                                                                   d.created_at < end).group_by(d.status)).all())
    t = ProcessingActivity
    created, validated = session.exec(
        select(_count_if((t.created_at >= start) & (t.created_at < end)),
               _count_if((t.validated_at >= start) & (t.validated_at < end)))
        .where(*_entity(t.entity_id, entity_id))).one()
    reviewed = session.exec(
        select(func.count()).select_from(RegisterReview).join(t, t.id == RegisterReview.activity_id)
        .where(*_entity(t.entity_id, entity_id), RegisterReview.reviewed_on >= first,
               RegisterReview.reviewed_on <= last)).one()
    plan = action_plan.summary(session, actor, action_plan.ActionFilter(entity_id=entity_id, today=min(today, last)))
    return AnnualFigures(
        year=year, requests_received=received, requests_by_right=[(k, by_right.get(k, 0)) for k in RIGHTS],
        requests_by_outcome=[(k, by_outcome.get(k, 0)) for k in OUTCOMES], requests_answered=answered,
        requests_on_time=on_time, breaches=breaches, breaches_notified=notified, breaches_within_72h=within_72h,
        contracts_active=contracts, contracts_expiring=expiring, audits=audits,
        audits_with_findings=audits_with_findings,
        dpias_by_status=[(s.value, dpias.get(s.value, 0)) for s in DpiaStatus],
        register_created=created, register_validated=validated, register_reviewed=reviewed,
        actions_open=plan.open, actions_late=plan.late, actions_done=plan.done, fees_told=fees_told,
        fees_paid=fees_paid, fees_paid_cents=fees_paid_cents)


def _controller(session: Session, entity_id: int | None, tr: Translator) -> Controller:
    if entity_id:
        e = session.get(Entity, entity_id)
        if e is None:
            raise RuleViolation("annual.error.entity")
        return Controller(e.name, e.legal_name, e.address, e.registration_number, e.dpo_name, e.dpo_email,
                          e.dpo_address)
    first = session.exec(select(Entity).order_by(Entity.id)).first()
    name = tr("annual.group")
    return Controller(name, name, "", "", first.dpo_name if first else "", first.dpo_email if first else "",
                      first.dpo_address if first else "")


def _require_scope(session: Session, actor: Actor, entity_id: int | None, action: str) -> None:
    """A local correspondent reports on his entities only: never on the whole group."""
    require_entity(session, actor, entity_id, action=action, object_type="entity", object_id=entity_id)


def case_ref(session: Session, year: int, entity_id: int | None) -> str:
    code = session.get(Entity, entity_id).code if entity_id else "GROUPE"
    return f"RA-{year}-{code}"


def latest(session: Session, actor: Actor, year: int, entity_id: int | None) -> EvidenceDocument | None:
    """The last report issued for this year and scope (the page passes its id back when issuing)."""
    require_any(session, actor, READERS_OF_ALL, action="annual_report.read")
    _require_scope(session, actor, entity_id, "annual_report.read")
    ref = case_ref(session, year, entity_id)
    return session.exec(select(EvidenceDocument).options(defer(EvidenceDocument.content)).where(
        EvidenceDocument.kind == REPORT_KIND, EvidenceDocument.case_ref == ref).order_by(EvidenceDocument.id.desc())).first()


def issue(session: Session, actor: Actor, year: int, entity_id: int | None, seen_latest_id: int | None,
          language: Language = "fr", today: date | None = None) -> EvidenceDocument:
    """Issue the year's report (the DPO or legal). `seen_latest_id`: the last report of this
    year and scope the user saw when the button was drawn. If another has been issued
    since (a double click, or a colleague), that one is returned and nothing is issued:
    the report of an afternoon is issued once."""
    require(session, actor, Capability.WORK_ALL_CASES, action="annual_report.issue")
    _require_scope(session, actor, entity_id, "annual_report.issue")
    if entity_id is not None and session.get(Entity, entity_id) is None:
        raise RuleViolation("annual.error.entity")
    check_year(year, today)
    current = latest(session, actor, year, entity_id)
    if current is not None and current.id != seen_latest_id:
        return current
    tr = Translator(language)
    numbers = figures(session, actor, year, entity_id, today)
    controller = _controller(session, entity_id, tr)
    ref = case_ref(session, year, entity_id)
    day = today or paris_today()
    return issue_document(
        session, actor, kind=REPORT_KIND, title=f"{tr('annual.doc.title', year=year)} — {controller.name}",
        filename=f"{ref}_rapport-annuel_{tr.language}.pdf", media_type=PDF,
        build=lambda stamp: build_annual_report(tr, stamp, controller, numbers, day), language=tr.language,
        case_type=CASE_TYPE, case_id=year, case_ref=ref, entity_id=entity_id, supersedes=current)


@dataclass(frozen=True)
class IssuedReport:
    id: int
    number: str
    title: str
    case_ref: str
    language: str
    issued_at: datetime
    issued_by_name: str
    sha256: str


def issued_reports(session: Session, actor: Actor, limit: int = 20) -> list[IssuedReport]:
    """The reports issued, newest first, for those who read the evidence (DPO, legal, auditors;
    a local correspondent: his entities' reports, not the group's)."""
    require(session, actor, Capability.READ_EVIDENCE, action="annual_report.list")
    d = EvidenceDocument
    rows = session.exec(select(d).options(defer(d.content))
                        .where(d.kind == REPORT_KIND, evidence.visible_condition(actor))
                        .order_by(d.id.desc()).limit(limit))
    return [IssuedReport(r.id, r.number, r.title, r.case_ref, r.language, r.issued_at, r.issued_by_name, r.sha256)
            for r in rows]


def download(session: Session, actor: Actor, document_id: int) -> EvidenceDocument:
    """An issued annual report, byte for byte (an audit entry "evidence.download"). It holds
    aggregate figures only, so no reason is asked, unlike the documents of a case."""
    require(session, actor, Capability.READ_EVIDENCE, action="annual_report.download", object_id=document_id)
    kind = session.exec(select(EvidenceDocument.kind).where(EvidenceDocument.id == document_id,
                                                            evidence.visible_condition(actor))).first()
    if kind is None:  # unknown, or not the actor's (another entity's, the group's): one answer
        deny(session, actor, action="annual_report.download", object_type="evidence_document", object_id=document_id)
    if kind != REPORT_KIND:
        raise RuleViolation("annual.error.not_a_report")
    return evidence.download_document(session, actor, document_id)
