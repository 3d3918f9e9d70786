"""The yearly data review's documents: the destruction certificate (one task, or a whole
campaign) and the campaign report for the board (the insurer's policy, seed 001: "les
données qui ne présentent plus d'intérêt sont supprimées sans délai [...] un certificat
de destruction").

The certificate states only what the records say: what was destroyed or anonymised
(how, when, by whom, with which proof), what was moved to intermediate archiving and
until when (kept, not destroyed), what is kept under an exception (the ground, why,
until when) and, for a campaign, what is still pending — which the certificate does not
cover. It says nothing about backups beyond the proofs given.
"""

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para, signature_block,
                              spacer)
from exports.pdf.dsr_common import Controller, day
from exports.stamp import DocumentStamp, Translator

DESTROYING = frozenset({"deletion", "anonymisation"})


@dataclass(frozen=True)
class ReviewLine:
    """One task of a campaign, as the documents print it."""

    activity: str  # "TRT-2026-0003 — Prospection commerciale"
    department: str
    category: str  # "" = every category of the entry
    system: str  # "" = no system recorded
    duration: int
    unit: str
    start_event: str
    cutoff_on: date | None
    due_on: date
    status: str  # open / done / exception
    method: str = ""
    done_on: date | None = None
    done_by: str = ""
    proof: str = ""
    proof_reference: str = ""
    kept_until: date | None = None
    exception_ground: str = ""
    exception_detail: str = ""


@dataclass(frozen=True)
class CampaignFacts:
    reference: str
    year: int
    as_of: date
    due_on: date
    scope: str  # what the document covers, already worded ("the whole campaign", "one task")


def _what(tr: Translator, line: ReviewLine) -> str:
    category = line.category or tr("retention.all_categories")
    system = line.system or tr("retention.no_system")
    return f"{line.activity} — {category} — {system}"


def _rule(tr: Translator, line: ReviewLine) -> str:
    rule = tr("retention.rule_text", duration=line.duration, unit=tr(f"register.unit.{line.unit}"),
              start=line.start_event or "—")
    if line.cutoff_on:
        return f"{rule} ; {tr('retention.cutoff_text', date=day(tr, line.cutoff_on))}"
    return f"{rule} ; {tr('retention.no_start_event')}"


def _proof(line: ReviewLine) -> str:
    return f"{line.proof} ({line.proof_reference})" if line.proof_reference else line.proof


def _controller_table(tr: Translator, controller: Controller, campaign: CampaignFacts):
    return [
        heading(tr("retention.pdf.controller")),
        key_value_table([
            (tr("dsr.pdf.cert.legal_name"), controller.legal_name),
            (tr("dsr.pdf.cert.address"), controller.address),
            (tr("dsr.pdf.cert.registration"), controller.registration_number),
            (tr("dsr.pdf.cert.dpo"), f"{controller.dpo_name} — {controller.dpo_email}"),
        ]),
        heading(tr("retention.pdf.campaign")),
        key_value_table([
            (tr("retention.col.reference"), campaign.reference),
            (tr("retention.col.year"), str(campaign.year)),
            (tr("retention.col.as_of"), day(tr, campaign.as_of)),
            (tr("retention.col.due_on"), day(tr, campaign.due_on)),
            (tr("retention.pdf.scope"), campaign.scope),
        ]),
    ]


def _statement(tr: Translator, controller: Controller, destroyed: list[ReviewLine], kept: list[ReviewLine],
               pending: list[ReviewLine]) -> str:
    """The signed statement, sentence by sentence from the sections the document holds:
    destruction only of the destroyed lines, keeping only of the archived or excepted ones,
    nothing about the open tasks."""
    sentences = [tr("retention.pdf.cert.statement", controller=controller.legal_name, count=len(destroyed))
                 if destroyed else tr("retention.pdf.cert.statement_none", controller=controller.legal_name)]
    if kept:
        sentences.append(tr("retention.pdf.cert.statement_kept"))
    if pending:
        sentences.append(tr("retention.pdf.cert.statement_pending", count=len(pending)))
    sentences.append(tr("retention.pdf.cert.statement_scope"))
    return " ".join(sentences)


def build_certificate(tr: Translator, stamp: DocumentStamp, controller: Controller, campaign: CampaignFacts,
                      lines: list[ReviewLine]) -> bytes:
    title = tr("retention.pdf.cert.title")
    destroyed = [l for l in lines if l.status == "done" and l.method in DESTROYING]
    archived = [l for l in lines if l.status == "done" and l.method not in DESTROYING]
    kept = [l for l in lines if l.status == "exception"]
    pending = [l for l in lines if l.status == "open"]
    story = [para(title, "title"),
             para(tr("retention.pdf.cert.subtitle", number=stamp.number, reference=campaign.reference), "subtitle"),
             *_controller_table(tr, controller, campaign),
             heading(tr("retention.pdf.cert.destroyed"))]
    if destroyed:
        story.append(grid_table(
            [tr("retention.col.what"), tr("retention.col.rule"), tr("retention.col.method_date"),
             tr("retention.col.done_by"), tr("retention.col.proof")],
            [[_what(tr, l), _rule(tr, l), f"{tr(f'retention.method.{l.method}')} — {day(tr, l.done_on)}", l.done_by,
              _proof(l)] for l in destroyed],
            widths=[42 * mm, 34 * mm, 28 * mm, 26 * mm, CONTENT_WIDTH - 130 * mm]))
    else:
        story.append(para(tr("retention.pdf.cert.none_destroyed")))
    if archived:
        story += [heading(tr("retention.pdf.cert.archived")),
                  grid_table([tr("retention.col.what"), tr("retention.col.done_on"), tr("retention.col.kept_until"),
                              tr("retention.col.done_by"), tr("retention.col.proof")],
                             [[_what(tr, l), day(tr, l.done_on), day(tr, l.kept_until), l.done_by, _proof(l)]
                              for l in archived],
                             widths=[50 * mm, 26 * mm, 26 * mm, 28 * mm, CONTENT_WIDTH - 130 * mm])]
    if kept:
        story += [heading(tr("retention.pdf.cert.kept")),
                  grid_table([tr("retention.col.what"), tr("retention.col.ground"), tr("retention.col.detail"),
                              tr("retention.col.kept_until")],
                             [[_what(tr, l), tr(f"retention.ground.{l.exception_ground}"), l.exception_detail,
                               day(tr, l.kept_until)] for l in kept],
                             widths=[50 * mm, 32 * mm, CONTENT_WIDTH - 108 * mm, 26 * mm])]
    if pending:
        story += [heading(tr("retention.pdf.cert.pending")),
                  para(tr("retention.pdf.cert.pending_note", count=len(pending))),
                  grid_table([tr("retention.col.what"), tr("retention.col.department"), tr("retention.col.due_on")],
                             [[_what(tr, l), l.department, day(tr, l.due_on)] for l in pending],
                             widths=[CONTENT_WIDTH - 80 * mm, 50 * mm, 30 * mm])]
    story.append(KeepTogether([
        heading(tr("retention.pdf.cert.statement_title")),
        para(_statement(tr, controller, destroyed, archived + kept, pending)),
        spacer(2),
        para(tr("retention.pdf.cert.backups"), "small"),
        spacer(2),
        para(tr("dsr.pdf.cert.integrity", number=stamp.number), "small"),
        spacer(6),
        signature_block(tr, [(tr("retention.pdf.cert.performed_by"),
                              ", ".join(sorted({l.done_by for l in destroyed + archived})) or "—"),
                             (tr("dsr.pdf.cert.dpo_signoff"), controller.dpo_name)]),
    ]))
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} {stamp.number} — {campaign.reference}",
                     subject=title, author=controller.legal_name, header=controller.name,
                     keywords=[campaign.reference])


def build_report(tr: Translator, stamp: DocumentStamp, controller: Controller, campaign: CampaignFacts,
                 lines: list[ReviewLine], today: date) -> bytes:
    """For the board: counts per department, the late tasks, the exceptions."""
    title = tr("retention.pdf.report.title")
    departments: dict[str, list[int]] = {}
    for l in lines:
        counts = departments.setdefault(l.department, [0, 0, 0, 0, 0, 0])
        counts[0] += 1
        if l.status == "done":
            counts[1 if l.method in DESTROYING else 2] += 1
        elif l.status == "exception":
            counts[3] += 1
        else:
            counts[4] += 1
            counts[5] += l.due_on < today
    totals = [sum(c[i] for c in departments.values()) for i in range(6)]
    late = sorted((l for l in lines if l.status == "open" and l.due_on < today), key=lambda l: (l.due_on, l.department))
    kept = [l for l in lines if l.status == "exception"]
    header = [tr("retention.col.department"), tr("retention.col.total"), tr("retention.col.destroyed"),
              tr("retention.col.archived"), tr("retention.col.exceptions"), tr("retention.col.open"),
              tr("retention.col.late")]
    story = [para(title, "title"),
             para(tr("retention.pdf.report.subtitle", reference=campaign.reference, date=day(tr, today)), "subtitle"),
             *_controller_table(tr, controller, campaign),
             heading(tr("retention.pdf.report.by_department")),
             grid_table(header, [[name, *map(str, c)] for name, c in sorted(departments.items())]
                        + [[tr("retention.pdf.report.total"), *map(str, totals)]],  # no header word broken
                        widths=[CONTENT_WIDTH - 132 * mm, 18 * mm, 28 * mm, 22 * mm, 24 * mm, 20 * mm, 20 * mm]),
             heading(tr("retention.pdf.report.late"))]
    if late:
        story.append(grid_table([tr("retention.col.department"), tr("retention.col.what"), tr("retention.col.due_on"),
                                 tr("retention.col.days_late")],
                                [[l.department, _what(tr, l), day(tr, l.due_on), str((today - l.due_on).days)]
                                 for l in late], widths=[40 * mm, CONTENT_WIDTH - 100 * mm, 35 * mm, 25 * mm]))
    else:
        story.append(para(tr("retention.pdf.report.no_late")))
    story.append(heading(tr("retention.pdf.report.exceptions")))
    if kept:
        story.append(grid_table([tr("retention.col.department"), tr("retention.col.what"), tr("retention.col.ground"),
                                 tr("retention.col.detail"), tr("retention.col.kept_until")],
                                [[l.department, _what(tr, l), tr(f"retention.ground.{l.exception_ground}"),
                                  l.exception_detail, day(tr, l.kept_until)] for l in kept],
                                widths=[30 * mm, 45 * mm, 28 * mm, CONTENT_WIDTH - 127 * mm, 24 * mm]))
    else:
        story.append(para(tr("retention.pdf.report.no_exception")))
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} {stamp.number} — {campaign.reference}",
                     subject=title, author=controller.legal_name, header=controller.name,
                     keywords=[campaign.reference])
