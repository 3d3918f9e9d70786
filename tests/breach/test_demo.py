"""The demo breaches: every state of the register, idempotent, visible per role."""

from sqlalchemy import func
from sqlmodel import select

from dashboard import db, demo
from dashboard.breach import records
from dashboard.demo import activities as demo_activities
from dashboard.links import cases_linked_to_activity
from models.breach import Breach, BreachNotification
from models.deadlines import breach_notification_late
from models.types import utcnow
from tests.conftest import build_org


def test_demo_breaches_cover_every_state_and_seed_once(engine):
    for _ in range(2):
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    org = build_org(engine)
    now = utcnow()
    with org.session() as session:
        breaches = session.exec(select(Breach)).all()
        initial = {n.breach_id: n for n in session.exec(select(BreachNotification).where(
            BreachNotification.phase == "initial"))}
        complements = session.exec(select(func.count()).select_from(BreachNotification).where(
            BreachNotification.phase == "complementary")).one()
        head_sees = {r.title for r in records.list_breaches(session, org.head_hr, page_size=50).rows}
        payroll = demo_activities.activity_id(session, "hr_payroll")
        linked = cases_linked_to_activity(session, org.dpo, payroll)
    assert 8 <= len(breaches) <= 12
    running = [b for b in breaches if b.authority_notification == "pending" and b.notification_deadline]
    assert any(b.notification_deadline > now for b in running) and any(b.notification_deadline < now for b in running)
    late = [b for b in breaches if b.id in initial and breach_notification_late(b.notification_deadline,
                                                                                initial[b.id].sent_at)]
    assert late and all(initial[b.id].delay_reasons for b in late)
    assert any(b.id in initial and b not in late for b in breaches)  # notified on time
    assert any(b.risk_level == "none" and b.risk_justification for b in breaches)
    assert any(b.risk_level == "high" and b.people_informed_at for b in breaches)
    assert any(b.art34_exception == "unintelligible" for b in breaches)
    assert any(b.aware_at is None and b.status == "declared" for b in breaches)
    assert {b.entity_id for b in breaches} >= {org.entities[c].id for c in ("MEDICIS", "SAVELUNARI", "LUMINA")}
    assert complements >= 2
    assert head_sees == {"Perte d'un ordinateur portable chiffré d'une gestionnaire RH",
                         "Dossiers de candidats accessibles sur le partage réseau commun"}
    assert [c.title for c in linked if c.case_type == "breach"] == ["Perte d'un ordinateur portable chiffré d'une gestionnaire RH"]
