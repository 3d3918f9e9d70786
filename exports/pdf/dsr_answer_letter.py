"""The answer to a data-subject request, as sent to the person: the controller's
letterhead and the addressee (name and contact only: the letter carries no other
personal data than what the answer itself says), the subject line, the letter's text
as written by the DPO or legal, and the DPO's signature."""

from datetime import date

from reportlab.platypus import KeepTogether

from exports.pdf.base import build_pdf, markup, para, spacer, text
from exports.pdf.dsr_common import Controller, RequestFacts, day, letterhead
from exports.stamp import DocumentStamp, Translator


def build(tr: Translator, stamp: DocumentStamp, controller: Controller, facts: RequestFacts, kind: str, body: str,
          sent_on: date | None = None) -> bytes:
    subject = tr(f"answer.pdf.subject.{kind}")
    story = [*letterhead(tr, controller, facts, stamp, subject, dated=sent_on)]  # dated the day it was sent
    if sent_on is not None:
        story += [para(tr("answer.pdf.sent_on", date=day(tr, sent_on)), "small"), spacer(3)]
    paragraphs = [p.strip("\n") for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    for paragraph in paragraphs[:-1]:
        story += [para(paragraph), spacer(2.5)]
    # The last paragraph goes with the signature: a page holding the signature alone could be
    # put behind any text. (A last paragraph longer than a page is split by reportlab anyway.)
    story.append(KeepTogether([
        *([para(paragraphs[-1]), spacer(2.5)] if paragraphs else []),
        spacer(8),
        markup(f"<b>{text(controller.dpo_name)}</b><br/>{text(tr('dsr.pdf.dpo_title'))}<br/>"
               f"{text(controller.legal_name)}"),
    ]))
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{subject} — {facts.reference}", subject=subject,
                     author=controller.legal_name, header=controller.name, keywords=[facts.reference])
