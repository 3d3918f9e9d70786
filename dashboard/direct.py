"""Statements built once and run many times, run below SQLAlchemy's execution (issue 19).

SQLAlchemy's work around a statement already built (its compiled-cache lookup, expanding the
IN lists, processing each parameter, its result objects) cost the overview about twice what
SQLite took to run its statements. A statement kept by its caller (module level, or
dashboard/overview/prepared.py) is compiled once per dialect into its final SQL and parameter
order (`_Plan`), then run on the session's own DBAPI connection, in its transaction, with the
run's values through the statement's own bind processors and its rows through its own result
processors: the same SQL, bind parameters and values as SQLAlchemy's execution, the same
Python values back (tests/overview/test_prepared.py compares both ways on SQLite and
PostgreSQL). Listeners on the engine's cursor events still see each statement.

Only for SELECTs whose IN lists are fixed when the statement is built (the actor's departments
and entities): an IN list given at run time, or another kind of statement, is run by SQLAlchemy.
"""

from collections import namedtuple

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import Connection, Dialect
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from dashboard.kept import Kept

ENABLED = True  # tests compare both ways
_plans: Kept = Kept(1024)


class Rows(list):
    """A statement's rows: what the callers use of SQLAlchemy's result."""

    def all(self) -> list:
        return self

    def one(self):
        if len(self) != 1:
            raise ValueError(f"one row expected, {len(self)} found")
        return self[0]


def execute(session: Session, statement, values: dict):
    """Run a kept statement with `values` for its bind parameters, on the session's connection.
    As `session.exec`, a statement of one column gives its values."""
    connection = session.connection()
    plan = _plan(statement, connection.dialect, values) if ENABLED else None
    if plan is None:
        result = connection.execute(statement, values)
        return result.scalars() if isinstance(statement, SelectOfScalar) else result
    rows = plan.run(connection, values)
    return Rows(row[0] for row in rows) if isinstance(statement, SelectOfScalar) else rows


class _Plan:
    def __init__(self, compiled, dialect: Dialect, values: dict):
        state = compiled.construct_expanded_state(values)  # the fixed IN lists expanded once
        self.sql = state.statement
        self.fixed = dict(state.parameters)
        self.names = state.positiontup  # the parameters' order (qmark: SQLite), or None (named: psycopg)
        self.escaped = compiled.escaped_bind_names or {}
        processors = {**compiled._bind_processors, **state.processors}  # every parameter's, the expanded ones' too
        self.processors = {name: proc for name, proc in processors.items() if proc is not None and name in self.fixed}
        self.results = [type_._cached_result_processor(dialect, None) for *_, type_ in compiled._result_columns]
        self.row = namedtuple("Row", [key for key, *_ in compiled._result_columns], rename=True)
        self.processed = any(self.results)

    def parameters(self, values: dict):
        params = self.fixed.copy()
        for name, value in values.items():
            if name in params:
                params[name] = value
        for name, proc in self.processors.items():
            params[name] = proc(params[name])
        if self.names is not None:
            return tuple(params[name] for name in self.names)
        return {self.escaped.get(name, name): value for name, value in params.items()}

    def run(self, connection: Connection, values: dict) -> Rows:
        parameters = self.parameters(values)
        cursor = connection.connection.cursor()  # the session's DBAPI connection, in its transaction
        try:
            events = connection._has_events or connection.engine._has_events  # e.g. a benchmark's capture
            if events:
                connection.dispatch.before_cursor_execute(connection, cursor, self.sql, parameters, None, False)
            cursor.execute(self.sql, parameters)
            if events:
                connection.dispatch.after_cursor_execute(connection, cursor, self.sql, parameters, None, False)
            fetched = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            # As SQLAlchemy's own execution: a lost connection is invalidated, and the error is
            # SQLAlchemy's (the pages' "database unavailable" and error handling read those).
            connection._handle_dbapi_exception(error, self.sql, parameters, cursor, None)
            raise
        finally:
            cursor.close()
        make = self.row._make
        if not self.processed:
            return Rows(make(row) for row in fetched)
        results = self.results
        return Rows(make([proc(value) if proc else value for proc, value in zip(results, row)]) for row in fetched)


def _plan(statement, dialect: Dialect, values: dict) -> _Plan | None:
    """The statement's plan for this dialect, made once (kept with the statement it was made
    from, so that an id is never another statement's)."""
    kept = _plans.get((id(statement), dialect.name), lambda: (statement, _make_plan(statement, dialect, values)))
    return kept[1] if kept[0] is statement else _make_plan(statement, dialect, values)


def _make_plan(statement, dialect: Dialect, values: dict) -> _Plan | None:
    if not isinstance(statement, (Select, CompoundSelect)):
        return None
    compiled = statement.compile(dialect=dialect)
    if any(bind.expanding and bind.key in values for bind in compiled.binds.values()):
        return None  # an IN list given at run time: expanded by SQLAlchemy on each run
    return _Plan(compiled, dialect, values)


def forget() -> None:
    """Drop every plan (tests)."""
    _plans.clear()
