"""A case linked to a processing activity shows that activity, and the activity shows the
case: the same links whichever side one starts from, for every case type, within what
each user may see (the demo data links cases of every type to the register)."""

import pytest
from sqlmodel import select

from dashboard.breach import records as breach_records
from dashboard.dpia import cases as dpia_cases
from dashboard.dsr import queries as dsr_queries
from dashboard.errors import NotAllowed
from dashboard.links import cases_linked_to_activity
from dashboard.processor import registry as processor_registry
from models.breach import Breach
from models.dpia import Dpia
from models.dsr import DataSubjectRequest
from models.processing import ProcessingActivity
from models.processor import Processor
from tests.conftest import actor_named

REASON = "contrôle des liens avec le registre"
CASE_VIEWS = {  # case type -> (table, the activity ids its own view lists)
    "dsr": (DataSubjectRequest,
            lambda s, a, i: [aid for aid, _ in dsr_queries.open_request(s, a, i, reason=REASON).activities]),
    "breach": (Breach, lambda s, a, i: [x.id for x in breach_records.get_breach(s, a, i).activities]),
    "dpia": (Dpia, lambda s, a, i: [dpia_cases.get_dpia(s, a, i).activity_id]),
    "processor": (Processor, lambda s, a, i: [x.id for x in processor_registry.get_processor(s, a, i).activities]),
}


def _from_case_views(org, actor) -> set[tuple[str, int, int]]:
    links = set()
    for case_type, (table, view) in CASE_VIEWS.items():
        with org.session() as session:
            ids = session.exec(select(table.id)).all()
        for case_id in ids:
            try:
                with org.work() as session:
                    links |= {(case_type, case_id, activity_id) for activity_id in view(session, actor, case_id)}
            except NotAllowed:  # not this user's case
                continue
    return links


def _from_activities(org, actor) -> set[tuple[str, int, int]]:
    with org.session() as session:
        return {(case.case_type, case.case_id, activity_id)
                for activity_id in session.exec(select(ProcessingActivity.id)).all()
                for case in cases_linked_to_activity(session, actor, activity_id)
                if case.case_type in CASE_VIEWS}  # not "dpia_screening": the activity's own pre-assessment


@pytest.mark.parametrize("username", ["dpo", "chef.rh", "chef.relation"])
def test_every_link_shows_on_both_sides(demo_org, username):
    actor = actor_named(demo_org.engine, username)
    from_cases = _from_case_views(demo_org, actor)
    assert from_cases == _from_activities(demo_org, actor)
    if username == "dpo":
        assert {case_type for case_type, _, _ in from_cases} == set(CASE_VIEWS)
    else:  # a head sees some linked cases, not all of them
        assert from_cases and from_cases < _from_case_views(demo_org, demo_org.dpo)
