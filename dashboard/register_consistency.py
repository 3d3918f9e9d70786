"""The register and the processor register as one source of truth (issue 18).

Reads what the processors' files say about the entries they serve (models.register_consistency
holds the rule), writes the contradictions in the reader's language, and sends a validated
entry back to review when a processor change affects it — inside the processor use case's own
transaction, with an audit entry, a notice kept on the entry and a mail to the DPO.
"""

from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.i18n import translate
from dashboard.validation import FieldProblem
from models import mail
from models.org import User
from models.processing import ProcessingActivity
from models.processor import Processor, ProcessorActivity, ProcessorLocation, SubProcessor
from models.processor_transfers import country_name
from models.register_consistency import (LIVE_SUBPROCESSOR, Contradiction, Place, ProcessorFacts, contradictions,
                                         places_changed)
from models.roles import Role
from models.types import utcnow

OBJECT_TYPE = "processing_activity"
BACK_TO_REVIEW = "register.back_to_review"  # audit action
FROM_PROCESSORS = "register.from_processors"  # audit action: the entry completed from its processors' files


def places_of(session: Session, processor_ids: list[int]) -> dict[int, tuple[Place, ...]]:
    """Each processor's places: its own locations and its live sub-processors' countries."""
    found: dict[int, list[Place]] = {pid: [] for pid in processor_ids}
    if not processor_ids:
        return {}
    for loc in session.exec(select(ProcessorLocation).where(ProcessorLocation.processor_id.in_(processor_ids))
                            .order_by(ProcessorLocation.processor_id, ProcessorLocation.country_code)):
        found[loc.processor_id].append(Place(loc.country_code.upper(), loc.transfer_tool or "",
                                             detail=_tool_detail(loc.transfer_tool, loc.scc_module, loc.derogation,
                                                                 loc.note)))
    for sub in session.exec(select(SubProcessor).where(SubProcessor.processor_id.in_(processor_ids),
                                                       SubProcessor.status.in_(LIVE_SUBPROCESSOR))
                            .order_by(SubProcessor.processor_id, SubProcessor.id)):
        found[sub.processor_id].append(Place(sub.country_code.upper(), sub.transfer_tool or "", sub.name,
                                             _tool_detail(sub.transfer_tool, sub.scc_module, sub.derogation,
                                                          sub.transfer_note)))
    return {pid: tuple(places) for pid, places in found.items()}


def _tool_detail(tool: str, scc_module, derogation: str, note: str) -> str:
    """The transfer tool as the processor's file documents it, in the register's words
    (the register's content is kept in French, the organisation's language)."""
    parts = []
    if tool == "scc" and scc_module:
        parts.append(f"Clauses contractuelles types 2021/914, module {scc_module}")
    if tool == "derogation" and derogation:
        parts.append("Art. 49(1), second alinéa" if derogation == "compelling" else f"Art. 49(1)({derogation})")
    if note:
        parts.append(note.strip())
    return " ; ".join(parts)


def facts_for_activities(session: Session, activity_ids: list[int]) -> dict[int, list[ProcessorFacts]]:
    """activity id -> the facts of the processors linked to it (by legal name)."""
    result: dict[int, list[ProcessorFacts]] = {aid: [] for aid in activity_ids}
    if not activity_ids:
        return result
    links = session.exec(select(ProcessorActivity.activity_id, Processor)
                         .join(Processor, Processor.id == ProcessorActivity.processor_id)
                         .where(ProcessorActivity.activity_id.in_(activity_ids))
                         .order_by(Processor.legal_name, Processor.id)).all()
    places = places_of(session, sorted({p.id for _, p in links}))
    for activity_id, processor in links:
        result[activity_id].append(ProcessorFacts(processor.id, processor.reference, processor.legal_name,
                                                  processor.status, places.get(processor.id, ())))
    return result


def activity_contradictions(session: Session, activity_id: int, content) -> list[Contradiction]:
    facts = facts_for_activities(session, [activity_id])[activity_id]
    return contradictions(content.recipients, content.transfers, facts)


def params_for(found: Contradiction, language: str) -> dict[str, str]:
    """The message's parameters in `language`: the country by its name, safeguards by their labels."""
    values = found.values
    params = {"processor": values.get("processor", "")}
    if values.get("country"):
        where = f"{country_name(values['country'], language)} ({values['country']})"
        if values.get("via"):
            where = translate("register.contradiction.via", language, where=where, name=values["via"])
        params["country"] = where
    for side in ("file_says", "entry_says"):
        if values.get(side):
            params[side] = translate(f"register.safeguard.{values[side]}", language)
    return params


def describe(found: Contradiction, language: str) -> str:
    """A contradiction in the reader's language, naming both sides."""
    return translate(found.key, language, **params_for(found, language))


def as_problems(found: list[Contradiction], language: str) -> list[FieldProblem]:
    """Contradictions as the problems a refused validation lists."""
    return [FieldProblem("", c.key, params_for(c, language)) for c in found]


def processor_contradictions(session: Session, processor_id: int,
                             activity_ids: list[int]) -> dict[int, list[Contradiction]]:
    """For the processor's file: activity id -> the contradictions between that entry and
    this processor's file (entries without one are left out)."""
    from dashboard.register import _load_contents  # dashboard.register reads this module

    activities = list(session.exec(select(ProcessingActivity).where(ProcessingActivity.id.in_(activity_ids))))
    contents = _load_contents(session, activities) if activities else {}
    facts = facts_for_activities(session, [a.id for a in activities])
    found = {}
    for activity in activities:
        mine = [c for c in contradictions(contents[activity.id].recipients, contents[activity.id].transfers,
                                          facts[activity.id]) if c.processor_id == processor_id]
        if mine:
            found[activity.id] = mine
    return found


def take_from_processors(session: Session, actor: Actor, activity_id: int, expected_version: int | None):
    """Complete the entry with the recipients and transfers that follow from its processors'
    files (models.register_consistency.completed_from_processors), as an edit of the entry by
    this actor: same permissions, stale-version check, status rule and audit entry as any
    edit (dashboard.register.update_activity)."""
    from dashboard import register  # dashboard.register reads this module
    from models.register_consistency import completed_from_processors

    view = register.get_activity(session, actor, activity_id)
    data = register.snapshot(view.content)
    data["recipients"], data["transfers"] = completed_from_processors(data["recipients"], data["transfers"],
                                                                      view.processors)
    return register.update_activity(session, actor, activity_id, expected_version, data,
                                    action=FROM_PROCESSORS)


# ------------------------------------------------------------------ back to review


def before_change(session: Session, processor_id: int) -> tuple[tuple[Place, ...], frozenset[int]]:
    """What a processor change may alter for the register: its places and its activities."""
    places = places_of(session, [processor_id]).get(processor_id, ())
    activities = frozenset(session.exec(select(ProcessorActivity.activity_id)
                                        .where(ProcessorActivity.processor_id == processor_id)))
    return places, activities


def send_back_affected(session: Session, actor: Actor, processor: Processor,
                       before: tuple[tuple[Place, ...], frozenset[int]]) -> list[ProcessingActivity]:
    """After a processor change: each validated entry it affects (the processor's places or
    transfer tools changed, or the entry was linked or unlinked) goes back to draft, to be
    reviewed and validated again by the DPO, with an audit entry, a notice on the entry and
    a mail to the DPO. Returns the entries sent back.

    As for an edit of the entry itself (dashboard.register.status_after_change), a change the
    DPO makes leaves the entry validated in the DPO's name unless it now contradicts the
    processors' files: the keeper of the register made it knowingly."""
    from dashboard.register import load_content  # dashboard.register reads this module
    session.flush()
    places_before, activities_before = before
    places_after, activities_after = before_change(session, processor.id)
    changed = places_changed(places_before, places_after)
    affected: dict[int, str] = {}
    for activity_id in activities_before | activities_after:
        if activity_id not in activities_before:
            affected[activity_id] = "linked"
        elif activity_id not in activities_after:
            affected[activity_id] = "unlinked"
        elif changed:
            affected[activity_id] = "places"
    sent = []
    for activity_id, change in sorted(affected.items()):
        activity = session.get(ProcessingActivity, activity_id)
        if activity is None or activity.status != "validated":
            continue
        if actor.role == Role.DPO and not activity_contradictions(session, activity.id,
                                                                  load_content(session, activity)):
            continue
        activity.status = "draft"
        activity.validated_by_id = None
        activity.validated_at = None
        activity.review_notice = {"processor_id": processor.id, "processor": processor.reference,
                                  "name": processor.legal_name, "change": change, "by": actor.full_name,
                                  "at": utcnow().isoformat()}
        activity.updated_at = utcnow()
        session.add(activity)
        session.flush()
        audit.record(session, actor, BACK_TO_REVIEW, object_type=OBJECT_TYPE, object_id=activity.id,
                     object_ref=activity.reference, entity_id=activity.entity_id,
                     details={"processor": processor.reference, "change": change,
                              "status": ["validated", "draft"]})
        _mail_the_dpo(session, activity)
        sent.append(activity)
    return sent


def _mail_the_dpo(session: Session, activity: ProcessingActivity) -> None:
    from dashboard.mail import outbox

    from dashboard.auth import actor_for

    dpos = [user for user in session.exec(select(User).where(User.role == Role.DPO, User.active).order_by(User.id))
            if actor_for(session, user).covers_department(activity.department_id, activity.entity_id)]
    for person in outbox.wanted_by(session, dpos, mail.REGISTER_REVIEW):
        outbox.claim(session, event=mail.REGISTER_REVIEW, case_type="register", case_id=activity.id,
                     case_reference=activity.reference, threshold=f"returned:v{activity.version}:processor",
                     recipient=person, kind="register_returned")
