"""The audit pack: what it holds, that its manifest matches its contents, that it is
itself in the registry, and who may build it."""

import csv
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from dashboard import audit_anchor, audit_pack, audit_trail, evidence, evidence_room
from dashboard.access import ReasonRequired
from dashboard.errors import NotAllowed, RuleViolation
from dashboard.evidence_room import DocumentFilter
from dashboard.evidence_verification import Outcome, verify_file, verify_reference
from dashboard.i18n import Translator
from dashboard.validation import InvalidInput
from exports.pdf.base import build_pdf, para
from models.audit import AuditEntry, checkpoint_mac
from models.clock import paris_today
from models.evidence import EvidenceDocument, EvidencePackFile
from tests.evidence.conftest import issue

REASON = "Contrôle CNIL du 12 mars"
REGISTER_CSV = "Traitement;Finalité\r\nPaie;Gestion du personnel\r\n".encode("utf-8-sig")


def register_contributor(session, actor, scope):
    """A case type's contribution: a CSV and a PDF carrying the pack's own stamp."""
    pdf = build_pdf([para("Registre des violations de données")], stamp=scope.stamp, tr=Translator(scope.language),
                    title="Registre des violations", subject="Registre", author=actor.full_name, header="Médicis")
    return [("registre des traitements.csv", REGISTER_CSV), ("../registre-violations.pdf", pdf)]


@pytest.fixture
def contributors(monkeypatch):
    monkeypatch.setattr(audit_pack, "CONTRIBUTORS", [f"{__name__}:register_contributor"])


def _request(org, entity="MEDICIS", days_back=0, **overrides):
    today = paris_today()
    return {"date_from": today - timedelta(days=days_back), "date_to": today,
            "entity_id": org.entities[entity].id if entity else None, "reason": REASON, **overrides}


@dataclass(frozen=True)
class Built:
    """What build_audit_pack returned, and the ZIP the page's save button hands over."""
    result: audit_pack.PackResult
    content: bytes

    def __getattr__(self, name):
        return getattr(self.result, name)


def _build(org, actor=None, **kwargs):
    actor = actor or org.auditor
    with org.work() as session:
        result = audit_pack.build_audit_pack(session, actor, _request(org, **kwargs))
    with org.work() as session:
        return Built(result, audit_pack.pack_content(session, actor, result.document_id))


def _manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_manifest_matches_the_contents(org, contributors):
    first = issue(org, case_id=1, title="Certificat de destruction")
    second = issue(org, case_id=1, supersedes=first, title="Certificat de destruction (corrigé)")
    elsewhere = issue(org, entity="GERP", title="Lettre GERP")
    pack = _build(org)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    names = set(archive.namelist())
    manifest = _manifest(archive)
    listed = {row["Fichier"]: row for row in manifest}
    assert len(listed) == len(manifest)  # each file once
    assert set(listed) == names - {"manifest.csv", "SHA256SUMS.txt"}
    for name, row in listed.items():
        content = archive.read(name)
        assert row["SHA-256"] == hashlib.sha256(content).hexdigest(), name
        assert int(row["Octets"]) == len(content), name
    sums = dict(line.split("  ", 1)[::-1] for line in archive.read("SHA256SUMS.txt").decode().splitlines())
    assert sums == {name: row["SHA-256"] for name, row in listed.items()}
    # the period's documents of the entity, every version, byte for byte; nothing of another entity
    documents = {name: archive.read(name) for name in names if name.startswith("documents/")}
    assert documents == {f"documents/{first.number}_certificat.pdf": first.content,
                         f"documents/{second.number}_certificat.pdf": second.content}
    assert not any(elsewhere.number in name for name in names)
    assert listed[f"documents/{second.number}_certificat.pdf"]["Titre"] == "Certificat de destruction (corrigé)"
    # contributions, with names that cannot escape their folder
    assert archive.read("registres/registre-des-traitements.csv") == REGISTER_CSV
    assert "registres/registre-violations.pdf" in names
    assert (pack.documents, pack.registers) == (2, 2)


def test_the_pack_explains_itself_and_carries_the_trail(org, contributors):
    document = issue(org)
    pack = _build(org)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert pack.number in readme and pack.verification_code in readme
    assert "sha256sum -c SHA256SUMS.txt" in readme and "Get-FileHash" in readme and "Chaîne intacte" in readme
    assert f"Motif : {REASON}" in readme
    trail = list(csv.reader(io.StringIO(archive.read("journal-audit.csv").decode("utf-8-sig")), delimiter=";"))
    assert trail[0][0] == "N°" and len(trail) - 1 == pack.trail_entries > 0
    assert any(row[4] == "evidence.issue" and document.number in row for row in trail[1:])
    slip = PdfReader(io.BytesIO(archive.read("bordereau.pdf")))
    slip_text = "".join(page.extract_text() for page in slip.pages)
    assert "Bordereau de remise" in slip_text and pack.verification_code in slip_text
    assert document.number in slip_text and "Marc Lemoine" in slip_text


def test_the_pack_is_in_the_registry_with_its_own_hash(org, contributors):
    issue(org)
    pack = _build(org)
    with org.work() as session:
        recorded = session.get(EvidenceDocument, pack.document_id)
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.issue",
                                                      AuditEntry.object_id == pack.document_id)).one()
        downloaded = bytes(evidence.download_document(session, org.dpo, pack.document_id).content)  # evidence room
    assert recorded.sha256 == hashlib.sha256(pack.content).hexdigest() == pack.sha256
    assert downloaded == pack.content and recorded.size == pack.size == len(pack.content)
    assert (recorded.kind, recorded.entity_id, recorded.issued_by_name, recorded.media_type) == (
        evidence.PACK_KIND, org.entities["MEDICIS"].id, "Marc Lemoine", "application/zip")
    assert (entry.actor_name, entry.reason) == ("auditeur", REASON)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    with org.work() as session:
        assert verify_file(session, org.dpo, pack.filename, pack.content).outcome == Outcome.ISSUED
        for name in ("bordereau.pdf", "registres/registre-violations.pdf"):
            result = verify_file(session, org.dpo, name, archive.read(name))
            assert (result.outcome, result.pack_file, result.document.number) == (Outcome.IN_PACK, name, pack.number)
    # the next pack does not nest this one
    again = _build(org)
    assert not any(pack.number in name for name in zipfile.ZipFile(io.BytesIO(again.content)).namelist())


def test_the_period_and_all_entities(org):
    medicis, gerp = issue(org), issue(org, entity="GERP")
    everything = _build(org, entity=None, days_back=30)
    names = zipfile.ZipFile(io.BytesIO(everything.content)).namelist()
    assert any(medicis.number in n for n in names) and any(gerp.number in n for n in names)
    today = paris_today()
    past = _build(org, date_from=today - timedelta(days=30), date_to=today - timedelta(days=1))
    assert past.documents == 0


def test_legal_cannot_find_a_pack_since_it_holds_the_audit_trail(org):
    pack = _build(org, actor=org.dpo)
    with org.session() as session:
        assert evidence_room.count_documents(session, org.legal, DocumentFilter()) == 0
        assert evidence_room.count_documents(session, org.auditor, DocumentFilter()) == 1
    with pytest.raises(NotAllowed), org.work() as session:
        evidence_room.download(session, org.legal, pack.document_id, REASON)


@pytest.mark.parametrize("who", ["legal", "head_hr"])
def test_only_the_dpo_and_auditors_build_a_pack(org, who):
    with pytest.raises(NotAllowed):
        _build(org, actor=getattr(org, who))


@pytest.mark.parametrize(("overrides", "error", "key"), [
    ({"reason": ""}, ReasonRequired, "evidence.reason_required"),
    ({"reason": "ok"}, ReasonRequired, "access.reason_too_short"),
    ({"date_from": "tomorrow"}, InvalidInput, "error.invalid_input"),  # read when the test runs, not when collected
    ({"date_from": paris_today() - timedelta(days=5000)}, InvalidInput, "error.invalid_input"),
    ({"entity_id": 987654}, InvalidInput, "error.invalid_input"),
])
def test_bad_requests_are_refused_and_nothing_is_issued(org, overrides, error, key):
    if overrides.get("date_from") == "tomorrow":
        overrides = {**overrides, "date_from": paris_today() + timedelta(days=1)}
    with pytest.raises(error) as raised:
        _build(org, **overrides)
    assert raised.value.key == key
    with org.session() as session:
        assert session.exec(select(EvidenceDocument)).first() is None


def test_a_pack_beyond_the_size_limit_is_refused(org, monkeypatch):
    issue(org)
    monkeypatch.setattr(audit_pack, "MAX_DOCUMENTS_BYTES", 1000)
    with pytest.raises(RuleViolation) as raised:
        _build(org)
    assert raised.value.key == "evidence.pack.too_large"


def test_the_pack_carries_the_signed_checkpoints_of_the_trail(org, contributors):
    """Issue 14, item 2: the trail's anchor outside the database goes with every pack."""
    with org.work() as session:
        assert audit_trail.verify(session, org.auditor).intact  # writes a checkpoint
    archive = zipfile.ZipFile(io.BytesIO(_build(org).content))
    lines = [json.loads(line) for line in archive.read(audit_pack.CHECKPOINTS_FILE).decode().splitlines()]
    key = audit_anchor.read_key()
    assert lines and all(line["mac"] == checkpoint_mac({k: v for k, v in line.items() if k != "mac"}, key)
                         for line in lines)
    with org.session() as session:
        assert {line["db"] for line in lines} == {audit_anchor.database_label(session)}


def test_every_file_of_the_pack_verifies_as_part_of_it_manifests_included(org, contributors):
    """journal-audit.csv, manifest.csv, SHA256SUMS.txt and the rest: each is recognised as a
    file of the pack (the manifests' own hashes are recorded when the pack is built)."""
    issue(org)
    pack = _build(org)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    names = archive.namelist()
    assert {"journal-audit.csv", "manifest.csv", "SHA256SUMS.txt", "README.txt"} <= set(names)
    with org.work() as session:
        for name in names:
            if not archive.read(name):
                continue  # an empty file (no checkpoint yet) answers "empty", whatever pack holds one
            result = verify_file(session, org.dpo, name.rsplit("/", 1)[-1], archive.read(name))
            if name.startswith("documents/"):  # a document of the registry: issued under its own number
                assert result.outcome == Outcome.ISSUED, name
                continue
            assert (result.outcome, result.pack_file, result.document and result.document.number) == (
                Outcome.IN_PACK, name, pack.number), (name, result)
        # typed as a fingerprint too (a file too large to drop)
        digest = hashlib.sha256(archive.read("manifest.csv")).hexdigest()
        typed = verify_reference(session, org.auditor, digest)
        assert (typed.outcome, typed.pack_file) == (Outcome.IN_PACK, "manifest.csv")
        # a changed manifest is no longer part of it
        forged = archive.read("manifest.csv") + b"x;y\r\n"
        assert verify_file(session, org.dpo, "manifest.csv", forged).outcome == Outcome.UNKNOWN


def test_a_pack_file_stays_withheld_from_who_may_not_see_the_pack(org, contributors):
    issue(org)
    pack = _build(org)
    trail = zipfile.ZipFile(io.BytesIO(pack.content)).read("journal-audit.csv")
    with org.work() as session:
        result = verify_file(session, org.legal, "journal-audit.csv", trail)
    assert (result.outcome, result.withheld, result.document, result.pack_file) == (
        Outcome.IN_PACK, True, None, "")


@pytest.mark.parametrize("in_memory", [True, False])
def test_a_pack_written_through_a_temporary_file_is_stored_and_read_back_whole(org, contributors, monkeypatch,
                                                                                in_memory):
    """A large pack goes to a temporary file and into the registry (then back) by chunks: with
    chunks of 4 KiB, documents of 20 KiB (incompressible) each cross several of them."""
    monkeypatch.setattr(evidence, "CHUNK", 4096)
    monkeypatch.setattr(audit_pack, "IN_MEMORY_BYTES", 10**9 if in_memory else 0)
    documents = [issue(org, case_id=n, build=lambda stamp: os.urandom(20_000)) for n in range(1, 4)]
    pack = _build(org)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    assert archive.testzip() is None
    for document in documents:
        assert archive.read(f"documents/{document.number}_certificat.pdf") == document.content
    with org.work() as session:
        recorded = session.get(EvidenceDocument, pack.document_id)
        files = session.exec(select(EvidencePackFile).where(EvidencePackFile.pack_id == pack.document_id)
                             .order_by(EvidencePackFile.id)).all()
        assert evidence.verify_documents(session).intact
        downloaded = bytes(evidence.download_document(session, org.dpo, pack.document_id).content)  # evidence room
    assert downloaded == pack.content and len(pack.content) == pack.size > 3 * 20_000
    assert hashlib.sha256(pack.content).hexdigest() == pack.sha256 == recorded.sha256
    assert [(f.name, f.sha256, f.size) for f in files] == [
        (info.filename, hashlib.sha256(archive.read(info)).hexdigest(), info.file_size) for info in archive.infolist()]


def test_only_who_built_the_pack_gets_it_from_the_save_button(org, contributors):
    issue(org)
    pack = _build(org)
    with org.work() as session:
        plain = evidence.issue_document(session, org.dpo, kind="test.note", title="Note", filename="note.txt",
                                        media_type="text/plain", build=lambda stamp: b"note").id
    for actor, document_id in ((org.dpo, pack.document_id), (org.legal, pack.document_id), (org.dpo, plain)):
        with pytest.raises(NotAllowed), org.work() as session:
            audit_pack.pack_content(session, actor, document_id)
