"""The record of processing carried out as a processor (GDPR Art. 30(2)): validation
(hostile input), permissions as in the register, optimistic locking, the audit trail,
the PDF kept in the evidence registry; on SQLite and PostgreSQL."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import select

from dashboard import i18n, processor_record
from dashboard.demo import processor_records as demo_records
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.processor_record import ProcessorRecordContent, transfers_text
from tests.pdf_reading import pdf_text


def _data(org, department: str = "LUM-PEDA", **changes) -> dict:
    return {"department_id": org.departments[department].id, "client_name": "Transports Ozanne SAS",
            "client_address": "2 quai Perrache, 69002 Lyon", "client_contact": "M. Ozanne — rh@ozanne.example",
            "client_dpo": "dpo@ozanne.example",
            "processing_categories": "Comptes apprenants des salariés ; suivi de la progression",
            "sub_processors": "Nuage Rhodanien SAS — hébergement\nHelpNest Inc. — support",
            "transfers": "HelpNest Inc.; US; CCT; clauses 2021/914 module 3",
            "security_measures": "Chiffrement, MFA, journalisation", "started_on": date(2025, 3, 1), "ended_on": None,
            **changes}


def _create(org, actor=None, entity: str = "LUMINA", **changes):
    with org.work() as session:
        return processor_record.create_record(session, actor or org.dpo, org.entities[entity].id,
                                              _data(org, **changes))


def _keys(error: InvalidInput) -> list[str]:
    return [p.key for p in error.problems]


# ------------------------------------------------------------------ validation


def test_transfers_typed_as_lines_read_back_and_keep_the_register_rules():
    content = ProcessorRecordContent.model_validate({
        "department_id": 1, "client_name": "ACME", "processing_categories": "Hébergement",
        "started_on": date(2025, 1, 1), "transfers": "Acme; us; clauses contractuelles types; module 3\nBeta; GB; Adéquation"})
    assert [(t.country, t.safeguard) for t in content.transfers] == [("US", "sccs"), ("GB", "adequacy")]
    assert transfers_text(content.transfers).splitlines()[0] == "Acme; US; sccs; module 3"
    for bad, key in (("Acme; FR; sccs", "register.transfer_inside_eea"), ("Acme; US", "processor_record.transfers_format"),
                     ("Acme; US; derogation", "register.derogation_needs_detail")):
        with pytest.raises(ValidationError) as refused:
            ProcessorRecordContent.model_validate({"department_id": 1, "client_name": "ACME",
                                                   "processing_categories": "Hébergement",
                                                   "started_on": date(2025, 1, 1), "transfers": bad})
        assert refused.value.errors()[0]["type"] == key


def test_the_end_cannot_come_before_the_start():
    with pytest.raises(ValidationError) as refused:
        ProcessorRecordContent.model_validate({"department_id": 1, "client_name": "ACME",
                                               "processing_categories": "Hébergement",
                                               "started_on": date(2025, 1, 1), "ended_on": date(2024, 12, 31)})
    assert refused.value.errors()[0]["type"] == "processor_record.end_before_start"


hostile = st.one_of(st.text(max_size=200), st.just("a\x00b"), st.just("x" * 20000),
                    st.just("<script>alert(1)</script> **gras** [lien](javascript:alert(1))"),
                    st.just("=HYPERLINK(\"http://evil\")"), st.just("@SUM(A1)"), st.just("-2+3"))


@settings(max_examples=120, deadline=None)
@given(field=st.sampled_from(["client_name", "client_address", "client_contact", "client_dpo",
                              "processing_categories", "security_measures", "sub_processors", "transfers"]),
       value=hostile)
def test_hostile_input_is_refused_with_a_key_or_kept_literally(field, value):
    data = {"department_id": 1, "client_name": "Client SA", "processing_categories": "Hébergement",
            "started_on": date(2025, 1, 1), field: value}
    try:
        content = ProcessorRecordContent.model_validate(data)
    except ValidationError as error:
        assert all(e["type"] for e in error.errors())
        if "\x00" in value:
            assert any(e["type"] == "processor_record.nul" for e in error.errors())
        return
    assert "\x00" not in value
    kept = getattr(content, field)
    if isinstance(kept, str):
        assert kept == value.strip() and len(kept) <= 4000
    elif field == "sub_processors":
        assert all(line in value for line in kept)


# ------------------------------------------------------------------ use cases


def test_dpo_creates_legal_edits_auditor_reads_and_every_change_is_audited(org):
    created = _create(org)
    assert created.content.transfers[0].country == "US" and created.content.sub_processors[1].startswith("HelpNest")
    with org.work() as session:
        edited = processor_record.update_record(session, org.legal, created.id, created.version,
                                                _data(org, ended_on=date(2026, 6, 30)))
    assert edited.content.ended_on == date(2026, 6, 30) and edited.version == created.version + 1
    with org.session() as session:
        assert processor_record.get_record(session, org.auditor, created.id).can_edit is False
        entries = session.exec(select(AuditEntry).where(AuditEntry.object_type == "processor_record",
                                                        AuditEntry.object_id == created.id)
                               .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["processor_record.create", "processor_record.update"]
    assert entries[1].details["changes"] == {"ended_on": [None, "2026-06-30"]}
    with pytest.raises(NotAllowed), org.work() as session:
        processor_record.update_record(session, org.auditor, created.id, edited.version, _data(org))
    with pytest.raises(NotAllowed), org.work() as session:
        processor_record.create_record(session, org.auditor, org.entities["LUMINA"].id, _data(org))


def test_department_heads_see_and_edit_their_departments_records_only(org):
    hr = _create(org, entity="MEDICIS", department="RH", client_name="Client RH SA")
    peda = _create(org, department="LUM-PEDA", client_name="Client pédagogie SA")
    with org.session() as session:
        seen = {r.id for r in processor_record.list_records(session, org.head_hr)}
        assert hr.id in seen and peda.id not in seen
        with pytest.raises(NotAllowed):
            processor_record.get_record(session, org.head_hr, peda.id)
    with org.work() as session:
        assert processor_record.update_record(session, org.head_hr, hr.id, hr.version,
                                              _data(org, department="RH", client_dpo="nouveau@dpo.example"))
    with pytest.raises(NotAllowed), org.work() as session:  # not into a department that is not theirs
        processor_record.update_record(session, org.head_hr, hr.id, hr.version + 1, _data(org, department="LUM-PEDA"))
    with pytest.raises(NotAllowed), org.work() as session:
        processor_record.create_record(session, org.head_hr, org.entities["LUMINA"].id, _data(org, department="LUM-PEDA"))


def test_two_people_edit_the_same_record_and_the_second_is_refused_with_who(org):
    record = _create(org)
    with org.work() as session:  # both opened version 1; the legal counsel saves first
        processor_record.update_record(session, org.legal, record.id, record.version,
                                       _data(org, client_contact="Nouvelle contact"))
    with pytest.raises(ConcurrentEdit) as refused, org.work() as session:
        processor_record.update_record(session, org.dpo, record.id, record.version,
                                       _data(org, security_measures="Autre description"))
    message = i18n.Translator("fr").error(refused.value)
    assert org.legal.full_name in message or "juriste" in message
    with org.session() as session:
        kept = processor_record.get_record(session, org.dpo, record.id)
    assert kept.content.client_contact == "Nouvelle contact" and kept.content.security_measures.startswith("Chiffrement")


def test_a_double_click_saves_once(org):
    record = _create(org)
    with org.work() as session:
        processor_record.update_record(session, org.dpo, record.id, record.version, _data(org, client_dpo="a@b.example"))
    with pytest.raises(ConcurrentEdit), org.work() as session:  # the same form, the same version, again
        processor_record.update_record(session, org.dpo, record.id, record.version, _data(org, client_dpo="a@b.example"))


def test_invalid_input_says_why_and_saves_nothing(org):
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        processor_record.create_record(session, org.dpo, org.entities["LUMINA"].id,
                                       _data(org, client_name="x\x00y", transfers="Acme; FR; sccs"))
    assert set(_keys(refused.value)) == {"processor_record.nul", "register.transfer_inside_eea"}
    with org.session() as session:
        assert processor_record.list_records(session, org.dpo) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_record_is_issued_as_a_pdf_in_the_evidence_registry(org, language):
    with org.work() as session:
        demo_records.seed(session)
    with org.work() as session:
        document = processor_record.issue_record_pdf(session, org.dpo, org.entities["LUMINA"].id, language)
        assert document.kind == "processor_record.extract" and document.sha256
        content = document.content
    text = " ".join(pdf_text(content).split())
    assert "Transports Vernier et Fils SAS" in text and "Clinique du Parc Montsouris SA" in text
    assert "Mutuelle des Artisans" not in text  # Savelunari's client
    assert ("Art. 30.2 c)" if language == "fr" else "Art. 30(2)(c)") in text
    with pytest.raises(NotAllowed), org.work() as session:
        processor_record.issue_record_pdf(session, org.head_hr, org.entities["LUMINA"].id, language)


def test_a_record_s_department_belongs_to_its_entity(org):
    """Group rule (issue 18): a Lumina record cannot be kept by a Médicis department."""
    with pytest.raises(InvalidInput), org.work() as session:
        processor_record.create_record(session, org.dpo, org.entities["LUMINA"].id, _data(org, department="RH"))
