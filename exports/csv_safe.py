"""CSV that spreadsheets open safely and correctly.

Formula injection (OWASP "CSV Injection"): a cell starting with =, +, -, @, a tab or
a carriage return is run as a formula by Excel or LibreOffice; such a cell gets a
leading apostrophe. The file is UTF-8 with a byte-order mark and semicolons, which
is what a French Excel expects.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import StringIO

from models.clock import paris_time

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return paris_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)  # a negative number is data, not a formula
    text = str(value)
    return "'" + text if text.startswith(_DANGEROUS_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
