"""Factories for the processor tests: valid input a test changes one field of."""

from datetime import timedelta

import pytest

from dashboard.demo import activities as demo_activities
from models.clock import paris_today
from models.processor_clauses import ALL_CLAUSES


@pytest.fixture
def porg(org):
    """The demo organisation with the demo register's processing activities."""
    with org.work() as session:
        demo_activities.seed(session)
    return org


def activity(org, key: str) -> int:
    with org.session() as session:
        return demo_activities.activity_id(session, key)


def processor_data(org, entity: str = "MEDICIS", activities=("hr_payroll",), **changes) -> dict:
    data = {"legal_name": "Paie & <Compagnie> SAS", "country_code": "FR", "services": "Externalisation de la paie",
            "data_categories": ["identité", "rémunération"], "subject_categories": ["salariés"],
            "certifications": ["iso27001"], "entity_id": org.entities[entity].id,
            "activity_ids": [activity(org, key) for key in activities],
            "locations": [{"country_code": "FR", "processing": True, "storage": True}]}
    return data | changes


def contract_data(missing=(), **changes) -> dict:
    today = paris_today()
    data = {"title": "Contrat de sous-traitance", "document_reference": "CT-1", "starts_on": today - timedelta(days=30),
            "initial_end": None, "clauses": {key: ("missing" if key in missing else "present") for key in ALL_CLAUSES},
            "clause_notes": {key: "Absente du contrat" for key in missing}}
    return data | changes


