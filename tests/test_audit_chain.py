"""The audit trail is append-only and tamper-evident: keyed (HMAC) and anchored by
signed checkpoints outside the database. Each attack is played as the database's
owner would (tests/tamper.py sets the protective triggers aside)."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlmodel import select

from dashboard import audit, audit_anchor, db
from dashboard.actor import SYSTEM
from dashboard.errors import AuditKeyMissing
from models.audit import AuditEntry, entry_hash
from tests.conftest import build_org
from tests.tamper import as_owner


def _append(engine, n: int) -> None:
    with db.unit_of_work(engine) as session:
        for i in range(n):
            audit.record(session, SYSTEM, "test.event", object_type="case", object_id=i,
                         reason="contrôle", details={"é": "Dupont & <Fils>", "n": i})


def _verify(engine, full: bool = False):
    with db.unit_of_work(engine) as session:  # committed: an intact verification writes a checkpoint
        return audit.verify_chain(session, full=full)


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
    as_owner(engine, "UPDATE audit_entry SET reason = 'rien à voir' WHERE seq = 4")
    report = _verify(engine)
    assert not report.intact
    assert (report.broken_seq, report.problem) == (4, "audit.chain.altered")


def test_a_deleted_row_is_reported(engine):
    _append(engine, 6)
    as_owner(engine, "DELETE FROM audit_entry WHERE seq = 3")
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 3, "audit.chain.missing")


def test_deleting_the_last_rows_is_reported(engine):
    _append(engine, 6)
    as_owner(engine, "DELETE FROM audit_entry WHERE seq >= 5")
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 5, "audit.chain.truncated")


def _rows(engine, first_seq: int) -> list[AuditEntry]:
    with db.new_session(engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.seq >= first_seq).order_by(AuditEntry.seq)).all()
        return [AuditEntry(**row.model_dump()) for row in rows]  # detached copies: nothing flushed back


def _rewrite_from(engine, seq: int, key: bytes | None = None, **changes) -> None:
    """What a database writer without the key does: edit entry `seq`, recompute its hash
    and every later one (plain SHA-256, or HMAC under a guessed key), and fix the head."""
    rows = _rows(engine, seq - 1)
    prev = rows[0].hash if rows[0].seq == seq - 1 else "0" * 64
    for row in rows[1:] if rows[0].seq == seq - 1 else rows:
        if row.seq == seq:
            for name, value in changes.items():
                setattr(row, name, value)
        row.prev_hash = prev
        row.hash = prev = entry_hash(row, key)
        as_owner(engine, "UPDATE audit_entry SET reason = :reason, prev_hash = :prev, hash = :hash WHERE seq = :seq",
                 reason=row.reason, prev=row.prev_hash, hash=row.hash, seq=row.seq)
    as_owner(engine, "UPDATE audit_head SET hash = :hash", hash=prev)


def _rewind_to(engine, seq: int) -> None:
    """Delete the entries after `seq` and move the head back to it."""
    last = _rows(engine, seq)[0] if seq else None
    as_owner(engine, "DELETE FROM audit_entry WHERE seq > :seq", seq=seq)
    as_owner(engine, "UPDATE audit_head SET seq = :seq, hash = :hash", seq=seq, hash=last.hash if last else "0" * 64)


def test_each_entry_is_an_hmac_under_the_key_kept_outside_the_database(engine):
    _append(engine, 2)
    key = audit_anchor.read_key()
    entry = _rows(engine, 2)[0]
    assert entry.hash == entry_hash(entry, key) != entry_hash(entry)
    assert os.stat(os.environ["DPO_AUDIT_KEY_FILE"]).st_mode & 0o777 == 0o600


def test_an_altered_row_with_every_hash_recomputed_is_detected(engine):
    """Without the key, recomputing the hashes (plain or under a guessed key) does not help."""
    _append(engine, 6)
    assert _verify(engine).intact  # checkpoint of entry 6 written
    _rewrite_from(engine, 3, reason="falsifié")
    assert (_verify(engine, full=True).broken_seq, _verify(engine, full=True).problem) == (3, "audit.chain.altered")
    report = _verify(engine)  # from the checkpoint: entry 6 no longer has the hash it had
    assert (report.intact, report.broken_seq, report.problem) == (False, 6, "audit.chain.checkpoint_mismatch")
    _rewrite_from(engine, 3, key=b"k" * 32, reason="falsifié")
    assert _verify(engine, full=True).broken_seq == 3


def test_a_truncated_trail_with_its_head_rewound_is_detected(engine):
    _append(engine, 6)
    assert _verify(engine).intact
    _rewind_to(engine, 3)
    for full in (False, True):
        report = _verify(engine, full=full)
        assert (report.intact, report.broken_seq, report.problem) == (False, 4, "audit.chain.rewound")


def test_deleting_every_entry_is_detected(engine):
    _append(engine, 5)
    assert _verify(engine).intact
    _rewind_to(engine, 0)
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 1, "audit.chain.rewound")


def test_a_rewound_trail_extended_past_the_checkpoint_is_detected(engine):
    _append(engine, 6)
    assert _verify(engine).intact
    _rewind_to(engine, 3)
    _append(engine, 5)  # the application goes on from entry 4: entry 6 is not the one checkpointed
    report = _verify(engine)
    assert (report.intact, report.broken_seq, report.problem) == (False, 6, "audit.chain.checkpoint_mismatch")


def test_a_row_slipped_in_at_head_plus_one_stops_neither_work_nor_the_verifier(engine):
    _append(engine, 3)
    garbage = engine.dialect.name == "sqlite"  # SQLite stores anything: a date and JSON no reader accepts
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_entry (seq, at, actor_name, actor_role, action, object_type, object_ref, reason,"
            " details, prev_hash, hash)"
            " VALUES (4, :at, 'mallory', '', 'auth.login', '', '', '', :details, 'x', 'forged')"),
            {"at": "pas une date" if garbage else "2026-01-01T00:00:00+00:00",
             "details": "{pas du json" if garbage else "{}"})
    _append(engine, 2)  # every audited action (log-in included) still records
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, prev_hash FROM audit_entry WHERE seq > 4 ORDER BY seq")).all()
    assert [tuple(r) for r in rows][:1] == [(5, "forged")] and [r[0] for r in rows] == [5, 6]
    report = _verify(engine, full=True)
    assert (report.intact, report.broken_seq, report.problem) == (False, 4, "audit.chain.altered")


def test_a_missing_key_is_reported_and_never_silently_replaced(engine, tmp_path, monkeypatch):
    key_file = tmp_path / "audit.key"
    monkeypatch.setenv("DPO_AUDIT_KEY_FILE", str(key_file))
    _append(engine, 3)  # the first entry creates the key
    assert key_file.exists()
    key_file.unlink()
    report = _verify(engine)
    assert (report.intact, report.problem, report.broken_seq) == (False, "audit.chain.key_missing", 1)
    with pytest.raises(AuditKeyMissing), db.unit_of_work(engine) as session:
        audit.record(session, SYSTEM, "test.event")
    with pytest.raises(AuditKeyMissing), db.unit_of_work(engine) as session:
        db.ensure_baseline(session)  # the app refuses to start with a clear message
    assert not key_file.exists()
    key_file.write_text("abcd\n")  # damaged: as good as missing, and kept for inspection
    assert _verify(engine).problem == "audit.chain.key_missing" and key_file.read_text() == "abcd\n"


def test_verification_starts_from_the_last_checkpoint(engine):
    _append(engine, 30)
    first = _verify(engine)
    assert (first.intact, first.checked, first.from_seq) == (True, 30, 0)
    _append(engine, 5)
    second = _verify(engine)
    assert (second.intact, second.checked, second.from_seq) == (True, 5, 30)  # only the new entries
    assert _verify(engine, full=True).checked == 35
    as_owner(engine, "UPDATE audit_entry SET reason = 'falsifié' WHERE seq = 10")
    assert _verify(engine).intact  # behind the checkpoint: only the full verification reads it again
    assert _verify(engine, full=True).broken_seq == 10


def _checkpoint_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_checkpoints_are_written_every_n_entries_once_committed(engine, audit_checkpoints, monkeypatch):
    monkeypatch.setattr(audit_anchor, "CHECKPOINT_EVERY", 4)
    _append(engine, 5)
    try:
        with db.unit_of_work(engine) as session:
            for _ in range(4):
                audit.record(session, SYSTEM, "test.event")  # would reach entry 8
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert [line["seq"] for line in _checkpoint_lines(audit_checkpoints)] == [4]
    assert _verify(engine).intact and [line["seq"] for line in _checkpoint_lines(audit_checkpoints)] == [4, 5]


def test_a_forged_checkpoint_line_is_reported(engine, audit_checkpoints):
    _append(engine, 3)
    assert _verify(engine).intact
    line = _checkpoint_lines(audit_checkpoints)[-1]
    line.update(seq=1, mac="0" * 64)
    with audit_checkpoints.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    assert _verify(engine).problem == "audit.chain.checkpoint_forged"


@pytest.fixture
def legacy_chain(engine):
    """A database at 0011 holding three entries hashed the old way (plain SHA-256)."""
    from alembic import command
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    prev = "0" * 64
    with engine.begin() as conn:
        for seq in (1, 2, 3):
            entry = AuditEntry(seq=seq, at=audit.utcnow(), action="legacy.event", details={"n": seq}, prev_hash=prev)
            entry.hash = prev = entry_hash(entry)
            conn.execute(text("INSERT INTO audit_entry (seq, at, actor_name, actor_role, action, object_type,"
                              " object_ref, reason, details, prev_hash, hash)"
                              " VALUES (:seq, :at, '', '', 'legacy.event', '', '', '', :details, :prev, :hash)"),
                         {"seq": seq, "at": entry.at, "details": json.dumps(entry.details), "prev": entry.prev_hash,
                          "hash": entry.hash})
        conn.execute(text("UPDATE audit_head SET seq = 3, hash = :hash"), {"hash": prev})
    try:
        db.migrate(engine)
        yield engine
    finally:
        db.migrate(engine)


def test_an_existing_chain_switches_to_keyed_hashes_after_its_head(legacy_chain):
    engine = legacy_chain
    with db.new_session(engine) as session:
        assert session.get(audit.AuditHead, 1).keyed_from == 4
    _append(engine, 2)
    rows = _rows(engine, 1)
    assert rows[2].hash == entry_hash(rows[2]) and rows[3].hash == entry_hash(rows[3], audit_anchor.read_key())
    report = _verify(engine, full=True)
    assert report.intact and report.checked == 5
    as_owner(engine, "UPDATE audit_head SET keyed_from = 6")  # passing keyed entries off as legacy ones
    assert _verify(engine).problem == "audit.chain.switch_moved"


def test_cli_verifier_reports_a_truncation_and_a_missing_key_without_a_traceback(sqlite_engine, tmp_path, monkeypatch):
    key_file = tmp_path / "audit.key"
    monkeypatch.setenv("DPO_AUDIT_KEY_FILE", str(key_file))
    monkeypatch.setenv("DPO_AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.log"))
    env = {"DATABASE_URL": str(sqlite_engine.url), "PATH": "/usr/bin:/bin", "DPO_PASSWORD_PROFILE": "cheap",
           "DPO_AUDIT_KEY_FILE": str(key_file), "DPO_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.log")}

    def verify_audit():
        return subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit"], env=env,
                              capture_output=True, text=True)

    assert verify_audit().returncode == 0 and key_file.exists()  # first start: the key is created
    with db.unit_of_work(sqlite_engine) as session:
        for _ in range(4):
            audit.record(session, SYSTEM, "test.event")
    assert verify_audit().returncode == 0  # checkpoint at the head
    as_owner(sqlite_engine, "DELETE FROM audit_entry WHERE seq > 2")
    as_owner(sqlite_engine, "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_entry WHERE seq = 2)")
    truncated = verify_audit()
    assert truncated.returncode == 1 and "s'arrête avant son dernier point de contrôle" in truncated.stderr
    key_file.unlink()
    missing = verify_audit()
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "La clé du journal d'audit est introuvable" in missing.stderr and str(key_file) in missing.stderr


def test_cli_verifier_flags_a_row_edited_directly_in_sqlite(sqlite_engine, tmp_path):
    build_org(sqlite_engine)  # creating the organisation writes audit entries
    url = str(sqlite_engine.url)
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "DPO_PASSWORD_PROFILE": "cheap",
           **{name: os.environ[name] for name in ("DPO_AUDIT_KEY_FILE", "DPO_AUDIT_CHECKPOINT_FILE")}}
    ok = subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit"], env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Chaîne intacte" in ok.stdout
    as_owner(sqlite_engine, "UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = 2")
    broken = subprocess.run([sys.executable, "-m", "dashboard.cli", "verify-audit", "--full"], env=env,
                            capture_output=True, text=True)
    assert broken.returncode == 1
    assert "l'entrée n° 2 a été modifiée" in broken.stderr


def test_start_up_verifies_and_anchors_a_chain_that_has_no_checkpoint_yet(engine, audit_checkpoints):
    """An existing trail, just migrated, is verified whole once at start-up and watched
    from its head, rather than read whole on every page; a broken one is not anchored."""
    _append(engine, 7)
    assert _checkpoint_lines(audit_checkpoints) == []
    for _ in range(2):  # once only
        with db.unit_of_work(engine) as session:
            db.ensure_baseline(session)
    assert [line["seq"] for line in _checkpoint_lines(audit_checkpoints)] == [7]
    _append(engine, 2)
    assert _verify(engine).checked == 2


def test_start_up_does_not_anchor_a_broken_chain(engine, audit_checkpoints):
    _append(engine, 7)
    as_owner(engine, "UPDATE audit_entry SET reason = 'falsifié' WHERE seq = 7")
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
    assert _checkpoint_lines(audit_checkpoints) == []
    _append(engine, 1)
    assert _verify(engine).broken_seq == 7


def test_a_deleted_head_stops_nobody(engine):
    _append(engine, 3)
    assert _verify(engine).intact
    as_owner(engine, "DELETE FROM audit_head")
    _append(engine, 2)  # recording goes on, chained to the last entry
    assert [r.seq for r in _rows(engine, 4)] == [4, 5]
    assert _verify(engine, full=True).intact  # rebuilt on the last entry: nothing was lost


def test_a_restored_older_database_is_re_anchored_by_the_administrator(engine):
    """pg_restore / restore of an older backup reads as a rewind until `verify-audit
    --after-restore` (or `manage.py restore`) records the restored head."""
    _append(engine, 6)
    assert _verify(engine).intact
    _rewind_to(engine, 3)  # what restoring the backup taken at entry 3 looks like
    assert _verify(engine).problem == "audit.chain.rewound"
    with db.new_session(engine) as session:
        audit.anchor_restored(session)
    assert _verify(engine, full=True).intact
    _append(engine, 4)
    report = _verify(engine)
    assert report.intact and report.from_seq == 3
