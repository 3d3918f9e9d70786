"""End of contract, the destruction certificate, the clause report and the register
exports; the demo processors."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard import db, demo, evidence
from dashboard.errors import NotAllowed
from dashboard.processor import contracts, documents, flags, registry
from dashboard.validation import InvalidInput
from models.clock import paris_today
from models.deadlines import return_or_deletion_due
from models.evidence import EvidenceDocument
from models.processor import Processor, ProcessorContract
from tests.pdf_reading import header_runs, pdf_text
from tests.processor.conftest import contract_data, processor_data


@pytest.fixture
def ended(porg):
    """A processor whose contract ended 40 days ago with deletion chosen."""
    today = paris_today()
    with porg.work() as session:
        processor = registry.create_processor(session, porg.dpo, processor_data(porg))
        contract = contracts.save_contract(session, porg.dpo, processor.id, contract_data(
            starts_on=today - timedelta(days=800), missing=("policy_ownership",)))
    with porg.work() as session:
        contract = contracts.end_contract(session, porg.dpo, contract.id, contract.version, {
            "ended_on": today - timedelta(days=40), "end_choice": "delete", "end_period_days": 30})
    return processor, contract


def test_end_of_contract_sets_the_due_date_and_awaits_the_proof(porg, ended):
    processor, contract = ended
    today = paris_today()
    assert contract.status == "ended"
    assert contract.end_due_date == return_or_deletion_due(today - timedelta(days=40), 30)
    with porg.session() as session:
        raised = flags.flags_of(session, [processor.id], today)[processor.id]
    assert "destruction_pending" in raised and "missing_clause" not in raised  # only contracts in force count
    with pytest.raises(InvalidInput) as error, porg.work() as session:  # no certificate before the proof
        documents.issue_destruction_certificate(session, porg.dpo, contract.id, contract.version)
    assert error.value.problems[0].key == "processor.error.no_destruction_proof"
    with pytest.raises(InvalidInput) as error, porg.work() as session:
        contracts.record_destruction_proof(session, porg.dpo, contract.id, contract.version, {
            "destruction_proved_on": today - timedelta(days=41), "destruction_method": "Effacement",
            "destruction_attestation_ref": "ATT-1", "destruction_copies": "Sauvegardes effacées.",
            "destruction_subprocessors": "Aucun."})
    assert error.value.problems[0].key == "processor.error.proof_date"


def test_destruction_certificate_content_and_hash(porg, ended):
    processor, contract = ended
    today = paris_today()
    with porg.work() as session:
        contract = contracts.record_destruction_proof(session, porg.legal, contract.id, contract.version, {
            "destruction_proved_on": today - timedelta(days=20),
            "destruction_method": "Effacement cryptographique des volumes",
            "destruction_attestation_ref": "ATT-2026-042",
            "destruction_copies": "Sauvegardes chiffrées expirées le 12 du mois, clés détruites.",
            "destruction_subprocessors": "Hébergeur OVH : volumes effacés, attestation OVH-99."})
    with porg.work() as session:
        document = documents.issue_destruction_certificate(session, porg.legal, contract.id, contract.version)
    assert document.kind == "processor.destruction_certificate" and document.case_ref == processor.reference
    assert hashlib.sha256(document.content).hexdigest() == document.sha256
    with porg.work() as session:
        assert evidence.download_document(session, porg.auditor, document.id).content == document.content
        assert session.get(ProcessorContract, contract.id).certificate_document_id == document.id
    text = pdf_text(document.content)
    for expected in ("Certificat de destruction des données", "Paie & <Compagnie> SAS", "Mutuelle Médicis",
                     "ATT-2026-042", "Effacement cryptographique des volumes", "suppression des données",
                     (today - timedelta(days=20)).strftime("%d/%m/%Y"), "Preuve reçue dans le délai contractuel",
                     "Julien Mercier", document.verification_code, document.number, "TRT-"):
        assert expected in text, expected
    with porg.work() as session:  # a second certificate supersedes the first; both are kept
        contract = session.get(ProcessorContract, contract.id)
        second = documents.issue_destruction_certificate(session, porg.dpo, contract.id, contract.version, "en")
    assert second.supersedes_id == document.id and "End-of-contract data destruction certificate" in pdf_text(second.content)


def test_the_certificate_covers_copies_sub_processors_and_what_a_law_keeps(porg, ended):
    """GDPR Art. 28(3)(g): the processor deletes the data "and deletes existing copies
    unless Union or Member State law requires storage"; Art. 28(4): its sub-processors
    are bound by the same obligations. The proof says all three, and the certificate
    prints them; without the copies and sub-processors, no proof is recorded."""
    processor, contract = ended
    today = paris_today()
    with pytest.raises(InvalidInput) as error, porg.work() as session:
        contracts.record_destruction_proof(session, porg.dpo, contract.id, contract.version, {
            "destruction_proved_on": today - timedelta(days=20), "destruction_method": "Effacement",
            "destruction_attestation_ref": "ATT-1"})
    named = " ".join(p.field for p in error.value.problems)
    assert "Copies et sauvegardes" in named and "Sous-traitants ultérieurs" in named
    with porg.work() as session:
        contract = contracts.record_destruction_proof(session, porg.dpo, contract.id, contract.version, {
            "destruction_proved_on": today - timedelta(days=20), "destruction_method": "Effacement",
            "destruction_attestation_ref": "ATT-1", "destruction_copies": "Bandes de sauvegarde écrasées.",
            "destruction_subprocessors": "Hébergeur : volumes effacés, attestation H-7.",
            "retained_by_law": "Bulletins de paie : 5 ans, Code du travail art. L3243-4."})
    with porg.work() as session:
        text = pdf_text(documents.issue_destruction_certificate(session, porg.dpo, contract.id,
                                                                contract.version).content)
    for expected in ("art. 28.3.g et 28.4", "Bandes de sauvegarde écrasées.", "attestation H-7",
                     "Données conservées par obligation légale", "Code du travail art. L3243-4",
                     "sauvegardes comprises", "confiées à ses sous-traitants ultérieurs"):
        assert expected in text, expected


def test_clause_report_lists_each_clause_and_the_verdict(porg):
    with porg.work() as session:
        processor = registry.create_processor(session, porg.dpo, processor_data(porg))
        contract = contracts.save_contract(session, porg.dpo, processor.id, contract_data(missing=("art28_d",)))
    with porg.work() as session:
        document = documents.issue_clause_report(session, porg.dpo, contract.id)
    text = pdf_text(document.content)
    assert "Contrat signalé : 1 clause(s) manquante(s)" in text and "95 / 100" in text  # 20 of 21 points
    assert "28.3 — Catégories de personnes concernées" in text  # Art. 28(3), first subparagraph
    assert "28.3.d — Conditions du recours à un autre sous-traitant" in text and "Absente du contrat" in text
    assert "Procédure en cas de violation de données" in text
    with pytest.raises(NotAllowed), porg.work() as session:
        documents.issue_clause_report(session, porg.auditor, contract.id)


def test_register_exports_follow_the_actor_scope_and_are_formula_safe(porg):
    with porg.work() as session:
        registry.create_processor(session, porg.dpo, processor_data(porg, legal_name="=HYPERLINK(\"x\") SAS"))
        registry.create_processor(session, porg.dpo, processor_data(porg, legal_name="Gestion Adhérents SA",
                                                                    activities=("member_management",)))
    with porg.work() as session:
        full = documents.register_csv(session, porg.auditor, registry.RegisterFilter()).decode("utf-8-sig")
        hr_only = documents.register_csv(session, porg.head_hr, registry.RegisterFilter()).decode("utf-8-sig")
    assert "'=HYPERLINK" in full and "Gestion Adhérents SA" in full
    assert "Gestion Adhérents SA" not in hr_only and len(hr_only.strip().splitlines()) == 2
    with porg.work() as session:
        extract = documents.issue_register_extract(session, porg.head_hr, registry.RegisterFilter())
    text = pdf_text(extract.content)
    assert "Registre des sous-traitants — extrait" in text and "1 sous-traitant(s)" in text
    issuer = header_runs(extract.content)[0][0]  # no entity chosen: every controller named
    assert all(e.name in issuer for e in porg.entities.values() if e.active)
    assert "Gestion Adhérents SA" not in text
    with pytest.raises(NotAllowed), porg.work() as session:  # auditors read issued documents, issue none
        documents.issue_register_extract(session, porg.auditor, registry.RegisterFilter())


def test_demo_processors_cover_every_situation_and_seed_once(engine):
    for _ in range(2):
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    from tests.conftest import actor_named

    dpo, head_rh = actor_named(engine, "dpo"), actor_named(engine, "chef.rh")
    with db.new_session(engine) as session:
        counts = flags.count_flags(session, dpo).counts
        assert session.exec(select(func.count()).select_from(Processor)).one() == 14
        certificates = session.exec(select(EvidenceDocument).where(
            EvidenceDocument.kind == "processor.destruction_certificate")).all()
        hr_view = registry.list_processors(session, head_rh, registry.RegisterFilter())
    assert counts["forbidden_transfer"] == 1 and counts["outside_eea"] == 2
    assert counts["missing_clause"] >= 3 and counts["objection_open"] == 1 and counts["audit_due"] >= 1
    assert counts["deadline_soon"] >= 2 and counts["destruction_pending"] == 0 and counts["no_contract"] == 0
    assert len(certificates) == 1
    assert {row.legal_name for row in hr_view.rows} == {"Hébergement Santé Sécurisé SAS", "PaieConnect SAS"}
