"""Deciding and acting on a breach: risk assessment, notification phases, the
communication to the people, response steps, closing and reopening.

Qualifying, notifying, informing and closing belong to the DPO and legal; anyone
who may see an open breach (but the auditor) may add response steps.
"""

from sqlmodel import Session

from dashboard import audit
from dashboard.actor import Actor
from dashboard.breach.forms import (
    Closing,
    LetterEnglish,
    NotificationInput,
    PeopleCommunication,
    Qualification,
    Reopening,
    StepInput,
    checked,
    refuse_if,
)
from dashboard.breach.records import fetch, fetch_for_change, initial_notification, record, refresh_clock, touch
from dashboard import concurrency
from dashboard.permissions import deny, require, require_writer
from dashboard.validation import problem
from models.breach import CASE_TYPE, Breach, BreachNotification, BreachStatus, BreachStep, NotificationPhase
from models.breach_rules import (
    CLOCK_TOLERANCE,
    closing_problems,
    notification_problems,
    qualification_problems,
)
from models.deadlines import breach_notification_late
from models.errors import RuleViolation
from models.roles import Capability
from models.types import utcnow


def qualify(session: Session, actor: Actor, breach_id: int, version: int, data: dict | Qualification) -> Breach:
    """Record the risk assessment: it decides whether the authority is notified and
    the people informed. Awareness must be established first."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.qualify", qualified_only=True)
    decision = checked(Qualification, data)
    if breach.aware_at is None:
        raise problem("breach_aware_at", "breach.awareness_needed")
    refuse_if(qualification_problems(risk_level=decision.risk_level, justification=decision.risk_justification,
                                     exception=decision.art34_exception,
                                     exception_details=decision.art34_exception_details))
    before = {"risk_level": breach.risk_level, "art34_exception": breach.art34_exception}
    breach.risk_level = decision.risk_level
    breach.risk_justification = decision.risk_justification
    breach.art34_exception = decision.art34_exception
    breach.art34_exception_details = decision.art34_exception_details if decision.art34_exception else ""
    breach.assessed_at = utcnow()
    breach.assessed_by_name = actor.full_name
    breach.status = BreachStatus.ASSESSED
    refresh_clock(breach)
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.qualify", breach,
            changes=audit.diff(before, {"risk_level": breach.risk_level, "art34_exception": breach.art34_exception}),
            justification=breach.risk_justification, authority_notification=breach.authority_notification)
    return breach


def record_notification(session: Session, actor: Actor, breach_id: int, version: int,
                        data: dict | NotificationInput) -> BreachNotification:
    """Record a notification sent to the authority: the first is the initial one
    (it stops the clock), the next ones are complementary (Art. 33(4))."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.notify", qualified_only=True)
    sent = checked(NotificationInput, data)
    initial = initial_notification(session, breach.id)
    phase = NotificationPhase.COMPLEMENTARY if initial else NotificationPhase.INITIAL
    refuse_if(notification_problems(breach, phase=phase, sent_at=sent.sent_at, delay_reasons=sent.delay_reasons,
                                    now=utcnow()))
    if initial and sent.sent_at < initial.sent_at:
        raise problem("breach_sent_at", "breach.complement_before_initial")
    if phase == NotificationPhase.COMPLEMENTARY and len(sent.content_added) < 3:
        raise problem("breach_content_added", "breach.complement_needs_content")
    notification = BreachNotification(breach_id=breach.id, phase=phase, sent_at=sent.sent_at,
                                      authority_reference=sent.authority_reference,
                                      content_added=sent.content_added, delay_reasons=sent.delay_reasons,
                                      recorded_by_id=actor.user_id, recorded_by_name=actor.full_name)
    session.add(notification)
    if phase == NotificationPhase.INITIAL:
        breach.notified_at = sent.sent_at
        refresh_clock(breach)
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.notify", breach, phase=phase, sent_at=sent.sent_at,
            authority_reference=sent.authority_reference, late=breach_notification_late(breach.notification_deadline, sent.sent_at))
    return notification


def save_people_communication(session: Session, actor: Actor, breach_id: int, version: int,
                              data: dict | PeopleCommunication) -> Breach:
    """The plain-language text for the people and, once sent, when and how it was."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.people", qualified_only=True)
    letter = checked(PeopleCommunication, data)
    if letter.people_informed_at is not None:
        if not letter.people_information_means:
            raise problem("breach_people_information_means", "breach.means_required")
        if letter.people_informed_at > utcnow() + CLOCK_TOLERANCE:
            raise problem("breach_people_informed_at", "breach.in_future")
        if letter.people_informed_at < breach.detected_at:
            raise problem("breach_people_informed_at", "breach.informed_before_detection")
    before = {"people_informed_at": breach.people_informed_at,
              "people_information_means": breach.people_information_means}
    for name, value in letter.model_dump().items():
        setattr(breach, name, value)
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.people", breach, changes=audit.diff(
        audit.json_safe(before), audit.json_safe({"people_informed_at": breach.people_informed_at,
                                                  "people_information_means": breach.people_information_means})))
    return breach


def save_letter_english(session: Session, actor: Actor, breach_id: int, version: int,
                        data: dict | LetterEnglish) -> Breach:
    """The English text of the letter to the people: an English letter carries English
    free text only (issue 15, rule 7); the French fields stay the source."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.letter_english", qualified_only=True)
    english = checked(LetterEnglish, data).model_dump()
    before = dict(breach.letter_texts_en or {})
    breach.letter_texts_en = {name: text for name, text in english.items() if text}
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.letter_english", breach, changes=audit.diff(before, breach.letter_texts_en))
    return breach


def add_step(session: Session, actor: Actor, breach_id: int, data: dict | StepInput) -> BreachStep:
    """An incident-response step (contain, assess, notify, remediate) with its owner."""
    require_writer(session, actor, action="breach.add_step", object_type=CASE_TYPE, object_id=breach_id)
    breach = fetch(session, actor, breach_id, action="breach.add_step")
    if breach.status == BreachStatus.CLOSED:
        raise RuleViolation("breach.closed_read_only")
    step_data = checked(StepInput, data)
    if step_data.done_at is not None and step_data.done_at > utcnow() + CLOCK_TOLERANCE:
        raise problem("breach_done_at", "breach.in_future")
    step = BreachStep(breach_id=breach.id, created_by_name=actor.full_name, **step_data.model_dump())
    session.add(step)
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.add_step", breach, step_id=step.id, kind=step.kind, owner=step.owner_name)
    return step


def complete_step(session: Session, actor: Actor, step_id: int) -> BreachStep:
    require_writer(session, actor, action="breach.complete_step", object_type="breach_step", object_id=step_id)
    step = session.get(BreachStep, step_id)
    if step is None:
        deny(session, actor, action="breach.complete_step", object_type="breach_step", object_id=step_id)
    breach = fetch(session, actor, step.breach_id, action="breach.complete_step")
    if breach.status == BreachStatus.CLOSED:
        raise RuleViolation("breach.closed_read_only")
    if step.done_at is None:
        step.done_at = utcnow()
        session.add(step)
        touch(breach)
        session.add(breach)
        session.flush()
        record(session, actor, "breach.complete_step", breach, step_id=step.id, kind=step.kind)
    return step


def close(session: Session, actor: Actor, breach_id: int, version: int, data: dict | Closing) -> Breach:
    """Close once every obligation of the assessment is met; nothing is deleted."""
    breach = fetch_for_change(session, actor, breach_id, version, action="breach.close", qualified_only=True)
    closing = checked(Closing, data)
    refuse_if(closing_problems(breach, has_initial_notification=initial_notification(session, breach.id) is not None))
    breach.status = BreachStatus.CLOSED
    breach.closed_at = utcnow()
    breach.closing_note = closing.closing_note
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.close", breach, note=breach.closing_note)
    return breach


def reopen(session: Session, actor: Actor, breach_id: int, version: int, data: dict | Reopening) -> Breach:
    """New facts on a closed breach: back to work, with the reason kept."""
    require_writer(session, actor, action="breach.reopen", object_type=CASE_TYPE, object_id=breach_id)
    require(session, actor, Capability.WORK_ALL_CASES, action="breach.reopen", object_type=CASE_TYPE,
            object_id=breach_id)
    breach = fetch(session, actor, breach_id, action="breach.reopen")
    concurrency.check(breach, version, object_type=CASE_TYPE, object_id=breach.id, area="breach")
    if breach.status != BreachStatus.CLOSED:
        raise RuleViolation("breach.not_closed")
    reason = checked(Reopening, data).reason
    breach.status = BreachStatus.ASSESSED if breach.risk_level else BreachStatus.DECLARED
    breach.closed_at = None
    touch(breach)
    session.add(breach)
    session.flush()
    record(session, actor, "breach.reopen", breach, reason=reason, previous_note=breach.closing_note)
    return breach

