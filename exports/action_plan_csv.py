"""The action plan as a spreadsheet (one row per action), formula-safe (exports/csv_safe.py)."""

from collections.abc import Iterable

from exports.csv_safe import to_csv
from exports.stamp import Translator

COLUMNS = ("kind", "reference", "action", "owner", "department", "entity", "due", "status", "done_on")


def build_action_plan_csv(tr: Translator, rows: Iterable, departments: dict[int, str],
                          entities: dict[int, str]) -> bytes:
    """`rows`: dashboard.action_plan.Action."""
    return to_csv([tr(f"action_plan.col.{c}") for c in COLUMNS],
                  ([tr(f"action_plan.kind.{a.kind}"), a.reference, a.action, a.owner,
                    departments.get(a.department_id, "") if a.department_id else "", entities.get(a.entity_id, ""),
                    a.due, tr(f"action_plan.status.{a.status}"), a.done_on] for a in rows))
