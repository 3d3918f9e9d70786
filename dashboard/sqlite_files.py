"""SQLite files on disk: created readable by their owner only, checked before they are
read or restored, copied consistently. No streamlit, no SQLModel session: the command
line (backup, restore) and the engine factory use it."""

import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every DPO Desk database has since its first migration (0001).
APP_TABLES = frozenset({"app_user", "audit_entry", "audit_head", "evidence_document", "entity"})
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> None:
    """Create the folder (owner only) if it does not exist; an existing folder is left as it is."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=FOLDER_MODE)
        folder.chmod(FOLDER_MODE)  # mkdir's mode goes through the umask


def private_file(path: Path, *, restrict_existing: bool = False) -> None:
    """Create the file readable by its owner only before SQLite writes to it (SQLite gives
    its -wal and -shm files the database file's permissions). An existing file keeps the
    permissions its owner gave it, unless `restrict_existing` (a backup written over it)."""
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        if restrict_existing:
            path.chmod(FILE_MODE)


def open_existing(path: Path) -> sqlite3.Connection:
    """A connection to a file that must already exist (never creates one)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)


def problem_with(path: Path, known_revisions: set[str], *, integrity: bool = True) -> tuple[str, dict] | None:
    """Why this file cannot be taken for a DPO Desk database: (catalogue key, params), or None.
    Missing, empty, not SQLite, damaged (PRAGMA integrity_check), or another application's."""
    if not path.is_file():
        return "sqlite.missing", {"path": path}
    if path.stat().st_size == 0:
        return "sqlite.empty", {"path": path}
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return "sqlite.not_sqlite", {"path": path}
    try:
        conn = open_existing(path)
        try:
            if integrity:
                result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
                if result != ["ok"]:
                    return "sqlite.damaged", {"path": path}
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "sqlite.damaged", {"path": path}
    if revision is None or not APP_TABLES <= tables:
        return "sqlite.foreign", {"path": path}
    if revision not in known_revisions:
        return "sqlite.unknown_revision", {"path": path, "revision": revision}
    return None


def copy_database(source: Path, target: Path) -> None:
    """Consistent copy with SQLite's backup API (safe while the app is running; includes
    what is still in the write-ahead log). The target is written readable by its owner only."""
    private_file(target, restrict_existing=True)
    src = open_existing(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
