"""A document built into a file (an audit pack, up to 200 MiB) is kept a chunk per row
(models.evidence.EvidenceChunk, migration 0033): read back whole, verified by
`verify_documents`, refused any rewrite like the registry, and a change behind the app's
back is reported. Chunks of 4 KiB here, so that a document of a few KiB spans several."""

import hashlib
import io
import os

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from dashboard import case_keys, db, evidence
from dashboard.dsr import documents as dsr_documents
from models.evidence import PACK_CASE_TYPE, EvidenceChunk, EvidenceDocument
from tests.dsr.conftest import make_request
from tests.evidence.conftest import issue
from tests.tamper import as_owner


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(evidence, "CHUNK", 4096)


def issue_from_file(org, data: bytes, **kwargs):
    """Issued as the audit pack is: built into a file, stored by chunks."""
    return issue(org, build=lambda _stamp: evidence.FileContent.of(io.BytesIO(data)), **kwargs)


def _chunks(org, document_id: int) -> list[EvidenceChunk]:
    with org.session() as session:
        return list(session.exec(select(EvidenceChunk).where(EvidenceChunk.document_id == document_id)
                                 .order_by(EvidenceChunk.seq)))


def _mismatched(org) -> list[str]:
    with org.session() as session:
        return [m.number for m in evidence.verify_documents(session).mismatches]


def test_a_document_built_into_a_file_reads_back_whole_and_verifies(org):
    data = os.urandom(3 * 4096 + 100)
    document = issue_from_file(org, data)
    with org.work() as session:
        assert evidence.stored_content(session, document.id) == data
        downloaded = evidence.download_document(session, org.auditor, document.id)  # the evidence room's
        assert bytes(downloaded.content) == data
        check = evidence.verify_documents(session)
    assert (document.size, document.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert [len(c.data) for c in _chunks(org, document.id)] == [4096, 4096, 4096, 100]
    assert check.intact and check.checked == 1


def test_the_database_refuses_to_change_or_delete_a_chunk(org):
    document = issue_from_file(org, os.urandom(5000))
    first = _chunks(org, document.id)[0]
    for statement in ("UPDATE evidence_chunk SET data = :blob WHERE id = :id",
                      "UPDATE evidence_chunk SET seq = 7 WHERE id = :id",
                      "DELETE FROM evidence_chunk WHERE id = :id"):
        with pytest.raises(DatabaseError, match="evidence_chunk rows are never"), org.engine.begin() as conn:
            conn.execute(text(statement), {"id": first.id, "blob": b"forged"})
    assert _chunks(org, document.id)[0].data == first.data


@pytest.mark.parametrize("tampering", ["changed", "added", "removed"])
def test_a_chunk_changed_added_or_removed_behind_the_apps_back_is_reported(org, tampering):
    document = issue_from_file(org, os.urandom(2 * 4096 + 10))
    other = issue_from_file(org, os.urandom(500))
    issue(org)  # an ordinary document, stored in its row
    chunks = _chunks(org, document.id)
    if tampering == "changed":
        as_owner(org.engine, "UPDATE evidence_chunk SET data = :d WHERE id = :i", d=os.urandom(4096), i=chunks[1].id)
    elif tampering == "added":
        as_owner(org.engine, "INSERT INTO evidence_chunk (document_id, seq, data) VALUES (:doc, 9, :d)",
                 doc=document.id, d=b"appended")
    else:
        as_owner(org.engine, "DELETE FROM evidence_chunk WHERE id = :i", i=chunks[-1].id)
    assert _mismatched(org) == [document.number]
    assert other.number not in _mismatched(org)


def test_chunks_added_to_a_document_kept_in_its_row_are_reported(org):
    document = issue(org)
    as_owner(org.engine, "INSERT INTO evidence_chunk (document_id, seq, data) VALUES (:doc, 0, :d)",
             doc=document.id, d=b"%%EOF appended")
    assert _mismatched(org) == [document.number]


def test_chunks_added_to_a_document_stored_encrypted_are_reported(org):
    request = make_request(org, requester_name="Inès Moreau")
    with org.work() as session:
        sealed = dsr_documents.issue_acknowledgement(session, org.dpo, request.id)
    assert sealed.envelope_sha256 is not None and _mismatched(org) == []
    as_owner(org.engine, "INSERT INTO evidence_chunk (document_id, seq, data) VALUES (:doc, 0, :d)",
             doc=sealed.id, d=b"appended")
    assert _mismatched(org) == [sealed.number]


# ------------------------------------------------------------------ sealed a chunk at a time (an audit pack)

def issue_sealed_file(org, data: bytes, pack_key: int = 1):
    return issue_from_file(org, data, case_type=PACK_CASE_TYPE, case_id=pack_key, case_ref="")


def test_a_sealed_document_built_into_a_file_is_stored_a_sealed_chunk_per_row(org):
    """An audit pack holds decrypted documents: each chunk is an envelope under the pack's
    key; the download gives the file as issued, and the registry verifies it."""
    data = b"Ines Moreau, 12 rue des Lilas. " * 500  # 15 500 bytes: four chunks
    document = issue_sealed_file(org, data)
    chunks = _chunks(org, document.id)
    with org.work() as session:
        stored = evidence.stored_content(session, document.id)
        downloaded = bytes(evidence.download_document(session, org.auditor, document.id).content)
        check = evidence.verify_documents(session)
    assert len(chunks) == 4 and all(case_keys.is_envelope(c.data) for c in chunks)
    assert b"Moreau" not in stored and document.envelope_sha256 == hashlib.sha256(stored).hexdigest()
    assert downloaded == data and (document.size, document.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert check.intact and check.checked == 1 and check.shredded == 0


@pytest.mark.parametrize("tampering", ["changed", "swapped", "added", "removed", "another document's"])
def test_a_sealed_chunk_changed_moved_added_or_removed_behind_the_apps_back_is_reported(org, tampering):
    document = issue_sealed_file(org, os.urandom(3 * 4096 + 10))
    other = issue_sealed_file(org, os.urandom(2 * 4096))  # the same key: a chunk of it would open
    chunks, others = _chunks(org, document.id), _chunks(org, other.id)
    if tampering == "changed":
        forged = chunks[1].data[:-1] + bytes([chunks[1].data[-1] ^ 1])
        as_owner(org.engine, "UPDATE evidence_chunk SET data = :d WHERE id = :i", d=forged, i=chunks[1].id)
    elif tampering == "swapped":
        as_owner(org.engine, "UPDATE evidence_chunk SET data = :d WHERE id = :i", d=chunks[1].data, i=chunks[0].id)
        as_owner(org.engine, "UPDATE evidence_chunk SET data = :d WHERE id = :i", d=chunks[0].data, i=chunks[1].id)
    elif tampering == "added":
        as_owner(org.engine, "INSERT INTO evidence_chunk (document_id, seq, data) VALUES (:doc, 9, :d)",
                 doc=document.id, d=others[0].data)
    elif tampering == "removed":
        as_owner(org.engine, "DELETE FROM evidence_chunk WHERE id = :i", i=chunks[-1].id)
    else:
        as_owner(org.engine, "UPDATE evidence_chunk SET data = :d WHERE id = :i", d=others[0].data, i=chunks[0].id)
    assert _mismatched(org) == [document.number]
    with org.session() as session, pytest.raises(case_keys.Tampered):
        evidence.readable(session, session.get(EvidenceDocument, document.id))


def test_a_sealed_document_built_into_a_file_is_unreadable_once_its_key_is_destroyed_and_still_verifies(org):
    document = issue_sealed_file(org, os.urandom(2 * 4096 + 1), pack_key=7)
    with org.work() as session:
        assert case_keys.destroy(session, PACK_CASE_TYPE, 7, at=evidence.utcnow(), rule="test rule")
    with org.session() as session:
        with pytest.raises(case_keys.Shredded):
            evidence.readable(session, session.get(EvidenceDocument, document.id))
        check = evidence.verify_documents(session)
    assert check.intact and check.shredded == 1


def _migrate(engine, revision: str) -> None:
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.upgrade if revision == "head" else command.downgrade)(cfg, revision)


def test_the_migration_keeps_every_document_down_and_up(org):
    """Down to 0032, the chunked document's bytes go back into its row (its SHA-256 unchanged,
    the registry's triggers still refuse an UPDATE); up again, every document verifies, the
    older ones kept in their rows, and new ones go into chunks again."""
    data = os.urandom(2 * 4096 + 10)
    chunked, plain = issue_from_file(org, data), issue(org)
    _migrate(org.engine, "0032")
    assert "evidence_chunk" not in inspect(org.engine).get_table_names()
    with org.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, content FROM evidence_document")).all())
    assert bytes(rows[chunked.id]) == data and bytes(rows[plain.id]) == plain.content
    assert {hashlib.sha256(bytes(c)).hexdigest() for c in rows.values()} == {chunked.sha256, plain.sha256}
    with pytest.raises(DatabaseError, match="never changed"), org.engine.begin() as conn:
        conn.execute(text("UPDATE evidence_document SET content = :c WHERE id = :i"), {"c": b"x", "i": plain.id})
    _migrate(org.engine, "head")
    later = issue_from_file(org, os.urandom(5000))
    with org.session() as session:
        check = evidence.verify_documents(session)
        assert evidence.stored_content(session, chunked.id) == data
    assert check.intact and check.checked == 3
    assert _chunks(org, chunked.id) == [] and len(_chunks(org, later.id)) == 2
