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
# The insurer's policy: no transfers of personal data outside the European Union.
for _entity in ENTITIES[:3]:
    _entity["forbids_non_eu_transfers"] = True

DEPARTMENTS = [
    ("RH", "Ressources humaines", "rh@mutuelle-medicis.fr"),
    ("SG", "Secrétariat général", "secretariat.general@mutuelle-medicis.fr"),
    ("DRC", "Direction de la Relation Client", "relation.client@mutuelle-medicis.fr"),
    ("DCEM", "Direction de la communication externe et du marketing", "marketing@mutuelle-medicis.fr"),
    ("DSI", "Direction des systèmes d'information", "dsi@mutuelle-medicis.fr"),
    ("FIN", "Direction financière et comptable", "comptabilite@mutuelle-medicis.fr"),
    ("PEDA", "Pédagogie et parcours apprenants", "pedagogie@savelunari.fr"),
    ("SUPPORT", "Support apprenants", "support@savelunari.fr"),
]

# (username, full name, role, department codes)
USERS = [
    ("dpo", "Claire Fontaine", Role.DPO, ()),
    ("juriste", "Julien Mercier", Role.LEGAL, ()),
    ("chef.rh", "Sophie Martin", Role.DEPARTMENT_HEAD, ("RH",)),
    ("chef.relation", "Karim Benali", Role.DEPARTMENT_HEAD, ("DRC",)),
    ("chef.marketing", "Léa Dubois", Role.DEPARTMENT_HEAD, ("DCEM",)),
    ("chef.peda", "Hugo Lefèvre", Role.DEPARTMENT_HEAD, ("PEDA", "SUPPORT")),
    ("auditeur", "Marc Lemoine", Role.AUDITOR, ()),
]

# One log-in per role, printed when the demo starts.
DEMO_ACCOUNTS = [("dpo", Role.DPO), ("juriste", Role.LEGAL), ("chef.rh", Role.DEPARTMENT_HEAD),
                 ("auditeur", Role.AUDITOR)]


def seed(session: Session) -> None:
    if session.exec(select(Entity).where(Entity.code == "MEDICIS")).first():
        return
    for data in ENTITIES:
        organisation.save_entity(session, SYSTEM, data)
    department_ids = {}
    for code, name, email in DEPARTMENTS:
        department_ids[code] = organisation.save_department(session, SYSTEM, {"code": code, "name": name,
                                                                              "email": email}).id
    for username, full_name, role, codes in USERS:
        users.create_user(session, SYSTEM, {
            "username": username, "full_name": full_name, "role": role, "password": DEMO_PASSWORD,
            "email": f"{username}@mutuelle-medicis.fr", "department_ids": [department_ids[c] for c in codes]},
            demo_seed=True)
