"""Demo data of the record kept as a processor (GDPR Art. 30(2)): Lumina Apprendre's
and Savelunari's business clients, who buy training for their staff on the platforms
and are the controllers of their employees' training follow-up (the seed privacy
policy of Lumina Apprendre: "programme financé ou géré par une organisation tierce
(entreprise, institution éducative)"). The companies are fictional."""

from datetime import timedelta

from sqlmodel import Session, select

from dashboard import auth, processor_record
from models.clock import paris_today
from models.org import Department, Entity, User
from models.processor_record import ProcessorRecord

_SECURITY = ("Hébergement en France (Nuage Rhodanien SAS, certifié HDS et ISO 27001) ; TLS pour tous les échanges, "
             "chiffrement au repos ; comptes administrateurs avec authentification multifacteur ; espaces "
             "clients cloisonnés ; journalisation des accès conservée un an ; sauvegardes chiffrées quotidiennes, "
             "restauration testée chaque trimestre.")
_HOSTING = "Nuage Rhodanien SAS — hébergement et sauvegardes (Lyon, France)"
_SUPPORT = "HelpNest Inc. — centre de support de niveau 1 (États-Unis)"
_HELPNEST = {"recipient": "HelpNest Inc.", "country": "US", "safeguard": "sccs",
             "safeguard_detail": "Clauses contractuelles types 2021/914, module 3 (sous-traitant à sous-traitant) ; "
                                 "analyse d'impact du transfert du 12/03/2025"}

# (entity, department, days since the start, days since the end or None, content)
RECORDS = (
    ("LUMINA", "LUM-PEDA", 540, None, {
        "client_name": "Transports Vernier et Fils SAS",
        "client_address": "14 rue des Docks, 76600 Le Havre",
        "client_contact": "Sandrine Lebreton, responsable formation — formation@transports-vernier.example",
        "client_dpo": "Cabinet Arvel Conformité, DPO externe — dpo@transports-vernier.example",
        "processing_categories": "Création et gestion des comptes apprenants des salariés inscrits par le client ; "
                                 "diffusion des parcours de sécurité routière et de conduite économique ; suivi de "
                                 "la progression et des résultats aux évaluations ; attestations de formation "
                                 "transmises au service formation du client.",
        "sub_processors": [_HOSTING, _SUPPORT],
        "transfers": [_HELPNEST],
        "security_measures": _SECURITY,
    }),
    ("LUMINA", "LUM-PEDA", 300, None, {
        "client_name": "Clinique du Parc Montsouris SA",
        "client_address": "42 boulevard Jourdan, 75014 Paris",
        "client_contact": "Direction des ressources humaines — drh@clinique-montsouris.example",
        "client_dpo": "Julien Marchetti, DPO — dpo@clinique-montsouris.example",
        "processing_categories": "Comptes apprenants du personnel soignant ; parcours obligatoires (hygiène, "
                                 "identitovigilance, sécurité incendie) ; relevé des formations suivies pour le "
                                 "plan de développement des compétences ; aucune donnée de patient.",
        "sub_processors": [_HOSTING],
        "transfers": [],
        "security_measures": _SECURITY,
    }),
    ("LUMINA", "LUM-SUPPORT", 820, 60, {
        "client_name": "Boulangeries Maréchal SARL",
        "client_address": "3 place du Marché, 37000 Tours",
        "client_contact": "Hélène Maréchal, gérante — contact@boulangeries-marechal.example",
        "client_dpo": "Pas de DPO désigné ; référente données : Hélène Maréchal",
        "processing_categories": "Accès des salariés au module « hygiène alimentaire (HACCP) » ; émission des "
                                 "attestations ; assistance aux apprenants. Données supprimées à la fin du "
                                 "contrat, attestation de destruction remise au client.",
        "sub_processors": [_HOSTING, _SUPPORT],
        "transfers": [_HELPNEST],
        "security_measures": _SECURITY,
    }),
    ("SAVELUNARI", "PEDA", 200, None, {
        "client_name": "Mutuelle des Artisans de Loire-Atlantique",
        "client_address": "9 allée Baco, 44000 Nantes",
        "client_contact": "Service formation interne — formation@mal-atlantique.example",
        "client_dpo": "Sophie Kervella, DPO — dpo@mal-atlantique.example",
        "processing_categories": "Hébergement des vidéos de formation du client et suivi de leur visionnage par "
                                 "ses conseillers ; quiz de validation des acquis ; tableaux de bord de complétion "
                                 "par agence.",
        "sub_processors": ["Nuage Rhodanien SAS — hébergement et diffusion vidéo (Lyon, France)"],
        "transfers": [],
        "security_measures": _SECURITY,
    }),
)


def seed(session: Session) -> None:
    if session.exec(select(ProcessorRecord)).first():
        return
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    departments = {d.code: d.id for d in session.exec(select(Department))}
    dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
    today = paris_today()
    for entity, department, started, ended, content in RECORDS:
        if entity not in entities or department not in departments:
            continue
        processor_record.create_record(session, dpo, entities[entity], {
            **content, "department_id": departments[department], "started_on": today - timedelta(days=started),
            "ended_on": today - timedelta(days=ended) if ended is not None else None})
    session.flush()
