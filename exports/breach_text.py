"""How a breach's values read in documents (PDF and CSV), in the translator's language."""

from datetime import datetime

from exports.stamp import Translator
from models.breach import DATA_CATEGORIES, Breach, BreachNotification, DataFlag
from models.breach_rules import approximate_kind, data_flags
from models.clock import paris_time
from models.deadlines import breach_notification_late


def when(tr: Translator, value: datetime | None, unknown: str = "breach.doc.unknown") -> str:
    """An instant in Paris time, or "unknown"."""
    if value is None:
        return tr(unknown)
    return paris_time(value).strftime("%d/%m/%Y %H:%M" if tr.language == "fr" else "%Y-%m-%d %H:%M")


def date_only(tr: Translator, value: datetime | None) -> str:
    if value is None:
        return tr("breach.doc.unknown")
    return paris_time(value).strftime("%d/%m/%Y" if tr.language == "fr" else "%Y-%m-%d")


def day(tr: Translator, value: datetime) -> str:
    local = paris_time(value)
    return f"{local.day} {tr(f'month.{local.month}')} {local.year}"


def number(tr: Translator, value: int) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if tr.language == "fr" else grouped


def approximate(tr: Translator, low: int | None, high: int | None) -> str:
    """A number, a range, a bound, or unknown — the way the CNIL's form asks for it."""
    kind = approximate_kind(low, high)
    values = {"low": number(tr, low) if low is not None else "", "high": number(tr, high) if high is not None else ""}
    return tr(f"breach.approx.{kind}", **values)


def nature(tr: Translator, breach: Breach) -> str:
    parts = [tr(f"breach.nature.{name}") for name in ("confidentiality", "integrity", "availability")
             if getattr(breach, name)]
    return ", ".join(parts) or tr("breach.doc.unknown")


def cause(tr: Translator, breach: Breach) -> str:
    return f"{tr(f'breach.origin.{breach.cause_origin}')} — {tr(f'breach.intent.{breach.cause_intent}')}"


def categories(tr: Translator, breach: Breach) -> str:
    """The categories of data, each sensitive one marked (Art. 9, Art. 10, financial)."""
    labels = []
    for code in breach.data_categories:
        flag = DATA_CATEGORIES.get(code)
        label = tr(f"breach.category.{code}")
        labels.append(f"{label} ({tr(f'breach.flag.{flag}')})" if flag else label)
    return ", ".join(labels) or tr("breach.doc.unknown")


# Special categories (Art. 9) and offences (Art. 10), apart from the data that is not
# "sensitive" in the GDPR's sense yet raises the risk: the NIR, whose use French law
# frames (loi 78-17 art. 30), and financial data: "highly personal" data (WP248 rev.01,
# criterion 4), never Art. 9.
SPECIAL_FLAGS = frozenset({DataFlag.SPECIAL, DataFlag.CRIMINAL})
HIGHLY_PERSONAL_FLAGS = frozenset({DataFlag.NIR, DataFlag.FINANCIAL})


def flags(tr: Translator, breach: Breach, kinds: frozenset = SPECIAL_FLAGS | HIGHLY_PERSONAL_FLAGS) -> str:
    return ", ".join(tr(f"breach.flag.{flag}") for flag in data_flags(breach.data_categories)
                     if flag in kinds) or tr("common.none")


def risk(tr: Translator, breach: Breach) -> str:
    return tr(f"breach.risk.{breach.risk_level}") if breach.risk_level else tr("breach.risk.unassessed")


def people_information(tr: Translator, breach: Breach) -> str:
    """What was done about informing the people (Art. 34)."""
    if breach.people_informed_at is not None:
        key = "breach.doc.people_public" if breach.art34_exception == "disproportionate_effort" \
            else "breach.doc.people_informed"
        return tr(key, date=when(tr, breach.people_informed_at), means=breach.people_information_means)
    if breach.art34_exception:
        return tr("breach.doc.people_exception", exception=tr(f"breach.exception.{breach.art34_exception}"),
                  details=breach.art34_exception_details)
    if breach.risk_level == "high":
        return tr("breach.doc.people_to_inform")
    if breach.risk_level is None:
        return tr("breach.doc.people_pending_assessment")
    return tr("breach.doc.people_not_required")


def authority(tr: Translator, breach: Breach, notifications: list[BreachNotification]) -> str:
    """The notification to the authority in one phrase: when, late or not, or why none."""
    if notifications:
        first = notifications[0]
        late = breach.notification_deadline is not None and breach_notification_late(
            breach.notification_deadline, first.sent_at)
        text = tr("breach.doc.notified_late" if late else "breach.doc.notified_on_time",
                  date=when(tr, first.sent_at), reference=first.authority_reference)
        if len(notifications) > 1:
            text += " " + tr("breach.doc.complements", count=len(notifications) - 1)
        return text
    if breach.risk_level == "none":
        return tr("breach.doc.not_notified")
    return tr("breach.doc.notification_pending", deadline=when(tr, breach.notification_deadline))


def authority_short(tr: Translator, breach: Breach, notifications: list[BreachNotification]) -> str:
    """The same, for a table cell."""
    if notifications:
        sent = notifications[0].sent_at
        late = breach.notification_deadline is not None and breach_notification_late(breach.notification_deadline, sent)
        return tr("breach.short.notified_late" if late else "breach.short.notified", date=date_only(tr, sent))
    if breach.risk_level == "none":
        return tr("breach.short.not_required")
    return tr("breach.short.pending")
