"""Stored rows to the plain snapshots the pages, the PDF and the JSON export use."""

from sqlmodel import Session, select

from dashboard.actor import Actor
from dashboard.dpia.common import can_edit, is_dpo
from models.clock import paris_today
from models.dpia import Dpia, DpiaAnswer, DpiaComment, DpiaEvaluation, DpiaMeasure, DpiaRisk, DpiaRiskMeasure, DpiaScreening
from models.dpia_rules import EDITABLE_STATUSES, DpiaStatus, measure_is_overdue, prior_consultation_state
from models.dpia_screening import screening_result
from models.dpia_snapshot import CommentView, DpiaView, EvaluationView, MeasureView, RiskView, ScreeningView
from models.org import Entity
from models.processing import ProcessingActivity


def screening_view(row: DpiaScreening) -> ScreeningView:
    exempt = tuple(row.cnil_exempt_types or ())
    result = screening_result(row.criteria, row.cnil_types, exempt)
    return ScreeningView(id=row.id, activity_id=row.activity_id, outcome=row.outcome, criteria=tuple(row.criteria),
                         cnil_types=tuple(row.cnil_types), cnil_exempt_types=exempt,
                         justification=row.justification,
                         screened_at=row.screened_at, screened_by_name=row.screened_by_name,
                         reason_key=result.reason_key, reason_params=dict(result.params),
                         suggestions=tuple(row.suggestions or ()))


def measure_views(session: Session, dpia_id: int) -> tuple[MeasureView, ...]:
    today = paris_today()
    rows = session.exec(select(DpiaMeasure).where(DpiaMeasure.dpia_id == dpia_id).order_by(DpiaMeasure.id)).all()
    return tuple(MeasureView(id=m.id, title=m.title, description=m.description, status=m.status, owner=m.owner,
                             due_date=m.due_date, done_on=m.done_on,
                             overdue=measure_is_overdue(m.status, m.due_date, today), evaluation=m.evaluation,
                             evaluation_comment=m.evaluation_comment, action_plan=m.action_plan,
                             evaluated_at=m.evaluated_at) for m in rows)


def risk_views(session: Session, dpia_id: int) -> tuple[RiskView, ...]:
    risks = session.exec(select(DpiaRisk).where(DpiaRisk.dpia_id == dpia_id).order_by(DpiaRisk.id)).all()
    links: dict[int, list[int]] = {}
    if risks:
        for link in session.exec(select(DpiaRiskMeasure).where(DpiaRiskMeasure.risk_id.in_([r.id for r in risks]))
                                 .order_by(DpiaRiskMeasure.id)):  # the order they were listed in
            links.setdefault(link.risk_id, []).append(link.measure_id)
    return tuple(RiskView(id=r.id, kind=r.kind, title=r.title, impacts=tuple(r.impacts), threats=tuple(r.threats),
                          sources=tuple(r.sources), measure_ids=tuple(links.get(r.id, ())),
                          severity_before=r.severity_before, likelihood_before=r.likelihood_before,
                          severity_note=r.severity_note, likelihood_note=r.likelihood_note,
                          severity_after=r.severity_after, likelihood_after=r.likelihood_after,
                          evaluation=r.evaluation, evaluation_comment=r.evaluation_comment, active=r.active,
                          action_plan=r.action_plan, action_owner=r.action_owner, action_due=r.action_due,
                          evaluated_at=r.evaluated_at)
                 for r in risks)


def comment_views(session: Session, dpia_id: int) -> tuple[CommentView, ...]:
    rows = session.exec(select(DpiaComment).where(DpiaComment.dpia_id == dpia_id).order_by(DpiaComment.id)).all()
    return tuple(CommentView(description=c.description, question_id=c.question_id, measure_id=c.measure_id,
                             created_at=c.created_at, updated_at=c.updated_at) for c in rows)


def dpia_view(session: Session, actor: Actor, dpia: Dpia, activity: ProcessingActivity) -> DpiaView:
    answers = {a.question_id: a.text for a in session.exec(select(DpiaAnswer).where(DpiaAnswer.dpia_id == dpia.id))}
    evaluations = {e.reference: EvaluationView(e.status, e.comment, e.action_plan, e.action_owner, e.action_due,
                                               e.evaluated_at)
                   for e in session.exec(select(DpiaEvaluation).where(DpiaEvaluation.dpia_id == dpia.id))}
    screening = session.get(DpiaScreening, dpia.screening_id) if dpia.screening_id else None
    entity = session.get(Entity, dpia.entity_id)
    measures = measure_views(session, dpia.id)
    risks = risk_views(session, dpia.id)
    editable = DpiaStatus(dpia.status) in EDITABLE_STATUSES
    return DpiaView(
        id=dpia.id, reference=dpia.reference, version=dpia.version, title=dpia.title, status=dpia.status,
        author_name=dpia.author_name, activity_id=activity.id, activity_reference=activity.reference,
        activity_name=activity.name, entity_id=dpia.entity_id, entity_name=entity.name if entity else "",
        department_id=activity.department_id, answers=answers, evaluations=evaluations,
        risks=risks, measures=measures,
        dpo_name=dpia.dpo_name, dpo_opinion=dpia.dpo_opinion, dpo_favourable=dpia.dpo_favourable,
        dpo_opinion_at=dpia.dpo_opinion_at, people_sought=dpia.people_sought, people_names=dpia.people_names,
        people_opinion=dpia.people_opinion, people_favourable=dpia.people_favourable,
        people_not_sought_reason=dpia.people_not_sought_reason, decision_by=dpia.decision_by,
        decision_comment=dpia.decision_comment, decided_on=dpia.decided_on, review_date=dpia.review_date,
        prior_consultation=dpia.prior_consultation, cnil_consulted_on=dpia.cnil_consulted_on,
        cnil_answer_due=dpia.cnil_answer_due, cnil_extended=dpia.cnil_extended,
        cnil_extension_notified_on=dpia.cnil_extension_notified_on, cnil_extension_reasons=dpia.cnil_extension_reasons,
        cnil_answer_on=dpia.cnil_answer_on, cnil_answer=dpia.cnil_answer,
        prior_consultation_state=prior_consultation_state(
            (r.severity_before, r.likelihood_before, r.severity_after, r.likelihood_after) for r in risks if r.active),
        created_at=dpia.created_at, updated_at=dpia.updated_at,
        evaluator_name=dpia.evaluator_name, category=dpia.category, rejection_reason=dpia.rejection_reason,
        applied_adjustments=dpia.applied_adjustments, comments=comment_views(session, dpia.id),
        screening=screening_view(screening) if screening else None,
        can_edit=can_edit(actor) and editable, can_give_opinion=is_dpo(actor) and editable,
        can_track=can_edit(actor) and (editable or dpia.status == DpiaStatus.VALIDATED),
        can_manage=can_edit(actor),
        overdue_actions=sum(1 for m in measures if m.overdue),
    )
