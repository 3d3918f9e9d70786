"""The DPO's annual report to the board (PDF): the year's figures, each with a bar chart
drawn with reportlab.graphics (no other dependency), and the tables behind them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from exports.pdf.base import (ACCENT, CONTENT_WIDTH, FONT, INK, MUTED, RULE, build_pdf, grid_table, heading,
                              key_value_table, para, printable, spacer)
from exports.pdf.dsr_common import Controller, day
from exports.stamp import DocumentStamp, Translator

LATE = colors.HexColor("#b3261e")
DONE = colors.HexColor("#2e7d32")


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    requests_received: int
    requests_by_right: list[tuple[str, int]]  # models.dsr.RIGHTS order
    requests_by_outcome: list[tuple[str, int]]  # models.dsr.OUTCOMES order
    requests_answered: int
    requests_on_time: int
    breaches: int
    breaches_notified: int
    breaches_within_72h: int
    contracts_active: int
    contracts_expiring: int  # in force, their term ending within the year
    audits: int
    audits_with_findings: int
    dpias_by_status: list[tuple[str, int]]
    register_created: int
    register_validated: int
    register_reviewed: int
    actions_open: int
    actions_late: int
    actions_done: int
    fees_told: int = 0  # reasonable fees told to the person in the year (Arts. 12(5)(a), 15(3))
    fees_paid: int = 0  # of those, paid
    fees_paid_cents: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.requests_on_time / self.requests_answered if self.requests_answered else None


def _fit(text: str, size: float, room: float) -> str:
    text = printable(text)
    if stringWidth(text, FONT, size) <= room:
        return text
    while text and stringWidth(text + "…", FONT, size) > room:
        text = text[:-1]
    return text + "…"


LABEL_WIDTH = 62 * mm
VALUE_WIDTH = 14 * mm
ROW = 6 * mm


def bar_chart(rows: Sequence[tuple[str, int]], colour=ACCENT, colours: Sequence | None = None) -> Drawing:
    """Horizontal bars on one scale, one per row, the label on the left (shortened with an
    ellipsis if it does not fit) and the figure at the bar's end: always within the text
    width. `colours`: one per row (else `colour` for all)."""
    width = CONTENT_WIDTH
    height = ROW * len(rows) + 2 * mm
    drawing = Drawing(width, height)
    room = width - LABEL_WIDTH - VALUE_WIDTH
    top = max([value for _, value in rows] + [1])
    for index, (label, value) in enumerate(rows):
        y = height - (index + 1) * ROW
        drawing.add(String(0, y + 1.6 * mm, _fit(label, 8, LABEL_WIDTH - 2 * mm), fontName=FONT, fontSize=8,
                           fillColor=INK))
        drawing.add(Rect(LABEL_WIDTH, y + 0.8 * mm, room, ROW - 1.6 * mm, fillColor=colors.HexColor("#f3f5f9"),
                         strokeColor=None))
        length = room * value / top
        if value:
            drawing.add(Rect(LABEL_WIDTH, y + 0.8 * mm, length, ROW - 1.6 * mm,
                             fillColor=colours[index] if colours else colour, strokeColor=None))
        drawing.add(String(LABEL_WIDTH + length + 1.5 * mm, y + 1.6 * mm, str(value), fontName=FONT, fontSize=8,
                           fillColor=MUTED))
    drawing.add(Rect(LABEL_WIDTH, 0, 0.3, height, strokeColor=RULE, fillColor=RULE))
    return drawing


def _rate(tr: Translator, part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} % ({part}/{whole})" if whole else tr("annual.pdf.no_figure")


def build_annual_report(tr: Translator, stamp: DocumentStamp, controller: Controller, f: AnnualFigures,
                        today: date) -> bytes:
    title = tr("annual.pdf.title", year=f.year)
    story = [para(title, "title"),
             para(tr("annual.pdf.subtitle", scope=controller.name, date=day(tr, today), number=stamp.number),
                  "subtitle"),
             heading(tr("annual.pdf.controller")),
             key_value_table([(tr("dsr.pdf.cert.legal_name"), controller.legal_name),
                              (tr("dsr.pdf.cert.address"), controller.address or "—"),
                              (tr("dsr.pdf.cert.registration"), controller.registration_number or "—"),
                              (tr("dsr.pdf.cert.dpo"), f"{controller.dpo_name} — {controller.dpo_email}")]),
             heading(tr("annual.pdf.summary")),
             key_value_table([
                 (tr("annual.fig.requests_received"), str(f.requests_received)),
                 (tr("annual.fig.on_time"), _rate(tr, f.requests_on_time, f.requests_answered)),
                 (tr("annual.fig.fees"), tr("annual.fig.fees_value", told=f.fees_told, paid=f.fees_paid,
                                            amount=tr.amount(f.fees_paid_cents))),
                 (tr("annual.fig.breaches"), str(f.breaches)),
                 (tr("annual.fig.breaches_notified"), str(f.breaches_notified)),
                 (tr("annual.fig.within_72h"), _rate(tr, f.breaches_within_72h, f.breaches_notified)),
                 (tr("annual.fig.contracts"), str(f.contracts_active)),
                 (tr("annual.fig.contracts_expiring"), str(f.contracts_expiring)),
                 (tr("annual.fig.audits"), f"{f.audits} ({tr('annual.fig.with_findings', count=f.audits_with_findings)})"),
             ], label_width=80 * mm),
             heading(tr("annual.pdf.requests_by_right")),
             bar_chart([(tr(f"dsr.right.{k}"), n) for k, n in f.requests_by_right]),
             para(tr("annual.pdf.rights_note"), "small"),
             heading(tr("annual.pdf.requests_by_outcome")),
             bar_chart([(tr(f"dsr.outcome.{k}"), n) for k, n in f.requests_by_outcome]),
             heading(tr("annual.pdf.breaches")),
             bar_chart([(tr("annual.fig.breaches"), f.breaches), (tr("annual.fig.breaches_notified"), f.breaches_notified),
                        (tr("annual.fig.within_72h_count"), f.breaches_within_72h)]),
             heading(tr("annual.pdf.contracts")),
             bar_chart([(tr("annual.fig.contracts"), f.contracts_active),
                        (tr("annual.fig.contracts_expiring"), f.contracts_expiring),
                        (tr("annual.fig.audits"), f.audits), (tr("annual.fig.audits_findings"), f.audits_with_findings)]),
             heading(tr("annual.pdf.dpias")),
             bar_chart([(tr(f"dpia.status.{k}"), n) for k, n in f.dpias_by_status]),
             heading(tr("annual.pdf.register")),
             bar_chart([(tr("annual.fig.register_created"), f.register_created),
                        (tr("annual.fig.register_validated"), f.register_validated),
                        (tr("annual.fig.register_reviewed"), f.register_reviewed)]),
             heading(tr("annual.pdf.actions")),
             bar_chart([(tr("action_plan.status.open"), f.actions_open), (tr("action_plan.status.late"), f.actions_late),
                        (tr("action_plan.status.done"), f.actions_done)], colours=[ACCENT, LATE, DONE]),
             para(tr("annual.pdf.actions_note", date=day(tr, today)), "small"),
             spacer(4),
             heading(tr("annual.pdf.table")),
             grid_table([tr("annual.pdf.col.figure"), tr("annual.pdf.col.value")],
                        [[tr(f"dsr.right.{k}"), str(n)] for k, n in f.requests_by_right]
                        + [[tr(f"dsr.outcome.{k}"), str(n)] for k, n in f.requests_by_outcome]
                        + [[tr(f"dpia.status.{k}"), str(n)] for k, n in f.dpias_by_status],
                        widths=[CONTENT_WIDTH - 40 * mm, 40 * mm]),
             spacer(2),
             para(tr("dsr.pdf.cert.integrity", number=stamp.number), "small")]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} — {controller.name}", subject=title,
                     author=controller.legal_name, header=controller.name, keywords=[f"{f.year}"])
