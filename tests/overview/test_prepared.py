"""The overview's statements are built once per actor and shape of filter and run again
(dashboard/overview/prepared.py): a statement run again must give what a statement built
afresh gives — for another day, another entity or department, another horizon or period —
and must not keep what the data said when it was built (a department head's processors are
those serving the departments' activities *now*). On SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, update

from dashboard import direct, overview
from dashboard.demo import activities as demo_activities
from dashboard.overview import figures, prepared
from dashboard.overview.scope import OverviewFilter
from dashboard.processor.contracts import save_contract
from dashboard.processor.registry import create_processor
from dashboard.processor.scope import visible, visible_in_sql
from models.clock import paris_today
from models.processing import ProcessingActivity
from models.processor import Processor
from sqlmodel import select
from tests.overview import factories as make
from tests.processor.conftest import contract_data, porg, processor_data  # noqa: F401 - fixture

FILTER = OverviewFilter(horizon_days=365)


def _processors(porg):  # noqa: F811
    """A payroll processor (HR's activity) whose contract ends within the horizon, and one serving
    another department's activity (member management)."""
    today = paris_today()
    with porg.work() as session:
        payroll = create_processor(session, porg.dpo, processor_data(porg, activities=("hr_payroll",)))
        save_contract(session, porg.dpo, payroll.id, contract_data(initial_end=today + timedelta(days=40)))
        other = create_processor(session, porg.dpo, processor_data(porg, activities=("member_management",),
                                                                   legal_name="Adhésions SAS"))
        save_contract(session, porg.dpo, other.id, contract_data(initial_end=today + timedelta(days=50)))


def _build(org, actor, flt=FILTER):
    """The overview, and the statements that read activity ids on their own while building it."""
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT processing_activity.id"):
            seen.append(statement)
    event.listen(org.engine, "before_cursor_execute", count)
    try:
        with org.session() as session:
            view = overview.build(session, actor, flt)
    finally:
        event.remove(org.engine, "before_cursor_execute", count)
    return view, seen


def test_a_head_sees_the_processors_of_the_processor_lists_without_a_query_of_their_own(porg):  # noqa: F811
    _processors(porg)
    view, seen = _build(porg, porg.head_hr)
    assert seen == []  # the departments' activities are a subquery, not ids read when the statement is built
    assert view.headline.kinds["contract_end"].upcoming == 1  # the payroll contract only
    dpo_view, _ = _build(porg, porg.dpo)
    assert dpo_view.headline.kinds["contract_end"].upcoming == 2
    with porg.session() as session:  # the same processors as the processor lists' rule
        for actor in (porg.head_hr, porg.dpo):
            assert set(session.exec(select(Processor.id).where(visible_in_sql(actor)))) == set(
                session.exec(select(Processor.id).where(visible(session, actor))))


def test_a_kept_statement_sees_an_activity_that_moved_to_the_head_s_department(porg):  # noqa: F811
    _processors(porg)
    before, _ = _build(porg, porg.head_hr)
    assert before.headline.kinds["contract_end"].upcoming == 1
    with porg.work() as session:  # member management moves to Human Resources
        session.exec(update(ProcessingActivity)
                     .where(ProcessingActivity.id == demo_activities.activity_id(session, "member_management"))
                     .values(department_id=porg.departments["RH"].id))
    after, _ = _build(porg, porg.head_hr)
    assert after.headline.kinds["contract_end"].upcoming == 2


def test_the_processors_a_head_sees_are_not_shared_with_another_actor(porg):  # noqa: F811
    _processors(porg)
    with porg.session() as session:
        head = overview.build(session, porg.head_hr, FILTER).headline
        dpo = overview.build(session, porg.dpo, FILTER).headline
        head_again = overview.build(session, porg.head_hr, FILTER).headline
    assert head.kinds["contract_end"].upcoming == 1 == head_again.kinds["contract_end"].upcoming
    assert dpo.kinds["contract_end"].upcoming == 2


# 10 March 2026 in the evening in Paris, then the next days: requests, breaches and register
# entries around them, in two entities and two departments.
EVENING = datetime(2026, 3, 10, 20, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)


def _cases(org):
    with org.work() as session:
        for received, department in ((date(2026, 2, 10), "DRC"), (date(2026, 2, 18), "RH"), (date(2026, 1, 12), "RH"),
                                     (date(2026, 3, 9), None), (date(2026, 2, 28), "DRC"), (date(2025, 12, 1), "DRC")):
            make.request(session, org, received, department)
        make.request(session, org, date(2026, 2, 2), status="closed", answered_on=date(2026, 2, 20))
        make.request(session, org, date(2025, 11, 2), status="closed", answered_on=date(2026, 1, 10), department="RH")
        make.breach(session, org, EVENING - 80 * H)
        make.breach(session, org, EVENING - 30 * H, department="RH")
        make.breach(session, org, EVENING - 60 * H, notified_at=EVENING - 20 * H)
        make.activity(session, org, "RH", date(2026, 3, 12))
        make.activity(session, org, "DRC", date(2026, 4, 20), status="draft")


def _filters(org):
    drc, rh, medicis = org.departments["DRC"].id, org.departments["RH"].id, org.entities["MEDICIS"].id
    other = next(e.id for code, e in org.entities.items() if code != "MEDICIS")
    return [OverviewFilter(now=EVENING), OverviewFilter(now=EVENING + 4 * H),  # midnight passed in Paris
            OverviewFilter(now=EVENING + 24 * 9 * H), OverviewFilter(now=EVENING, horizon_days=30),
            OverviewFilter(now=EVENING + 24 * 40 * H, months=3),
            OverviewFilter(now=EVENING, department_id=drc), OverviewFilter(now=EVENING, department_id=rh),
            OverviewFilter(now=EVENING, entity_id=medicis), OverviewFilter(now=EVENING, entity_id=other),
            OverviewFilter(now=EVENING, case_types=("dsr", "breach"))]


def _everything(org, actor, flt):
    with org.session() as session:
        view = overview.build(session, actor, flt)
        lists = {(kind, urgency, page): figures.deadline_list(session, actor, flt, kind, urgency, page, 2)
                 for kind in ("dsr_answer", "breach_notification", "register_review")
                 for urgency in ("", "late", "soon", "upcoming") for page in (1, 2)}
    return view, lists


def test_statements_run_again_give_what_statements_built_afresh_give(org):
    _cases(org)
    filters = _filters(org)
    views = {}
    for actor in (org.dpo, org.head_hr):
        prepared.forget()
        kept = [_everything(org, actor, flt) for flt in filters]  # built for the first of each shape, then run again
        for flt, (view, lists) in zip(filters, kept):
            prepared.forget()
            fresh_view, fresh_lists = _everything(org, actor, flt)
            assert view == replace(fresh_view, headline=replace(fresh_view.headline, now=view.headline.now)), flt
            assert lists == fresh_lists, flt
        views[actor.username] = [view for view, _ in kept]
    dpo = views[org.dpo.username]  # the filters do change the figures (else the comparison would prove little)
    assert dpo[0].headline.late_total() < dpo[1].headline.late_total()  # midnight in Paris
    assert dpo[5].headline.requests_open != dpo[6].headline.requests_open  # two departments
    assert dpo[0].headline.requests_open > views[org.head_hr.username][0].headline.requests_open


def _everything_and_plan(org, actor, flt):
    from dashboard import action_plan

    view, lists = _everything(org, actor, flt)
    with org.session() as session:
        af = action_plan.ActionFilter(flt.entity_id, flt.department_id)
        return (view, lists, overview.build(session, actor, flt, with_actions=True).actions,
                action_plan.actions(session, actor, af), figures.upcoming_items(session, actor, flt, 3))


def test_kept_statements_run_on_the_connection_give_what_sqlalchemy_gives(org, monkeypatch):
    """A kept statement runs below SQLAlchemy (dashboard/direct.py: its final SQL, its parameters
    through the same type processors, its rows through the same result processors): every figure,
    list and action it gives is what SQLAlchemy's own execution gives, to the type (a day is a
    date, an instant an aware datetime, on SQLite too)."""
    _cases(org)
    items = []
    for actor in (org.dpo, org.head_hr):
        for flt in _filters(org):
            prepared.forget()
            monkeypatch.setattr(direct, "ENABLED", False)
            expected = _everything_and_plan(org, actor, flt)
            monkeypatch.setattr(direct, "ENABLED", True)
            below = _everything_and_plan(org, actor, flt)
            assert below == expected, flt
            items += below[4]
    assert items and all(isinstance(i.due, date) and not isinstance(i.due, datetime) for i in items)
    assert any(i.due_at for i in items) and all(i.due_at is None or i.due_at.tzinfo is not None for i in items)


def test_a_kept_statement_run_on_the_connection_sends_what_sqlalchemy_sends(org, monkeypatch):
    """The same SQL and the same parameter values, processed by the same types (an instant on
    SQLite is UTC text as SQLAlchemy writes it: compared as text with the stored values), as
    SQLAlchemy's own execution; the day's values stay bind parameters; a listener on the engine
    (the benchmark's capture, a log) sees each statement."""
    from dashboard import action_plan

    _cases(org)

    def sent(enabled: bool) -> list:
        seen = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            seen.append((statement, list(parameters.values()) if isinstance(parameters, dict) else list(parameters)))
        monkeypatch.setattr(direct, "ENABLED", enabled)
        event.listen(org.engine, "before_cursor_execute", capture)
        try:
            for actor in (org.dpo, org.head_hr):
                with org.session() as session:
                    overview.build(session, actor, OverviewFilter(now=EVENING), with_actions=True)
                    action_plan.actions(session, actor, action_plan.ActionFilter())
        finally:
            event.remove(org.engine, "before_cursor_execute", capture)
        return [s for s in seen if "ov_" in s[0] or "ap_" in s[0] or "UNION" in s[0] or "?" in s[0]]

    prepared.forget()
    expected = sent(False)
    prepared.forget()
    below = sent(True)
    assert below == expected
    kinds = [params for sql, params in below if "UNION ALL" in sql]
    assert kinds and all("2026-03-10" not in sql for sql, _ in below)
    assert any("2026-03-10" in str(value) for params in kinds for value in params)


def test_the_filters_names_follow_the_actor_s_entities_and_the_data(org):
    """organisation.names keeps its statements per entity limit (issue 19): a user limited to one
    entity never gets another's names, whoever asked first; a renamed department is read anew."""
    from models.org import Department

    from dashboard import organisation

    medicis = org.entities["MEDICIS"].id
    limited = replace(org.dpo, entity_ids=frozenset({medicis}))

    def expected(actor):
        with org.session() as session:
            return ({e.id: e.name for e in organisation.list_entities(session, actor)},
                    [(d.id, d.name, d.entity_id) for d in organisation.list_departments(session, actor)])

    for actor in (limited, org.dpo, limited, org.head_hr):
        with org.session() as session:
            names = organisation.names(session, actor)
        assert (names.entities, names.departments) == expected(actor), actor.entity_ids
    assert set(expected(limited)[0]) == {medicis} and len(expected(org.dpo)[0]) > 1
    with org.work() as session:
        department = session.get(Department, org.departments["RH"].id)
        department.name = "Ressources humaines et paie"
        session.add(department)
    with org.session() as session:
        assert (org.departments["RH"].id, "Ressources humaines et paie", medicis) in organisation.names(
            session, org.dpo).departments


def test_a_built_chart_gives_the_json_plotly_gives():
    """The overview's charts hand st.plotly_chart a plain form made once (issue 19): the same JSON
    as plotly's own figure, and the same object on each draw."""
    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools

    from dashboard.charts.overview import BuiltFigure

    spec = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"title": {"text": "T"}}}
    built = BuiltFigure(spec)
    drawn = plotly.tools.return_figure_from_figure_or_data(built, validate_figure=True)  # as st.plotly_chart does
    assert drawn is built.to_dict()
    assert plotly.io.to_json(drawn, validate=False) == plotly.io.to_json(go.Figure(spec), validate=False)


def test_a_database_error_below_sqlalchemy_is_sqlalchemy_s_error(org):
    """The pages tell "database unavailable" and other database errors apart by SQLAlchemy's
    exceptions: a statement run on the connection raises those too, never the driver's own."""
    from sqlalchemy import Column, Integer, MetaData, Table
    from sqlalchemy.exc import DBAPIError

    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    statement = select(missing.c.id).where(missing.c.id > 0)
    with org.session() as session, pytest.raises(DBAPIError) as error:
        direct.execute(session, statement, {})
    assert "no_such_table" in str(error.value.orig)
