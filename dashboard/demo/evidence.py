"""The evidence room's demo: the pack handed to the internal auditor for the annual
audit of the insurer, built from whatever the other demo seeders issued before it.
Runs last; idempotent (one demo pack)."""

from sqlmodel import Session, select

from dashboard import audit_pack, auth, evidence
from models.clock import paris_today
from models.evidence import EvidenceDocument
from models.org import Entity, User


def seed(session: Session) -> None:
    if session.exec(select(EvidenceDocument.id).where(EvidenceDocument.kind == evidence.PACK_KIND)).first():
        return
    auditor = auth.actor_for(session, session.exec(select(User).where(User.username == "auditeur")).one())
    medicis = session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()
    date_from, date_to = audit_pack.default_period(paris_today())
    audit_pack.build_audit_pack(session, auditor, {
        "date_from": date_from, "date_to": date_to, "entity_id": medicis.id,
        "reason": "Audit interne annuel de conformité RGPD (programme d'audit du comité des risques)"})
