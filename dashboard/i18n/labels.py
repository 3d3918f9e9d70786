"""What stored codes mean, in the reader's language: audit actions, document kinds, and
the details of an audit entry or a case's history ("channel: email · found: True" becomes
"Canal : Courriel · Trouvé : Oui").

One place turns a stored code into words, so that no page shows a raw catalogue key, an
English field name or a raw value (`True`, `dsr.erasure`, an ISO date):

- `action_label(tr, action)`: `audit.action.<action>` (catalogue/labels.json); the
  derived forms `<action>.refused`, `page:<url>`, `evidence.issue:<kind>`;
- `document_kind(tr, kind)`: `evidence.kind.<kind>`; a signed copy (`<kind>.signed`);
- `describe(tr, details, action)`: each field as "Label : value", values translated
  (enumerations, booleans, catalogue keys), dates and instants in Paris time, dd/mm/yyyy;
  `describe_changes` the "before → after" of an edit (details["changes"]).

Field labels are looked up as `details.field.<name>`, then the area's own catalogue
(`<area>.field.<name>`, `field.<name>`, `<area>.col.<name>`...); values as
`details.value.<area>.<field>.<value>`, `details.value.<field>.<value>`, then the
enumerations the areas already name (VALUE_PREFIXES). Pure functions: no streamlit.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from dashboard.i18n import Translator, has_key

CHANGES = "changes"
SIGNED_SUFFIX = ".signed"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_HEX = re.compile(r"^[0-9a-f]{32,}$")
_TEXT_LIMIT = 160

# Enumerations the areas' catalogues already name, per field of the details ("{area}": the action's area).
VALUE_PREFIXES: dict[str, tuple[str, ...]] = {
    "status": ("{area}.status", "processor.sub_status", "processor.contract.status", "dpia.measure.status"),
    "state": ("dsr.recipient_state",),
    "channel": ("dsr.channel",),
    "method": ("dsr.identity_method", "dsr.erasure_method"),
    "outcome": ("dsr.outcome", "dpia.screening.outcome", "processor.audit_outcome"),
    "proposed_outcome": ("dsr.outcome",),
    "relation": ("dsr.relation",),
    "rights": ("dsr.right",),
    "right": ("dsr.right",),
    "phase": ("breach.phase",),
    "risk_level": ("breach.risk",),
    "authority_notification": ("breach.short",),
    "kind": ("breach.step", "dpia.risk.kind"),
    "evaluation": ("dpia.evaluation",),
    "criteria": ("dpia.criterion",),
    "suggested": ("dpia.criterion",),  # a screening suggested from the register entry
    "confirmed": ("dpia.criterion",),
    "rejected": ("dpia.criterion",),
    "added": ("dpia.criterion",),
    "role": ("role",),
    "authorisation": ("processor.authorisation",),
    "choice": ("processor.end_choice",),
    "sensitivity": ("register.sensitivity",),
}
# Details whose list is [before, after] rather than a list of values.
PAIR_FIELDS = frozenset({"status", "state", "due_on", "department_id", "opinion"})
# Catalogue prefixes that already name the fields of an area's records.
FIELD_PREFIXES = ("{area}.field", "details.field", "field", "{area}.col", "{area}.risk", "{area}.measure",
                  "{area}.clause")
# Fields named by a pattern (a processor contract's clauses: art28_a, art28_data_types...).
PATTERN_VALUE_PREFIXES = ((re.compile(r"^art28_"), ("processor.clause_state",)),)


def _area(action: str) -> str:
    return action.split(".", 1)[0].split(":", 1)[0] if action else ""


def action_label(tr: Translator, action: str) -> str:
    """The audit action in words (never the raw code when the catalogue names it)."""
    if not action:
        return "—"
    if has_key(f"audit.action.{action}"):
        return tr(f"audit.action.{action}")
    if action.endswith(".refused"):
        return tr("audit.action.refused", action=action_label(tr, action.removesuffix(".refused")))
    if action.startswith("page:"):
        return tr("audit.action.page", page=_page_title(tr, action.removeprefix("page:")))
    if action.startswith("evidence.issue:"):
        return tr("audit.action.issue_kind", kind=document_kind(tr, action.removeprefix("evidence.issue:")))
    if has_key(f"dsr.history.{action}"):
        return tr(f"dsr.history.{action}")
    return tr("audit.action.other", action=action)


def _page_title(tr: Translator, url_path: str) -> str:
    from dashboard.navigation import LOGIN_PAGE, MFA_PAGE, PAGES, PASSWORD_PAGE

    spec = next((s for s in (*PAGES, LOGIN_PAGE, PASSWORD_PAGE, MFA_PAGE) if s.url_path == url_path), None)
    return tr(spec.title_key) if spec else url_path


def object_text(tr: Translator, object_ref: str, object_type: str) -> str:
    """What an audit entry is about: its reference, else its type in words."""
    if object_ref:
        return object_ref
    if not object_type:
        return ""
    return tr(f"details.object.{object_type}") if has_key(f"details.object.{object_type}") else object_type


def document_kind(tr: Translator, kind: str) -> str:
    """A document kind of the evidence registry in words ("dsr.destruction_certificate"
    → "Certificat d'effacement"); a kind the catalogue does not name reads "Document"."""
    if not kind:
        return "—"
    if kind.endswith(SIGNED_SUFFIX):
        return tr("evidence.kind.signed", kind=document_kind(tr, kind.removesuffix(SIGNED_SUFFIX)))
    if has_key(f"evidence.kind.{kind}"):
        return tr(f"evidence.kind.{kind}")
    return tr("evidence.kind.other")


def field_label(tr: Translator, name: str, action: str = "") -> str:
    area = _area(action)
    for prefix in FIELD_PREFIXES:
        key = f"{prefix.format(area=area)}.{name}"
        if has_key(key):
            return tr(key)
    if re.fullmatch(r"[0-9.]+", name):  # a DPIA question (1.1, 2.1.211): its number is its name
        return tr("details.field.question", number=name)
    return name.replace("_", " ")


def _enumerated(tr: Translator, name: str, value: str, action: str) -> str | None:
    area = _area(action)
    candidates = [f"details.value.{area}.{name}.{value}", f"details.value.{name}.{value}",
                  *(f"{p.format(area=area)}.{value}" for p in VALUE_PREFIXES.get(name, ())),
                  *(f"{p}.{value}" for pattern, prefixes in PATTERN_VALUE_PREFIXES if pattern.match(name)
                    for p in prefixes),
                  f"{area}.{name}.{value}"]
    for key in candidates:
        if has_key(key):
            return tr(key)
    if name in ("kind", "attempted", "action"):
        if name == "kind" and (has_key(f"evidence.kind.{value}") or "." in value):
            return document_kind(tr, value)
        if name != "kind":
            return action_label(tr, value)
    if "." in value and has_key(value):  # a stored catalogue key (a reason, an error)
        return tr(value)
    return None


def _instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed


def value_text(tr: Translator, name: str, value: Any, action: str = "",
               lookups: Mapping[str, Mapping[Any, str]] | None = None) -> str:
    """One value of the details in words: yes/no, dates in Paris time (dd/mm/yyyy),
    enumerations and catalogue keys translated, names for ids the caller can name."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if lookups and name in lookups and not isinstance(value, (list, dict)):
        return str(lookups[name].get(value, value))
    if isinstance(value, bool):
        return tr("common.yes") if value else tr("common.no")
    if name.endswith("_cents") and isinstance(value, int):  # an amount of euros
        return tr.amount(value)
    if isinstance(value, datetime):
        return tr.datetime(value)
    if isinstance(value, date):
        return tr.date(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(tr, str(k), action)} : {value_text(tr, str(k), v, action, lookups)}"
                         for k, v in value.items() if v not in (None, "", [], {}, False)) or "—"
    if isinstance(value, (list, tuple)):
        parts = [value_text(tr, name, item, action, lookups) for item in value]
        return (" → " if name in PAIR_FIELDS and len(value) == 2 else ", ").join(parts)
    text = str(value)
    if _ISO_DATE.match(text):
        return tr.date(date.fromisoformat(text))
    if _ISO_INSTANT.match(text) and (instant := _instant(text)) is not None:
        return tr.datetime(instant)
    if _HEX.match(text):
        return f"{text[:12]}…"
    if _IDENTIFIER.match(text) and (named := _enumerated(tr, name, text, action)) is not None:
        return named
    return text if len(text) <= _TEXT_LIMIT else f"{text[:_TEXT_LIMIT - 1]}…"


def describe(tr: Translator, details: Mapping[str, Any] | None, action: str = "", *, with_changes: bool = True,
             lookups: Mapping[str, Mapping[Any, str]] | None = None) -> str:
    """The details of an audit entry in words: "Label : value · Label : value", the
    changes of an edit included unless `with_changes` is False."""
    parts = []
    for name, value in (details or {}).items():
        if name == CHANGES:
            if with_changes:
                changed = describe_changes(tr, details, action, lookups=lookups)
                if changed:
                    parts.append(changed)
            continue
        if value in (None, "", [], {}):
            continue
        parts.append(f"{field_label(tr, name, action)} : {value_text(tr, name, value, action, lookups)}")
    return " · ".join(parts)


def changes(tr: Translator, details: Mapping[str, Any] | None, action: str = "",
            lookups: Mapping[str, Mapping[Any, str]] | None = None) -> list[tuple[str, str, str]]:
    """[(field label, before, after)] of an edit recorded as details["changes"]."""
    recorded = (details or {}).get(CHANGES)
    if not isinstance(recorded, dict):
        return []
    rows = []
    for name, values in recorded.items():
        before, after = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
        if before in (None, "", [], {}) and after in (None, "", [], {}):
            continue  # an empty field stayed empty: nothing to read
        rows.append((field_label(tr, str(name), action), value_text(tr, str(name), before, action, lookups),
                     value_text(tr, str(name), after, action, lookups)))
    return rows


def describe_changes(tr: Translator, details: Mapping[str, Any] | None, action: str = "",
                     lookups: Mapping[str, Mapping[Any, str]] | None = None) -> str:
    return " ; ".join(f"{label} : {before} → {after}" for label, before, after in changes(tr, details, action, lookups))
