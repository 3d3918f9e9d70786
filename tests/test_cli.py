"""The command line: first DPO account, password reset, backup and restore, demo data."""

import os
import subprocess
import sys

from sqlalchemy import inspect, text
from sqlmodel import select

from dashboard import auth, cli, db, demo
from models.org import User

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
    reset = _cli(url, "reset-password", "c.fontaine", "--password", "another-long-password")
    assert reset.returncode == 0, reset.stderr
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
