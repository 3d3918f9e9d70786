"""Answer letters to the data subject.

Templates: one per kind of letter (models.answer_letter.KINDS) and language, edited by
the DPO and legal; a save adds a revision (never overwrites), refused when someone saved
another revision since the editor opened it. The first revision of each is recorded from
dashboard/dsr/answer_defaults.py on first use.

A request's answer: a department head (for a request of his or her departments), the DPO
or legal proposes it — a draft rendered from the template of the request's right and the
chosen outcome, edited before sending; the DPO or legal edits it (optimistic version) and
issues it once as a PDF in the evidence registry, with the day it was sent. Every change
is an audit entry; entries hold lengths and hashes, never the letter's text (it names the
person).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from dashboard import audit, concurrency, register
from dashboard.actor import Actor
from dashboard.dsr import common, documents, workflow
from dashboard.dsr.answer_defaults import DEFAULTS
from dashboard.errors import ConcurrentEdit
from dashboard.i18n import Translator
from dashboard.permissions import deny, require, require_writer
from exports.pdf import dsr_answer_letter
from exports.pdf.dsr_common import day
from models.answer_letter import (KINDS, LANGUAGES, LETTER_MAX_CHARS, AnswerLetter, AnswerTemplate,
                                  letter_kind)
from models.clock import paris_today
from models.dsr import (OUTCOMES, DataSubjectRequest, DsrActivity, DsrErasure, DsrRecipient, DsrRetention,
                        DsrSearch, Outcome, Status)
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from models.letter_template import PLACEHOLDERS, TO_COMPLETE, check_template, render, still_to_complete
from models.org import Entity
from models.processing import ProcessingActivity
from models.roles import Capability
from models.types import utcnow

KIND_ANSWER = "dsr.answer_letter"
TEMPLATE_OBJECT = "dsr_answer_template"
Language = Literal["fr", "en"]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ templates


@dataclass(frozen=True)
class TemplateVersion:
    id: int
    kind: str
    language: str
    revision: int
    body: str
    note: str
    created_at: datetime
    created_by_name: str


def _version_of(row: AnswerTemplate) -> TemplateVersion:
    return TemplateVersion(row.id, row.kind, row.language, row.revision, row.body, row.note, row.created_at,
                           row.created_by_name)


def ensure_defaults(session: Session) -> None:
    """Record revision 1 of every template that has none yet (first use). Two first uses
    at once: the unique (kind, language, revision) keeps one, the other is ignored."""
    present = set(session.exec(select(AnswerTemplate.kind, AnswerTemplate.language).distinct()).all())
    for (kind, language), body in DEFAULTS.items():
        if (kind, language) in present:
            continue
        try:
            with session.begin_nested():
                session.add(AnswerTemplate(kind=kind, language=language, revision=1,
                                           body=check_template(body).body, created_by_name="DPO Desk"))
        except IntegrityError:
            pass


def _current(session: Session, kind: str, language: str) -> AnswerTemplate:
    ensure_defaults(session)
    row = session.exec(select(AnswerTemplate).where(AnswerTemplate.kind == kind, AnswerTemplate.language == language)
                       .order_by(AnswerTemplate.revision.desc())).first()
    if row is None:
        raise RuleViolation("answer.error.unknown_template")
    return row


def _check_choice(kind: str, language: str) -> None:
    if kind not in KINDS or language not in LANGUAGES:
        raise RuleViolation("answer.error.unknown_template")


def _require_editor(session: Session, actor: Actor, action: str) -> None:
    require_writer(session, actor, action=action, object_type=TEMPLATE_OBJECT)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, object_type=TEMPLATE_OBJECT)


def list_templates(session: Session, actor: Actor) -> list[TemplateVersion]:
    """The current version of every template (DPO and legal)."""
    require(session, actor, Capability.WORK_ALL_CASES, action="answer_template.list", object_type=TEMPLATE_OBJECT)
    return [_version_of(_current(session, kind, language)) for kind in KINDS for language in LANGUAGES]


def template_history(session: Session, actor: Actor, kind: str, language: str) -> list[TemplateVersion]:
    """Every version of one template, newest first, with who saved it and when."""
    require(session, actor, Capability.WORK_ALL_CASES, action="answer_template.history",
            object_type=TEMPLATE_OBJECT)
    _check_choice(kind, language)
    ensure_defaults(session)
    rows = session.exec(select(AnswerTemplate).where(AnswerTemplate.kind == kind, AnswerTemplate.language == language)
                        .order_by(AnswerTemplate.revision.desc())).all()
    return [_version_of(row) for row in rows]


class TemplateInput(BaseModel):
    body: str = Field(max_length=25_000)  # the template's own limit is checked with its message
    note: str = Field(default="", max_length=500)


def placeholders() -> list[tuple[str, bool]]:
    """The documented placeholders: (name, is a yes/no value)."""
    return list(PLACEHOLDERS.items())


def save_template(session: Session, actor: Actor, kind: str, language: str, seen_revision: int,
                  data: dict | TemplateInput) -> TemplateVersion:
    """A new revision of the template. Refused, with nothing saved, on a syntax error, an
    unknown placeholder, a forbidden construct, or when another revision was saved since
    `seen_revision` (who and when are named)."""
    _require_editor(session, actor, "answer_template.save")
    _check_choice(kind, language)
    data = common.validate_input(TemplateInput, data)
    checked = check_template(data.body)
    current = _current(session, kind, language)
    if current.revision != seen_revision:
        raise ConcurrentEdit("error.concurrent_edit_by", who=current.created_by_name or "?", at=current.created_at)
    if checked.body == current.body:
        raise RuleViolation("answer.error.template_unchanged")
    row = AnswerTemplate(kind=kind, language=language, revision=current.revision + 1, body=checked.body,
                         note=data.note.strip(), created_by_id=actor.user_id, created_by_name=actor.full_name)
    session.add(row)
    session.flush()  # a concurrent save of the same revision meets the unique constraint
    audit.record(session, actor, "answer_template.save", object_type=TEMPLATE_OBJECT, object_id=row.id,
                 object_ref=f"{kind}/{language}",
                 details={"kind": kind, "language": language, "revision": [current.revision, row.revision],
                          "length": len(row.body), "sha256": _sha(row.body), "placeholders": list(checked.placeholders)})
    return _version_of(row)


def preview_template(session: Session, actor: Actor, body: str, language: Language = "fr") -> str:
    """The template filled with example values (nothing saved): what a letter looks like."""
    require(session, actor, Capability.WORK_ALL_CASES, action="answer_template.preview",
            object_type=TEMPLATE_OBJECT)
    tr = Translator(language)
    values = {name: (True if boolean else tr(f"answer.example.{name}")) for name, boolean in PLACEHOLDERS.items()}
    return render(body, values)


# ------------------------------------------------------------------ the values of one request


def _dedupe(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        item = " ".join(str(item).split())
        if item and item not in seen:
            seen.append(item)
    return seen


def request_values(session: Session, request: DataSubjectRequest, entity: Entity, tr: Translator, outcome: str,
                   reasons: str = "") -> dict[str, object]:
    """Every placeholder's value for this request, in the letter's language. What the
    records cannot say is left as "[À compléter : …]", which blocks the issue until written."""
    def todo(what: str) -> str:
        return TO_COMPLETE[tr.language].format(what=tr(f"answer.todo.{what}"))

    separator = " ; " if tr.language == "fr" else "; "  # French typography: a space before ";"

    def listed(items, what: str, empty: str | None = None) -> str:
        found = _dedupe(items)
        return separator.join(found) if found else (empty if empty is not None else todo(what))

    rights = sorted(common.rights_of(session, request.id))
    activities = session.exec(select(ProcessingActivity).join(DsrActivity, DsrActivity.activity_id
                                                               == ProcessingActivity.id)
                              .where(DsrActivity.request_id == request.id).order_by(ProcessingActivity.id)).all()
    contents = [register.load_content(session, activity) for activity in activities]
    searches = session.exec(select(DsrSearch).where(DsrSearch.request_id == request.id).order_by(DsrSearch.id)).all()
    erased = session.exec(select(DsrErasure).where(DsrErasure.request_id == request.id).order_by(DsrErasure.id)).all()
    kept = session.exec(select(DsrRetention).where(DsrRetention.request_id == request.id)
                        .order_by(DsrRetention.id)).all()
    notified = session.exec(select(DsrRecipient).where(DsrRecipient.request_id == request.id,
                                                       DsrRecipient.state == "notified")
                            .order_by(DsrRecipient.id)).all()
    retention = [f"{rule.category or tr('answer.all_data')} : {rule.duration} {tr(f'register.unit.{rule.unit}')}"
                 f" ({rule.start_event})" for c in contents for rule in c.retention_rules]
    transfers = [f"{t.recipient} ({t.country or '—'}) — {t.safeguard_detail or t.safeguard or '—'}"
                 for c in contents for t in c.transfers]
    return {
        "requester_name": request.requester_name,
        "reference": request.reference,
        "received_on": day(tr, request.received_on),
        "letter_date": day(tr, paris_today()),
        "due_on": day(tr, request.due_on),
        "rights": ", ".join(tr(f"dsr.right.{r}").lower() for r in rights),
        "outcome": tr(f"dsr.outcome.{outcome}") if outcome in OUTCOMES else "",
        "partly_granted": outcome == Outcome.PARTLY_GRANTED,
        "extended": request.extended,
        "excessive": outcome == Outcome.EXCESSIVE,
        "reasons": " ".join(reasons.split()) or todo("reasons"),
        "controller": entity.legal_name or entity.name,
        "controller_address": entity.address,
        "dpo_name": entity.dpo_name,
        "dpo_email": entity.dpo_email,
        "dpo_address": entity.dpo_address or entity.address,
        "activities": listed((a.name for a in activities), "activities"),
        "purposes": listed((p.description for c in contents for p in c.purposes), "purposes"),
        "data_categories": listed((d.name for c in contents for d in c.data_categories), "data_categories"),
        "recipients": listed((r.name for c in contents for r in c.recipients), "recipients"),
        "retention": listed(retention, "retention"),
        "transfers": listed(transfers, "transfers", tr("answer.no_transfer") if contents else None),
        "source": todo("source"),
        "data_found": listed((f"{s.system} ({s.data_categories})" if s.data_categories else s.system
                              for s in searches if s.found), "data_found"),
        "erased": listed((f"{e.system} — {e.data_category} ({tr(f'dsr.erasure_method.{e.method}').lower()}, "
                          f"{day(tr, e.performed_on)})" for e in erased), "erased"),
        "kept": separator.join(_dedupe(f"{k.data_category} ({k.reason}"
                                  + (f", {tr('answer.until', date=day(tr, k.keep_until))})" if k.keep_until else ")")
                                  for k in kept)),
        "recipients_notified": separator.join(_dedupe(r.recipient for r in notified)),
    }


# ------------------------------------------------------------------ one request's answer


@dataclass(frozen=True)
class Draft:
    kind: str
    language: str
    outcome: str
    template_id: int
    revision: int
    text: str


def draft(session: Session, actor: Actor, request_id: int, outcome: str, language: Language = "fr") -> Draft:
    """The answer drafted from the current template of the request's right and `outcome`
    (nothing saved). For those who may propose: the DPO, legal, the department's head."""
    request = _fetch_for_proposal(session, actor, request_id, "dsr.answer.draft")
    if outcome not in OUTCOMES or language not in LANGUAGES:
        raise RuleViolation("answer.error.unknown_template")
    kind = letter_kind(common.rights_of(session, request.id), outcome)
    template = _current(session, kind, language)
    entity = session.get(Entity, request.entity_id)
    text = render(template.body, request_values(session, request, entity, Translator(language), outcome))
    return Draft(kind, language, outcome, template.id, template.revision, text)


def _fetch_for_proposal(session: Session, actor: Actor, request_id: int, action: str) -> DataSubjectRequest:
    request = common.fetch(session, actor, request_id, action=action, write=True)
    if not (actor.can(Capability.WORK_ALL_CASES) or actor.can(Capability.WORK_DEPARTMENT_CASES)):
        deny(session, actor, action=action, object_type=common.OBJECT_TYPE, object_id=request_id)
    return request


def _letter(session: Session, request_id: int) -> AnswerLetter | None:
    return session.exec(select(AnswerLetter).where(AnswerLetter.request_id == request_id)).first()


class AnswerProposal(BaseModel):
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    language: Language = "fr"
    answer: str = Field(min_length=10, max_length=LETTER_MAX_CHARS)


def propose(session: Session, actor: Actor, request_id: int, version: int, data: dict | AnswerProposal
            ) -> AnswerLetter:
    """The proposed answer (the draft as edited by the proposer); the request goes to
    "answer proposed" (dashboard.dsr.workflow.propose_answer). Refused once an answer was issued."""
    request = _fetch_for_proposal(session, actor, request_id, "dsr.answer.propose")
    data = common.validate_input(AnswerProposal, data)
    letter = _letter(session, request.id)
    if letter is not None and letter.issued:
        raise RuleViolation("answer.error.already_issued")
    workflow.propose_answer(session, actor, request_id, version, {"outcome": data.outcome, "answer": data.answer})
    kind = letter_kind(common.rights_of(session, request.id), data.outcome)
    template = _current(session, kind, data.language)
    if letter is None:
        letter = AnswerLetter(request_id=request.id, kind=kind, language=data.language, outcome=data.outcome,
                              body="")
    letter.kind, letter.language, letter.outcome, letter.template_id = kind, data.language, data.outcome, template.id
    letter.body = data.answer.strip()
    letter.proposed_by_id, letter.proposed_by_name = actor.user_id, actor.full_name
    letter.proposed_at = request.proposed_at
    letter.edited_at, letter.edited_by_id, letter.edited_by_name = None, None, ""
    session.add(letter)
    session.flush()
    common.record(session, actor, request, "dsr.answer.propose", kind=kind, language=data.language,
                  outcome=data.outcome, template_revision=template.revision, length=len(letter.body),
                  sha256=_sha(letter.body))
    return letter


class AnswerEdit(BaseModel):
    body: str = Field(min_length=10, max_length=LETTER_MAX_CHARS)


def edit(session: Session, actor: Actor, request_id: int, letter_version: int, data: dict | AnswerEdit
         ) -> AnswerLetter:
    """The DPO's or legal's correction of the proposed answer, on the version they saw."""
    request = common.fetch(session, actor, request_id, action="dsr.answer.edit", write=True, staff_only=True)
    letter = _letter(session, request.id)
    if letter is None:
        raise RuleViolation("answer.error.no_answer")
    common.require_open(request)
    _check_letter_version(letter, letter_version, request)
    if letter.issued:
        raise RuleViolation("answer.error.already_issued")
    data = common.validate_input(AnswerEdit, data)
    body = data.body.replace("\r\n", "\n").strip()
    before = len(letter.body)
    letter.body = body
    letter.edited_at = utcnow()
    letter.edited_by_id, letter.edited_by_name = actor.user_id, actor.full_name
    _flush_or_stale(session, letter, request)
    common.record(session, actor, request, "dsr.answer.edit", length=[before, len(body)], sha256=_sha(body),
                  letter_version=letter.version)
    return letter


def _check_letter_version(letter: AnswerLetter, seen: int | None, request: DataSubjectRequest) -> None:
    """A save on a version of the answer the user no longer sees is refused, naming who
    changed the request last and when (the answer's changes are the request's audit entries)."""
    concurrency.check(letter, seen, object_type=common.OBJECT_TYPE, object_id=request.id, area="dsr")


def _flush_or_stale(session: Session, letter: AnswerLetter, request: DataSubjectRequest) -> None:
    """Write the answer on the version it was read at; someone who saved in between (their
    transaction committed while this one waited) wins, and the refusal names them."""
    session.add(letter)
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise concurrency.stale(session, common.OBJECT_TYPE, request.id, "dsr") from None


class Issue(BaseModel):
    sent_on: date


def issue(session: Session, actor: Actor, request_id: int, letter_version: int, data: dict | Issue
          ) -> EvidenceDocument:
    """Issue the answer as a PDF in the evidence registry, with the day it was sent (not in
    the future, not before the request's receipt). Once only: issuing again (a double
    click) returns the document already issued."""
    request = common.fetch(session, actor, request_id, action="dsr.answer.issue", write=True, staff_only=True)
    letter = _letter(session, request.id)
    if letter is None:
        raise RuleViolation("answer.error.no_answer")
    if letter.issued:
        return session.get(EvidenceDocument, letter.document_id)
    _check_letter_version(letter, letter_version, request)
    if request.status == Status.WITHDRAWN:
        raise RuleViolation("dsr.error.closed")
    data = common.validate_input(Issue, data)
    common.check_day("sent_on", data.sent_on, request)
    if still_to_complete(letter.body):
        raise RuleViolation("answer.error.to_complete")
    entity = session.get(Entity, request.entity_id)
    facts = documents._facts(session, request, entity)
    controller = documents._controller(entity)
    body, kind, sent_on = letter.body, letter.kind, data.sent_on
    document = documents._issue(
        session, actor, request, KIND_ANSWER, letter.language,
        lambda tr, stamp: dsr_answer_letter.build(tr, stamp, controller, facts, kind, body, sent_on),
        sent_on=sent_on, letter_kind=kind)
    letter.document_id = document.id
    letter.sent_on = sent_on
    letter.issued_at = document.issued_at
    _flush_or_stale(session, letter, request)  # a concurrent issue of the same version fails here: one document
    common.record(session, actor, request, "dsr.answer.issue", number=document.number, sent_on=sent_on,
                  letter_version=letter.version)
    return document


@dataclass(frozen=True)
class AnswerView:
    letter: AnswerLetter | None
    document_number: str = ""
    document_id: int | None = None


def answer_of(session: Session, actor: Actor, request_id: int) -> AnswerView:
    """The request's answer for anyone who may see the request (auditors: read-only)."""
    request = common.fetch(session, actor, request_id, action="dsr.answer.read")
    letter = _letter(session, request.id)
    if letter is None or not letter.issued:
        return AnswerView(letter)
    number = session.exec(select(EvidenceDocument.number).where(EvidenceDocument.id == letter.document_id)).one()
    return AnswerView(letter, number, letter.document_id)
