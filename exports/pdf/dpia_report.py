"""The DPIA report: every section of the CNIL method, the risk map, the action plan,
the opinions, the controller's decision and a signature block."""

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether

from exports.pdf.base import (
    CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, markup, para, signature_block, spacer, text,
)
from exports.pdf.dpia_risk_map import risk_map_drawing
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_date
from models.dpia_rules import CONTEXT_ITEMS, PRINCIPLE_ITEMS, ACTION_STATUSES, MeasureStatus, RiskKind
from models.dpia_snapshot import DpiaView, RiskView, risk_letters


def _day(tr: Translator, value: date | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y") if tr.language == "fr" else value.isoformat()


def _yes_no(tr: Translator, value: bool | None, yes: str, no: str) -> str:
    return "—" if value is None else tr(yes if value else no)


def _levels(tr: Translator, severity: int | None, likelihood: int | None) -> str:
    if severity is None or likelihood is None:
        return tr("dpia.risk.not_placed")
    return f"{tr(f'dpia.level.{severity}')} / {tr(f'dpia.level.{likelihood}')}"


def _evaluation(tr: Translator, status: str | None) -> str:
    return tr(f"dpia.evaluation.{status}") if status else tr("dpia.evaluation.pending")


def risk_name(tr: Translator, risk: RiskView) -> str:
    return risk.title if risk.kind == RiskKind.CUSTOM else tr(f"dpia.risk.kind.{risk.kind}")


def build_dpia_report(doc: DpiaView, *, stamp: DocumentStamp, tr: Translator, organisation: str) -> bytes:
    letters = risk_letters(doc.active_risks)
    measures = {m.id: m for m in doc.measures}
    title = tr("dpia.report.title")
    story = [para(title, "title"),
             markup(f"{text(doc.reference)} — {text(doc.title)}", "subtitle"),
             key_value_table([
                 (tr("dpia.report.controller"), doc.entity_name),
                 (tr("dpia.report.activity"), f"{doc.activity_reference} — {doc.activity_name}"),
                 (tr("dpia.report.status"), tr(f"dpia.status.{doc.status}")),
                 (tr("dpia.report.author"), doc.author_name),
                 (tr("dpia.report.screening"), _screening(tr, doc)),
                 (tr("dpia.report.prior_consultation"), _art36_state(tr, doc)),
                 (tr("dpia.report.review_date"), _day(tr, doc.review_date)),
             ])]

    story.append(heading(tr("dpia.section.context")))
    for item in CONTEXT_ITEMS:
        evaluation = doc.evaluations.get(item.reference)
        rows = [[tr(f"dpia.question.{q}"), doc.answers.get(q, "")] for q in item.questions]
        story += [para(tr(f"dpia.item.{item.key}"), "cell_bold"), spacer(1),
                  grid_table([tr("dpia.report.question"), tr("dpia.report.answer")], rows,
                             [55 * mm, CONTENT_WIDTH - 55 * mm]),
                  _evaluation_line(tr, evaluation.status if evaluation else None,
                                   evaluation.comment if evaluation else ""), spacer(3)]

    story.append(heading(tr("dpia.section.principles")))
    for item in PRINCIPLE_ITEMS:
        rows = []
        for question, reference in zip(item.questions, item.evaluation_references()):
            evaluation = doc.evaluations.get(reference)
            verdict = _evaluation(tr, evaluation.status if evaluation else None)
            if evaluation and evaluation.comment:
                verdict += "\n" + evaluation.comment
            rows.append([tr(f"dpia.question.short.{question}"), doc.answers.get(question, ""), verdict])
        story += [para(tr(f"dpia.item.{item.key}"), "cell_bold"), spacer(1),
                  grid_table([tr("dpia.report.question"), tr("dpia.report.answer"), tr("dpia.report.evaluation")],
                             rows, [40 * mm, CONTENT_WIDTH - 90 * mm, 50 * mm]), spacer(3)]

    story.append(heading(tr("dpia.section.measures")))
    story.append(grid_table(
        [tr("dpia.measure.title"), tr("dpia.measure.description"), tr("dpia.measure.status")],
        [[m.title, m.description, tr(f"dpia.measure.status.{m.status}")] for m in doc.measures]
        or [[tr("dpia.report.none"), "", ""]], [50 * mm, CONTENT_WIDTH - 85 * mm, 35 * mm]))

    # The first risk asks for 45 mm (its CondPageBreak cannot be kept with a heading): room for both.
    story += [CondPageBreak(60 * mm), heading(tr("dpia.section.risks"))]
    for risk in doc.active_risks:
        story += _risk_block(tr, risk, letters[risk.id], measures)
        story.append(spacer(3))

    story.append(CondPageBreak(120 * mm))
    story.append(heading(tr("dpia.section.map")))
    story.append(risk_map_drawing(tr, [(letters[r.id], *r.levels()) for r in doc.active_risks], CONTENT_WIDTH))
    story.append(para(" · ".join(f"{letters[r.id]} : {risk_name(tr, r)}" for r in doc.active_risks), "small"))

    story.append(heading(tr("dpia.section.action_plan")))
    actions = [m for m in doc.measures if m.status in ACTION_STATUSES]
    story.append(grid_table(
        [tr("dpia.measure.title"), tr("dpia.measure.owner"), tr("dpia.measure.due_date"), tr("dpia.measure.status")],
        [[m.title, m.owner, _day(tr, m.due_date) + (f" — {tr('dpia.measure.overdue')}" if m.overdue else ""),
          tr(f"dpia.measure.status.{m.status}") + (f" ({_day(tr, m.done_on)})" if m.status == MeasureStatus.DONE
                                                   else "")] for m in actions]
        or [[tr("dpia.report.no_action"), "", "", ""]], [CONTENT_WIDTH - 115 * mm, 40 * mm, 40 * mm, 35 * mm]))

    story.append(heading(tr("dpia.section.validation")))
    story.append(key_value_table([
        (tr("dpia.report.dpo_opinion"), _opinion(tr, doc)),
        (tr("dpia.report.people_views"), _people(tr, doc)),
        (tr("dpia.report.decision"), _decision(tr, doc)),
        (tr("dpia.report.review"), _day(tr, doc.review_date)),
        (tr("dpia.report.art36"), _art36(tr, doc)),
    ], label_width=50 * mm))
    story += [spacer(6), KeepTogether([para(tr("dpia.report.signatures"), "cell_bold"), spacer(2), signature_block(
        tr, [(tr("dpia.report.sign_dpo"), doc.dpo_name or "—"),
             (tr("dpia.report.sign_controller"), doc.decision_by or "—")])])]
    return build_pdf(story, stamp=stamp, tr=tr, title=f"{title} — {doc.reference}", subject=doc.title,
                     author=stamp.issued_by, header=organisation, keywords=[doc.reference])


def _screening(tr: Translator, doc: DpiaView) -> str:
    if doc.screening is None:
        return tr("dpia.report.no_screening")
    screening = doc.screening
    outcome = tr(f"dpia.screening.outcome.{screening.outcome}")
    reasons = [tr(f"dpia.criterion.{c}") for c in screening.criteria]
    reasons += [tr(f"dpia.cnil_type.{c}") for c in screening.cnil_types]
    reasons += [tr(f"dpia.cnil_exempt_type.{c}") for c in screening.cnil_exempt_types]
    day = _day(tr, paris_date(screening.screened_at))
    return f"{outcome} ({day})" + ("\n" + "\n".join(f"• {r}" for r in reasons) if reasons else "")


def _evaluation_line(tr: Translator, status: str | None, comment: str):
    line = f"<b>{text(tr('dpia.report.evaluation'))} :</b> {text(_evaluation(tr, status))}"
    if comment:
        line += f" — {text(comment)}"
    return markup(line, "small")


def _risk_block(tr: Translator, risk: RiskView, letter: str, measures: dict) -> list:
    def lines(values) -> str:
        return "\n".join(f"• {v}" for v in values) if values else "—"

    linked = [measures[i].title for i in risk.measure_ids if i in measures]
    before = _levels(tr, risk.severity_before, risk.likelihood_before)
    after = _levels(tr, risk.severity_after, risk.likelihood_after)
    evaluation = _evaluation(tr, risk.evaluation or None)
    if risk.evaluation_comment:
        evaluation += "\n" + risk.evaluation_comment
    # No title left alone at the foot of a page; the table itself may run onto the next one.
    return [CondPageBreak(45 * mm), para(f"({letter}) {risk_name(tr, risk)}", "cell_bold"), key_value_table([
        (tr("dpia.risk.impacts"), lines(risk.impacts)),
        (tr("dpia.risk.threats"), lines(risk.threats)),
        (tr("dpia.risk.sources"), lines(risk.sources)),
        (tr("dpia.risk.measures"), lines(linked)),
        (tr("dpia.report.levels_before"), before),
        (tr("dpia.risk.severity_note"), risk.severity_note),
        (tr("dpia.risk.likelihood_note"), risk.likelihood_note),
        (tr("dpia.report.levels_after"), after),
        (tr("dpia.report.evaluation"), evaluation),
    ], label_width=50 * mm)]


def _opinion(tr: Translator, doc: DpiaView) -> str:
    if not doc.dpo_opinion:
        return tr("dpia.report.not_given")
    verdict = _yes_no(tr, doc.dpo_favourable, "dpia.opinion.favourable", "dpia.opinion.unfavourable")
    return f"{doc.dpo_name} — {verdict}\n{doc.dpo_opinion}"


def _people(tr: Translator, doc: DpiaView) -> str:
    if doc.people_sought is None:
        return tr("dpia.report.not_given")
    if not doc.people_sought:
        return f"{tr('dpia.people.not_sought')}\n{doc.people_not_sought_reason}"
    verdict = _yes_no(tr, doc.people_favourable, "dpia.opinion.favourable", "dpia.opinion.unfavourable")
    return f"{doc.people_names} — {verdict}\n{doc.people_opinion}"


def _decision(tr: Translator, doc: DpiaView) -> str:
    if doc.decided_on is None:
        return tr("dpia.report.not_given")
    verdict = tr(f"dpia.status.{doc.status}")
    parts = [f"{verdict} — {doc.decision_by}, {_day(tr, doc.decided_on)}"]
    if doc.decision_comment:
        parts.append(doc.decision_comment)
    return "\n".join(parts)


def _art36_state(tr: Translator, doc: DpiaView) -> str:
    """Never "not required" before the risks are placed (issue 15, rule 3)."""
    if doc.prior_consultation:
        return tr("dpia.report.prior_consultation_yes")
    if doc.prior_consultation_state == "not_required":
        return tr("dpia.report.prior_consultation_no")
    return tr("dpia.report.prior_consultation_not_assessed")


def _art36(tr: Translator, doc: DpiaView) -> str:
    if not doc.prior_consultation or not doc.cnil_consulted_on:
        return _art36_state(tr, doc)
    lines = [tr("dpia.report.cnil_consulted", received=_day(tr, doc.cnil_consulted_on),
                due=_day(tr, doc.cnil_answer_due))]
    if doc.cnil_extended:
        lines.append(tr("dpia.report.cnil_extended", notified=_day(tr, doc.cnil_extension_notified_on)))
    if doc.cnil_answer_on:
        lines.append(tr("dpia.report.cnil_answer", answered=_day(tr, doc.cnil_answer_on)))
        lines.append(doc.cnil_answer)
    return "\n".join(lines)
