"""The case convention's version column: a concurrent edit is refused, the first kept.

The probe table exists only in this test (created directly, not by a migration),
so that the convention is proven before any real case table uses it."""

from typing import Optional

import pytest
from sqlmodel import Field

from dashboard import db
from dashboard.errors import ConcurrentEdit
from models.case import CaseBase, version_column

_version = version_column()


class LockingProbe(CaseBase, table=True):
    __tablename__ = "test_locking_probe"

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = ""
    version: int = Field(default=1, sa_column=_version)
    __mapper_args__ = {"version_id_col": _version}


@pytest.fixture
def probe(org):
    LockingProbe.__table__.create(org.engine, checkfirst=True)
    with org.work() as session:
        row = LockingProbe(reference="TST-2026-0001", entity_id=org.entities["MEDICIS"].id, status="open",
                           title="original")
        session.add(row)
    yield row.id
    LockingProbe.__table__.drop(org.engine)


def test_second_save_of_the_same_version_is_refused_and_the_first_kept(org, probe):
    first, second = db.new_session(org.engine), db.new_session(org.engine)
    mine, theirs = first.get(LockingProbe, probe), second.get(LockingProbe, probe)
    assert mine.version == theirs.version == 1
    mine.title = "first user's edit"
    first.commit()
    theirs.title = "second user's edit"
    with pytest.raises(ConcurrentEdit):
        with db.unit_of_work(org.engine) as session:
            session.merge(theirs)  # what a use case does when a form based on version 1 is saved
    first.close()
    second.close()
    with org.session() as session:
        kept = session.get(LockingProbe, probe)
    assert (kept.title, kept.version) == ("first user's edit", 2)


def test_sequential_edits_bump_the_version(org, probe):
    for n in range(3):
        with org.work() as session:
            row = session.get(LockingProbe, probe)
            row.title = f"edit {n}"
    with org.session() as session:
        assert session.get(LockingProbe, probe).version == 4
