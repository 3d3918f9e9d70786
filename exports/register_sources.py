"""Registers kept elsewhere, read as records of "label → value".

Two sources, two layouts:

* **Madis** (Soluris's open-source GDPR register for French local authorities; read in the
  github.com/svs-step/madis repository at 8267f985,
  `src/Domain/Reporting/Generator/Csv/TreatmentGenerator.php`): its CSV export of processing
  activities ("Traitements") — UTF-8 with a BOM, ";"-separated, one header row ("Nom",
  "Finalités", "Base légale", "Catégorie de données", "Détails - Personnes concernées -
  Salariés"...) then one row per activity. The same table saved as .xlsx or .ods reads the
  same. Layout "rows": each row is one record, its labels the header's.
* **The CNIL's model register** ("modèle de registre simplifié", .ods, also opened and saved
  as .xlsx): a tutorial sheet, the organisation's sheet listing its activities, then **one
  sheet per activity** ("fiche de registre") laid out as a form: a label in the first
  filled cell of a line, its value in the next filled cells ("Nom / sigle", "Date de création
  de la fiche", "Finalité principale", "Sous-finalité 1"...), and small tables whose lines
  are read the same way ("Catégories de données | Description | Délai d'effacement").
  Layout "form": each such sheet is one record. The file itself could not be fetched here: the
  layout is reconstructed from the CNIL's published description of the model (sections Acteurs,
  Finalité(s), Mesures de sécurité, Catégories de données personnelles, Données sensibles,
  Catégories de personnes concernées, Destinataires, Transferts hors UE).

Every file is sniffed from its bytes, not its name: a ZIP holding an OpenDocument spreadsheet
or an Office Open XML workbook, else text that reads as CSV; anything else ("%PDF" renamed
.xlsx, random bytes, a ZIP of something else) is `UnreadableFile`. The limits of
exports.register_sheet apply to every sheet (rows, columns, cell length, unpacked size),
checked before a cell is materialised: an ODS's declared repetitions ("this cell again
16 384 times", "this row a million times") are counted by a streaming pass over its XML
before pandas' odf engine (odfpy) reads it.
"""

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from xml.parsers import expat

from exports import register_sheet
from exports.register_sheet import (MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES, OverLimit,
                                    UnreadableFile, _bounded)

MAX_SHEETS = 300  # one per activity, plus the tutorial and the list
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[str]]


@dataclass(frozen=True)
class Record:
    """One activity as the source holds it."""

    origin: str  # "Fiche 2" (a sheet) or "ligne 3" (a row)
    fields: tuple[tuple[str, str], ...]  # (label, value) in the source's order; labels may repeat


# ------------------------------------------------------------------ sniffing and reading


def sniff(filename: str, data: bytes) -> str:
    """"ods", "xlsx" or "csv" from the bytes themselves; UnreadableFile otherwise."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIME:
                    return "ods"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
            raise UnreadableFile() from None
        raise UnreadableFile()
    if filename.lower().endswith((".xlsx", ".ods", ".xls")) or not _looks_like_text(data):
        raise UnreadableFile()
    return "csv"


def _looks_like_text(data: bytes) -> bool:
    """CSV is text: no NUL, few control characters, decodable."""
    sample = data[:65536]
    if not sample.strip() or b"\x00" in sample or sample.startswith(b"%PDF"):
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not a character cut by the sample's end
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
        else:
            text = sample[:exc.start].decode("utf-8-sig")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t")
    return controls <= len(text) // 100


def _unpacked_size(data: bytes) -> int:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile() from exc


def _check_ods_dimensions(content: bytes) -> None:
    """Count rows and columns as the sheet declares them (repetitions included) up to the
    last filled cell of each sheet, without building anything; refuse a DOCTYPE (entity
    expansion) outright."""
    state = {"sheets": 0, "row": 0, "row_repeat": 1, "col": 0, "filled_row": False, "cell_filled": False,
             "cell_repeat": 1, "in_cell": 0, "last_row": 0}

    def refuse_doctype(*_args):
        raise UnreadableFile()

    def start(name, attrs):
        if name == f"{_TABLE_NS} table":
            state.update(sheets=state["sheets"] + 1, row=0, last_row=0)
            if state["sheets"] > MAX_SHEETS:
                raise OverLimit("register.import.too_many_sheets", max=MAX_SHEETS)
        elif name == f"{_TABLE_NS} table-row":
            state.update(row_repeat=_repeat(attrs.get(f"{_TABLE_NS} number-rows-repeated")), col=0,
                         filled_row=False)
        elif name in (f"{_TABLE_NS} table-cell", f"{_TABLE_NS} covered-table-cell"):
            state.update(cell_repeat=_repeat(attrs.get(f"{_TABLE_NS} number-columns-repeated")),
                         cell_filled=f"{_OFFICE_NS} value-type" in attrs, in_cell=1)
        elif state["in_cell"]:
            state["in_cell"] += 1

    def end(name):
        if name in (f"{_TABLE_NS} table-cell", f"{_TABLE_NS} covered-table-cell"):
            state["col"] += state["cell_repeat"]
            state["in_cell"] = 0
            if state["cell_filled"]:
                state["filled_row"] = True
                if state["col"] > MAX_COLUMNS:
                    raise OverLimit("register.import.too_many_columns", state["row"] + 1, max=MAX_COLUMNS)
        elif name == f"{_TABLE_NS} table-row":
            state["row"] += state["row_repeat"]
            if state["filled_row"] and state["row"] > MAX_ROWS + 1:
                raise OverLimit("register.import.too_many_rows", MAX_ROWS + 2, max=MAX_ROWS)
        elif state["in_cell"]:
            state["in_cell"] -= 1

    def text(data):
        if state["in_cell"] and data.strip():
            state["cell_filled"] = True

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise UnreadableFile() from exc


def _repeat(value: str | None) -> int:
    if not value:
        return 1
    if not value.isdigit() or len(value) > 9:
        raise UnreadableFile()
    return max(int(value), 1)


def _ods_sheets(data: bytes) -> list[Sheet]:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError) as exc:
        raise UnreadableFile() from exc
    _check_ods_dimensions(content)
    import pandas as pd  # the odf engine (odfpy), loaded only for an .ods

    try:
        frames = pd.read_excel(BytesIO(data), engine="odf", sheet_name=None, header=None, dtype=object)
    except Exception as exc:  # noqa: BLE001 - whatever odfpy says, the file is not a spreadsheet
        raise UnreadableFile() from exc
    sheets = []
    for name, frame in frames.items():
        rows = [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]
        sheets.append(Sheet(str(name), _bounded(rows)))
    return sheets


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl says, the file is not a workbook
        raise UnreadableFile() from exc
    try:
        if len(book.worksheets) > MAX_SHEETS:
            raise OverLimit("register.import.too_many_sheets", max=MAX_SHEETS)
        sheets = []
        for sheet in book.worksheets:
            if (sheet.max_row or 0) > MAX_ROWS + 1:
                raise OverLimit("register.import.too_many_rows", MAX_ROWS + 2, max=MAX_ROWS)
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise OverLimit("register.import.too_many_columns", 1, max=MAX_COLUMNS)
            sheet.reset_dimensions()
            try:
                rows = _bounded(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True))
            except OverLimit:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged sheet
                raise UnreadableFile() from exc
            sheets.append(Sheet(sheet.title, rows))
        return sheets
    finally:
        book.close()


def _csv_sheet(data: bytes) -> list[Sheet]:
    return [Sheet("", register_sheet.read_table("file.csv", data))]


def read_sheets(filename: str, data: bytes) -> list[Sheet]:
    """Every sheet of the file, within the limits (OverLimit, UnreadableFile otherwise)."""
    kind = sniff(filename, data)
    if kind in ("ods", "xlsx") and _unpacked_size(data) > MAX_UNPACKED_BYTES:
        raise OverLimit("register.import.too_big_unpacked", mb=MAX_UNPACKED_BYTES // 2**20)
    return {"ods": _ods_sheets, "xlsx": _xlsx_sheets, "csv": _csv_sheet}[kind](data)


# ------------------------------------------------------------------ records


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def _is_form(sheet: Sheet) -> bool:
    """A CNIL "fiche": lines of label then value, its first column never a header of many."""
    filled = [row for row in sheet.rows if any(c.strip() for c in row)]
    if len(filled) < 3:
        return False
    widths = [sum(1 for c in row if c.strip()) for row in filled]
    return max(widths) <= 6 and sum(1 for w in widths if w >= 2) >= 2


_TUTORIAL_WORDS = ("tutoriel", "tutorial", "mode d'emploi", "notice", "lisez-moi")
_FORM_NAME_WORDS = ("nom / sigle", "nom/sigle", "nom du traitement", "nom de l'activite", "activite")


def records(sheets: Sequence[Sheet]) -> tuple[str, list[Record]]:
    """("form", one record per activity sheet) or ("rows", one record per row of the first
    sheet that has a header and rows)."""
    forms = [sheet for sheet in sheets if _is_form(sheet) and not any(
        w in sheet.name.casefold() for w in _TUTORIAL_WORDS) and _form_has_name(sheet)]
    if forms:
        return "form", [_form_record(sheet) for sheet in forms]
    for sheet in sheets:
        rows = [row for row in sheet.rows if any(c.strip() for c in row)]
        if len(rows) >= 2:
            return "rows", _row_records(sheet)
    return "rows", []


def _form_has_name(sheet: Sheet) -> bool:
    from models.register_mapping import normalise  # one normalisation for labels

    return any(row and any(w == normalise(_first(row)[0]) for w in map(normalise, _FORM_NAME_WORDS))
               for row in sheet.rows)


def _first(row: Sequence[str]) -> tuple[str, list[str]]:
    cells = [c.strip() for c in row if c and c.strip()]
    return (cells[0], cells[1:]) if cells else ("", [])


def _form_record(sheet: Sheet) -> Record:
    fields = []
    for row in sheet.rows:
        label, values = _first(row)
        if label and values:
            fields.append((_clean(label), "\n".join(v.strip() for v in values)))
    return Record(sheet.name, tuple(fields))


def _row_records(sheet: Sheet) -> list[Record]:
    table = [row for row in sheet.rows]
    header_index = next(i for i, row in enumerate(table) if any(c.strip() for c in row))
    header = [_clean(c) for c in table[header_index]]
    found = []
    for number, row in enumerate(table[header_index + 1:], start=header_index + 2):
        if not any(c.strip() for c in row):
            continue
        fields = tuple((header[i], row[i].strip()) for i in range(min(len(header), len(row)))
                       if header[i] and row[i].strip())
        found.append(Record(f"{sheet.name} {number}".strip() if sheet.name else str(number), fields))
    return found
