"""Destruction certificate: proof that a person's data was erased after an erasure
request (GDPR Art. 17; the insurer's policy: "un certificat de destruction").

The certificate number is the evidence registry's document number (DOC-YYYY-NNNN),
printed in the title and in every page's footer with the verification code; the
registry keeps the document's SHA-256. A re-issued certificate gets a new number
and supersedes the previous one in the registry.
"""

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para,
                              signature_block, spacer)
from exports.pdf.dsr_common import CertificateFacts, Controller, RequestFacts, day, rights_text
from exports.stamp import DocumentStamp, Translator


def build(tr: Translator, stamp: DocumentStamp, controller: Controller, facts: RequestFacts,
          certificate: CertificateFacts) -> bytes:
    """The person is named by the request's reference only: the certificate circulates
    (to the systems' owners, to an auditor) and needs no more to prove the erasure."""
    title = tr("dsr.pdf.cert.title")
    performers = sorted({line.performed_by for line in certificate.erased})
    erased = [[line.system, line.data_category, tr(f"dsr.erasure_method.{line.method}"),
               day(tr, line.performed_on), line.performed_by] for line in certificate.erased]
    # What is kept, all of it: the request file itself first, then what a law requires.
    kept = [[tr("dsr.pdf.cert.request_file", reference=facts.reference), tr("dsr.pdf.cert.request_file_reason"),
             day(tr, certificate.request_file_kept_until)]]
    kept += [[line.data_category, line.reason, day(tr, line.keep_until) if line.keep_until else "—"]
             for line in certificate.kept]
    recipients = [[line.recipient, tr(f"dsr.recipient_state.{line.state}"),
                   day(tr, line.notified_on) if line.notified_on else "—", line.note]
                  for line in certificate.recipients]
    story = [
        para(title, "title"),
        para(tr("dsr.pdf.cert.subtitle", number=stamp.number, reference=facts.reference), "subtitle"),
        heading(tr("dsr.pdf.cert.controller")),
        key_value_table([
            (tr("dsr.pdf.cert.legal_name"), controller.legal_name),
            (tr("dsr.pdf.cert.address"), controller.address),
            (tr("dsr.pdf.cert.registration"), controller.registration_number),
            (tr("dsr.pdf.cert.dpo"), f"{controller.dpo_name} — {controller.dpo_email}"),
        ]),
        heading(tr("dsr.pdf.cert.request")),
        key_value_table([
            (tr("dsr.pdf.cert.number"), stamp.number),
            (tr("dsr.pdf.reference"), facts.reference),
            (tr("dsr.pdf.received_on"), day(tr, facts.received_on)),
            (tr("dsr.pdf.rights"), rights_text(tr, facts.rights)),
            (tr("dsr.pdf.cert.outcome"), tr(f"dsr.outcome.{certificate.outcome}") if certificate.outcome else "—"),
        ]),
        heading(tr("dsr.pdf.cert.erased")),
        grid_table([tr("dsr.pdf.cert.col.system"), tr("dsr.pdf.cert.col.category"), tr("dsr.pdf.cert.col.method"),
                    tr("dsr.pdf.cert.col.date"), tr("dsr.pdf.cert.col.by")], erased,
                   widths=[36 * mm, 48 * mm, 27 * mm, 31 * mm, CONTENT_WIDTH - 142 * mm]),
        spacer(2),
        para(tr("dsr.pdf.cert.methods"), "small"),
        spacer(2),
        para(tr("dsr.pdf.cert.backups", date=day(tr, certificate.backups_overwritten_on))),
        heading(tr("dsr.pdf.cert.recipients")),
        (grid_table([tr("dsr.pdf.cert.col.recipient"), tr("dsr.pdf.cert.col.state"),
                     tr("dsr.pdf.cert.col.informed_on"), tr("dsr.pdf.cert.col.note")], recipients,
                    widths=[50 * mm, 30 * mm, 30 * mm, CONTENT_WIDTH - 110 * mm])
         if recipients else para(tr("dsr.pdf.cert.no_recipient"))),
        heading(tr("dsr.pdf.cert.kept")),
        grid_table([tr("dsr.pdf.cert.col.category"), tr("dsr.pdf.cert.col.reason"),
                    tr("dsr.pdf.cert.col.until")], kept, widths=[50 * mm, CONTENT_WIDTH - 80 * mm, 30 * mm]),
        # The statement and the signatures stay on one page.
        KeepTogether([
            heading(tr("dsr.pdf.cert.statement_title")),
            para(tr("dsr.pdf.cert.statement", controller=controller.legal_name, reference=facts.reference,
                    backups=day(tr, certificate.backups_overwritten_on))),
            spacer(2),
            para(tr("dsr.pdf.cert.integrity", number=stamp.number), "small"),
            spacer(6),
            signature_block(tr, [(tr("dsr.pdf.cert.performed_by"), ", ".join(performers)),
                                 (tr("dsr.pdf.cert.verified_by"), certificate.verified_by),
                                 (tr("dsr.pdf.cert.dpo_signoff"), controller.dpo_name)]),
        ]),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} {stamp.number} — {facts.reference}",
                     subject=title, author=controller.legal_name, header=controller.name,
                     keywords=[facts.reference])
