"""Filling in a DPIA: context and principles, risks, measures and the action plan.

Every edit carries the DPIA version the user saw; a stale one is refused
(ConcurrentEdit) and nothing is overwritten. The audit entry keeps each change's
before and after, so no answer is ever lost.
"""

from datetime import date

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.dpia.common import check, check_version, editable_dpia, fetch_dpia, record, touch
from dashboard.dpia.views import dpia_view
from dashboard.errors import NotAllowed
from dashboard.validation import distinct_lines, problem
from models.clock import paris_today
from models.dpia import Dpia, DpiaAnswer, DpiaEvaluation, DpiaMeasure, DpiaRisk, DpiaRiskMeasure
from models.dpia_rules import (
    ACTION_STATUSES, EDITABLE_STATUSES, TEXT_ITEMS, DpiaStatus, Evaluation, MeasureStatus, RiskKind,
    levels_consistent, measure_needs_plan,
)
from models.dpia_snapshot import DpiaView
from models.errors import RuleViolation

TEXT_LIMIT = 20000
Level = int | None


class EvaluationInput(BaseModel):
    status: Evaluation | None = None
    comment: str = Field(default="", max_length=TEXT_LIMIT)


class ItemInput(BaseModel):
    """One item of the context or the fundamental principles: its answers, its evaluation(s)."""

    answers: dict[int, str] = {}
    evaluations: dict[str, EvaluationInput] = {}

    @field_validator("answers")
    @classmethod
    def _answer_length(cls, value: dict[int, str]) -> dict[int, str]:
        if any(len(text) > TEXT_LIMIT for text in value.values()):
            raise PydanticCustomError("dpia.error.text_too_long", "text too long", {"max": TEXT_LIMIT})
        return {question: text.strip() for question, text in value.items()}


def _levels_pair(severity: Level, likelihood: Level, key: str) -> None:
    if not levels_consistent(severity, likelihood):
        raise PydanticCustomError(key, "give both the severity and the likelihood, or neither")


class RiskInput(BaseModel):
    title: str = Field(default="", max_length=300)
    impacts: list[str] = []
    threats: list[str] = []
    sources: list[str] = []
    measure_ids: list[int] = []
    severity_before: Level = Field(default=None, ge=1, le=4)
    likelihood_before: Level = Field(default=None, ge=1, le=4)
    severity_note: str = Field(default="", max_length=TEXT_LIMIT)
    likelihood_note: str = Field(default="", max_length=TEXT_LIMIT)
    severity_after: Level = Field(default=None, ge=1, le=4)
    likelihood_after: Level = Field(default=None, ge=1, le=4)
    evaluation: Evaluation | None = None
    evaluation_comment: str = Field(default="", max_length=TEXT_LIMIT)

    @field_validator("impacts", "threats", "sources")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        value = distinct_lines(value)
        if any(len(line) > 500 for line in value):
            raise PydanticCustomError("dpia.error.text_too_long", "text too long", {"max": 500})
        return value

    @model_validator(mode="after")
    def _pairs(self):
        _levels_pair(self.severity_before, self.likelihood_before, "dpia.risk.levels_before_pair")
        _levels_pair(self.severity_after, self.likelihood_after, "dpia.risk.levels_after_pair")
        return self


def _planned(measure):
    """An action has an owner and a due date; only a done one keeps its completion date."""
    measure.owner = measure.owner.strip()
    if measure_needs_plan(measure.status) and (not measure.owner or measure.due_date is None):
        raise PydanticCustomError("dpia.measure.plan_required", "an action needs an owner and a due date")
    if measure.status != MeasureStatus.DONE:
        measure.done_on = None
    return measure


class MeasureInput(BaseModel):
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=TEXT_LIMIT)
    status: MeasureStatus = MeasureStatus.EXISTING
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None
    done_on: date | None = None

    @model_validator(mode="after")
    def _plan(self):
        self.title = self.title.strip()
        if len(self.title) < 2:
            raise PydanticCustomError("dpia.measure.title_required", "a measure needs a title")
        return _planned(self)


def save_item(session: Session, actor: Actor, dpia_id: int, version: int, item_reference: str,
              data: dict | ItemInput) -> DpiaView:
    """Save the answers and evaluation(s) of one item ("1.1", "2.1"...)."""
    item = next((i for i in TEXT_ITEMS if i.reference == item_reference), None)
    if item is None:
        raise ValueError(item_reference)
    data = check(ItemInput, data)
    if set(data.answers) - set(item.questions) or set(data.evaluations) - set(item.evaluation_references()):
        raise ValueError("answers or evaluations outside the item")
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.save_item")
    changes = {}
    answers = {a.question_id: a for a in session.exec(select(DpiaAnswer).where(
        DpiaAnswer.dpia_id == dpia.id, DpiaAnswer.question_id.in_(item.questions)))}
    for question, text in data.answers.items():
        row = answers.get(question) or DpiaAnswer(dpia_id=dpia.id, question_id=question)
        if row.text != text:
            changes[str(question)] = [row.text, text]
            row.text = text
            session.add(row)
    evaluations = {e.reference: e for e in session.exec(select(DpiaEvaluation).where(
        DpiaEvaluation.dpia_id == dpia.id, DpiaEvaluation.reference.in_(item.evaluation_references())))}
    for reference, given in data.evaluations.items():
        row = evaluations.get(reference)
        status, comment = (given.status or ""), given.comment.strip()
        if row is None and not status and not comment:
            continue
        row = row or DpiaEvaluation(dpia_id=dpia.id, reference=reference, status="")
        if (row.status, row.comment) != (status, comment):
            changes[reference] = [[row.status, row.comment], [status, comment]]
            row.status, row.comment = status, comment
            session.add(row)
    if changes:
        touch(session, dpia)
        record(session, actor, dpia, "dpia.save_item", {"item": item_reference, "changes": changes})
    return dpia_view(session, actor, dpia, activity)


RISK_FIELDS = ("title", "impacts", "threats", "sources", "severity_before", "likelihood_before", "severity_note",
               "likelihood_note", "severity_after", "likelihood_after", "evaluation", "evaluation_comment")


def _apply_risk(session: Session, dpia: Dpia, risk: DpiaRisk, data: RiskInput) -> dict:
    measures = set(session.exec(select(DpiaMeasure.id).where(DpiaMeasure.dpia_id == dpia.id)))
    if set(data.measure_ids) - measures:
        raise NotAllowed()  # a measure of another DPIA: forged input
    before = {f: getattr(risk, f) for f in RISK_FIELDS}
    values = data.model_dump(exclude={"measure_ids"})
    values["evaluation"] = values["evaluation"] or ""
    if risk.kind != RiskKind.CUSTOM:
        values["title"] = ""
    for name in RISK_FIELDS:
        value = values[name]
        setattr(risk, name, value.strip() if isinstance(value, str) else value)
    session.add(risk)
    session.flush()
    links = {link.measure_id: link for link in session.exec(
        select(DpiaRiskMeasure).where(DpiaRiskMeasure.risk_id == risk.id))}
    for measure_id in set(links) - set(data.measure_ids):
        session.delete(links[measure_id])
    for measure_id in set(data.measure_ids) - set(links):
        session.add(DpiaRiskMeasure(risk_id=risk.id, measure_id=measure_id))
    changes = audit.diff(before, {f: getattr(risk, f) for f in RISK_FIELDS})
    if set(links) != set(data.measure_ids):
        changes["measure_ids"] = [sorted(links), sorted(data.measure_ids)]
    return changes


def _risk_of(session: Session, dpia: Dpia, risk_id: int) -> DpiaRisk:
    risk = session.get(DpiaRisk, risk_id)
    if risk is None or risk.dpia_id != dpia.id:
        raise NotAllowed()
    return risk


def save_risk(session: Session, actor: Actor, dpia_id: int, version: int, risk_id: int,
              data: dict | RiskInput) -> DpiaView:
    data = check(RiskInput, data)
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.save_risk")
    risk = _risk_of(session, dpia, risk_id)
    if risk.kind == RiskKind.CUSTOM and len(data.title.strip()) < 3:
        raise problem("", "dpia.risk.title_required")
    changes = _apply_risk(session, dpia, risk, data)
    if changes:
        touch(session, dpia)
        record(session, actor, dpia, "dpia.save_risk", {"risk": risk.id, "kind": risk.kind, "changes": changes})
    return dpia_view(session, actor, dpia, activity)


def add_custom_risk(session: Session, actor: Actor, dpia_id: int, version: int, data: dict | RiskInput) -> DpiaView:
    data = check(RiskInput, data)
    if len(data.title.strip()) < 3:
        raise problem("", "dpia.risk.title_required")
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.add_risk")
    risk = DpiaRisk(dpia_id=dpia.id, kind=RiskKind.CUSTOM, title=data.title.strip())
    session.add(risk)
    session.flush()
    changes = _apply_risk(session, dpia, risk, data)
    touch(session, dpia)
    record(session, actor, dpia, "dpia.add_risk", {"risk": risk.id, "changes": changes})
    return dpia_view(session, actor, dpia, activity)


def withdraw_risk(session: Session, actor: Actor, dpia_id: int, version: int, risk_id: int) -> DpiaView:
    """A custom risk found irrelevant leaves the assessment but stays on record."""
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.withdraw_risk")
    risk = _risk_of(session, dpia, risk_id)
    if risk.kind != RiskKind.CUSTOM:
        raise problem("", "dpia.risk.standard_kept")
    risk.active = False
    session.add(risk)
    touch(session, dpia)
    record(session, actor, dpia, "dpia.withdraw_risk", {"risk": risk.id, "title": risk.title})
    return dpia_view(session, actor, dpia, activity)


MEASURE_FIELDS = ("title", "description", "status", "owner", "due_date", "done_on")


def _apply_measure(session: Session, measure: DpiaMeasure, data, fields: tuple[str, ...], before: dict) -> dict:
    """Copy the fields over; an action marked done without a date is done today."""
    for name in fields:
        setattr(measure, name, getattr(data, name))
    if measure.status == MeasureStatus.DONE and measure.done_on is None:
        measure.done_on = paris_today()
    session.add(measure)
    session.flush()
    return audit.diff(before, {f: getattr(measure, f) for f in fields})


def save_measure(session: Session, actor: Actor, dpia_id: int, version: int, measure_id: int | None,
                 data: dict | MeasureInput) -> DpiaView:
    """Add a measure (measure_id None) or change one; an action marked done without a
    date is done today."""
    data = check(MeasureInput, data)
    dpia, activity = editable_dpia(session, actor, dpia_id, version, "dpia.save_measure")
    if measure_id is None:
        measure = DpiaMeasure(dpia_id=dpia.id, title=data.title, status=data.status)
        before = {}
    else:
        measure = session.get(DpiaMeasure, measure_id)
        if measure is None or measure.dpia_id != dpia.id:
            raise NotAllowed()
        before = {f: getattr(measure, f) for f in MEASURE_FIELDS}
    changes = _apply_measure(session, measure, data, MEASURE_FIELDS, before)
    if changes:
        touch(session, dpia)
        record(session, actor, dpia, "dpia.save_measure", {"measure": measure.id, "changes": changes})
    return dpia_view(session, actor, dpia, activity)


class ActionProgress(BaseModel):
    """Following up an action-plan measure, also once the DPIA is validated."""

    status: MeasureStatus
    owner: str = Field(max_length=200)
    due_date: date | None = None
    done_on: date | None = None

    @model_validator(mode="after")
    def _plan(self):
        if self.status not in ACTION_STATUSES | {MeasureStatus.CANCELLED}:
            raise PydanticCustomError("dpia.measure.not_an_action", "only action-plan measures are followed up")
        return _planned(self)


def track_action(session: Session, actor: Actor, dpia_id: int, version: int, measure_id: int,
                 data: dict | ActionProgress) -> DpiaView:
    """Progress of an action (status, owner, due date): the action plan is carried out
    after the DPIA is validated, so this stays open until the DPIA is archived."""
    data = check(ActionProgress, data)
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.track_action", write=True)
    check_version(dpia, version)
    if DpiaStatus(dpia.status) not in EDITABLE_STATUSES | {DpiaStatus.VALIDATED}:
        raise RuleViolation("dpia.error.not_editable")
    measure = session.get(DpiaMeasure, measure_id)
    if measure is None or measure.dpia_id != dpia.id:
        raise NotAllowed()
    if measure.status not in ACTION_STATUSES | {MeasureStatus.CANCELLED}:
        raise problem("", "dpia.measure.not_an_action")
    fields = ("status", "owner", "due_date", "done_on")
    changes = _apply_measure(session, measure, data, fields, {f: getattr(measure, f) for f in fields})
    if changes:
        touch(session, dpia)
        record(session, actor, dpia, "dpia.track_action", {"measure": measure.id, "changes": changes})
    return dpia_view(session, actor, dpia, activity)
