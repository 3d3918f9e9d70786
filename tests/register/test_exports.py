"""The register out (CSV, XLSX, PDF) and back in (spreadsheet import)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import func, select

from dashboard import db, i18n, register, register_io
from dashboard.demo import activities as demo_activities
from dashboard.errors import NotAllowed
from exports import register_sheet
from models.evidence import EvidenceDocument
from models.processing import ProcessingActivity
from tests.pdf_reading import pdf_text
from tests.register.factories import create

TRICKY = {"name": "=HYPERLINK(\"http://evil\") & <Fils>", "description": "'=déjà protégé\n-ligne 2",
          "joint_controllers": "@Partenaire ; 'citation"}


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, *args, **kwargs)


def _import(org, actor, filename, data):
    """Preview, then confirm exactly that preview (as the page does)."""
    preview = _call(org, register_io.preview_register_import, actor, filename, data)
    return _call(org, register_io.import_register, actor, filename, data, confirm=preview.token)


def _register(org):
    with org.work() as session:
        demo_activities.seed(session)
    create(org, org.dpo, **TRICKY, automated_decisions=True, automated_decisions_detail="=Score d'appétence | v2",
           data_sources="+Courtiers ; formulaire", people_count="1k_10k", medium="paper")  # issue 18's fields


def _contents(org):
    return {e.reference: e for e in _call(org, register.register_entries, org.dpo)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_loses_nothing(org, fmt):
    _register(org)
    before = _contents(org)
    exported = _call(org, register_io.export_register, org.dpo, fmt)
    assert _import(org, org.dpo, f"r.{fmt}", exported.data) == \
        register_io.ImportResult(0, 0, len(before))
    # As if read into another register: the file's references are unknown there, so every
    # row becomes a new entry keeping its source reference, equal in content.
    with org.work() as session:
        for activity in session.exec(select(ProcessingActivity)):
            activity.reference = "OLD-" + activity.reference
            session.add(activity)
    before = {ref: e for ref, e in ((e.reference[4:], e) for e in _contents(org).values())}
    rewritten = exported.data
    result = _import(org, org.legal, f"r.{fmt}", rewritten)
    assert (result.created, result.updated) == (len(before), 0)
    after = _contents(org)
    copies = {e.source_reference: e for ref, e in after.items() if not ref.startswith("OLD-")}
    for reference, original in before.items():
        copy = copies[reference]
        assert copy.content == original.content, reference
        assert (copy.status, copy.entity_code, copy.department_code) == ("draft", original.entity_code,
                                                                         original.department_code)
        assert copy.last_reviewed_on == original.last_reviewed_on
    tricky = next(e for e in after.values() if e.content.name.startswith("=HYPERLINK") and e.source_reference)
    assert tricky.content.description == TRICKY["description"]


def test_exported_cells_cannot_run_as_formulas(org):
    create(org, org.dpo, **TRICKY)
    xlsx = _call(org, register_io.export_register, org.dpo, "xlsx").data
    sheet = load_workbook(BytesIO(xlsx)).active
    name_column = [c.value for c in sheet[1]].index("Nom du traitement")
    assert sheet.cell(row=2, column=name_column + 1).value.startswith("'=HYPERLINK")
    assert sheet.cell(row=2, column=name_column + 1).data_type == "s"
    csv_text = _call(org, register_io.export_register, org.dpo, "csv").data.decode("utf-8-sig")
    assert ";\"'=HYPERLINK" in csv_text or ";'=HYPERLINK" in csv_text
    assert "\"'''=déjà protégé" not in csv_text and "''=déjà protégé" in csv_text


def test_department_heads_export_only_their_entries(org):
    _register(org)
    csv_text = _call(org, register_io.export_register, org.head_hr, "csv").data.decode("utf-8-sig")
    lines = [row for row in register_sheet.read_table("x.csv", csv_text.encode())[1:]]
    assert sorted(row[4] for row in lines) == ["Gestion administrative du personnel et paie",
                                               "Recrutement des candidats"]
    with pytest.raises(NotAllowed):
        _import(org, org.head_hr, "x.csv", csv_text.encode())
    with pytest.raises(NotAllowed):
        _call(org, register_io.issue_register_pdf, org.head_hr, org.entities["MEDICIS"].id)


BAD_FILE = (
    "Référence;Entité;Direction;Nom du traitement;Finalités et bases légales;Durées de conservation;Couleur\r\n"
    ";MEDICIS;DRC;Correct;Gestion | Exécution d'un contrat;;\r\n"
).encode("utf-8-sig")


def test_an_import_with_unknown_columns_reports_them_and_saves_nothing(org):
    with pytest.raises(register_io.ImportRejected) as caught:
        _import(org, org.dpo, "bad.csv", BAD_FILE)
    assert [(p.line, p.column, p.key) for p in caught.value.problems] == [
        (1, "Couleur", "register.import.unknown_column")]


def test_every_error_is_reported_by_line_and_column_and_nothing_is_imported(org):
    rows = [
        "Entité;Direction;Nom du traitement;Finalités et bases légales;Durées de conservation;Transferts hors EEE",
        "MEDICIS;DRC;Correct;Gestion | Exécution d'un contrat;| 5 | ans | fin du contrat;",
        "MEDICIS;XXX;Sans base;Gestion;;",
        "LUMINA;PEDA;Durée nulle;Cours | contract;\"| 0 | years | fin\";Outil | US",
        "MEDICIS;DRC;Base inconnue;Gestion | Bon vouloir;;",
    ]
    data = "\r\n".join(rows).encode("utf-8")
    with pytest.raises(register_io.ImportRejected) as caught:
        _import(org, org.dpo, "bad.csv", data)
    found = {(p.line, p.column, p.key, p.item) for p in caught.value.problems}
    assert found == {
        (3, "Direction", "register.import.unknown_department", None),
        (3, "Finalités et bases légales", "register.purpose_without_basis", 1),
        (4, "Durées de conservation", "register.retention_not_positive", 1),
        (4, "Transferts hors EEE", "register.transfer_without_safeguard", 1),
        (5, "Finalités et bases légales", "register.import.unknown_value", 1),
    }
    with org.session() as session:
        assert session.exec(select(func.count()).select_from(ProcessingActivity)).one() == 0


def test_the_register_pdf_holds_every_article_30_item_and_is_kept_as_evidence(org):
    _register(org)
    document = _call(org, register_io.issue_register_pdf, org.legal, org.entities["SAVELUNARI"].id)
    reader = PdfReader(BytesIO(document.content))
    cover = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Registre des activités de traitement", "Savelunari SAS", "Claire Fontaine",
                     "dpo@savelunari.fr", "Date de l'extrait", "7 fiche(s) : 6 validée(s) par le DPO, 1 en projet"):
        assert expected in cover
    text = pdf_text(document.content)
    for item in "abcdefg":
        assert i18n.translate(f"register.pdf.art30_{item}")[:25] in text
    for expected in ("Clauses contractuelles types", "Mesure d'audience", "13 mois", "Projet — en attente",
                     "Préférences de communication du compte", f"Page {len(reader.pages)} / {len(reader.pages)}",
                     document.verification_code):
        assert expected in text
    assert "Gestion des adhérents" not in text  # another entity's register
    assert reader.metadata.title == "Registre des activités de traitement — Savelunari"
    with org.session() as session:
        stored = session.get(EvidenceDocument, document.id)
    assert (stored.kind, stored.entity_id, stored.sha256) == ("register_extract", org.entities["SAVELUNARI"].id,
                                                              document.sha256)


def test_the_register_is_the_controllers_and_the_controller_signs_it(org):
    """GDPR Art. 30(1): "each controller ... shall maintain a record"; the DPO helps
    (Art. 39(1)) but the record, and its signature, are the controller's."""
    _register(org)
    document = _call(org, register_io.issue_register_pdf, org.legal, org.entities["SAVELUNARI"].id)
    cover = " ".join(PdfReader(BytesIO(document.content)).pages[0].extract_text().split())
    for expected in ("Registre du responsable du traitement Savelunari SAS", "avec l'aide du délégué",
                     "Représentant légal du responsable du traitement", "Antoine Roussel",
                     "Pour le responsable du traitement", "qui a aidé à le tenir"):
        assert expected in cover, expected
    assert "tenu sous forme électronique par le délégué" not in cover
