"""Opening, listing, reading and closing DPIAs."""

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, or_
from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.dpia.common import OBJECT_TYPE, check, check_version, fetch_activity, fetch_dpia
from dashboard.dpia.prefill import prefill_context
from dashboard.dpia.screening import latest_screening
from dashboard.dpia.views import dpia_view
from dashboard.permissions import department_filter
from dashboard.register import load_content
from dashboard.references import next_reference
from models.clock import paris_today
from models.dpia import DPIA_PREFIX, Dpia, DpiaMeasure, DpiaRisk
from models.dpia_rules import OPEN_ACTION_STATUSES, STANDARD_RISKS, DpiaStatus, check_transition
from models.dpia_snapshot import DpiaView
from models.org import Entity
from models.processing import ProcessingActivity
from models.types import utcnow


class DpiaCreate(BaseModel):
    activity_id: int
    title: str = Field(max_length=300)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 3:
            raise PydanticCustomError("dpia.error.title_required", "a title of 3 characters at least")
        return value


def new_dpia(session: Session, actor: Actor, activity: ProcessingActivity, title: str, *,
             standard_risks: bool = True) -> Dpia:
    """A DPIA row for the activity, linked to its latest screening, with the method's
    three feared events ready to assess."""
    screening = latest_screening(session, activity.id)
    dpia = Dpia(reference=next_reference(session, DPIA_PREFIX), entity_id=activity.entity_id,
                status=DpiaStatus.DRAFT, owner_id=actor.user_id, activity_id=activity.id,
                screening_id=screening.id if screening else None, title=title, author_name=actor.full_name)
    session.add(dpia)
    session.flush()
    if standard_risks:
        for risk in STANDARD_RISKS:
            session.add(DpiaRisk(dpia_id=dpia.id, kind=risk.kind))
        session.flush()
    return dpia


def create_dpia(session: Session, actor: Actor, data: dict | DpiaCreate) -> DpiaView:
    data = check(DpiaCreate, data)
    activity = fetch_activity(session, actor, data.activity_id, action="dpia.create", write=True)
    dpia = new_dpia(session, actor, activity, data.title)
    # The context starts from the register entry (1.1 overview, 1.2 data): a draft to edit.
    prefilled = prefill_context(session, dpia, activity.name, load_content(session, activity), actor.language)
    audit.record(session, actor, "dpia.create", object_type=OBJECT_TYPE, object_id=dpia.id,
                 object_ref=dpia.reference, entity_id=dpia.entity_id,
                 details={"activity": activity.reference, "title": dpia.title,
                          "prefilled_from_register": prefilled})
    return dpia_view(session, actor, dpia, activity)


def get_dpia(session: Session, actor: Actor, dpia_id: int) -> DpiaView:
    dpia, activity = fetch_dpia(session, actor, dpia_id, action="dpia.view")
    return dpia_view(session, actor, dpia, activity)


@dataclass(frozen=True)
class DpiaFilter:
    text: str = ""  # reference, title or activity name
    status: str = ""
    entity_id: int | None = None
    activity_id: int | None = None
    overdue_only: bool = False


@dataclass(frozen=True)
class DpiaRow:
    id: int
    reference: str
    title: str
    status: str
    activity_id: int
    activity_reference: str
    activity_name: str
    entity_name: str
    review_date: date | None
    prior_consultation: bool
    overdue_actions: int
    updated_at: datetime


@dataclass(frozen=True)
class DpiaPage:
    rows: list[DpiaRow]
    total: int


def _overdue_count(today: date):
    return (select(func.count(DpiaMeasure.id))
            .where(DpiaMeasure.dpia_id == Dpia.id, DpiaMeasure.status.in_(sorted(OPEN_ACTION_STATUSES)),
                   DpiaMeasure.due_date < today)
            .correlate(Dpia).scalar_subquery())


def _listing(actor: Actor, flt: DpiaFilter):
    overdue = _overdue_count(paris_today())
    conditions = [department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)]
    if flt.text.strip():
        pattern = f"%{flt.text.strip().lower()}%"
        conditions.append(or_(func.lower(Dpia.reference).like(pattern), func.lower(Dpia.title).like(pattern),
                              func.lower(ProcessingActivity.name).like(pattern)))
    if flt.status:
        conditions.append(Dpia.status == flt.status)
    if flt.entity_id:
        conditions.append(Dpia.entity_id == flt.entity_id)
    if flt.activity_id:
        conditions.append(Dpia.activity_id == flt.activity_id)
    if flt.overdue_only:
        conditions.append(overdue > 0)
    return (select(Dpia, ProcessingActivity, Entity, overdue.label("overdue"))
            .join(ProcessingActivity, ProcessingActivity.id == Dpia.activity_id)
            .join(Entity, Entity.id == Dpia.entity_id)
            .where(*conditions))


def count_dpias(session: Session, actor: Actor, flt: DpiaFilter = DpiaFilter()) -> int:
    return session.exec(select(func.count()).select_from(_listing(actor, flt).subquery())).one()


def list_dpias(session: Session, actor: Actor, flt: DpiaFilter = DpiaFilter(), page: int = 1,
               page_size: int = 25) -> DpiaPage:
    """DPIAs the actor may see (department heads: their departments' activities),
    filtered and paginated in SQL."""
    total = count_dpias(session, actor, flt)
    page = max(1, page)
    rows = session.exec(_listing(actor, flt).order_by(Dpia.updated_at.desc(), Dpia.id.desc())
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return DpiaPage([DpiaRow(d.id, d.reference, d.title, d.status, a.id, a.reference, a.name, e.name,
                             d.review_date, d.prior_consultation, n or 0, d.updated_at)
                     for d, a, e, n in rows], total)


def change_status(session: Session, actor: Actor, dpia_id: int, version: int, target: str) -> DpiaView:
    """Reopen a validated or refused DPIA for rework or review, or archive one.
    Validation and refusal are the controller's decision (dashboard.dpia.decision)."""
    if target not in (DpiaStatus.IN_PROGRESS, DpiaStatus.ARCHIVED):
        raise ValueError(target)
    action = "dpia.reopen" if target == DpiaStatus.IN_PROGRESS else "dpia.archive"
    dpia, activity = fetch_dpia(session, actor, dpia_id, action=action, write=True)
    check_version(dpia, version)
    check_transition(dpia.status, target)
    before = dpia.status
    dpia.status = target
    dpia.updated_at = utcnow()
    session.add(dpia)
    session.flush()
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=dpia.id, object_ref=dpia.reference,
                 entity_id=dpia.entity_id, details={"status": [before, target]})
    return dpia_view(session, actor, dpia, activity)
