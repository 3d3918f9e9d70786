"""The overview's statements, built once and run again (issue 19).

Building a statement in SQLAlchemy (columns, conditions, unions, subqueries) cost the overview
more than running it: some 20 statements a run, each built anew, came to several times the
time the database took. A statement here is built once per actor scope and shape of filter
(entity or department chosen or not, which case types) with the filter's values as bind
parameters (dashboard/overview/scope.py PARAMETERS), kept, and run again with the values of the
run. A kept statement is reused as it is, so SQLAlchemy's compiled cache finds it at once.

What an actor may see is part of the key (user, role, departments, entities: everything the
visibility conditions read), never of the parameters; the conditions are plain SQL (no id list
read from the database when the statement was built), so a kept statement stays right when the
data change. Always run a kept statement with `run`: it passes the values of the day.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from dashboard import direct
from dashboard.actor import Actor
from dashboard.kept import Kept
from dashboard.overview.scope import OverviewFilter

T = TypeVar("T")
_kept: Kept = Kept(1024)  # a few statements per user and filter shape


def actor_key(actor: Actor) -> tuple:
    """Everything the visibility conditions read from the actor."""
    return actor.user_id, actor.role, actor.department_ids, actor.entity_ids


def statement(name: str, actor: Actor, flt: OverviewFilter, build: Callable[[], T], *more) -> T:
    """The statement `name` for this actor and shape of filter (and `more`, e.g. a kind of
    deadline), built by `build()` the first time."""
    return _kept.get((name, actor_key(actor), flt.shape(), *more), build)


def run(session: Session, statement, flt: OverviewFilter, **more):
    """Run a kept statement with this filter's values (and `more` parameters), on the
    session's connection and in its transaction (dashboard/direct.py: below SQLAlchemy's
    execution, through the same type processors). As `session.exec`, a statement of one column
    gives its values; rows have the statement's column names as attributes."""
    return direct.execute(session, statement, {**flt.values(), **more})


def forget() -> None:
    """Drop every kept statement (tests)."""
    _kept.clear()
    direct.forget()
