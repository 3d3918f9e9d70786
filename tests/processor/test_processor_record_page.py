"""The Art. 30(2) record page in AppTest, per role: the DPO and legal counsel see every
client and edit, a department head sees the clients of their departments only, the
auditor reads; creating a record through the form; the PDF issued to the registry."""

import pytest
from sqlmodel import select

from dashboard.demo import processor_records
from models.evidence import EvidenceDocument
from models.processor_record import ProcessorRecord
from tests.page_support import app_as, form_key, page_path

PAGE = page_path("processor_record.py")


@pytest.fixture
def records_org(app_org):
    with app_org.work() as session:
        processor_records.seed(session)
    return app_org


def _open(org, username: str):
    at = app_as(org, username)
    return at.switch_page(PAGE).run()


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [e.value for e in at.error] + [t.value for t in at.title]
                    + [c.value for c in at.caption] + [e.label for e in at.expander] + [i.value for i in at.info])


def test_the_dpo_sees_every_client_edits_and_issues_the_pdf(records_org):
    at = _open(records_org, "dpo")
    assert not at.exception
    text = _texts(at)
    assert "Registre des traitements effectués en qualité de sous-traitant" in text
    assert "Transports Vernier et Fils SAS — Lumina Apprendre (en cours)" in text
    assert "Boulangeries Maréchal SARL — Lumina Apprendre (terminé)" in text
    assert "Mutuelle des Artisans de Loire-Atlantique — Savelunari (en cours)" in text
    assert any(t.label == "Modifier" for t in at.toggle)
    at.selectbox(key="precord_pdf_entity").set_value(records_org.entities["LUMINA"].id)
    at.button(key="precord_issue_pdf").click().run()
    assert not at.exception and not at.error
    assert "conservé au registre des preuves" in _texts(at)
    with records_org.session() as session:
        assert session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == "processor_record.extract")).one()


def test_legal_counsel_records_a_new_client_through_the_form(records_org):
    at = _open(records_org, "juriste")
    at.selectbox(key="precord_new_entity").set_value(records_org.entities["LUMINA"].id).run()
    at.selectbox(key=form_key(at, "precord_new/department")).set_value(records_org.departments["LUM-PEDA"].id)
    at.text_input(key=form_key(at, "precord_new/client_name")).input("Menuiseries Ollivier SAS")
    at.text_area(key=form_key(at, "precord_new/categories")).input("Comptes apprenants des salariés")
    at.text_area(key=form_key(at, "precord_new/transfers")).input("HelpNest Inc.; US; CCT; module 3")
    next(b for b in at.button if b.label == "Créer la fiche").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with records_org.session() as session:
        row = session.exec(select(ProcessorRecord).where(ProcessorRecord.client_name == "Menuiseries Ollivier SAS")).one()
    assert row.transfers[0]["safeguard"] == "sccs" and row.updated_by_name


def test_a_bad_transfer_line_is_refused_in_french_and_nothing_is_saved(records_org):
    at = _open(records_org, "juriste")
    at.selectbox(key="precord_new_entity").set_value(records_org.entities["LUMINA"].id).run()
    at.selectbox(key=form_key(at, "precord_new/department")).set_value(records_org.departments["LUM-PEDA"].id)
    at.text_input(key=form_key(at, "precord_new/client_name")).input("Client refusé SAS")
    at.text_area(key=form_key(at, "precord_new/categories")).input("Comptes apprenants")
    at.text_area(key=form_key(at, "precord_new/transfers")).input("HelpNest Inc.; FR; CCT")
    next(b for b in at.button if b.label == "Créer la fiche").click().run()
    assert not at.exception
    assert "EEE" in " ".join(e.value for e in at.error)
    with records_org.session() as session:
        assert not session.exec(select(ProcessorRecord).where(ProcessorRecord.client_name == "Client refusé SAS")).first()


def test_a_department_head_sees_their_departments_clients_only(records_org):
    at = _open(records_org, "chef.rh")  # Lumina's and Savelunari's clients are served by other departments
    assert not at.exception
    text = _texts(at)
    assert "Transports Vernier" not in text and "Aucun client enregistré pour cette sélection." in text
    assert not any(b.key == "precord_issue_pdf" for b in at.button)


def test_the_auditor_reads_and_changes_nothing(records_org):
    at = _open(records_org, "auditeur")
    assert not at.exception
    assert "Clinique du Parc Montsouris SA" in _texts(at)
    assert not at.toggle and not any(b.key == "precord_issue_pdf" for b in at.button)
    assert not any(s.key == "precord_new_entity" for s in at.selectbox)
