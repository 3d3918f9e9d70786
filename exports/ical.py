"""Deadlines as an iCalendar file (RFC 5545), for the calendar a DPO already uses.

Hand-written: one VCALENDAR, one VEVENT per deadline. A date deadline is an all-day
event on its Paris day; the breach clock (72 hours, Art. 33(1)) is a timed event at
its instant, in UTC. Only the kind, the case reference and the case's title travel:
no personal data (a request's item has no title).

Text values are escaped (backslash, semicolon, comma, newline) and content lines
folded at 75 octets without splitting a UTF-8 character; lines end with CRLF.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from exports.stamp import Translator
from models.clock import paris_time
from models.types import as_utc

PRODID = "-//DPO Desk//Deadlines//FR"
UID_DOMAIN = "dpo-desk"
TIMEZONE = "Europe/Paris"
LINE_OCTETS = 75
REFRESH = "PT1H"  # how often a subscribed calendar should poll the feed
DATE_ALARM = "-P1D"
CLOCK_ALARM = "-PT12H"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 § 3.3.11): backslash, semicolon, comma and newline escaped;
    other control characters (forbidden in a content line) dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(c for c in value if c in "\n\t" or not (ord(c) < 0x20 or ord(c) == 0x7F))
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 § 3.1): continuation lines start
    with a space; a multi-byte UTF-8 character is never split. Returns CRLF-joined text
    without the final CRLF."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc_stamp(instant: datetime) -> str:
    return as_utc(instant).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _format_date(value: date, language: str) -> str:
    return value.strftime("%d/%m/%Y") if language == "fr" else value.isoformat()


def _format_instant(value: datetime, language: str) -> str:
    local = paris_time(value)
    return local.strftime("%d/%m/%Y %H:%M" if language == "fr" else "%Y-%m-%d %H:%M")


def event_uid(kind: str, case_id: int, due: date) -> str:
    """Stable per deadline: the same deadline keeps its event across refreshes; a moved
    deadline is a new event (the old one disappears from a subscribed feed)."""
    return f"{kind}-{case_id}-{_day(due)}@{UID_DOMAIN}"


def summary(item: Any, tr: Translator) -> str:
    text = f"{tr(f'overview.kind.{item.kind}')} — {item.reference}"
    return f"{text} — {item.title}" if item.title else text


def _description(item: Any, tr: Translator, url: str) -> str:
    language = getattr(tr, "language", "fr")
    if item.due_at is not None:
        lines = [tr("calendar.ics.due_at", when=_format_instant(item.due_at, language))]
    else:
        lines = [tr("calendar.ics.due_on", date=_format_date(item.due, language))]
    lines.append(tr("calendar.ics.case", reference=item.reference))
    if item.urgency == "late":
        lines.append(tr("calendar.ics.late"))
    if url:
        lines.append(url)
    return "\n".join(lines)


def _uids(items: list) -> list[str]:
    """One UID per item; two items of the same case, kind and day (two measures of one
    DPIA due the same day) are told apart by their title."""
    seen: set[str] = set()
    uids = []
    for item in items:
        uid = event_uid(item.kind, item.case_id, item.due)
        if uid in seen:
            base = uid.split("@")[0] + "-" + hashlib.sha256(item.title.encode()).hexdigest()[:8]
            uid, n = f"{base}@{UID_DOMAIN}", 2
            while uid in seen:
                uid, n = f"{base}-{n}@{UID_DOMAIN}", n + 1
        seen.add(uid)
        uids.append(uid)
    return uids


def _event(item: Any, uid: str, tr: Translator, stamp: str, url: str) -> list[str]:
    title = summary(item, tr)
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}"]
    if item.due_at is not None:
        lines.append(f"DTSTART:{_utc_stamp(item.due_at)}")  # no DTEND: the deadline is an instant
        alarm = CLOCK_ALARM
    else:
        lines += [f"DTSTART;VALUE=DATE:{_day(item.due)}",
                  f"DTEND;VALUE=DATE:{_day(item.due + timedelta(days=1))}"]
        alarm = DATE_ALARM
    lines += [f"SUMMARY:{escape_text(title)}",
              f"DESCRIPTION:{escape_text(_description(item, tr, url))}",
              f"CATEGORIES:{escape_text(tr(f'overview.kind.{item.kind}'))}",
              "TRANSP:TRANSPARENT", "CLASS:PRIVATE"]
    if url:
        lines.append(f"URL;VALUE=URI:{url}")
    lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(title)}", f"TRIGGER:{alarm}",
              "END:VALARM", "END:VEVENT"]
    return lines


def deadlines_ics(items: Iterable[Any], tr: Translator, *, calendar_name: str, now: datetime,
                  link: Callable[[Any], str] | None = None) -> bytes:
    """`items`: dashboard.overview.figures.DeadlineItem (kind, case_id, reference, title,
    due, due_at, urgency); `link(item)` an optional URL to open the case."""
    items = list(items)
    stamp = _utc_stamp(now)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(calendar_name)}", f"X-WR-TIMEZONE:{TIMEZONE}",
             f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    for item, uid in zip(items, _uids(items)):
        url = link(item) if link else ""
        lines += _event(item, uid, tr, stamp, url.replace("\r", "").replace("\n", ""))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
