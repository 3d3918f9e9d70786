"""Small factories for breach tests: valid facts relative to now, and shortcuts."""

from datetime import datetime, timedelta

from dashboard.breach import records, workflow
from models.types import utcnow

H = timedelta(hours=1)


def facts(org, *, hours_ago: float = 10, **overrides) -> dict:
    """A valid declaration: detected `hours_ago + 1` hours ago, aware `hours_ago` hours ago."""
    now = utcnow().replace(microsecond=0)
    data = {
        "entity_id": org.entities["MEDICIS"].id,
        "title": "Courriel envoyé au mauvais destinataire",
        "description": "Un tableau de remboursements a été envoyé à un courtier externe.",
        "detected_at": now - (hours_ago + 1) * H,
        "aware_at": now - hours_ago * H,
        "started_at": now - (hours_ago + 2) * H,
        "confidentiality": True,
        "cause_origin": "internal",
        "cause_intent": "accidental",
        "data_categories": ["identity", "social_security_number", "health"],
        "people_categories": "Adhérents",
        "people_min": 200,
        "people_max": 250,
        "records_min": 212,
        "records_max": 212,
        "likely_consequences": "Usurpation d'identité possible.",
        "measures_taken": "Suppression attestée par le destinataire.",
        "department_ids": [org.departments["DRC"].id],
    }
    data.update(overrides)
    return data


def declare(org, actor=None, **overrides):
    with org.work() as session:
        return records.declare(session, actor or org.dpo, facts(org, **overrides))


def qualify(org, breach, level="risk", exception=None, details="", actor=None):
    with org.work() as session:
        return workflow.qualify(session, actor or org.dpo, breach.id, breach.version, {
            "risk_level": level, "risk_justification": "Données de santé et NIR de plus de 200 adhérents.",
            "art34_exception": exception, "art34_exception_details": details})


def notify(org, breach, sent_at: datetime, reasons: str = "", added: str = "Notification initiale.", actor=None):
    with org.work() as session:
        return workflow.record_notification(session, actor or org.dpo, breach.id, breach.version, {
            "sent_at": sent_at, "authority_reference": "2026-012345", "content_added": added,
            "delay_reasons": reasons})


def current(org, breach_id):
    with org.session() as session:
        return records.get_breach(session, org.dpo, breach_id)
