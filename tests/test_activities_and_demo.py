"""The processing-activity hub as other case types see it, and the demo data."""

import shutil

from sqlalchemy import func
from sqlmodel import select

from dashboard import db, demo
from dashboard.activities import activities_of_departments, activity_choices
from dashboard.demo import activities as demo_activities
from models.audit import AuditEntry
from models.breach import Breach
from models.dpia import Dpia
from models.dsr import DataSubjectRequest
from models.org import User
from models.processing import ProcessingActivity
from models.processor import Processor


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


def _demo_content(engine) -> dict[str, list[tuple]]:
    """The main tables' visible content, in reference order. Breach timestamps are kept
    relative to the first detection: the demo places them relative to the minute of seeding."""
    with db.new_session(engine) as session:
        breaches = session.exec(select(Breach).order_by(Breach.reference)).all()
        origin = min(b.detected_at for b in breaches)
        return {
            "dsr_request": [(r.reference, r.status, r.requester_name, r.received_on, r.due_on, r.outcome)
                            for r in session.exec(select(DataSubjectRequest).order_by(DataSubjectRequest.reference))],
            "breach": [(b.reference, b.title, b.status, b.risk_level, b.detected_at - origin,
                        b.aware_at and b.aware_at - origin, b.notified_at and b.notified_at - origin)
                       for b in breaches],
            "processor": [(p.reference, p.legal_name, p.status, p.last_audit_on, p.next_audit_date)
                          for p in session.exec(select(Processor).order_by(Processor.reference))],
            "dpia": [(d.reference, d.title, d.status, d.decided_on, d.review_date)
                     for d in session.exec(select(Dpia).order_by(Dpia.reference))],
            "processing_activity": [(a.reference, a.name, a.status, a.last_reviewed_on, a.next_review_on)
                                    for a in session.exec(select(ProcessingActivity)
                                                          .order_by(ProcessingActivity.reference))],
        }


def test_demo_data_is_the_same_on_every_fresh_database(tmp_path, sqlite_template):
    contents = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        engine = db.make_engine(f"sqlite:///{path}")
        with db.unit_of_work(engine) as session:
            demo.seed(session)
        contents.append(_demo_content(engine))
        engine.dispose()
    assert all(contents[0].values())  # every main table has demo rows
    assert contents[0] == contents[1]
