"""The letter that tells the person the reasonable fee asked for the request (GDPR Art. 15(3) for
a further copy, Art. 12(5)(a) for a manifestly unfounded or excessive request): its basis, the
amount and how it follows from the administrative costs, the reasons under Art. 12(5), and the
choice to maintain the request or withdraw it before being charged (EDPB Guidelines 01/2022).

As the extension notice does, the letter never pretends to be earlier than it is: issued after
the day recorded as "person told on", it is the written confirmation of what the person was
told that day, and says so."""

from exports.pdf.base import build_pdf, heading, para, spacer
from exports.pdf.dsr_common import Controller, FeeFacts, RequestFacts, closing, day, letterhead, summary
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date


def build(tr: Translator, stamp: DocumentStamp, controller: Controller, facts: RequestFacts, fee: FeeFacts) -> bytes:
    confirmation = paris_date(stamp.issued_at) > fee.notified_on
    subject = tr("dsr.pdf.fee.confirm_subject" if confirmation else "dsr.pdf.fee.subject")
    story = [
        *letterhead(tr, controller, facts, stamp, subject),
        para(tr("dsr.pdf.salutation")),
        spacer(3),
    ]
    if confirmation:
        story += [para(tr("dsr.pdf.fee.confirm_body", notified=day(tr, fee.notified_on))), spacer(3)]
    story += [para(tr(f"dsr.pdf.fee.body.{fee.basis}", received=day(tr, facts.received_on),
                      controller=controller.legal_name))]
    if fee.reasons:
        story += [heading(tr("dsr.pdf.fee.reasons")), para(fee.reasons)]
    story += [
        heading(tr("dsr.pdf.fee.cost_basis")),
        para(fee.cost_basis),
        spacer(4),
        summary(tr, facts, [(tr("dsr.pdf.fee.basis"), tr(f"dsr.fee_basis.{fee.basis}")),
                            (tr("dsr.pdf.fee.amount"), tr("dsr.pdf.fee.amount_value", amount=tr.amount(fee.amount_cents))),
                            (tr("dsr.pdf.fee.notified_on"), day(tr, fee.notified_on)),
                            (tr("dsr.pdf.fee.due"), day(tr, facts.due_on))]),
        spacer(4),
        para(tr("dsr.pdf.fee.choice")),
        spacer(3),
        para(tr("dsr.pdf.fee.deadline", due=day(tr, facts.due_on))),
        *closing(tr, controller),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{subject} — {facts.reference}", subject=subject,
                     author=controller.legal_name, header=controller.name, keywords=[facts.reference])
