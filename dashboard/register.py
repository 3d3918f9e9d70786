"""The record of processing activities (GDPR Art. 30): use cases.

Who does what:
- department heads see, create and edit the entries of their own departments;
- legal counsel reads and edits every entry, and records yearly reviews;
- auditors read every entry and change nothing;
- the DPO, keeper of the register (the insurer's policy), does all that and is the
  only one who validates.

Status after an edit: an entry is a draft until the DPO validates it. When anyone
but the DPO changes a validated entry, it goes back to draft and waits for the DPO's
validation again (the change is the department's or legal's proposal). When the DPO
changes a validated entry it stays validated, the DPO being recorded as having
validated the new content — unless the change leaves the entry incomplete, in which
case it goes back to draft too. Every change is an audit entry with the fields
before and after; nothing is deleted.

The yearly review (the insurer's policy: "Chaque année, Médicis procède à une revue
des données") runs from the last review; the DPO's validation counts as one. The
next review date is a stored, indexed column, recomputed here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field as PydanticField, ValidationError
from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from dashboard import audit, i18n
from dashboard.actor import Actor
from dashboard import concurrency
from dashboard import register_consistency
from dashboard.links import LinkedCase, cases_linked_to_activity
from dashboard.permissions import deny, department_filter, require, require_entity, require_writer
from dashboard.references import next_reference
from dashboard.validation import FieldProblem, InvalidInput, from_pydantic, problem, validate
from models import input_limits
from models.clock import paris_today
from models.errors import RuleViolation
from models.org import Department, Entity, User
from models.processing import ACTIVITY_PREFIX, ProcessingActivity
from models.register import (CHILDREN, SCALAR_FIELDS, ActivityContent, RegisterEntry, RegisterReview,
                             next_review_on, validation_gaps)
from models.register_consistency import (Contradiction, DerivedTransfer, ProcessorFacts, derived_recipients,
                                         derived_transfers)
from models.roles import Capability, Role
from models.types import utcnow

OBJECT_TYPE = "processing_activity"
DUE_SOON_DAYS = 30


# ------------------------------------------------------------------ permissions


def _deny(session: Session, actor: Actor, action: str, activity_id: int | None = None, ref: str = ""):
    deny(session, actor, action=action, object_type=OBJECT_TYPE, object_id=activity_id, object_ref=ref)


def _visible(session: Session, actor: Actor, activity_id: int, action: str) -> ProcessingActivity:
    """The entry, if the actor may see it; NotAllowed whether it is hidden or absent."""
    activity = session.get(ProcessingActivity, activity_id)
    if activity is None or not actor.covers_department(activity.department_id, activity.entity_id):
        _deny(session, actor, action, activity_id)
    return activity


def may_edit(actor: Actor, department_id: int) -> bool:
    if actor.is_read_only:
        return False
    if actor.can(Capability.WORK_ALL_CASES):
        return True
    return actor.can(Capability.WORK_DEPARTMENT_CASES) and department_id in actor.department_ids


def _require_editor(session: Session, actor: Actor, department_id: int, action: str,
                    activity: ProcessingActivity | None = None) -> None:
    target = {"activity_id": activity.id, "ref": activity.reference} if activity else {}
    require_writer(session, actor, action=action, object_type=OBJECT_TYPE, object_id=target.get("activity_id"),
                   object_ref=target.get("ref", ""))
    if not may_edit(actor, department_id):
        _deny(session, actor, action, **target)


def _check_version(activity: ProcessingActivity, expected_version: int | None) -> None:
    concurrency.check(activity, expected_version, object_type=OBJECT_TYPE, object_id=activity.id, area="register")


# ------------------------------------------------------------------ content


def _load_contents(session: Session, activities: list[ProcessingActivity]) -> dict[int, ActivityContent]:
    """The content of many entries in one query per list (the register export)."""
    items: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    ids = [a.id for a in activities]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for name, (table, model) in CHILDREN.items():
            rows = session.exec(select(table).where(table.activity_id.in_(chunk))
                                .order_by(table.activity_id, table.position, table.id))
            for row in rows:
                items[row.activity_id][name].append(
                    model.model_construct(**{f: getattr(row, f) for f in model.model_fields}))
    return {a.id: ActivityContent.model_construct(
        **{f: getattr(a, f) for f in SCALAR_FIELDS},
        **{name: tuple(items[a.id][name]) for name in CHILDREN}) for a in activities}


def load_content(session: Session, activity: ProcessingActivity) -> ActivityContent:
    return _load_contents(session, [activity])[activity.id]


def _write_content(session: Session, activity: ProcessingActivity, content: ActivityContent) -> None:
    for name in SCALAR_FIELDS:
        setattr(activity, name, getattr(content, name))
    activity.updated_at = utcnow()
    session.add(activity)
    session.flush()
    for name, (table, _) in CHILDREN.items():
        session.execute(delete(table).where(table.activity_id == activity.id))
        for position, item in enumerate(getattr(content, name)):
            session.add(table(activity_id=activity.id, position=position, **item.model_dump()))
    session.flush()


def content_problems(error: ValidationError) -> list[FieldProblem]:
    """Pydantic's errors on a content, by field ("purposes", "department"...) with the
    1-based item number as the "item" parameter when the problem is in a list."""
    problems = []
    for item, found in zip(error.errors(), from_pydantic(error).problems):
        location = item["loc"]
        name = str(location[0]) if location else ""
        params = dict(found.params)
        if len(location) > 1 and isinstance(location[1], int):
            params["item"] = location[1] + 1
        problems.append(FieldProblem("department" if name == "department_id" else name, found.key, params))
    return problems


def validate_content(data: dict | ActivityContent) -> ActivityContent:
    if isinstance(data, ActivityContent):
        return data
    try:
        content = ActivityContent.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(content_problems(error)) from None
    found = content_limit_problems(content)
    if found:
        raise InvalidInput(found)
    return content


def content_limit_problems(content: ActivityContent) -> list[FieldProblem]:
    """`models.input_limits` on a content, located like `content_problems`."""
    return [FieldProblem("department" if location[0] == "department_id" else str(location[0]), key,
                         {**params, **({"item": location[1] + 1} if len(location) > 1 and isinstance(location[1], int)
                                       else {})})
            for location, key, params in input_limits.problems(content)]


def describe_problem(tr: i18n.Translator, found: FieldProblem) -> str:
    """One problem in the user's language, e.g. "Purposes — item 2 : every purpose needs its legal basis."."""
    label = tr(f"register.col.{found.field}") if i18n.has_key(f"register.col.{found.field}") else found.field
    if "item" in found.params:
        label = f"{label} — {tr('register.item_n', n=found.params['item'])}"
    message = tr(found.key, **found.params)
    return f"{label} : {message}" if label else message


def snapshot(content: ActivityContent) -> dict:
    return content.model_dump(mode="json")


def _department(session: Session, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None or not department.active:
        raise problem("department_id", "validation.unknown_department")
    return department


def _entity(session: Session, entity_id: int) -> Entity:
    entity = session.get(Entity, entity_id)
    if entity is None or not entity.active:
        raise problem("entity_id", "validation.unknown_entity")
    return entity


# ------------------------------------------------------------------ changes


def _mark_validated(activity: ProcessingActivity, actor: Actor) -> None:
    activity.status = "validated"
    activity.validated_by_id = actor.user_id
    activity.validated_at = utcnow()


def _back_to_draft(activity: ProcessingActivity) -> None:
    activity.status = "draft"
    activity.validated_by_id = None
    activity.validated_at = None


def _reviewed(session: Session, activity: ProcessingActivity, day: date) -> None:
    """The entry was reviewed on `day`: the next yearly review is recomputed."""
    activity.last_reviewed_on = day
    activity.next_review_on = next_review_on(day)
    activity.updated_at = utcnow()
    session.add(activity)
    session.flush()


def create_activity(session: Session, actor: Actor, entity_id: int, data: dict | ActivityContent,
                    *, source_reference: str = "") -> ProcessingActivity:
    """A new entry, as a draft for the DPO to validate."""
    content = validate_content(data)
    _require_editor(session, actor, content.department_id, "register.create")
    require_entity(session, actor, entity_id, action="register.create", object_type="entity", object_id=entity_id)
    _entity(session, entity_id)
    _department(session, content.department_id)
    activity = ProcessingActivity(reference=next_reference(session, ACTIVITY_PREFIX), entity_id=entity_id,
                                  name=content.name, department_id=content.department_id, status="draft",
                                  owner_id=actor.user_id, source_reference=source_reference[:64])
    session.add(activity)
    session.flush()
    _write_content(session, activity, content)
    audit.record(session, actor, "register.create", object_type=OBJECT_TYPE, object_id=activity.id,
                 object_ref=activity.reference, entity_id=entity_id,
                 details={"changes": audit.diff({}, snapshot(content)), "source_reference": source_reference})
    return activity


def status_after_change(session: Session, actor: Actor, activity: ProcessingActivity,
                        content: ActivityContent) -> str:
    """The status a change of content leaves the entry in: a validated entry stays
    validated (in the DPO's name) only when the DPO changes it, it stays complete and it
    contradicts none of its processors' files."""
    entity = session.get(Entity, activity.entity_id)
    if activity.status == "validated" and actor.role == Role.DPO and not validation_gaps(
            content, forbids_non_eu_transfers=entity.forbids_non_eu_transfers) and not \
            register_consistency.activity_contradictions(session, activity.id, content):
        return "validated"
    return "draft"


def update_activity(session: Session, actor: Actor, activity_id: int, expected_version: int | None,
                    data: dict | ActivityContent, *, action: str = "register.update") -> ProcessingActivity:
    """Save the entry's new content (see the module docstring for its status)."""
    activity = _visible(session, actor, activity_id, action)
    _require_editor(session, actor, activity.department_id, action, activity)
    content = validate_content(data)
    if content.department_id != activity.department_id:
        _require_editor(session, actor, content.department_id, action, activity)
        _department(session, content.department_id)
    _check_version(activity, expected_version)
    before = load_content(session, activity)
    if before == content:
        return activity
    status_before = activity.status
    if status_after_change(session, actor, activity, content) == "validated":
        _mark_validated(activity, actor)
    else:
        _back_to_draft(activity)
    _write_content(session, activity, content)
    audit.record(session, actor, action, object_type=OBJECT_TYPE, object_id=activity.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"changes": audit.diff(snapshot(before), snapshot(content)),
                          "status": [status_before, activity.status]})
    return activity


def validate_activity(session: Session, actor: Actor, activity_id: int, expected_version: int | None) -> ProcessingActivity:
    """The DPO validates a complete draft; the validation counts as a review."""
    activity = _visible(session, actor, activity_id, "register.validate")
    require_writer(session, actor, action="register.validate", object_type=OBJECT_TYPE, object_id=activity_id)
    if actor.role != Role.DPO:
        _deny(session, actor, "register.validate", activity.id, activity.reference)
    _check_version(activity, expected_version)
    if activity.status == "validated":
        raise RuleViolation("register.already_validated")
    entity = session.get(Entity, activity.entity_id)
    content = load_content(session, activity)
    gaps = validation_gaps(content, forbids_non_eu_transfers=entity.forbids_non_eu_transfers)
    contradicted = register_consistency.activity_contradictions(session, activity.id, content)
    if gaps or contradicted:  # the register and the processors' files must say the same (issue 18)
        raise InvalidInput([FieldProblem("", key) for key in gaps]
                           + register_consistency.as_problems(contradicted, actor.language))
    _mark_validated(activity, actor)
    activity.review_notice = None
    _reviewed(session, activity, paris_today())
    audit.record(session, actor, "register.validate", object_type=OBJECT_TYPE, object_id=activity.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"next_review_on": activity.next_review_on})
    return activity


class ReviewData(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    changes: str = PydanticField(min_length=3, max_length=4000)


def record_review(session: Session, actor: Actor, activity_id: int, expected_version: int | None,
                  changes: str) -> RegisterReview:
    """The yearly review: who, when, what changed (or "no change"); the next one is
    due a year later."""
    activity = _visible(session, actor, activity_id, "register.review")
    require(session, actor, Capability.WORK_ALL_CASES, action="register.review", object_type=OBJECT_TYPE,
            object_id=activity_id, object_ref=activity.reference)
    data = validate(ReviewData, {"changes": changes})
    _check_version(activity, expected_version)
    review = RegisterReview(activity_id=activity.id, reviewed_on=paris_today(), reviewer_id=actor.user_id,
                            reviewer_name=actor.full_name, changes=data.changes)
    session.add(review)
    _reviewed(session, activity, review.reviewed_on)
    audit.record(session, actor, "register.review", object_type=OBJECT_TYPE, object_id=activity.id,
                 object_ref=activity.reference, entity_id=activity.entity_id,
                 details={"changes": data.changes, "next_review_on": activity.next_review_on})
    return review


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class RegisterFilter:
    entity_id: int | None = None
    department_id: int | None = None
    status: str | None = None  # "draft" / "validated"
    text: str = ""  # reference or name, case-insensitive
    review_due: bool = False  # review overdue or due within DUE_SOON_DAYS


@dataclass(frozen=True)
class ActivityRow:
    id: int
    reference: str
    name: str
    entity_name: str
    department_name: str
    status: str
    next_review_on: date | None
    updated_at: datetime

    def review_state(self, today: date) -> str:
        """"late", "soon" or "" (catalogue suffix)."""
        if self.next_review_on is None:
            return ""
        if self.next_review_on < today:
            return "late"
        return "soon" if self.next_review_on <= today + timedelta(days=DUE_SOON_DAYS) else ""


@dataclass(frozen=True)
class RegisterPage:
    rows: list[ActivityRow]
    total: int


def _conditions(actor: Actor, flt: RegisterFilter) -> list:
    conditions = [department_filter(actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)]
    if flt.entity_id:
        conditions.append(ProcessingActivity.entity_id == flt.entity_id)
    if flt.department_id:
        conditions.append(ProcessingActivity.department_id == flt.department_id)
    if flt.status:
        conditions.append(ProcessingActivity.status == flt.status)
    if flt.text.strip():
        pattern = f"%{flt.text.strip().lower()}%"
        conditions.append(or_(func.lower(ProcessingActivity.name).like(pattern),
                              func.lower(ProcessingActivity.reference).like(pattern)))
    if flt.review_due:
        conditions.append(ProcessingActivity.next_review_on <= paris_today() + timedelta(days=DUE_SOON_DAYS))
    return conditions


def list_activities(session: Session, actor: Actor, flt: RegisterFilter = RegisterFilter(), page: int = 1,
                    page_size: int = 25) -> RegisterPage:
    conditions = _conditions(actor, flt)
    total = session.exec(select(func.count()).select_from(ProcessingActivity).where(*conditions)).one()
    order = ((ProcessingActivity.next_review_on, ProcessingActivity.reference) if flt.review_due
             else (ProcessingActivity.reference,))
    rows = session.exec(
        select(ProcessingActivity, Entity.name, Department.name)
        .join(Entity, Entity.id == ProcessingActivity.entity_id)
        .join(Department, Department.id == ProcessingActivity.department_id)
        .where(*conditions).order_by(*order).offset((max(1, page) - 1) * page_size).limit(page_size))
    return RegisterPage([ActivityRow(a.id, a.reference, a.name, entity_name, department_name, a.status,
                                     a.next_review_on, a.updated_at)
                         for a, entity_name, department_name in rows], total)


def count_reviews_due(session: Session, actor: Actor) -> int:
    conditions = _conditions(actor, RegisterFilter(review_due=True))
    return session.exec(select(func.count()).select_from(ProcessingActivity).where(*conditions)).one()


@dataclass(frozen=True)
class ActivityView:
    activity: ProcessingActivity
    content: ActivityContent
    entity: Entity
    department_name: str
    validated_by: str
    reviews: list[RegisterReview]
    gaps: list[str]
    linked: list[LinkedCase]
    can_edit: bool
    can_validate: bool
    can_review: bool
    editable_department_ids: frozenset[int] = field(default_factory=frozenset)
    # what the linked processors' files say (issue 18): the recipients and transfers that
    # follow from them, and where the entry contradicts them (blocks the validation)
    processors: list[ProcessorFacts] = field(default_factory=list)
    derived_recipients: list[str] = field(default_factory=list)
    derived_transfers: list[DerivedTransfer] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)


def _user_names(session: Session, ids) -> dict[int, str]:
    ids = sorted({i for i in ids if i})
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def get_activity(session: Session, actor: Actor, activity_id: int) -> ActivityView:
    activity = _visible(session, actor, activity_id, "register.view")
    content = load_content(session, activity)
    entity = session.get(Entity, activity.entity_id)
    reviews = list(session.exec(select(RegisterReview).where(RegisterReview.activity_id == activity.id)
                                .order_by(RegisterReview.reviewed_at.desc())))
    editable = frozenset(d.id for d in session.exec(select(Department).where(Department.active))
                         if may_edit(actor, d.id))
    processors = register_consistency.facts_for_activities(session, [activity.id])[activity.id]
    contradicted = register_consistency.contradictions(content.recipients, content.transfers, processors)
    return ActivityView(
        activity=activity, content=content, entity=entity,
        department_name=session.get(Department, activity.department_id).name,
        validated_by=_user_names(session, [activity.validated_by_id]).get(activity.validated_by_id, ""),
        reviews=reviews,
        gaps=validation_gaps(content, forbids_non_eu_transfers=entity.forbids_non_eu_transfers),
        linked=cases_linked_to_activity(session, actor, activity.id),
        can_edit=may_edit(actor, activity.department_id),
        can_validate=actor.role == Role.DPO and activity.status == "draft",
        can_review=actor.can(Capability.WORK_ALL_CASES),
        editable_department_ids=editable,
        processors=processors, derived_recipients=derived_recipients(processors),
        derived_transfers=derived_transfers(processors), contradictions=contradicted,
    )


def register_entries(session: Session, actor: Actor, entity_id: int | None = None,
                     include_drafts: bool = True) -> list[RegisterEntry]:
    """The entries the actor may see, with their content: what the exports print."""
    conditions = _conditions(actor, RegisterFilter(entity_id=entity_id))
    if not include_drafts:
        conditions.append(ProcessingActivity.status == "validated")
    activities = list(session.exec(select(ProcessingActivity).where(*conditions)
                                   .order_by(ProcessingActivity.entity_id, ProcessingActivity.reference)))
    contents = _load_contents(session, activities)
    entities = {e.id: e for e in session.exec(select(Entity))}
    departments = {d.id: d for d in session.exec(select(Department))}
    names = _user_names(session, [a.validated_by_id for a in activities])
    return [RegisterEntry(
        reference=a.reference, entity_code=entities[a.entity_id].code, entity_name=entities[a.entity_id].name,
        department_code=departments[a.department_id].code, department_name=departments[a.department_id].name,
        status=a.status, content=contents[a.id], validated_by=names.get(a.validated_by_id, ""),
        validated_at=a.validated_at, last_reviewed_on=a.last_reviewed_on, next_review_on=a.next_review_on,
        source_reference=a.source_reference, version=a.version) for a in activities]


def linked_cases(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    activity = _visible(session, actor, activity_id, "register.view")
    return cases_linked_to_activity(session, actor, activity.id)

