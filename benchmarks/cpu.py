"""CPU time of a benchmark's queries, steadier than wall time on a loaded machine: this
process's (on SQLite, the whole work) plus, for PostgreSQL on this machine, the backend's."""

from pathlib import Path


def backend_pid(connection) -> int | None:
    """The PostgreSQL backend serving a SQLAlchemy connection (None on SQLite)."""
    if connection.dialect.name != "postgresql":
        return None
    return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def server_cpu_s(pid: int | None) -> float:
    """CPU seconds of a PostgreSQL backend on this machine (/proc/<pid>/schedstat), 0 if unknown."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9 if pid else 0.0
    except (OSError, ValueError, IndexError):
        return 0.0
