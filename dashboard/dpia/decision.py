"""Validation of a DPIA: the DPO's opinion (Art. 35(2)), the views of the people
concerned (Art. 35(9)), the controller's decision with the review date (Art. 35(11)),
and the prior consultation of the CNIL when a high risk remains (Art. 36)."""

from datetime import date

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.dpia.common import OBJECT_TYPE, check, check_version, editable_dpia, fetch_dpia, is_dpo, record, \
    refresh_prior_consultation, touch
from dashboard.dpia.views import dpia_view
from dashboard.permissions import deny
from dashboard.validation import FieldProblem, InvalidInput, problem
from models.clock import paris_today
from models.deadlines import add_months, dpia_review_date
from models.dpia import Dpia, DpiaEvaluation, DpiaRisk
from models.dpia_rules import DpiaStatus, RiskLevels, check_transition, validation_blockers
from models.dpia_snapshot import DpiaView
from models.errors import RuleViolation
from models.types import utcnow

TEXT_LIMIT = 20000


class CnilExtensionInput(BaseModel):
    """Art. 36(2): the CNIL extends its period by six weeks and says why."""

    notified_on: date
    reasons: str = Field(default="", max_length=TEXT_LIMIT)


class CnilAnswerInput(BaseModel):
    """The CNIL's written advice after a prior consultation (Art. 36(2))."""

    answered_on: date
    answer: str = Field(max_length=TEXT_LIMIT)


class DpoOpinionInput(BaseModel):
    dpo_name: str = Field(max_length=200)
    favourable: bool | None = None
    opinion: str = Field(default="", max_length=TEXT_LIMIT)

    @model_validator(mode="after")
    def _complete(self):
        self.dpo_name, self.opinion = self.dpo_name.strip(), self.opinion.strip()
        if self.favourable is None or len(self.opinion) < 10 or len(self.dpo_name) < 2:
            raise PydanticCustomError("dpia.opinion.incomplete", "the DPO's opinion needs a name, a verdict and a text")
        return self


class PeopleViewsInput(BaseModel):
    sought: bool
    names: str = Field(default="", max_length=300)
    opinion: str = Field(default="", max_length=TEXT_LIMIT)
    favourable: bool | None = None
    not_sought_reason: str = Field(default="", max_length=TEXT_LIMIT)

    @model_validator(mode="after")
    def _either(self):
        self.names, self.opinion = self.names.strip(), self.opinion.strip()
        self.not_sought_reason = self.not_sought_reason.strip()
        if self.sought and len(self.opinion) < 10:
            raise PydanticCustomError("dpia.validation.people_opinion", "give the views of the people concerned")
        if not self.sought and len(self.not_sought_reason) < 10:
            raise PydanticCustomError("dpia.validation.people_reason", "say why their views were not sought")
        if not self.sought:
            self.names, self.opinion, self.favourable = "", "", None
        else:
            self.not_sought_reason = ""
        return self


class DecisionInput(BaseModel):
    decision_by: str = Field(max_length=200)
    decided_on: date
    review_date: date | None = None  # default: three years on (models.deadlines.dpia_review_date)
    comment: str = Field(default="", max_length=TEXT_LIMIT)

    @model_validator(mode="after")
    def _trimmed(self):
        self.decision_by, self.comment = self.decision_by.strip(), self.comment.strip()
        return self

    def problems(self) -> list[FieldProblem]:
        """Checked with the rest of the validation, so that every problem is told at once."""
        return [] if len(self.decision_by) >= 2 else [FieldProblem("", "dpia.decision.by_required")]


def give_dpo_opinion(session: Session, actor: Actor, dpia_id: int, version: int,
                     data: dict | DpoOpinionInput) -> DpiaView:
    """Only the DPO gives the DPO's opinion (Art. 35(2): "shall seek the advice")."""
    if not is_dpo(actor):
        deny(session, actor, action="dpia.dpo_opinion", object_type=OBJECT_TYPE, object_id=dpia_id)
    data = check(DpoOpinionInput, data)
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.dpo_opinion")
    before = [dpia.dpo_name, dpia.dpo_favourable, dpia.dpo_opinion]
    dpia.dpo_name, dpia.dpo_favourable, dpia.dpo_opinion = data.dpo_name, data.favourable, data.opinion
    dpia.dpo_opinion_at = utcnow()
    touch(session, dpia)
    record(session, actor, dpia, "dpia.dpo_opinion",
            {"opinion": [before, [data.dpo_name, data.favourable, data.opinion]]})
    return dpia_view(session, actor, dpia, activity)


def record_people_views(session: Session, actor: Actor, dpia_id: int, version: int,
                        data: dict | PeopleViewsInput) -> DpiaView:
    data = check(PeopleViewsInput, data)
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.people_views")
    fields = ("people_sought", "people_names", "people_opinion", "people_favourable", "people_not_sought_reason")
    before = {f: getattr(dpia, f) for f in fields}
    dpia.people_sought, dpia.people_names, dpia.people_opinion = data.sought, data.names, data.opinion
    dpia.people_favourable, dpia.people_not_sought_reason = data.favourable, data.not_sought_reason
    touch(session, dpia)
    record(session, actor, dpia, "dpia.people_views",
            {"changes": audit.diff(before, {f: getattr(dpia, f) for f in fields})})
    return dpia_view(session, actor, dpia, activity)


def blockers_of(session: Session, dpia: Dpia, decided_on: date | None, review_date: date | None):
    evaluations = {e.reference: e.status for e in session.exec(
        select(DpiaEvaluation).where(DpiaEvaluation.dpia_id == dpia.id))}
    risks = session.exec(select(DpiaRisk).where(DpiaRisk.dpia_id == dpia.id, DpiaRisk.active)
                         .order_by(DpiaRisk.id)).all()
    return validation_blockers(
        evaluations=evaluations,
        risks=[RiskLevels(r.kind, r.title, r.severity_before, r.likelihood_before, r.severity_after,
                          r.likelihood_after) for r in risks],
        dpo_opinion=dpia.dpo_opinion, dpo_favourable=dpia.dpo_favourable, people_sought=dpia.people_sought,
        people_opinion=dpia.people_opinion, people_not_sought_reason=dpia.people_not_sought_reason,
        decided_on=decided_on, review_date=review_date, today=paris_today(), cnil_consulted_on=dpia.cnil_consulted_on)


def validate_dpia(session: Session, actor: Actor, dpia_id: int, version: int, data: dict | DecisionInput) -> DpiaView:
    """The controller's decision to carry out the processing as assessed. Refused,
    with every reason at once, while anything the method requires is missing."""
    data = check(DecisionInput, data)
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.validate", write=True)
    check_version(dpia, version)
    check_transition(dpia.status, DpiaStatus.VALIDATED)
    review = data.review_date or dpia_review_date(data.decided_on)
    problems = data.problems() + [FieldProblem(b.field, b.key, b.params)
                                  for b in blockers_of(session, dpia, data.decided_on, review)]
    if problems:
        raise InvalidInput(problems)
    dpia.status = DpiaStatus.VALIDATED
    dpia.decision_by, dpia.decided_on, dpia.review_date = data.decision_by, data.decided_on, review
    dpia.decision_comment = data.comment
    refresh_prior_consultation(session, dpia)
    dpia.updated_at = utcnow()
    session.add(dpia)
    session.flush()
    record(session, actor, dpia, "dpia.validate",
            {"decision_by": data.decision_by, "decided_on": data.decided_on, "review_date": review,
             "prior_consultation": dpia.prior_consultation, "comment": data.comment})
    return dpia_view(session, actor, dpia, activity)


def refuse_dpia(session: Session, actor: Actor, dpia_id: int, version: int, data: dict | DecisionInput) -> DpiaView:
    """The controller refuses the processing as assessed; the reason is required."""
    data = check(DecisionInput, data)
    problems = data.problems()
    if len(data.comment) < 10:
        problems.append(FieldProblem("", "dpia.decision.reason_required"))
    if problems:
        raise InvalidInput(problems)
    if data.decided_on > paris_today():
        raise problem("", "dpia.validation.decided_in_future")
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.refuse", write=True)
    check_version(dpia, version)
    check_transition(dpia.status, DpiaStatus.REFUSED)
    dpia.status = DpiaStatus.REFUSED
    dpia.decision_by, dpia.decided_on, dpia.decision_comment = data.decision_by, data.decided_on, data.comment
    dpia.review_date = None
    dpia.updated_at = utcnow()
    session.add(dpia)
    session.flush()
    record(session, actor, dpia, "dpia.refuse",
            {"decision_by": data.decision_by, "decided_on": data.decided_on, "comment": data.comment})
    return dpia_view(session, actor, dpia, activity)


def record_cnil_consultation(session: Session, actor: Actor, dpia_id: int, version: int,
                             received_on: date) -> DpiaView:
    """The day the CNIL received the prior consultation: its answer is due eight weeks
    later (Art. 36(2))."""
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.cnil_consultation", write=True)
    check_version(dpia, version)
    if dpia.status == DpiaStatus.ARCHIVED:
        raise RuleViolation("dpia.error.not_editable")
    if not dpia.prior_consultation:
        raise problem("", "dpia.consultation.not_required")
    if received_on > paris_today():
        raise problem("", "dpia.consultation.in_future")
    before = dpia.cnil_consulted_on
    dpia.cnil_consulted_on = received_on
    touch(session, dpia)
    record(session, actor, dpia, "dpia.cnil_consultation",
            {"received_on": [before, received_on], "answer_due": dpia.cnil_answer_due})
    return dpia_view(session, actor, dpia, activity)


def _consulted_dpia(session: Session, actor: Actor, dpia_id: int, version: int, action: str):
    dpia, activity = fetch_dpia(session, actor, dpia_id, action=action, write=True)
    check_version(dpia, version)
    if dpia.status == DpiaStatus.ARCHIVED:
        raise RuleViolation("dpia.error.not_editable")
    if dpia.cnil_consulted_on is None:
        raise problem("", "dpia.consultation.not_recorded")
    return dpia, activity


def record_cnil_extension(session: Session, actor: Actor, dpia_id: int, version: int,
                          data: dict | CnilExtensionInput) -> DpiaView:
    """The CNIL extended its period by six weeks (Art. 36(2): 8 + 6 weeks, "taking into
    account the complexity of the intended processing"); it must inform the controller
    "within one month of receipt of the request for consultation together with the reasons
    for the delay" — a later notice does not extend the period and is refused."""
    data = check(CnilExtensionInput, data)
    dpia, activity = _consulted_dpia(session, actor, dpia_id, version, "dpia.cnil_extension")
    if data.notified_on > paris_today():
        raise problem("", "dpia.consultation.in_future")
    if data.notified_on < dpia.cnil_consulted_on:
        raise problem("", "dpia.consultation.before_receipt")
    if data.notified_on > add_months(dpia.cnil_consulted_on, 1):
        raise problem("", "dpia.consultation.extension_too_late")
    before = dpia.cnil_answer_due
    dpia.cnil_extended = True
    dpia.cnil_extension_notified_on = data.notified_on
    dpia.cnil_extension_reasons = data.reasons.strip()
    touch(session, dpia)
    record(session, actor, dpia, "dpia.cnil_extension",
           {"notified_on": data.notified_on, "answer_due": [before, dpia.cnil_answer_due],
            "reasons": dpia.cnil_extension_reasons})
    return dpia_view(session, actor, dpia, activity)


def record_cnil_answer(session: Session, actor: Actor, dpia_id: int, version: int,
                       data: dict | CnilAnswerInput) -> DpiaView:
    """The CNIL's written advice (Art. 36(2)): the day it came and what it says; kept in the
    audit trail with who recorded it."""
    data = check(CnilAnswerInput, data)
    dpia, activity = _consulted_dpia(session, actor, dpia_id, version, "dpia.cnil_answer")
    answer = data.answer.strip()
    if len(answer) < 10:
        raise problem("", "dpia.consultation.answer_required")
    if data.answered_on > paris_today():
        raise problem("", "dpia.consultation.in_future")
    if data.answered_on < dpia.cnil_consulted_on:
        raise problem("", "dpia.consultation.before_receipt")
    before = {"answered_on": dpia.cnil_answer_on, "answer": dpia.cnil_answer}
    dpia.cnil_answer_on, dpia.cnil_answer = data.answered_on, answer
    touch(session, dpia)
    record(session, actor, dpia, "dpia.cnil_answer",
           {"changes": audit.diff(before, {"answered_on": dpia.cnil_answer_on, "answer": dpia.cnil_answer}),
            "answer_due": dpia.cnil_answer_due, "on_time": data.answered_on <= (dpia.cnil_answer_due or data.answered_on)})
    return dpia_view(session, actor, dpia, activity)
