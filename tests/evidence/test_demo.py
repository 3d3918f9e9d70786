"""The demo's audit pack: built once, by the demo auditor, and verifiable."""

import hashlib

from sqlmodel import select

from dashboard import db, demo, evidence
from models.evidence import EvidenceDocument


def test_demo_holds_one_verifiable_pack_handed_to_the_auditor(engine):
    for _ in range(2):
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    with db.new_session(engine) as session:
        packs = session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == evidence.PACK_KIND)).all()
        stored = evidence.stored_content(session, packs[0].id)  # what a download of the pack reads
    assert len(packs) == 1
    assert packs[0].issued_by_name == "Marc Lemoine" and packs[0].title.startswith("Dossier d'audit — Mutuelle Médicis")
    assert hashlib.sha256(stored).hexdigest() == packs[0].sha256
