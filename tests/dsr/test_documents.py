"""The request's documents, read back with pypdf: the destruction certificate's
content and its registry hash, the acknowledgement and the extension notice."""

import hashlib
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from dashboard import evidence
from dashboard.dsr import documents, fees, work, workflow
from models.clock import paris_today
from dashboard.validation import InvalidInput
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from tests.dsr.conftest import copy_fee, make_request, paris_noon
from tests.pdf_reading import pdf_text


@pytest.fixture
def erased(org):
    """An erasure request with two erased systems and accounting records kept."""
    received = paris_today() - timedelta(days=15)
    request = make_request(org, entity="SAVELUNARI", relation="learner", rights=["erasure"],
                           requester_name="Inès Moreau & <Fils>", received_at=paris_noon(received))
    lines = [("Base comptes apprenants", "Profil et identifiants", "deletion"),
             ("Suivi pédagogique", "Historique de progression", "anonymisation")]
    version = 1
    for system, category, method in lines:
        with org.work() as session:
            work.add_erasure(session, org.dpo, request.id, version, {
                "system": system, "data_category": category, "method": method,
                "performed_on": received + timedelta(days=3), "performed_by": "Nicolas Aubert (DSI)"})
        version += 1
    with org.work() as session:
        work.add_retention(session, org.dpo, request.id, version, {
            "data_category": "Factures", "reason": "Code de commerce art. L123-22 (10 ans)",
            "keep_until": date(2036, 12, 31)})
    return request


BACKUPS = paris_today() + timedelta(days=40)


def _certificate(session, actor, request_id, verified_by, language="fr", backups=BACKUPS):
    return documents.issue_destruction_certificate(session, actor, request_id, verified_by, language, backups)


def test_destruction_certificate_content_and_registry_hash(org, erased):
    with org.work() as session:
        document = _certificate(session, org.dpo, erased.id, "RSSI Savelunari")
    text = pdf_text(document.content)
    reader = PdfReader(BytesIO(document.content))
    for expected in ("Certificat de destruction de données personnelles", document.number, erased.reference,
                     "Savelunari SAS", "912 345 678", "Base comptes apprenants",
                     "Suppression", "Anonymisation", "Suivi pédagogique", "Factures", "L123-22",
                     "31 décembre 2036", "Nicolas Aubert (DSI)", "RSSI Savelunari", "Visa du DPO",
                     "Claire Fontaine", document.verification_code, f"Page 1 / {len(reader.pages)}"):
        assert expected in text, expected
    assert reader.metadata.title.startswith("Certificat de destruction")
    with org.session() as session:
        stored = session.exec(select(EvidenceDocument).where(EvidenceDocument.number == document.number)).one()
        # stored encrypted under the request's key (crypto-shredding): the registry keeps the
        # SHA-256 of the PDF as issued and that of the stored envelope
        assert stored.envelope_sha256 == hashlib.sha256(stored.content).hexdigest()
        assert document.number.encode() not in stored.content and erased.reference.encode() not in stored.content
        assert evidence.readable(session, stored).content == document.content
    assert stored.sha256 == hashlib.sha256(document.content).hexdigest()
    assert (stored.kind, stored.case_type, stored.case_id) == ("dsr.destruction_certificate", "dsr", erased.id)


def test_reissued_certificate_in_english_supersedes_the_first(org, erased):
    with org.work() as session:
        first = _certificate(session, org.dpo, erased.id, "RSSI")
    with org.work() as session:
        second = _certificate(session, org.dpo, erased.id, "CISO", "en")
    text = pdf_text(second.content)
    assert "Certificate of destruction of personal data" in text and "Deletion" in text and "DPO sign-off" in text
    assert second.supersedes_id == first.id and second.number != first.number


def test_certificate_needs_an_erasure_with_lines_and_a_verifier(org, erased):
    plain = make_request(org, rights=["access"], requester_name="Paul Neuf", requester_contact="")
    with pytest.raises(RuleViolation) as error, org.work() as session:
        _certificate(session, org.dpo, plain.id, "RSSI")
    assert error.value.key == "dsr.error.no_erasure_right"
    empty = make_request(org, rights=["erasure"], requester_name="Rita Vide", requester_contact="")
    with pytest.raises(RuleViolation) as error, org.work() as session:
        _certificate(session, org.dpo, empty.id, "RSSI")
    assert error.value.key == "dsr.error.nothing_erased"
    with pytest.raises(Exception), org.work() as session:
        _certificate(session, org.dpo, erased.id, " ")


def test_the_certificate_names_no_one_and_says_everything_that_is_kept(org, erased):
    """The certificate names the request, not the person (data minimisation, GDPR
    Art. 5(1)(c)); it lists the recipients told of the erasure (Art. 19) and the day the
    backups roll over; and it never says "nothing is kept" while the request file is
    kept: it says what is kept, why and until when (Art. 5(1)(a) and 5(2))."""
    with org.work() as session:
        line = work.add_recipient(session, org.dpo, erased.id, 4, {"recipient": "Prestataire d'emailing"})
    with org.work() as session:
        work.update_recipient(session, org.dpo, erased.id, 5, line.id,
                              {"state": "notified", "notified_on": paris_today()})
    with pytest.raises(InvalidInput) as error, org.work() as session:
        _certificate(session, org.dpo, erased.id, "RSSI", backups=None)
    assert error.value.problems[0].field == "dsr_backups_overwritten_on"
    with pytest.raises(InvalidInput), org.work() as session:  # backups replaced before the erasure: false
        _certificate(session, org.dpo, erased.id, "RSSI", backups=paris_today() - timedelta(days=30))
    with org.work() as session:
        text = pdf_text(_certificate(session, org.dpo, erased.id, "RSSI").content)
    assert "Moreau" not in text and erased.reference in text
    assert "Destinataires informés de l'effacement — art. 19" in text and "Prestataire d'emailing" in text
    assert "Informé" in text
    assert f"au plus tard le {BACKUPS.day} " in text
    assert "Aucune donnée" not in text
    five_years = (paris_today().year + 5)
    assert f"Dossier de la demande {erased.reference}" in text and "art. 2224 du Code civil" in text
    assert str(five_years) in text and "31 décembre 2036" in text


def test_acknowledgement_gives_the_deadline_and_the_cnil(org):
    request = make_request(org, received_at=paris_noon(date(2025, 3, 5)))
    with org.work() as session:
        document = documents.issue_acknowledgement(session, org.dpo, request.id)
    text = pdf_text(document.content)
    for expected in ("Accusé de réception", request.reference, "Jeanne Morel", "5 mars 2025", "7 avril 2025",
                     "CNIL", "Claire Fontaine"):
        assert expected in text, expected


def test_extension_notice_has_the_reasons_and_both_deadlines(org):
    received = paris_today() - timedelta(days=5)
    request = make_request(org, received_at=paris_noon(received))
    with pytest.raises(RuleViolation), org.work() as session:
        documents.issue_extension_notice(session, org.dpo, request.id)
    with org.work() as session:
        extended = workflow.extend(session, org.dpo, request.id, 1, {
            "reasons": "Historique de quinze ans réparti dans trois systèmes.", "notified_on": paris_today()})
    with org.work() as session:
        document = documents.issue_extension_notice(session, org.dpo, request.id, "en")
    text = pdf_text(document.content)
    assert "Historique de quinze ans réparti dans trois systèmes." in text
    assert "Extension of the period to answer your request" in text
    day = extended.legal_due_on
    assert f"{day.day} " in text and str(day.year) in text
    assert "Extension notified on" in text


def test_documents_of_an_extended_request_follow_the_order_of_the_facts(org):
    """Once extended (Art. 12(3)), the acknowledgement gives the extended deadline and
    neither "one month" nor "may be extended"; an extension notice issued after the day
    the person was told is the written confirmation of it, not a letter dated later
    than the facts it announces."""
    received = paris_today() - timedelta(days=12)
    request = make_request(org, received_at=paris_noon(received))
    told = paris_today() - timedelta(days=2)
    with org.work() as session:
        extended = workflow.extend(session, org.dpo, request.id, 1, {
            "reasons": "Trois systèmes à interroger.", "notified_on": told})
    with org.work() as session:
        ack = pdf_text(documents.issue_acknowledgement(session, org.dpo, request.id).content)
        ack_en = pdf_text(documents.issue_acknowledgement(session, org.dpo, request.id, "en").content)
        notice = pdf_text(documents.issue_extension_notice(session, org.dpo, request.id).content)
    due = extended.due_on
    assert f"{due.day} " in ack and "prolongé de deux mois" in ack
    assert "un mois" not in ack and "peut être prolongé" not in ack
    assert "one month" not in ack_en and "may be extended" not in ack_en and "extended by two months" in ack_en
    assert "Confirmation écrite de la prolongation" in notice
    assert f"Comme nous vous en avons informé le {told.day} " in notice


def test_the_fee_letter_states_the_amount_its_computation_and_the_choice_to_withdraw(org):
    received = paris_today() - timedelta(days=9)
    request = make_request(org, received_at=paris_noon(received))
    with pytest.raises(RuleViolation) as error, org.work() as session:
        documents.issue_fee_notice(session, org.dpo, request.id)
    assert error.value.key == "dsr.error.no_fee"
    told = paris_today() - timedelta(days=2)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, {
            "basis": "excessive", "amount": "934.5", "notified_on": told,
            "cost_basis": "Extraction de quatre ans de journaux : 31 heures à 30,15 € l'heure.",
            "reasons": "Neuvième demande identique en deux mois ; chacune a reçu une copie complète."})
    with org.work() as session:
        french = pdf_text(documents.issue_fee_notice(session, org.dpo, request.id).content)
        english = pdf_text(documents.issue_fee_notice(session, org.dpo, request.id, "en").content)
    for expected in ("Confirmation des frais", f"indiqués le {told.day} ", "934,50 €", "excessive",
                     "article 12, paragraphe 5", "31 heures à 30,15 €", "Neuvième demande identique",
                     "ou la retirer", "Jeanne Morel", request.reference, "CNIL"):
        assert expected in french, expected
    for expected in ("Confirmation of the fee", "€934.50", "Article 12(5) GDPR", "or withdraw it"):
        assert expected in english, expected


def test_the_fee_letter_for_a_further_copy_cites_article_15_3(org):
    request = make_request(org)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, copy_fee())
    with org.work() as session:
        text = pdf_text(documents.issue_fee_notice(session, org.dpo, request.id).content)
    assert "Frais pour le traitement de votre demande" in text and "Confirmation" not in text  # told today
    assert "article 15, paragraphe 3" in text and "La première copie est gratuite" in text and "8,40 €" in text
    assert "Motifs" not in text  # no Art. 12(5) reasons for a further copy
