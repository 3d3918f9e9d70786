"""Review campaigns and consent withdrawals for the tests."""

from datetime import date

from dashboard import consent, db, retention
from tests.register.factories import create as create_activity


def activity_with_systems(org, systems=("CRM", "GED"), department="DRC", entity="MEDICIS", **overrides):
    activity = create_activity(org, org.dpo, entity=entity, department=department, **overrides)
    with db.unit_of_work(org.engine) as session:
        for name in systems:
            retention.add_system(session, org.dpo, activity.id, name, org.departments[department].id)
    return activity


def generate(org, actor=None, entity="MEDICIS", as_of=date(2026, 12, 3), due_on=date(2027, 1, 31)):
    with db.unit_of_work(org.engine) as session:
        campaign, added = retention.generate_campaign(session, actor or org.dpo, org.entities[entity].id, as_of, due_on,
                                                      today=as_of)
        return campaign.id, added


CONSENT_PURPOSES = [{"description": "Lettre d'information par courriel", "legal_basis": "consent"}]


def consent_activity(org, systems=("Outil d'envoi", "CRM"), department="DCEM"):
    return activity_with_systems(org, systems, department=department, name="Lettres d'information",
                                 purposes=CONSENT_PURPOSES, consent_records="Registre des consentements",
                                 withdrawal_propagation="Désinscription synchronisée chaque nuit")


def record(org, activity_id, received_on=None, **extra):
    with db.unit_of_work(org.engine) as session:
        data = {"activity_id": activity_id, "received_on": received_on or date.today(), "channel": "unsubscribe_link",
                "source_reference": "EVT-2026-118", **extra}
        return consent.record_withdrawal(session, org.dpo, data).id
