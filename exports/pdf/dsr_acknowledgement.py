"""Acknowledgement of receipt of a data-subject request, to the requester."""

from exports.pdf.base import build_pdf, para, spacer
from exports.pdf.dsr_common import Controller, RequestFacts, closing, day, letterhead, summary
from exports.stamp import DocumentStamp, Translator


def build(tr: Translator, stamp: DocumentStamp, controller: Controller, facts: RequestFacts) -> bytes:
    subject = tr("dsr.pdf.ack.subject")
    # Once extended, the deadline is the extended one and the letter says so: no "one
    # month", no "may be extended" (Art. 12(3)).
    basis = tr("dsr.pdf.basis.health") if facts.health_due_on else (
        tr("dsr.pdf.basis.extended") if facts.extended else tr("dsr.pdf.basis.gdpr"))
    deadline = "dsr.pdf.ack.deadline_extended" if facts.extended else "dsr.pdf.ack.deadline"
    story = [
        *letterhead(tr, controller, facts, stamp, subject),
        para(tr("dsr.pdf.salutation")),
        spacer(3),
        para(tr("dsr.pdf.ack.body", received=day(tr, facts.received_on), controller=controller.legal_name)),
        spacer(3),
        summary(tr, facts, [(tr("dsr.pdf.answer_by"), f"{day(tr, facts.due_on)} ({basis})")]),
        spacer(4),
        para(tr(deadline, due=day(tr, facts.due_on))),
        spacer(3),
        para(tr("dsr.pdf.ack.identity")),
        *closing(tr, controller),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{subject} — {facts.reference}",
                     subject=subject, author=controller.legal_name, header=controller.name,
                     keywords=[facts.reference])
