"""DPO Desk's own retention certificate (GDPR Art. 5(1)(e), dashboard/own_retention.py):
what one run of the retention job pseudonymised, per kind of case and period, which
documents and sealed audit parts became unreadable (their keys destroyed), and what is
kept, why and until when. It names cases by their references only (no personal data)."""

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm

from exports.pdf.base import CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para, spacer
from exports.pdf.dsr_common import day
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date


@dataclass(frozen=True)
class Line:
    kind: str  # dsr / breach
    months: int
    count: int
    closed_from: datetime
    closed_to: datetime
    documents_shredded: int
    sealed_parts: int
    references: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    run_at: datetime
    lines: tuple[Line, ...]
    legacy_documents: tuple[str, ...]  # numbers of the documents stored in clear (issued before encryption)
    audit_months: int = 12  # the audit trail's retention (DPO_AUDIT_RETENTION_MONTHS)
    register_extracts: tuple[str, ...] = ()  # numbers of the breach register extracts destroyed (key erased)
    audit_packs: tuple[str, ...] = ()  # numbers of the audit packs destroyed (key erased)


def _day(tr: Translator, value: datetime) -> str:
    """The Paris calendar day of an instant, as the other documents write days."""
    return day(tr, paris_date(value))


def build(tr: Translator, stamp: DocumentStamp, facts: Facts) -> bytes:
    title = tr("own_retention.pdf.title")
    summary = [[tr(f"own_retention.kind.{line.kind}"), tr("own_retention.pdf.months", months=line.months),
                str(line.count), f"{_day(tr, line.closed_from)} – {_day(tr, line.closed_to)}",
                str(line.documents_shredded), str(line.sealed_parts)] for line in facts.lines]
    kept = [[tr("own_retention.pdf.kept.case_record"), tr("own_retention.pdf.kept.case_record_why"),
             tr("own_retention.pdf.kept.case_record_until")],
            [tr("own_retention.pdf.kept.documents"), tr("own_retention.pdf.kept.documents_why"),
             tr("own_retention.pdf.kept.documents_until")],
            [tr("own_retention.pdf.kept.audit"), tr("own_retention.pdf.kept.audit_why"),
             tr("own_retention.pdf.kept.audit_until", months=facts.audit_months)]]
    if facts.legacy_documents:
        kept.append([tr("own_retention.pdf.kept.legacy", count=len(facts.legacy_documents)),
                     tr("own_retention.pdf.kept.legacy_why"), tr("own_retention.pdf.kept.legacy_until")])
    story = [
        para(title, "title"),
        para(tr("own_retention.pdf.subtitle", number=stamp.number), "subtitle"),
        key_value_table([
            (tr("own_retention.pdf.run_at"), _day(tr, facts.run_at)),
            (tr("own_retention.pdf.total"), str(sum(line.count for line in facts.lines))),
        ]),
        heading(tr("own_retention.pdf.done")),
        grid_table([tr("own_retention.pdf.col.kind"), tr("own_retention.pdf.col.period"),
                    tr("own_retention.pdf.col.count"), tr("own_retention.pdf.col.closed"),
                    tr("own_retention.pdf.col.documents"), tr("own_retention.pdf.col.sealed")], summary,
                   widths=[30 * mm, 28 * mm, 20 * mm, 39 * mm, 29 * mm, CONTENT_WIDTH - 146 * mm]),
        spacer(2),
        para(tr("own_retention.pdf.what"), "small"),
    ]
    for line in facts.lines:
        story += [heading(tr("own_retention.pdf.references", kind=tr(f"own_retention.kind.{line.kind}"),
                             months=line.months)),
                  para(", ".join(line.references)),
                  para(tr(f"own_retention.source.{line.kind}"), "small")]
    if facts.register_extracts:
        story += [heading(tr("own_retention.pdf.extracts", count=len(facts.register_extracts))),
                  para(", ".join(facts.register_extracts)),
                  para(tr("own_retention.pdf.extracts_what"), "small")]
    if facts.audit_packs:
        story += [heading(tr("own_retention.pdf.packs", count=len(facts.audit_packs))),
                  para(", ".join(facts.audit_packs)),
                  para(tr("own_retention.pdf.packs_what"), "small")]
    story += [
        heading(tr("own_retention.pdf.kept")),
        grid_table([tr("own_retention.pdf.col.what"), tr("own_retention.pdf.col.why"),
                    tr("own_retention.pdf.col.until")], kept, widths=[50 * mm, CONTENT_WIDTH - 95 * mm, 45 * mm]),
    ]
    if facts.legacy_documents:
        story += [heading(tr("own_retention.pdf.legacy")), para(", ".join(facts.legacy_documents))]
    story += [spacer(2), para(tr("own_retention.pdf.integrity", number=stamp.number), "small")]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} {stamp.number}", subject=title,
                     author=stamp.issued_by, header="DPO Desk", keywords=["retention certificate"])
