"""Demo data-subject requests, from the seeds: the insurer's members, staff, elected
members and prospects; the learners of Savelunari and Lumina Apprendre asking for
access, portability, erasure, objection to marketing, consent withdrawal.

Every request goes through the real use cases, acted by the demo DPO and the
department heads, with dates relative to the day of seeding: some are late, some
due within a week, one is extended, one waits for identity proof, closed ones
cover each outcome, and one erasure is closed with its destruction certificate.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from dashboard import auth
from dashboard.actor import Actor
from dashboard.demo.activities import activity_id
from dashboard.dsr import answers, documents, fees, intake, work, workflow
from models.clock import PARIS, paris_today
from models.dsr import DataSubjectRequest, DsrRoutingRule
from models.org import Department, Entity, User

# The insurer's policy (seeds, 001): staff → HR, elected members → General Secretariat,
# members → Customer Relations, prospects → External Communication & Marketing.
INSURER_ROUTING = {"staff": "RH", "elected_member": "SG", "member": "DRC", "prospect": "DCEM"}
# Each entity routes to its own departments (a department belongs to one entity): the two
# associations' members, elected members and prospects go to their members' office.
ROUTING = {"MEDICIS": INSURER_ROUTING,
           "ADEPIA": {"member": "ADEPIA-ADH", "elected_member": "ADEPIA-ADH", "prospect": "ADEPIA-ADH"},
           "GERP": {"member": "GERP-ADH", "elected_member": "GERP-ADH", "prospect": "GERP-ADH"},
           "SAVELUNARI": {"learner": "SUPPORT", "prospect": "SAV-MKT"},
           "LUMINA": {"learner": "LUM-SUPPORT", "prospect": "LUM-PEDA"}}
HEADS = {"RH": "chef.rh", "DRC": "chef.relation", "ADEPIA-ADH": "chef.relation", "GERP-ADH": "chef.relation",
         "DCEM": "chef.marketing", "SUPPORT": "chef.peda", "PEDA": "chef.peda", "LUM-SUPPORT": "chef.peda",
         "LUM-PEDA": "chef.peda"}


@dataclass
class Demo:
    entity: str
    relation: str
    rights: tuple[str, ...]
    channel: str
    days_ago: int
    scenario: str  # received, in_progress, awaiting_identity, awaiting_clarification, proposed, extended,
    # closed:<outcome>, withdrawn, certificate
    name: str
    contact: str
    text: str
    activities: tuple[str, ...] = ()
    searches: tuple[tuple[str, str, bool, str], ...] = ()
    extra: dict = field(default_factory=dict)


DEMO_REQUESTS = [
    # --- Médicis: members
    Demo("MEDICIS", "member", ("access",), "email", 41, "in_progress", "Jeanne Morel", "jeanne.morel@exemple-mail.fr",
         "Je souhaite obtenir une copie de toutes les données que vous détenez sur moi, y compris l'historique de mes remboursements.",
         ("member_management", "benefits"), (("Gestion des adhérents (GESTADH)", "identité, contrat", True, "Fiche adhérent et contrat prévoyance"),)),
    Demo("MEDICIS", "member", ("rectification",), "letter", 35, "in_progress", "Bernard Lefort", "12 rue des Tilleuls, 37000 Tours",
         "Mon adresse et mon RIB sont erronés depuis mon déménagement ; merci de les corriger.", ("member_management",)),
    Demo("MEDICIS", "member", ("access", "portability"), "web_form", 26, "in_progress", "Nadia Haddad", "nadia.haddad@exemple-mail.fr",
         "Je demande l'accès à mes données et leur transmission dans un format réutilisable.", ("member_management", "benefits"),
         (("Gestion des adhérents (GESTADH)", "identité, contrat, cotisations", True, "Export CSV préparé"),)),
    Demo("MEDICIS", "member", ("erasure",), "email", 24, "proposed", "Olivier Marchand", "o.marchand@exemple-mail.fr",
         "J'ai résilié mon contrat il y a trois ans ; je demande la suppression de mes données.", ("member_management",),
         (("Gestion des adhérents (GESTADH)", "identité, contrat résilié", True, "Contrat résilié en 2023"),
          ("Comptabilité (SAP FI)", "écritures de cotisations", True, "Conservation légale 10 ans"))),
    Demo("MEDICIS", "member", ("access",), "phone", 60, "closed:granted", "Sylvie Garnier", "sylvie.garnier@exemple-mail.fr",
         "Demande d'accès formulée par téléphone puis confirmée par courriel ; une seconde copie papier est demandée.",
         ("member_management",),
         extra={"fee": {"notice": {"basis": "further_copy", "amount": "8.40",
                                   "cost_basis": "Seconde copie papier (84 pages) : impression 0,05 € la page et "
                                                 "envoi recommandé 4,20 €. La première copie, électronique, est gratuite."},
                        "ended": "paid", "note": "Chèque reçu et encaissé."}}),
    Demo("MEDICIS", "member", ("objection",), "letter", 75, "closed:refused", "Henri Caron", "8 impasse du Moulin, 51100 Reims",
         "Je m'oppose au traitement de mes données de remboursement.", ("benefits",),
         extra={"reasons": "Traitement nécessaire à l'exécution du contrat (art. 6.1.b) : l'opposition (art. 21) ne s'applique pas ; remboursements impossibles sans ces données."}),
    Demo("MEDICIS", "member", ("access",), "email", 90, "closed:manifestly_unfounded", "Patrick Vidal", "p.vidal@exemple-mail.fr",
         "Quatrième demande identique en deux mois, accompagnée de menaces envers les gestionnaires.", ("member_management",),
         extra={"reasons": "Quatrième demande identique en deux mois après réponses complètes les 3 et 28 du mois précédent ; demande à visée de harcèlement (art. 12.5)."}),
    Demo("MEDICIS", "member", ("access",), "letter", 12, "awaiting_identity", "Marie-Claire Dupuis", "Boîte postale 42, 13001 Marseille",
         "Courrier non signé demandant la copie du dossier d'une adhérente, adresse différente de celle connue.", ("member_management",),
         extra={"asked_days_ago": 9}),
    Demo("MEDICIS", "member", ("access", "rectification"), "cnil", 20, "extended", "Gérard Blanchard", "g.blanchard@exemple-mail.fr",
         "Plainte transmise par la CNIL : accès à 15 ans d'historique de contrats et correction de plusieurs cotisations.",
         ("member_management", "benefits"),
         extra={"ext_reasons": "Demande portant sur quinze années d'historique réparties dans trois systèmes, dont des archives papier à numériser ; plusieurs corrections de cotisations à vérifier avec la comptabilité."}),
    # --- Médicis: staff, elected members, prospects
    Demo("MEDICIS", "staff", ("access",), "email", 27, "in_progress", "Thomas Roux", "thomas.roux@mutuelle-medicis.fr",
         "Je demande la communication de mon dossier administratif, de mes évaluations annuelles et des journaux de badge.",
         ("hr_payroll",), (("SIRH (Workday)", "dossier administratif, évaluations", True, "Dossier complet"),)),
    Demo("MEDICIS", "staff", ("rectification", "restriction"), "in_person", 8, "received", "Camille Perrin", "camille.perrin@mutuelle-medicis.fr",
         "Erreur sur mon ancienneté dans le logiciel de paie ; je demande la limitation du traitement le temps de la correction.",
         ("hr_payroll",)),
    Demo("MEDICIS", "staff", ("erasure",), "letter", 110, "closed:partly_granted", "Julie Fabre", "4 allée des Cerisiers, 92100 Boulogne",
         "Ancienne candidate : je demande la suppression de mon dossier de candidature et de mes données de paie.", ("recruitment", "hr_payroll"),
         extra={"reasons": "Dossier de candidature supprimé ; bulletins de paie conservés 5 ans (Code du travail art. L3243-4), fiche de paie 50 ans en archive (L. 2016-1088)."}),
    Demo("MEDICIS", "elected_member", ("access", "information"), "email", 29, "in_progress", "Alain Ferrand", "alain.ferrand@exemple-mail.fr",
         "En tant qu'administrateur, je souhaite savoir quelles données me concernant sont publiées et à qui elles sont transmises.",
         ("elected_members",)),
    Demo("MEDICIS", "prospect", ("marketing_opt_out", "erasure"), "web_form", 5, "received", "Lucas Bertin", "lucas.bertin@exemple-mail.fr",
         "Je ne suis pas adhérent, je reçois vos offres sans l'avoir demandé : supprimez mes coordonnées.", ("prospection", "newsletter")),
    Demo("MEDICIS", "prospect", ("marketing_opt_out",), "email", 45, "closed:granted", "Émilie Noël", "emilie.noel@exemple-mail.fr",
         "Merci de ne plus m'envoyer de newsletter.", ("newsletter",)),
    # --- associations
    Demo("ADEPIA", "member", ("access",), "letter", 31, "in_progress", "Robert Guillot", "27 rue Nationale, 59000 Lille",
         "Artisan adhérent, je souhaite connaître les données transmises à la mutuelle.", ("adepia_members",)),
    Demo("ADEPIA", "member", ("consent_withdrawal",), "email", 3, "received", "Fatima Benali", "fatima.benali@exemple-mail.fr",
         "Je retire mon consentement à recevoir les invitations aux assemblées par SMS.", ("adepia_members",)),
    Demo("GERP", "member", ("access", "portability"), "letter", 28, "in_progress", "Jean-Luc Schmitt", "3 rue Serpenoise, 57000 Metz",
         "Je demande mes données d'épargne retraite dans un format permettant de les transmettre à un autre organisme.",
         ("gerp_savings",)),
    Demo("GERP", "member", ("rectification",), "phone", 70, "withdrawn", "Monique Klein", "monique.klein@exemple-mail.fr",
         "Demande de correction de la date de naissance, retirée : l'erreur venait d'un autre organisme.", ("gerp_savings",)),
    # --- Savelunari
    Demo("SAVELUNARI", "learner", ("erasure",), "web_form", 50, "certificate", "Inès Moreau", "ines.moreau@exemple-mail.fr",
         "Je n'utilise plus la plateforme : supprimez mon compte et toutes mes données, y compris mes enregistrements de session.",
         ("learner_accounts", "course_delivery", "audience_analytics", "payments"),
         (("Base comptes apprenants", "profil, identifiants", True, "Compte actif depuis 2022"),
          ("Outil de cartes de chaleur / replays de session", "enregistrements de session", True, "14 replays"),
          ("Facturation (Stripe)", "factures", True, "3 factures"))),
    Demo("SAVELUNARI", "learner", ("access",), "email", 18, "in_progress", "Maxime Girard", "maxime.girard@exemple-mail.fr",
         "Quelles données gardez-vous sur ma progression et les enregistrements de mes sessions ?", ("course_delivery", "audience_analytics")),
    Demo("SAVELUNARI", "learner", ("portability",), "web_form", 33, "closed:granted", "Léa Fontaine", "lea.fontaine@exemple-mail.fr",
         "Je souhaite récupérer mes certificats et mon historique de cours.", ("course_delivery",)),
    Demo("SAVELUNARI", "learner", ("marketing_opt_out", "objection"), "email", 6, "in_progress", "Hugo Lambert", "hugo.lambert@exemple-mail.fr",
         "Je m'oppose à l'utilisation de mes données pour les recommandations commerciales et ne veux plus de courriels promotionnels.",
         ("learner_accounts",)),
    Demo("SAVELUNARI", "learner", ("access",), "email", 15, "awaiting_clarification", "Chloé Mercier", "chloe.m@exemple-mail.fr",
         "Je veux « tout ce que vous avez » — j'ai eu deux comptes, avec deux adresses différentes.", ("learner_accounts",),
         extra={"asked_days_ago": 11}),
    Demo("SAVELUNARI", "learner", ("erasure",), "email", 55, "closed:cannot_identify", "Utilisateur « dark_owl »", "dark.owl@exemple-mail.fr",
         "Supprimez le compte dark_owl. (Adresse d'envoi inconnue de nos systèmes.)", ("learner_accounts",),
         extra={"reasons": "Aucun compte ne correspond à l'adresse d'envoi ; la personne n'a pas répondu à la demande de précisions sur l'adresse du compte (art. 11.2)."}),
    # --- Lumina Apprendre
    Demo("LUMINA", "learner", ("access", "objection"), "web_form", 22, "proposed", "Sarah Cohen", "sarah.cohen@exemple-mail.fr",
         "Je veux savoir comment l'IA établit mon profil et je m'oppose au partage de ma progression avec mon employeur.",
         ("ai_personalisation", "partner_sharing"),
         (("Moteur de recommandation", "profil d'apprentissage", True, "Profil et scores calculés"),)),
    Demo("LUMINA", "learner", ("consent_withdrawal",), "email", 4, "in_progress", "Antoine Robin", "antoine.robin@exemple-mail.fr",
         "Je retire mon consentement au partage de mes résultats avec l'organisme financeur.", ("partner_sharing",)),
    Demo("LUMINA", "learner", ("erasure", "portability"), "web_form", 38, "in_progress", "Manon Petit", "manon.petit@exemple-mail.fr",
         "Avant de fermer mon compte, je veux récupérer mes données puis qu'elles soient effacées.", ("lumina_accounts", "ai_personalisation")),
    Demo("LUMINA", "learner", ("access",), "email", 100, "closed:excessive", "Kevin Marie", "kevin.marie@exemple-mail.fr",
         "Douze demandes d'accès en trois semaines, chacune portant sur la totalité des journaux techniques.", ("lumina_accounts",),
         extra={"reasons": "Douze demandes en trois semaines portant sur les mêmes données, une copie complète ayant été fournie le mois précédent (art. 12.5).",
                "fee": {"notice": {"basis": "excessive", "amount": "45",
                                   "cost_basis": "Extraction des journaux techniques : 1 h 30 d'ingénieur à 30 € de "
                                                 "l'heure, hors frais généraux.",
                                   "reasons": "Douzième demande identique en trois semaines ; une copie complète a "
                                              "été fournie le mois précédent."},
                        "ended": "declined", "note": "La personne refuse de payer et maintient sa demande."}}),
    Demo("LUMINA", "other", ("information",), "email", 2, "received", "Association Parents d'élèves du Lycée Curie", "contact@exemple-asso.fr",
         "Un parent demande quelles données sont collectées sur son enfant mineur inscrit par l'établissement.", (),
         extra={"is_minor": True}),
]


def _actor(session: Session, username: str) -> Actor:
    return auth.actor_for(session, session.exec(select(User).where(User.username == username)).one())


def seed_routing(session: Session) -> None:
    if session.exec(select(DsrRoutingRule)).first():
        return
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    departments = {d.code: d.id for d in session.exec(select(Department))}
    for entity_code, rules in ROUTING.items():
        for relation, department_code in rules.items():
            session.add(DsrRoutingRule(entity_id=entities[entity_code], relation=relation,
                                       department_id=departments[department_code]))
    session.flush()


def seed(session: Session) -> None:
    seed_routing(session)
    if session.exec(select(DataSubjectRequest)).first():
        return
    rng = random.Random(2026)
    today = paris_today()
    dpo = _actor(session, "dpo")
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    for demo in DEMO_REQUESTS:
        received = today - timedelta(days=demo.days_ago)
        received_at = datetime.combine(received, time(rng.randint(8, 18), rng.choice((0, 15, 30, 45))), tzinfo=PARIS)
        request = intake.create_request(session, dpo, {
            "entity_id": entities[demo.entity], "channel": demo.channel, "received_at": received_at,
            "requester_name": demo.name, "requester_contact": demo.contact, "relation": demo.relation,
            "rights": list(demo.rights), "description": demo.text, "is_minor": demo.extra.get("is_minor", False),
            "activity_ids": [activity_id(session, key) for key in demo.activities]})
        _play(session, dpo, request, demo, received, today)
    session.flush()


def _day(received: date, today: date, offset: int) -> date:
    return min(received + timedelta(days=offset), today)


def _play(session: Session, dpo: Actor, request: DataSubjectRequest, demo: Demo, received: date, today: date) -> None:
    """Walk the request through the scenario with the real use cases."""
    documents.issue_acknowledgement(session, dpo, request.id)
    scenario = demo.scenario
    if scenario == "received":
        return
    if scenario in ("awaiting_identity", "awaiting_clarification"):
        workflow.ask_person(session, dpo, request.id, request.version, {
            "waiting_for": scenario, "asked_on": today - timedelta(days=demo.extra["asked_days_ago"]),
            "note": "Courriel envoyé à la personne."})
        return
    if scenario.startswith("closed:cannot_identify"):
        workflow.ask_person(session, dpo, request.id, request.version, {
            "waiting_for": "awaiting_clarification", "asked_on": _day(received, today, 2),
            "note": "Adresse du compte demandée."})
    else:
        workflow.start_work(session, dpo, request.id, request.version)
        workflow.verify_identity(session, dpo, request.id, request.version,
                                 {"method": "known_account", "verified_on": _day(received, today, 1)})
    head = _head(session, request)
    worker = head or dpo
    for system, categories, found, notes in demo.searches:
        work.add_search(session, worker, request.id, request.version, {
            "system": system, "data_categories": categories, "found": found, "notes": notes,
            "searched_on": _day(received, today, 5)})
    if scenario == "extended":
        workflow.extend(session, dpo, request.id, request.version,
                        {"reasons": demo.extra["ext_reasons"], "notified_on": _day(received, today, 10)})
        documents.issue_extension_notice(session, dpo, request.id)
    elif scenario == "proposed":  # the department's answer, drafted from the letter template
        outcome = "partly_granted" if "erasure" in demo.rights else "granted"
        drafted = answers.draft(session, worker, request.id, outcome, "fr")
        answers.propose(session, worker, request.id, request.version,
                        {"outcome": outcome, "language": "fr", "answer": drafted.text})
    elif scenario == "withdrawn":
        workflow.withdraw(session, dpo, request.id, request.version,
                          {"withdrawn_on": _day(received, today, 6), "note": "Retrait par courriel."})
    elif scenario == "certificate":
        _erase(session, worker, dpo, request, received, today)
    elif scenario.startswith("closed:"):
        outcome = scenario.split(":")[1]
        if "fee" in demo.extra:
            _fee(session, dpo, request, demo.extra["fee"], received, today)
        workflow.close(session, dpo, request.id, request.version, {
            "outcome": outcome, "reasons": demo.extra.get("reasons", ""), "remedies_informed": outcome != "granted",
            "answered_on": _day(received, today, 21)})


def _fee(session: Session, dpo: Actor, request: DataSubjectRequest, fee: dict, received: date, today: date) -> None:
    """A fee told to the person on day 3, and how it ended on day 10."""
    fees.notify(session, dpo, request.id, request.version, {**fee["notice"], "notified_on": _day(received, today, 3)})
    fees.settle(session, dpo, request.id, request.version, {"state": fee["ended"], "note": fee.get("note", ""),
                                                             "settled_on": _day(received, today, 10)})


def _head(session: Session, request: DataSubjectRequest) -> Actor | None:
    department = session.get(Department, request.department_id) if request.department_id else None
    username = HEADS.get(department.code) if department else None
    return _actor(session, username) if username else None


def _erase(session: Session, worker: Actor, dpo: Actor, request: DataSubjectRequest, received: date,
           today: date) -> None:
    """The erasure closed with its destruction certificate."""
    done_on = _day(received, today, 12)
    for system, category, method in (
            ("Base comptes apprenants", "Profil, identifiants, préférences", "deletion"),
            ("Suivi pédagogique", "Historique de cours et progression", "anonymisation"),
            ("Outil de cartes de chaleur / replays de session", "Enregistrements de session", "deletion"),
            ("Centre de support", "Tickets et échanges", "deletion"),
            ("Sauvegardes chiffrées", "Copies de la base comptes", "overwrite")):
        work.add_erasure(session, worker, request.id, request.version, {
            "system": system, "data_category": category, "method": method, "performed_on": done_on,
            "performed_by": "Nicolas Aubert (DSI)"})
    work.add_retention(session, worker, request.id, request.version, {
        "data_category": "Factures et pièces comptables",
        "reason": "Obligation comptable : Code de commerce art. L123-22 (10 ans)",
        "keep_until": date(received.year + 10, 12, 31)})
    for recipient in ("Prestataire de mesure d'audience", "Outil de support (sous-traitant)"):
        line = work.add_recipient(session, worker, request.id, request.version, {"recipient": recipient})
        work.update_recipient(session, worker, request.id, request.version, line.id,
                              {"state": "notified", "notified_on": done_on})
    workflow.propose_answer(session, worker, request.id, request.version, {
        "outcome": "granted", "answer": "Compte et données supprimés ; factures conservées 10 ans (obligation légale)."})
    workflow.close(session, dpo, request.id, request.version, {
        "outcome": "granted", "answered_on": _day(received, today, 14)})
    # The encrypted backups roll over every 35 days after the erasure.
    documents.issue_destruction_certificate(session, dpo, request.id, "Claire Fontaine (DPO) et RSSI",
                                            backups_overwritten_on=done_on + timedelta(days=35))
