"""The register as a spreadsheet (CSV or XLSX), and back.

One row per entry, one column per Art. 30(1) item. A column holding a list has one
item per line within its cell; an item's parts are separated by " | " (a "|" or a
"\\" inside a part is written "\\|" or "\\\\"), e.g. a purpose:

    Gestion des contrats | Exécution d'un contrat
    Lutte contre la fraude | Intérêt légitime | Prévenir la fraude aux prestations

Coded values (legal basis, sensitivity, end action...) are written as their label in
the export's language and read back from their code or their label in any language.
Cells are formula-safe (exports.csv_safe); the reader undoes exactly that apostrophe,
so that an export read back gives the same register.
"""

import csv
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO, StringIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from exports.csv_safe import _DANGEROUS_START, safe_cell, to_csv
from exports.stamp import Translator
from models.input_limits import NUL_KEY
from models.register import (CONDITIONS, END_ACTIONS, LEGAL_BASES, MEDIA, PEOPLE_COUNTS, RECIPIENT_KINDS,
                             RETENTION_UNITS, SAFEGUARDS, SECURITY_CATEGORIES, SENSITIVITIES, RegisterEntry)

# Columns read back on import, in order; then columns exported for information only.
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "purposes": ("description", "legal_basis", "legitimate_interest"),
    "subject_categories": ("name",),
    "data_categories": ("name", "sensitivity", "condition", "condition_detail", "proof_location"),
    "recipients": ("name", "kind"),
    "transfers": ("recipient", "country", "safeguard", "safeguard_detail"),
    "retention_rules": ("category", "duration", "unit", "start_event", "end_action", "justification"),
    "security_measures": ("category", "description"),
}
TEXT_COLUMNS = ("name", "description", "joint_controllers", "consent_records", "withdrawal_propagation",
                "automated_decisions_detail", "data_sources")
# Single-value columns holding a code, written as its label: column -> (label prefix, codes).
# "automated_decisions" (GDPR Art. 22) is a yes/no.
SCALAR_CODED: dict[str, tuple[str, Sequence[str]]] = {
    "automated_decisions": ("register.yes_no.", ("yes", "no")),
    "people_count": ("register.people_count.", PEOPLE_COUNTS),
    "medium": ("register.medium.", MEDIA),
}
IMPORTED = ("reference", "source_reference", "entity", "department", "name", "description", "joint_controllers",
            *LIST_COLUMNS, "consent_records", "withdrawal_propagation", "automated_decisions",
            "automated_decisions_detail", "data_sources", "people_count", "medium", "last_reviewed_on", "version")
INFORMATION_ONLY = ("status", "validated_by", "validated_at", "next_review_on")
COLUMNS = IMPORTED + INFORMATION_ONLY
REQUIRED = ("entity", "department", "name")

# (list column, part) -> (catalogue prefix of the labels, codes)
CODED: dict[tuple[str, str], tuple[str, Sequence[str]]] = {
    ("purposes", "legal_basis"): ("register.basis.", LEGAL_BASES),
    ("data_categories", "sensitivity"): ("register.sensitivity.", SENSITIVITIES),
    ("data_categories", "condition"): ("register.condition.", tuple(CONDITIONS)),
    ("recipients", "kind"): ("register.recipient_kind.", RECIPIENT_KINDS),
    ("transfers", "safeguard"): ("register.safeguard.", SAFEGUARDS),
    ("retention_rules", "unit"): ("register.unit.", RETENTION_UNITS),
    ("retention_rules", "end_action"): ("register.end_action.", END_ACTIONS),
    ("security_measures", "category"): ("register.security.", SECURITY_CATEGORIES),
}
# (list column, part) -> catalogue key of its label, where the part's own name is not enough
_PART_LABELS = {("purposes", "description"): "purpose", ("subject_categories", "name"): "subject_category",
                ("data_categories", "name"): "data_category", ("recipients", "name"): "recipient",
                ("recipients", "kind"): "recipient_kind", ("security_measures", "category"): "security_category"}
STATUS_PREFIX = "register.status."
SEPARATOR = " | "
_PROTECTED_START = (*_DANGEROUS_START, "'")


def column_label(tr: Translator, key: str) -> str:
    return tr(f"register.col.{key}")


def part_label(tr: Translator, column: str, part: str) -> str:
    return tr("register.field." + _PART_LABELS.get((column, part), part))


# ------------------------------------------------------------------ writing


def _escape(part: str) -> str:
    return part.replace("\\", "\\\\").replace("|", "\\|")


def _protect(value: str) -> str:
    """One more apostrophe before a value that already starts with one that the reader
    would take for csv_safe's (so "'=x" survives the round trip too)."""
    return "'" + value if value.startswith("'") and value[1:2].startswith(_PROTECTED_START) else value


def item_line(tr: Translator, column: str, item) -> str:
    parts = []
    for part in LIST_COLUMNS[column]:
        value = getattr(item, part)
        if (column, part) in CODED and value:
            value = tr(CODED[(column, part)][0] + value)
        parts.append(_escape(str(value)))
    while parts and not parts[-1]:
        parts.pop()
    return SEPARATOR.join(parts)


def entry_row(entry: RegisterEntry, tr: Translator) -> list[object]:
    content = entry.content
    values = {
        "reference": entry.reference, "source_reference": entry.source_reference, "entity": entry.entity_code,
        "department": entry.department_code, "last_reviewed_on": entry.last_reviewed_on,
        "status": tr(STATUS_PREFIX + entry.status), "validated_by": entry.validated_by,
        "validated_at": entry.validated_at, "next_review_on": entry.next_review_on, "version": entry.version,
        **{c: getattr(content, c) for c in TEXT_COLUMNS},
        **{c: scalar_label(tr, c, getattr(content, c)) for c in SCALAR_CODED},
        **{c: "\n".join(item_line(tr, c, item) for item in getattr(content, c)) for c in LIST_COLUMNS},
    }
    return [_protect(v) if isinstance(v, str) else v for v in (values[c] for c in COLUMNS)]


def header(tr: Translator) -> list[str]:
    return [column_label(tr, c) for c in COLUMNS]


def register_csv(entries: Sequence[RegisterEntry], tr: Translator) -> bytes:
    return to_csv(header(tr), (entry_row(e, tr) for e in entries))


def register_xlsx(entries: Sequence[RegisterEntry], tr: Translator) -> bytes:
    """The same cells as the CSV (formula-safe text), on one sheet ready to print."""
    book = Workbook()
    sheet = book.active
    sheet.title = tr("register.sheet_title")[:31]
    sheet.append(header(tr))
    for entry in entries:
        sheet.append([safe_cell(v) for v in entry_row(entry, tr)])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F8")
        cell.alignment = wrap
    for index, key in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 60 if key in LIST_COLUMNS else 24
        for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            row[0].alignment = wrap
    sheet.freeze_panes = "C2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ reading


class UnreadableFile(Exception):
    pass


class OverLimit(Exception):
    """The file goes beyond what an import reads (`MAX_ROWS`, `MAX_COLUMNS`,
    `MAX_CELL_CHARS`, `MAX_UNPACKED_BYTES`): refused before it is read whole."""

    def __init__(self, key: str, line: int = 1, **params):
        super().__init__(key, line, params)
        self.key, self.line, self.params = key, line, params


MAX_ROWS = 5000  # entries, the header not counted
MAX_COLUMNS = 100
MAX_CELL_CHARS = 100_000  # characters in one cell (Python's csv reader stops at 131 072)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX is a ZIP: what its parts unpack to


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text (a spreadsheet program may have typed dates and numbers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unprotect(cell: str) -> str:
    """Undo safe_cell's apostrophe (and _protect's)."""
    return cell[1:] if cell.startswith("'") and cell[1:2].startswith(_PROTECTED_START) else cell


def _bounded(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """The rows as text, refused as soon as one goes beyond a limit."""
    table: list[list[str]] = []
    for line, row in enumerate(rows, start=1):
        if line > MAX_ROWS + 1:
            raise OverLimit("register.import.too_many_rows", line, max=MAX_ROWS)
        cells = [_cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise OverLimit("register.import.too_many_columns", line, max=MAX_COLUMNS)
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise OverLimit("register.import.cell_too_long", line, max=MAX_CELL_CHARS)
        table.append([unprotect(cell) for cell in cells])
    return table


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows, read without trusting what the file declares: the
    unpacked size and the sheet's declared dimension are checked before any cell is
    read, and no row is padded beyond MAX_COLUMNS."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise OverLimit("register.import.too_big_unpacked", mb=MAX_UNPACKED_BYTES // 2**20)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl says, the file is not a workbook
        raise UnreadableFile() from exc
    try:
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise OverLimit("register.import.too_many_rows", MAX_ROWS + 2, max=MAX_ROWS)
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise OverLimit("register.import.too_many_columns", 1, max=MAX_COLUMNS)
        sheet.reset_dimensions()  # read what is there, not what is declared
        try:
            return _bounded(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True))
        except OverLimit:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet
            raise UnreadableFile() from exc
    finally:
        book.close()


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV (UTF-8 or Windows-1252; ";", "," or tab) or of an XLSX's first
    sheet, within the limits above (OverLimit otherwise)."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _bounded(reader)
    except csv.Error:  # a cell beyond the csv module's own limit, or a NUL byte in older Pythons
        raise OverLimit("register.import.cell_too_long", reader.line_num + 1, max=MAX_CELL_CHARS) from None


@dataclass(frozen=True)
class SheetProblem:
    line: int  # line in the spreadsheet (the header is line 1)
    column: str  # column label as written in the file ("" for the whole row)
    key: str
    params: dict = field(default_factory=dict)
    item: int | None = None  # 1-based item within a list cell


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: dict[str, str]  # column key -> cell text (list columns: still encoded)
    labels: dict[str, str]  # column key -> label as written in the file


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_rows(table: list[list[str]], translators: Sequence[Translator]) -> tuple[list[SheetRow], list[SheetProblem]]:
    """Match the header to the columns (by key or label in any language); return the
    non-empty rows and the header's problems."""
    if not table:
        return [], [SheetProblem(1, "", "register.import.empty_file")]
    names = {}
    for key in COLUMNS:
        names[_normalise(key)] = key
        for tr in translators:
            names[_normalise(column_label(tr, key))] = key
    problems: list[SheetProblem] = []
    columns: dict[int, str] = {}
    labels: dict[str, str] = {}
    for index, title in enumerate(table[0]):
        if not title.strip():
            continue
        key = names.get(_normalise(title))
        if key is None:
            problems.append(SheetProblem(1, title, "register.import.unknown_column"))
        elif key in labels:
            problems.append(SheetProblem(1, title, "register.import.duplicate_column"))
        else:
            columns[index] = key
            labels[key] = title
    for key in REQUIRED:
        if key not in labels:
            problems.append(SheetProblem(1, column_label(translators[0], key), "register.import.missing_column"))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: cells[i].strip() if i < len(cells) else "" for i, key in columns.items()}
        if not any(values.values()):
            continue
        with_nul = [key for key, value in values.items() if "\x00" in value]
        for key in with_nul:
            problems.append(SheetProblem(number, labels[key], NUL_KEY))
            values[key] = values[key].replace("\x00", "")  # reported once, here; not looked up
        rows.append(SheetRow(number, values, labels))
    return rows, problems


def _split_parts(line: str) -> list[str]:
    parts, current, chars = [], [], iter(line)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _loose(text: str) -> str:
    """Labels as people type them: "ans", "an(s)" and "an" are the same unit."""
    return _normalise(text).replace("(s)", "").removesuffix("s")


def _code(value: str, prefix: str, codes: Sequence[str], translators: Sequence[Translator]) -> str | None:
    wanted = _loose(value)
    for code in codes:
        if wanted == _loose(code) or any(wanted == _loose(tr(prefix + code)) for tr in translators):
            return code
    return None


def scalar_label(tr: Translator, column: str, value) -> str:
    """A coded single value as the sheet writes it ("" when not stated)."""
    if column == "automated_decisions":
        value = "yes" if value else "no"
    return tr(SCALAR_CODED[column][0] + value) if value else ""


def read_scalar(row: SheetRow, column: str, translators: Sequence[Translator]) -> tuple[object, list[SheetProblem]]:
    """A coded single-value cell, its code resolved (an empty or absent cell: not stated)."""
    value = row.values.get(column, "").strip()
    if not value:
        return (False if column == "automated_decisions" else ""), []
    prefix, codes = SCALAR_CODED[column]
    code = _code(value, prefix, codes, translators)
    if code is None:
        return None, [SheetProblem(row.line, row.labels.get(column, column), "register.import.unknown_value",
                                   {"value": value})]
    return (code == "yes" if column == "automated_decisions" else code), []


def read_list(row: SheetRow, column: str, translators: Sequence[Translator]) -> tuple[list[dict], list[SheetProblem]]:
    """The items of a list cell as dicts of their parts, codes resolved."""
    items, problems = [], []
    lines = [line for line in row.values.get(column, "").split("\n") if line.strip()]
    for number, line in enumerate(lines, start=1):
        parts = _split_parts(line.rstrip("\r"))
        names = LIST_COLUMNS[column]
        if len(parts) > len(names):
            problems.append(SheetProblem(row.line, row.labels[column], "register.import.too_many_parts",
                                         {"max": len(names)}, number))
            continue
        item = dict(zip(names, parts))
        for part, value in list(item.items()):
            if (column, part) in CODED and value:
                prefix, codes = CODED[(column, part)]
                code = _code(value, prefix, codes, translators)
                if code is None:
                    problems.append(SheetProblem(row.line, row.labels[column], "register.import.unknown_value",
                                                 {"value": value}, number))
                item[part] = code or ""
        items.append(item)
    return items, problems
