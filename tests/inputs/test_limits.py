"""What is stored is what was typed: a value no database column can hold (NUL in text, an
integer beyond 32 bits) or no DPO's record should hold (a request received in year 1, a
contract ending in 9999) is refused with a message in the user's language, and nothing
changes. Imports are refused before parsing when they go beyond their size, depth, row
and count limits (issue 13, items 2 and 8)."""

import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from sqlmodel import func, select

from dashboard import auth, i18n, register_io, ui
from dashboard.breach import records
from dashboard.dpia import documents
from dashboard.dsr import intake
from dashboard.auth import LoginFailed
from dashboard.processor import contracts, registry
from dashboard.validation import InvalidInput
from exports.pia_json import PiaFileError, import_pia
from models.breach import Breach
from models.dsr import DataSubjectRequest
from models.processing import ProcessingActivity
from models.processor import ProcessorContract
from tests.breach.factories import facts
from tests.dpia.conftest import activity as dpia_activity
from tests.processor.conftest import contract_data, processor_data
from tests.register.factories import complete, create

CNIL_FILE = Path(__file__).parents[1] / "dpia" / "data" / "cnil_pia_export.json"
YEAR_1 = datetime(1, 1, 1, 9, 15, tzinfo=timezone.utc)


def _count(org, table) -> int:
    with org.session() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def _keys(error: InvalidInput) -> set[tuple[str, str]]:
    return {(p.field, p.key) for p in error.problems}


def _request(org, **changes) -> dict:
    return {"entity_id": org.entities["MEDICIS"].id, "channel": "email",
            "received_at": datetime.now(timezone.utc) - timedelta(days=1), "requester_name": "Jeanne Morel",
            "relation": "member", "rights": ["access"]} | changes


# ------------------------------------------------------------------ item 2: dates within bounds


def test_a_request_received_in_year_one_is_refused_with_the_bounds_in_both_languages(org):
    """The legal clock (GDPR Art. 12(3)) starts at the receipt: a typo must not start it in year 1."""
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        intake.create_request(session, org.dpo, _request(org, received_at=YEAR_1))
    assert ("dsr_received_at", "validation.date_range") in _keys(refused.value)
    problem = next(p for p in refused.value.problems if p.key == "validation.date_range")
    assert "1970" in i18n.translate(problem.key, "fr", **problem.params)
    assert "2099" in i18n.translate(problem.key, "en", **problem.params)
    assert _count(org, DataSubjectRequest) == 0


def test_a_breach_started_in_year_143_is_refused(org):
    """Art. 33(5): the breach register documents the facts; year 143 is not one."""
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        records.declare(session, org.dpo, facts(org, started_at=datetime(143, 5, 1, tzinfo=timezone.utc)))
    assert ("breach_started_at", "validation.date_range") in _keys(refused.value)
    assert _count(org, Breach) == 0


def test_a_contract_ending_in_9999_is_refused(org):
    with org.work() as session:
        processor = registry.create_processor(session, org.dpo, processor_data(org, activities=()))
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        contracts.save_contract(session, org.dpo, processor.id,
                                contract_data(initial_end=date(9999, 12, 31), tacit_renewal=True, renewal_months=12))
    assert "validation.date_range" in {p.key for p in refused.value.problems}
    assert _count(org, ProcessorContract) == 0


def test_a_register_import_refuses_a_review_in_year_one(org):
    data = ("Entité;Direction;Nom du traitement;Dernière revue\r\nMEDICIS;DRC;Paie;01/01/0001\r\n").encode()
    with pytest.raises(register_io.ImportRejected) as refused, org.work() as session:
        register_io.preview_register_import(session, org.dpo, "r.csv", data)
    assert [(p.line, p.column, p.key) for p in refused.value.problems] == [
        (2, "Dernière revue", "validation.date_range")]


def test_a_pia_file_dated_year_one_is_refused():
    data = json.loads(CNIL_FILE.read_text(encoding="utf-8"))
    data["evaluations"][3]["estimated_implementation_date"] = "0001-01-01T00:00:00.000Z"
    with pytest.raises(PiaFileError) as refused:
        import_pia(json.dumps(data).encode())
    assert refused.value.key == "dpia.import.date_out_of_range"


# ------------------------------------------------------------------ item 8: NUL and integers


def test_a_nul_character_in_a_text_field_is_refused_on_every_database(org):
    """On PostgreSQL a NUL reached the database and raised an unhandled DataError."""
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        intake.create_request(session, org.dpo, _request(org, requester_name="Jeanne\x00Morel"))
    assert _keys(refused.value) == {("dsr_requester_name", "validation.nul_character")}
    message = i18n.translate("validation.nul_character", "en")
    assert "NUL" in message
    assert _count(org, DataSubjectRequest) == 0


def test_an_integer_beyond_the_database_column_is_refused(org):
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        records.declare(session, org.dpo, facts(org, people_min=2**40, people_max=2**41))
    assert {"breach_people_min", "breach_people_max"} <= {f for f, k in _keys(refused.value)
                                                          if k == "validation.integer_range"}
    assert _count(org, Breach) == 0


def test_a_register_entry_with_a_nul_or_a_huge_duration_is_refused(org):
    rules = [{"category": "", "duration": 2**40, "unit": "years", "start_event": "fin", "end_action": "delete"}]
    with pytest.raises(InvalidInput) as refused:
        create(org, org.dpo, name="Paie\x00", retention_rules=rules)
    assert {(p.field, p.key) for p in refused.value.problems} == {
        ("name", "validation.nul_character"), ("retention_rules", "validation.integer_range")}
    assert _count(org, ProcessingActivity) == 0


def test_a_log_in_with_a_nul_in_the_user_name_is_an_ordinary_failure(org):
    with pytest.raises(LoginFailed), org.work() as session:
        auth.login(session, "dpo\x00", "wrong password")


def test_the_pages_use_case_calls_refuse_a_nul_before_reaching_the_database(org):
    called = []
    outcome = ui.call(lambda session, actor, text: called.append(text), "a\x00b", actor=org.dpo, quiet=True)
    assert not outcome.ok and isinstance(outcome.error, InvalidInput) and called == []
    assert outcome.error.problems[0].key == "validation.nul_character"


# ------------------------------------------------------------------ item 8: imports refused before parsing


def _rejected(org, filename: str, data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(register_io.ImportRejected) as refused, org.work() as session:
        register_io.preview_register_import(session, org.dpo, filename, data)
    return [(p.line, p.key) for p in refused.value.problems]


def test_a_csv_cell_over_128_kb_is_refused_with_a_message(org):
    data = ("Entité;Direction;Nom du traitement;Description\r\nMEDICIS;DRC;Paie;" + "x" * 131_100 + "\r\n").encode()
    assert [key for _, key in _rejected(org, "r.csv", data)] == ["register.import.cell_too_long"]
    assert "100000" in i18n.translate("register.import.cell_too_long", "fr", max=100000)


def test_a_csv_with_too_many_rows_is_refused(org):
    data = ("Entité;Direction;Nom du traitement\r\n" + "MEDICIS;DRC;Paie\r\n" * 5001).encode()
    assert _rejected(org, "r.csv", data) == [(5002, "register.import.too_many_rows")]


def _xlsx_declaring(dimension: str) -> bytes:
    """A tiny workbook whose sheet declares `dimension` and holds two cells."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
        '<is><t>Entité</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
        '</row></sheetData></worksheet>',
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:A1"])
def test_a_small_xlsx_declaring_a_huge_sheet_is_refused_without_filling_memory(org, dimension):
    """1.5 KB that declares (or holds a cell at) XFD1048576: openpyxl would pad a
    million rows of 16 384 cells; the import refuses it from the declaration, or stops
    reading at the row limit when the declaration lies."""
    data = _xlsx_declaring(dimension)
    assert len(data) < 2000
    assert [key for _, key in _rejected(org, "r.xlsx", data)] in (
        ["register.import.too_many_rows"], ["register.import.too_many_columns"])


def test_a_json_200000_levels_deep_is_refused_before_parsing():
    with pytest.raises(PiaFileError) as refused:
        import_pia(b'{"pia": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    assert (refused.value.key, refused.value.params) == ("dpia.import.too_deep", {"max": 64})


def test_a_pia_with_60000_measures_is_refused_and_nothing_is_written(org):
    data = json.loads(CNIL_FILE.read_text(encoding="utf-8"))
    data["measures"] = [{"id": n, "title": f"Mesure {n}", "content": ""} for n in range(60_000)]
    from dashboard.demo import activities as demo_activities
    with org.work() as session:
        demo_activities.seed(session)
    with pytest.raises(PiaFileError) as refused, org.work() as session:
        documents.import_json(session, org.legal, dpia_activity(org, "it_logs"), json.dumps(data).encode())
    assert (refused.value.key, refused.value.params) == ("dpia.import.too_many", {"field": "measures", "max": 1000})
    assert "1000" in i18n.translate(refused.value.key, "en", **refused.value.params)


def test_complete_register_content_still_passes():
    """The limits refuse nothing an ordinary entry holds."""
    from dashboard.register import validate_content
    assert validate_content(complete(1)).name == "Gestion des adhérents"


def test_a_register_cell_listing_thousands_of_items_is_refused(org):
    cell = "\n".join(f"Catégorie {n}" for n in range(5000))
    data = ("Entité;Direction;Nom du traitement;Catégories de personnes concernées\r\n"
            f'MEDICIS;DRC;Paie;"{cell}"\r\n').encode()
    assert _rejected(org, "r.csv", data) == [(2, "validation.too_many")]
    assert "200" in i18n.translate("validation.too_many", "fr", max_length=200)
