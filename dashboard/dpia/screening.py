"""Screening a processing activity: is a DPIA required?"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, or_
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.dpia.common import check, fetch_activity
from dashboard.dpia.views import screening_view
from dashboard.permissions import department_filter
from dashboard.register import load_content
from models.dpia import Dpia, DpiaScreening
from models.dpia_screening import CNIL_EXEMPT_LIST, CNIL_LIST, WP248_CRITERIA, screening_result
from models.dpia_suggestions import Suggestion, confirmation, facts_from_content, observations, suggest_criteria
from models.dpia_snapshot import ScreeningView
from models.org import Entity
from models.processing import ProcessingActivity


class ScreeningInput(BaseModel):
    criteria: list[str] = []
    cnil_types: list[str] = []
    cnil_exempt_types: list[str] = []  # délibération n° 2019-118
    justification: str = Field(default="", max_length=4000)

    @field_validator("criteria")
    @classmethod
    def _known_criteria(cls, value: list[str]) -> list[str]:
        if set(value) - set(WP248_CRITERIA):
            raise PydanticCustomError("dpia.screening.unknown_code", "unknown criterion")
        return sorted(set(value), key=WP248_CRITERIA.index)

    @field_validator("cnil_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        if set(value) - set(CNIL_LIST):
            raise PydanticCustomError("dpia.screening.unknown_code", "unknown processing type")
        return sorted(set(value), key=CNIL_LIST.index)

    @field_validator("cnil_exempt_types")
    @classmethod
    def _known_exempt_types(cls, value: list[str]) -> list[str]:
        if set(value) - set(CNIL_EXEMPT_LIST):
            raise PydanticCustomError("dpia.screening.unknown_code", "unknown processing type")
        return sorted(set(value), key=CNIL_EXEMPT_LIST.index)

    @model_validator(mode="after")
    def _reasoned_when_not_required(self):
        self.justification = self.justification.strip()
        result = screening_result(self.criteria, self.cnil_types, self.cnil_exempt_types)
        if result.needs_justification and len(self.justification) < 10:
            raise PydanticCustomError("dpia.screening.justification_required",
                                      "say why no DPIA is needed (10 characters at least)")
        return self


@dataclass(frozen=True)
class EntrySuggestions:
    """What the register entry suggests for its screening: WP248 criteria to confirm,
    and observations that are no criterion (transfers outside the EEA)."""

    criteria: tuple[Suggestion, ...]
    observations: tuple[Suggestion, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.criterion for s in self.criteria)


def _entry_suggestions(session: Session, activity: ProcessingActivity) -> EntrySuggestions:
    facts = facts_from_content(load_content(session, activity))
    return EntrySuggestions(tuple(suggest_criteria(facts)), tuple(observations(facts)))


def suggestions_for_activity(session: Session, actor: Actor, activity_id: int) -> EntrySuggestions:
    """The criteria that the register entry suggests, each with its reason."""
    activity = fetch_activity(session, actor, activity_id, action="dpia.suggestions")
    return _entry_suggestions(session, activity)


def screen_activity(session: Session, actor: Actor, activity_id: int, data: dict | ScreeningInput) -> ScreeningView:
    """Record a screening. The entry's suggestions are computed again here, from the entry
    as saved, and stored beside the criteria the DPO confirmed: the audit entry says which
    suggestions were confirmed, which rejected, and which criteria the DPO added."""
    activity = fetch_activity(session, actor, activity_id, action="dpia.screen", write=True)
    data = check(ScreeningInput, data)
    result = screening_result(data.criteria, data.cnil_types, data.cnil_exempt_types)
    suggested = _entry_suggestions(session, activity)
    row = DpiaScreening(activity_id=activity.id, criteria=data.criteria, cnil_types=data.cnil_types,
                        cnil_exempt_types=data.cnil_exempt_types,
                        suggestions=[s.as_dict() for s in suggested.criteria],
                        outcome=result.outcome, justification=data.justification,
                        screened_by_id=actor.user_id, screened_by_name=actor.full_name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "dpia.screen", object_type="processing_activity", object_id=activity.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"outcome": result.outcome, "reason": result.reason_key, "criteria": data.criteria,
                          "cnil_types": data.cnil_types, "cnil_exempt_types": data.cnil_exempt_types,
                          "justification": data.justification, "suggested": list(suggested.codes),
                          **confirmation(suggested.codes, data.criteria)})
    return screening_view(row)


def screenings_of_activity(session: Session, actor: Actor, activity_id: int) -> list[ScreeningView]:
    """Every screening of the activity, latest first."""
    activity = fetch_activity(session, actor, activity_id, action="dpia.screenings")
    rows = session.exec(select(DpiaScreening).where(DpiaScreening.activity_id == activity.id)
                        .order_by(DpiaScreening.id.desc())).all()
    return [screening_view(r) for r in rows]


def latest_screening(session: Session, activity_id: int) -> DpiaScreening | None:
    return session.exec(select(DpiaScreening).where(DpiaScreening.activity_id == activity_id)
                        .order_by(DpiaScreening.id.desc()).limit(1)).first()


@dataclass(frozen=True)
class ActivityScreeningRow:
    activity_id: int
    activity_reference: str
    activity_name: str
    entity_name: str
    outcome: str | None  # latest screening, None when never screened
    screened_at: datetime | None
    dpia_id: int | None  # latest DPIA
    dpia_reference: str | None
    dpia_status: str | None


@dataclass(frozen=True)
class ActivityScreeningPage:
    rows: list[ActivityScreeningRow]
    total: int


def _overview(actor: Actor, text: str, outcome: str):
    last_screening = (select(DpiaScreening.activity_id, func.max(DpiaScreening.id).label("sid"))
                      .group_by(DpiaScreening.activity_id).subquery())
    last_dpia = select(Dpia.activity_id, func.max(Dpia.id).label("did")).group_by(Dpia.activity_id).subquery()
    conditions = [department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)]
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        conditions.append(or_(func.lower(ProcessingActivity.name).like(pattern),
                              func.lower(ProcessingActivity.reference).like(pattern)))
    if outcome == "none":
        conditions.append(DpiaScreening.id.is_(None))
    elif outcome:
        conditions.append(DpiaScreening.outcome == outcome)
    return (select(ProcessingActivity, Entity, DpiaScreening, Dpia)
            .join(Entity, Entity.id == ProcessingActivity.entity_id)
            .outerjoin(last_screening, last_screening.c.activity_id == ProcessingActivity.id)
            .outerjoin(DpiaScreening, DpiaScreening.id == last_screening.c.sid)
            .outerjoin(last_dpia, last_dpia.c.activity_id == ProcessingActivity.id)
            .outerjoin(Dpia, Dpia.id == last_dpia.c.did)
            .where(*conditions))


def count_overview(session: Session, actor: Actor, text: str = "", outcome: str = "") -> int:
    return session.exec(select(func.count()).select_from(_overview(actor, text, outcome).subquery())).one()


def screening_overview(session: Session, actor: Actor, text: str = "", outcome: str = "", page: int = 1,
                       page_size: int = 25) -> ActivityScreeningPage:
    """The activities the actor may see, each with its latest screening and DPIA.
    `outcome`: "" for all, "none" for never screened, else a ScreeningOutcome."""
    total = count_overview(session, actor, text, outcome)
    page = max(1, page)
    rows = session.exec(_overview(actor, text, outcome).order_by(ProcessingActivity.reference)
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return ActivityScreeningPage(
        [ActivityScreeningRow(a.id, a.reference, a.name, e.name, s.outcome if s else None,
                              s.screened_at if s else None, d.id if d else None, d.reference if d else None,
                              d.status if d else None) for a, e, s, d in rows], total)
