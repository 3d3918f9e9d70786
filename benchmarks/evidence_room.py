"""Evidence room figures: how long the audit chain's verification, the audit-trail
export and an audit pack take for a trail of N entries and D documents.

    .venv/bin/python benchmarks/evidence_room.py [N entries, default 20000] [D documents, default 200]

On the development machine (2 shared cores, SQLite): verification ~80 µs an entry,
export ~85 µs an entry (160 bytes of CSV each): the page verifies on arrival up to
AUTO_VERIFY_MAX_ENTRIES and refuses exports beyond EXPORT_MAX_ROWS.
"""

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from dashboard import audit, audit_pack, audit_trail, db, evidence
from dashboard.actor import SYSTEM
from dashboard.demo import core
from models.clock import paris_today
from tests.conftest import actor_named
from tests.evidence.conftest import certificate_builder


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<42} {time.perf_counter() - start:8.2f} s")
    return value


def main(entries: int = 20000, documents: int = 200) -> None:
    folder = Path(tempfile.mkdtemp())
    engine = db.make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    db.migrate(engine)
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
        core.seed(session)
    with db.unit_of_work(engine) as session:
        for i in range(documents):
            evidence.issue_document(session, SYSTEM, kind="bench.certificate", title=f"Certificat {i}",
                                    filename="certificat.pdf", media_type="application/pdf",
                                    build=certificate_builder(), entity_id=1)

    def fill():
        with db.unit_of_work(engine) as session:
            for i in range(entries):
                audit.record(session, SYSTEM, "dsr.update", object_type="dsr", object_id=i, entity_id=1,
                             object_ref=f"DSR-2026-{i:05d}", details={"changes": {"status": ["received", "closed"]}})

    timed(f"append {entries} audit entries", fill)
    with db.new_session(engine) as session:
        status = timed("verify the chain", lambda: audit_trail.chain_status(session))
        content, rows = timed("export the whole trail as CSV", lambda: audit_trail.trail_export(
            session, SYSTEM, audit_trail.TrailFilter(), "fr"))
    print(f"chain intact: {status.intact}, {status.checked} entries; CSV {len(content) // 1024} KB for {rows} rows")
    auditor = actor_named(engine, "auditeur")
    with db.unit_of_work(engine) as session:
        pack = timed(f"audit pack ({documents} documents)", lambda: audit_pack.build_audit_pack(session, auditor, {
            "date_from": paris_today() - timedelta(days=364), "date_to": paris_today(), "reason": "Benchmark"}))
    print(f"pack {pack.size // 1024} KB, {pack.documents} documents, {pack.trail_entries} trail entries")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
