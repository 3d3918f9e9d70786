"""The breach documents, each issued through the evidence registry (number,
verification code, SHA-256): the notification to the authority, the letter to the
people concerned, and the register extract (PDF and CSV)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from dashboard import evidence, organisation
from dashboard.actor import Actor
from dashboard.breach.records import BreachFilter, conditions, detail, fetch, sees_everything
from dashboard.i18n import Translator
from dashboard.permissions import require, require_writer
from dashboard.references import next_number
from dashboard.validation import FieldProblem, InvalidInput
from exports.breach_register_csv import build_register_csv
from exports.pdf.breach_letter import build_people_letter
from exports.pdf.breach_notice import NoticeInput, build_authority_notice, document_phase, notice_title
from exports.pdf.breach_register import RegisterEntry, build_register_extract
from models.breach import (CASE_TYPE, EXTRACT_CASE_TYPE, LETTER_REQUIRED_FIELDS, LETTER_TEXT_FIELDS, LONG_TEXT,
                           AuthorityNotification, Breach, BreachNotification, BreachRegisterCover)
from models.evidence import EvidenceDocument
from models.org import Entity
from models.roles import Capability
from models.types import utcnow

if TYPE_CHECKING:  # the pack imports its contributors lazily, by name
    from dashboard.audit_pack import PackScope

PDF = "application/pdf"
CSV = "text/csv"
REGISTER_LIMIT = 2000  # an extract for an inspection; beyond this, filter by entity or status


def _decider(session: Session, actor: Actor, breach_id: int, action: str) -> None:
    require_writer(session, actor, action=action, object_type=CASE_TYPE, object_id=breach_id)
    require(session, actor, Capability.WORK_ALL_CASES, action=action, object_type=CASE_TYPE, object_id=breach_id)


def issue_authority_notice(session: Session, actor: Actor, breach_id: int, language: str = "fr",
                           notification_id: int | None = None, delay_reasons: str = "") -> EvidenceDocument:
    """The notification form, for the next phase to send (a draft) or for one already
    sent. A draft past the 72-hour deadline carries the reasons for the delay
    (Art. 33(1)): they are required, never left as a placeholder."""
    _decider(session, actor, breach_id, "breach.issue_notice")
    case = detail(session, fetch(session, actor, breach_id, action="breach.issue_notice"), actor)
    breach = case.breach
    chosen = next((n for n in case.notifications if n.id == notification_id), None)
    if notification_id is not None and chosen is None:
        raise InvalidInput([FieldProblem("breach_notification_id", "validation.choice")])
    overdue = (chosen is None and breach.authority_notification == AuthorityNotification.PENDING
               and breach.notification_deadline is not None and breach.notification_deadline < utcnow())
    delay_reasons = (delay_reasons or "").strip()
    if overdue and len(delay_reasons) < 10:
        raise InvalidInput([FieldProblem("breach_delay_reasons", "breach.notice.delay_reasons_needed")])
    if len(delay_reasons) > LONG_TEXT:
        raise InvalidInput([FieldProblem("breach_delay_reasons", "validation.too_long", {"max_length": LONG_TEXT})])
    notice = NoticeInput(breach, case.entity, case.notifications,
                         [f"{a.reference} — {a.name}" for a in case.activities], chosen)
    tr = Translator(language)
    phase = document_phase(notice)
    return evidence.issue_document(
        session, actor, kind="breach.authority_notice", title=f"{notice_title(tr, notice)} — {breach.reference}",
        filename=f"{breach.reference}-{tr(f'breach.notice.file.{phase}')}-{_rank(notice)}-{tr.language}.pdf",
        media_type=PDF, build=lambda stamp: build_authority_notice(stamp, tr, notice, overdue=overdue,
                                                                   delay_reasons=delay_reasons),
        language=tr.language, case_type=CASE_TYPE, case_id=breach.id, case_ref=breach.reference,
        entity_id=breach.entity_id)


def _rank(notice: NoticeInput) -> int:
    if notice.notification is not None:
        return notice.notifications.index(notice.notification) + 1
    return len(notice.notifications) + 1


class _LetterBreach:
    """The breach as the letter reads it, its free text in the letter's language."""

    def __init__(self, breach: Breach, texts: dict[str, str]):
        self._breach, self._texts = breach, texts

    def __getattr__(self, name: str):
        if name in LETTER_TEXT_FIELDS:
            return self._texts.get(name, "")
        return getattr(self._breach, name)


def letter_text(breach: Breach, language: str) -> _LetterBreach:
    """The letter's free text in `language`, or InvalidInput naming every field missing:
    the likely consequences are required (Art. 34(2) with 33(3)(c)) like the summary, the
    measures and the advice; an English letter needs the English version of each French
    text (a French sentence in an English letter would not be "clear and plain language"
    to its reader)."""
    french = {name: (getattr(breach, name) or "").strip() for name in LETTER_TEXT_FIELDS}
    missing = [FieldProblem(f"breach_{name}", "breach.letter_needs_text")
               for name in LETTER_REQUIRED_FIELDS if not french[name]]
    if missing:
        raise InvalidInput(missing)
    if language == "fr":
        return _LetterBreach(breach, french)
    english = {name: (text or "").strip() for name, text in (breach.letter_texts_en or {}).items()}
    missing = [FieldProblem(f"breach_{name}_en", "breach.letter_needs_english")
               for name in LETTER_TEXT_FIELDS if french[name] and not english.get(name)]
    if missing:
        raise InvalidInput(missing)
    return _LetterBreach(breach, english)


def issue_people_letter(session: Session, actor: Actor, breach_id: int, language: str = "fr") -> EvidenceDocument:
    """The letter to the people; its plain-language text must be written first."""
    _decider(session, actor, breach_id, "breach.issue_letter")
    breach = fetch(session, actor, breach_id, action="breach.issue_letter")
    tr = Translator(language)
    text = letter_text(breach, tr.language)
    entity = session.get(Entity, breach.entity_id)
    notified = breach.notified_at is not None
    return evidence.issue_document(
        session, actor, kind="breach.people_letter", title=f"{tr('breach.letter.title')} — {breach.reference}",
        filename=f"{breach.reference}-letter-{tr.language}.pdf", media_type=PDF,
        build=lambda stamp: build_people_letter(stamp, tr, text, entity, authority_notified=notified),
        language=tr.language, case_type=CASE_TYPE, case_id=breach.id, case_ref=breach.reference,
        entity_id=breach.entity_id)


def _register_entries(session: Session, actor: Actor, flt: BreachFilter) -> list[RegisterEntry]:
    rows = session.exec(select(Breach, Entity.name).join(Entity, Entity.id == Breach.entity_id)
                        .where(*conditions(actor, flt)).order_by(Breach.detected_at, Breach.id)
                        .limit(REGISTER_LIMIT)).all()
    ids = [b.id for b, _ in rows]
    notes: dict[int, list[BreachNotification]] = {}
    if ids:
        for n in session.exec(select(BreachNotification).where(BreachNotification.breach_id.in_(ids))
                              .order_by(BreachNotification.sent_at, BreachNotification.id)):
            notes.setdefault(n.breach_id, []).append(n)
    return [RegisterEntry(b, name, notes.get(b.id, [])) for b, name in rows]


def _scope(session: Session, actor: Actor, tr: Translator, flt: BreachFilter) -> tuple[str, str, int | None]:
    """How the extract's subtitle names what it covers, the header, and the entity."""
    entity = session.get(Entity, flt.entity_id) if flt.entity_id is not None else None
    parts = [entity.name if entity else tr("breach.register.all_entities")]
    if flt.status:
        parts.append(tr(f"breach.status.{flt.status}"))
    if flt.clock:
        parts.append(tr(f"breach.filter.clock.{flt.clock}"))
    if not sees_everything(actor):
        parts.append(tr("breach.register.restricted", name=actor.full_name))
    return ", ".join(parts), organisation.issuer_name(session, flt.entity_id), entity.id if entity else None


def issue_register(session: Session, actor: Actor, flt: BreachFilter = BreachFilter(), language: str = "fr",
                   fmt: str = "pdf") -> EvidenceDocument:
    """The register extract for an inspection, of the breaches the actor may see (a
    department head's covers his or her departments' and says so).

    An extract that prints breaches prints their narrative (description, the people's
    information...), which the own-retention job erases at the end of each breach's period:
    it is stored encrypted under a key of its own, and the breaches it covers recorded
    (BreachRegisterCover), so that the job destroys it as soon as any of them reaches its
    period (dashboard/own_retention.py). An empty extract names nobody: stored in clear.
    Extracts issued before (case type "breach", no case) stay in clear: the retention
    certificate lists them."""
    require_writer(session, actor, action="breach.issue_register", object_type=CASE_TYPE)
    entries = _register_entries(session, actor, flt)
    tr = Translator(language)
    scope, header, entity_id = _scope(session, actor, tr, flt)
    stamp_day = utcnow().strftime("%Y%m%d")
    sealing = _extract_key(session, entries)
    if fmt == "csv":
        return evidence.issue_document(
            session, actor, kind="breach.register_csv", title=tr("breach.register.title"),
            filename=f"breach-register-{stamp_day}.csv", media_type=CSV,
            build=lambda stamp: build_register_csv(tr, entries), language=tr.language, entity_id=entity_id,
            **sealing)
    return evidence.issue_document(
        session, actor, kind="breach.register_pdf", title=tr("breach.register.title"),
        filename=f"breach-register-{stamp_day}.pdf", media_type=PDF,
        build=lambda stamp: build_register_extract(stamp, tr, entries, scope=scope, organisation=header),
        language=tr.language, entity_id=entity_id, **sealing)


def _extract_key(session: Session, entries: list[RegisterEntry]) -> dict:
    """The case an extract is filed under: a key of its own covering its breaches (recorded
    before it is issued, in the same transaction), or none for an empty extract."""
    if not entries:  # filed as an extract all the same: not taken for one issued before sealing
        return {"case_type": EXTRACT_CASE_TYPE}
    extract_id = next_number(session, "BRX", 0)  # one counter for all years: the key's case id
    session.add_all(BreachRegisterCover(extract_id=extract_id, breach_id=entry.breach.id) for entry in entries)
    session.flush()
    return {"case_type": EXTRACT_CASE_TYPE, "case_id": extract_id}


@dataclass(frozen=True)
class IssuedDocument:
    id: int
    number: str
    title: str
    kind: str
    filename: str
    issued_at: datetime
    issued_by_name: str
    sha256: str


def documents_of(session: Session, actor: Actor, breach_id: int) -> list[IssuedDocument]:
    """The documents issued for a breach (the registry's copies; downloading them is
    the evidence registry's, for those who may read evidence)."""
    fetch(session, actor, breach_id, action="breach.documents")
    found = session.exec(select(EvidenceDocument).where(EvidenceDocument.case_type == CASE_TYPE,
                                                        EvidenceDocument.case_id == breach_id)
                         .order_by(EvidenceDocument.issued_at.desc(), EvidenceDocument.id.desc())).all()
    return [IssuedDocument(d.id, d.number, d.title, d.kind, d.filename, d.issued_at, d.issued_by_name, d.sha256)
            for d in found]


def pack_contribution(session: Session, actor: Actor, scope: "PackScope") -> list[tuple[str, bytes]]:
    """Audit-pack contributor (dashboard.audit_pack.CONTRIBUTORS): the whole breach register
    of the entity (Art. 33(5): every breach, notified or not), PDF and CSV, stamped with the
    pack's number; a department head's covers his or her departments' breaches. It prints
    the narratives of those not yet pseudonymised: the pack covers them."""
    flt = BreachFilter(entity_id=scope.entity_id)
    entries = _register_entries(session, actor, flt)
    scope.covers.update((CASE_TYPE, entry.breach.id) for entry in entries if entry.breach.pseudonymised_at is None)
    tr = Translator(scope.language)
    extent, header, _ = _scope(session, actor, tr, flt)
    return [("registre-violations.pdf", build_register_extract(scope.stamp, tr, entries, scope=extent,
                                                                organisation=header)),
            ("registre-violations.csv", build_register_csv(tr, entries))]
