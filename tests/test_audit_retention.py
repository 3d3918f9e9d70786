"""Issue 14 item 8, a configurable retention of the audit trail that keeps it
tamper-evident. CNIL, délibération n° 2021-122 du 14 octobre 2021 (recommandation
relative à la journalisation): traces kept six months to one year; DPO Desk keeps
DPO_AUDIT_RETENTION_MONTHS months (default 12, never fewer than 6). Old entries go only
through `manage.py purge-audit`, run by the database owner, anchored by a signed
checkpoint and an `audit.purge` entry; any other DELETE is still refused."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from dashboard import audit, audit_anchor, audit_retention, db
from dashboard.actor import SYSTEM
from dashboard.audit_anchor import Checkpoint
from models.audit import AuditEntry, AuditPurgePermit
from models.errors import RuleViolation
from models.types import utcnow
from tests.tamper import as_owner


def _append(engine, n: int, *, days_ago: int = 0) -> None:
    """n entries, recorded `days_ago` days ago (the clock of audit.record set back)."""
    with pytest.MonkeyPatch.context() as patch:
        if days_ago:
            moment = utcnow() - timedelta(days=days_ago)
            patch.setattr(audit, "utcnow", lambda: moment)
        with db.unit_of_work(engine) as session:
            for i in range(n):
                audit.record(session, SYSTEM, "test.event", object_id=i, details={"n": i})


def _verify(engine, full: bool = False):
    with db.unit_of_work(engine) as session:
        return audit.verify_chain(session, full=full)


def _seqs(engine) -> list[int]:
    with db.new_session(engine) as session:
        return list(session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq)).all())


@pytest.fixture
def purged(engine):
    """Five entries 400 days old, three recent ones, verified (a checkpoint at 8), then
    a purge keeping 12 months: entries 1-5 go, the purge itself is entry 9."""
    _append(engine, 5, days_ago=400)
    _append(engine, 3)
    assert _verify(engine).intact
    done = audit_retention.purge(engine, 12)
    assert (done.count, done.first_seq, done.up_to_seq) == (5, 1, 5)
    return engine


def test_a_purge_keeps_the_retention_period_and_the_chain_verifiable(purged, audit_checkpoints):
    assert _seqs(purged) == [6, 7, 8, 9]
    with db.new_session(purged) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.seq == 9)).one()
        assert session.exec(select(AuditPurgePermit)).first() is None  # the permit closed with the purge
    assert entry.action == "audit.purge" and entry.details["up_to_seq"] == 5 and entry.details["removed"] == 5
    lines = [json.loads(line) for line in audit_checkpoints.read_text().splitlines()]
    assert [(line["kind"], line["seq"]) for line in lines if line["kind"] == "purge"] == [("purge", 5)]
    full = _verify(purged, full=True)
    assert full.intact and full.from_seq == 5 and full.checked == 4
    _append(purged, 2)
    assert _verify(purged).intact and _verify(purged, full=True).checked == 6


def test_verification_starts_from_the_purge_anchor_when_no_later_checkpoint_exists(engine):
    """The last head checkpoint (5) is among the removed entries: the verification from
    the last checkpoint starts from the purge anchor instead."""
    _append(engine, 5, days_ago=400)
    assert _verify(engine).intact  # checkpoint at 5
    assert audit_retention.purge(engine, 12).up_to_seq == 5
    with db.new_session(engine) as session:  # not committed: no new checkpoint at 6
        report = audit.verify_chain(session)
    assert report.intact and report.from_seq == 5 and report.checked == 1
    as_owner(engine, "UPDATE audit_entry SET reason = 'réécrit' WHERE seq = 6")
    report = _verify(engine)
    assert (report.problem, report.broken_seq, report.from_seq) == ("audit.chain.altered", 6, 5)


_REWIND_HEAD = "UPDATE audit_head SET seq = 7, hash = (SELECT hash FROM audit_entry WHERE seq = 7)"


@pytest.mark.parametrize("attack, problem", [
    (["DELETE FROM audit_entry WHERE seq = 6"], "audit.chain.missing"),
    (["UPDATE audit_entry SET reason = 'réécrit' WHERE seq = 7"], "audit.chain.altered"),
    (["DELETE FROM audit_entry WHERE seq >= 8"], "audit.chain.truncated"),
    (["DELETE FROM audit_entry WHERE seq >= 8", _REWIND_HEAD], "audit.chain.rewound"),
])
def test_after_a_purge_deletions_alterations_and_rewinds_are_still_detected(purged, attack, problem):
    assert _verify(purged).intact  # a checkpoint at the head (9)
    for statement in attack:
        as_owner(purged, statement)
    assert _verify(purged, full=True).problem == problem


def test_nothing_is_purged_from_a_broken_chain(engine):
    """A tampered trail is evidence: the purge refuses to remove any of it."""
    _append(engine, 4, days_ago=400)
    as_owner(engine, "UPDATE audit_entry SET reason = 'réécrit' WHERE seq = 2")
    with pytest.raises(RuleViolation) as refused:
        audit_retention.purge(engine, 12)
    assert refused.value.key == "audit.purge.chain_broken" and _seqs(engine) == [1, 2, 3, 4]


def test_a_delete_outside_a_purge_is_still_refused(engine):
    _append(engine, 4)
    if engine.dialect.name == "sqlite":
        with pytest.raises(sqlite3.DatabaseError, match="never deleted"), sqlite3.connect(engine.url.database) as conn:
            conn.execute("DELETE FROM audit_entry WHERE seq = 1")
    else:  # connected as the owner (the test server's superuser): the trigger still refuses
        with pytest.raises(DBAPIError, match="never changed or deleted"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_entry WHERE seq = 1"))
    with pytest.raises(DBAPIError), engine.begin() as conn:  # a permit covers only entries up to its bound
        conn.execute(text("INSERT INTO audit_purge_permit (id, up_to_seq) VALUES (1, 1)"))
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    with pytest.raises(DBAPIError), engine.begin() as conn:  # and never lets an entry be changed
        conn.execute(text("INSERT INTO audit_purge_permit (id, up_to_seq) VALUES (1, 4)"))
        conn.execute(text("UPDATE audit_entry SET reason = 'réécrit' WHERE seq = 1"))
    assert _seqs(engine) == [1, 2, 3, 4] and _verify(engine, full=True).intact


def _purge_line(database: str, seq: int, hash_: str, key: bytes) -> None:
    audit_anchor.append(database, Checkpoint(seq, hash_, 1, audit_anchor.now(), "purge"), key)


def test_a_forged_purge_anchor_is_detected(engine, audit_checkpoints):
    """Rows deleted behind the app's back cannot be passed off as a purge: a purge line
    not signed with the key is reported, and so is a signed one that no audit.purge
    entry of the chain names."""
    _append(engine, 6)
    assert _verify(engine).intact
    with db.new_session(engine) as session:
        database = audit_anchor.database_label(session)
        third = session.exec(select(AuditEntry).where(AuditEntry.seq == 3)).one()
    as_owner(engine, "DELETE FROM audit_entry WHERE seq <= 3")
    record = {**Checkpoint(3, third.hash, 1, audit_anchor.now(), "purge").fields(database), "mac": "0" * 64}
    with audit_checkpoints.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    assert _verify(engine, full=True).problem == "audit.chain.checkpoint_forged"
    audit_checkpoints.write_text("")
    _purge_line(database, 3, third.hash, audit_anchor.read_key())  # signed, but no purge was recorded
    report = _verify(engine, full=True)
    assert (report.problem, report.broken_seq) == ("audit.chain.purge_unrecorded", 3)


def test_a_purge_anchor_that_does_not_match_the_chain_is_detected(engine):
    _append(engine, 6)
    with db.new_session(engine) as session:
        database = audit_anchor.database_label(session)
    _purge_line(database, 3, "f" * 64, audit_anchor.read_key())
    assert _verify(engine, full=True).problem == "audit.chain.altered"


def test_retention_is_twelve_months_by_default_and_never_below_six(monkeypatch):
    """CNIL délibération 2021-122: six months to one year."""
    monkeypatch.delenv("DPO_AUDIT_RETENTION_MONTHS", raising=False)
    assert audit_retention.retention_months() == 12
    monkeypatch.setenv("DPO_AUDIT_RETENTION_MONTHS", "6")
    assert audit_retention.retention_months() == 6
    for value in ("5", "0", "-12"):
        monkeypatch.setenv("DPO_AUDIT_RETENTION_MONTHS", value)
        with pytest.raises(RuleViolation) as refused:
            audit_retention.retention_months()
        assert refused.value.key == "audit.purge.months_too_low"
    with pytest.raises(RuleViolation) as refused:
        audit_retention.retention_months("douze")
    assert refused.value.key == "audit.purge.months_invalid"


def test_months_before_keeps_the_day_within_the_month():
    from datetime import datetime
    assert audit_retention.months_before(datetime(2026, 8, 31), 6) == datetime(2026, 2, 28)
    assert audit_retention.months_before(datetime(2026, 1, 15), 12) == datetime(2025, 1, 15)


def test_cli_purge_is_a_dry_run_unless_confirmed(sqlite_engine):
    _append(sqlite_engine, 3, days_ago=400)
    _append(sqlite_engine, 1)
    env = {**os.environ, "DATABASE_URL": str(sqlite_engine.url), "DPO_AUDIT_RETENTION_MONTHS": "12"}

    def purge_audit(*args):
        return subprocess.run([sys.executable, "-m", "dashboard.cli", "purge-audit", *args], env=env,
                              capture_output=True, text=True)

    too_short = purge_audit("--months", "3", "--yes")
    assert too_short.returncode == 2 and "au moins 6 mois" in too_short.stderr and "Traceback" not in too_short.stderr
    dry = purge_audit()
    assert dry.returncode == 0 and "Simulation : 3 entrée(s)" in dry.stdout and "n° 1 à 3" in dry.stdout
    assert _seqs(sqlite_engine) == [1, 2, 3, 4]
    done = purge_audit("--yes")
    assert done.returncode == 0 and "3 entrée(s) du journal supprimées" in done.stdout, done.stderr
    assert _seqs(sqlite_engine) == [4, 5]
    again = purge_audit()
    assert again.returncode == 0 and "rien à supprimer" in again.stdout
    verified = subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit", "--full"], env=env,
                              capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr


def test_the_alarm_accepts_a_genuine_purge_and_raises_on_a_forged_one(org, audit_checkpoints):
    """The DPO's banner (dashboard.audit_trail.alarm) stays quiet after a real purge and
    names a purge anchor written without the key."""
    from dashboard import audit_trail

    later = utcnow() + timedelta(days=400)
    done = audit_retention.purge(org.engine, 12, now=later)  # every entry of the organisation's set-up
    assert done.count > 0
    with org.session() as session:
        assert audit_trail.alarm(session, org.dpo) is None
        database = audit_anchor.database_label(session)
    _append(org.engine, 2)
    forged = {**Checkpoint(done.up_to_seq + 1, "0" * 64, 1, audit_anchor.now(), "purge").fields(database),
              "mac": "f" * 64}
    with audit_checkpoints.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    with org.session() as session:
        status = audit_trail.alarm(session, org.dpo)
    assert status is not None and status.problem == "audit.chain.checkpoint_forged"
    assert status.cause == "audit.chain.cause.checkpoint_forged"
