"""The end-of-contract destruction certificate (PDF): the app's own attestation, for
the file, that the processor returned or deleted the data and proved its destruction
in writing (GDPR Art. 28(3)(g); the CNIL's model clause asks the processor to justify
the destruction in writing), existing copies and backups included (Art. 28(3)(g)), with
what its sub-processors did (Art. 28(4)) and what it keeps because a law requires it."""

from datetime import date

from exports.pdf.base import build_pdf, heading, key_value_table, markup, para, signature_block, spacer, text
from exports.pdf.processor_common import Party, country, day
from exports.stamp import DocumentStamp, Translator


def build_destruction_certificate(*, controller: Party, processor: Party, reference: str, contract_title: str,
                                  contract_reference: str, ended_on: date, end_choice: str, due_date: date,
                                  proved_on: date, method: str, attestation_ref: str, activities: list[str],
                                  data_categories: list[str], tr: Translator, stamp: DocumentStamp,
                                  signatory: str, copies: str = "", subprocessors_proof: str = "",
                                  subprocessors: list[str] = (), retained_by_law: str = "") -> bytes:
    title = tr("processor.pdf.certificate.title")
    on_time = proved_on <= due_date
    statement = tr("processor.pdf.certificate.statement", signatory=text(signatory), controller=text(controller.name),
                   processor=text(processor.name), contract=text(contract_title),
                   ended=day(tr, ended_on), proved=day(tr, proved_on), attestation=text(attestation_ref))
    story = [
        para(title, "title"),
        para(tr("processor.pdf.certificate.subtitle"), "subtitle"),
        heading(tr("processor.pdf.parties")),
        key_value_table([
            (tr("processor.pdf.controller"),
             "\n".join(v for v in (controller.name, controller.extra, controller.address) if v)),
            (tr("processor.pdf.processor"),
             "\n".join(v for v in (processor.name, processor.address, country(tr, processor.country_code)) if v)),
            (tr("processor.pdf.processor_ref"), reference),
        ]),
        heading(tr("processor.pdf.certificate.contract")),
        key_value_table([
            (tr("processor.field.title"), contract_title),
            (tr("processor.field.document_reference"), contract_reference),
            (tr("processor.field.ended_on"), day(tr, ended_on)),
            (tr("processor.field.end_choice"), tr(f"processor.end_choice.{end_choice}")),
            (tr("processor.contract.end_due"), day(tr, due_date)),
            (tr("processor.pdf.certificate.activities"), "\n".join(activities)),
            (tr("processor.field.data_categories"), ", ".join(data_categories)),
        ]),
        heading(tr("processor.pdf.certificate.proof")),
        key_value_table([
            (tr("processor.field.destruction_proved_on"), day(tr, proved_on)),
            (tr("processor.field.destruction_method"), method),
            (tr("processor.field.destruction_attestation_ref"), attestation_ref),
            (tr("processor.pdf.certificate.timeliness"),
             tr("processor.pdf.certificate.on_time") if on_time else tr("processor.pdf.certificate.late")),
        ]),
        heading(tr("processor.pdf.certificate.copies_section")),
        key_value_table([
            (tr("processor.field.destruction_copies"), copies),
            (tr("processor.pdf.certificate.subprocessors_known"), "\n".join(subprocessors) or tr("common.none")),
            (tr("processor.field.destruction_subprocessors"), subprocessors_proof),
        ]),
        heading(tr("processor.pdf.certificate.retained_section")),
        para(retained_by_law or tr("processor.pdf.certificate.nothing_retained")),
        spacer(),
        markup(statement),
        spacer(2),
        signature_block(tr, [(tr("processor.pdf.certificate.signatory"), signatory)],
                        lead_in=[para(tr("processor.pdf.certificate.basis"), "small"), spacer(6)]),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=title, subject=f"{processor.name} — {contract_title}",
                     author=stamp.issued_by, header=controller.name, keywords=["destruction certificate", reference])
