"""Declaring and reading breaches, on SQLite and PostgreSQL: the stored clock, who
sees what, bad input refused with nothing saved, concurrent edits."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard.breach import records
from dashboard.demo import activities as demo_activities
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.links import cases_linked_to_activity
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.breach import Breach, BreachDepartment
from models.types import utcnow
from tests.breach.factories import H, declare, facts, qualify


def _count(org) -> int:
    with org.session() as session:
        return session.exec(select(func.count()).select_from(Breach)).one()


def _keys(error: InvalidInput) -> set[tuple[str, str]]:
    return {(p.field, p.key) for p in error.problems}


def test_declaring_stores_the_72_hour_deadline_across_a_daylight_saving_change(org):
    aware = datetime(2026, 10, 23, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))  # clocks go back on 25 October
    breach = declare(org, org.head_hr, started_at=None, detected_at=aware, aware_at=aware,
                     department_ids=[org.departments["RH"].id])
    with org.session() as session:
        stored = session.get(Breach, breach.id)
        assert stored.reference.startswith("VIO-") and stored.status == "declared"
        # 18:30 CEST = 16:30 UTC; 72 real hours later is 16:30 UTC, 17:30 on the Paris wall clock (CET).
        assert stored.notification_deadline == datetime(2026, 10, 26, 16, 30, tzinfo=timezone.utc)
        assert stored.notification_deadline.astimezone(ZoneInfo("Europe/Paris")).hour == 17
        assert stored.notification_deadline - stored.aware_at == 72 * H
        assert stored.authority_notification == "pending" and stored.declared_by_name == "Sophie Martin"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "breach.declare")).one()
    assert entry.object_ref == stored.reference and entry.actor_name == "chef.rh"


def test_changing_awareness_moves_the_deadline(org):
    breach = declare(org, aware_at=None)
    assert breach.notification_deadline is None
    later = utcnow().replace(microsecond=0) - 2 * H
    with org.work() as session:
        records.update_facts(session, org.legal, breach.id, breach.version, facts(org, aware_at=later))
    with org.session() as session:
        assert session.get(Breach, breach.id).notification_deadline == later + 72 * H


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"aware_at": utcnow() - 30 * H, "started_at": utcnow() - 20 * H, "detected_at": utcnow() - 40 * H},
     ("breach_aware_at", "breach.aware_before_start")),
    ({"people_min": -5}, ("breach_people_min", "breach.negative_number")),
    ({"records_min": 500, "records_max": 20}, ("breach_records_max", "breach.range_inverted")),
    ({"confidentiality": False}, ("breach_confidentiality", "breach.nature_required")),
    ({"data_categories": ["horoscope"]}, ("breach_data_categories", "breach.unknown_category")),
    ({"title": "x"}, ("breach_title", "validation.too_short")),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(org, overrides, expected):
    with pytest.raises(InvalidInput) as error:
        declare(org, **overrides)
    assert expected in _keys(error.value)
    assert _count(org) == 0


def test_auditor_cannot_declare_and_department_head_cannot_qualify(org):
    with pytest.raises(NotAllowed):
        declare(org, org.auditor)
    breach = declare(org, org.head_cr)
    with pytest.raises(NotAllowed):
        qualify(org, breach, actor=org.head_cr)
    with org.session() as session:
        denied = session.exec(select(AuditEntry.details).where(AuditEntry.action == "access.denied")).all()
    assert {d["attempted"] for d in denied} == {"breach.declare", "breach.qualify"}


def test_department_heads_see_what_they_declared_and_their_departments_breaches(org):
    hr = org.departments["RH"].id
    by_hr = declare(org, org.head_hr, title="Déclarée par la DRH", department_ids=[])
    for_hr = declare(org, org.dpo, title="Concerne les RH", department_ids=[hr])
    other = declare(org, org.dpo, title="Concerne la relation client")
    with org.session() as session:
        seen = {r.title for r in records.list_breaches(session, org.head_hr).rows}
        assert seen == {"Déclarée par la DRH", "Concerne les RH"}
        assert records.count_breaches(session, org.head_hr) == 2
        assert records.counts(session, org.head_hr).open == 2
        assert {r.title for r in records.list_breaches(session, org.head_cr).rows} == {"Concerne la relation client"}
        assert records.count_breaches(session, org.auditor) == 3
        assert records.get_breach(session, org.head_hr, for_hr.id).breach.id == for_hr.id
    for forged in (other.id, 999999):  # another department's and a non-existent one: the same refusal
        with pytest.raises(NotAllowed), org.work() as session:
            records.get_breach(session, org.head_hr, forged)
    assert by_hr.declared_by_id == org.head_hr.user_id


def test_activities_add_their_departments_and_list_the_breach(org):
    with org.work() as session:
        demo_activities.seed(session)
        payroll = demo_activities.activity_id(session, "hr_payroll")
    breach = declare(org, activity_ids=[payroll], department_ids=[])
    with org.session() as session:
        departments = session.exec(select(BreachDepartment.department_id).where(
            BreachDepartment.breach_id == breach.id)).all()
        assert departments == [org.departments["RH"].id]
        assert [c.reference for c in cases_linked_to_activity(session, org.head_hr, payroll)] == [breach.reference]
        assert cases_linked_to_activity(session, org.head_cr, payroll) == []


def test_an_activity_of_another_entity_is_refused(org):
    with org.work() as session:
        demo_activities.seed(session)
        lumina = demo_activities.activity_id(session, "partner_sharing")
    with pytest.raises(InvalidInput) as error:
        declare(org, activity_ids=[lumina])
    assert ("breach_activity_ids", "breach.activity_other_entity") in _keys(error.value)


def test_a_stale_edit_is_refused_and_the_first_kept(org):
    breach = declare(org)
    with org.work() as session:
        records.update_facts(session, org.dpo, breach.id, breach.version, facts(org, title="Première correction"))
    with pytest.raises(ConcurrentEdit), org.work() as session:
        records.update_facts(session, org.legal, breach.id, breach.version, facts(org, title="Seconde correction"))
    with org.session() as session:
        assert session.get(Breach, breach.id).title == "Première correction"


def test_sql_finds_running_and_overdue_clocks(org):
    declare(org, title="Dans les 72 heures", hours_ago=10)
    declare(org, title="Échéance dépassée", hours_ago=80)
    settled = declare(org, title="Sans risque", hours_ago=90)
    qualify(org, settled, level="none")
    declare(org, title="Prise de connaissance à établir", aware_at=None)
    with org.session() as session:
        running = records.list_breaches(session, org.dpo, records.BreachFilter(clock="running")).rows
        overdue = records.list_breaches(session, org.dpo, records.BreachFilter(clock="overdue")).rows
        counts = records.counts(session, org.dpo)
    assert [r.title for r in running] == ["Échéance dépassée", "Dans les 72 heures"]  # soonest deadline first
    assert [r.title for r in overdue] == ["Échéance dépassée"]
    assert (counts.running, counts.overdue, counts.to_assess, counts.open) == (2, 1, 3, 4)
