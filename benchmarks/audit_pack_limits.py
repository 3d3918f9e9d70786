"""An audit pack at the limits: the longest period the form accepts, the period's documents just
under the size limit, and a long audit trail.

    .venv/bin/python benchmarks/audit_pack_limits.py [--documents 400] [--entries 100000]
                                                     [--database sqlite|postgresql|both]

For each database: a throwaway database (SQLite in a temp folder; PostgreSQL as in
throwaway_db.py), migrated, the demo organisation's core (dashboard/demo/core.py); then
--documents evidence documents spread over the period, of random (incompressible) content whose
sizes add up to just under `audit_pack.MAX_DOCUMENTS_BYTES` (200 MiB), stored in clear; then
--entries audit entries (chained as in benchmarks/audit_verify.py, all inside the period), and
the auditor builds the pack over `MAX_PERIOD_DAYS` - 1 days with `build_audit_pack` (what the
evidence room's button runs: the documents read one at a time, the trail's CSV, the
checkpoints, the registers, the manifests, the cover PDF, the ZIP, its registration).

Prints the time (wall and this process's CPU), the pack's size, and the process's peak resident memory before and during the
build (VmHWM, reset before the build where the kernel allows it).
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import audit_verify  # noqa: E402  (sets the key and checkpoint files in a temp folder)

from sqlalchemy import insert  # noqa: E402

from dashboard import audit_pack, db  # noqa: E402
from dashboard.demo import core  # noqa: E402
from models.clock import paris_today  # noqa: E402
from models.evidence import EvidenceDocument  # noqa: E402
from tests.conftest import actor_named  # noqa: E402
from throwaway_db import postgres_database  # noqa: E402


def memory_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def add_documents(engine, count: int, first_day, days: int) -> int:
    size = (audit_pack.MAX_DOCUMENTS_BYTES - 2**20) // count
    table = EvidenceDocument.__table__
    total = 0
    for start in range(0, count, 20):
        rows = []
        for i in range(start, min(count, start + 20)):
            content = os.urandom(size)
            issued = datetime.combine(first_day + timedelta(days=1 + i * (days - 2) // count),
                                      datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
            rows.append(dict(number=f"DOC-B-{i:06d}", verification_code=f"BNCH-{i:06d}", kind="bench.certificate",
                             title=f"Certificat de destruction {i}", case_type="", case_id=None, case_ref="",
                             entity_id=1, filename=f"certificat-{i}.pdf", media_type="application/pdf",
                             language="fr", size=size, sha256=hashlib.sha256(content).hexdigest(),
                             envelope_sha256=None, content=content, issued_at=issued, issued_by_id=None,
                             issued_by_name="Benchmark", supersedes_id=None))
            total += size
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
    return total


def run(url: str, label: str, documents: int, entries: int) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
        core.seed(session)
    today = paris_today()
    days = audit_pack.MAX_PERIOD_DAYS - 1
    first_day = today - timedelta(days=days)
    began = time.perf_counter()
    total = add_documents(engine, documents, first_day, days)
    seconds, database, checkpoint, key = audit_verify.record(engine, entries)
    audit_verify.audit_anchor.append(database, checkpoint, key)
    print(f"{label:<13} {documents} documents ({total / 2**20:.0f} MiB) and {entries} entries in "
          f"{time.perf_counter() - began:.0f} s", flush=True)
    auditor = actor_named(engine, "auditeur")
    before = memory_mib("VmRSS")
    exact = reset_peak()
    began, cpu = time.perf_counter(), time.process_time()
    with db.unit_of_work(engine) as session:
        pack = audit_pack.build_audit_pack(session, auditor, {"date_from": first_day, "date_to": today,
                                                              "reason": "Benchmark at the limits"})
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = memory_mib("VmHWM")
    print(f"{label:<13} pack over {days} days: {seconds:6.1f} s ({cpu:.1f} s CPU), {pack.size / 2**20:6.1f} MiB, "
          f"{pack.documents} documents, {pack.trail_entries} trail entries; RSS before {before:6.0f} MiB, "
          f"peak during {peak:6.0f} MiB{'' if exact else ' (peak since start: the kernel refused the reset)'}",
          flush=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database", default="both", choices=("sqlite", "postgresql", "both"))
    args = parser.parse_args()
    if args.database in ("sqlite", "both"):
        run(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", "SQLite", args.documents, args.entries)
    if args.database in ("postgresql", "both"):
        url, drop = postgres_database("dpo_bench_pack")
        try:
            run(url, "PostgreSQL 15", args.documents, args.entries)
        finally:
            drop()


if __name__ == "__main__":
    main()
