"""Notification of a personal-data breach to the supervisory authority (GDPR Art. 33).

Laid out in the order of the CNIL's online notification form (téléservice
notifications.cnil.fr), so that the DPO can copy each section into it or attach the
document: the type of notification (initial or complementary, with the CNIL's
numbers), the organisation with its legal representative and its contact
(Art. 33(3)(b)), the timeline with the reasons for any delay (Art. 33(1)), the nature
and circumstances of the breach, the data and people concerned with their approximate
numbers (a), the likely consequences (c), the measures taken or proposed (d), the
information of the people (Art. 34); then the phases already sent (Art. 33(4)).
Sections are numbered as they come, so that the numbers never jump.

The title and the file name say which phase the document is: the draft of the next
notification, or the record of one already sent.
"""

from dataclasses import dataclass

from reportlab.platypus import KeepTogether

from exports import breach_text as bt
from exports.pdf.base import (
    CONTENT_WIDTH,
    build_pdf,
    grid_table,
    heading,
    key_value_table,
    para,
    signature_block,
    spacer,
)
from exports.stamp import DocumentStamp, Translator
from models.breach import Breach, BreachNotification, NotificationPhase
from models.deadlines import breach_notification_late
from models.org import Entity


@dataclass(frozen=True)
class NoticeInput:
    breach: Breach
    entity: Entity
    notifications: list[BreachNotification]  # already sent, in order
    activities: list[str]  # "TRT-2026-0001 — name"
    notification: BreachNotification | None = None  # the phase this document records; None: the next one


def _phase(notice: NoticeInput) -> tuple[str, int]:
    """The phase this document is, and its rank among the notifications."""
    if notice.notification is not None:
        return notice.notification.phase, notice.notifications.index(notice.notification) + 1
    rank = len(notice.notifications) + 1
    return (NotificationPhase.INITIAL if rank == 1 else NotificationPhase.COMPLEMENTARY), rank


def document_phase(notice: NoticeInput) -> str:
    """`draft_initial`, `draft_complementary`, `initial` or `complementary`: what the
    title and the file name say."""
    phase, _ = _phase(notice)
    return phase if notice.notification is not None else f"draft_{phase}"


def notice_title(tr: Translator, notice: NoticeInput) -> str:
    _, rank = _phase(notice)
    return tr(f"breach.notice.title.{document_phase(notice)}", rank=rank)


def _initial_late(notice: NoticeInput) -> bool:
    breach = notice.breach
    return bool(notice.notifications and breach.notification_deadline
                and breach_notification_late(breach.notification_deadline, notice.notifications[0].sent_at))


def _representative(tr: Translator, entity: Entity) -> str:
    if not entity.legal_representative:
        return tr("breach.notice.representative_missing")
    return ", ".join(part for part in (entity.legal_representative, entity.legal_representative_title) if part)


def build_authority_notice(stamp: DocumentStamp, tr: Translator, notice: NoticeInput, *, overdue: bool,
                           delay_reasons: str = "") -> bytes:
    """`overdue`: no notification sent yet and the deadline has passed: the document is
    then the late initial notification and carries `delay_reasons` (the use case
    requires them)."""
    breach, entity = notice.breach, notice.entity
    phase, rank = _phase(notice)
    initial = notice.notifications[0] if notice.notifications else None
    sent = notice.notification
    title = notice_title(tr, notice)
    late = _initial_late(notice) or overdue
    reasons = (initial.delay_reasons if initial else delay_reasons) if late else ""
    sections = [
        ("breach.notice.s_organisation", key_value_table([
            (tr("breach.notice.controller"), entity.legal_name),
            (tr("breach.notice.registration"), entity.registration_number),
            (tr("breach.notice.address"), entity.address),
            (tr("breach.notice.representative"), _representative(tr, entity)),
            (tr("breach.notice.contact"), tr("breach.notice.contact_dpo", name=entity.dpo_name)),
            (tr("breach.notice.dpo_email"), entity.dpo_email),
            (tr("breach.notice.dpo_phone"), entity.dpo_phone),
            (tr("breach.notice.dpo_address"), entity.dpo_address),
        ])),
        ("breach.notice.s_timeline", key_value_table([
            (tr("breach.field.started_at"), bt.when(tr, breach.started_at)),
            (tr("breach.field.ended_at"), bt.when(tr, breach.ended_at, "breach.doc.not_ended")),
            (tr("breach.field.detected_at"), bt.when(tr, breach.detected_at)),
            (tr("breach.field.aware_at"), bt.when(tr, breach.aware_at)),
            (tr("breach.field.notification_deadline"), bt.when(tr, breach.notification_deadline)),
            (tr("breach.field.notified_at"), bt.when(tr, initial.sent_at) if initial else tr("breach.notice.to_send")),
            *([(tr("breach.notice.delay_reasons"), reasons)] if late else []),
        ])),
        ("breach.notice.s_nature", key_value_table([
            (tr("breach.field.title"), breach.title),
            (tr("breach.field.description"), breach.description),
            (tr("breach.field.discovery"), breach.discovery),
            (tr("breach.field.nature"), bt.nature(tr, breach)),
            (tr("breach.field.cause"), bt.cause(tr, breach)),
            (tr("breach.field.cause_details"), breach.cause_details),
            (tr("breach.field.systems"), breach.systems),
            (tr("breach.notice.processor_row"), breach.processor_name or tr("breach.notice.no_processor")),
            (tr("breach.field.activities"), "\n".join(notice.activities)),
        ])),
        ("breach.notice.s_data", key_value_table([
            (tr("breach.field.data_categories"), bt.categories(tr, breach)),
            (tr("breach.notice.special"), bt.flags(tr, breach, bt.SPECIAL_FLAGS)),
            (tr("breach.notice.highly_personal"), bt.flags(tr, breach, bt.HIGHLY_PERSONAL_FLAGS)),
            (tr("breach.field.data_details"), breach.data_details),
            (tr("breach.field.people_categories"), breach.people_categories),
            (tr("breach.field.people_count"), bt.approximate(tr, breach.people_min, breach.people_max)),
            (tr("breach.field.records_count"), bt.approximate(tr, breach.records_min, breach.records_max)),
        ])),
        ("breach.notice.s_consequences", key_value_table([
            (tr("breach.field.likely_consequences"), breach.likely_consequences),
            (tr("breach.field.risk_level"), bt.risk(tr, breach)),
            (tr("breach.field.risk_justification"), breach.risk_justification),
        ])),
        ("breach.notice.s_measures", key_value_table([
            (tr("breach.field.measures_taken"), breach.measures_taken),
            (tr("breach.field.measures_proposed"), breach.measures_proposed),
        ])),
        ("breach.notice.s_people", para(bt.people_information(tr, breach))),
    ]
    if notice.notifications:
        sections.append(("breach.notice.s_phases", grid_table(
            [tr("breach.col.phase"), tr("breach.col.sent_at"), tr("breach.col.authority_reference"),
             tr("breach.col.content_added")],
            [[tr(f"breach.phase.{n.phase}"), bt.when(tr, n.sent_at), n.authority_reference, n.content_added]
             for n in notice.notifications],
            widths=[0.17 * CONTENT_WIDTH, 0.18 * CONTENT_WIDTH, 0.2 * CONTENT_WIDTH, 0.45 * CONTENT_WIDTH])))
    story = [
        para(title, "title"),
        para(tr("breach.notice.subtitle", entity=entity.name), "subtitle"),
        key_value_table([
            (tr("breach.notice.type"), tr(f"breach.phase.{phase}") + (f" (n° {rank})" if rank > 1 else "")),
            (tr("breach.notice.state"), tr("breach.notice.state_sent") if sent else tr("breach.notice.state_draft")),
            (tr("breach.notice.initial_reference"), initial.authority_reference if initial and rank > 1 else None),
            (tr("breach.notice.this_reference"), sent.authority_reference if sent else tr("breach.notice.to_send")),
            (tr("breach.notice.sent_at"), bt.when(tr, sent.sent_at) if sent else tr("breach.notice.to_send")),
            (tr("breach.field.reference"), breach.reference),
        ]),
    ]
    for number, (key, body) in enumerate(sections, start=1):
        story += [heading(f"{number}. {tr(key)}"), body]
    story.append(KeepTogether([spacer(6), para(tr("breach.notice.attestation"), "small"), spacer(3),
                               signature_block(tr, [(tr("breach.notice.dpo"), entity.dpo_name)])]))
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} — {breach.reference}",
                     subject=tr("breach.notice.subject"), author=stamp.issued_by, header=entity.legal_name,
                     keywords=[breach.reference])
