"""The rules of a DPIA, following the CNIL's method and its PIA software.

Structure and vocabulary come from the CNIL's open-source PIA software (LINCnil/pia,
`src/assets/files/pia_architecture.json`): four sections — context (1), fundamental
principles (2), risks (3), validation (4) — whose questions keep the software's
numeric ids (111, 211, 325...) so that its JSON files map one to one. Context items
are evaluated as a whole (references "1.1", "1.2"); each fundamental-principle
question is evaluated on its own ("2.1.211"...). An evaluation is acceptable,
improvable or to correct.

Risks: the three feared events of the method (illegitimate access, unwanted
modification, disappearance of data) plus any custom one, each with its severity and
likelihood on the CNIL's four levels (negligible, limited, significant, maximum),
estimated with the existing or planned measures ("before") and again once the
corrective measures of the action plan are in place ("after").
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from models.errors import RuleViolation

# ------------------------------------------------------------------ structure


@dataclass(frozen=True)
class Item:
    reference: str  # "1.1": the item's evaluation reference in the CNIL software
    key: str  # catalogue suffix
    questions: tuple[int, ...]  # CNIL question ids
    per_question: bool  # evaluated question by question ("2.1.211") or as a whole ("1.1")

    def evaluation_references(self) -> tuple[str, ...]:
        if self.per_question:
            return tuple(f"{self.reference}.{q}" for q in self.questions)
        return (self.reference,)


CONTEXT_ITEMS = (
    Item("1.1", "overview", (111, 112, 113), per_question=False),
    Item("1.2", "data", (121, 122, 123), per_question=False),
)
PRINCIPLE_ITEMS = (
    Item("2.1", "necessity", (211, 212, 213, 214, 215), per_question=True),
    Item("2.2", "rights", (221, 222, 223, 224, 225, 226, 227), per_question=True),
)
TEXT_ITEMS = CONTEXT_ITEMS + PRINCIPLE_ITEMS
TEXT_QUESTIONS: tuple[int, ...] = tuple(q for item in TEXT_ITEMS for q in item.questions)
EVALUATION_REFERENCES: tuple[str, ...] = tuple(r for item in TEXT_ITEMS for r in item.evaluation_references())


def item_of_reference(reference: str) -> Item | None:
    return next((item for item in TEXT_ITEMS if reference in item.evaluation_references()), None)


class Evaluation(StrEnum):
    ACCEPTABLE = "acceptable"
    IMPROVABLE = "improvable"
    TO_CORRECT = "to_correct"


# The CNIL software's evaluation codes: 0 pending, 1 to be fixed, 2 improvable, 3 acceptable.
EVALUATION_TO_CNIL = {None: 0, Evaluation.TO_CORRECT: 1, Evaluation.IMPROVABLE: 2, Evaluation.ACCEPTABLE: 3}
CNIL_TO_EVALUATION = {code: value for value, code in EVALUATION_TO_CNIL.items()}


# ------------------------------------------------------------------ risks


class Level(IntEnum):
    """The CNIL's four levels of severity and likelihood (PIA, la méthode, 2018)."""

    NEGLIGIBLE = 1
    LIMITED = 2
    SIGNIFICANT = 3
    MAXIMUM = 4


LEVELS: tuple[int, ...] = tuple(int(level) for level in Level)


class RiskKind(StrEnum):
    ILLEGITIMATE_ACCESS = "illegitimate_access"
    UNWANTED_MODIFICATION = "unwanted_modification"
    DISAPPEARANCE = "disappearance"
    CUSTOM = "custom"


@dataclass(frozen=True)
class StandardRisk:
    kind: RiskKind
    reference: str  # CNIL item: its evaluation carries the levels after corrective measures
    letter: str  # marker on the risk map, as in the CNIL software: (A), (M), (D)
    impacts: int  # CNIL question ids
    threats: int
    sources: int
    measures: int
    severity: int
    likelihood: int


STANDARD_RISKS = (
    StandardRisk(RiskKind.ILLEGITIMATE_ACCESS, "3.2", "A", 321, 322, 323, 324, 325, 326),
    StandardRisk(RiskKind.UNWANTED_MODIFICATION, "3.3", "M", 331, 332, 333, 334, 335, 336),
    StandardRisk(RiskKind.DISAPPEARANCE, "3.4", "D", 341, 342, 343, 344, 345, 346),
)
RISK_QUESTIONS: tuple[int, ...] = tuple(
    q for r in STANDARD_RISKS for q in (r.impacts, r.threats, r.sources, r.measures, r.severity, r.likelihood))


def standard_risk(kind: str) -> StandardRisk | None:
    return next((r for r in STANDARD_RISKS if r.kind == kind), None)


def levels_complete(severity: int | None, likelihood: int | None) -> bool:
    return severity is not None and likelihood is not None


def levels_consistent(severity: int | None, likelihood: int | None) -> bool:
    """A risk's position needs both coordinates, or neither while it is being drafted."""
    if (severity is None) != (likelihood is None):
        return False
    return all(value is None or value in LEVELS for value in (severity, likelihood))


def is_high_risk(severity: int | None, likelihood: int | None) -> bool:
    """High risk: the top-right zone of the CNIL's risk map — severity and likelihood
    both at least significant — or either at maximum (WP248 rev.01, section III.C:
    residual risk is high when data subjects "may encounter significant, or even
    irreversible, consequences" and/or "when it seems obvious that the risk will
    occur")."""
    if not levels_complete(severity, likelihood):
        return False
    return (severity >= Level.SIGNIFICANT and likelihood >= Level.SIGNIFICANT) or Level.MAXIMUM in (
        severity, likelihood)


def risk_zone(severity: int, likelihood: int) -> str:
    """Colour band of a cell of the risk map: "high", "moderate" or "low"."""
    if is_high_risk(severity, likelihood):
        return "high"
    if severity >= Level.SIGNIFICANT or likelihood >= Level.SIGNIFICANT:
        return "moderate"
    return "low"


def residual_levels(severity_before: int | None, likelihood_before: int | None,
                    severity_after: int | None, likelihood_after: int | None) -> tuple[int | None, int | None]:
    """The risk that remains: after corrective measures when estimated, else as assessed."""
    if levels_complete(severity_after, likelihood_after):
        return severity_after, likelihood_after
    return severity_before, likelihood_before


def prior_consultation_required(risks: Iterable[tuple[int | None, int | None, int | None, int | None]]) -> bool:
    """GDPR Art. 36(1): the controller consults the supervisory authority before
    processing where the DPIA indicates a high risk in the absence of measures taken
    to mitigate it — i.e. a residual risk that stays high. Each risk is given as
    (severity before, likelihood before, severity after, likelihood after)."""
    return any(is_high_risk(*residual_levels(*levels)) for levels in risks)


class PriorConsultation(StrEnum):
    REQUIRED = "required"
    NOT_REQUIRED = "not_required"
    NOT_ASSESSED = "not_assessed"


def prior_consultation_state(risks: Iterable[tuple[int | None, int | None, int | None, int | None]]
                             ) -> PriorConsultation:
    """What the header says about Art. 36(1): required as soon as one residual risk is high;
    "not required" only once there is at least one risk and every one is placed (before
    measures at least); until then "not yet assessed" — a DPIA whose risks nobody scored
    must not read as needing no consultation."""
    risks = list(risks)
    if prior_consultation_required(risks):
        return PriorConsultation.REQUIRED
    if not risks or not all(levels_complete(*residual_levels(*levels)) for levels in risks):
        return PriorConsultation.NOT_ASSESSED
    return PriorConsultation.NOT_REQUIRED


@dataclass(frozen=True)
class MapPoint:
    label: str  # "A", "M", "D", "R1"...
    severity: int
    likelihood: int
    dx: float = 0.0  # offset inside the cell, in cell widths (-0.5..0.5)
    dy: float = 0.0


def map_points(points: Sequence[tuple[str, int, int]]) -> list[MapPoint]:
    """Spread the markers that share a cell of the risk map so that none hides another."""
    by_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, (_, severity, likelihood) in enumerate(points):
        by_cell[(severity, likelihood)].append(index)
    placed: dict[int, MapPoint] = {}
    for (severity, likelihood), indexes in by_cell.items():
        count = len(indexes)
        columns = min(count, 3)
        rows = -(-count // columns)
        for n, index in enumerate(indexes):
            row, column = divmod(n, columns)
            dx = (column - (columns - 1) / 2) * 0.26
            dy = ((rows - 1) / 2 - row) * 0.26
            placed[index] = MapPoint(points[index][0], severity, likelihood, dx, dy)
    return [placed[i] for i in range(len(points))]


def map_markers(risks: Sequence[tuple[str, int | None, int | None, int | None, int | None]]
                ) -> tuple[list[MapPoint], list[tuple[int | None, int | None]]]:
    """The risk map's markers for (label, severity before, likelihood before, severity
    after, likelihood after): every estimated position, spread apart, and for each
    risk the indexes of its "before" and "after" markers (None when not estimated)."""
    markers: list[tuple[str, int, int]] = []
    pairs: list[tuple[int | None, int | None]] = []
    for label, severity_before, likelihood_before, severity_after, likelihood_after in risks:
        indexes = []
        for severity, likelihood in ((severity_before, likelihood_before), (severity_after, likelihood_after)):
            if levels_complete(severity, likelihood):
                indexes.append(len(markers))
                markers.append((label, severity, likelihood))
            else:
                indexes.append(None)
        pairs.append((indexes[0], indexes[1]))
    return map_points(markers), pairs


def map_arrows(points: Sequence[MapPoint], pairs: Sequence[tuple[int | None, int | None]]
               ) -> list[tuple[int, int]]:
    """The (before, after) marker pairs the map links with an arrow: the risks whose
    planned measures move them to another cell (two markers of one cell are only spread
    apart, an arrow between them would show a change that did not happen)."""
    return [(before, after) for before, after in pairs
            if before is not None and after is not None
            and (points[before].severity, points[before].likelihood)
            != (points[after].severity, points[after].likelihood)]


# ------------------------------------------------------------------ measures and action plan


class MeasureStatus(StrEnum):
    EXISTING = "existing"  # in place before the DPIA
    PLANNED = "planned"  # action plan: to do
    IN_PROGRESS = "in_progress"  # action plan: started
    DONE = "done"  # action plan: implemented
    CANCELLED = "cancelled"  # dropped (kept for the record)


ACTION_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE})
OPEN_ACTION_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS})


def measure_needs_plan(status: str) -> bool:
    """An action-plan measure has an owner and a due date (the CNIL software's
    "person in charge" and "estimated implementation date")."""
    return MeasureStatus(status) in ACTION_STATUSES


def measure_is_overdue(status: str, due: date | None, today: date) -> bool:
    """Late from the day after its due date while not done (Paris calendar days)."""
    return MeasureStatus(status) in OPEN_ACTION_STATUSES and due is not None and today > due


# ------------------------------------------------------------------ statuses


class DpiaStatus(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    VALIDATED = "validated"
    REFUSED = "refused"
    ARCHIVED = "archived"


TRANSITIONS: dict[DpiaStatus, frozenset[DpiaStatus]] = {
    DpiaStatus.DRAFT: frozenset({DpiaStatus.IN_PROGRESS, DpiaStatus.ARCHIVED}),
    DpiaStatus.IN_PROGRESS: frozenset({DpiaStatus.VALIDATED, DpiaStatus.REFUSED, DpiaStatus.ARCHIVED}),
    # Reopened for a review (Art. 35(11)) or to rework what the controller refused.
    DpiaStatus.VALIDATED: frozenset({DpiaStatus.IN_PROGRESS, DpiaStatus.ARCHIVED}),
    DpiaStatus.REFUSED: frozenset({DpiaStatus.IN_PROGRESS, DpiaStatus.ARCHIVED}),
    DpiaStatus.ARCHIVED: frozenset(),
}
EDITABLE_STATUSES = frozenset({DpiaStatus.DRAFT, DpiaStatus.IN_PROGRESS})
OPEN_STATUSES = EDITABLE_STATUSES

# The CNIL software's statuses: 0 being edited, 1 refused, 2 simple validation,
# 3 signed validation, 4 archived.
STATUS_TO_CNIL = {DpiaStatus.DRAFT: 0, DpiaStatus.IN_PROGRESS: 0, DpiaStatus.REFUSED: 1,
                  DpiaStatus.VALIDATED: 3, DpiaStatus.ARCHIVED: 4}


def status_from_cnil(code: int, has_content: bool) -> DpiaStatus:
    if code == 0:
        return DpiaStatus.IN_PROGRESS if has_content else DpiaStatus.DRAFT
    return {1: DpiaStatus.REFUSED, 2: DpiaStatus.VALIDATED, 3: DpiaStatus.VALIDATED,
            4: DpiaStatus.ARCHIVED}[code]


def can_transition(current: str, target: str) -> bool:
    return DpiaStatus(target) in TRANSITIONS[DpiaStatus(current)]


def check_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise RuleViolation("dpia.error.transition")


def check_editable(status: str) -> None:
    if DpiaStatus(status) not in EDITABLE_STATUSES:
        raise RuleViolation("dpia.error.not_editable")


def status_after_edit(status: str) -> DpiaStatus:
    """The first piece of content moves a draft into assessment."""
    return DpiaStatus.IN_PROGRESS if DpiaStatus(status) == DpiaStatus.DRAFT else DpiaStatus(status)


# ------------------------------------------------------------------ validation


@dataclass(frozen=True)
class RiskLevels:
    kind: str
    title: str  # custom risks' title, named in messages
    severity_before: int | None
    likelihood_before: int | None
    severity_after: int | None
    likelihood_after: int | None


@dataclass(frozen=True)
class Blocker:
    field: str
    key: str
    params: dict[str, object]


def validation_blockers(
    *,
    evaluations: dict[str, str | None],
    risks: Sequence[RiskLevels],
    dpo_opinion: str,
    dpo_favourable: bool | None,
    people_sought: bool | None,
    people_opinion: str,
    people_not_sought_reason: str,
    decided_on: date | None,
    review_date: date | None,
    today: date,
    cnil_consulted_on: date | None = None,
) -> list[Blocker]:
    """Everything that stops the controller from validating a DPIA, all at once:
    every section evaluated and none left to correct (as in the CNIL software), each
    risk placed before and after measures, the DPO's opinion (Art. 35(2)), the views
    of the people concerned or why they were not sought (Art. 35(9)), a decision date
    that is not in the future and a review date after it (Art. 35(11)), and — when a
    residual risk stays high — the prior consultation of the CNIL recorded (Art. 36(1):
    the controller "shall consult the supervisory authority prior to processing")."""
    blockers: list[Blocker] = []
    pending = [ref for ref in EVALUATION_REFERENCES if not evaluations.get(ref)]
    if pending:
        blockers.append(Blocker("", "dpia.validation.pending_evaluations", {"count": len(pending)}))
    to_correct = [ref for ref in EVALUATION_REFERENCES if evaluations.get(ref) == Evaluation.TO_CORRECT]
    if to_correct:
        blockers.append(Blocker("", "dpia.validation.to_correct", {"count": len(to_correct)}))
    if not risks:
        blockers.append(Blocker("", "dpia.validation.no_risk", {}))
    for risk in risks:
        if not (levels_complete(risk.severity_before, risk.likelihood_before)
                and levels_complete(risk.severity_after, risk.likelihood_after)):
            if risk.kind == RiskKind.CUSTOM:
                blockers.append(Blocker("", "dpia.validation.risk_levels", {"risk": risk.title}))
            else:
                blockers.append(Blocker("", f"dpia.validation.risk_levels.{risk.kind}", {}))
    residual = [(r.severity_before, r.likelihood_before, r.severity_after, r.likelihood_after) for r in risks]
    if prior_consultation_required(residual) and cnil_consulted_on is None:
        blockers.append(Blocker("", "dpia.validation.prior_consultation", {}))
    if not dpo_opinion.strip() or dpo_favourable is None:
        blockers.append(Blocker("", "dpia.validation.dpo_opinion", {}))
    if people_sought is None:
        blockers.append(Blocker("", "dpia.validation.people_views", {}))
    elif people_sought and not people_opinion.strip():
        blockers.append(Blocker("", "dpia.validation.people_opinion", {}))
    elif not people_sought and not people_not_sought_reason.strip():
        blockers.append(Blocker("", "dpia.validation.people_reason", {}))
    if decided_on is None:
        blockers.append(Blocker("", "dpia.validation.decided_on", {}))
    elif decided_on > today:
        blockers.append(Blocker("", "dpia.validation.decided_in_future", {}))
    if review_date is None:
        blockers.append(Blocker("", "dpia.validation.review_date", {}))
    elif decided_on is not None and review_date <= decided_on:
        blockers.append(Blocker("", "dpia.validation.review_before_decision", {}))
    return blockers


def cnil_validation_met(*, evaluations: dict[str, str | None], measure_evaluations: Sequence[str | None],
                        risk_evaluations: Sequence[tuple[str | None, int | None, int | None]]) -> bool:
    """The CNIL PIA software's own condition for validating a PIA (LINCnil/pia,
    `GlobalEvaluationService`: every evaluation started and completed — status above
    "to be fixed" — before the validation page opens): every context and principle
    evaluation, each measure's (3.1.<id>) and each risk's (3.2-3.4) is acceptable or
    improvable. The software asks for the residual gauges (severity, likelihood once the
    action plan is in place) only when a risk is evaluated "improvable"
    (`evaluations.component.html`: the gauges show for `evaluation.status === 2`), so
    only those risks need them here."""
    done = (Evaluation.ACCEPTABLE, Evaluation.IMPROVABLE)
    if any(evaluations.get(ref) not in done for ref in EVALUATION_REFERENCES):
        return False
    if any(status not in done for status in measure_evaluations):
        return False
    for status, severity_after, likelihood_after in risk_evaluations:
        if status not in done:
            return False
        if status == Evaluation.IMPROVABLE and not levels_complete(severity_after, likelihood_after):
            return False
    return True
