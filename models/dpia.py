"""DPIA tables: the screening of a processing activity and the assessment itself.

A DPIA (AIPD-2026-0001) belongs to a processing activity; its content follows the
CNIL's method (models/dpia_rules.py): answers to the context and principle questions
keyed by the CNIL software's question ids, evaluations keyed by its references,
risks, measures (existing ones and the action plan) and the validation (DPO opinion,
views of the people concerned, controller's decision, review date).

Deadlines are stored columns, indexed, for the deadline overview: the review date
(Art. 35(11)), the due date of each action-plan measure, and the expected answer of
the CNIL after a prior consultation (Art. 36(2)).
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.case import CaseBase, version_column
from models.types import UTCDateTime, utcnow

DPIA_PREFIX = "AIPD"  # analyse d'impact relative à la protection des données: AIPD-2026-0001


class DpiaScreening(SQLModel, table=True):
    """One screening of an activity; a new screening never replaces an earlier one."""

    __tablename__ = "dpia_screening"

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # WP248 codes
    cnil_types: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # CNIL list codes
    # Types of the CNIL's list of processing that needs no DPIA (délibération n° 2019-118).
    cnil_exempt_types: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False,
                                                                           server_default="[]"))
    # What the register entry suggested when the screening was made (models.dpia_suggestions):
    # [{"criterion", "reason", "params"}]; `criteria` holds what the DPO confirmed.
    suggestions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    outcome: str = Field(max_length=20, index=True)  # models.dpia_screening.ScreeningOutcome
    justification: str = Field(default="", sa_type=Text)
    screened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    screened_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    screened_by_name: str = Field(default="", max_length=200)


_version = version_column()


class Dpia(CaseBase, table=True):
    __tablename__ = "dpia"

    id: Optional[int] = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="processing_activity.id", index=True)
    screening_id: Optional[int] = Field(default=None, foreign_key="dpia_screening.id")
    title: str = Field(max_length=300)
    author_name: str = Field(default="", max_length=200)
    # What the CNIL PIA software also holds (kept so that an imported PIA goes back whole).
    evaluator_name: str = Field(default="", max_length=200)
    category: str = Field(default="", max_length=200)
    rejection_reason: str = Field(default="", sa_type=Text)
    applied_adjustments: str = Field(default="", sa_type=Text)
    # Art. 35(2): the advice of the DPO.
    dpo_name: str = Field(default="", max_length=200)
    dpo_opinion: str = Field(default="", sa_type=Text)
    dpo_favourable: Optional[bool] = None
    dpo_opinion_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    # Art. 35(9): the views of the data subjects or their representatives, or why not sought.
    people_sought: Optional[bool] = None
    people_names: str = Field(default="", max_length=300)
    people_opinion: str = Field(default="", sa_type=Text)
    people_favourable: Optional[bool] = None
    people_not_sought_reason: str = Field(default="", sa_type=Text)
    # The controller's decision.
    decision_by: str = Field(default="", max_length=200)
    decision_comment: str = Field(default="", sa_type=Text)
    decided_on: Optional[date] = None
    review_date: Optional[date] = Field(default=None, index=True)  # Art. 35(11)
    # Art. 36: a residual high risk calls for prior consultation of the CNIL.
    prior_consultation: bool = Field(default=False, index=True)
    cnil_consulted_on: Optional[date] = None  # the CNIL received the request for consultation
    cnil_answer_due: Optional[date] = Field(default=None, index=True)
    # Art. 36(2): the CNIL may extend its period by six weeks, telling the controller within
    # one month of receipt with the reasons; then its written advice.
    cnil_extended: bool = False
    cnil_extension_notified_on: Optional[date] = None
    cnil_extension_reasons: str = Field(default="", sa_type=Text)
    cnil_answer_on: Optional[date] = None
    cnil_answer: str = Field(default="", sa_type=Text)
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}


class DpiaAnswer(SQLModel, table=True):
    """The answer to one context or principle question (CNIL question id)."""

    __tablename__ = "dpia_answer"
    __table_args__ = (UniqueConstraint("dpia_id", "question_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia.id", index=True)
    question_id: int
    text: str = Field(default="", sa_type=Text)


class DpiaEvaluation(SQLModel, table=True):
    """The evaluation of a context item or a principle question (CNIL reference)."""

    __tablename__ = "dpia_evaluation"
    __table_args__ = (UniqueConstraint("dpia_id", "reference"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia.id", index=True)
    reference: str = Field(max_length=20)
    status: str = Field(max_length=20)  # models.dpia_rules.Evaluation
    comment: str = Field(default="", sa_type=Text)
    # The CNIL software's action plan for an "improvable" evaluation.
    action_plan: str = Field(default="", sa_type=Text)
    action_owner: str = Field(default="", max_length=200)
    action_due: Optional[date] = None
    evaluated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class DpiaRisk(SQLModel, table=True):
    __tablename__ = "dpia_risk"

    id: Optional[int] = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia.id", index=True)
    kind: str = Field(max_length=30)  # models.dpia_rules.RiskKind
    title: str = Field(default="", max_length=300)  # custom risks; standard ones are named by kind
    impacts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    threats: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sources: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    severity_before: Optional[int] = None
    likelihood_before: Optional[int] = None
    severity_note: str = Field(default="", sa_type=Text)
    likelihood_note: str = Field(default="", sa_type=Text)
    severity_after: Optional[int] = None
    likelihood_after: Optional[int] = None
    evaluation: str = Field(default="", max_length=20)
    evaluation_comment: str = Field(default="", sa_type=Text)
    action_plan: str = Field(default="", sa_type=Text)
    action_owner: str = Field(default="", max_length=200)
    action_due: Optional[date] = None
    evaluated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    active: bool = True  # a withdrawn custom risk is kept for the record


class DpiaMeasure(SQLModel, table=True):
    """A measure: existing, or an action-plan item with its owner and due date."""

    __tablename__ = "dpia_measure"

    id: Optional[int] = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia.id", index=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    status: str = Field(max_length=20, index=True)  # models.dpia_rules.MeasureStatus
    owner: str = Field(default="", max_length=200)
    due_date: Optional[date] = Field(default=None, index=True)
    done_on: Optional[date] = None
    # The CNIL software evaluates each measure (3.1.<id>) with a comment and an action plan.
    evaluation: str = Field(default="", max_length=20)
    evaluation_comment: str = Field(default="", sa_type=Text)
    action_plan: str = Field(default="", sa_type=Text)
    evaluated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class DpiaRiskMeasure(SQLModel, table=True):
    """Which measures address which risk."""

    __tablename__ = "dpia_risk_measure"
    __table_args__ = (UniqueConstraint("risk_id", "measure_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="dpia_risk.id", index=True)
    measure_id: int = Field(foreign_key="dpia_measure.id", index=True)


class DpiaComment(SQLModel, table=True):
    """A comment left on a question (CNIL question id) or on a measure, as in the CNIL software."""

    __tablename__ = "dpia_comment"

    id: Optional[int] = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia.id", index=True)
    question_id: Optional[int] = None
    measure_id: Optional[int] = Field(default=None, foreign_key="dpia_measure.id")
    description: str = Field(default="", sa_type=Text)
    created_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    updated_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
