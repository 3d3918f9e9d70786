"""Round trips with the CNIL PIA software (LINCnil/pia), field by field.

Their files (the software's own example PIA and its Cypress fixture, tests/dpia/data/)
→ import here → export → compare; and a DPIA made here → export → import → export →
compare. Every field is classed kept, changed or lost, a table is printed, and no field
we claim to keep may be lost or changed.

What we claim to keep is what the software's `PiaService.importData` itself reads: the
PIA's names, opinions, statuses, rejection reason and adjustments, dates; every answer
(text, gauge, list); every measure (title, content); every evaluation (status, comment,
action plan, person in charge, estimated date, evaluation date, residual gauges of a
risk); every comment. Not claimed: the software's internal bookkeeping (ids, `pia_id`,
`global_status`, `progress`, `lock_version`, per-row `created_at`/`updated_at`, the
measure `placeholder`, `structure_*` of a custom structure) and the PIA's `updated_at`
(an import is a change).
"""

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.dpia import documents
from exports.pia_json import html_to_text
from models.clock import paris_date
from tests.dpia.conftest import activity, add_action, new_dpia, run, validated, yesterday

DATA = Path(__file__).parent / "data"
THEIR_FILES = ["lincnil_pia_example.json", "lincnil_cypress_pia.json", "cnil_pia_export.json"]
PIA_FIELDS = ("name", "category", "status", "author_name", "evaluator_name", "validator_name", "dpo_status",
              "dpo_opinion", "dpos_names", "people_names", "concerned_people_opinion", "concerned_people_status",
              "concerned_people_searched_opinion", "concerned_people_searched_content", "rejection_reason",
              "applied_adjustments", "created_at")
EVALUATION_FIELDS = ("status", "evaluation_comment", "action_plan_comment", "person_in_charge",
                     "estimated_implementation_date", "evaluation_date")
RISK_REFERENCES = ("3.2", "3.3", "3.4")


def _text(value):
    return html_to_text(value) if isinstance(value, str) else value


def _empty(value) -> bool:
    return value in (None, "", [], 0, {"x": 0, "y": 0})


def _measure_ref(reference: str) -> str:
    return f"3.1.m{reference[4:]}" if reference.startswith("3.1.") else reference


def flatten(data: dict, ignored: tuple[str, ...] = ()) -> dict[str, object]:
    """A PIA file as `section.key.field -> value`, measures numbered by position (ids are
    renumbered on import), rich text as its plain text, empty values left out; the items of
    a list the importer listed as left aside ("answer 324: <title>") are not counted."""
    fields: dict[str, object] = {}
    pia = data["pia"]
    for name in PIA_FIELDS:
        value = pia.get(name)
        if name == "status" and pia.get("is_archive") == 1:
            value = 4
        if name in ("rejection_reason", "applied_adjustments") and not value:  # keys before 2023
            value = pia.get({"rejection_reason": "rejected_reason",
                             "applied_adjustments": "applied_adjustements"}[name])
        fields[f"pia.{name}"] = _text(value)
    position = {str(m["id"]): index + 1 for index, m in enumerate(data.get("measures") or [])}
    for measure in data.get("measures") or []:
        at = f"measure.{position[str(measure['id'])]}"
        fields[f"{at}.title"], fields[f"{at}.content"] = measure.get("title"), _text(measure.get("content"))
    seen = set()
    for answer in data.get("answers") or []:
        ref = answer["reference_to"]
        if ref in seen:
            continue
        seen.add(ref)
        content = answer.get("data") or {}
        fields[f"answer.{ref}.text"] = _text(content.get("text"))
        fields[f"answer.{ref}.gauge"] = content.get("gauge") or None
        fields[f"answer.{ref}.list"] = [_text(v) for v in content.get("list") or []
                                        if f"answer {ref}: {_text(v)}" not in ignored]
    for evaluation in data.get("evaluations") or []:
        ref = evaluation["reference_to"]
        if ref.startswith("3.1."):
            ref = f"3.1.m{position[ref[4:]]}" if ref[4:] in position else _measure_ref(ref)
        for name in EVALUATION_FIELDS:
            value = evaluation.get(name)
            if name in ("estimated_implementation_date", "evaluation_date") and value:
                value = paris_date(datetime.fromisoformat(value))  # the day it means in France
            fields[f"evaluation.{ref}.{name}"] = _text(value)
        if ref in RISK_REFERENCES:
            fields[f"evaluation.{ref}.gauges"] = evaluation.get("gauges")
    for index, comment in enumerate(data.get("comments") or []):
        target = comment.get("reference_to")
        if comment.get("for_measure"):
            target = f"m{position.get(str(target), target)}"
        at = f"comment.{index + 1}"
        fields[f"{at}.description"] = (comment.get("description") or "").strip()
        fields[f"{at}.reference_to"], fields[f"{at}.for_measure"] = str(target), bool(comment.get("for_measure"))
    return {key: value for key, value in fields.items() if not _empty(value)}


def compare(before: dict, after: dict, *, left_aside: tuple[str, ...] = ()) -> dict[str, Counter]:
    """kept / changed / lost per section; `left_aside` prefixes are what the importer listed
    as ignored (the software itself would not show them either)."""
    table: dict[str, Counter] = {}
    for key, value in before.items():
        if any(key.startswith(prefix) for prefix in left_aside):
            outcome = "ignored"
        elif key not in after:
            outcome = "lost"
        elif after[key] == value:
            outcome = "kept"
        else:
            outcome = "changed"
        table.setdefault(key.split(".")[0], Counter())[outcome] += 1
    return table


def print_table(title: str, table: dict[str, Counter], details: list[str]) -> None:
    print(f"\n{title}")
    print(f"{'section':<12}{'kept':>7}{'changed':>9}{'lost':>6}{'set aside':>11}")
    for section, counts in sorted(table.items()):
        print(f"{section:<12}{counts['kept']:>7}{counts['changed']:>9}{counts['lost']:>6}{counts['ignored']:>11}")
    for line in details:
        print("  ", line)


def _differences(before: dict, after: dict, left_aside: tuple[str, ...]) -> list[str]:
    return [f"{key}: {before[key]!r} -> {after.get(key, '(lost)')!r}" for key in before
            if not any(key.startswith(p) for p in left_aside) and after.get(key) != before[key]]


@pytest.mark.parametrize("name", THEIR_FILES)
def test_their_file_comes_back_whole(reg, name):
    raw = (DATA / name).read_bytes()
    result = run(reg, documents.import_json, activity(reg, "it_logs"), raw)
    exported = run(reg, documents.export_json, result.dpia.id).content
    ignored = run(reg, documents.preview_json, activity(reg, "it_logs"), raw).ignored
    before, after = flatten(json.loads(raw), ignored), flatten(json.loads(exported))
    left_aside = tuple(f"evaluation.{_measure_ref(item.split(' ', 1)[1])}." for item in ignored
                       if item.startswith("evaluation "))
    if "dpia.import.notice.reopened_cnil" in result.notices:  # validated there, without what its rules need
        left_aside += ("pia.status",)
    table = compare(before, after, left_aside=left_aside)
    details = _differences(before, after, left_aside)
    print_table(f"{name} -> DPO Desk -> PIA file", table, details)
    assert sum(c["lost"] for c in table.values()) == 0, details
    assert sum(c["changed"] for c in table.values()) == 0, details


def test_the_software_example_keeps_its_validation(reg):
    """Validated in the software (status 3), every evaluation completed, the one risk
    evaluated "improvable" with its residual gauges, the two "acceptable" ones without:
    the software's own rules are met, so it stays validated here."""
    result = run(reg, documents.import_json, activity(reg, "it_logs"), (DATA / "lincnil_pia_example.json").read_bytes())
    view = result.dpia
    assert (view.status, result.notices) == ("validated", ("dpia.import.notice.review_date",))
    assert (view.author_name, view.evaluator_name, view.decision_by) == ("Elisabeth York", "Eric Vincent", "Mary Smith")
    assert view.rejection_reason == "Rapport incomplet" and view.dpo_favourable is True
    assert view.comments[0].question_id == 212 and view.comments[0].description.startswith("Le fondement juridique")
    assert view.evaluations["2.1.211"].action_plan.startswith("Afin d'éviter un usage incompatible")
    improvable = [m for m in view.measures if m.evaluation == "improvable"]
    assert len(improvable) == 12 and all(m.action_plan for m in improvable)
    assert view.risks[0].levels()[2:] == (3, 1) and view.risks[1].evaluation == "acceptable"


def test_a_risk_evaluated_improvable_without_residual_gauges_is_not_validated(reg):
    data = json.loads((DATA / "lincnil_pia_example.json").read_text(encoding="utf-8"))
    next(e for e in data["evaluations"] if e["reference_to"] == "3.2")["gauges"] = {"x": 0, "y": 0}
    result = run(reg, documents.import_json, activity(reg, "it_logs"), json.dumps(data).encode())
    assert (result.dpia.status, result.notices) == ("in_progress", ("dpia.import.notice.reopened_cnil",))


def test_the_cypress_fixture_is_imported_with_its_stray_evaluation_listed(reg):
    raw = (DATA / "lincnil_cypress_pia.json").read_bytes()
    preview = run(reg, documents.preview_json, activity(reg, "it_logs"), raw)
    assert preview.ignored == ("evaluation 3.1.[object Object]",)
    assert (preview.title, preview.measures, preview.answers) == ("Nom du Pia", 1, 18)


def test_a_dpia_made_here_comes_back_whole(reg):
    view = add_action(reg, new_dpia(reg), "Chiffrement des sauvegardes", yesterday(), status="in_progress")
    view = validated(reg, view, decided_on=yesterday())
    first = run(reg, documents.export_json, view.id).content
    imported = run(reg, documents.import_json, activity(reg, "partner_sharing"), first).dpia
    second = run(reg, documents.export_json, imported.id).content
    before, after = flatten(json.loads(first)), flatten(json.loads(second))
    table = compare(before, after)
    details = _differences(before, after, ())
    print_table("DPO Desk -> PIA file -> DPO Desk -> PIA file", table, details)
    assert sum(c["lost"] + c["changed"] for c in table.values()) == 0, details
    assert sum(c["kept"] for c in table.values()) > 60
    extension_before, extension_after = json.loads(first)["dpo_desk"], json.loads(second)["dpo_desk"]
    for key in ("status", "decision_by", "decision_comment", "decided_on", "review_date"):
        assert extension_after[key] == extension_before[key]
    assert [m["status"] for m in extension_after["measures"].values()] == [
        m["status"] for m in extension_before["measures"].values()]


def test_the_export_uses_the_keys_the_current_software_reads(reg):
    """LINCnil/pia reads `rejection_reason` and `applied_adjustments` (src/app/models/
    pia.model.ts, PiaService.importData) since January 2023; the old spellings are read
    on import but never written."""
    result = run(reg, documents.import_json, activity(reg, "it_logs"), (DATA / "lincnil_pia_example.json").read_bytes())
    pia = json.loads(run(reg, documents.export_json, result.dpia.id).content)["pia"]
    assert pia["rejection_reason"] == "Rapport incomplet" and "applied_adjustments" in pia
    assert "rejected_reason" not in pia and "applied_adjustements" not in pia
    old = json.loads((DATA / "cnil_pia_export.json").read_text(encoding="utf-8"))
    old["pia"]["status"], old["pia"]["rejected_reason"] = 1, "Finalité trop large"
    refused = run(reg, documents.import_json, activity(reg, "payments"), json.dumps(old).encode()).dpia
    assert (refused.status, refused.rejection_reason, refused.decision_comment) == (
        "refused", "Finalité trop large", "Finalité trop large")
