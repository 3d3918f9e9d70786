"""Extract of the processor register (PDF): one row per processor, as the DPO hands
it to an auditor or to the CNIL."""

from dataclasses import dataclass

from reportlab.lib.units import mm

from exports.pdf.base import CONTENT_WIDTH, build_pdf, grid_table, para, spacer
from exports.pdf.processor_common import LocationLine, country, day, location_text
from exports.stamp import DocumentStamp, Translator


@dataclass(frozen=True)
class RegisterLine:
    reference: str
    legal_name: str
    country_code: str
    services: str
    entities: list[str]
    status: str
    locations: list[LocationLine]
    contract: str  # e.g. "score 88 / 100, 1 missing clause" (already worded), or "" for none
    flags: list[str]  # flag keys (processor.flag.*)
    next_deadline: object = None  # date | None


def build_register_extract(lines: list[RegisterLine], *, tr: Translator, stamp: DocumentStamp, issuer: str,
                           scope: str) -> bytes:
    title = tr("processor.pdf.register.title")
    story = [para(title, "title"), para(tr("processor.pdf.register.subtitle", scope=scope, count=len(lines),
                                           date=day(tr, stamp.issued_at.date())), "subtitle")]
    header = [tr("processor.col.reference"), tr("processor.col.processor_services"), tr("processor.col.locations"),
              tr("processor.col.contract"), tr("processor.col.flags")]
    rows = []
    for line in lines:
        entities = tr("common.label_value", label=tr("processor.col.entities"), value=", ".join(line.entities))
        who = f"{line.legal_name} — {country(tr, line.country_code)}\n{entities}\n{line.services}"
        flags = "\n".join(tr(f"processor.flag.{flag}") for flag in line.flags) or tr("processor.flag.none")
        contract = line.contract or tr("processor.contract.none")
        if line.next_deadline:
            contract += "\n" + tr("common.label_value", label=tr("processor.col.next_deadline"),
                                   value=day(tr, line.next_deadline))
        rows.append([f"{line.reference}\n{tr(f'processor.status.{line.status}')}", who,
                     "\n".join(location_text(tr, loc) for loc in line.locations), contract, flags])
    widths = [30 * mm, 50 * mm, 0, 32 * mm, 28 * mm]
    widths[2] = CONTENT_WIDTH - sum(widths)
    story += [grid_table(header, rows, widths) if rows else para(tr("processor.pdf.register.empty")), spacer(),
              para(tr("processor.pdf.register.note"), "small")]
    return build_pdf(story, stamp=stamp, tr=tr, title=title, subject=tr("processor.pdf.register.subject"),
                     author=stamp.issued_by, header=issuer, keywords=["processor register"])
