"""The evidence pages through Streamlit's AppTest: the real entry script and pages."""

from sqlmodel import select

from dashboard import evidence
from models.audit import AuditEntry
from tests.page_support import app_as, page_path
from tests.tamper import as_owner
from tests.evidence.conftest import CASE_TYPE, issue, issue_for_activity

REASON = "Audit interne annuel 2026"


def _texts(at, kind: str) -> str:
    return " ".join(element.value for element in getattr(at, kind))


def _open(at, file: str):
    at.switch_page(page_path(file)).run()
    assert not at.exception, at.exception
    return at


def _entries(org, action: str) -> list[AuditEntry]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def _hook_activities(org, monkeypatch):
    from dashboard.demo import activities as demo_activities

    monkeypatch.setitem(evidence.VISIBILITY, CASE_TYPE, "tests.evidence.conftest:activity_visible")
    with org.work() as session:
        demo_activities.seed(session)
        return demo_activities.activity_id(session, "hr_payroll"), demo_activities.activity_id(session, "benefits")


def test_a_department_head_finds_and_downloads_only_his_documents(app_org, monkeypatch):
    hr_activity, other_activity = _hook_activities(app_org, monkeypatch)
    mine = issue_for_activity(app_org, hr_activity, title="Certificat de destruction RH")
    issue_for_activity(app_org, other_activity, title="Certificat de destruction DRC")
    at = _open(app_as(app_org, "chef.rh"), "evidence_documents.py")
    table = at.dataframe[0].value
    assert list(table["Numéro"]) == [mine.number] and list(table["Titre"]) == ["Certificat de destruction RH"]
    at.selectbox(key="ev_open").select(mine.id).run()
    at.button(key=f"ev_doc_{mine.id}_fetch").click().run()
    assert "Indiquez le motif de votre consultation" in _texts(at, "error")  # a reason first
    at.text_input(key="ev_reason").input(REASON).run()
    at.button(key=f"ev_doc_{mine.id}_fetch").click().run()
    assert not at.error
    assert [b.label for b in at.get("download_button")] == ["Enregistrer certificat.pdf"]
    assert [(e.actor_name, e.object_ref, e.reason) for e in _entries(app_org, "evidence.download")] == [
        ("chef.rh", mine.number, REASON)]


def test_versions_link_both_ways_and_a_signed_copy_is_filed(app_org):
    original = issue(app_org, case_id=9)
    at = _open(app_as(app_org, "juriste"), "evidence_documents.py")
    at.selectbox(key="ev_open").select(original.id).run()
    scan = b"%PDF-1.4\n% signed scan\n%%EOF\n"
    at.get("file_uploader")[0].set_value(("scan.pdf", scan, "application/pdf")).run()
    at.button(key=f"ev_scan_submit_{original.id}").click().run()
    assert not at.error and not at.exception
    assert "elle remplace " + original.number in _texts(at, "success")
    assert at.button(key="ev_older").label.endswith(f"({original.number})")  # the new version is open
    at.button(key="ev_older").click().run()
    assert at.session_state["ev_open"] == original.id
    assert "Remplacé par DOC-" in _texts(at, "warning")


def test_an_auditor_cannot_file_anything_on_the_documents_page(app_org):
    original = issue(app_org)
    at = _open(app_as(app_org, "auditeur"), "evidence_documents.py")
    at.selectbox(key="ev_open").select(original.id).run()
    assert not at.get("file_uploader") and not at.expander


def test_verification_page_answers_for_files_and_codes(app_org):
    document = issue(app_org)
    at = _open(app_as(app_org, "auditeur"), "evidence_verify.py")
    tampered = document.content.replace(b"/Creator (DPO Desk)", b"/Creator (DPO Desq)")
    at.get("file_uploader")[0].set_value(("certificat.pdf", tampered, "application/pdf")).run()
    altered = f"Document altéré : ce fichier n'est pas le document émis sous le numéro {document.number}"
    assert altered in _texts(at, "error")
    at.run()  # any rerun: the same file is not verified again
    assert len(_entries(app_org, "evidence.verify")) == 1
    at.get("file_uploader")[0].set_value(("notes.txt", b"just text", "text/plain")).run()
    assert "Document inconnu" in _texts(at, "warning") and "Ce n'est pas un PDF" in _texts(at, "markdown")
    at.text_input(key="verify_reference_text").input(document.verification_code.lower())
    at.button(key="FormSubmitter:verify_reference-Vérifier").click().run()
    assert f"Code valide : il correspond au document {document.number}" in _texts(at, "success")
    at.text_input(key="verify_reference_text").input(document.number)
    at.button(key="FormSubmitter:verify_reference-Vérifier").click().run()
    assert "Saisissez un code de vérification de 12 caractères" in _texts(at, "error")
    assert len(_entries(app_org, "evidence.verify")) == 3


def test_audit_trail_page_names_the_broken_entry_and_shows_changes(app_org):
    from dashboard import audit

    with app_org.work() as session:
        audit.record(session, app_org.dpo, "dsr.update", object_ref="DSR-2026-0042", entity_id=app_org.entities[
            "MEDICIS"].id, details={"changes": audit.diff({"status": "received"}, {"status": "closed"})})
    seq = _entries(app_org, "dsr.update")[0].seq
    at = _open(app_as(app_org, "auditeur"), "audit_trail.py")
    assert "Chaîne intacte" in _texts(at, "success")
    at.selectbox(key="audit_action").select("dsr.update").run()
    assert list(at.dataframe[0].value["Avant → après"]) == ["État : Reçue → Clôturée"]  # in words, not codes
    at.selectbox(key="audit_open").select(seq).run()
    changes = at.dataframe[1].value
    assert (list(changes["Champ"]), list(changes["Avant"]), list(changes["Après"])) == (
        ["État"], ["Reçue"], ["Clôturée"])
    at.button(key="audit_export").click().run()
    assert [b.label for b in at.get("download_button")] == ["Télécharger (CSV)"]
    as_owner(app_org.engine, "UPDATE audit_entry SET object_ref = 'DSR-2026-9999' WHERE seq = :seq", seq=seq)
    at.button(key="verify_chain").click().run()
    message = _texts(at, "error")
    assert f"l'entrée n° {seq} a été modifiée en dehors de l'application" in message
    assert "modifiée directement dans la base de données" in message


def test_pack_page_builds_a_pack_to_download(app_org):
    issue(app_org)
    at = _open(app_as(app_org, "auditeur"), "evidence_pack.py")

    def build():  # the form's key has a generation: a new one after each pack (form_state)
        next(b for b in at.button if b.label == "Constituer le dossier").click().run()

    build()
    assert "Indiquez le motif de votre consultation" in _texts(at, "error")  # the reason is required
    at.text_input(key="pack_reason").input(REASON)
    build()
    assert not at.error and "1 document(s)" in _texts(at, "success")
    [button] = at.get("download_button")
    assert button.label.startswith("Enregistrer dossier-audit_Toutes-les-entites_")


def test_a_broken_audit_chain_shows_an_alarm_to_the_dpo_on_every_page(app_org):
    """Issue 14, item 2: a damaged trail raises an alarm and stops nobody (log-in included)."""
    with app_org.session() as session:  # the last entry: after any checkpoint
        last = session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).one()
    as_owner(app_org.engine, "UPDATE audit_entry SET reason = 'falsifié' WHERE seq = :seq", seq=last)
    dpo = app_as(app_org, "dpo")
    assert "Alerte : le journal d'audit ne se vérifie plus" in _texts(dpo, "error")
    assert f"l'entrée n° {last} a été modifiée" in _texts(dpo, "error")
    assert "Alerte" in _texts(_open(dpo, "evidence_documents.py"), "error")
    legal = app_as(app_org, "juriste")  # signs in and works; the alarm is the DPO's and auditors'
    assert not legal.exception and "Alerte" not in _texts(legal, "error")
