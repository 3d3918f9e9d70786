"""Register use cases on SQLite and PostgreSQL: who sees and changes what, the status
machine, the yearly review, and the cases linked to an entry."""

from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import db, register
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.processor import registry as processor_registry
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.deadlines import register_review_date
from models.errors import RuleViolation
from models.processing import ProcessingActivity
from models.register import PurposeRow
from tests.breach import factories as breach_factories
from tests.processor.conftest import processor_data
from tests.register.factories import complete, create


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, *args, **kwargs)


def test_department_heads_see_and_edit_only_their_departments_entries(org):
    own = create(org, org.head_cr, department="DRC")
    other = create(org, org.dpo, department="RH", name="Paie")
    rows = _call(org, register.list_activities, org.head_cr).rows
    assert [r.reference for r in rows] == [own.reference]
    assert _call(org, register.list_activities, org.auditor).total == 2
    for attempt in (lambda s: register.get_activity(s, org.head_cr, other.id),
                    lambda s: register.update_activity(s, org.head_cr, other.id, None,
                                                       complete(org.departments["RH"].id, name="Paie modifiée")),
                    lambda s: register.get_activity(s, org.head_cr, 999_999)):
        with pytest.raises(NotAllowed):
            _call(org, attempt)
    with pytest.raises(NotAllowed):  # nor move an entry into a department they do not head
        _call(org, register.update_activity, org.head_cr, own.id, None, complete(org.departments["RH"].id))
    with pytest.raises(NotAllowed):  # nor create one there
        create(org, org.head_cr, department="RH")
    exported = [e.reference for e in _call(org, register.register_entries, org.head_cr)]
    assert exported == [own.reference]
    with org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert len(denied) == 5


def test_auditors_change_nothing_and_only_the_dpo_validates(org):
    activity = create(org, org.legal)
    with pytest.raises(NotAllowed):
        create(org, org.auditor)
    for actor in (org.legal, org.head_cr, org.auditor):
        with pytest.raises(NotAllowed):
            _call(org, register.validate_activity, actor, activity.id, None)
    with pytest.raises(NotAllowed):
        _call(org, register.record_review, org.head_cr, activity.id, None, "Relu avec la direction")
    validated = _call(org, register.validate_activity, org.dpo, activity.id, activity.version)
    assert (validated.status, validated.validated_by_id) == ("validated", org.dpo.user_id)
    assert validated.last_reviewed_on == paris_today()
    assert validated.next_review_on == register_review_date(paris_today())
    with pytest.raises(RuleViolation):
        _call(org, register.validate_activity, org.dpo, activity.id, None)


def test_an_incomplete_draft_cannot_be_validated(org):
    activity = create(org, org.dpo, security_measures=[])
    with pytest.raises(InvalidInput) as caught:
        _call(org, register.validate_activity, org.dpo, activity.id, None)
    assert [p.key for p in caught.value.problems] == ["register.gap.security"]
    insurer_transfer = create(org, org.dpo, transfers=[{"recipient": "Outil", "country": "US", "safeguard": "sccs"}])
    with pytest.raises(InvalidInput):  # the insurer's policy forbids transfers outside the EU
        _call(org, register.validate_activity, org.dpo, insurer_transfer.id, None)


def test_a_change_by_anyone_but_the_dpo_sends_a_validated_entry_back_to_draft(org):
    activity = create(org, org.head_cr)
    activity = _call(org, register.validate_activity, org.dpo, activity.id, activity.version)
    department = org.departments["DRC"].id
    changed = _call(org, register.update_activity, org.dpo, activity.id, activity.version,
                    complete(department, description="Précisée par le DPO"))
    assert (changed.status, changed.validated_by_id) == ("validated", org.dpo.user_id)
    changed = _call(org, register.update_activity, org.head_cr, activity.id, changed.version,
                    complete(department, description="Nouvelle finalité proposée"))
    assert (changed.status, changed.validated_by_id, changed.validated_at) == ("draft", None, None)
    assert changed.next_review_on == activity.next_review_on  # the review schedule stays
    with pytest.raises(ConcurrentEdit):  # a stale version is refused, nothing overwritten
        _call(org, register.update_activity, org.legal, activity.id, activity.version,
              complete(department, description="Écrase tout"))
    view = _call(org, register.get_activity, org.dpo, activity.id)
    assert view.content.description == "Nouvelle finalité proposée"
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "register.update")
                             .order_by(AuditEntry.seq.desc())).first()
    assert entry.details["changes"]["description"] == ["Précisée par le DPO", "Nouvelle finalité proposée"]
    assert entry.details["status"] == ["validated", "draft"]


def test_bad_input_changes_nothing(org):
    activity = create(org, org.dpo)
    with pytest.raises(InvalidInput):
        _call(org, register.update_activity, org.dpo, activity.id, None,
              complete(org.departments["DRC"].id, purposes=[{"description": "Sans base"}]))
    with org.session() as session:
        assert len(session.exec(select(PurposeRow).where(PurposeRow.activity_id == activity.id)).all()) == 2
        assert session.get(ProcessingActivity, activity.id).version == activity.version


def test_yearly_review_lists_due_entries_and_records_who_when_what(org):
    late = create(org, org.dpo, name="Revue en retard")
    fresh = create(org, org.dpo, name="Revue à jour")
    for activity, days in ((late, 400), (fresh, 30)):
        with org.work() as session:
            row = session.get(ProcessingActivity, activity.id)
            row.last_reviewed_on = paris_today() - timedelta(days=days)
            row.next_review_on = register.next_review_on(row.last_reviewed_on)
            session.add(row)
    due = _call(org, register.list_activities, org.legal, register.RegisterFilter(review_due=True)).rows
    assert [r.reference for r in due] == [late.reference]
    assert due[0].review_state(paris_today()) == "late"
    review = _call(org, register.record_review, org.legal, late.id, None, "Durées de conservation revues")
    assert (review.reviewer_name, review.reviewed_on) == ("Julien Mercier", paris_today())
    assert _call(org, register.count_reviews_due, org.dpo) == 0
    view = _call(org, register.get_activity, org.auditor, late.id)
    assert [r.changes for r in view.reviews] == ["Durées de conservation revues"]
    assert view.activity.next_review_on == register_review_date(paris_today())


def test_an_entry_shows_the_cases_linked_to_it(org):
    activity = create(org, org.head_cr)
    assert _call(org, register.get_activity, org.dpo, activity.id).linked == []
    processor = _call(org, processor_registry.create_processor, org.dpo,
                      processor_data(org, activities=(), activity_ids=[activity.id]))
    breach = breach_factories.declare(org, activity_ids=[activity.id])
    view = _call(org, register.get_activity, org.head_cr, activity.id)
    assert [(c.case_type, c.reference) for c in view.linked] == [("processor", processor.reference),
                                                                 ("breach", breach.reference)]
    with pytest.raises(NotAllowed):
        _call(org, register.linked_cases, org.head_hr, activity.id)
