"""How the audit-chain verification holds as the trail grows: N entries, then verification
from the last checkpoint after M new ones.

    .venv/bin/python benchmarks/audit_verify.py [--sizes 10000,100000] [--new 0,100,1000,10000]
                                                [--database sqlite|postgresql|both] [--no-whole]

For each database and size: a throwaway database (SQLite in a temp folder; PostgreSQL as in
throwaway_db.py), migrated; N entries chained as `dashboard.audit.record` chains them (HMAC
under the key, each naming its predecessor's hash) but inserted 5 000 at a time (COPY on
PostgreSQL, see bulk.py; the recorder takes ~5-30 ms an entry on the shared machine: a million
would take hours), the head row set,
and a checkpoint of the last entry written, as the recorder writes one every CHECKPOINT_EVERY
entries. Then:

- whole: `verify_chain(full=True)`, every entry from the first (what `manage.py verify-audit
  --full` does; --no-whole skips it: at a million entries it takes a quarter of an hour or more);
- from the last checkpoint, after M new entries (M = each of --new, inserted the same way, with no
  checkpoint between them: the worst case; in use the recorder writes one every 100 entries, so
  the verification reads fewer than 100): `verify_chain()`, which reads and checks the last
  checkpoint's entry, then the M entries after it (and anchors the new head).

Target (issue 19): the verification from the last checkpoint grows with the new entries only,
not with N. The key and the checkpoint file live in a temporary folder.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_DIR = tempfile.mkdtemp(prefix="dpo-bench-audit-")
os.environ["DPO_AUDIT_KEY_FILE"] = os.path.join(_DIR, "audit.key")
os.environ["DPO_AUDIT_CHECKPOINT_FILE"] = os.path.join(_DIR, "audit-checkpoints.log")
os.environ.setdefault("DPO_PASSWORD_PROFILE", "cheap")

from sqlalchemy import update  # noqa: E402

import models  # noqa: E402
from dashboard import audit, audit_anchor, db  # noqa: E402
from models.audit import AuditEntry, AuditHead, entry_hash  # noqa: E402
from models.types import utcnow  # noqa: E402
from bulk import insert_rows  # noqa: E402
from cpu import backend_pid, server_cpu_s  # noqa: E402
from throwaway_db import postgres_database  # noqa: E402

models.load_all()


def record(engine, count: int, batch: int = 5000) -> float:
    """Appends `count` chained entries; returns the seconds it took."""
    began = time.perf_counter()
    with db.unit_of_work(engine) as session:
        head = session.get(AuditHead, 1)
        seq, previous, keyed_from = head.seq, head.hash, head.keyed_from
        database = audit_anchor.database_label(session)
    key = audit_anchor.chain_key(keyed_entries_exist=seq >= keyed_from)
    table = AuditEntry.__table__
    at = utcnow()
    last = seq + count
    while seq < last:
        rows = []
        for _ in range(min(batch, last - seq)):
            seq += 1
            entry = AuditEntry(seq=seq, at=at, actor_id=None, actor_name="benchmark", actor_role="",
                               action="bench.entry", object_type="bench", object_id=seq, object_ref=f"B-{seq:08d}",
                               entity_id=None, reason="", details={"i": seq, "note": "an ordinary change"},
                               prev_hash=previous)
            entry.hash = previous = entry_hash(entry, key if seq >= keyed_from else None)
            rows.append({column.name: getattr(entry, column.name) for column in table.columns if column.name != "id"})
        with engine.begin() as connection:
            insert_rows(connection, table, rows)
            connection.execute(update(AuditHead.__table__).where(AuditHead.id == 1).values(seq=seq, hash=previous))
    return time.perf_counter() - began, database, Checkpoint_of(seq, previous, keyed_from), key


def Checkpoint_of(seq: int, hash_: str, keyed_from: int):  # noqa: N802
    return audit_anchor.Checkpoint(seq, hash_, keyed_from, audit_anchor.now())


def verify(engine, **kwargs) -> tuple[audit.ChainReport, float, float]:
    """(report, wall seconds, CPU seconds: this process's plus, for PostgreSQL on this machine,
    the session's backend's; steadier than wall time on a loaded machine)."""
    with db.unit_of_work(engine) as session:
        pid = backend_pid(session.connection())
        cpu = time.process_time() + server_cpu_s(pid)
        began = time.perf_counter()
        report = audit.verify_chain(session, **kwargs)
        seconds = time.perf_counter() - began
        cpu = time.process_time() + server_cpu_s(pid) - cpu
    return report, seconds, cpu


def run(url: str, label: str, n: int, news: list[int], whole_chain: bool = True) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
    seconds, database, checkpoint, key = record(engine, n)
    audit_anchor.append(database, checkpoint, key)  # as the recorder does every CHECKPOINT_EVERY entries
    print(f"{label:<13} {n:>9} entries chained and inserted in {seconds:6.1f} s", flush=True)
    if whole_chain:
        report, whole, cpu = verify(engine, full=True)
        assert report.intact, report
        print(f"{label:<13} {n:>9} whole chain: {report.checked:>9} entries checked in {whole * 1000:8.1f} ms "
              f"({cpu * 1000:8.1f} ms CPU)", flush=True)
    for new in news:
        record(engine, new)
        report, seconds, cpu = verify(engine)
        assert report.intact, report
        print(f"{label:<13} {n:>9} from checkpoint {report.from_seq:>9} after {new:>6} new: "
              f"{report.checked:>6} checked in {seconds * 1000:8.1f} ms ({cpu * 1000:7.1f} ms CPU)", flush=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--new", default="0,100,1000,10000")
    parser.add_argument("--database", default="both", choices=("sqlite", "postgresql", "both"))
    parser.add_argument("--no-whole", dest="whole", action="store_false",
                        help="skip the verification of the whole chain")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    news = [int(s) for s in args.new.split(",")]
    for n in sizes:
        if args.database in ("sqlite", "both"):
            run(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", "SQLite", n, news, args.whole)
        if args.database in ("postgresql", "both"):
            url, drop = postgres_database("dpo_bench_audit")
            try:
                run(url, "PostgreSQL 15", n, news, args.whole)
            finally:
                drop()


if __name__ == "__main__":
    main()
