"""The audit trail as CSV, and the "before and after" of an entry.

Use cases record the changes of an edit as details["changes"] = {field: [old, new]}
(dashboard.audit.diff). Values are shown literally: the trail is evidence, not prose.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from exports.csv_safe import to_csv
from exports.stamp import Translator
from models.audit import AuditEntry
from models.clock import paris_time

CHANGES_KEY = "changes"


def changes_of(details: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """[(field, before, after)] of an entry, or [] when it records no edit."""
    changes = (details or {}).get(CHANGES_KEY)
    if not isinstance(changes, dict):
        return []
    pairs = []
    for name, values in changes.items():
        before, after = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
        pairs.append((str(name), before, after))
    return pairs


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def format_changes(details: dict[str, Any] | None) -> str:
    return "; ".join(f"{name}: {show_value(before)} → {show_value(after)}"
                     for name, before, after in changes_of(details))


def other_details(details: dict[str, Any] | None) -> str:
    """The details besides the changes, as compact JSON."""
    rest = {k: v for k, v in (details or {}).items() if k != CHANGES_KEY}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""


def trail_csv(entries: Iterable[AuditEntry], tr: Translator, *, entity_codes: dict[int, str],
              reason_text: Callable[[str], str] = str) -> bytes:
    header = [tr(f"audit.col.{name}") for name in ("seq", "at", "actor", "role", "action", "object_type",
                                                     "object", "entity", "reason", "changes", "details", "hash")]
    rows = ([e.seq, paris_time(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.actor_role, e.action, e.object_type,
             e.object_ref or (e.object_id if e.object_id is not None else ""),
             entity_codes.get(e.entity_id, "") if e.entity_id else "", reason_text(e.reason) if e.reason else "",
             format_changes(e.details), other_details(e.details), e.hash] for e in entries)
    return to_csv(header, rows)
