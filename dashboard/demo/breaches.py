"""Demo breaches drawn from the seeds, in every state of the register: a clock running
within the 72 hours and one already over, notified on time, notified late with
reasons, not notified with the reason kept, high risk with the people informed, high
risk under an Art. 34(3) exception, and one just declared.

Times are relative to the moment of seeding, so the countdowns always show
something due and something late. Created through the use cases (validated and
audited like any user's input), by the users who would have done it.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from dashboard import auth
from dashboard.actor import Actor
from dashboard.breach import records, workflow
from dashboard.demo.activities import activity_id
from models.breach import Breach
from models.org import Department, Entity, User
from models.processor import Processor
from models.types import utcnow

H = timedelta(hours=1)

# Processors are named in free text until the processor register links them.
# Processors of the demo processor register (dashboard/demo/processors.py), seeded before.
SUPPORT_TOOL = "HelpNest Inc."
HEATMAP_TOOL = "Thermographe Web Ltd"
PAYMENT_PROVIDER = "PayRhône SAS"

BREACHES = [
    {
        "key": "phishing", "entity": "SAVELUNARI", "by": "chef.peda", "activities": ["support_desk", "learner_accounts"],
        "departments": ["SUPPORT"], "detected": 34, "aware": 30, "started": 40,
        "title": "Hameçonnage d'un compte agent du centre de support",
        "description": "Un agent du support a saisi ses identifiants sur une fausse page de connexion reçue par "
                       "courriel. Le compte a été utilisé depuis une adresse IP étrangère pour consulter des "
                       "tickets d'assistance contenant nom, courriel et historique de commandes d'apprenants.",
        "discovery": "Alerte de connexion inhabituelle émise par l'outil de support, confirmée par l'agent.",
        "confidentiality": True, "cause_origin": "external", "cause_intent": "malicious",
        "cause_details": "Courriel d'hameçonnage imitant la page de connexion de l'outil de support.",
        "processor_name": SUPPORT_TOOL, "systems": "Outil de gestion des tickets d'assistance (SaaS)",
        "data_categories": ["identity", "contact", "education", "bank_payment"],
        "data_details": "Quatre derniers chiffres de carte visibles dans certains tickets de remboursement.",
        "people_categories": "Apprenants ayant contacté le support depuis 18 mois", "people_min": 1200,
        "people_max": 1500, "records_min": 3400, "records_max": 3400,
        "likely_consequences": "Hameçonnage ciblé des apprenants utilisant les informations des tickets.",
        "measures_taken": "Mot de passe réinitialisé, sessions révoquées, double authentification imposée "
                          "à tous les agents.",
        "measures_proposed": "Exercice de sensibilisation à l'hameçonnage pour l'équipe support.",
        "risk": ("risk", "Données de contact et d'historique exploitables pour de l'hameçonnage ciblé ; pas de "
                         "données bancaires complètes."),
        "steps": [("containment", "Révocation des sessions et réinitialisation du mot de passe", "Équipe support", 32,
                   True),
                  ("assessment", "Extraction des journaux d'accès de l'outil de support", "DSI", 28, False)],
    },
    {
        "key": "heatmap", "entity": "SAVELUNARI", "by": "dpo", "activities": ["audience_analytics"],
        "departments": ["SAV-TECH"], "detected": 84, "aware": 80, "started": 24 * 20,
        "title": "Enregistrement de sessions capturant les champs de formulaires",
        "description": "L'outil de cartes de chaleur enregistrait le contenu des champs des formulaires "
                       "d'inscription et de profil (adresse, date de naissance, téléphone) au lieu de les masquer, "
                       "après une mise à jour de sa configuration.",
        "discovery": "Signalement d'un développeur lors d'une revue des enregistrements de sessions.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "accidental",
        "cause_details": "Règle de masquage des champs désactivée lors d'une mise à jour de la configuration.",
        "processor_name": HEATMAP_TOOL, "systems": "Script de mesure d'audience sur les pages d'inscription",
        "data_categories": ["identity", "contact", "connection_data"],
        "people_categories": "Visiteurs ayant rempli un formulaire d'inscription ou de profil",
        "people_min": 5000, "people_max": 9000, "records_min": None, "records_max": None,
        "likely_consequences": "Données conservées chez le sous-traitant au-delà de la finalité ; risque d'accès "
                               "par son personnel.",
        "measures_taken": "Enregistrement des sessions suspendu ; demande d'effacement adressée au sous-traitant.",
        "risk": ("risk", "Volume important de personnes, données d'identité et de contact hors finalité."),
    },
    {
        "key": "payment", "entity": "SAVELUNARI", "by": "dpo", "activities": ["payments"], "departments": ["SAV-FIN"],
        "detected": 24 * 40 + 6, "aware": 24 * 40, "started": 24 * 41, "ended": 24 * 40 + 2,
        "title": "Incident de sécurité chez le prestataire de paiement",
        "description": "Le prestataire de paiement a signalé un accès non autorisé à son interface de "
                       "remboursement : noms des titulaires et historiques de transactions consultés.",
        "discovery": "Notification du sous-traitant (article 33(2) du RGPD) reçue par courriel.",
        "confidentiality": True, "cause_origin": "external", "cause_intent": "malicious",
        "processor_name": PAYMENT_PROVIDER, "systems": "Interface de remboursement du prestataire",
        "data_categories": ["identity", "bank_payment"],
        "people_categories": "Apprenants ayant payé un abonnement premium", "people_min": 310, "people_max": 310,
        "records_min": 870, "records_max": 870,
        "likely_consequences": "Fraude par ingénierie sociale se prévalant de transactions réelles.",
        "measures_taken": "Clés d'API renouvelées, accès du prestataire audité, clauses contractuelles rappelées.",
        "risk": ("risk", "Données de transactions sans numéro de carte complet : risque, mais pas élevé."),
        "notifications": [(30, "2026-041187", "Notification initiale.", ""),
                          (24 * 35, "2026-041187", "Rapport d'analyse du prestataire et nombre définitif de "
                                                   "personnes.", "")],
        "close": "Mesures correctives du prestataire vérifiées ; pas de fraude constatée après 30 jours.",
    },
    {
        "key": "nir_email", "entity": "MEDICIS", "by": "chef.relation", "activities": ["benefits"],
        "departments": ["DRC"], "detected": 24 * 25 + 3, "aware": 24 * 25, "started": 24 * 25 + 5,
        "ended": 24 * 25 + 5,
        "title": "Courriel contenant les numéros de sécurité sociale d'adhérents envoyé au mauvais destinataire",
        "description": "Un tableau de suivi des remboursements (nom, NIR, montants, actes) a été envoyé à un "
                       "courtier externe au lieu du gestionnaire interne, par auto-complétion de l'adresse.",
        "discovery": "Le courtier a signalé la réception du fichier le jour même.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "accidental",
        "systems": "Messagerie électronique", "data_categories": ["identity", "social_security_number", "health",
                                                                 "economic_situation"],
        "people_categories": "Adhérents du contrat de prévoyance", "people_min": 212, "people_max": 212,
        "records_min": 212, "records_max": 212,
        "likely_consequences": "Divulgation de données de santé (actes remboursés) et du NIR : atteinte à la vie "
                               "privée, usurpation d'identité possible.",
        "measures_taken": "Attestation de suppression obtenue du destinataire ; auto-complétion désactivée ; "
                          "fichiers chiffrés obligatoirement à l'envoi.",
        "risk": ("high", "Données de santé et NIR de plus de 200 adhérents, destinataire extérieur."),
        "people_summary": "Un fichier de suivi de vos remboursements a été envoyé par erreur à un "
                          "courtier partenaire. Il contenait votre nom, votre numéro de sécurité sociale, les "
                          "montants remboursés et le type d'actes. Le courtier nous a prévenus aussitôt et a "
                          "supprimé le fichier.",
        "people_advice": "Soyez attentif à tout appel ou courriel se réclamant de Médicis qui vous demanderait vos "
                         "coordonnées bancaires : nous ne le faisons jamais. En cas de doute, appelez-nous.",
        "letter_en": {  # the English letter carries English text only (issue 15, rule 7)
            "people_summary": "A file tracking your reimbursements was sent by mistake to a partner broker. It held "
                              "your name, your social security number, the amounts reimbursed and the type of care. "
                              "The broker told us at once and deleted the file.",
            "likely_consequences": "Disclosure of health data (care reimbursed) and of your social security "
                                   "number: an intrusion into your privacy, possible identity theft.",
            "measures_taken": "The recipient certified the deletion; address auto-completion is disabled; files "
                              "must now be encrypted before they are sent.",
            "people_advice": "Be wary of any call or e-mail claiming to come from Médicis and asking for your bank "
                             "details: we never do that. If in doubt, call us."},
        "notifications": [(40, "2026-038802", "Notification complète.", "")],
        "informed": (24 * 22, "Courrier postal individuel et message dans l'espace adhérent"),
        "close": "Personnes informées, destinataire ayant attesté la suppression, mesures techniques en place.",
    },
    {
        "key": "laptop", "entity": "MEDICIS", "by": "chef.rh", "activities": ["hr_payroll"], "departments": ["RH"],
        "detected": 24 * 12 + 2, "aware": 24 * 12, "started": 24 * 12 + 10, "ended": 24 * 12 + 10,
        "title": "Perte d'un ordinateur portable chiffré d'une gestionnaire RH",
        "description": "Ordinateur portable oublié dans un train ; il contenait des exports de paie et des "
                       "arrêts de travail de salariés. Disque entièrement chiffré, clé non compromise.",
        "discovery": "Déclaration de la salariée le lendemain matin.",
        "confidentiality": True, "availability": True, "cause_origin": "internal", "cause_intent": "accidental",
        "systems": "Poste de travail nomade", "data_categories": ["identity", "bank_payment", "health"],
        "people_categories": "Salariés de la mutuelle", "people_min": 350, "people_max": 420,
        "likely_consequences": "Données lisibles, ce seraient des arrêts de travail (santé) et des coordonnées "
                               "bancaires de salariés : atteinte à la vie privée, discrimination, fraude. Le "
                               "chiffrement intégral, clé conservée à part et non compromise, rend ces conséquences "
                               "improbables pour les personnes.",
        "measures_taken": "Poste révoqué et effacé à distance à sa prochaine connexion ; plainte déposée.",
        "risk": ("high", "Gravité élevée en soi : données de santé et bancaires de 350 à 420 salariés. Notifiée à "
                         "la CNIL par précaution ; les personnes ne sont pas informées au titre de l'article "
                         "34(3)(a), les données étant incompréhensibles pour qui trouverait le poste."),
        "exception": ("unintelligible", "Chiffrement intégral du disque (AES-256), mot de passe robuste, clé "
                                        "conservée séparément : données incompréhensibles pour un tiers."),
        "notifications": [(20, "2026-044310", "Notification complète, exception de l'article 34(3)(a) exposée.",
                           "")],
        "close": "Exception de l'article 34(3)(a) documentée ; poste effacé à distance.",
    },
    {
        "key": "ransomware", "entity": "MEDICIS", "by": "dpo", "activities": ["member_management", "it_logs"],
        "departments": ["DSI", "DRC"], "detected": 24 * 6 + 4, "aware": 24 * 6, "started": 24 * 6 + 30,
        "ended": 24 * 5,
        "title": "Rançongiciel sur un serveur de fichiers",
        "description": "Chiffrement par un rançongiciel du serveur de fichiers partagés de la relation client ; "
                       "exfiltration d'une partie des dossiers revendiquée par les attaquants.",
        "discovery": "Fichiers inaccessibles signalés par les gestionnaires, note de rançon sur le serveur.",
        "confidentiality": True, "availability": True, "cause_origin": "external", "cause_intent": "malicious",
        "cause_details": "Accès initial par un compte VPN sans double authentification.",
        "systems": "Serveur de fichiers FS-DRC-02, sauvegardes hors ligne intactes",
        "data_categories": ["identity", "contact", "social_security_number", "health", "bank_payment"],
        "people_categories": "Adhérents et bénéficiaires", "people_min": 8000, "people_max": 15000,
        "likely_consequences": "Publication possible de données de santé et de coordonnées bancaires ; "
                               "hameçonnage et fraude.",
        "measures_taken": "Serveur isolé, restauration depuis les sauvegardes hors ligne, plainte déposée, "
                          "ANSSI informée.",
        "measures_proposed": "Double authentification sur tous les accès distants ; surveillance des sites de "
                             "publication.",
        "risk": ("high", "Données de santé et bancaires de milliers d'adhérents, exfiltration revendiquée."),
        "people_summary": "Notre serveur de fichiers a été attaqué par des cybercriminels. Des documents relatifs "
                          "à votre contrat, dont des informations de santé et vos coordonnées bancaires, ont pu être "
                          "copiés.",
        "people_advice": "Surveillez vos relevés bancaires, méfiez-vous des messages vous demandant des "
                         "informations personnelles et signalez-nous toute opération suspecte.",
        "letter_en": {
            "people_summary": "Our file server was attacked by cybercriminals. Documents about your contract, "
                              "including health information and your bank details, may have been copied.",
            "likely_consequences": "Possible publication of health data and bank details; phishing and fraud.",
            "measures_taken": "Server isolated, restored from offline backups, complaint filed, ANSSI informed.",
            "measures_proposed": "Two-factor authentication on every remote access; monitoring of leak sites.",
            "people_advice": "Check your bank statements, be wary of messages asking for personal information and "
                             "tell us about any suspicious transaction."},
        "notifications": [(24 * 4, "2026-045977", "Notification initiale.",
                           "L'analyse forensique n'a confirmé l'exfiltration qu'au quatrième jour ; la cellule de "
                           "crise a d'abord concentré ses moyens sur le confinement et la restauration."),
                          (24 * 5, "2026-045977", "Périmètre des dossiers exfiltrés et nombre de personnes.", "")],
        "steps": [("containment", "Isolement du serveur et coupure des accès VPN", "DSI", 24 * 6, True),
                  ("assessment", "Analyse forensique par le prestataire de réponse à incident", "DSI", 24 * 3, True),
                  ("notification", "Information individuelle des adhérents", "Direction de la Relation Client",
                   -24, False),
                  ("remediation", "Déploiement de la double authentification", "DSI", -24 * 14, False)],
    },
    {
        "key": "partner", "entity": "LUMINA", "by": "chef.peda", "activities": ["partner_sharing"],
        "departments": ["LUM-PEDA"], "detected": 24 * 9, "aware": 24 * 9 - 2, "started": 24 * 10, "ended": 24 * 10,
        "title": "Progression d'un apprenant transmise au mauvais organisme partenaire",
        "description": "Le rapport de progression d'un apprenant (modules suivis, scores) a été envoyé à un "
                       "organisme partenaire qui ne finance pas sa formation.",
        "discovery": "L'organisme destinataire a signalé l'erreur.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "accidental",
        "systems": "Export automatique des rapports partenaires", "data_categories": ["identity", "education"],
        "people_categories": "Apprenant", "people_min": 1, "people_max": 1, "records_min": 1, "records_max": 1,
        "likely_consequences": "Aucune conséquence probable : données de progression peu sensibles, "
                               "destinataire de confiance ayant supprimé le rapport.",
        "measures_taken": "Suppression confirmée par écrit ; contrôle de correspondance ajouté à l'export.",
        "risk": ("none", "Un seul apprenant, données de progression sans sensibilité, destinataire professionnel "
                         "lié par une obligation de confidentialité ayant supprimé le rapport."),
        "close": "Violation documentée sans notification (risque improbable).",
    },
    {
        "key": "extranet", "entity": "ADEPIA", "by": "dpo", "activities": ["adepia_members"], "departments": ["ADEPIA-ADH"],
        "detected": 24 * 50, "aware": 24 * 50 - 3, "started": 24 * 52, "ended": 24 * 50,
        "title": "Liste d'adhérents publiée par erreur sur l'extranet de l'association",
        "description": "Une liste d'adhérents (nom, adresse, métier) a été accessible pendant deux jours à tous "
                       "les comptes de l'extranet.",
        "discovery": "Remarque d'un adhérent au secrétariat.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "accidental",
        "systems": "Extranet de l'association", "data_categories": ["identity", "contact", "professional"],
        "people_categories": "Adhérents de l'association", "people_min": 1800, "people_max": 1800,
        "records_min": 1800, "records_max": 1800,
        "likely_consequences": "Sollicitations commerciales non désirées.",
        "measures_taken": "Document retiré, journaux de téléchargement analysés (14 téléchargements).",
        "risk": ("risk", "Coordonnées de nombreux adhérents exposées à d'autres adhérents."),
        "notifications": [(60, "2026-029915", "Notification complète.", "")],
        "close": "Document retiré ; droits de publication de l'extranet revus.",
    },
    {
        "key": "elected_cc", "entity": "MEDICIS", "by": "dpo", "activities": ["elected_members"],
        "departments": ["SG"], "detected": 24 * 15, "aware": 24 * 15, "started": 24 * 15 + 1,
        "ended": 24 * 15 + 1,
        "title": "Convocation envoyée aux élus sans copie cachée",
        "description": "La convocation à l'assemblée générale a été envoyée aux 24 délégués élus avec toutes les "
                       "adresses en copie visible.",
        "discovery": "Constat du secrétariat général après l'envoi.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "accidental",
        "systems": "Messagerie électronique", "data_categories": ["contact"],
        "people_categories": "Délégués élus", "people_min": 24, "people_max": 24,
        "likely_consequences": "Aucune : les délégués se connaissent et échangent déjà par courriel.",
        "measures_taken": "Liste de diffusion créée pour les prochains envois.",
        "risk": ("none", "Adresses professionnelles déjà connues de tous les destinataires, aucun tiers."),
    },
    {
        "key": "candidates", "entity": "MEDICIS", "by": "chef.rh", "activities": ["recruitment"],
        "departments": ["RH"], "detected": 5, "aware": None, "started": None,
        "title": "Dossiers de candidats accessibles sur le partage réseau commun",
        "description": "Un dossier « Recrutements » contenant CV et comptes rendus d'entretien semble "
                       "accessible à tout le personnel ; vérification des droits en cours.",
        "discovery": "Signalement d'un salarié qui a vu le dossier dans l'arborescence commune.",
        "confidentiality": True, "cause_origin": "internal", "cause_intent": "unknown",
        "systems": "Partage de fichiers commun", "data_categories": ["identity", "contact", "professional"],
        "people_categories": "Candidats", "people_min": None, "people_max": None,
    },
]

FACT_KEYS = ("title", "description", "discovery", "confidentiality", "integrity", "availability", "cause_origin",
             "cause_intent", "cause_details", "processor_name", "systems", "data_categories", "data_details",
             "people_categories", "people_min", "people_max", "records_min", "records_max", "likely_consequences",
             "measures_taken", "measures_proposed")


def _actor(session: Session, username: str) -> Actor:
    return auth.actor_for(session, session.exec(select(User).where(User.username == username)).one())


def _ago(now: datetime, hours: float | None) -> datetime | None:
    return None if hours is None else now - hours * H


def _seed_one(session: Session, spec: dict, now: datetime, dpo: Actor) -> None:
    entity = session.exec(select(Entity).where(Entity.code == spec["entity"])).one()
    departments = [session.exec(select(Department.id).where(Department.code == code)).one()
                   for code in spec["departments"]]
    facts = {key: spec[key] for key in FACT_KEYS if key in spec}
    if "processor_name" in spec:  # linked when the processor register is seeded too
        facts["processor_id"] = session.exec(select(Processor.id).where(
            Processor.legal_name == spec["processor_name"])).first()
    facts.update(entity_id=entity.id, detected_at=_ago(now, spec["detected"]), aware_at=_ago(now, spec["aware"]),
                 started_at=_ago(now, spec.get("started")), ended_at=_ago(now, spec.get("ended")),
                 activity_ids=[activity_id(session, key) for key in spec["activities"]], department_ids=departments)
    breach = records.declare(session, _actor(session, spec["by"]), facts)
    breach.created_at = facts["detected_at"] + H / 2  # declared soon after detection, not at seeding time
    session.flush()
    for kind, description, owner, hours, done in spec.get("steps", []):
        workflow.add_step(session, dpo, breach.id, {
            "kind": kind, "description": description, "owner_name": owner,
            "due_at": _ago(now, hours) if not done else None, "done_at": _ago(now, hours) if done else None})
    if "risk" not in spec:
        return
    level, justification = spec["risk"]
    exception, details = spec.get("exception", (None, ""))
    workflow.qualify(session, dpo, breach.id, breach.version, {
        "risk_level": level, "risk_justification": justification, "art34_exception": exception,
        "art34_exception_details": details})
    aware = breach.aware_at
    for hours_after_awareness, reference, added, reasons in spec.get("notifications", []):
        workflow.record_notification(session, dpo, breach.id, breach.version, {
            "sent_at": aware + hours_after_awareness * H, "authority_reference": reference,
            "content_added": added, "delay_reasons": reasons})
    if "people_summary" in spec:
        informed_at, means = spec.get("informed", (None, ""))
        workflow.save_people_communication(session, dpo, breach.id, breach.version, {
            "people_summary": spec["people_summary"], "people_advice": spec["people_advice"],
            "people_informed_at": _ago(now, informed_at), "people_information_means": means})
        if "letter_en" in spec:
            workflow.save_letter_english(session, dpo, breach.id, breach.version, spec["letter_en"])
    if "close" in spec:
        workflow.close(session, dpo, breach.id, breach.version, {"closing_note": spec["close"]})


def seed(session: Session) -> None:
    if session.exec(select(Breach.id)).first() is not None:
        return
    now = utcnow().replace(second=0, microsecond=0)
    dpo = _actor(session, "dpo")
    for spec in BREACHES:
        _seed_one(session, spec, now, dpo)
