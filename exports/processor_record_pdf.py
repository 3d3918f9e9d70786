"""The record of processing carried out as a processor (GDPR Art. 30(2)) as a PDF.

A cover (the processor: the entity, its representative and its DPO, the date of the
extract, the list of client controllers), then one section per client controller with
every item of Art. 30(2)(a)-(d), the sub-processors and the dates of the service.
Page numbers, document number and verification code come from exports/pdf/base.py.
"""

from collections.abc import Sequence

from reportlab.platypus import KeepTogether, PageBreak

from exports.pdf.base import CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, markup, para, spacer, text
from exports.register_pdf import dpo_block, entity_block
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date


def _dates(tr: Translator, content) -> str:
    if content.ended_on:
        return tr("processor_record.pdf.from_to", start=tr.date(content.started_on), end=tr.date(content.ended_on))
    return tr("processor_record.pdf.since", start=tr.date(content.started_on))


def _cover(entity, records: Sequence, tr: Translator, stamp: DocumentStamp) -> list:
    return [
        spacer(20),
        para(tr("processor_record.pdf.title"), "title"),
        para(tr("processor_record.pdf.subtitle"), "subtitle"),
        spacer(6),
        key_value_table([
            (tr("processor_record.pdf.processor"), entity_block(tr, entity)),
            (tr("register.pdf.representative"),
             ", ".join(p for p in (entity.legal_representative, entity.legal_representative_title) if p) or "—"),
            (tr("register.pdf.dpo"), dpo_block(entity) or "—"),
            (tr("register.pdf.extract_date"), tr.date(paris_date(stamp.issued_at), long=True)),
            (tr("register.pdf.extract_by"), stamp.issued_by),
        ]),
        spacer(8),
        heading(tr("processor_record.pdf.clients")),
        grid_table([tr("processor_record.field.client_name"), tr("processor_record.col.department"),
                    tr("processor_record.col.dates")],
                   [(r.content.client_name, r.department_name, _dates(tr, r.content)) for r in records]
                   or [(tr("processor_record.pdf.none_records"), "", "")],
                   widths=[0.45 * CONTENT_WIDTH, 0.2 * CONTENT_WIDTH, 0.35 * CONTENT_WIDTH]),
    ]


def _section(entity, record, tr: Translator) -> list:
    c = record.content
    art = "processor_record.pdf.art30_2_"
    story = [
        markup(text(c.client_name), "title"),
        key_value_table([(tr("processor_record.col.department"), record.department_name),
                         (tr("processor_record.col.dates"), _dates(tr, c))]),
        heading(tr(art + "a")),
        key_value_table([
            (tr("processor_record.pdf.processor"), entity_block(tr, entity)),
            (tr("processor_record.field.client_name"), c.client_name),
            (tr("processor_record.field.client_address"), c.client_address or "—"),
            (tr("processor_record.field.client_contact"), c.client_contact or "—"),
            (tr("processor_record.field.client_dpo"), c.client_dpo or "—"),
            (tr("processor_record.pdf.processor_dpo"), dpo_block(entity) or "—"),
        ]),
        heading(tr(art + "b")),
        key_value_table([(tr("processor_record.field.processing_categories"), c.processing_categories)]),
        heading(tr("processor_record.field.sub_processors")),
        para("\n".join(c.sub_processors) if c.sub_processors else tr("processor_record.pdf.none_sub"), "small"),
        heading(tr(art + "c")),
        grid_table([tr("register.field.recipient"), tr("register.field.country"), tr("register.field.safeguard"),
                    tr("register.field.safeguard_detail")],
                   [(t.recipient, t.country, tr(f"register.safeguard.{t.safeguard}"), t.safeguard_detail)
                    for t in c.transfers],
                   [w * CONTENT_WIDTH for w in (0.3, 0.1, 0.25, 0.35)])
        if c.transfers else para(tr("register.pdf.none_transfer"), "small"),
        heading(tr(art + "d")),
        key_value_table([(tr("processor_record.field.security_measures"),
                          c.security_measures or tr("processor_record.pdf.none_security"))]),
    ]
    return [KeepTogether(story[:2]), *story[2:]]


def build_processor_record_pdf(entity, records: Sequence, tr: Translator, stamp: DocumentStamp) -> bytes:
    """`records`: dashboard.processor_record.RecordView items (content, department_name)."""
    story = _cover(entity, records, tr, stamp)
    for record in records:
        story += [PageBreak(), *_section(entity, record, tr)]
    title = tr("processor_record.pdf.title_of", entity=entity.name)
    return build_pdf(story, stamp=stamp, tr=tr, title=title, subject=tr("processor_record.pdf.subtitle"),
                     author=stamp.issued_by, header=title, keywords=[entity.code, "Art. 30(2)"])
