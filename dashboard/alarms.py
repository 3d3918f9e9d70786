"""Security alarms for the DPO's overview, read from the audit trail of the last 24 hours:
repeated refusals of one user, user names locked out, forged session cookies, bursts of failed
log-ins, documents that failed verification (CNIL, recommandation relative aux mesures de
journalisation, 2021: logs are analysed, automatically, to detect anomalies). No streamlit."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from dashboard import audit_anonymous, direct
from dashboard.actor import Actor
from models.audit import AuditEntry
from models.org import LoginThrottle
from models.roles import Role
from models.types import utcnow

PERIOD = timedelta(hours=24)
REFUSALS = 5  # refusals of one signed-in user in the period
FAILED_LOGINS = 20  # failed log-ins in the period, all user names
VERIFY_SCAN = 2000  # verifications read in the period, newest first


@dataclass(frozen=True)
class Alarm:
    key: str  # catalogue key
    params: dict = field(default_factory=dict)


# Built once, run with the period's start (issue 19: building them was most of the alarms' time),
# below SQLAlchemy's execution (dashboard/direct.py).
_SINCE = bindparam("since")
_REFUSED = (select(AuditEntry.actor_name, func.count())
            .where(AuditEntry.action == "access.denied", AuditEntry.at >= _SINCE)
            .group_by(AuditEntry.actor_name).having(func.count() >= REFUSALS).order_by(func.count().desc()))
_LOCKED = (select(LoginThrottle.username).where(LoginThrottle.locked_until >= _SINCE)
           .order_by(LoginThrottle.locked_until.desc()).limit(10))
_VERIFIED = (select(AuditEntry.details).where(AuditEntry.action == "evidence.verify", AuditEntry.at >= _SINCE)
             .order_by(AuditEntry.seq.desc()).limit(VERIFY_SCAN))


def security_alarms(session: Session, actor: Actor, now: datetime | None = None) -> list[Alarm]:
    """For the DPO only (others get none; nor a DPO limited to some entities: the alarms name
    the group's accounts): what in the last 24 hours looks like an attack."""
    if actor.role != Role.DPO or actor.entity_ids is not None:
        return []
    now = now or utcnow()
    since = now - PERIOD
    audit_anonymous.summarise_closed(session, now)
    alarms: list[Alarm] = []
    period = {"since": since}
    for name, count in direct.execute(session, _REFUSED, period):
        alarms.append(Alarm("alarm.refusals", {"user": name, "count": count}))
    locked = direct.execute(session, _LOCKED, period).all()
    if locked:
        alarms.append(Alarm("alarm.lockouts", {"count": len(locked), "names": ", ".join(locked)}))
    attempts = audit_anonymous.attempts_per_action(session, ("auth.forged_session", "auth.login_failed"), since)
    forged = attempts.get("auth.forged_session", 0)
    if forged:
        alarms.append(Alarm("alarm.forged_sessions", {"count": forged}))
    failed = attempts.get("auth.login_failed", 0)
    if failed >= FAILED_LOGINS:
        alarms.append(Alarm("alarm.failed_logins", {"count": failed}))
    verified = direct.execute(session, _VERIFIED, period).all()
    altered = sum(1 for details in verified if (details or {}).get("outcome") == "altered")
    if altered:
        alarms.append(Alarm("alarm.altered_documents", {"count": altered}))
    return alarms
