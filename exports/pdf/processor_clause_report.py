"""A contract's clause report (PDF): the Art. 28(3) stipulations and the insurer's
policy points, each present, partial or missing, with the score."""

from reportlab.lib.units import mm

from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para,
                              signature_block, spacer)
from exports.pdf.processor_common import ContractFacts, Party, contract_term, country, day
from exports.stamp import DocumentStamp, Translator
from models.processor_clauses import ART28_CLAUSES, POLICY_CLAUSES


def _clause_table(tr: Translator, keys: tuple[str, ...], facts: ContractFacts):
    rows = []
    for key in keys:
        state, note = facts.clauses.get(key, ("missing", ""))
        rows.append([tr(f"processor.clause.{key}"), tr(f"processor.clause_state.{state}"), note])
    return grid_table([tr("processor.col.clause"), tr("processor.col.state"), tr("processor.col.note")], rows,
                      [88 * mm, 24 * mm, CONTENT_WIDTH - 112 * mm])


def build_clause_report(*, controller: Party, processor: Party, reference: str, facts: ContractFacts,
                        tr: Translator, stamp: DocumentStamp, signatory: str) -> bytes:
    title = tr("processor.pdf.clauses.title")
    verdict = (tr("processor.pdf.clauses.flagged", count=facts.missing_clauses) if facts.missing_clauses
               else tr("processor.pdf.clauses.complete"))
    story = [
        para(title, "title"),
        para(f"{processor.name} — {facts.title}", "subtitle"),
        key_value_table([
            (tr("processor.pdf.controller"), controller.name),
            (tr("processor.pdf.processor"), f"{processor.name}, {country(tr, processor.country_code)} ({reference})"),
            (tr("processor.field.title"), facts.title),
            (tr("processor.field.document_reference"), facts.document_reference),
            (tr("processor.field.form"), tr(f"processor.contract_form.{facts.form}")),
            (tr("processor.field.signed_on"), day(tr, facts.signed_on)),
            (tr("processor.field.starts_on"), day(tr, facts.starts_on)),
            (tr("processor.contract.end"), contract_term(tr, facts)),
            (tr("processor.contract.notice_date"), day(tr, facts.notice_date)),
            (tr("processor.contract.score"), tr("processor.contract.score_value", score=facts.clause_score,
                                                 missing=facts.missing_clauses, partial=facts.partial_clauses)),
        ]),
        spacer(),
        para(verdict, "h2"),
        heading(tr("processor.clauses.art28")),
        _clause_table(tr, ART28_CLAUSES, facts),
        *([heading(tr("processor.clauses.policy")), _clause_table(tr, POLICY_CLAUSES, facts)]
          if facts.policy_applies else [para(tr("group.policy.not_asked_pdf"), "small")]),
        spacer(),
        signature_block(tr, [(tr("processor.pdf.reviewed_by"), signatory)],
                        lead_in=[para(tr("processor.pdf.clauses.method"), "small"), spacer(6)]),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=title, subject=f"{processor.name} — {facts.title}",
                     author=stamp.issued_by, header=controller.name, keywords=["processor contract", reference])
