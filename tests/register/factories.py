"""Register entries for the tests: a complete, valid content to vary."""

from dashboard import db, register


def complete(department_id: int, **overrides) -> dict:
    data = {
        "name": "Gestion des adhérents",
        "department_id": department_id,
        "description": "Adhésion & gestion <des> contrats",
        "joint_controllers": "",
        "purposes": [{"description": "Gestion des contrats", "legal_basis": "contract"},
                     {"description": "Lutte contre la fraude", "legal_basis": "legitimate_interests",
                      "legitimate_interest": "Prévenir la fraude | aux prestations"}],
        "subject_categories": [{"name": "Adhérents"}],
        "data_categories": [{"name": "Identité"},
                            {"name": "NIR", "sensitivity": "nir", "condition": "nir_law",
                             "condition_detail": "Décret 2019-341", "proof_location": "GED > Conformité > NIR"}],
        "recipients": [{"name": "Relation client", "kind": "internal"}],
        "transfers": [],
        "retention_rules": [{"category": "", "duration": 5, "unit": "years", "start_event": "fin du contrat",
                             "end_action": "archive", "justification": "Code civil, art. 2224"},
                            {"category": "NIR", "duration": 13, "unit": "months", "start_event": "fin du contrat",
                             "end_action": "delete"}],
        "security_measures": [{"category": "encryption", "description": "Chiffrement des sauvegardes"}],
        "consent_records": "",
        "withdrawal_propagation": "",
    }
    data.update(overrides)
    return data


def create(org, actor, entity="MEDICIS", department="DRC", **overrides):
    with db.unit_of_work(org.engine) as session:
        return register.create_activity(session, actor, org.entities[entity].id,
                                        complete(org.departments[department].id, **overrides))
