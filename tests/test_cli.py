"""The command line: first DPO account, password reset, backup and restore."""

import os
import subprocess
import sys

from sqlmodel import select

from dashboard import auth, db
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
