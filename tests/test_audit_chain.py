"""The audit trail is append-only and tamper-evident."""

import subprocess
import sys

from sqlalchemy import text
from sqlmodel import select

from dashboard import audit, db
from dashboard.actor import SYSTEM
from models.audit import AuditEntry, entry_hash
from tests.conftest import build_org


def _append(engine, n: int) -> None:
    with db.unit_of_work(engine) as session:
        for i in range(n):
            audit.record(session, SYSTEM, "test.event", object_type="case", object_id=i,
                         reason="contrôle", details={"é": "Dupont & <Fils>", "n": i})


def _verify(engine):
    with db.new_session(engine) as session:
        return audit.verify_chain(session)


def test_entries_are_chained_in_order(engine):
    _append(engine, 5)
    with db.new_session(engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    report = _verify(engine)
    assert report.intact and report.checked == 5


def test_a_rolled_back_operation_leaves_no_entry_and_no_gap(engine):
    _append(engine, 2)
    try:
        with db.unit_of_work(engine) as session:
            audit.record(session, SYSTEM, "test.event")
            raise RuntimeError("the operation fails")
    except RuntimeError:
        pass
    _append(engine, 1)
    report = _verify(engine)
    assert report.intact and report.checked == 3


def test_an_edited_row_is_reported_with_its_position(engine):
    _append(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET reason = 'rien à voir' WHERE seq = 4"))
    report = _verify(engine)
    assert not report.intact
    assert (report.broken_seq, report.problem) == (4, "audit.chain.altered")


def test_a_deleted_row_is_reported(engine):
    _append(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 3, "audit.chain.missing")


def test_deleting_the_last_rows_is_reported(engine):
    _append(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= 5"))
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 5, "audit.chain.truncated")


def test_a_recomputed_hash_still_breaks_the_next_link(engine):
    """An attacker who edits a row and fixes its own hash breaks the following entry."""
    _append(engine, 4)
    with db.new_session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.seq == 2)).one()
        entry.reason = "falsifié"
        new_hash = entry_hash(entry)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET reason = 'falsifié', hash = :h WHERE seq = 2"), {"h": new_hash})
    report = _verify(engine)
    assert (report.broken_seq, report.problem) == (3, "audit.chain.altered")


def test_cli_verifier_flags_a_row_edited_directly_in_sqlite(sqlite_engine, tmp_path):
    build_org(sqlite_engine)  # creating the organisation writes audit entries
    url = str(sqlite_engine.url)
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "DPO_PASSWORD_PROFILE": "cheap"}
    ok = subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit"], env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Chaîne intacte" in ok.stdout
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = 2"))
    broken = subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit"], env=env,
                            capture_output=True, text=True)
    assert broken.returncode == 1
    assert "l'entrée n° 2 a été modifiée" in broken.stderr
