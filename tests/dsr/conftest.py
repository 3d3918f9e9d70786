"""Helpers for the data-subject-request tests: a request made through the real use
case, with the demo routing rules."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.demo import dsr as demo_dsr
from dashboard.dsr import intake
from models.clock import paris_today
from models.types import utcnow


@pytest.fixture
def routed_org(org):
    """The demo organisation with the insurer's routing rules (no demo requests)."""
    with org.work() as session:
        demo_dsr.seed_routing(session)
    return org


def make_request(org, actor=None, **overrides):
    """A request recorded by the DPO (Médicis member asking for access by default)."""
    data = {"entity_id": org.entities["MEDICIS"].id, "channel": "email",
            "received_at": utcnow() - timedelta(days=3), "requester_name": "Jeanne Morel",
            "requester_contact": "jeanne.morel@example.org", "relation": "member", "rights": ["access"],
            "description": "Copie de mes données, s'il vous plaît."}
    if "entity" in overrides:
        data["entity_id"] = org.entities[overrides.pop("entity")].id
    data.update(overrides)
    with org.work() as session:
        request = intake.create_request(session, actor or org.dpo, data)
    return request


def paris_noon(day) -> datetime:
    """Noon in Paris on a day, as an aware datetime (the receipt of a request)."""
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=timezone.utc)


def copy_fee(**changes) -> dict:
    """A fee for a further copy of the data (Art. 15(3)), told to the person today."""
    return {"basis": "further_copy", "amount": "8.4", "notified_on": paris_today(),
            "cost_basis": "Impression de 84 pages et envoi recommandé.", **changes}
