"""What the data-subject-request documents are built from, and the parts they
share: the controller's letterhead, the addressee, the subject line, the DPO's
signature and the CNIL complaint notice."""

from dataclasses import dataclass, field
from datetime import date

from exports.pdf.base import CONTENT_WIDTH, key_value_table, markup, para, spacer, text
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle


@dataclass(frozen=True)
class Controller:
    name: str
    legal_name: str
    address: str
    registration_number: str
    dpo_name: str
    dpo_email: str
    dpo_address: str


@dataclass(frozen=True)
class RequestFacts:
    reference: str
    requester_name: str
    requester_contact: str
    channel: str  # code, translated by the document
    received_on: date
    rights: tuple[str, ...]  # codes
    legal_due_on: date
    due_on: date
    health_due_on: date | None = None
    extended: bool = False
    extension_reasons: str = ""
    first_due_on: date | None = None  # before the extension
    extension_notified_on: date | None = None  # the day the person was told of the extension


@dataclass(frozen=True)
class ErasureLine:
    system: str
    data_category: str
    method: str  # code
    performed_on: date
    performed_by: str


@dataclass(frozen=True)
class RetentionLine:
    data_category: str
    reason: str
    keep_until: date | None


@dataclass(frozen=True)
class RecipientLine:
    """Art. 19: a recipient of the data and whether it was told of the erasure."""
    recipient: str
    state: str  # code: pending, notified, impossible
    notified_on: date | None
    note: str


@dataclass(frozen=True)
class CertificateFacts:
    erased: list[ErasureLine]
    kept: list[RetentionLine] = field(default_factory=list)
    recipients: list[RecipientLine] = field(default_factory=list)
    backups_overwritten_on: date | None = None  # the last backup holding the data is overwritten
    request_file_kept_until: date | None = None
    verified_by: str = ""
    outcome: str = ""  # code, "" while the request is open
    answered_on: date | None = None


@dataclass(frozen=True)
class FeeFacts:
    """A reasonable fee told to the person (models/dsr_fee.py)."""
    basis: str  # code: further_copy, manifestly_unfounded, excessive
    amount_cents: int  # euros
    cost_basis: str
    reasons: str
    notified_on: date


def day(tr: Translator, value: date | None) -> str:
    """A date in the document's language, long form ("5 avril 2026")."""
    if value is None:
        return "—"
    return f"{value.day} {tr(f'month.{value.month}')} {value.year}"


def rights_text(tr: Translator, rights: tuple[str, ...]) -> str:
    return ", ".join(tr(f"dsr.right.{r}") for r in rights)


def letterhead(tr: Translator, controller: Controller, facts: RequestFacts, stamp: DocumentStamp,
               subject: str, dated: date | None = None) -> list[Flowable]:
    """Sender on the left, addressee on the right, place and date, subject line. The letter
    is dated `dated` (the day an answer was sent) or else the day the PDF is issued."""
    sender = markup(f"<b>{text(controller.legal_name)}</b><br/>{text(controller.dpo_address or controller.address)}"
                    f"<br/>{text(controller.dpo_email)}", "cell")
    addressee = markup(f"<b>{text(facts.requester_name)}</b><br/>{text(facts.requester_contact)}", "cell")
    table = Table([[sender, addressee]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    issued = dated or paris_date(stamp.issued_at)
    return [
        table,
        spacer(8),
        para(tr("dsr.pdf.dated", date=day(tr, issued))),
        spacer(4),
        markup(f"<b>{text(tr('dsr.pdf.subject'))}</b> {text(subject)} — {text(tr('dsr.pdf.our_ref'))} "
               f"{text(facts.reference)}"),
        spacer(6),
    ]


def summary(tr: Translator, facts: RequestFacts, extra: list[tuple[str, object]] = ()) -> Flowable:
    return key_value_table([
        (tr("dsr.pdf.reference"), facts.reference),
        (tr("dsr.pdf.received_on"), day(tr, facts.received_on)),
        (tr("dsr.pdf.channel"), tr(f"dsr.channel.{facts.channel}")),
        (tr("dsr.pdf.rights"), rights_text(tr, facts.rights)),
        *extra,
    ])


def closing(tr: Translator, controller: Controller) -> list[Flowable]:
    """The CNIL notice (Art. 77 and Art. 12(4) GDPR) and the DPO's signature."""
    return [
        spacer(4),
        para(tr("dsr.pdf.cnil_notice"), "small"),
        spacer(8),
        KeepTogether([  # the signature never opens a page on its own
            para(tr("dsr.pdf.regards")),
            spacer(10),
            markup(f"<b>{text(controller.dpo_name)}</b><br/>{text(tr('dsr.pdf.dpo_title'))}<br/>"
                   f"{text(controller.legal_name)}"),
        ]),
    ]
