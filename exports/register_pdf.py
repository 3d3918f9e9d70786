"""The record of processing activities as a PDF a DPO can hand to the CNIL.

The record is the controller's (Art. 30(1)), kept with the DPO's help (Art. 39(1)): the
cover names the controller and its legal representative, and both the controller and the
DPO sign it. A cover page (controller, DPO contact, date of extract, summary of the entries), then
one section per entry with every item of GDPR Art. 30(1)(a)-(g), each section on its
own page. Page numbers, document number and verification code come from
exports/pdf/base.py.
"""

from collections.abc import Sequence

from reportlab.platypus import KeepTogether, PageBreak

from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, markup, para,
                              signature_block, spacer, text)
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date
from models.org import Entity
from models.register import RegisterEntry


def _label(tr: Translator, prefix: str, code: str) -> str:
    return tr(prefix + code) if code else ""


def _status(tr: Translator, entry: RegisterEntry) -> str:
    if entry.status == "validated":
        return tr("register.pdf.validated_by", name=entry.validated_by or "—", date=tr.date(entry.validated_at))
    return tr("register.pdf.draft")


def entity_block(tr: Translator, entity: Entity) -> str:
    """The entity's name, address and registration number, one per line (also the Art. 30(2) record's)."""
    parts = [entity.legal_name, entity.address, tr("register.pdf.registration", number=entity.registration_number)
             if entity.registration_number else ""]
    return "\n".join(p for p in parts if p)


def dpo_block(entity: Entity) -> str:
    return "\n".join(p for p in (entity.dpo_name, entity.dpo_email, entity.dpo_phone, entity.dpo_address) if p)


def _representative(tr: Translator, entity: Entity) -> str:
    if not entity.legal_representative:
        return tr("register.pdf.representative_missing")
    return ", ".join(p for p in (entity.legal_representative, entity.legal_representative_title) if p)


def _cover(entity: Entity, entries: Sequence[RegisterEntry], tr: Translator, stamp: DocumentStamp) -> list:
    validated = sum(1 for e in entries if e.status == "validated")
    story = [
        spacer(20),
        para(tr("register.pdf.title"), "title"),
        para(tr("register.pdf.subtitle"), "subtitle"),
        spacer(6),
        key_value_table([
            (tr("register.pdf.controller"), entity_block(tr, entity)),
            (tr("register.pdf.representative"), _representative(tr, entity)),
            (tr("register.pdf.dpo"), dpo_block(entity)),
            (tr("register.pdf.extract_date"), tr.date(paris_date(stamp.issued_at), long=True)),
            (tr("register.pdf.extract_by"), stamp.issued_by),
            (tr("register.pdf.entries"), tr("register.pdf.entries_count", total=len(entries), validated=validated,
                                            drafts=len(entries) - validated)),
        ]),
        spacer(6),
        signature_block(tr, [(tr("register.pdf.sign_controller"),
                              "\n".join(p for p in (entity.legal_representative, entity.legal_representative_title,
                                                     entity.legal_name) if p)),
                             (tr("register.pdf.sign_dpo"), entity.dpo_name)],
                        lead_in=[para(tr("register.pdf.cover_note", controller=entity.legal_name), "small"),
                                 spacer(4)]),
        spacer(8),
        heading(tr("register.pdf.contents")),
        grid_table([tr("register.col.reference"), tr("register.col.name"), tr("register.col.department"),
                    tr("register.col.status")],
                   [(e.reference, e.content.name, e.department_name, tr(f"register.status.{e.status}"))
                    for e in entries] or [(tr("register.pdf.no_entries"), "", "", "")],
                   widths=[0.18 * CONTENT_WIDTH, 0.47 * CONTENT_WIDTH, 0.22 * CONTENT_WIDTH, 0.13 * CONTENT_WIDTH]),
    ]
    return story


def _list_or_none(tr: Translator, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
                  none_key: str) -> object:
    if not rows:
        return para(tr(none_key), "small")
    return grid_table(header, rows, [w * CONTENT_WIDTH for w in widths])


def _more_fields(tr: Translator, content) -> list[tuple[str, str]]:
    """The register fields a DPO expects beside Art. 30(1) (Art. 22 decisions, sources,
    number of people, medium)."""
    automated = tr("common.no")
    if content.automated_decisions:
        automated = " — ".join(p for p in (tr("common.yes"), content.automated_decisions_detail) if p)
    not_stated = tr("register.not_stated")
    return [(tr("register.col.automated_decisions"), automated),
            (tr("register.col.data_sources"), content.data_sources or not_stated),
            (tr("register.col.people_count"), _label(tr, "register.people_count.", content.people_count) or not_stated),
            (tr("register.col.medium"), _label(tr, "register.medium.", content.medium) or not_stated)]


def _section(entity: Entity, entry: RegisterEntry, tr: Translator) -> list:
    content = entry.content
    art = "register.pdf.art30_"
    story = [
        markup(f"{text(entry.reference)} — {text(content.name)}", "title"),
        key_value_table([
            (tr("register.col.department"), entry.department_name),
            (tr("register.col.status"), _status(tr, entry)),
            (tr("register.col.last_reviewed_on"), tr.date(entry.last_reviewed_on)),
            (tr("register.col.next_review_on"), tr.date(entry.next_review_on)),
            (tr("register.col.description"), content.description),
            *_more_fields(tr, content),
        ]),
        heading(tr(art + "a")),
        key_value_table([
            (tr("register.pdf.controller"), entity_block(tr, entity)),
            (tr("register.col.joint_controllers"), content.joint_controllers or tr("register.pdf.none_joint")),
            (tr("register.pdf.dpo"), dpo_block(entity)),
        ]),
        heading(tr(art + "b")),
        _list_or_none(tr, [tr("register.field.purpose"), tr("register.field.legal_basis"),
                           tr("register.field.legitimate_interest")],
                      [(p.description, _label(tr, "register.basis.", p.legal_basis), p.legitimate_interest)
                       for p in content.purposes], (0.45, 0.22, 0.33), "register.pdf.none"),
    ]
    if content.uses_consent:
        story += [spacer(2), key_value_table([
            (tr("register.col.consent_records"), content.consent_records),
            (tr("register.col.withdrawal_propagation"), content.withdrawal_propagation)])]
    story += [
        heading(tr(art + "c")),
        key_value_table([(tr("register.col.subject_categories"),
                          "\n".join(s.name for s in content.subject_categories))]),
        spacer(2),
        _list_or_none(tr, [tr("register.field.data_category"), tr("register.field.sensitivity"),
                           tr("register.field.condition"), tr("register.field.proof_location")],
                      [(c.name, _label(tr, "register.sensitivity.", c.sensitivity),
                        "\n".join(x for x in (_label(tr, "register.condition.", c.condition), c.condition_detail) if x),
                        c.proof_location) for c in content.data_categories],
                      (0.28, 0.17, 0.33, 0.22), "register.pdf.none"),
        heading(tr(art + "d")),
        _list_or_none(tr, [tr("register.field.recipient"), tr("register.field.recipient_kind")],
                      [(r.name, _label(tr, "register.recipient_kind.", r.kind)) for r in content.recipients],
                      (0.7, 0.3), "register.pdf.none"),
        heading(tr(art + "e")),
        _list_or_none(tr, [tr("register.field.recipient"), tr("register.field.country"),
                           tr("register.field.safeguard"), tr("register.field.safeguard_detail")],
                      [(t.recipient, t.country, _label(tr, "register.safeguard.", t.safeguard), t.safeguard_detail)
                       for t in content.transfers], (0.3, 0.1, 0.25, 0.35), "register.pdf.none_transfer"),
        heading(tr(art + "f")),
        _list_or_none(tr, [tr("register.field.data_category"), tr("register.field.duration"),
                           tr("register.field.start_event"), tr("register.field.end_action"),
                           tr("register.field.justification")],
                      [(r.category or tr("register.all_categories"),
                        f"{r.duration} {tr('register.unit.' + r.unit)}", r.start_event,
                        _label(tr, "register.end_action.", r.end_action), r.justification)
                       for r in content.retention_rules], (0.2, 0.13, 0.25, 0.15, 0.27), "register.pdf.none"),
        heading(tr(art + "g")),
        _list_or_none(tr, [tr("register.field.security_category"), tr("register.field.description")],
                      [(_label(tr, "register.security.", m.category), m.description)
                       for m in content.security_measures], (0.3, 0.7), "register.pdf.none"),
    ]
    return [KeepTogether(story[:2]), *story[2:]]


def build_register_pdf(entity: Entity, entries: Sequence[RegisterEntry], tr: Translator,
                       stamp: DocumentStamp) -> bytes:
    story = _cover(entity, entries, tr, stamp)
    for entry in entries:
        story += [PageBreak(), *_section(entity, entry, tr)]
    title = tr("register.pdf.title_of", entity=entity.name)
    return build_pdf(story, stamp=stamp, tr=tr, title=title, subject=tr("register.pdf.subtitle"),
                     author=stamp.issued_by, header=title, keywords=[entity.code, "Art. 30"])

