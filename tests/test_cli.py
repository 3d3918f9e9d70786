"""The command line: first DPO account, password reset, backup and restore, demo data."""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from dashboard import auth, cli, db, demo, evidence
from models.org import User
from tests.conftest import build_org

PASSWORD = "a-very-long-password"


def _cli(engine_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": engine_url, "DPO_PASSWORD_PROFILE": "cheap"}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], env=env, capture_output=True, text=True)


def test_create_first_dpo_then_reset_password(sqlite_engine):
    url = str(sqlite_engine.url)
    created = _cli(url, "create-user", "c.fontaine", "--full-name", "Claire Fontaine", "--role", "dpo",
                   "--password", PASSWORD)
    assert created.returncode == 0, created.stderr
    with db.new_session(sqlite_engine) as session:
        user = session.exec(select(User).where(User.username == "c.fontaine")).one()
        assert user.role == "dpo" and not user.must_change_password
        assert auth.verify_password(user.password_hash, PASSWORD)
    too_short = _cli(url, "create-user", "x.y", "--full-name", "X Y", "--role", "legal", "--password", "short")
    assert too_short.returncode == 2 and "Traceback" not in too_short.stderr
    assert "Certains champs sont à corriger" in too_short.stderr
    weak = _cli(url, "reset-password", "c.fontaine", "--password", "123456789012")  # CNIL 2022-100: 40 bits
    assert weak.returncode == 2 and "Traceback" not in weak.stderr
    reset = _cli(url, "reset-password", "c.fontaine", "--password", "another-long-password")
    assert reset.returncode == 0, reset.stderr
    with db.new_session(sqlite_engine) as session:  # a reset password is temporary, set by whoever
        assert session.exec(select(User).where(User.username == "c.fontaine")).one().must_change_password
    unknown = _cli(url, "reset-password", "nobody", "--password", "another-long-password")
    assert unknown.returncode == 2


def test_backup_and_restore_round_trip(sqlite_engine, tmp_path):
    url = str(sqlite_engine.url)
    assert _cli(url, "create-user", "first", "--full-name", "First User", "--role", "dpo",
                "--password", PASSWORD).returncode == 0
    backup = tmp_path / "backup.sqlite3"
    assert _cli(url, "backup", str(backup)).returncode == 0
    assert _cli(url, "create-user", "second", "--full-name", "Second User", "--role", "legal",
                "--password", PASSWORD).returncode == 0
    sqlite_engine.dispose()
    restored = _cli(url, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Chaîne intacte" in restored.stdout
    with db.new_session(sqlite_engine) as session:
        assert [u.username for u in session.exec(select(User).order_by(User.username))] == ["first"]


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table: conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                for table in inspect(engine).get_table_names()}


def test_seed_demo_prints_one_login_per_role_and_is_idempotent(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["seed-demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Comptes de démonstration (mot de passe : {demo.DEMO_PASSWORD})"
    assert demo.DEMO_PASSWORD == "demo-dpo-desk-2026"  # the password the README documents
    assert [line.split()[0] for line in lines[1:]] == ["dpo", "juriste", "chef.rh", "auditeur"]
    assert [line.split(maxsplit=1)[1] for line in lines[1:]] == [
        "Délégué(e) à la protection des données", "Juriste", "Responsable de direction", "Auditeur (lecture seule)"]
    engine = db.make_engine(url)
    with db.new_session(engine) as session:  # each printed log-in works with the printed password
        for line in lines[1:]:
            assert auth.login(session, line.split()[0], demo.DEMO_PASSWORD)
    first = _row_counts(engine)
    assert first["dsr_request"] and first["breach"] and first["processor"] and first["dpia"]
    assert cli.main(["seed-demo"]) == 0
    capsys.readouterr()
    assert _row_counts(engine) == first
    engine.dispose()


# ------------------------------------------------------------------ issue 13, item 7: nothing created, nothing lost


def _fingerprint(path) -> str:
    """What the live database holds, whatever its write-ahead log: the rows of every table."""
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        return repr(sorted(_row_counts(engine).items()))
    finally:
        engine.dispose()


def _damaged_copy(source, target) -> None:
    data = bytearray(source.read_bytes())
    data[4096:len(data) // 2] = b"\xff" * (len(data) // 2 - 4096)  # pages after the header, garbled
    target.write_bytes(bytes(data))


def test_restore_refuses_what_is_not_a_sound_dpo_desk_backup_and_keeps_the_live_database(sqlite_engine, tmp_path):
    """A mistyped path, an empty file, another application's SQLite file, a damaged copy or a
    newer version's database: refused, non-zero exit, the live database untouched, no file
    created at the mistyped path."""
    url = str(sqlite_engine.url)
    live = tmp_path / "test.sqlite3"
    assert _cli(url, "create-user", "first", "--full-name", "First User", "--role", "dpo",
                "--password", PASSWORD).returncode == 0
    good = tmp_path / "good.sqlite3"
    assert _cli(url, "backup", str(good)).returncode == 0
    sqlite_engine.dispose()
    before = _fingerprint(live)
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("not a database " * 500)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    damaged = tmp_path / "damaged.sqlite3"
    _damaged_copy(good, damaged)
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(good, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    missing = tmp_path / "typo" / "bakcup.sqlite3"
    cases = {missing: "n'existe pas", empty: "fichier vide", text_file: "n'est pas une base SQLite",
             foreign: "pas une base DPO Desk", damaged: "endommagée", newer: "révision de schéma inconnue"}
    for source, message in cases.items():
        result = _cli(url, "restore", str(source))
        assert result.returncode == 2, (source, result.stdout, result.stderr)
        assert message in result.stderr and "Rien n'a été restauré" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert _fingerprint(live) == before
    assert not missing.exists() and not missing.parent.exists()
    assert not list(tmp_path.glob("*before-restore*"))  # nothing replaced, nothing to keep
    assert _cli(url, "restore", str(good)).returncode == 0


def test_restore_keeps_the_replaced_database_readable_by_its_owner_only(sqlite_engine, tmp_path):
    url = str(sqlite_engine.url)
    assert _cli(url, "create-user", "first", "--full-name", "First User", "--role", "dpo",
                "--password", PASSWORD).returncode == 0
    backup = tmp_path / "backup.sqlite3"
    assert _cli(url, "backup", str(backup)).returncode == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert _cli(url, "create-user", "second", "--full-name", "Second User", "--role", "legal",
                "--password", PASSWORD).returncode == 0
    sqlite_engine.dispose()
    restored = _cli(url, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Chaîne intacte" in restored.stdout and "Documents intacts" in restored.stdout
    [kept] = tmp_path.glob("test.before-restore-*.sqlite3")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    kept_engine = db.make_engine(f"sqlite:///{kept}")
    with db.new_session(kept_engine) as session:  # the replaced database, whole (its WAL included)
        assert [u.username for u in session.exec(select(User).order_by(User.username))] == ["first", "second"]
    kept_engine.dispose()


def test_commands_that_read_never_create_a_database(tmp_path):
    """verify-audit, verify-documents, reset-password and backup on a mistyped SQLite path:
    a clear message, a non-zero exit, and no file or folder created."""
    missing = tmp_path / "nowhere" / "dpo_desk.sqlite3"
    url = f"sqlite:///{missing}"
    for args in (["verify-audit"], ["verify-documents"], ["reset-password", "dpo", "--password", PASSWORD],
                 ["backup", str(tmp_path / "b.sqlite3")]):
        result = _cli(url, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Aucune base DPO Desk à cet emplacement" in result.stderr and "Traceback" not in result.stderr
        assert "intacte" not in result.stdout
    assert not missing.parent.exists() and not (tmp_path / "b.sqlite3").exists()
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = _cli(f"sqlite:///{empty}", "verify-audit")
    assert result.returncode == 2 and "Aucune base DPO Desk" in result.stderr
    assert empty.stat().st_size == 0 and not list(tmp_path.glob("empty.sqlite3-*"))


@pytest.mark.postgres
def test_verify_audit_on_an_empty_postgresql_database_does_not_migrate_it(postgres_url):
    admin = db.make_engine(postgres_url.rsplit("/", 1)[0] + "/postgres").execution_options(
        isolation_level="AUTOCOMMIT")
    name = f"dpo_empty_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        result = _cli(url, "verify-audit")
        assert result.returncode == 2 and "Aucune base DPO Desk" in result.stderr, result.stderr
        missing = _cli(url + "_typo", "verify-audit")
        assert missing.returncode == 2 and "Traceback" not in missing.stderr, missing.stderr
        engine = db.make_engine(url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
        with admin.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                {"n": f"{name}_typo"}).scalar_one() == 0
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _alter_stored_bytes(engine, document_id: int) -> None:
    """Behind the application's back (the registry's triggers refuse it otherwise)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER evidence_document_no_update"))
        conn.execute(text("UPDATE evidence_document SET content = :c WHERE id = :i"),
                     {"c": b"%PDF-1.4 forged", "i": document_id})


def test_verify_documents_lists_every_document_whose_bytes_no_longer_match(org, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    with org.work() as session:
        issued = [evidence.issue_document(session, org.dpo, kind="test.note", title=f"Note {i}",
                                          filename="note.txt", media_type="text/plain",
                                          build=lambda stamp: f"note {stamp.number}".encode())
                  for i in range(3)]
    assert cli.main(["verify-documents"]) == 0
    assert "3 document(s) conformes" in capsys.readouterr().out
    _alter_stored_bytes(org.engine, issued[1].id)
    assert cli.main(["verify-documents"]) == 1
    err = capsys.readouterr().err
    assert "1 document(s) sur 3" in err and issued[1].number in err and issued[1].sha256 in err
    assert issued[0].number not in err and issued[2].number not in err


def test_restore_reports_altered_documents_of_the_backup(sqlite_engine, tmp_path):
    org = build_org(sqlite_engine)
    with org.work() as session:
        document = evidence.issue_document(session, org.dpo, kind="test.note", title="Note", filename="note.txt",
                                           media_type="text/plain", build=lambda stamp: b"original")
    _alter_stored_bytes(sqlite_engine, document.id)
    backup = tmp_path / "backup.sqlite3"
    url = str(sqlite_engine.url)
    assert _cli(url, "backup", str(backup)).returncode == 0
    sqlite_engine.dispose()
    restored = _cli(url, "restore", str(backup))
    assert restored.returncode == 1 and document.number in restored.stderr, restored.stderr


def test_sqlite_files_the_app_creates_are_readable_by_their_owner_only(tmp_path):
    folder = tmp_path / "data"
    engine = db.make_engine(f"sqlite:///{folder / 'dpo_desk.sqlite3'}")
    db.migrate(engine)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), files  # -wal and -shm too
    engine.dispose()


def test_backup_carries_the_audit_checkpoints_and_restore_re_anchors_the_trail(sqlite_engine, tmp_path,
                                                                               audit_checkpoints):
    url = str(sqlite_engine.url)
    assert _cli(url, "create-user", "first", "--full-name", "First User", "--role", "dpo",
                "--password", PASSWORD).returncode == 0
    assert _cli(url, "verify-audit").returncode == 0  # a checkpoint of the head
    backup = tmp_path / "backup.sqlite3"
    backed_up = _cli(url, "backup", str(backup))
    assert backed_up.returncode == 0
    beside = tmp_path / "backup.sqlite3.audit-checkpoints.log"
    assert beside.read_bytes() == audit_checkpoints.read_bytes() != b"" and str(beside) in backed_up.stdout
    assert _cli(url, "create-user", "second", "--full-name", "Second User", "--role", "legal",
                "--password", PASSWORD).returncode == 0
    assert _cli(url, "verify-audit").returncode == 0  # the checkpoint moves past the backup's head
    sqlite_engine.dispose()
    restored = _cli(url, "restore", str(backup))
    assert restored.returncode == 0 and "Chaîne intacte" in restored.stdout, restored.stderr
    again = _cli(url, "verify-audit")  # the older head is not mistaken for a rewind
    assert again.returncode == 0, again.stderr
