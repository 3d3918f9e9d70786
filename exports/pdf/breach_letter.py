"""Communication of a personal-data breach to the people concerned (GDPR Art. 34(2)).

Clear and plain language, in the order a person reads it: what happened, which
data, what it may mean for them, what the organisation did, what they should do
now, and whom to ask (the DPO), with the right to complain to the CNIL.
"""

from reportlab.platypus import KeepTogether

from exports import breach_text as bt
from exports.pdf.base import build_pdf, heading, markup, para, spacer, text
from exports.stamp import DocumentStamp, Translator
from models.breach import DATA_CATEGORIES, Breach
from models.org import Entity


def _data_in_plain_words(tr: Translator, breach: Breach) -> str:
    labels = [tr(f"breach.category.{code}") for code in breach.data_categories if code in DATA_CATEGORIES]
    return ", ".join(labels) if labels else tr("breach.letter.data_unknown")


def build_people_letter(stamp: DocumentStamp, tr: Translator, breach: Breach, entity: Entity, *,
                        authority_notified: bool) -> bytes:
    story = [
        para(entity.address, "small"),
        para(f"{tr('breach.letter.place_date', date=bt.day(tr, stamp.issued_at))} — "
             f"{tr('breach.letter.reference', reference=breach.reference)}", "small"),
        spacer(3),
        para(tr("breach.letter.title"), "title"),
        para(tr("breach.letter.salutation")),
        spacer(1),
        para(tr("breach.letter.intro", organisation=entity.name)),
        heading(tr("breach.letter.what_happened")),
        para(breach.people_summary),
        para(tr("breach.letter.discovered", date=bt.day(tr, breach.detected_at))),
        heading(tr("breach.letter.which_data")),
        para(_data_in_plain_words(tr, breach)),
        heading(tr("breach.letter.consequences")),
        para(breach.likely_consequences or tr("breach.letter.consequences_unknown")),
        heading(tr("breach.letter.what_we_did")),
        para(breach.measures_taken),
    ]
    if breach.measures_proposed:
        story.append(para(breach.measures_proposed))
    if authority_notified:
        story.append(para(tr("breach.letter.cnil_informed")))
    contact = " — ".join(text(part) for part in (entity.dpo_name, entity.dpo_email, entity.dpo_phone) if part)
    story += [
        heading(tr("breach.letter.what_to_do")),
        para(breach.people_advice),
        heading(tr("breach.letter.questions")),
        para(tr("breach.letter.contact_intro")),
        markup(f"<b>{contact}</b><br/>{text(entity.dpo_address)}"),
        spacer(1),
        para(tr("breach.letter.complaint")),
        KeepTogether([
            spacer(3),
            para(tr("breach.letter.apology")),
            spacer(4),
            markup(f"{text(entity.dpo_name)}<br/>{text(tr('breach.letter.signature_role', organisation=entity.name))}"),
        ]),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{tr('breach.letter.title')} — {breach.reference}",
                     subject=tr("breach.letter.subject"), author=stamp.issued_by, header=entity.legal_name,
                     keywords=[breach.reference])
