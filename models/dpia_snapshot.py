"""A DPIA as plain, immutable data: what the pages show after the session is closed,
what the PDF report and the CNIL PIA JSON are built from, and what an imported PIA
file is read into before it is stored."""

from dataclasses import dataclass, field
from datetime import date, datetime

from models.dpia_rules import DpiaStatus, RiskKind, standard_risk


@dataclass(frozen=True)
class EvaluationView:
    status: str  # models.dpia_rules.Evaluation
    comment: str = ""
    action_plan: str = ""  # the CNIL software's action plan of an "improvable" evaluation
    action_owner: str = ""
    action_due: date | None = None
    evaluated_at: datetime | None = None


@dataclass(frozen=True)
class MeasureView:
    id: int  # database id, or the file's own id in an import
    title: str
    description: str = ""
    status: str = "existing"  # models.dpia_rules.MeasureStatus
    owner: str = ""
    due_date: date | None = None
    done_on: date | None = None
    overdue: bool = False
    evaluation: str = ""  # the CNIL software's evaluation of the measure (3.1.<id>)
    evaluation_comment: str = ""
    action_plan: str = ""
    evaluated_at: datetime | None = None


@dataclass(frozen=True)
class RiskView:
    id: int
    kind: str  # models.dpia_rules.RiskKind
    title: str = ""
    impacts: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    measure_ids: tuple[int, ...] = ()
    severity_before: int | None = None
    likelihood_before: int | None = None
    severity_note: str = ""
    likelihood_note: str = ""
    severity_after: int | None = None
    likelihood_after: int | None = None
    evaluation: str = ""
    evaluation_comment: str = ""
    active: bool = True
    action_plan: str = ""
    action_owner: str = ""
    action_due: date | None = None
    evaluated_at: datetime | None = None

    @property
    def is_standard(self) -> bool:
        return self.kind != RiskKind.CUSTOM

    def levels(self) -> tuple[int | None, int | None, int | None, int | None]:
        return self.severity_before, self.likelihood_before, self.severity_after, self.likelihood_after


def risk_letters(risks: tuple[RiskView, ...]) -> dict[int, str]:
    """Marker of each risk on the map: A, M, D as in the CNIL software, R1, R2... for custom ones."""
    letters: dict[int, str] = {}
    custom = 0
    for risk in risks:
        standard = standard_risk(risk.kind)
        if standard is not None:
            letters[risk.id] = standard.letter
        else:
            custom += 1
            letters[risk.id] = f"R{custom}"
    return letters


@dataclass(frozen=True)
class ScreeningView:
    id: int
    activity_id: int
    outcome: str
    criteria: tuple[str, ...]
    cnil_types: tuple[str, ...]
    justification: str
    screened_at: datetime
    screened_by_name: str
    reason_key: str = ""
    reason_params: dict = field(default_factory=dict)
    cnil_exempt_types: tuple[str, ...] = ()  # délibération n° 2019-118
    # What the register entry suggested ({"criterion", "reason", "params"}), models.dpia_suggestions.
    suggestions: tuple[dict, ...] = ()

    @property
    def suggested(self) -> tuple[str, ...]:
        return tuple(s["criterion"] for s in self.suggestions)

    @property
    def rejected(self) -> tuple[str, ...]:
        """Suggested criteria the DPO did not confirm."""
        return tuple(c for c in self.suggested if c not in self.criteria)


@dataclass(frozen=True)
class CommentView:
    """A comment on a question (CNIL question id) or on a measure (its id)."""

    description: str
    question_id: int | None = None
    measure_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class DpiaContent:
    """The assessment itself, as the CNIL PIA software also holds it."""

    title: str
    status: str = DpiaStatus.DRAFT
    author_name: str = ""
    answers: dict[int, str] = field(default_factory=dict)  # CNIL question id -> text
    evaluations: dict[str, EvaluationView] = field(default_factory=dict)  # CNIL reference -> evaluation
    risks: tuple[RiskView, ...] = ()
    measures: tuple[MeasureView, ...] = ()
    dpo_name: str = ""
    dpo_opinion: str = ""
    dpo_favourable: bool | None = None
    people_sought: bool | None = None
    people_names: str = ""
    people_opinion: str = ""
    people_favourable: bool | None = None
    people_not_sought_reason: str = ""
    decision_by: str = ""
    decision_comment: str = ""
    decided_on: date | None = None
    review_date: date | None = None
    cnil_consulted_on: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    evaluator_name: str = ""
    category: str = ""
    rejection_reason: str = ""
    applied_adjustments: str = ""
    comments: tuple[CommentView, ...] = ()
    # What an imported file held that the CNIL software itself would not import: shown in
    # the preview ("answer 999", "evaluation 3.1.[object Object]"), never stored.
    ignored: tuple[str, ...] = ()
    from_dpo_desk: bool = False  # an imported file carried DPO Desk's own part

    @property
    def active_risks(self) -> tuple[RiskView, ...]:
        return tuple(r for r in self.risks if r.active)

    def measure(self, measure_id: int) -> MeasureView | None:
        return next((m for m in self.measures if m.id == measure_id), None)


@dataclass(frozen=True, kw_only=True)
class DpiaView(DpiaContent):
    """A stored DPIA with its identity and where it belongs."""

    id: int
    reference: str
    version: int
    activity_id: int
    activity_reference: str
    activity_name: str
    entity_id: int
    entity_name: str
    department_id: int
    prior_consultation: bool = False
    # "required" / "not_required" / "not_assessed" (no risk placed yet): what headers say.
    prior_consultation_state: str = "not_assessed"
    cnil_answer_due: date | None = None
    cnil_extended: bool = False  # Art. 36(2): six more weeks
    cnil_extension_notified_on: date | None = None
    cnil_extension_reasons: str = ""
    cnil_answer_on: date | None = None
    cnil_answer: str = ""
    dpo_opinion_at: datetime | None = None
    screening: ScreeningView | None = None
    can_edit: bool = False  # the actor may change it (DPO, legal) and its status allows it
    can_give_opinion: bool = False  # the actor is the DPO
    can_track: bool = False  # the actor may follow up the action plan (also once validated)
    can_manage: bool = False  # the actor may change the status (reopen, archive) and issue documents
    overdue_actions: int = 0
