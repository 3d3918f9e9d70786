"""Subject and body of each mail, in the recipient's language.

A mail says what happened or what falls due, gives the case reference and a link into
the app (sign-in required, as always): never personal data — no requester's name or
address, no breach facts, not even a case title (a breach's title may describe it).
"""

from dataclasses import dataclass
from datetime import date, datetime

from dashboard.calendar_feed import CASE_PAGES
from dashboard.i18n import LANGUAGES, DEFAULT_LANGUAGE, format_date, format_datetime, translate
from models import mail
from models.mail import MailOutbox

SUBJECT_PREFIX = "[DPO Desk]"


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def case_url(base_url: str, case_type: str, case_id: int) -> str:
    page = CASE_PAGES.get(case_type)
    if not base_url or not page:
        return ""
    return f"{base_url.rstrip('/')}/{page}?id={case_id}"


def reminder_level(threshold: str) -> str:
    """"d-7", "h-12", "overdue"... from a reminder's claim key "<kind>:<level>:<due>"."""
    parts = threshold.split(":")
    return parts[1] if len(parts) > 2 else threshold


def _due_text(due: str, lang: str) -> str:
    if not due:
        return "—"
    if "T" in due:
        return format_datetime(datetime.fromisoformat(due), lang)
    return format_date(date.fromisoformat(due), lang)


def _footer(t, base_url: str) -> list[str]:
    lines = ["", "--", t("mail.footer.no_personal_data")]
    if base_url:
        lines.append(t("mail.footer.preferences", url=f"{base_url.rstrip('/')}/account"))
    return lines


def compose(row: MailOutbox, language: str, base_url: str, digest_lines: list[str] | None = None) -> Mail:
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def t(key: str, **params) -> str:
        return translate(key, lang, **params)

    due = _due_text(row.due, lang)
    link = case_url(base_url, row.case_type, row.case_id)
    if row.event == mail.DIGEST:
        subject = t("mail.subject.digest", week=row.threshold)
        lines = [t("mail.body.digest", week=row.threshold), ""]
        lines += digest_lines or [t("mail.digest.nothing")]
        if base_url:
            lines += ["", t("mail.link", url=f"{base_url.rstrip('/')}/home")]
        return Mail(f"{SUBJECT_PREFIX} {subject}", "\n".join(lines + _footer(t, base_url)))
    if row.kind == "register_returned":  # an entry sent back to review by a processor change (issue 18)
        subject = t("mail.subject.register_returned", reference=row.case_reference)
        lines = [t("mail.body.register_returned", reference=row.case_reference)]
    elif row.event in (mail.REQUEST_ROUTED, mail.BREACH_DECLARED):
        subject = t(f"mail.subject.{row.event}", reference=row.case_reference)
        lines = [t(f"mail.body.{row.event}", reference=row.case_reference, due=due)]
    else:
        kind = t(f"overview.kind.{row.kind}") if row.kind else t(f"mail.event.{row.event}")
        level = reminder_level(row.threshold)
        when = t(f"mail.when.{level}")
        subject = t("mail.subject.reminder", reference=row.case_reference, when=when)
        key = "mail.body.overdue" if level == mail.OVERDUE else "mail.body.reminder"
        lines = [t(key, kind=kind, reference=row.case_reference, due=due, when=when)]
        if row.event == mail.DSR_OVERDUE:
            lines.append(t("mail.body.escalated"))
    lines.append("")
    lines.append(t("mail.reference", reference=row.case_reference))
    if link:
        lines.append(t("mail.link", url=link))
    return Mail(f"{SUBJECT_PREFIX} {subject}", "\n".join(lines + _footer(t, base_url)))
