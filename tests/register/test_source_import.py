"""Import of another register (Madis's export, the CNIL's model register as .ods and
.xlsx): mapping suggested then edited, preview, the DPO completing what the source lacks,
all or nothing, hostile files refused as unreadable."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import func, select

from dashboard import db, register, register_io, register_sources
from dashboard.register_sources import SourceRejected, SourceUnreadable
from exports.register_sources import read_sheets
from models.processing import ProcessingActivity
from tests.register.sources import CNIL_FICHES, MADIS_ACTIVITIES, _fiche, cnil_model, madis_csv


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, org.dpo, *args, **kwargs)


def _count(org) -> int:
    with org.session() as session:
        return session.exec(select(func.count()).select_from(ProcessingActivity)).one()


def _answers(org, preview) -> dict:
    """What the DPO types: a department, a basis, each condition, each start event."""
    answers = {}
    for item in preview.drafts:
        given = {"department_id": org.departments["DRC"].id, "legal_basis": "contract", "conditions": {},
                 "start_events": {}, "durations": {}}
        for need in item.missing:
            if need.kind == "condition":
                condition = {"art9": "art9_2_h", "nir": "nir_law", "art10": "art10_law"}[
                    next(c["sensitivity"] for c in item.draft.data["data_categories"] if c["name"] == need.subject)]
                given["conditions"][need.subject] = (condition, "Contrat d'adhésion, article 12")
            elif need.kind == "start_event":
                given["start_events"][need.subject] = "Fin du contrat d'adhésion"
            elif need.kind == "duration":
                given["durations"][need.subject] = (5, "years")
        answers[item.index] = given
    return answers


def _entries(org, references):
    with org.session() as session:
        rows = session.exec(select(ProcessingActivity).where(ProcessingActivity.reference.in_(references))
                            .order_by(ProcessingActivity.id)).all()
        return [(row, register.load_content(session, row)) for row in rows]


@pytest.mark.parametrize(("filename", "data", "layout", "names"), [
    ("traitements.csv", madis_csv(), "rows", ["Remboursement des soins", "Gestion des adhésions"]),
    ("registre.ods", cnil_model("ods"), "form", ["Gestion des réclamations", "Prévention santé"]),
    ("registre.xlsx", cnil_model("xlsx"), "form", ["Gestion des réclamations", "Prévention santé"]),
])
def test_upload_map_complete_save(org, filename, data, layout, names):
    source = _call(org, register_sources.read_source, filename, data)
    assert source.layout == layout and len(source.records) == 2
    preview = _call(org, register_sources.preview_source, filename, data, source.mapping, {})
    assert [d.name for d in preview.drafts] == names and not preview.ready
    assert all(any(n.kind == "department" for n in d.missing) for d in preview.drafts)
    sensitive = {n.subject for d in preview.drafts for n in d.missing if n.kind == "condition"}
    assert sensitive == ({"Santé", "Numéro de Sécurité Sociale"} if layout == "rows" else {"Données concernant la santé"})
    assert all(any(n.kind == "start_event" for n in d.missing) for d in preview.drafts)
    before = _count(org)
    with pytest.raises(SourceRejected):  # nothing saved until every activity is complete
        _call(org, register_sources.import_source, filename, data, source.mapping, {},
              org.entities["MEDICIS"].id)
    assert _count(org) == before
    answers = _answers(org, preview)
    assert _call(org, register_sources.preview_source, filename, data, source.mapping, answers).ready
    done = _call(org, register_sources.import_source, filename, data, source.mapping, answers,
                 org.entities["MEDICIS"].id)
    assert _count(org) == before + 2
    entries = _entries(org, done.references)
    assert [content.name for _, content in entries] == names
    assert all(row.status == "draft" and row.source_reference.startswith(filename) for row, _ in entries)
    first = entries[0][1] if layout == "rows" else entries[1][1]
    assert first.purposes[0].legal_basis == "contract"
    health = next(c for c in first.data_categories if c.sensitivity == "art9")
    assert health.condition == "art9_2_h" and health.proof_location == "Contrat d'adhésion, article 12"
    assert first.retention_rules and all(r.start_event == "Fin du contrat d'adhésion" for r in first.retention_rules)
    if layout == "rows":
        assert [s.name for s in first.subject_categories] == ["Particuliers"]
        assert ("Cegedim Santé", "processor") in [(r.name, r.kind) for r in first.recipients]
        assert (first.retention_rules[0].duration, first.retention_rules[0].unit) == (5, "years")
        assert {m.category for m in first.security_measures} == {"access_control", "backup"}
    else:
        assert [p.description for p in entries[0][1].purposes] == ["Traiter les réclamations des adhérents",
                                                                    "Mesurer la satisfaction"]
        assert [s.name for s in entries[0][1].subject_categories] == ["Adhérents", "Ayants droit"]


def test_the_imported_entries_go_back_out_and_in_unchanged(org):
    """Round trip: Madis → the register → our own export → our own import changes nothing."""
    data = madis_csv()
    source = _call(org, register_sources.read_source, "t.csv", data)
    answers = _answers(org, _call(org, register_sources.preview_source, "t.csv", data, source.mapping, {}))
    _call(org, register_sources.import_source, "t.csv", data, source.mapping, answers, org.entities["MEDICIS"].id)
    exported = _call(org, register_io.export_register, "csv").data
    preview = _call(org, register_io.preview_register_import, "r.csv", exported)
    assert {e.action for e in preview.entries} == {"unchanged"}


def test_the_mapping_is_the_dpo_s_to_change(org):
    data = madis_csv()
    source = _call(org, register_sources.read_source, "t.csv", data)
    assert source.mapping["Nom"] == "name" and source.mapping["Base légale"] == "legal_basis"
    assert source.mapping["Détails - Personnes concernées - Salariés"] == "subject_flag"
    assert source.mapping["Historique - Créé par"] == "ignore"
    mapping = {**source.mapping, "Catégorie de données": "ignore", "Observations": "description"}
    preview = _call(org, register_sources.preview_source, "t.csv", data, mapping, {})
    assert not any(n.kind == "condition" for d in preview.drafts for n in d.missing)  # no category, no condition
    assert "Catégorie de données" in preview.drafts[0].draft.left_out
    with pytest.raises(SourceRejected) as refused:
        _call(org, register_sources.preview_source, "t.csv", data, {**mapping, "Nom": "drop_table"}, {})
    assert refused.value.key == "register.source.bad_target"


def test_one_incomplete_activity_and_none_is_saved(org):
    data = cnil_model("ods")
    source = _call(org, register_sources.read_source, "r.ods", data)
    answers = _answers(org, _call(org, register_sources.preview_source, "r.ods", data, source.mapping, {}))
    answers[1]["conditions"] = {}  # the health data of the second sheet left without its condition
    before = _count(org)
    with pytest.raises(SourceRejected) as refused:
        _call(org, register_sources.import_source, "r.ods", data, source.mapping, answers,
              org.entities["MEDICIS"].id)
    assert refused.value.params == {"count": 1} and _count(org) == before


def test_an_invalid_activity_is_reported_and_blocks_the_save(org):
    fiches = {"Fiche 1": _fiche("A", "Accueil", "Finalité valable", [], {}, {}, "Adhérents", "Service"),
              "Fiche 2": _fiche("B", "Vide", "ab", [], {}, {}, "x", "Service")}  # a two-letter purpose is dropped
    data = cnil_model("xlsx", fiches)
    source = _call(org, register_sources.read_source, "r.xlsx", data)
    preview = _call(org, register_sources.preview_source, "r.xlsx", data, source.mapping, {})
    answers = _answers(org, preview)
    preview = _call(org, register_sources.preview_source, "r.xlsx", data, source.mapping, answers)
    assert [d.ready for d in preview.drafts] == [True, False], [(d.missing, d.problems) for d in preview.drafts]
    assert preview.drafts[1].problems  # a one-letter data subject category: the register's own rule


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _ods_with(content_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'))
        archive.writestr("content.xml", content_xml, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


_OFFICE = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
           '<table:table table:name="Fiche 1">{rows}</table:table></office:spreadsheet></office:body>'
           '</office:document-content>')
_CELL = '<table:table-cell office:value-type="string"{repeat}><text:p>Nom / sigle</text:p></table:table-cell>'


@pytest.mark.parametrize(("name", "data", "key"), [
    ("r.xlsx", bytes(range(256)) * 20, "register.source.unreadable"),
    ("r.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "register.source.unreadable"),
    ("r.csv", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "register.source.unreadable"),
    ("r.ods", bytes(range(256)) * 20, "register.source.unreadable"),
    ("r.csv", b"\x00\x01\x02binary\x00" * 200, "register.source.unreadable"),
    ("r.xlsx", _zip({"word/document.xml": b"<w/>"}), "register.source.unreadable"),
    ("r.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "register.source.unreadable"),
    ("r.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"\x00" * (60 * 1024 * 1024)}), "register.import.too_big_unpacked"),
    ("r.ods", _ods_with(_OFFICE.format(rows="<table:table-row>" + _CELL.format(
        repeat=' table:number-columns-repeated="1000000"') + "</table:table-row>")), "register.import.too_many_columns"),
    ("r.ods", _ods_with(_OFFICE.format(rows='<table:table-row table:number-rows-repeated="100000000">' + _CELL.format(
        repeat="") + "</table:table-row>")), "register.import.too_many_rows"),
    ("r.ods", _ods_with('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                        + _OFFICE.format(rows="<table:table-row>" + _CELL.format(repeat="") + "</table:table-row>")),
     "register.source.unreadable"),
    ("r.ods", _ods_with("<not-closed>"), "register.source.unreadable"),
])
def test_a_file_that_is_not_a_spreadsheet_is_unreadable(org, name, data, key):
    before = _count(org)
    with pytest.raises(SourceUnreadable) as refused:
        _call(org, register_sources.read_source, name, data)
    assert refused.value.key == key
    assert _count(org) == before


def test_a_legitimate_ods_with_a_million_trailing_empty_rows_is_read():
    """LibreOffice writes the unused rest of a sheet as one repeated empty row."""
    rows = ("<table:table-row>" + _CELL.format(repeat="") + '<table:table-cell><text:p>Accueil</text:p>'
            '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048570">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    sheets = read_sheets("r.ods", _ods_with(_OFFICE.format(rows=rows)))
    assert sheets[0].rows[0][0] == "Nom / sigle"


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=3000), name=st.sampled_from(["r.csv", "r.xlsx", "r.ods", "r"]))
def test_any_bytes_are_read_or_refused_with_a_message(data, name):
    try:
        register_sources._read(name, data)
    except SourceUnreadable as refused:
        assert refused.key.startswith(("register.source.", "register.import."))


def test_every_row_of_the_fixtures_matches_madis_header():
    assert all(len(row) == len(MADIS_ACTIVITIES[0]) for row in MADIS_ACTIVITIES) and len(CNIL_FICHES) == 2


@pytest.mark.parametrize("name", ["registre.csv", "registre.xlsx"])
def test_the_register_import_calls_a_pdf_an_unreadable_file_not_a_list_of_columns(org, name):
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\nxref\n%%EOF"
    with pytest.raises(register_io.ImportRejected) as refused:
        _call(org, register_io.preview_register_import, name, pdf)
    assert [p.key for p in refused.value.problems] == ["register.import.unreadable"]


def test_the_register_export_saved_as_ods_imports_back_unchanged(org):
    """A DPO who opens our XLSX export in LibreOffice and saves it as .ods."""
    import pandas as pd

    from tests.register.factories import create
    create(org, org.dpo)
    exported = _call(org, register_io.export_register, "xlsx").data
    frame = pd.read_excel(io.BytesIO(exported), header=None, dtype=object)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="odf") as writer:
        frame.to_excel(writer, header=False, index=False)
    preview = _call(org, register_io.preview_register_import, "registre.ods", out.getvalue())
    assert preview.entries and {e.action for e in preview.entries} == {"unchanged"}


@st.composite
def madis_files(draw) -> bytes:
    """Madis's export with a few cells replaced by anything (text, NUL, formulas, 20 000
    characters, numbers, dates far away)."""
    rows = [list(row) for row in MADIS_ACTIVITIES]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(row) - 1))] = draw(st.one_of(
            st.text(max_size=60), st.just("=HYPERLINK(\"http://x\")"), st.just("x" * 20_000), st.just("\x00"),
            st.just("0001-01-01"), st.just("Santé - Vie sexuelle - Condamnations"), st.just("99999 ans")))
    return madis_csv(rows)


def test_the_source_import_never_fails_unhandled_nor_writes_half(org):
    """On SQLite and PostgreSQL: whatever the cells hold, the import is accepted whole or
    refused with a message, never half-written."""
    from tests.inputs import fuzz_cases

    prober = fuzz_cases.Prober(org.engine)

    def attempt(data: bytes):
        def call(session):
            source = register_sources.read_source(session, org.dpo, "t.csv", data)
            preview = register_sources.preview_source(session, org.dpo, "t.csv", data, source.mapping, {})
            register_sources.import_source(session, org.dpo, "t.csv", data, source.mapping,
                                           _answers(org, preview), org.entities["MEDICIS"].id)
        return call

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=madis_files())
    def check(data):
        outcome = prober.attempt(attempt(data))
        assert outcome.kind in ("accepted", "refused"), outcome

    check()
