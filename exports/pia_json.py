"""The JSON file of the CNIL's PIA software (LINCnil/pia), both ways.

The software exports one PIA as `{"pia": {...}, "answers": [...], "measures": [...],
"evaluations": [...], "comments": [...]}` (PiaService.exportData) and imports the same
shape (PiaService.importData):

* `answers[]`: `reference_to` a question id (111...346), `data` = `{text, gauge, list}`:
  rich-text HTML answers, list answers (impacts, threats, sources, measures of a
  risk) and gauges 1-4 (severity and likelihood with existing or planned measures);
* `measures[]`: the existing or planned measures (`title`, HTML `content`);
* `evaluations[]`: `reference_to` "1.1", "2.1.211", "3.1.<measure id>", "3.2"...;
  `status` 0 pending, 1 to correct, 2 improvable, 3 acceptable; a risk's `gauges`
  `{x: severity, y: likelihood}` once the corrective measures are in place; an
  action's `person_in_charge` and `estimated_implementation_date`;
* `pia.status` 0 being edited, 1 refused, 2 simple validation, 3 signed validation,
  4 archived; `dpo_status` and `concerned_people_status` 0 unfavourable, 1 favourable.

What the software has no place for (custom risks, the follow-up status of each
action, the decision and review dates, the DPO Desk reference) travels in an extra
top-level "dpo_desk" object, which the software ignores on import.

Everything the software holds is read and written back: the PIA's names (author,
evaluator, validator, DPOs, people), category, opinions and statuses, `rejection_reason`
and `applied_adjustments` (the keys it reads since January 2023; the older spellings are
read too), each evaluation's comment, action plan, person in charge, estimated date and
evaluation date, each measure's evaluation, and the comments (on a question or a measure).

Reading a file checks everything before anything is returned: a malformed file raises
PiaFileError with the reason, and nothing is half-read. What the software itself would
store without showing (an answer to a question it does not have, an evaluation of an
unknown item, a risk's measure no measure bears the title of) is listed in `ignored`.
"""

import json
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any

from models.clock import paris_date
from models.dpia_rules import (
    CNIL_TO_EVALUATION, EVALUATION_REFERENCES, EVALUATION_TO_CNIL, LEVELS, RISK_QUESTIONS, STANDARD_RISKS,
    STATUS_TO_CNIL, TEXT_QUESTIONS, DpiaStatus, Evaluation, MeasureStatus, RiskKind, status_from_cnil,
)
from models.dpia_snapshot import CommentView, DpiaContent, EvaluationView, MeasureView, RiskView
from models.errors import DomainError
from models.input_limits import EARLIEST_DAY, LATEST_DAY, MAX_JSON_DEPTH, json_depth_exceeds

EXTENSION = "dpo_desk"
EXTENSION_FORMAT = 1
MAX_BYTES = 5 * 1024 * 1024
TEXT_LIMIT = 20000
LINE_LIMIT = 500
# What one PIA may hold (the CNIL's template has some thirty questions; a real DPIA, a few
# dozen measures and risks): a file beyond is refused before its content is read.
MAX_ITEMS = {"answers": 500, "measures": 1000, "evaluations": 3000, "comments": 3000}
MAX_LIST_LINES = 1000  # lines in one answer's list (impacts, threats, sources, measures)
MAX_CUSTOM_RISKS = 200


class PiaFileError(DomainError):
    key = "dpia.import.invalid"


# ------------------------------------------------------------------ text <-> the software's rich text


def text_to_html(text: str) -> str:
    return escape(text or "", quote=False).replace("\r\n", "\n").replace("\n", "<br />")


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and tag != "li":  # the next item or the list's end breaks the line
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """The software's HTML answer as plain text: line breaks kept, tags dropped."""
    if not value:
        return ""
    if "<" not in value:
        return unescape(value).strip()
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# ------------------------------------------------------------------ export


def export_pia(doc: DpiaContent, *, pia_id: int, reference: str = "") -> bytes:
    """The DPIA as the CNIL PIA software's export file (UTF-8 JSON), with the key names
    the current software reads (`rejection_reason`, `applied_adjustments` since
    LINCnil/pia 9287f546, January 2023)."""
    created, updated = _timestamp(doc.created_at), _timestamp(doc.updated_at)
    status = DpiaStatus(doc.status)
    refused = status == DpiaStatus.REFUSED

    def answer(question: int, *, text: str | None = None, gauge: int | None = None,
               items: list[str] | None = None) -> dict:
        return {"pia_id": pia_id, "reference_to": question,
                "data": {"text": text, "gauge": gauge, "list": items if items is not None else []},
                "created_at": created, "updated_at": updated}

    def evaluation(reference: str, status_value: str | None, comment: str = "", *, x: int = 0, y: int = 0,
                   action_plan: str = "", owner: str | None = None, due: date | None = None,
                   evaluated_at: datetime | None = None) -> dict:
        code = EVALUATION_TO_CNIL[Evaluation(status_value) if status_value else None]
        row = {"pia_id": pia_id, "reference_to": reference, "status": code,
               "evaluation_comment": text_to_html(comment), "gauges": {"x": x, "y": y},
               "estimated_implementation_date": _timestamp(datetime(due.year, due.month, due.day, 12,
                                                                    tzinfo=timezone.utc)) if due else None,
               "person_in_charge": owner or None, "global_status": 0 if not code else 1 if code == 1 else 2,
               "created_at": created, "updated_at": updated}
        if evaluated_at is not None:
            row["evaluation_date"] = _timestamp(evaluated_at)
        if action_plan:
            row["action_plan_comment"] = text_to_html(action_plan)
        return row

    answers = [answer(q, text=text_to_html(doc.answers[q])) for q in TEXT_QUESTIONS if doc.answers.get(q)]
    evaluations = []
    for ref in EVALUATION_REFERENCES:
        if ref in doc.evaluations:
            e = doc.evaluations[ref]
            evaluations.append(evaluation(ref, e.status, e.comment, action_plan=e.action_plan, owner=e.action_owner,
                                          due=e.action_due, evaluated_at=e.evaluated_at))
    measures = list(doc.measures)
    titles = {m.id: m.title for m in measures}
    for standard in STANDARD_RISKS:
        risk = next((r for r in doc.risks if r.kind == standard.kind), None)
        if risk is None:
            continue
        answers += [answer(standard.impacts, items=list(risk.impacts)),
                    answer(standard.threats, items=list(risk.threats)),
                    answer(standard.sources, items=list(risk.sources)),
                    answer(standard.measures, items=[titles[i] for i in risk.measure_ids if i in titles])]
        if risk.severity_before or risk.severity_note:
            answers.append(answer(standard.severity, text=text_to_html(risk.severity_note),
                                  gauge=risk.severity_before or 0))
        if risk.likelihood_before or risk.likelihood_note:
            answers.append(answer(standard.likelihood, text=text_to_html(risk.likelihood_note),
                                  gauge=risk.likelihood_before or 0))
        if risk.evaluation or risk.evaluation_comment or risk.severity_after or risk.action_plan:
            evaluations.append(evaluation(standard.reference, risk.evaluation or None, risk.evaluation_comment,
                                          x=risk.severity_after or 0, y=risk.likelihood_after or 0,
                                          action_plan=risk.action_plan, owner=risk.action_owner,
                                          due=risk.action_due, evaluated_at=risk.evaluated_at))
    for m in measures:
        is_action = m.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE)
        if m.evaluation or m.evaluation_comment or m.action_plan:
            evaluations.append(evaluation(f"3.1.{m.id}", m.evaluation or None, m.evaluation_comment,
                                          action_plan=m.action_plan, owner=m.owner if is_action else None,
                                          due=m.due_date if is_action else None, evaluated_at=m.evaluated_at))
        elif is_action:
            evaluations.append(evaluation(f"3.1.{m.id}", Evaluation.IMPROVABLE, action_plan=m.description,
                                          owner=m.owner or None, due=m.due_date))
    comments = [{"pia_id": pia_id, "reference_to": c.measure_id if c.measure_id is not None else c.question_id,
                 "for_measure": c.measure_id is not None, "description": c.description,
                 "created_at": _timestamp(c.created_at) or created, "updated_at": _timestamp(c.updated_at)}
                for c in doc.comments]
    rejection = doc.rejection_reason or (doc.decision_comment if refused else "")
    adjustments = doc.applied_adjustments or ("" if refused or doc.rejection_reason else doc.decision_comment)
    data = {
        "pia": {
            "id": pia_id, "name": doc.title, "category": doc.category, "status": STATUS_TO_CNIL[status],
            "author_name": doc.author_name, "evaluator_name": doc.evaluator_name or doc.dpo_name,
            "validator_name": doc.decision_by,
            "dpo_status": None if doc.dpo_favourable is None else int(doc.dpo_favourable),
            "dpo_opinion": text_to_html(doc.dpo_opinion), "dpos_names": doc.dpo_name,
            "concerned_people_searched_opinion": doc.people_sought,
            "concerned_people_searched_content": text_to_html(doc.people_not_sought_reason),
            "people_names": doc.people_names, "concerned_people_opinion": text_to_html(doc.people_opinion),
            "concerned_people_status": None if doc.people_favourable is None else int(doc.people_favourable),
            "rejection_reason": text_to_html(rejection), "applied_adjustments": text_to_html(adjustments),
            "is_example": 0, "is_archive": int(status == DpiaStatus.ARCHIVED), "structure_id": None,
            "created_at": created, "updated_at": updated,
        },
        "answers": answers,
        "measures": [{"id": m.id, "pia_id": pia_id, "title": m.title, "content": text_to_html(m.description),
                      "placeholder": "measures.default_placeholder", "created_at": created,
                      "updated_at": updated} for m in measures],
        "evaluations": evaluations,
        "comments": comments,
        EXTENSION: {
            "format": EXTENSION_FORMAT, "reference": reference, "status": str(status),
            "decision_by": doc.decision_by, "decision_comment": doc.decision_comment,
            "decided_on": _day(doc.decided_on), "review_date": _day(doc.review_date),
            "cnil_consulted_on": _day(doc.cnil_consulted_on),
            # The fields as stored, where the software's keys carry a value derived from others.
            "evaluator_name": doc.evaluator_name, "rejection_reason": doc.rejection_reason,
            "applied_adjustments": doc.applied_adjustments,
            "measures": {str(m.id): {"status": m.status, "owner": m.owner, "due_date": _day(m.due_date),
                                     "done_on": _day(m.done_on), "evaluation": m.evaluation,
                                     "action_plan": m.action_plan} for m in measures},
            "risks": [_risk_extension(r) for r in doc.risks if r.kind == RiskKind.CUSTOM],
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _risk_extension(risk: RiskView) -> dict:
    return {"title": risk.title, "impacts": list(risk.impacts), "threats": list(risk.threats),
            "sources": list(risk.sources), "measure_ids": list(risk.measure_ids),
            "severity_before": risk.severity_before, "likelihood_before": risk.likelihood_before,
            "severity_note": risk.severity_note, "likelihood_note": risk.likelihood_note,
            "severity_after": risk.severity_after, "likelihood_after": risk.likelihood_after,
            "evaluation": risk.evaluation, "evaluation_comment": risk.evaluation_comment, "active": risk.active,
            "action_plan": risk.action_plan, "action_owner": risk.action_owner, "action_due": _day(risk.action_due),
            "evaluated_at": _timestamp(risk.evaluated_at)}


# ------------------------------------------------------------------ import: checks


def _fail(key: str, **params) -> PiaFileError:
    return PiaFileError(f"dpia.import.{key}", **params)


def _get(obj: dict, name: str, kinds: tuple[type, ...], where: str, default: Any = None) -> Any:
    value = obj.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in kinds:
        raise _fail("bad_field", field=f"{where}.{name}")
    if not isinstance(value, kinds):
        raise _fail("bad_field", field=f"{where}.{name}")
    return value


def _text(obj: dict, name: str, where: str, *, html: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = _get(obj, name, (str,), where, "")
    text = html_to_text(value) if html else value.strip()
    if len(text) > limit:
        raise _fail("too_long", field=f"{where}.{name}", max=limit)
    if "\x00" in text:
        raise _fail("nul_character_in", field=f"{where}.{name}")
    return text


def _int(obj: dict, name: str, where: str, allowed: Callable[[int], bool]) -> int | None:
    value = obj.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 12:
        try:
            value = int(value)
        except ValueError:  # digits int() does not read ("²")
            raise _fail("bad_field", field=f"{where}.{name}") from None
    if isinstance(value, bool) or not isinstance(value, int) or not allowed(value):
        raise _fail("bad_field", field=f"{where}.{name}")
    return value


def _date(obj: dict, name: str, where: str) -> date | None:
    value = _get(obj, name, (str,), where)
    if not value:
        return None
    try:
        if len(value) == 10:
            return _bounded_day(date.fromisoformat(value), f"{where}.{name}")
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail("bad_date", field=f"{where}.{name}") from None
    _bounded_day(parsed.date(), f"{where}.{name}")
    return paris_date(parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc))


def _datetime(obj: dict, name: str, where: str) -> datetime | None:
    value = _get(obj, name, (str,), where)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail("bad_date", field=f"{where}.{name}") from None
    _bounded_day(parsed.date(), f"{where}.{name}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _bounded_day(day: date, field: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _fail("date_out_of_range", field=field, earliest=EARLIEST_DAY.year, latest=LATEST_DAY.year)
    return day


def _lines(values: Any, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _fail("bad_field", field=where)
    if len(values) > MAX_LIST_LINES:
        raise _fail("too_many", field=where, max=MAX_LIST_LINES)
    lines: list[str] = []
    for value in values:
        value = html_to_text(value)
        if len(value) > LINE_LIMIT:
            raise _fail("too_long", field=where, max=LINE_LIMIT)
        if "\x00" in value:
            raise _fail("nul_character_in", field=where)
        if value and value not in lines:
            lines.append(value)
    return tuple(lines)


def _objects(data: dict, name: str) -> list[dict]:
    value = data.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail("bad_field", field=name)
    if len(value) > MAX_ITEMS[name]:
        raise _fail("too_many", field=name, max=MAX_ITEMS[name])
    return value


def _level(value: int | None) -> int | None:
    return value if value in LEVELS else None


def _load(raw: bytes) -> dict:
    if len(raw) > MAX_BYTES:
        raise _fail("too_large", max_mb=MAX_BYTES // (1024 * 1024))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail("not_utf8") from None
    if json_depth_exceeds(text):
        raise _fail("too_deep", max=MAX_JSON_DEPTH)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail("not_json", line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict) or not isinstance(data.get("pia"), dict):
        raise _fail("not_pia")
    for name, limit in MAX_ITEMS.items():
        if isinstance(data.get(name), list) and len(data[name]) > limit:
            raise _fail("too_many", field=name, max=limit)
    return data


# ------------------------------------------------------------------ import


def import_pia(raw: bytes) -> DpiaContent:
    """Read a CNIL PIA export (or a DPO Desk one) into a DpiaContent, checking it whole.

    What the software itself would take without showing it (an answer to a question it
    does not have, an evaluation of an unknown item such as "3.1.[object Object]" that
    its own files carry, a second answer to the same question) is listed in `ignored`
    for the preview rather than refusing the file."""
    data = _load(raw)
    pia = data["pia"]
    ignored: list[str] = []
    title = _text(pia, "name", "pia", html=False, limit=300)
    if not title:
        raise _fail("no_name")
    status_code = _int(pia, "status", "pia", lambda v: 0 <= v <= 4) or 0
    if _int(pia, "is_archive", "pia", lambda v: v in (0, 1)) == 1:
        status_code = 4

    answers_in: dict[int, dict] = {}
    for index, row in enumerate(_objects(data, "answers")):
        question = _int(row, "reference_to", f"answers[{index}]", lambda v: True)
        if question not in TEXT_QUESTIONS and question not in RISK_QUESTIONS:
            ignored.append(f"answer {row.get('reference_to')}")
            continue
        if question in answers_in:
            ignored.append(f"answer {question} (2)")
            continue
        content = row.get("data") or {}
        if not isinstance(content, dict):
            raise _fail("bad_field", field=f"answers[{index}].data")
        answers_in[question] = content

    def answer_text(question: int) -> str:
        return _text(answers_in.get(question, {}), "text", f"answer {question}")

    def answer_gauge(question: int) -> int | None:
        gauge = _int(answers_in.get(question, {}), "gauge", f"answer {question}", lambda v: 0 <= v <= 4)
        return _level(gauge)

    def answer_list(question: int) -> tuple[str, ...]:
        return _lines(answers_in.get(question, {}).get("list"), f"answer {question}.list")

    answers = {q: text for q in TEXT_QUESTIONS if (text := answer_text(q))}

    measures_in: dict[str, MeasureView] = {}
    for index, row in enumerate(_objects(data, "measures")):
        where = f"measures[{index}]"
        source_id = row.get("id", index + 1)
        if not isinstance(source_id, (int, str)) or isinstance(source_id, bool):
            raise _fail("bad_field", field=f"{where}.id")
        measure_title = _text(row, "title", where, html=False, limit=300)
        if not measure_title:
            raise _fail("measure_without_title", index=index + 1)
        measures_in[str(source_id)] = MeasureView(id=len(measures_in) + 1, title=measure_title,
                                                  description=_text(row, "content", where))

    evaluations: dict[str, EvaluationView] = {}
    risk_evaluations: dict[str, dict] = {}
    actions: dict[str, dict] = {}
    for index, row in enumerate(_objects(data, "evaluations")):
        where = f"evaluations[{index}]"
        reference = _get(row, "reference_to", (str,), where, "")
        status_code_eval = _int(row, "status", where, lambda v: v in CNIL_TO_EVALUATION) or 0
        status = CNIL_TO_EVALUATION[status_code_eval] or ""
        comment = _text(row, "evaluation_comment", where)
        gauges = row.get("gauges") or {}
        if not isinstance(gauges, dict):
            raise _fail("bad_field", field=f"{where}.gauges")
        x = _int(gauges, "x", f"{where}.gauges", lambda v: 0 <= v <= 4)
        y = _int(gauges, "y", f"{where}.gauges", lambda v: 0 <= v <= 4)
        plan = {"action_plan": _text(row, "action_plan_comment", where),
                "action_owner": _text(row, "person_in_charge", where, html=False, limit=200),
                "action_due": _date(row, "estimated_implementation_date", where),
                "evaluated_at": _datetime(row, "evaluation_date", where)}
        if reference in EVALUATION_REFERENCES:
            if status or comment or any(plan.values()):
                evaluations[reference] = EvaluationView(status, comment, **plan)
        elif reference in {r.reference for r in STANDARD_RISKS}:
            risk_evaluations[reference] = {"evaluation": status, "evaluation_comment": comment,
                                           "severity_after": _level(x), "likelihood_after": _level(y), **plan}
        elif reference.startswith("3.1.") and reference[4:] in measures_in:
            actions[reference[4:]] = {"evaluation": status, "evaluation_comment": comment, **plan}
        else:
            ignored.append(f"evaluation {reference or '?'}")

    measures = _measures(measures_in, actions, data.get(EXTENSION))
    by_title = {m.title: m.id for m in measures}
    risks: list[RiskView] = []
    for standard in STANDARD_RISKS:
        evaluation = dict(risk_evaluations.get(standard.reference, {}))
        if (evaluation.get("severity_after") is None) != (evaluation.get("likelihood_after") is None):
            evaluation["severity_after"] = evaluation["likelihood_after"] = None
        severity_before, likelihood_before = answer_gauge(standard.severity), answer_gauge(standard.likelihood)
        if (severity_before is None) != (likelihood_before is None):
            raise _fail("half_placed_risk", risk=standard.letter)
        risks.append(RiskView(
            id=len(risks) + 1, kind=standard.kind, impacts=answer_list(standard.impacts),
            threats=answer_list(standard.threats), sources=answer_list(standard.sources),
            measure_ids=_risk_measures(answer_list(standard.measures), by_title, standard.measures, ignored),
            severity_before=severity_before, likelihood_before=likelihood_before,
            severity_note=answer_text(standard.severity), likelihood_note=answer_text(standard.likelihood),
            **evaluation))
    new_ids = {source: m.id for source, m in measures_in.items()}
    extension = _extension(data.get(EXTENSION), new_ids)
    for custom in extension.get("risks", ()):
        risks.append(RiskView(id=len(risks) + 1, **custom))
    comments = _comments(data, new_ids, ignored)

    has_content = bool(answers or evaluations or any(r.impacts or r.severity_before for r in risks))
    status = extension.get("status") or status_from_cnil(status_code, has_content)
    refused = status == DpiaStatus.REFUSED
    rejection = _text(pia, "rejection_reason", "pia") or _text(pia, "rejected_reason", "pia")
    adjustments = _text(pia, "applied_adjustments", "pia") or _text(pia, "applied_adjustements", "pia")
    decision_comment = rejection if refused else adjustments
    dpo_status = _int(pia, "dpo_status", "pia", lambda v: v in (0, 1))
    people_status = _int(pia, "concerned_people_status", "pia", lambda v: v in (0, 1))
    sought = pia.get("concerned_people_searched_opinion")
    if sought is not None and not isinstance(sought, bool):
        raise _fail("bad_field", field="pia.concerned_people_searched_opinion")
    updated_at = _datetime(pia, "updated_at", "pia")
    evaluator = _text(pia, "evaluator_name", "pia", html=False, limit=200)
    return DpiaContent(
        title=title, status=status, author_name=_text(pia, "author_name", "pia", html=False, limit=200),
        answers=answers, evaluations=evaluations, risks=tuple(risks), measures=measures,
        dpo_name=_text(pia, "dpos_names", "pia", html=False, limit=200) or evaluator,
        dpo_opinion=_text(pia, "dpo_opinion", "pia"), dpo_favourable=None if dpo_status is None else bool(dpo_status),
        people_sought=sought, people_names=_text(pia, "people_names", "pia", html=False, limit=300),
        people_opinion=_text(pia, "concerned_people_opinion", "pia"),
        people_favourable=None if people_status is None else bool(people_status),
        people_not_sought_reason=_text(pia, "concerned_people_searched_content", "pia"),
        decision_by=extension.get("decision_by") or _text(pia, "validator_name", "pia", html=False, limit=200),
        decision_comment=extension.get("decision_comment", decision_comment),
        decided_on=extension.get("decided_on") or (paris_date(updated_at) if updated_at and status in (
            DpiaStatus.VALIDATED, DpiaStatus.REFUSED) else None),
        review_date=extension.get("review_date"), cnil_consulted_on=extension.get("cnil_consulted_on"),
        created_at=_datetime(pia, "created_at", "pia"), updated_at=updated_at,
        evaluator_name=extension.get("evaluator_name", evaluator),
        category=_text(pia, "category", "pia", html=False, limit=200),
        rejection_reason=extension.get("rejection_reason", rejection),
        applied_adjustments=extension.get("applied_adjustments", adjustments),
        comments=comments, ignored=tuple(ignored), from_dpo_desk=bool(extension),
    )


def _risk_measures(titles: tuple[str, ...], by_title: dict[str, int], question: int,
                   ignored: list[str]) -> tuple[int, ...]:
    """A risk's measures are named by title in the software; a title no measure of the
    file bears cannot be linked, and is listed."""
    for title in titles:
        if title not in by_title:
            ignored.append(f"answer {question}: {title}")
    return tuple(dict.fromkeys(by_title[t] for t in titles if t in by_title))


def _comments(data: dict, measure_ids: dict[str, int], ignored: list[str]) -> tuple[CommentView, ...]:
    """The software's comments: on a question (`reference_to` its id) or, `for_measure`,
    on a measure (`reference_to` the measure's id in the file)."""
    comments = []
    for index, row in enumerate(_objects(data, "comments")):
        where = f"comments[{index}]"
        description = _text(row, "description", where, html=False)
        for_measure = row.get("for_measure")
        if for_measure is not None and not isinstance(for_measure, bool):
            raise _fail("bad_field", field=f"{where}.for_measure")
        target = row.get("reference_to")
        if isinstance(target, bool) or not isinstance(target, (int, str)) or len(str(target)) > 40:
            raise _fail("bad_field", field=f"{where}.reference_to")
        dates = {"created_at": _datetime(row, "created_at", where), "updated_at": _datetime(row, "updated_at", where)}
        if for_measure:
            if str(target) not in measure_ids:
                ignored.append(f"comment {index + 1} (measure {target})")
                continue
            comments.append(CommentView(description, measure_id=measure_ids[str(target)], **dates))
        else:
            question = int(target) if str(target).isdigit() and len(str(target)) < 6 else None
            if question not in TEXT_QUESTIONS and question not in RISK_QUESTIONS:
                ignored.append(f"comment {index + 1} (question {target})")
                continue
            comments.append(CommentView(description, question_id=question, **dates))
    return tuple(comments)


def _measures(measures_in: dict[str, MeasureView], actions: dict[str, dict], extension: Any) -> tuple[MeasureView, ...]:
    """Each measure keeps the software's evaluation of it (status, comment, action plan);
    one with a person in charge and a date in the action plan becomes a planned action;
    DPO Desk's own file gives each its exact follow-up status."""
    follow_up = extension.get("measures", {}) if isinstance(extension, dict) else {}
    if not isinstance(follow_up, dict):
        raise _fail("bad_field", field=f"{EXTENSION}.measures")
    measures = []
    for source_id, measure in measures_in.items():
        action = actions.get(source_id, {})
        status, owner, due, done_on = MeasureStatus.EXISTING, action.get("action_owner", ""), action.get(
            "action_due"), None
        evaluation, plan = action.get("evaluation", ""), action.get("action_plan", "")
        if owner and due:
            status = MeasureStatus.PLANNED
        mine = follow_up.get(source_id)
        if mine is not None:
            where = f"{EXTENSION}.measures.{source_id}"
            if not isinstance(mine, dict) or mine.get("status") not in set(MeasureStatus):
                raise _fail("bad_field", field=where)
            status = MeasureStatus(mine["status"])
            owner = _text(mine, "owner", where, html=False, limit=200)
            due, done_on = _date(mine, "due_date", where), _date(mine, "done_on", where)
            mine_evaluation = mine.get("evaluation")
            if mine_evaluation is not None:
                if mine_evaluation and mine_evaluation not in set(Evaluation):
                    raise _fail("bad_field", field=f"{where}.evaluation")
                evaluation = mine_evaluation
                plan = _text(mine, "action_plan", where, html=False)
        if status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE) and (not owner or not due):
            status = MeasureStatus.PLANNED if owner and due else MeasureStatus.EXISTING
        measures.append(MeasureView(id=measure.id, title=measure.title, description=measure.description, status=status,
                                    owner=owner, due_date=due, done_on=done_on, evaluation=evaluation,
                                    evaluation_comment=action.get("evaluation_comment", ""), action_plan=plan,
                                    evaluated_at=action.get("evaluated_at")))
    return tuple(measures)


def _extension(extension: Any, measure_ids: dict[str, int]) -> dict:
    """DPO Desk's own part of the file, checked like the rest."""
    if extension is None:
        return {}
    where = EXTENSION
    if not isinstance(extension, dict) or extension.get("format") != EXTENSION_FORMAT:
        raise _fail("bad_field", field=f"{where}.format")
    result: dict[str, Any] = {}
    status = extension.get("status")
    if status is not None:
        if status not in set(DpiaStatus):
            raise _fail("bad_field", field=f"{where}.status")
        result["status"] = DpiaStatus(status)
    for name in ("decision_by", "evaluator_name"):
        if name in extension:
            result[name] = _text(extension, name, where, html=False, limit=200)
    for name in ("rejection_reason", "applied_adjustments"):
        if name in extension:
            result[name] = _text(extension, name, where, html=False)
    result["decision_comment"] = _text(extension, "decision_comment", where, html=False)
    for name in ("decided_on", "review_date", "cnil_consulted_on"):
        result[name] = _date(extension, name, where)
    risks = extension.get("risks", [])
    if not isinstance(risks, list):
        raise _fail("bad_field", field=f"{where}.risks")
    if len(risks) > MAX_CUSTOM_RISKS:
        raise _fail("too_many", field=f"{where}.risks", max=MAX_CUSTOM_RISKS)
    result["risks"] = []
    for index, risk in enumerate(risks):
        at = f"{where}.risks[{index}]"
        if not isinstance(risk, dict):
            raise _fail("bad_field", field=at)
        title = _text(risk, "title", at, html=False, limit=300)
        if not title:
            raise _fail("bad_field", field=f"{at}.title")
        levels = {name: _level(_int(risk, name, at, lambda v: v in LEVELS)) for name in (
            "severity_before", "likelihood_before", "severity_after", "likelihood_after")}
        if (levels["severity_before"] is None) != (levels["likelihood_before"] is None) or (
                levels["severity_after"] is None) != (levels["likelihood_after"] is None):
            raise _fail("half_placed_risk", risk=title)
        measure_refs = risk.get("measure_ids", [])
        if not isinstance(measure_refs, list) or any(not isinstance(m, int) or isinstance(m, bool)
                                                     for m in measure_refs):
            raise _fail("bad_field", field=f"{at}.measure_ids")
        evaluation = risk.get("evaluation") or ""
        if evaluation and evaluation not in set(Evaluation):
            raise _fail("bad_field", field=f"{at}.evaluation")
        active = risk.get("active", True)
        if not isinstance(active, bool):
            raise _fail("bad_field", field=f"{at}.active")
        result["risks"].append({
            "kind": RiskKind.CUSTOM, "title": title, "impacts": _lines(risk.get("impacts"), f"{at}.impacts"),
            "threats": _lines(risk.get("threats"), f"{at}.threats"),
            "sources": _lines(risk.get("sources"), f"{at}.sources"),
            # Measures are renumbered on import: follow the file's ids to the new ones.
            "measure_ids": tuple(measure_ids[str(m)] for m in measure_refs if str(m) in measure_ids),
            "severity_note": _text(risk, "severity_note", at, html=False),
            "likelihood_note": _text(risk, "likelihood_note", at, html=False),
            "evaluation": evaluation, "evaluation_comment": _text(risk, "evaluation_comment", at, html=False),
            "active": active, "action_plan": _text(risk, "action_plan", at, html=False),
            "action_owner": _text(risk, "action_owner", at, html=False, limit=200),
            "action_due": _date(risk, "action_due", at), "evaluated_at": _datetime(risk, "evaluated_at", at),
            **levels})
    return result
