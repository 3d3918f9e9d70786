"""How fast the request list answers at scale: N requests (default a million) in a
throwaway database, then the list's count and first page for the usual filters,
as the DPO and as a department head.

    .venv/bin/python benchmarks/dsr_list.py [N] [DATABASE_URL | postgresql]

("postgresql": a throwaway database on BENCH_DATABASE_URL's server, see throwaway_db.py,
dropped at the end. A DATABASE_URL is the caller's and stays: a run on a database that already
holds N requests from an earlier run skips the filling, so that the queries can be timed again
after a change; BENCH_AUDIT_KEY_FILE then names the audit key that run created, printed at its
start. PostgreSQL is filled by COPY, see bulk.py.)

Prints one line per query: the filter, the rows matched, and the milliseconds for
count + page 1 and for page 200 (offset pagination's deep end), wall time and CPU time (this
process's: on SQLite the whole work; on PostgreSQL plus the session's backend's when the server
runs on this machine; steadier than wall time on a loaded machine).
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DPO_PASSWORD_PROFILE", "cheap")

from sqlalchemy import func, select  # noqa: E402

import models  # noqa: E402
from dashboard import db  # noqa: E402
from dashboard.dsr import queries  # noqa: E402
from models.dsr import OPEN_STATUSES, RIGHTS, STATUSES, DataSubjectRequest, DsrRight  # noqa: E402
from tests.conftest import build_org  # noqa: E402

from bulk import insert_rows  # noqa: E402
from cpu import backend_pid, server_cpu_s  # noqa: E402

models.load_all()
if os.environ.get("BENCH_AUDIT_KEY_FILE"):  # a reused database keeps the audit key it was made with
    os.environ["DPO_AUDIT_KEY_FILE"] = os.environ["BENCH_AUDIT_KEY_FILE"]


def fill(engine, org, n: int, batch: int = 20_000) -> None:
    rng = random.Random(1)
    today = date.today()
    entities = [e.id for e in org.entities.values()]
    departments = [d.id for d in org.departments.values()] + [None]
    closed_share = [s for s in STATUSES if s not in OPEN_STATUSES]
    request_table, right_table = DataSubjectRequest.__table__, DsrRight.__table__
    now = datetime.now(timezone.utc)
    next_id = 1
    with engine.begin() as conn:
        for start in range(0, n, batch):
            rows, rights = [], []
            for i in range(start, min(n, start + batch)):
                received = today - timedelta(days=rng.randint(0, 1500))
                due = received + timedelta(days=31)
                status = rng.choice(OPEN_STATUSES) if rng.random() < 0.08 else rng.choice(closed_share)
                rows.append(dict(
                    id=next_id, reference=f"DSR-B-{i:08d}", entity_id=rng.choice(entities), status=status,
                    owner_id=None, created_at=now, updated_at=now, channel="email",
                    received_at=datetime.combine(received, datetime.min.time(), tzinfo=timezone.utc),
                    received_on=received, requester_name="x", requester_contact="", requester_name_key=f"p{i}",
                    requester_contact_key="", relation="member", is_minor=False, description="",
                    is_open=status in OPEN_STATUSES, department_id=rng.choice(departments), complex=False, health_access=False,
                    health_older_than_five_years=False, identity_proof_asked=False, identity_method="",
                    suspended_days=0, extended=False, extension_reasons="", legal_due_on=due, due_on=due,
                    internal_target_on=due - timedelta(days=1), proposed_answer="", proposed_outcome="",
                    outcome="", outcome_reasons="", remedies_informed=False, version=1))
                for right in rng.sample(RIGHTS, rng.choice((1, 1, 2))):
                    rights.append(dict(request_id=next_id, right=right))
                next_id += 1
            insert_rows(conn, request_table, rows)
            insert_rows(conn, right_table, rights)


def timed(fn) -> tuple[object, float]:
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000


def timed_cpu(fn, server_pid: int | None = None) -> tuple[object, float, float]:
    """(value, wall ms, CPU ms): this process's (SQLite's whole work) plus, for PostgreSQL on
    this machine, the session's backend's; steadier than wall time on a loaded machine."""
    cpu = time.process_time() + server_cpu_s(server_pid)
    value, wall = timed(fn)
    return value, wall, (time.process_time() + server_cpu_s(server_pid) - cpu) * 1000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    if url == "postgresql":
        from throwaway_db import postgres_database
        url, drop = postgres_database("dpo_bench_dsr")
        try:
            run(n, url)
        finally:
            drop()
    else:
        run(n, url)


def run(n: int, url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
    org = build_org(engine)
    with engine.connect() as conn:
        present = conn.execute(select(func.count()).select_from(DataSubjectRequest.__table__)).scalar_one()
    if present == n:  # a database filled by an earlier run with the same N (URL given): reused
        print(f"{n} requests already there ({engine.url.get_backend_name()}), reused", flush=True)
    else:
        assert present == 0, f"{present} requests already in the database, {n} asked"
        cpu = time.process_time()
        _, fill_ms = timed(lambda: fill(engine, org, n))
        print(f"{n} requests inserted in {fill_ms / 1000:.0f} s, {time.process_time() - cpu:.0f} s CPU here "
              f"({engine.url.get_backend_name()})", flush=True)
    # What autovacuum does to a table after a bulk load (it had not come by in these runs): the
    # statistics, and on PostgreSQL the visibility map, without which a count reads the heap.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    filters = {
        "open, all": queries.ListFilter(),
        "late": queries.ListFilter(deadline="late"),
        "due within 7 days": queries.ListFilter(deadline="due_within", within_days=7),
        "right = erasure (open)": queries.ListFilter(right="erasure"),
        "entity + status": queries.ListFilter(entity_id=org.entities["MEDICIS"].id, status="in_progress"),
        "all statuses": queries.ListFilter(status=""),
    }
    for actor_name, actor in (("dpo", org.dpo), ("head RH", org.head_hr)):
        for label, flt in filters.items():
            with db.new_session(engine) as session:
                pid = backend_pid(session.connection())
                page, first_ms, first_cpu = timed_cpu(lambda: queries.list_requests(session, actor, flt, 1, 50), pid)
                _, deep_ms, deep_cpu = timed_cpu(lambda: queries.list_requests(session, actor, flt, 200, 50), pid)
            print(f"{actor_name:8} {label:24} {page.total:>9} rows  page 1: {first_ms:7.1f} ms ({first_cpu:6.1f} CPU)  "
                  f"page 200: {deep_ms:7.1f} ms ({deep_cpu:6.1f} CPU)", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
