"""A new DPIA's context prefilled from its register entry (CNIL method, part 1):

* 1.1 overview (question 111): the entry's name, description and purposes with their
  legal basis;
* 1.2 data (question 121): categories of data (sensitive ones flagged), of data
  subjects, recipients, transfers and retention periods.

The text is written in the language of the person creating the DPIA; it is a draft
that the DPO edits like any answer. Nothing is written over an existing answer.
"""

from sqlmodel import Session, select

from dashboard.i18n import Translator
from models.dpia import Dpia, DpiaAnswer
from models.register import ActivityContent


def _section(tr: Translator, key: str, lines: list[str]) -> list[str]:
    return [tr(key), *(f"- {line}" for line in lines), ""] if lines else []


def overview_text(tr: Translator, name: str, content: ActivityContent) -> str:
    parts = [name]
    if content.description:
        parts += [content.description]
    parts.append("")
    parts += _section(tr, "dpia.prefill.purposes", [
        f"{p.description} ({tr(f'register.basis.{p.legal_basis}')})"
        + (f" — {p.legitimate_interest}" if p.legitimate_interest else "") for p in content.purposes])
    if content.joint_controllers:
        parts += _section(tr, "dpia.prefill.joint_controllers", [content.joint_controllers])
    return "\n".join(parts).strip()


def data_text(tr: Translator, content: ActivityContent) -> str:
    retention = {r.category: r for r in content.retention_rules}

    def kept(name: str) -> str:
        rule = retention.get(name) or retention.get("")
        if rule is None:
            return ""
        return " — " + tr("dpia.prefill.kept", duration=rule.duration, unit=tr(f"register.unit.{rule.unit}"),
                          start=rule.start_event)

    parts = _section(tr, "dpia.prefill.data", [
        c.name + (f" ({tr(f'register.sensitivity.{c.sensitivity}')})" if c.sensitivity != "standard" else "")
        + kept(c.name) for c in content.data_categories])
    parts += _section(tr, "dpia.prefill.subjects", [s.name for s in content.subject_categories])
    parts += _section(tr, "dpia.prefill.recipients", [
        f"{r.name} ({tr(f'register.recipient_kind.{r.kind}')})" for r in content.recipients])
    parts += _section(tr, "dpia.prefill.transfers", [
        f"{t.recipient} ({t.country}, {tr(f'register.safeguard.{t.safeguard}')})" for t in content.transfers])
    return "\n".join(parts).strip()


def prefill_context(session: Session, dpia: Dpia, name: str, content: ActivityContent,
                    language: str) -> list[int]:
    """Write the prefilled answers that are still empty; the question ids written."""
    tr = Translator(language)
    texts = {111: overview_text(tr, name, content), 121: data_text(tr, content)}
    existing = {a.question_id: a for a in session.exec(select(DpiaAnswer).where(DpiaAnswer.dpia_id == dpia.id))}
    written = []
    for question, text in texts.items():
        if not text or (question in existing and existing[question].text.strip()):
            continue
        answer = existing.get(question) or DpiaAnswer(dpia_id=dpia.id, question_id=question)
        answer.text = text
        session.add(answer)
        written.append(question)
    session.flush()
    return written
