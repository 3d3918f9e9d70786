"""The breach register as a spreadsheet (one row per breach, every documented field)."""

from collections.abc import Iterable

from exports import breach_text as bt
from exports.csv_safe import to_csv
from exports.pdf.breach_register import RegisterEntry
from exports.stamp import Translator
from models.breach_rules import data_flags
from models.deadlines import breach_notification_late

COLUMNS = ("reference", "entity", "title", "status", "started_at", "ended_at", "detected_at", "aware_at",
           "notification_deadline", "notified_at", "notified_late", "delay_reasons", "authority_references",
           "nature", "cause", "processor_name", "data_categories", "art9", "art10", "financial",
           "people_categories", "people_min", "people_max", "records_min", "records_max", "likely_consequences",
           "measures_taken", "measures_proposed", "risk_level", "risk_justification", "art34_exception",
           "people_informed_at", "people_information_means", "closed_at")


def build_register_csv(tr: Translator, entries: Iterable[RegisterEntry]) -> bytes:
    def row(entry: RegisterEntry) -> list:
        b, notes = entry.breach, entry.notifications
        initial = notes[0] if notes else None
        flags = set(data_flags(b.data_categories))
        late = bool(initial and b.notification_deadline
                    and breach_notification_late(b.notification_deadline, initial.sent_at))
        return [b.reference, entry.entity_name, b.title, tr(f"breach.status.{b.status}"), b.started_at, b.ended_at,
                b.detected_at, b.aware_at, b.notification_deadline, b.notified_at, late if initial else None,
                initial.delay_reasons if initial else "", " | ".join(n.authority_reference for n in notes),
                bt.nature(tr, b), bt.cause(tr, b), b.processor_name or "",
                ", ".join(tr(f"breach.category.{c}") for c in b.data_categories),
                "art9" in flags, "art10" in flags, "financial" in flags, b.people_categories, b.people_min,
                b.people_max, b.records_min, b.records_max, b.likely_consequences, b.measures_taken,
                b.measures_proposed, bt.risk(tr, b), b.risk_justification,
                tr(f"breach.exception.{b.art34_exception}") if b.art34_exception else "",
                b.people_informed_at, b.people_information_means, b.closed_at]

    return to_csv([tr(f"breach.csv.{name}") for name in COLUMNS], (row(e) for e in entries))
