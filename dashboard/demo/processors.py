"""Demo processors, from the seed documents: the e-learning platforms' hosting, audience
analytics, heatmaps and session recording, payment (PCI-DSS), support desk, video
hosting, e-mailing and social sharing; the insurer's health-data hosting (HDS),
management software, e-mailing, document archiving and payroll.

Company names are invented. Dates are relative to the day of seeding, so that there
is always a notice date and a contract end within 90 days, an audit due, an open
objection window, a US transfer under SCCs, a transfer the insurer's policy forbids,
contracts with missing clauses and an ended contract with its destruction certificate.
Recorded through the use cases, as the DPO (Claire Fontaine).
"""

from datetime import timedelta

from sqlmodel import Session, select

from dashboard import auth
from dashboard.demo.activities import activity_id
from dashboard.processor import audits, contracts, documents, registry, subprocessors
from models.clock import paris_today
from models.deadlines import add_months
from models.org import Entity, User
from models.processor import Processor
from models.processor_clauses import ALL_CLAUSES


def _clauses(missing=(), partial=()) -> dict:
    states = {key: "present" for key in ALL_CLAUSES}
    states |= {key: "partial" for key in partial} | {key: "missing" for key in missing}
    return states


FR = [{"country_code": "FR", "processing": True, "storage": True}]


def seed(session: Session) -> None:
    if session.exec(select(Processor)).first():
        return
    dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    today = paris_today()

    def processor(code, others, activities, name, country, services, data, subjects, certs, locations, **extra):
        return registry.create_processor(session, dpo, {
            "legal_name": name, "country_code": country, "services": services, "data_categories": data,
            "subject_categories": subjects, "certifications": certs, "entity_id": entities[code],
            "entity_ids": [entities[c] for c in others], "locations": locations,
            "status": extra.pop("status", "approved"),
            "activity_ids": [activity_id(session, key) for key in activities], **extra})

    def contract(p, title, ref, starts, end=None, renewal=0, notice_months=3, missing=(), partial=(), notes=None):
        return contracts.save_contract(session, dpo, p.id, {
            "title": title, "document_reference": ref, "form": "electronic", "signed_on": starts - timedelta(days=10),
            "starts_on": starts, "initial_end": end, "tacit_renewal": renewal > 0, "renewal_months": renewal,
            "notice_months": notice_months if end else 0, "clauses": _clauses(missing, partial),
            "clause_notes": notes or {}})

    def audited(p, days_ago, outcome="compliant", findings=""):
        audits.record_audit(session, dpo, p.id, {"performed_on": today - timedelta(days=days_ago),
                                                 "kind": "documentary", "auditor": "Claire Fontaine (DPO)",
                                                 "outcome": outcome, "findings": findings})

    # --- the e-learning platforms (Savelunari, Lumina Apprendre) -------------------------------------------
    hosting = processor("SAVELUNARI", ["LUMINA"], ["learner_accounts", "course_delivery", "lumina_accounts",
                                                   "ai_personalisation"],
                        "Nuage Rhodanien SAS", "FR", "Hébergement des plateformes (IaaS), sauvegardes",
                        ["identité", "coordonnées", "données de progression pédagogique", "données de connexion"],
                        ["apprenants"], ["iso27001"], FR, contact_name="Service conformité",
                        contact_email="conformite@nuage-rhodanien.example", dpo_contact="dpo@nuage-rhodanien.example",
                        address="12 quai Perrache, 69002 Lyon")
    # Tacit renewal every 12 months: the term ends in ~100 days, notice (3 months) within 10 days.
    contract(hosting, "Contrat d'hébergement et DPA", "NR-2023-118", add_months(today + timedelta(days=100), -36),
             add_months(today + timedelta(days=100), -24), renewal=12)
    audited(hosting, 200)

    analytics = processor("SAVELUNARI", [], ["audience_analytics"], "Mesura Audience SAS", "FR",
                          "Mesure d'audience du site et de la plateforme", ["données de navigation"], ["apprenants"],
                          [], FR, dpo_contact="privacy@mesura.example")
    contract(analytics, "Conditions de sous-traitance — mesure d'audience", "MA-DPA-v3", today - timedelta(days=400))

    heatmaps = processor("SAVELUNARI", [], ["audience_analytics"], "Thermographe Web Ltd", "IE",
                         "Cartes de chaleur et enregistrement de sessions", ["données de navigation"], ["apprenants"],
                         ["iso27001"], [{"country_code": "IE", "processing": True, "storage": True}])
    contract(heatmaps, "Data Processing Addendum", "TW-DPA-2024", today - timedelta(days=300),
             missing=("art28_h", "policy_audit"), partial=("art28_d",),
             notes={"art28_h": "Audits limités à la communication d'un rapport SOC 2, pas d'audit sur site.",
                    "art28_d": "Liste des sous-traitants ultérieurs publiée en ligne, sans notification."})

    payments = processor("SAVELUNARI", [], ["payments"], "PayRhône SAS", "FR",
                         "Prestataire de services de paiement (cartes bancaires, remboursements)",
                         ["données de paiement", "identité"], ["apprenants", "clients"], ["pci_dss", "iso27001"], FR)
    contract(payments, "Contrat de services de paiement", "PR-2022-0457", today - timedelta(days=900),
             today + timedelta(days=60), notice_months=1)
    audited(payments, 330, findings="Attestation de conformité PCI-DSS en cours de validité.")

    support = processor("SAVELUNARI", ["LUMINA"], ["support_desk", "lumina_accounts"], "HelpNest Inc.", "US",
                        "Centre de support (tickets, conversations, base de connaissances)",
                        ["identité", "coordonnées", "échanges avec le support"], ["apprenants"], ["soc2"],
                        [{"country_code": "US", "processing": True, "storage": True, "transfer_tool": "scc",
                          "scc_module": 2, "note": "Analyse d'impact du transfert réalisée le 12/03/2025."},
                         {"country_code": "IE", "processing": True, "storage": False}])
    contract(support, "HelpNest DPA et clauses contractuelles types (module 2)", "HN-DPA-2025",
             today - timedelta(days=250), partial=("policy_requests",))
    cloud = subprocessors.add_subprocessor(session, dpo, support.id, {
        "name": "Cloud Compute Corp.", "service": "Hébergement de l'outil", "country_code": "US",
        "transfer_tool": "scc", "scc_module": 3, "authorisation": "general",
        "notified_on": today - timedelta(days=200)})
    subprocessors.decide_objection(session, dpo, cloud.id, cloud.version,
                                   {"objected": False, "note": "Garanties du module 3 vérifiées."})

    video = processor("SAVELUNARI", [], ["video_hosting"], "Vidéora SAS", "FR",
                      "Hébergement et diffusion des vidéos de cours", ["données de navigation", "identité"],
                      ["apprenants"], ["iso27001"], FR, objection_window_days=30)
    contract(video, "Contrat de diffusion vidéo", "VD-2024-031", today - timedelta(days=500))
    # A CDN added under the general authorisation, notified 5 days ago: the objection window is open.
    subprocessors.add_subprocessor(session, dpo, video.id, {
        "name": "EuroEdge CDN GmbH", "service": "Réseau de diffusion de contenus", "country_code": "DE",
        "authorisation": "general", "notified_on": today - timedelta(days=5)})

    mailing = processor("SAVELUNARI", [], ["learner_accounts"], "Courriel Lumière SAS", "FR",
                        "Envoi des courriels transactionnels et des lettres d'information", ["identité", "coordonnées"],
                        ["apprenants"], [], FR)
    contract(mailing, "Contrat d'envoi de courriels", "CL-2025-12", today - timedelta(days=200),
             missing=("policy_breach",), notes={"policy_breach": "Aucun délai de notification d'une violation."})

    sharing = processor("SAVELUNARI", [], ["social_sharing"], "Partagio Ltd", "IE",
                        "Boutons de partage des réussites sur les réseaux sociaux", ["données de navigation"],
                        ["apprenants"], [], [{"country_code": "IE", "processing": True, "storage": True}],
                        planned_audit_on=today + timedelta(days=20))
    contract(sharing, "Conditions du service de partage", "PG-TOS-2024", today - timedelta(days=700),
             missing=("art28_e", "art28_f", "policy_requests"), partial=("art28_a",))

    # --- the insurer (Médicis and its associations) --------------------------------------------------------
    hds = processor("MEDICIS", ["ADEPIA", "GERP"], ["member_management", "benefits", "adepia_members",
                                                    "gerp_savings", "hr_payroll"],
                    "Hébergement Santé Sécurisé SAS", "FR", "Hébergement des applications métier (certifié HDS)",
                    ["identité", "coordonnées", "données de santé", "numéro de sécurité sociale"],
                    ["adhérents", "salariés"], ["hds", "iso27001"], FR, audit_interval_months=12)
    contract(hds, "Contrat d'hébergement de données de santé", "HSS-2021-009", today - timedelta(days=1500),
             add_months(today, 18))
    audited(hds, 380, "minor_findings", "Revue des habilitations à formaliser.")  # next audit already late

    software = processor("MEDICIS", ["GERP"], ["member_management", "benefits", "gerp_savings"],
                         "Gestimut Logiciels SAS", "FR", "Logiciel de gestion des adhérents et des prestations (SaaS)",
                         ["identité", "coordonnées", "données de santé", "données de paiement"], ["adhérents"],
                         ["iso27001"], FR)
    contract(software, "Contrat SaaS de gestion mutualiste", "GM-2020-77", today - timedelta(days=2000),
             missing=("policy_ownership", "policy_breach"), partial=("art28_g",),
             notes={"policy_ownership": "Le contrat est muet sur la propriété des données.",
                    "art28_g": "Restitution prévue, suppression des copies non mentionnée."})

    emailing = processor("MEDICIS", [], ["newsletter", "prospection"], "MailPilot Inc.", "US",
                         "Envoi des lettres d'information et des campagnes de prospection", ["identité", "coordonnées"],
                         ["adhérents", "prospects"], ["soc2"],
                         [{"country_code": "US", "processing": True, "storage": True, "transfer_tool": "adequacy",
                           "note": "Certifié au Data Privacy Framework (liste vérifiée)."}])
    contract(emailing, "Conditions générales et DPA MailPilot", "MP-2025-DPA", today - timedelta(days=150))

    archiving = processor("MEDICIS", ["ADEPIA"], ["member_management", "adepia_members"], "ArchivEco SAS", "FR",
                          "Archivage électronique à valeur probante des contrats et courriers",
                          ["identité", "coordonnées", "contrats"], ["adhérents"], ["iso27001"], FR)
    contract(archiving, "Contrat d'archivage", "AE-2023-015", today - timedelta(days=1000), today + timedelta(days=45),
             notice_months=1)

    payroll = processor("MEDICIS", [], ["hr_payroll"], "PaieConnect SAS", "FR", "Externalisation de la paie",
                        ["identité", "coordonnées", "numéro de sécurité sociale", "rémunération"], ["salariés"],
                        ["iso27001"], FR)
    contract(payroll, "Contrat d'externalisation de la paie", "PC-2024-002", today - timedelta(days=600),
             add_months(today - timedelta(days=600), 36), notice_months=6)

    # The former archiving provider: contract ended, data deleted, proof received, certificate issued.
    former = processor("MEDICIS", [], ["member_management"], "Archives du Centre SARL", "FR",
                       "Archivage papier et numérisation des dossiers adhérents (ancien prestataire)",
                       ["identité", "contrats"], ["adhérents"], [], FR, status="ended")
    old = contract(former, "Contrat d'archivage et de numérisation", "ADC-2019-04", today - timedelta(days=2200),
                   today - timedelta(days=150), notice_months=3)
    old = contracts.end_contract(session, dpo, old.id, old.version, {
        "ended_on": today - timedelta(days=150), "end_choice": "delete", "end_period_days": 30})
    old = contracts.record_destruction_proof(session, dpo, old.id, old.version, {
        "destruction_proved_on": today - timedelta(days=130),
        "destruction_method": "Broyage des archives papier (DIN 66399 P-4) et effacement des supports numériques",
        "destruction_attestation_ref": "ADC-ATT-2026-017",
        "destruction_copies": "Copies numériques et sauvegardes sur bandes effacées le jour de l'attestation ; "
                              "rotation des sauvegardes achevée 30 jours après la fin du contrat.",
        "destruction_subprocessors": "Aucun sous-traitant ultérieur : numérisation et stockage réalisés par "
                                     "Archives du Centre SARL elle-même (attestation ADC-ATT-2026-017, point 3).",
        "retained_by_law": "Factures de la prestation (sans données des adhérents), conservées 10 ans au titre "
                           "du Code de commerce, art. L123-22."})
    documents.issue_destruction_certificate(session, dpo, old.id, old.version)
