"""Entities, departments and users of the demo organisation."""

from sqlmodel import Session, select

from dashboard import organisation, users
from dashboard.actor import SYSTEM
from models.org import Entity
from models.roles import Role

DEMO_PASSWORD = "demo-dpo-desk-2026"

# One DPO serves every entity; her postal address and line are each controller's own.
_DPO = {"dpo_name": "Claire Fontaine", "dpo_email": "dpo@mutuelle-medicis.fr", "dpo_phone": "+33 1 84 88 20 00",
        "dpo_address": "Délégué à la protection des données, Mutuelle Médicis, 24 boulevard de Courcelles, 75017 Paris"}

ENTITIES = [
    {"code": "MEDICIS", "name": "Mutuelle Médicis", "registration_number": "784 394 314",
     "legal_name": "Médicis, mutuelle régie par le livre II du Code de la mutualité",
     "address": "24 boulevard de Courcelles, 75017 Paris", **_DPO,
     "legal_representative": "Bernard Castel", "legal_representative_title": "Président du conseil d'administration"},
    {"code": "ADEPIA", "name": "ADEPIA-Médicis", "registration_number": "W751234567",
     "legal_name": "Association pour le développement de la prévoyance des indépendants et artisans (ADEPIA-Médicis)",
     "address": "24 boulevard de Courcelles, 75017 Paris", **_DPO,
     "legal_representative": "Monique Ferrand", "legal_representative_title": "Présidente de l'association"},
    {"code": "GERP", "name": "GERP-Médicis", "registration_number": "W751234568",
     "legal_name": "Groupement d'épargne retraite populaire GERP-Médicis (association)",
     "address": "12 rue de la Grange-aux-Belles, 57000 Metz", "alsace_moselle": True, **_DPO,
     "dpo_address": "Délégué à la protection des données, GERP-Médicis, 12 rue de la Grange-aux-Belles, 57000 Metz",
     "legal_representative": "Paul Kieffer", "legal_representative_title": "Président de l'association"},
    {"code": "SAVELUNARI", "name": "Savelunari", "registration_number": "912 345 678",
     "legal_name": "Savelunari SAS, organisme de formation certifié Qualiopi",
     "address": "8 rue Paul Bert, 69003 Lyon", "forbids_non_eu_transfers": False, **_DPO,
     "dpo_email": "dpo@savelunari.fr", "dpo_phone": "+33 4 65 71 20 10",
     "dpo_address": "Délégué à la protection des données, Savelunari SAS, 8 rue Paul Bert, 69003 Lyon",
     "legal_representative": "Antoine Roussel", "legal_representative_title": "Président de Savelunari SAS"},
    {"code": "LUMINA", "name": "Lumina Apprendre", "registration_number": "923 456 789",
     "legal_name": "Lumina Apprendre SAS", "address": "3 quai de la Fosse, 44000 Nantes", **_DPO,
     "dpo_email": "dpo@lumina-apprendre.fr", "dpo_phone": "+33 2 61 91 20 10",
     "dpo_address": "Délégué à la protection des données, Lumina Apprendre SAS, 3 quai de la Fosse, 44000 Nantes",
     "legal_representative": "Nadia Haddad", "legal_representative_title": "Présidente de Lumina Apprendre SAS"},
]
# The insurer's policy (seeds 001), adopted by Médicis and its two associations: no transfers
# of personal data outside the European Union, and eight points in every processor contract.
for _entity in ENTITIES[:3]:
    _entity["forbids_non_eu_transfers"] = True
    _entity["adopts_policy_clauses"] = True

# Each department belongs to one entity (code, name, e-mail, entity). The insurer's
# directions are Médicis's; its two associations have their members' office; each e-learning
# platform has its own teams (seeds 000 and 002), so that a head of one entity's department
# never sees another entity's cases.
DEPARTMENTS = [
    ("RH", "Ressources humaines", "rh@mutuelle-medicis.fr", "MEDICIS"),
    ("SG", "Secrétariat général", "secretariat.general@mutuelle-medicis.fr", "MEDICIS"),
    ("DRC", "Direction de la Relation Client", "relation.client@mutuelle-medicis.fr", "MEDICIS"),
    ("DCEM", "Direction de la communication externe et du marketing", "marketing@mutuelle-medicis.fr", "MEDICIS"),
    ("DSI", "Direction des systèmes d'information", "dsi@mutuelle-medicis.fr", "MEDICIS"),
    ("FIN", "Direction financière et comptable", "comptabilite@mutuelle-medicis.fr", "MEDICIS"),
    ("ADEPIA-ADH", "Vie associative et adhérents (ADEPIA-Médicis)", "adherents@adepia-medicis.fr", "ADEPIA"),
    ("GERP-ADH", "Vie associative et adhérents (GERP-Médicis)", "adherents@gerp-medicis.fr", "GERP"),
    ("PEDA", "Pédagogie et parcours apprenants", "pedagogie@savelunari.fr", "SAVELUNARI"),
    ("SUPPORT", "Support apprenants", "support@savelunari.fr", "SAVELUNARI"),
    ("SAV-TECH", "Technique et données (Savelunari)", "tech@savelunari.fr", "SAVELUNARI"),
    ("SAV-FIN", "Administration et facturation (Savelunari)", "facturation@savelunari.fr", "SAVELUNARI"),
    ("SAV-MKT", "Marketing et communauté (Savelunari)", "marketing@savelunari.fr", "SAVELUNARI"),
    ("LUM-PEDA", "Pédagogie et partenariats (Lumina Apprendre)", "pedagogie@lumina-apprendre.fr", "LUMINA"),
    ("LUM-SUPPORT", "Support apprenants (Lumina Apprendre)", "support@lumina-apprendre.fr", "LUMINA"),
]

# (username, full name, role, department codes)
USERS = [
    ("dpo", "Claire Fontaine", Role.DPO, ()),
    ("juriste", "Julien Mercier", Role.LEGAL, ()),
    ("chef.rh", "Sophie Martin", Role.DEPARTMENT_HEAD, ("RH",)),
    ("chef.relation", "Karim Benali", Role.DEPARTMENT_HEAD, ("DRC", "ADEPIA-ADH", "GERP-ADH")),
    ("chef.marketing", "Léa Dubois", Role.DEPARTMENT_HEAD, ("DCEM",)),
    ("chef.peda", "Hugo Lefèvre", Role.DEPARTMENT_HEAD, ("PEDA", "SUPPORT", "LUM-PEDA", "LUM-SUPPORT")),
    ("auditeur", "Marc Lemoine", Role.AUDITOR, ()),
]

# One log-in per role, printed when the demo starts.
DEMO_ACCOUNTS = [("dpo", Role.DPO), ("juriste", Role.LEGAL), ("chef.rh", Role.DEPARTMENT_HEAD),
                 ("auditeur", Role.AUDITOR)]


def seed(session: Session) -> None:
    if session.exec(select(Entity).where(Entity.code == "MEDICIS")).first():
        return
    entity_ids = {data["code"]: organisation.save_entity(session, SYSTEM, data).id for data in ENTITIES}
    department_ids = {}
    for code, name, email, entity in DEPARTMENTS:
        department_ids[code] = organisation.save_department(session, SYSTEM, {
            "code": code, "name": name, "email": email, "entity_id": entity_ids[entity]}).id
    for username, full_name, role, codes in USERS:
        users.create_user(session, SYSTEM, {
            "username": username, "full_name": full_name, "role": role, "password": DEMO_PASSWORD,
            "email": f"{username}@mutuelle-medicis.fr", "department_ids": [department_ids[c] for c in codes]},
            demo_seed=True)
