"""The demo register's processing activities, from the seed documents: the insurer's
member, HR and governance processing, and the e-learning platforms' accounts,
courses, AI personalisation, analytics, payments, support, video and sharing.

Each entry carries its Art. 30 content (purposes and legal bases, people and data
with the sensitive ones flagged, recipients, transfers, retention, security, consent
procedure). Each entry's transfers match the processors that serve it: the insurer's
policy forbids transfers outside the EU, yet its e-mailing processor is in the United
States, so the newsletter and prospection entries record that transfer and stay drafts
until it is resolved; the e-learning platforms' US support desk works under standard
contractual clauses, their other providers are French or Irish. Some entries are
validated, some are drafts, some
reviews are overdue or due soon (dates relative to the day of seeding).

Other demo seeders find an activity by its key with `activity_id(session, key)`.
"""

from datetime import timedelta

from sqlmodel import Session, select

from dashboard import auth, register
from models.clock import paris_today
from models.org import Department, Entity, User
from models.processing import ProcessingActivity
from models.register import next_review_on
from models.types import utcnow

# key: (entity code, department code, name)
ACTIVITIES: dict[str, tuple[str, str, str]] = {
    "member_management": ("MEDICIS", "DRC", "Gestion des adhérents et des contrats de prévoyance"),
    "benefits": ("MEDICIS", "DRC", "Gestion des prestations et des remboursements"),
    "prospection": ("MEDICIS", "DCEM", "Prospection commerciale"),
    "newsletter": ("MEDICIS", "DCEM", "Lettres d'information et offres promotionnelles"),
    "hr_payroll": ("MEDICIS", "RH", "Gestion administrative du personnel et paie"),
    "recruitment": ("MEDICIS", "RH", "Recrutement des candidats"),
    "elected_members": ("MEDICIS", "SG", "Gestion des élus et des instances statutaires"),
    "it_logs": ("MEDICIS", "DSI", "Journalisation des accès et sécurité du système d'information"),
    "adepia_members": ("ADEPIA", "ADEPIA-ADH", "Gestion des adhérents de l'association ADEPIA-Médicis"),
    "gerp_savings": ("GERP", "GERP-ADH", "Gestion des adhérents au contrat d'épargne retraite"),
    "learner_accounts": ("SAVELUNARI", "SUPPORT", "Gestion des comptes apprenants"),
    "course_delivery": ("SAVELUNARI", "PEDA", "Diffusion des cours et suivi de la progression"),
    "audience_analytics": ("SAVELUNARI", "SAV-TECH", "Mesure d'audience, cartes de chaleur et enregistrement de sessions"),
    "payments": ("SAVELUNARI", "SAV-FIN", "Paiements et facturation"),
    "support_desk": ("SAVELUNARI", "SUPPORT", "Assistance aux apprenants (centre de support)"),
    "video_hosting": ("SAVELUNARI", "PEDA", "Hébergement et lecture des vidéos de cours"),
    "social_sharing": ("SAVELUNARI", "SAV-MKT", "Partage des réussites sur les réseaux sociaux"),
    "ai_personalisation": ("LUMINA", "LUM-PEDA", "Personnalisation des parcours et recommandations par IA"),
    "partner_sharing": ("LUMINA", "LUM-PEDA", "Partage de la progression avec les organismes partenaires"),
    "lumina_accounts": ("LUMINA", "LUM-SUPPORT", "Gestion des comptes apprenants Lumina"),
}


# The insurer's e-mailing processor is in the United States: the register says so, and
# the entity's policy (no transfer outside the EU, seed 001) keeps these entries in draft
# until the DPO resolves it (register.gap.policy_forbids_transfers).
_MAILPILOT = {"recipient": "MailPilot Inc.", "country": "US", "safeguard": "adequacy",
              "safeguard_detail": "Décision d'adéquation UE–États-Unis du 10 juillet 2023 (Data Privacy Framework) ; "
                                  "MailPilot Inc. figure sur la liste des entreprises certifiées. Contraire à la "
                                  "politique de l'entité : migration vers une plateforme de l'UE à décider."}

# The platforms' support desk (and its host, a sub-processor) is in the United States.
_HELPNEST = {"recipient": "HelpNest Inc. et son hébergeur Cloud Compute Corp.", "country": "US", "safeguard": "sccs",
             "safeguard_detail": "Clauses 2021/914 module 2 (module 3 pour l'hébergeur) ; analyse d'impact du "
                                 "transfert du 12/03/2025 ; chiffrement au repos"}


def _p(description, basis, interest=""):
    return {"description": description, "legal_basis": basis, "legitimate_interest": interest}


def _d(name, sensitivity="standard", condition="", detail="", proof=""):
    return {"name": name, "sensitivity": sensitivity, "condition": condition, "condition_detail": detail,
            "proof_location": proof}


def _k(category, duration, unit, start, end="delete", justification=""):
    return {"category": category, "duration": duration, "unit": unit, "start_event": start, "end_action": end,
            "justification": justification}


def _names(*names):
    return [{"name": n} for n in names]


def _r(*pairs):
    return [{"name": n, "kind": k} for n, k in pairs]


def _s(*pairs):
    return [{"category": c, "description": d} for c, d in pairs]


_MEDICIS_SECURITY = _s(
    ("access_control", "Habilitations par profil métier, revue semestrielle des droits, authentification forte des "
                       "collaborateurs"),
    ("traceability", "Journalisation des accès aux dossiers (qui, quand, pourquoi), conservée 12 mois"),
    ("encryption", "Chiffrement des bases et des sauvegardes ; échanges en TLS"),
    ("backup", "Sauvegardes quotidiennes chiffrées sur deux sites en France, tests de restauration trimestriels"),
    ("processor_control", "Contrats de sous-traitance comportant les huit clauses de la politique, audits"))
_PLATFORM_SECURITY = _s(
    ("encryption", "TLS pour tous les échanges ; chiffrement au repos des bases ; mots de passe hachés et salés"),
    ("access_control", "Moindre privilège, authentification multifacteur des employés, revue des habilitations"),
    ("traceability", "Journaux d'audit de chaque accès aux données personnelles (identité, horodatage, motif)"),
    ("software_protection", "Pare-feu multicouches et détection d'intrusion ; correctifs mensuels"),
    ("backup", "Sauvegardes chiffrées plusieurs fois par jour sur des serveurs géographiquement distribués"),
    ("organisational", "Formation continue du personnel et simulations d'hameçonnage"))
_NIR_PROOF = "Dossier conformité du DPO — note juridique « Utilisation du NIR » (GED > Conformité > NIR)"

CONTENT: dict[str, dict] = {
    "member_management": {
        "description": "Adhésion, gestion et résiliation des contrats de prévoyance des indépendants et "
                       "entrepreneurs ; espace personnel en ligne des adhérents.",
        "purposes": [_p("Passation, gestion et exécution des contrats", "contract"),
                     _p("Déclarations aux organismes sociaux et à l'administration fiscale", "legal_obligation"),
                     _p("Lutte contre la fraude à l'adhésion", "legitimate_interests",
                        "Prévenir les adhésions frauduleuses et protéger la mutualité")],
        "subject_categories": _names("Adhérents", "Bénéficiaires désignés", "Ayants droit"),
        "data_categories": [_d("Identité et coordonnées"), _d("Situation professionnelle et revenus"),
                            _d("Données du contrat et cotisations"), _d("Coordonnées bancaires"),
                            _d("Numéro de sécurité sociale (NIR)", "nir", "nir_law",
                               "Code de la sécurité sociale, art. R115-2 ; décret n° 2019-341 (décret cadre NIR)",
                               _NIR_PROOF)],
        "recipients": _r(("Direction de la Relation Client", "internal"), ("Direction financière et comptable",
                                                                            "internal"),
                         ("Éditeur du logiciel de gestion des contrats (hébergement en France)", "processor"),
                         ("Réassureur", "third_party"), ("URSSAF et administration fiscale", "public_body")),
        "retention_rules": [
            _k("", 5, "years", "fin du contrat", "archive", "Prescription de droit commun, Code civil art. 2224"),
            _k("Coordonnées bancaires", 13, "months", "dernier prélèvement", "delete",
               "Délai de contestation d'un prélèvement SEPA"),
            _k("Numéro de sécurité sociale (NIR)", 5, "years", "fin du contrat", "delete",
               "Strictement limité aux déclarations obligatoires")],
        "security_measures": _MEDICIS_SECURITY,
    },
    "benefits": {
        "description": "Instruction des demandes de prestations (incapacité, invalidité, décès) et versement des "
                       "indemnités ; les données de santé transmises spontanément hors de ce cadre sont détruites.",
        "purposes": [_p("Instruction et paiement des prestations de prévoyance", "contract"),
                     _p("Contrôle médical des arrêts de travail", "contract")],
        "subject_categories": _names("Adhérents", "Bénéficiaires"),
        "data_categories": [_d("Identité et coordonnées"), _d("Coordonnées bancaires"),
                            _d("Arrêts de travail et certificats médicaux", "art9", "art9_2_h",
                               "Code de la mutualité, art. L111-1 (opérations de prévoyance)",
                               "Pièces justificatives du dossier de prestation ; avis du médecin-conseil"),
                            _d("Numéro de sécurité sociale (NIR)", "nir", "nir_law",
                               "Décret n° 2019-341, annexe (organismes de protection sociale complémentaire)",
                               _NIR_PROOF)],
        "recipients": _r(("Service prestations", "internal"), ("Médecin-conseil de la mutuelle", "internal"),
                         ("Plateforme de tiers payant", "processor")),
        "retention_rules": [_k("", 10, "years", "dernier versement de la prestation", "archive",
                               "Prescription des actions en responsabilité"),
                            _k("Arrêts de travail et certificats médicaux", 2, "years", "clôture du dossier de "
                               "prestation", "delete", "Nécessité du contrôle médical")],
        "security_measures": [*_MEDICIS_SECURITY, {"category": "access_control",
                                                   "description": "Dossiers médicaux accessibles au seul "
                                                                  "médecin-conseil et à son assistante"}],
    },
    "prospection": {
        "description": "Prospection des indépendants et entrepreneurs par courrier, téléphone et courriel.",
        "purposes": [_p("Prospection commerciale par courrier et téléphone", "legitimate_interests",
                        "Faire connaître les offres de prévoyance aux indépendants"),
                     _p("Prospection par courriel", "consent")],
        "subject_categories": _names("Prospects"),
        "data_categories": [_d("Identité et coordonnées"), _d("Profession et secteur d'activité"),
                            _d("Historique des contacts")],
        "recipients": _r(("Direction de la communication externe et du marketing", "internal"),
                         ("Centre d'appels (France)", "processor"),
                         ("MailPilot Inc., plateforme d'envoi de courriels (États-Unis)", "processor")),
        "transfers": [_MAILPILOT],
        "retention_rules": [_k("", 3, "years", "dernier contact émanant du prospect", "delete",
                               "Référentiel CNIL gestion commerciale")],
        "security_measures": _MEDICIS_SECURITY[:3],
        "consent_records": "Formulaires web : case à cocher horodatée, conservée dans l'outil de gestion de la "
                           "relation client",
        "withdrawal_propagation": "Lien de désinscription dans chaque courriel ; liste d'opposition synchronisée "
                                  "chaque nuit vers l'outil d'envoi et le centre d'appels",
    },
    "newsletter": {
        "description": "Envoi des lettres d'information et des offres promotionnelles aux adhérents et prospects "
                       "qui y ont consenti.",
        "purposes": [_p("Lettres d'information et offres promotionnelles par courriel", "consent")],
        "subject_categories": _names("Adhérents", "Prospects"),
        "data_categories": [_d("Adresse électronique"), _d("Centres d'intérêt déclarés"),
                            _d("Statistiques d'ouverture")],
        "recipients": _r(("Direction de la communication externe et du marketing", "internal"),
                         ("MailPilot Inc., plateforme d'envoi de courriels (États-Unis)", "processor")),
        "transfers": [_MAILPILOT],
        "retention_rules": [_k("", 3, "years", "dernier contact ou retrait du consentement", "delete"),
                            _k("Statistiques d'ouverture", 13, "months", "envoi du message", "anonymise")],
        "security_measures": _MEDICIS_SECURITY[:3],
        "consent_records": "Registre des consentements de l'outil d'envoi (date, canal, texte présenté)",
        "withdrawal_propagation": "Lien de désinscription en un clic ; retrait appliqué immédiatement dans l'outil "
                                  "d'envoi et répercuté au CRM par synchronisation horaire ; contrôle mensuel",
    },
    "hr_payroll": {
        "description": "Gestion administrative des collaborateurs, paie, déclarations sociales.",
        "purposes": [_p("Gestion administrative du personnel", "contract"),
                     _p("Paie et déclarations sociales nominatives (DSN)", "legal_obligation")],
        "subject_categories": _names("Collaborateurs", "Anciens collaborateurs", "Stagiaires et alternants"),
        "data_categories": [_d("Identité et coordonnées"), _d("Vie professionnelle"), _d("Rémunération"),
                            _d("Numéro de sécurité sociale (NIR)", "nir", "nir_law",
                               "Code de la sécurité sociale, art. L133-5-3 (DSN)", _NIR_PROOF),
                            _d("Arrêts de travail", "art9", "art9_2_b", "Code du travail, art. L1226-1",
                               "Dossier du salarié, sous-dossier « absences » (accès restreint RH)")],
        "recipients": _r(("Ressources humaines", "internal"), ("Prestataire de paie", "processor"),
                         ("URSSAF, caisses de retraite, administration fiscale", "public_body")),
        "retention_rules": [_k("", 5, "years", "départ du collaborateur", "archive", "Code du travail, art. L3243-4"),
                            _k("Rémunération", 6, "years", "fin de l'exercice", "delete", "Livre des procédures "
                               "fiscales, art. L102 B"),
                            _k("Arrêts de travail", 3, "years", "fin de l'arrêt", "delete")],
        "security_measures": _MEDICIS_SECURITY,
    },
    "recruitment": {
        "description": "Réception et examen des candidatures ; vérification d'honorabilité pour les postes "
                       "qui l'exigent.",
        "purposes": [_p("Gestion des candidatures", "contract"),
                     _p("Vérification d'honorabilité des postes de direction", "legal_obligation")],
        "subject_categories": _names("Candidats", "Candidats à un poste de dirigeant"),
        "data_categories": [_d("Identité et coordonnées"), _d("CV et lettre de motivation"),
                            _d("Extrait n° 3 du casier judiciaire (candidats à un poste de dirigeant seulement)",
                               "art10", "art10_law",
                               "Code de la mutualité, art. L114-21 (honorabilité des dirigeants) : demandé aux "
                               "seuls candidats à un poste de dirigeant, jamais aux autres candidats",
                               "Dossier de recrutement, pièce conservée sous scellé par la DRH")],
        "recipients": _r(("Ressources humaines", "internal"), ("Responsables du service recruteur", "internal")),
        "retention_rules": [_k("", 2, "years", "dernier contact avec le candidat", "delete",
                               "Référentiel CNIL recrutement"),
                            _k("Extrait n° 3 du casier judiciaire (candidats à un poste de dirigeant seulement)",
                               3, "months", "décision de recrutement", "delete")],
        "security_measures": _MEDICIS_SECURITY[:2],
    },
    "elected_members": {
        "description": "Gestion des administrateurs et délégués, convocation des instances, élections.",
        "purposes": [_p("Organisation des élections et des instances statutaires", "legal_obligation"),
                     _p("Contrôle de l'honorabilité des administrateurs", "legal_obligation")],
        "subject_categories": _names("Administrateurs", "Délégués élus"),
        "data_categories": [_d("Identité et coordonnées"), _d("Mandats et présence aux instances"),
                            _d("Attestation de non-condamnation pénale", "art10", "art10_law",
                               "Code de la mutualité, art. L114-21",
                               "Registre des mandats du Secrétariat général")],
        "recipients": _r(("Secrétariat général", "internal"), ("ACPR (sur demande)", "public_body")),
        "retention_rules": [_k("", 10, "years", "fin du mandat", "archive", "Archives statutaires"),
                            _k("Attestation de non-condamnation pénale", 1, "years", "fin du mandat", "delete")],
        "security_measures": _MEDICIS_SECURITY[:2],
    },
    "it_logs": {
        "description": "Journaux techniques et d'accès aux applications métier.",
        "purposes": [_p("Sécurité du système d'information et détection des incidents", "legitimate_interests",
                        "Assurer la sécurité des données confiées par les adhérents"),
                     _p("Traçabilité des accès aux données personnelles", "legal_obligation")],
        "subject_categories": _names("Collaborateurs", "Prestataires informatiques"),
        "data_categories": [_d("Identifiants de connexion"), _d("Adresse IP et horodatage"),
                            _d("Actions réalisées")],
        "recipients": _r(("Direction des systèmes d'information", "internal"), ("Infogérant (France)", "processor")),
        "retention_rules": [_k("", 12, "months", "enregistrement de l'événement", "delete",
                               "Recommandation CNIL sur la journalisation (6 à 12 mois)")],
        "security_measures": _MEDICIS_SECURITY[:4],
    },
    "adepia_members": {
        "description": "Adhésion à l'association souscriptrice et information des adhérents.",
        "purposes": [_p("Gestion des adhésions à l'association", "contract"),
                     _p("Convocation à l'assemblée générale", "legal_obligation")],
        "subject_categories": _names("Adhérents de l'association"),
        "data_categories": [_d("Identité et coordonnées"), _d("Cotisations associatives")],
        "recipients": _r(("Secrétariat général", "internal"), ("Mutuelle Médicis (assureur)", "third_party"),
                         ("Hébergement Santé Sécurisé SAS, hébergeur (France)", "processor"),
                         ("ArchivEco SAS, archivage électronique (France)", "processor")),
        "retention_rules": [_k("", 3, "years", "fin de l'adhésion", "delete")],
        "security_measures": _MEDICIS_SECURITY[:2],
    },
    "gerp_savings": {
        "description": "Adhésion au plan d'épargne retraite populaire et gestion des versements.",
        "purposes": [_p("Gestion des adhésions et des versements", "contract"),
                     _p("Lutte contre le blanchiment de capitaux", "legal_obligation")],
        "subject_categories": _names("Épargnants", "Bénéficiaires désignés"),
        "data_categories": [_d("Identité et coordonnées"), _d("Versements et encours"),
                            _d("Pièces d'identité (LCB-FT)")],
        "recipients": _r(("Direction de la Relation Client", "internal"), ("Gestionnaire d'actifs", "processor"),
                         ("TRACFIN (déclarations de soupçon)", "public_body")),
        "retention_rules": [_k("", 5, "years", "fin de la relation d'affaires", "archive",
                               "Code monétaire et financier, art. L561-12")],
        "security_measures": _MEDICIS_SECURITY,
    },
    "learner_accounts": {
        "description": "Création et gestion des comptes apprenants, authentification, préférences.",
        "purposes": [_p("Création et gestion du compte", "contract"),
                     _p("Détection des connexions frauduleuses", "legitimate_interests",
                        "Protéger les comptes contre les accès non autorisés"),
                     _p("Offres d'anniversaire", "consent")],
        "subject_categories": _names("Apprenants", "Apprenants mineurs (avec accord parental)"),
        "data_categories": [_d("Nom, prénom, adresse électronique"), _d("Mot de passe haché"),
                            _d("Date de naissance"), _d("Préférences de langue"), _d("Adresse IP et appareil")],
        "recipients": _r(("Support apprenants", "internal"),
                         ("Nuage Rhodanien SAS, hébergeur (France)", "processor"),
                         ("Courriel Lumière SAS, envoi des courriels (France)", "processor")),
        "retention_rules": [_k("", 3, "years", "dernière connexion", "delete"),
                            _k("Adresse IP et appareil", 12, "months", "connexion", "delete")],
        "security_measures": _PLATFORM_SECURITY,
        "consent_records": "Préférences de communication du compte (horodatées)",
        "withdrawal_propagation": "Désactivation dans le profil ou lien de désinscription ; prise en compte "
                                  "immédiate par l'outil d'envoi",
    },
    "course_delivery": {
        "description": "Accès aux cours, quiz et examens, suivi de la progression, certificats (Qualiopi).",
        "purposes": [_p("Diffusion des cours et délivrance des certificats", "contract"),
                     _p("Justification des formations auprès des financeurs (Qualiopi)", "legal_obligation")],
        "subject_categories": _names("Apprenants"),
        "data_categories": [_d("Historique des cours suivis"), _d("Résultats aux quiz et examens"),
                            _d("Temps passé par module"), _d("Messages des forums")],
        "recipients": _r(("Pédagogie et parcours apprenants", "internal"), ("Formateurs", "internal"),
                         ("Plateforme LMS (hébergée dans l'UE)", "processor")),
        "retention_rules": [_k("", 3, "years", "fin de la formation", "archive",
                               "Preuves Qualiopi et contrôle des financeurs"),
                            _k("Messages des forums", 2, "years", "publication", "anonymise")],
        "security_measures": _PLATFORM_SECURITY,
    },
    "audience_analytics": {
        "description": "Mesure d'audience, cartes de chaleur et enregistrements de sessions pour améliorer "
                       "l'ergonomie.",
        "purposes": [_p("Mesure d'audience et cartes de chaleur", "consent"),
                     _p("Tests A/B des pages", "consent")],
        "subject_categories": _names("Visiteurs", "Apprenants"),
        "data_categories": [_d("Pages vues et parcours"), _d("Clics et défilements"),
                            _d("Identifiant de cookie")],
        "recipients": _r(("Équipe produit", "internal"),
                         ("Mesura Audience SAS, outil d'analyse d'audience (France)", "processor"),
                         ("Thermographe Web Ltd, cartes de chaleur et sessions (Irlande)", "processor")),
        "retention_rules": [_k("", 13, "months", "dépôt du cookie", "delete", "Recommandation CNIL cookies"),
                            _k("Pages vues et parcours", 25, "months", "collecte", "anonymise")],
        "security_measures": _PLATFORM_SECURITY[:3],
        "consent_records": "Plateforme de gestion du consentement (preuve horodatée du choix)",
        "withdrawal_propagation": "Lien « Gérer les cookies » en pied de page ; retrait = suppression des cookies et "
                                  "arrêt des balises côté navigateur",
    },
    "payments": {
        "description": "Encaissement des cours payants et abonnements, facturation.",
        "purposes": [_p("Paiement et facturation", "contract"),
                     _p("Obligations comptables et fiscales", "legal_obligation")],
        "subject_categories": _names("Apprenants payants"),
        "data_categories": [_d("Historique des transactions"), _d("Nom et adresse de facturation"),
                            _d("Jeton de carte (aucun numéro complet)")],
        "recipients": _r(("Direction financière et comptable", "internal"), ("Prestataire de paiement PCI-DSS",
                                                                            "processor"),
                         ("Expert-comptable", "third_party")),
        "retention_rules": [_k("", 10, "years", "clôture de l'exercice", "archive", "Code de commerce, art. L123-22"),
                            _k("Jeton de carte (aucun numéro complet)", 13, "months", "dernier paiement", "delete")],
        "security_measures": _PLATFORM_SECURITY[:3],
    },
    "support_desk": {
        "description": "Traitement des demandes d'assistance des apprenants.",
        "purposes": [_p("Assistance technique et pédagogique", "contract"),
                     _p("Analyse des demandes récurrentes", "legitimate_interests",
                        "Améliorer le service à partir des problèmes signalés")],
        "subject_categories": _names("Apprenants", "Visiteurs"),
        "data_categories": [_d("Coordonnées"), _d("Contenu des échanges")],
        "recipients": _r(("Support apprenants", "internal"),
                         ("HelpNest Inc., centre de support (États-Unis)", "processor")),
        "transfers": [_HELPNEST],
        "retention_rules": [_k("", 2, "years", "clôture du ticket", "delete")],
        "security_measures": _PLATFORM_SECURITY[:3],
    },
    "video_hosting": {
        "description": "Hébergement des vidéos de cours et statistiques de lecture.",
        "purposes": [_p("Lecture des vidéos de cours", "contract"),
                     _p("Statistiques de lecture pour améliorer les contenus", "legitimate_interests",
                        "Identifier les passages à clarifier")],
        "subject_categories": _names("Apprenants"),
        "data_categories": [_d("Données de lecture (pauses, retours)"), _d("Adresse IP")],
        "recipients": _r(("Pédagogie et parcours apprenants", "internal"),
                         ("Vidéora SAS, hébergeur vidéo (France), et son réseau de diffusion EuroEdge CDN GmbH "
                          "(Allemagne)", "processor")),
        "retention_rules": [_k("", 13, "months", "lecture", "anonymise")],
        "security_measures": _PLATFORM_SECURITY[:2],
    },
    "social_sharing": {
        "description": "Boutons de partage des réussites vers les réseaux sociaux, à l'initiative de l'apprenant.",
        "purposes": [_p("Partage des certificats sur les réseaux sociaux", "consent")],
        "subject_categories": _names("Apprenants"),
        "data_categories": [_d("Nom et certificat partagé")],
        "recipients": _r(("Réseaux sociaux choisis par l'apprenant", "third_party"),
                         ("Partagio Ltd, boutons de partage (Irlande)", "processor")),
        "retention_rules": [],
        "security_measures": [],
    },
    "ai_personalisation": {
        "description": "Adaptation des contenus et recommandations par des outils d'IA à partir des performances "
                       "(profilage : analyse d'impact en cours).",
        "purposes": [_p("Parcours personnalisés et recommandations", "contract"),
                     _p("Amélioration des modèles de recommandation", "legitimate_interests",
                        "Améliorer la pertinence pédagogique des recommandations")],
        "subject_categories": _names("Apprenants"),
        "data_categories": [_d("Performances aux évaluations"), _d("Préférences et intérêts"),
                            _d("Profil d'apprentissage calculé")],
        "recipients": _r(("Pédagogie et parcours apprenants", "internal"),
                         ("Nuage Rhodanien SAS, hébergement et exécution des modèles (France)", "processor")),
        "retention_rules": [_k("", 2, "years", "fermeture du compte", "anonymise")],
        "security_measures": _PLATFORM_SECURITY[:3],
    },
    "partner_sharing": {
        "description": "Transmission de la progression aux entreprises et institutions qui financent la formation.",
        "purposes": [_p("Compte rendu de progression aux organismes financeurs", "contract")],
        "subject_categories": _names("Apprenants en programme financé"),
        "data_categories": [_d("Progression et complétion"), _d("Certifications obtenues")],
        "recipients": _r(("Organisme financeur du programme", "third_party")),
        "retention_rules": [_k("", 3, "years", "fin du programme", "delete")],
        "security_measures": [],
    },
    "lumina_accounts": {
        "description": "Comptes apprenants Lumina, vérification de l'âge, communications.",
        "purposes": [_p("Gestion du compte et accès aux cours", "contract"),
                     _p("Informations marketing", "consent"),
                     _p("Conservation après suppression du compte", "legal_obligation")],
        "subject_categories": _names("Apprenants"),
        "data_categories": [_d("Nom et adresse électronique"), _d("Date de naissance"),
                            _d("Organisation et rôle professionnel"), _d("Données techniques de l'appareil")],
        "recipients": _r(("Support apprenants", "internal"), ("Nuage Rhodanien SAS, hébergeur (France)", "processor"),
                         ("HelpNest Inc., centre de support (États-Unis)", "processor")),
        "transfers": [_HELPNEST],
        "retention_rules": [_k("", 3, "years", "fermeture du compte", "delete"),
                            _k("Données techniques de l'appareil", 12, "months", "collecte", "delete")],
        "security_measures": _PLATFORM_SECURITY[:3],
        "consent_records": "Case à cocher à l'inscription et centre de préférences (horodatés)",
        "withdrawal_propagation": "Lien de désinscription ; synchronisation immédiate avec l'outil d'envoi",
    },
}

# Workflow: days since the DPO's validation (which counts as a review); None: a draft.
VALIDATED_DAYS_AGO: dict[str, int | None] = {
    "member_management": 120, "benefits": 200, "prospection": None, "newsletter": None, "hr_payroll": 60,
    "recruitment": None, "elected_members": 150, "it_logs": 420, "adepia_members": 380, "gerp_savings": 30,
    "learner_accounts": 100, "course_delivery": 250, "audience_analytics": 355, "payments": 400,
    "support_desk": 180, "video_hosting": 350, "social_sharing": None, "ai_personalisation": None,
    "partner_sharing": None, "lumina_accounts": 45,
}
# Their first draft came from the department head, the rest from the DPO.
DRAFTED_BY = {"recruitment": "chef.rh", "ai_personalisation": "chef.peda",
              "partner_sharing": "chef.peda"}


def activity_id(session: Session, key: str) -> int:
    entity_code, _, name = ACTIVITIES[key]
    entity = session.exec(select(Entity).where(Entity.code == entity_code)).one()
    return session.exec(select(ProcessingActivity.id).where(
        ProcessingActivity.entity_id == entity.id, ProcessingActivity.name == name)).one()


def _actor(session: Session, username: str):
    return auth.actor_for(session, session.exec(select(User).where(User.username == username)).one())


def seed(session: Session) -> None:
    if session.exec(select(ProcessingActivity)).first():
        return
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    departments = {d.code: d.id for d in session.exec(select(Department))}
    dpo = _actor(session, "dpo")
    today = paris_today()
    for key, (entity_code, department_code, name) in ACTIVITIES.items():
        author = _actor(session, DRAFTED_BY[key]) if key in DRAFTED_BY else dpo
        activity = register.create_activity(session, author, entities[entity_code],
                                            {"name": name, "department_id": departments[department_code],
                                             **CONTENT[key]})
        days_ago = VALIDATED_DAYS_AGO[key]
        if days_ago is None:
            continue
        register.validate_activity(session, dpo, activity.id, activity.version)
        # Back-date the validation so that reviews fall due at different times.
        activity.validated_at = utcnow() - timedelta(days=days_ago)
        activity.last_reviewed_on = today - timedelta(days=days_ago)
        activity.next_review_on = next_review_on(activity.last_reviewed_on)
        session.add(activity)
    session.flush()
