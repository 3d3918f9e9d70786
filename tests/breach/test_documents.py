"""The breach documents read back: the notification carries every Art. 33(3) item,
the letter speaks plainly, the register extract shows only what the issuer may
see; each is kept in the evidence registry with its SHA-256."""

import csv
import hashlib
from io import StringIO

import pytest

from dashboard.breach import documents, workflow
from dashboard.breach.records import BreachFilter
from dashboard.errors import NotAllowed
from dashboard.validation import InvalidInput
from models.breach import Breach
from models.types import utcnow
from tests.breach.factories import H, current, declare, notify, qualify
from tests.pdf_reading import header_runs, pdf_text


@pytest.fixture
def notified_late(org):
    """A high-risk breach at a processor, notified after the deadline with reasons."""
    breach = declare(org, hours_ago=100, processor_name="PayNova Europe", title="Fuite chez <PayNova> & Cie",
                     measures_proposed="Double authentification.")
    breach = qualify(org, breach, level="high")
    notify(org, breach, utcnow() - H, reasons="Exfiltration confirmée seulement au quatrième jour.")
    return current(org, breach.id)


def test_the_notification_carries_every_article_33_3_item(org, notified_late):
    breach = notified_late.breach
    with org.work() as session:
        document = documents.issue_authority_notice(session, org.dpo, breach.id, "fr",
                                                    notified_late.notifications[0].id)
    text = pdf_text(document.content)
    medicis = org.entities["MEDICIS"]
    for expected in (
            "Notification initiale d'une violation de données personnelles", "Trace de la notification transmise",
            "2026-012345",
            "art. 33(3)(b)", medicis.legal_name, medicis.dpo_name, medicis.dpo_email, medicis.dpo_phone,  # (b)
            "Représentant légal", "Personne à contacter",
            "art. 33(3)(a)", "Confidentialité", "Numéro de sécurité sociale (NIR)", "Données de santé",
            "catégorie particulière, art. 9", "Adhérents", "entre 200 et 250", "212",  # (a)
            "art. 33(3)(c)", "Usurpation d'identité possible.", "Risque élevé",  # (c)
            "art. 33(3)(d)", "Suppression attestée par le destinataire.", "Double authentification.",  # (d)
            "Chronologie", "Échéance des 72 heures", "Prise de connaissance",
            "PayNova Europe",  # processors involved
            "Motifs du retard", "Exfiltration confirmée seulement au quatrième jour.",
            "Fuite chez <PayNova> & Cie"):
        assert expected in text, expected
    assert "Projet" not in text
    assert "initiale" in document.filename and "projet" not in document.filename
    assert document.kind == "breach.authority_notice" and document.case_ref == breach.reference
    assert hashlib.sha256(document.content).hexdigest() == document.sha256
    assert document.verification_code in text


def test_the_notification_in_english_and_the_next_phase_to_send(org, notified_late):
    with org.work() as session:
        document = documents.issue_authority_notice(session, org.legal, notified_late.breach.id, "en")
    text = pdf_text(document.content)
    assert "Draft complementary notification no. 2 of a personal-data breach" in text
    assert "Complementary notification (n° 2)" in text and "Number of the initial notification" in text
    assert "draft-complementary-notification-2-en" in document.filename
    assert "Notifications in phases" in text and "Reasons for the delay" in text
    assert document.language == "en"


def test_an_overdue_notification_carries_its_reasons_never_a_placeholder(org):
    """Art. 33(1): a notification made after 72 hours is accompanied by the reasons for
    the delay: the draft cannot be issued without them."""
    breach = qualify(org, declare(org, hours_ago=80), level="risk")
    with pytest.raises(InvalidInput) as error, org.work() as session:
        documents.issue_authority_notice(session, org.dpo, breach.id, "fr")
    assert error.value.problems[0].field == "breach_delay_reasons"
    with org.work() as session:
        document = documents.issue_authority_notice(session, org.dpo, breach.id, "fr",
                                                    delay_reasons="Prestataire injoignable pendant trois jours.")
    text = pdf_text(document.content)
    assert "Motifs du retard" in text and "Prestataire injoignable pendant trois jours." in text
    assert "doivent être exposés" not in text
    assert text.startswith("Projet de notification initiale") or "Projet de notification initiale" in text
    assert "projet-notification-initiale-1-fr" in document.filename


def test_the_notification_follows_the_cnil_form_with_unbroken_section_numbers(org, notified_late):
    """The CNIL's online form asks, in this order, for the organisation with its legal
    representative and its contact, the timeline, the nature of the breach, the data and
    people, the consequences, the measures and the information of the people
    (Art. 33(3)); financial data is not Art. 9 sensitive data, the NIR is flagged
    (loi 78-17 art. 30)."""
    with org.work() as session:
        text = pdf_text(documents.issue_authority_notice(session, org.dpo, notified_late.breach.id, "fr").content)
    titles = ["Organisme, représentant légal et contact", "Chronologie et délai", "Nature et circonstances",
              "Données et personnes concernées", "Conséquences probables", "Mesures prises ou envisagées",
              "Information des personnes concernées", "Notifications successives"]
    positions = [text.index(f"{n}. {title}") for n, title in enumerate(titles, start=1)]
    assert positions == sorted(positions)
    special = text[text.index("Catégories particulières (art. 9)"):text.index("Données hautement personnelles")]
    assert "financière" not in special and "NIR" not in special
    assert "NIR : donnée hautement personnelle, usage encadré (loi 78-17, art. 30)" in text


def test_the_letter_to_the_people_speaks_plainly_and_gives_the_dpo(org, notified_late):
    breach = notified_late.breach
    with pytest.raises(InvalidInput) as error, org.work() as session:
        documents.issue_people_letter(session, org.dpo, breach.id)
    assert {p.field for p in error.value.problems} == {"breach_people_summary", "breach_people_advice"}
    with org.work() as session:
        workflow.save_people_communication(session, org.dpo, breach.id, breach.version, {
            "people_summary": "Un fichier de remboursements vous concernant a été envoyé par erreur à un courtier.",
            "people_advice": "Méfiez-vous des appels vous demandant vos coordonnées bancaires."})
    with org.work() as session:
        document = documents.issue_people_letter(session, org.dpo, breach.id, "fr")
    text = pdf_text(document.content)
    medicis = org.entities["MEDICIS"]
    for expected in ("Ce qui s'est passé", "envoyé par erreur à un courtier", "Les données concernées",
                     "Numéro de sécurité sociale (NIR)", "Ce que cela peut entraîner pour vous",
                     "Usurpation d'identité possible.", "Ce que nous avons fait", "Suppression attestée",
                     "Nous avons également informé la CNIL", "Ce que nous vous conseillons de faire maintenant",
                     "Méfiez-vous des appels", medicis.dpo_name, medicis.dpo_email, "réclamation à la CNIL",
                     breach.reference):
        assert expected in text, expected
    assert "art. 33" not in text  # no legal jargon addressed to the person
    with pytest.raises(InvalidInput) as untranslated, org.work() as session:
        documents.issue_people_letter(session, org.dpo, breach.id, "en")
    assert {p.key for p in untranslated.value.problems} == {"breach.letter_needs_english"}
    with org.work() as session:
        current = session.get(Breach, breach.id)
        workflow.save_letter_english(session, org.dpo, breach.id, current.version, _ENGLISH)
    with org.work() as session:
        english = pdf_text(documents.issue_people_letter(session, org.dpo, breach.id, "en").content)
    assert "What we advise you to do now" in english and "sent by mistake to a broker" in english
    assert "envoyé par erreur" not in english and "Usurpation" not in english  # no French free text
    with org.session() as session:
        assert [d.kind for d in documents.documents_of(session, org.auditor, breach.id)] == [
            "breach.people_letter", "breach.people_letter"]


def test_documents_are_for_the_dpo_and_legal(org, notified_late):
    for actor in (org.auditor, org.head_cr):
        with pytest.raises(NotAllowed), org.work() as session:
            documents.issue_authority_notice(session, actor, notified_late.breach.id)


def test_the_register_extract_covers_what_its_issuer_may_see(org, notified_late):
    hr_case = declare(org, org.head_hr, title="=HYPERLINK(\"http://x\") ordinateur perdu",
                      department_ids=[org.departments["RH"].id])
    with org.work() as session:
        full = documents.issue_register(session, org.dpo, BreachFilter(), "fr", "pdf")
        hr_pdf = documents.issue_register(session, org.head_hr, BreachFilter(), "fr", "pdf")
        hr_csv = documents.issue_register(session, org.head_hr, BreachFilter(), "fr", "csv")
    everything = pdf_text(full.content)
    assert notified_late.breach.reference in everything and hr_case.reference in everything
    issuer = header_runs(full.content)[0][0]  # every entity's register: every controller named
    assert all(e.name in issuer for e in org.entities.values() if e.active) and "DPO Desk" not in issuer
    assert "2 violation(s)" in everything and "Notifiée le" in everything and "après l'échéance" in everything
    mine = pdf_text(hr_pdf.content)
    assert hr_case.reference in mine and notified_late.breach.reference not in mine
    assert "limité aux dossiers visibles par Sophie Martin" in mine
    rows = list(csv.reader(StringIO(hr_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[0][:3] == ["Référence", "Entité", "Intitulé"]
    assert rows[1][2].startswith("'=HYPERLINK")  # formula injection neutralised
    assert rows[1][rows[0].index("Personnes min.")] == "200"
    assert hr_csv.media_type == "text/csv" and hr_csv.kind == "breach.register_csv"
    with pytest.raises(NotAllowed), org.work() as session:
        documents.issue_register(session, org.auditor)


_ENGLISH = {"people_summary": "A file of your reimbursements was sent by mistake to a broker.",
            "likely_consequences": "Possible identity theft.",
            "measures_taken": "Deletion certified by the recipient.",
            "measures_proposed": "Encryption of every file sent outside.",
            "people_advice": "Be wary of calls asking for your bank details."}


def test_the_letter_needs_the_likely_consequences(org, notified_late):
    """GDPR Art. 34(2): the communication to the person describes in clear and plain
    language the nature of the breach and contains at least the information of Art.
    33(3)(b)-(d) — among them "the likely consequences of the personal data breach"
    (33(3)(c)). No letter without them, in either language."""
    breach = notified_late.breach
    with org.work() as session:
        stored = session.get(Breach, breach.id)
        stored.likely_consequences = ""
    with org.work() as session:
        workflow.save_people_communication(session, org.dpo, breach.id, _version(org, breach.id), {
            "people_summary": "Un fichier de remboursements vous concernant a été envoyé par erreur.",
            "people_advice": "Méfiez-vous des appels vous demandant vos coordonnées bancaires."})
    for language in ("fr", "en"):
        with pytest.raises(InvalidInput) as error, org.work() as session:
            documents.issue_people_letter(session, org.dpo, breach.id, language)
        assert [(p.field, p.key) for p in error.value.problems] == [
            ("breach_likely_consequences", "breach.letter_needs_text")]
    with org.session() as session:
        assert documents.documents_of(session, org.auditor, breach.id) == []


def _version(org, breach_id) -> int:
    with org.session() as session:
        return session.get(Breach, breach_id).version


def test_the_art_34_3_b_exception_reads_as_the_law_does():
    """GDPR Art. 34(3)(b), French text: the controller has taken measures ensuring that the
    high risk "n'est plus susceptible de se matérialiser" (no longer likely): the label
    must not say the opposite ("plus susceptible", more likely)."""
    from dashboard.i18n import translate

    french = translate("breach.exception.risk_no_longer_likely", "fr")
    assert "n'est plus susceptible de se matérialiser" in french
    assert "no longer likely" in translate("breach.exception.risk_no_longer_likely", "en")
