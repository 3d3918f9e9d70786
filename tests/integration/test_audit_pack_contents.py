"""An inspection's audit pack holds every case type's register, scoped to the entity,
with the pack's own stamp, and a manifest that matches its contents."""

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

from dashboard import audit_pack
from models.clock import paris_today
from tests.pdf_reading import pdf_text

REGISTERS = {"registre-traitements.csv", "registre-traitements-medicis.pdf", "registre-demandes-droits.csv",
             "registre-violations.pdf", "registre-violations.csv", "registre-sous-traitants.pdf",
             "registre-sous-traitants.csv"}



def test_a_pack_for_one_entity_holds_each_register_of_that_entity(demo_org):
    org = demo_org
    today = paris_today()
    with org.work() as session:
        pack = audit_pack.build_audit_pack(session, org.auditor, {
            "date_from": today - timedelta(days=365), "date_to": today,
            "entity_id": org.entities["MEDICIS"].id, "reason": "Contrôle CNIL sur place"})
    with org.work() as session:
        archive = zipfile.ZipFile(io.BytesIO(audit_pack.pack_content(session, org.auditor, pack.document_id)))
    registers = {name.split("/", 1)[1] for name in archive.namelist() if name.startswith("registres/")
                 or name.startswith("registers/")}
    assert registers == REGISTERS
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")), delimiter=";"))
    listed = {row[next(k for k in row if "fichier" in k.lower() or "file" in k.lower())]: row for row in manifest}
    for name in archive.namelist():
        if name in ("manifest.csv", "SHA256SUMS.txt"):
            continue
        digest = hashlib.sha256(archive.read(name)).hexdigest()
        assert any(digest in row.values() for row in listed.values()), name

    folder = next(n.split("/")[0] for n in archive.namelist() if n.endswith("registre-violations.pdf"))
    breaches = pdf_text(archive.read(f"{folder}/registre-violations.pdf"))
    assert pack.number in breaches and "VIO-" in breaches
    assert "ADEPIA" not in breaches and "Savelunari" not in breaches  # another entity's breaches stay out
    requests = archive.read(f"{folder}/registre-demandes-droits.csv").decode("utf-8-sig")
    assert "Mutuelle Médicis" in requests and "Lumina" not in requests
    processors = archive.read(f"{folder}/registre-sous-traitants.csv").decode("utf-8-sig")
    assert processors.count("\r\n") > 1
