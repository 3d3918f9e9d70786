"""The overview works out which processors a department head may see once per unit of work
(it used to be once per kind of processor deadline: a dozen queries and subqueries a run), and
counts the same as before, on SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import event

from dashboard import overview
from dashboard.overview import sources
from dashboard.overview.scope import OverviewFilter
from dashboard.processor.contracts import save_contract
from dashboard.processor.registry import create_processor
from dashboard.processor.scope import visible
from models.clock import paris_today
from tests.processor.conftest import contract_data, porg, processor_data  # noqa: F401 - fixture

FILTER = OverviewFilter(horizon_days=365)


def _processors(porg):  # noqa: F811
    """A payroll processor (HR's activity) whose contract ends within the horizon, and one serving
    another department's activity."""
    today = paris_today()
    with porg.work() as session:
        payroll = create_processor(session, porg.dpo, processor_data(porg, activities=("hr_payroll",)))
        save_contract(session, porg.dpo, payroll.id, contract_data(initial_end=today + timedelta(days=40)))
        other = create_processor(session, porg.dpo, processor_data(porg, activities=("member_management",),
                                                                   legal_name="Adhésions SAS"))
        save_contract(session, porg.dpo, other.id, contract_data(initial_end=today + timedelta(days=50)))


def _activity_queries(porg, actor):  # noqa: F811
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "FROM processing_activity" in statement and "processing_activity.id" in statement.split("FROM")[0]:
            seen.append(statement)
    event.listen(porg.engine, "before_cursor_execute", count)
    try:
        with porg.session() as session:
            view = overview.build(session, actor, FILTER)
    finally:
        event.remove(porg.engine, "before_cursor_execute", count)
    return view, seen


def test_a_head_s_processors_are_worked_out_once_and_counted_as_before(porg, monkeypatch):  # noqa: F811
    _processors(porg)
    view, seen = _activity_queries(porg, porg.head_hr)
    assert len(seen) == 2  # the processors' scope once, the DPIAs' scope once
    monkeypatch.setattr(sources, "_processors_visible", lambda session, actor: visible(session, actor))
    before, seen_before = _activity_queries(porg, porg.head_hr)
    assert len(seen_before) > 10  # what the overview did before, and what the check compares with
    assert replace(view.headline, now=before.headline.now) == before.headline
    assert view.headline.kinds["contract_end"].upcoming == 1  # the payroll contract only
    dpo_view, _ = _activity_queries(porg, porg.dpo)
    assert dpo_view.headline.kinds["contract_end"].upcoming == 2


def test_the_processors_a_head_sees_are_not_shared_with_another_actor_in_the_same_unit_of_work(porg):  # noqa: F811
    _processors(porg)
    with porg.session() as session:
        head = overview.build(session, porg.head_hr, FILTER).headline
        dpo = overview.build(session, porg.dpo, FILTER).headline
        head_again = overview.build(session, porg.head_hr, FILTER).headline
    assert head.kinds["contract_end"].upcoming == 1 == head_again.kinds["contract_end"].upcoming
    assert dpo.kinds["contract_end"].upcoming == 2
