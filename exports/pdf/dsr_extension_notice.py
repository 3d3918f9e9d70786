"""Notice to the requester that the answer period is extended by two months, with
the reasons (GDPR Art. 12(3)); it must reach the person within the first month.

The letter never pretends to be earlier than it is: issued after the day recorded as
"person informed on", it is the written confirmation of what the person was told that
day, and says so."""

from models.clock import paris_date

from exports.pdf.base import build_pdf, heading, para, spacer
from exports.pdf.dsr_common import Controller, RequestFacts, closing, day, letterhead, summary
from exports.stamp import DocumentStamp, Translator


def build(tr: Translator, stamp: DocumentStamp, controller: Controller, facts: RequestFacts) -> bytes:
    notified = facts.extension_notified_on
    confirmation = notified is not None and paris_date(stamp.issued_at) > notified
    subject = tr("dsr.pdf.ext.confirm_subject" if confirmation else "dsr.pdf.ext.subject")
    body = (tr("dsr.pdf.ext.confirm_body", received=day(tr, facts.received_on), controller=controller.legal_name,
               notified=day(tr, notified)) if confirmation
            else tr("dsr.pdf.ext.body", received=day(tr, facts.received_on), controller=controller.legal_name))
    story = [
        *letterhead(tr, controller, facts, stamp, subject),
        para(tr("dsr.pdf.salutation")),
        spacer(3),
        para(body),
        heading(tr("dsr.pdf.ext.reasons")),
        para(facts.extension_reasons),
        spacer(4),
        summary(tr, facts, [(tr("dsr.pdf.ext.first_due"), day(tr, facts.first_due_on)),
                            (tr("dsr.pdf.ext.new_due"), day(tr, facts.legal_due_on)),
                            (tr("dsr.pdf.ext.notified_on"), day(tr, notified))]),
        spacer(4),
        para(tr("dsr.pdf.ext.commitment", due=day(tr, facts.legal_due_on))),
        *closing(tr, controller),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{subject} — {facts.reference}", subject=subject,
                     author=controller.legal_name, header=controller.name, keywords=[facts.reference])
