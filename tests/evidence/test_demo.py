"""The demo's audit pack: built once, by the demo auditor, and verifiable."""

import hashlib

from sqlmodel import select

from dashboard import db, demo, evidence
from models.evidence import EvidenceDocument
from tests.conftest import actor_named


def test_demo_holds_one_verifiable_pack_handed_to_the_auditor(engine):
    for _ in range(2):
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    with db.new_session(engine) as session:
        packs = session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == evidence.PACK_KIND)).all()
        stored = evidence.stored_content(session, packs[0].id)  # sealed under the pack's own key
        downloaded = evidence.download_document(session, actor_named(engine, "auditeur"), packs[0].id).content
    assert len(packs) == 1
    assert packs[0].issued_by_name == "Marc Lemoine" and packs[0].title.startswith("Dossier d'audit — Mutuelle Médicis")
    assert hashlib.sha256(downloaded).hexdigest() == packs[0].sha256
    assert hashlib.sha256(stored).hexdigest() == packs[0].envelope_sha256 != packs[0].sha256
