"""Extract of the breach register for an inspection (GDPR Art. 33(5)): a summary
table, then for each breach the facts, its effects, the remedial action taken and
the decisions with their reasons."""

from collections.abc import Sequence
from dataclasses import dataclass

from exports import breach_text as bt
from exports.pdf.base import CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para, spacer
from exports.stamp import DocumentStamp, Translator
from models.breach import Breach, BreachNotification


@dataclass(frozen=True)
class RegisterEntry:
    breach: Breach
    entity_name: str
    notifications: list[BreachNotification]


def build_register_extract(stamp: DocumentStamp, tr: Translator, entries: Sequence[RegisterEntry], *,
                           scope: str, organisation: str) -> bytes:
    story = [
        para(tr("breach.register.title"), "title"),
        para(tr("breach.register.subtitle", count=len(entries), date=bt.day(tr, stamp.issued_at), scope=scope),
             "subtitle"),
    ]
    if not entries:
        story.append(para(tr("common.empty")))
    else:
        widths = [w * CONTENT_WIDTH for w in (0.16, 0.32, 0.14, 0.11, 0.15, 0.12)]
        story.append(grid_table(
            [tr("breach.col.reference"), tr("breach.col.breach"), tr("breach.col.aware_on"), tr("breach.col.risk"),
             tr("breach.col.cnil"), tr("breach.col.status")],
            [[e.breach.reference, f"{e.breach.title}\n{e.entity_name}", bt.date_only(tr, e.breach.aware_at),
              bt.risk(tr, e.breach), bt.authority_short(tr, e.breach, e.notifications),
              tr(f"breach.short.{e.breach.status}")] for e in entries],
            widths=widths))
    for entry in entries:
        breach = entry.breach
        story += [
            heading(f"{breach.reference} — {breach.title}"),
            key_value_table([
                (tr("breach.col.entity"), entry.entity_name),
                (tr("breach.field.description"), breach.description),
                (tr("breach.field.timeline"), tr("breach.register.timeline",
                                                 start=bt.when(tr, breach.started_at),
                                                 end=bt.when(tr, breach.ended_at, "breach.doc.not_ended"),
                                                 detected=bt.when(tr, breach.detected_at),
                                                 aware=bt.when(tr, breach.aware_at))),
                (tr("breach.field.nature"), bt.nature(tr, breach)),
                (tr("breach.field.cause"), bt.cause(tr, breach)
                 + (f" — {tr('breach.notice.processor', name=breach.processor_name)}" if breach.processor_name
                    else "")),
                (tr("breach.field.data_categories"), bt.categories(tr, breach)),
                (tr("breach.field.people_count"), f"{breach.people_categories or '—'} · "
                                                  f"{bt.approximate(tr, breach.people_min, breach.people_max)}"),
                (tr("breach.field.records_count"), bt.approximate(tr, breach.records_min, breach.records_max)),
                (tr("breach.field.likely_consequences"), breach.likely_consequences),
                (tr("breach.field.measures_taken"), breach.measures_taken),
                (tr("breach.field.risk_level"), f"{bt.risk(tr, breach)} — {breach.risk_justification or '—'}"),
                (tr("breach.col.authority"), bt.authority(tr, breach, entry.notifications)),
                (tr("breach.field.delay_reasons"), entry.notifications[0].delay_reasons
                 if entry.notifications else None),
                (tr("breach.field.people_information"), bt.people_information(tr, breach)),
                (tr("breach.col.status"), tr(f"breach.status.{breach.status}")),
            ]),
            spacer(2),
        ]
    return build_pdf(story, stamp=stamp, tr=tr, title=tr("breach.register.title"),
                     subject=tr("breach.register.subject"), author=stamp.issued_by, header=organisation)
