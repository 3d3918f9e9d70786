"""The processing-activity hub as other case types see it, and the demo data."""

from sqlalchemy import func
from sqlmodel import select

from dashboard import db, demo
from dashboard.activities import activities_of_departments, activity_choices
from dashboard.demo import activities as demo_activities
from models.audit import AuditEntry
from models.org import User
from models.processing import ProcessingActivity


def _seed(org):
    with org.work() as session:
        demo_activities.seed(session)


def test_department_heads_choose_among_their_departments_activities(org):
    _seed(org)
    with org.session() as session:
        everything = activity_choices(session, org.dpo)
        hr = activity_choices(session, org.head_hr)
        medicis_only = activity_choices(session, org.legal, entity_id=org.entities["MEDICIS"].id)
        hr_ids = activities_of_departments(session, {org.departments["RH"].id})
    assert len(everything) == len(demo_activities.ACTIVITIES)
    assert {c.name for c in hr} == {"Gestion administrative du personnel et paie", "Recrutement des candidats"}
    assert sorted(c.id for c in hr) == sorted(hr_ids)
    assert {c.entity_id for c in medicis_only} == {org.entities["MEDICIS"].id}
    assert all(c.label.startswith("TRT-") for c in everything)


def test_demo_seed_is_idempotent(engine):
    for _ in range(2):
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    with db.new_session(engine) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 7
        assert session.exec(select(func.count()).select_from(ProcessingActivity)).one() == len(
            demo_activities.ACTIVITIES)
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() > 0
        assert demo_activities.activity_id(session, "ai_personalisation")
