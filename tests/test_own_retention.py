"""DPO Desk's own retention (issue 17 part 3): pseudonymisation at the end of the period,
crypto-shredding of documents and sealed audit parts, the certificate, the command."""

import io
import subprocess
import sys
import threading
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import select

from dashboard import audit, case_keys, cli, evidence, own_retention
from dashboard.breach import records
from dashboard.dsr import documents as dsr_documents, fees
from dashboard.i18n import Translator
from exports.pdf import own_retention_certificate
from exports.stamp import DocumentStamp
from models.audit import AuditEntry
from models.breach import Breach
from models.dsr import DataSubjectRequest
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from models.clock import paris_today
from models.evidence import AuditPackCover, EvidenceDocument, EvidencePackFile
from models.own_retention import AuditSealed, CaseKey, add_months, is_due
from tests.breach.factories import declare, facts
from tests.dsr.conftest import make_request
from tests.pdf_reading import pdf_text
from tests.tamper import as_owner

CLOSED = datetime(2021, 3, 31, 10, 0, tzinfo=timezone.utc)
ENDS = datetime(2026, 3, 31, 10, 0, tzinfo=timezone.utc)  # 60 months later


def _close(org, table: str, case_id: int, at: datetime = CLOSED) -> None:
    """Closed at a fixed past moment (the closing workflows are tested in their areas)."""
    with org.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET status = 'closed', closed_at = :at"
                          + (", is_open = :false" if table == "dsr_request" else "") + " WHERE id = :id"),
                     {"at": at.replace(tzinfo=None) if org.engine.dialect.name == "sqlite" else at, "id": case_id,
                      "false": False})


@pytest.fixture
def closed_request(org):
    """A request of Médicis with an acknowledgement (stored encrypted), closed on CLOSED."""
    request = make_request(org, requester_name="Inès Moreau & <Fils>", requester_contact="ines@example.org")
    with org.work() as session:
        document = dsr_documents.issue_acknowledgement(session, org.dpo, request.id)
    _close(org, "dsr_request", request.id)
    return request, document


def _verify_all(org):
    with org.session() as session:
        chain = audit.verify_chain(session, full=True, checkpoint=False)
        docs = evidence.verify_documents(session)
    return chain, docs


# ------------------------------------------------------------------ the rule

def test_the_period_ends_on_the_same_day_months_later_or_the_last_day_of_that_month():
    assert add_months(CLOSED, 60) == ENDS
    assert add_months(datetime(2024, 2, 29, tzinfo=timezone.utc), 60) == datetime(2029, 2, 28, tzinfo=timezone.utc)
    assert add_months(datetime(2021, 8, 31, tzinfo=timezone.utc), 18) == datetime(2023, 2, 28, tzinfo=timezone.utc)
    assert not is_due(CLOSED, 60, ENDS - timedelta(seconds=1))
    assert is_due(CLOSED, 60, ENDS)
    assert not is_due(None, 60, ENDS)


# ------------------------------------------------------------------ pseudonymisation

def test_a_closed_request_is_pseudonymised_at_the_end_of_its_period_not_the_day_before(org, closed_request):
    request, document = closed_request
    early = own_retention.run_own_retention(org.engine, ENDS - timedelta(days=1))
    assert early.count == 0 and not early.certificate_number
    with org.session() as session:
        assert session.get(DataSubjectRequest, request.id).requester_name == "Inès Moreau & <Fils>"
        assert evidence.readable(session, session.get(EvidenceDocument, document.id)).content == document.content

    report = own_retention.run_own_retention(org.engine, ENDS)
    assert [d.due.reference for d in report.done] == [request.reference]
    assert report.done[0].documents_shredded == 1 and report.certificate_number
    with org.session() as session:
        stored = session.get(DataSubjectRequest, request.id)
        assert (stored.requester_name, stored.requester_contact, stored.description) == (request.reference, "", "")
        assert stored.requester_name_key == "" and stored.pseudonymised_at is not None
        assert stored.outcome == request.outcome and stored.received_on == request.received_on  # the facts stay
        key = case_keys.find(session, "dsr", request.id)
        assert key.wrapped is None and key.destroyed_at == ENDS and key.destroyed_rule == "dsr:60"
        with pytest.raises(case_keys.Shredded) as gone:
            evidence.readable(session, session.get(EvidenceDocument, document.id))
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == own_retention.ACTION)).one()
        assert entry.object_ref == request.reference and entry.details["months"] == 60
        assert "Moreau" not in str(entry.details)
    message = Translator("fr").error(gone.value)
    assert "31/03/2026" in message and "Demandes d'exercice de droits" in message and "60 mois" in message
    assert "destroyed on 2026-03-31" in Translator("en").error(gone.value)
    chain, docs = _verify_all(org)
    assert chain.intact, chain
    assert docs.intact and docs.shredded == 1 and docs.checked == 2  # the acknowledgement and the certificate


def test_a_fees_texts_go_at_the_end_of_the_period_its_figures_stay(org):
    request = make_request(org, requester_name="Inès Moreau")
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, {
            "basis": "excessive", "amount": "30", "notified_on": paris_today(),
            "cost_basis": "Copie pour Mme Moreau : une heure et demie à 20 €.",
            "reasons": "Mme Moreau a déposé sept demandes identiques en trois mois."})
    with org.work() as session:
        fees.settle(session, org.dpo, request.id, 2, {"state": "paid", "settled_on": paris_today(),
                                                       "note": "Chèque de Mme Moreau reçu."})
    _close(org, "dsr_request", request.id)
    assert [d.due.reference for d in own_retention.run_own_retention(org.engine, ENDS).done] == [request.reference]
    with org.session() as session:
        fee = session.exec(select(DsrFee).where(DsrFee.request_id == request.id)).one()
    assert (fee.cost_basis, fee.reasons, fee.settled_note) == ("", "", "")
    assert (fee.basis, fee.amount_cents, fee.state, fee.notified_on) == ("excessive", 3000, "paid", paris_today())


def test_an_open_request_is_never_pseudonymised(org):
    request = make_request(org)
    assert own_retention.run_own_retention(org.engine, datetime(2099, 1, 1, tzinfo=timezone.utc)).count == 0
    with org.session() as session:
        assert session.get(DataSubjectRequest, request.id).requester_name == "Jeanne Morel"


def test_the_period_is_set_per_entity_within_bounds(org):
    medicis, savelunari = org.entities["MEDICIS"].id, org.entities["SAVELUNARI"].id
    with org.work() as session:
        own_retention.set_period(session, savelunari, "dsr", 24, by="Claire Fontaine")
        for months in (11, 121, 0, True):
            with pytest.raises(RuleViolation):
                own_retention.set_period(session, medicis, "dsr", months)
    short = make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Léa Girard")
    default = make_request(org, requester_name="Paul Martin")
    for request in (short, default):
        _close(org, "dsr_request", request.id)
    at = add_months(CLOSED, 24)
    assert [d.due.reference for d in own_retention.run_own_retention(org.engine, at - timedelta(minutes=1),
                                                                     dry_run=True).due] == []
    report = own_retention.run_own_retention(org.engine, at)
    assert [(d.due.reference, d.due.months) for d in report.done] == [(short.reference, 24)]
    with org.session() as session:
        assert session.get(DataSubjectRequest, default.id).requester_name == "Paul Martin"
        assert session.get(DataSubjectRequest, short.id).requester_name == short.reference


def test_a_second_run_does_nothing_and_issues_no_second_certificate(org, closed_request):
    first = own_retention.run_own_retention(org.engine, ENDS)
    second = own_retention.run_own_retention(org.engine, ENDS + timedelta(days=1))
    assert first.count == 1 and second.count == 0 and not second.certificate_number
    with org.session() as session:
        kinds = session.exec(select(EvidenceDocument.kind)).all()
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == own_retention.ACTION)).all()
    assert kinds.count(own_retention.CERTIFICATE_KIND) == 1 and len(entries) == 1


def test_two_runs_at_once_process_each_case_once_and_neither_fails(org):
    requests = [make_request(org, requester_name=f"Personne {n}") for n in range(4)]
    for request in requests:
        _close(org, "dsr_request", request.id)
    barrier, reports, errors = threading.Barrier(2), [], []

    def run():
        barrier.wait()
        try:
            reports.append(own_retention.run_own_retention(org.engine, ENDS))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    processed = sorted(d.due.case_id for report in reports for d in report.done)
    assert processed == sorted(r.id for r in requests)
    with org.session() as session:
        entries = session.exec(select(AuditEntry.object_id).where(AuditEntry.action == own_retention.ACTION)).all()
        certificates = session.exec(select(EvidenceDocument).where(
            EvidenceDocument.kind == own_retention.CERTIFICATE_KIND)).all()
    assert sorted(entries) == processed
    assert len(certificates) == sum(1 for report in reports if report.done)
    chain, docs = _verify_all(org)
    assert chain.intact and docs.intact


def _closed_breach(org, description: str) -> Breach:
    """A breach whose description names people, closed on CLOSED."""
    breach = declare(org)
    with org.work() as session:
        records.update_facts(session, org.dpo, breach.id, breach.version, facts(org, description=description))
    _close(org, "breach", breach.id)
    return breach


def test_a_breach_keeps_its_facts_and_loses_its_narrative_and_sealed_audit_parts(org):
    breach = _closed_breach(org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "breach.update")).one()
        assert "Dupont" not in str(entry.details) and entry.details["sealed_fields"] == ["description"]
        assert "Dupont" in audit.open_sealed(session, entry)["changes"]["description"][1]
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert report.done[0].sealed_parts == 1
    with org.session() as session:
        stored = session.get(Breach, breach.id)
        assert stored.description == "" and stored.title == breach.title and stored.people_max == 250
        assert stored.measures_taken == breach.measures_taken
        with pytest.raises(case_keys.Shredded):
            audit.open_sealed(session, session.get(AuditEntry, entry.id))
    chain, _ = _verify_all(org)
    assert chain.intact, chain
    with org.work() as session:  # a later entry about the case keeps no personal part (its key is gone)
        later = audit.record(session, org.dpo, "breach.note", object_type="breach", object_id=breach.id,
                             personal={"note": "Dupont"}, personal_case=("breach", breach.id))
        assert "sealed" not in later.details


# ------------------------------------------------------------------ someone with database access

def test_swapped_keys_or_ciphertexts_are_detected_not_decrypted(org):
    first, second = (make_request(org, requester_name=name) for name in ("Anne Petit", "Marc Roux"))
    with org.work() as session:
        one = dsr_documents.issue_acknowledgement(session, org.dpo, first.id)
        two = dsr_documents.issue_acknowledgement(session, org.dpo, second.id)
    with org.session() as session:
        k1, k2 = case_keys.find(session, "dsr", first.id), case_keys.find(session, "dsr", second.id)
    # the wrapped keys swapped between the two cases
    as_owner(org.engine, "UPDATE case_key SET wrapped = :w WHERE id = :id", w=k2.wrapped, id=k1.id)
    with org.session() as session:
        with pytest.raises(case_keys.Tampered):
            evidence.readable(session, session.get(EvidenceDocument, one.id))
        assert [m.number for m in evidence.verify_documents(session).mismatches] == [one.number]
    as_owner(org.engine, "UPDATE case_key SET wrapped = :w WHERE id = :id", w=k1.wrapped, id=k1.id)
    # the ciphertexts swapped (with their recorded envelope hashes, triggers set aside)
    with org.session() as session:
        d1, d2 = session.get(EvidenceDocument, one.id), session.get(EvidenceDocument, two.id)
        c1, e1 = bytes(d1.content), d1.envelope_sha256
        c2, e2 = bytes(d2.content), d2.envelope_sha256
    as_owner(org.engine, "UPDATE evidence_document SET content = :c, envelope_sha256 = :e WHERE id = :id",
             c=c2, e=e2, id=one.id)
    with org.session() as session:
        with pytest.raises(case_keys.Tampered):
            evidence.readable(session, session.get(EvidenceDocument, one.id))
        assert one.number in [m.number for m in evidence.verify_documents(session).mismatches]
    as_owner(org.engine, "UPDATE evidence_document SET content = :c, envelope_sha256 = :e WHERE id = :id",
             c=c1, e=e1, id=one.id)
    # a key erased without the retention job's record is tampering, not a destruction
    as_owner(org.engine, "UPDATE case_key SET wrapped = NULL WHERE id = :id", id=k2.id)
    with org.session() as session:
        with pytest.raises(case_keys.Tampered):
            evidence.readable(session, session.get(EvidenceDocument, two.id))
        assert [m.number for m in evidence.verify_documents(session).mismatches] == [two.number]


def test_a_swapped_sealed_audit_part_is_detected(org):
    breach = declare(org)
    for description in ("Première version : Mme Roux.", "Seconde version : M. Blanc."):
        with org.session() as session:
            version = session.get(Breach, breach.id).version
        with org.work() as session:
            records.update_facts(session, org.dpo, breach.id, version, facts(org, description=description))
    with org.session() as session:
        a, b = session.exec(select(AuditSealed).order_by(AuditSealed.id)).all()
    as_owner(org.engine, "UPDATE audit_sealed SET envelope = :e WHERE id = :id", e=b.envelope, id=a.id)
    with org.session() as session:
        first = session.exec(select(AuditEntry).where(AuditEntry.action == "breach.update")
                             .order_by(AuditEntry.seq)).first()
        with pytest.raises(case_keys.Tampered):
            audit.open_sealed(session, first)


def test_a_dump_without_the_master_key_reveals_nothing(org, closed_request, tmp_path, monkeypatch):
    request, document = closed_request
    with org.session() as session:
        stored = session.get(EvidenceDocument, document.id)
        assert b"Moreau" not in bytes(stored.content) and b"%PDF" not in bytes(stored.content)
        assert len(bytes(session.get(CaseKey, case_keys.key_id_of(stored.content)).wrapped)) == 12 + 32 + 16
    monkeypatch.setenv("DPO_CASE_MASTER_KEY_FILE", str(tmp_path / "elsewhere.key"))
    with org.session() as session, pytest.raises(case_keys.MasterKeyMissing):
        evidence.readable(session, session.get(EvidenceDocument, document.id))
    assert not (tmp_path / "elsewhere.key").exists()  # never silently replaced


# ------------------------------------------------------------------ the certificate

def _stamp(language):
    return DocumentStamp("DOC-2026-9999", "ABCD-EFGH-JKMN", datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc),
                         "DPO Desk (CLI)", language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_certificate_at_maximum_lengths_says_what_went_and_what_is_kept(language, tmp_path):
    references = tuple(f"DSR-2026-{n:04d}" for n in range(1, 401))
    facts_ = own_retention_certificate.Facts(
        run_at=ENDS,
        lines=(own_retention_certificate.Line("dsr", 120, len(references), CLOSED, CLOSED + timedelta(days=300),
                                              9999, 99999, references),
               own_retention_certificate.Line("breach", 12, 2, CLOSED, CLOSED, 0, 3, ("BRE-2021-0001", "BRE-2021-0002"))),
        legacy_documents=tuple(f"DOC-2025-{n:04d}" for n in range(1, 201)), audit_months=24,
        register_extracts=tuple(f"DOC-2026-{n:04d}" for n in range(1, 201)),
        audit_packs=tuple(f"DOC-2026-{n:04d}" for n in range(201, 401)))
    tr = Translator(language)
    content = own_retention_certificate.build(tr, _stamp(language), facts_)
    body = pdf_text(content)
    for expected in (tr("own_retention.pdf.title"), "DSR-2026-0400", "BRE-2021-0002", "DOC-2025-0200", "DOC-2026-0200",
                     tr("own_retention.pdf.extracts", count=200), tr("own_retention.pdf.packs", count=200),
                     "DOC-2026-0400", tr("own_retention.pdf.packs_what")[:40],
                     tr("own_retention.pdf.kept.case_record_why"), tr("own_retention.pdf.kept.audit_until", months=24),
                     "Code civil" if language == "fr" else "Civil Code", "9999", "99999", "ABCD-EFGH-JKMN"):
        assert expected in body, expected
    assert ("Demandes d'exercice de droits" in body) == (language == "fr")
    path = tmp_path / f"certificate_{language}.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


@pytest.mark.parametrize("language, expected", [
    ("fr", "Au moins 24 mois après la date de chaque entrée ; supprimées seulement quand le propriétaire de la base"
           " lance manage.py purge-audit"),
    ("en", "At least 24 months after each entry's date; removed only when the database owner runs"
           " manage.py purge-audit")], ids=["fr", "en"])
def test_the_certificate_does_not_promise_that_audit_entries_go_by_themselves(language, expected):
    """Nothing removes audit entries unless the owner runs purge-audit (README, "Retention of
    the trail"): the certificate's "until when" says so instead of a date that may pass."""
    facts_ = own_retention_certificate.Facts(run_at=ENDS, lines=(own_retention_certificate.Line(
        "dsr", 60, 1, CLOSED, CLOSED, 1, 0, ("DSR-2021-0001",)),), legacy_documents=(), audit_months=24)
    body = " ".join(pdf_text(own_retention_certificate.build(Translator(language), _stamp(language), facts_)).split())
    assert expected in body


def test_the_certificate_in_the_registry_names_legacy_documents_kept_in_clear(org, closed_request):
    request, _ = closed_request
    with org.engine.begin() as conn:  # a document issued before encryption (migration 0024): in clear
        conn.execute(text("INSERT INTO evidence_document (number, verification_code, kind, title, case_type, case_id,"
                          " case_ref, entity_id, filename, media_type, language, size, sha256, content, issued_at,"
                          " issued_by_name) VALUES ('DOC-2020-0001', 'AAAA-BBBB-CCCC', 'dsr.acknowledgement', 't',"
                          " 'dsr', :id, :ref, NULL, 'a.pdf', 'application/pdf', 'fr', 4, :sha, :content, :at, '')"),
                     {"id": request.id, "ref": request.reference, "content": b"%PDF",
                      "sha": evidence.sha256_hex(b"%PDF"), "at": CLOSED.replace(tzinfo=None)})
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert report.done[0].legacy_documents == ("DOC-2020-0001",)
    with org.session() as session:
        certificate = evidence.find_by_number(session, report.certificate_number)
        body = pdf_text(certificate.content)
    assert "DOC-2020-0001" in body and request.reference in body and "Moreau" not in body


# ------------------------------------------------------------------ the command

def test_the_command_is_a_dry_run_unless_confirmed_and_verification_passes_after(org, closed_request, monkeypatch,
                                                                                  capsys):
    request, _ = closed_request
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    assert cli.main(["purge-personal-data"]) == 0
    out = capsys.readouterr().out
    assert "Simulation" in out and request.reference in out and "60 mois" in out
    with org.session() as session:
        assert session.get(DataSubjectRequest, request.id).pseudonymised_at is None
    assert cli.main(["purge-personal-data", "--yes"]) == 0
    assert "1 dossier(s) pseudonymisé(s)" in capsys.readouterr().out
    assert cli.main(["purge-personal-data", "--yes"]) == 0
    assert "Aucun dossier" in capsys.readouterr().out
    assert cli.main(["verify-audit", "--full"]) == 0
    assert cli.main(["verify-documents"]) == 0
    assert "1 document(s) détruit(s)" in capsys.readouterr().out


def test_the_workers_daily_job_pseudonymises_what_is_due(org, closed_request):
    """The scheduled job (dashboard/jobs, `manage.py worker`), not only the command."""
    from dashboard.jobs import find, runner

    request, _ = closed_request
    job = find("own_retention.pseudonymise")
    assert job.seconds == 24 * 3600
    assert runner.run_once(org.engine, [job.name], now=ENDS - timedelta(days=1))[job.name].count == 0
    report = runner.run_once(org.engine, [job.name], now=ENDS)[job.name]
    assert [d.due.reference for d in report.done] == [request.reference] and report.certificate_number
    with org.session() as session:
        assert session.get(DataSubjectRequest, request.id).requester_name == request.reference


def test_the_command_sets_an_entitys_period_and_refuses_one_out_of_bounds(org, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    assert cli.main(["set-retention", "savelunari", "breach", "36"]) == 0
    assert "Violations de données conservées 36 mois" in capsys.readouterr().out
    assert cli.main(["set-retention", "SAVELUNARI", "breach", "6"]) == 2
    assert "entre 12 et 120 mois" in capsys.readouterr().err
    assert cli.main(["set-retention", "NOWHERE", "dsr", "24"]) == 2
    with org.session() as session:
        assert own_retention.months_for(session, org.entities["SAVELUNARI"].id, "breach") == 36
        assert own_retention.months_for(session, org.entities["MEDICIS"].id, "breach") == 60


# ------------------------------------------------------------------ the page

def _fetch_on_the_evidence_page(app_org, document_id: int) -> str:
    """The legal officer asks for a document on the evidence page: the errors shown (no
    download offered)."""
    from tests.page_support import app_as, page_path

    at = app_as(app_org, "juriste")
    at.switch_page(page_path("evidence_documents.py")).run()
    at.selectbox(key="ev_open").select(document_id).run()
    at.text_input(key="ev_reason").input("Contrôle annuel du registre").run()
    at.button(key=f"ev_doc_{document_id}_fetch").click().run()
    assert not at.exception, at.exception
    assert not at.get("download_button")
    return " ".join(element.value for element in at.error)


def test_downloading_a_shredded_document_says_when_and_under_which_rule_it_was_destroyed(app_org):
    request = make_request(app_org, requester_name="Inès Moreau")
    with app_org.work() as session:
        document = dsr_documents.issue_acknowledgement(session, app_org.dpo, request.id)
    _close(app_org, "dsr_request", request.id)
    own_retention.run_own_retention(app_org.engine, ENDS)
    errors = _fetch_on_the_evidence_page(app_org, document.id)
    assert "Ce document a été détruit le 31/03/2026" in errors and "Demandes d'exercice de droits" in errors
    assert "Traceback" not in errors and "own_retention" not in errors


def test_the_dpo_reads_a_sealed_audit_part_until_its_case_key_is_destroyed(app_org):
    from tests.page_support import app_as, page_path

    breach = declare(app_org)
    with app_org.work() as session:
        records.update_facts(session, app_org.dpo, breach.id, breach.version,
                             facts(app_org, description="M. Jean Dupont a reçu le tableau."))
    with app_org.session() as session:
        seq = session.exec(select(AuditEntry.seq).where(AuditEntry.action == "breach.update")).one()

    def shown():
        at = app_as(app_org, "dpo")
        at.switch_page(page_path("audit_trail.py")).run()
        at.selectbox(key="audit_open").select(seq).run()
        assert "Dupont" not in str([d.value for d in at.dataframe])  # not before asking
        at.button(key=f"audit_sealed_{seq}").click().run()
        assert not at.exception, at.exception
        return at

    at = shown()
    assert "M. Jean Dupont a reçu le tableau." in str([d.value.to_dict() for d in at.dataframe])
    with app_org.session() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "audit.sealed.read")).one().object_id == seq
    _close(app_org, "breach", breach.id)
    own_retention.run_own_retention(app_org.engine, ENDS)
    at = shown()
    destroyed = " ".join(e.value for e in at.error)
    assert "La partie personnelle de cette entrée a été détruite le 31/03/2026" in destroyed
    assert "Violations de données" in destroyed


def test_a_document_read_twice_in_one_session_is_not_taken_for_tampering(org):
    request = make_request(org)
    with org.work() as session:
        issued = dsr_documents.issue_acknowledgement(session, org.dpo, request.id)
        assert evidence.readable(session, session.get(EvidenceDocument, issued.id)).content == issued.content
    with org.session() as session:
        stored = session.get(EvidenceDocument, issued.id)
        assert evidence.readable(session, evidence.readable(session, stored)).content == issued.content


# ------------------------------------------------------------------ what the features written alongside added

def test_a_breach_is_no_longer_found_by_a_name_that_was_in_its_description(org):
    from dashboard import person_search

    breach = _closed_breach(org, "Le relevé de M. Théo Vasseur a été envoyé à un autre adhérent.")
    reason = "Demande d'effacement de M. Vasseur"
    with org.work() as session:
        assert [h.reference for h in person_search.search_person(session, org.dpo, "vasseur", reason)] \
            == [breach.reference]
    own_retention.run_own_retention(org.engine, ENDS)
    with org.work() as session:
        assert person_search.search_person(session, org.dpo, "Théo Vasseur", reason) == []
        stored = session.get(Breach, breach.id)
        assert "vasseur" not in stored.search_text and stored.search_text  # the kept title is still searchable
        assert [h.reference for h in person_search.search_person(session, org.dpo, stored.title, reason)] \
            == [breach.reference]


def test_the_answer_letters_text_is_erased(org, closed_request):
    from models.answer_letter import AnswerLetter

    request, _ = closed_request
    with org.work() as session:
        session.add(AnswerLetter(request_id=request.id, kind="access", language="fr", outcome="granted",
                                 body="Madame Inès Moreau\n12 rue des Lilas, 69003 Lyon\n\nMadame,",
                                 proposed_by_name="Claire Fontaine", edited_by_name="Claire Fontaine"))
    own_retention.run_own_retention(org.engine, ENDS)
    with org.session() as session:
        letter = session.exec(select(AnswerLetter).where(AnswerLetter.request_id == request.id)).one()
        assert letter.body == "" and letter.version == 2
        assert letter.kind == "access" and letter.outcome == "granted"  # the facts of the answer stay


def _attach(org, request_id, content=None):
    from dashboard import attachments
    from tests.attachments.files import pdf

    with org.work() as session:
        return attachments.upload(session, org.dpo, "dsr", request_id, filename="courrier Moreau.pdf",
                                  content=content or pdf(), kind="incoming_letter",
                                  reason="Réponse à la demande d'accès")


def test_a_requests_attachment_is_stored_encrypted_then_verifiable_and_unreadable(org, monkeypatch, capsys):
    from dashboard import attachments
    from models.attachment import CaseAttachment
    from tests.attachments.files import pdf

    request = make_request(org, requester_name="Inès Moreau")
    letter = pdf()
    row = _attach(org, request.id, letter)
    with org.work() as session:
        stored = session.get(CaseAttachment, row.id)
        assert bytes(stored.content) != letter and case_keys.is_envelope(bytes(stored.content))
        assert stored.sha256 == evidence.sha256_hex(letter) and stored.size == len(letter)
        assert stored.envelope_sha256 == evidence.sha256_hex(bytes(stored.content))
        assert attachments.download(session, org.dpo, row.id, "Contrôle").content == letter
    _close(org, "dsr_request", request.id)
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert report.done[0].documents_shredded == 1 and report.done[0].legacy_documents == ()
    with org.work() as session:
        check = attachments.verify_attachments(session)
        assert check.intact and check.checked == 1 and check.shredded == 1
        assert attachments.verify(session, org.dpo, row.id).intact
        with pytest.raises(case_keys.Shredded) as gone:
            attachments.download(session, org.dpo, row.id, "Contrôle")
    document_message = Translator("fr").error(case_keys.shredded(_key(org, request.id)))
    assert Translator("fr").error(gone.value) == document_message and "31/03/2026" in document_message
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    assert cli.main(["verify-documents"]) == 0
    assert "2" in capsys.readouterr().out  # the attachment and the certificate are destroyed or intact


def _key(org, request_id):
    with org.session() as session:
        return case_keys.find(session, "dsr", request_id)


@pytest.mark.parametrize("when", ["before", "after"])
def test_tampering_with_an_encrypted_attachments_stored_bytes_is_detected(org, when):
    from dashboard import attachments
    from models.attachment import CaseAttachment

    request = make_request(org, requester_name="Inès Moreau")
    row = _attach(org, request.id)
    if when == "after":
        _close(org, "dsr_request", request.id)
        own_retention.run_own_retention(org.engine, ENDS)
    with org.session() as session:
        stored = bytearray(session.get(CaseAttachment, row.id).content)
    stored[-1] ^= 0x01
    as_owner(org.engine, "UPDATE case_attachment SET content = :c WHERE id = :i", c=bytes(stored), i=row.id)
    with org.work() as session:
        check = attachments.verify_attachments(session)
        assert not check.intact and [m.number for m in check.mismatches] == [f"{request.reference} / PJ-{row.id}"]
        assert not attachments.verify(session, org.dpo, row.id).intact
        with pytest.raises(case_keys.Tampered):
            attachments.download(session, org.dpo, row.id, "Contrôle")



def _columns_holding(org, secrets: tuple[str, ...]) -> set[str]:
    """The table.column names whose text or JSON holds one of `secrets` (case-folded)."""
    import json

    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    found = set()
    with org.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())  # not the tables other test modules declare
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in present:
                continue
            for row in conn.execute(table.select()):
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and any(secret in value.casefold() for secret in secrets):
                        found.add(f"{table.name}.{column.name}")
    return found


def test_after_the_period_the_requester_is_found_nowhere_in_the_database_in_clear(org):
    """A request worked through (description, search notes and proposed answer naming the
    person, an acknowledgement issued), then every column of every table before and after
    the run: the requester's name and address no longer appear in clear anywhere (the
    encrypted parts are checked above)."""
    from dashboard.dsr import work, workflow
    from models.clock import paris_today

    request = make_request(org, requester_name="Inès Moreau", requester_contact="ines@example.org",
                           description="Mme Inès Moreau demande la copie de son dossier.")
    with org.work() as session:
        request = workflow.start_work(session, org.dpo, request.id, request.version)
    with org.work() as session:
        work.add_search(session, org.dpo, request.id, request.version,
                        {"system": "CRM", "found": True, "searched_on": paris_today(),
                         "notes": "Fiche Moreau trouvée, contrat 2019."})
    with org.work() as session:
        request = workflow.propose_answer(session, org.dpo, request.id, request.version + 1,
                                          {"outcome": "granted", "answer": "Madame Moreau, voici votre dossier."})
    with org.work() as session:
        dsr_documents.issue_acknowledgement(session, org.dpo, request.id)
    from dashboard import attachments
    from tests.attachments.files import pdf

    with org.work() as session:  # a file named after the person, and described so
        attachments.upload(session, org.dpo, "dsr", request.id, filename="courrier Moreau.pdf", content=pdf(),
                           kind="incoming_letter", description="Lettre de Mme Moreau", reason="Instruction")
    _close(org, "dsr_request", request.id)
    secrets = ("moreau", "ines@example.org")
    before = _columns_holding(org, secrets)
    assert {"dsr_request.requester_name", "dsr_request.requester_contact", "dsr_request.description",
            "dsr_search.notes", "dsr_request.proposed_answer", "case_attachment.filename",
            "case_attachment.description"} <= before, before
    own_retention.run_own_retention(org.engine, ENDS)
    assert _columns_holding(org, secrets) == set()
    with org.session() as session:  # what the case page lists instead
        listed = attachments.list_attachments(session, org.dpo, "dsr", request.id).rows
    assert [(row.filename, row.description) for row in listed] == [(f"PJ-{listed[0].id}.pdf", "")]


# ------------------------------------------------------------------ breach register extracts

def _readable_text(session, document) -> str | None:
    """The text of a stored document as anyone with the key could read it; None when shredded."""
    try:
        content = evidence.readable(session, document).content
    except case_keys.Shredded:
        return None
    return pdf_text(content) if document.media_type == "application/pdf" else bytes(content).decode("utf-8-sig")


def test_a_register_extract_printing_a_breach_is_destroyed_when_that_breach_reaches_its_period(org):
    """Extracts print each breach's narrative: sealed under a key of their own, destroyed as
    soon as any breach they cover reaches its period; one covering only breaches not yet due
    stays readable; the registry still verifies; the name is found nowhere readable."""
    from dashboard.breach import documents as breach_documents

    declare(org, description="Le dossier de Mme Zoé Marchand a été perdu.")  # open: never due
    with org.work() as session:
        only_open = breach_documents.issue_register(session, org.dpo, records.BreachFilter(), "fr", "pdf")
        only_open_content = only_open.content
    breach = _closed_breach(org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    with org.work() as session:
        pdf = breach_documents.issue_register(session, org.dpo, records.BreachFilter(), "fr", "pdf")
        csv = breach_documents.issue_register(session, org.dpo, records.BreachFilter(), "fr", "csv")
        issued = {pdf.id: (pdf.number, pdf.sha256, pdf.content), csv.id: (csv.number, csv.sha256, csv.content)}
    assert "Dupont" in pdf_text(issued[pdf.id][2]) and "Marchand" in pdf_text(only_open_content)
    with org.session() as session:  # stored encrypted, readable until the period ends
        for document_id in (only_open.id, pdf.id, csv.id):
            assert session.get(EvidenceDocument, document_id).envelope_sha256 is not None
        assert breach.reference in _readable_text(session, session.get(EvidenceDocument, csv.id))

    early = own_retention.run_own_retention(org.engine, ENDS - timedelta(days=1))
    assert early.count == 0
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert [d.due.case_id for d in report.done] == [breach.id]
    assert report.done[0].extracts_shredded == (pdf.number, csv.number)

    with org.session() as session:
        for document_id, (number, sha, _) in issued.items():
            stored = session.get(EvidenceDocument, document_id)
            assert (stored.number, stored.sha256) == (number, sha)  # number, fingerprint, metadata kept
            with pytest.raises(case_keys.Shredded):
                evidence.readable(session, stored)
        kept = session.get(EvidenceDocument, only_open.id)
        assert evidence.readable(session, kept).content == only_open_content
        readable = [text for document in session.exec(select(EvidenceDocument)).all()
                    if (text := _readable_text(session, document)) is not None]
        certificate = evidence.find_by_number(session, report.certificate_number)
        body = pdf_text(evidence.readable(session, certificate).content)
    assert readable and not any("dupont" in text.casefold() for text in readable)
    assert pdf.number in body and csv.number in body and "Dupont" not in body
    assert _columns_holding(org, ("dupont",)) == set()
    chain, docs = _verify_all(org)
    assert chain.intact, chain
    assert docs.intact and docs.shredded == 2, docs
    assert own_retention.run_own_retention(org.engine, ENDS).count == 0  # nothing left to destroy


def test_the_command_counts_the_register_extracts_it_made_unreadable(org, monkeypatch, capsys):
    from dashboard.breach import documents as breach_documents

    _closed_breach(org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    with org.work() as session:
        breach_documents.issue_register(session, org.dpo, records.BreachFilter(), "fr", "pdf")
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    assert cli.main(["purge-personal-data", "--yes"]) == 0
    assert "1 dossier(s) pseudonymisé(s) ; 1 document(s) rendus illisibles" in capsys.readouterr().out
    assert cli.main(["verify-documents"]) == 0
    assert "1 document(s) détruit(s)" in capsys.readouterr().out


def test_an_empty_register_extract_is_kept_in_clear_and_an_older_one_is_listed_as_kept_in_clear(org):
    from dashboard.breach import documents as breach_documents

    with org.work() as session:
        empty = breach_documents.issue_register(session, org.dpo, records.BreachFilter(status="closed"), "fr", "pdf")
    breach = _closed_breach(org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    with org.engine.begin() as conn:  # an extract issued before extracts were sealed: in clear, no case
        conn.execute(text("INSERT INTO evidence_document (number, verification_code, kind, title, case_type, case_id,"
                          " case_ref, entity_id, filename, media_type, language, size, sha256, content, issued_at,"
                          " issued_by_name) VALUES ('DOC-2025-0001', 'AAAA-BBBB-CCCC', 'breach.register_pdf', 't',"
                          " 'breach', NULL, '', NULL, 'r.pdf', 'application/pdf', 'fr', 4, :sha, :content, :at, '')"),
                     {"content": b"%PDF", "sha": evidence.sha256_hex(b"%PDF"),
                      "at": datetime(2099, 1, 1) if org.engine.dialect.name == "sqlite"
                      else datetime(2099, 1, 1, tzinfo=timezone.utc)})
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert [d.due.case_id for d in report.done] == [breach.id]
    assert report.done[0].legacy_documents == ("DOC-2025-0001",) and report.done[0].extracts_shredded == ()
    with org.session() as session:
        stored = session.get(EvidenceDocument, empty.id)
        assert stored.envelope_sha256 is None and evidence.readable(session, stored).content == empty.content
        body = pdf_text(evidence.find_by_number(session, report.certificate_number).content)
    assert "DOC-2025-0001" in body and empty.number not in body


def test_downloading_a_shredded_register_extract_says_when_and_under_which_rule_it_was_destroyed(app_org):
    from dashboard.breach import documents as breach_documents

    _closed_breach(app_org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    with app_org.work() as session:
        document = breach_documents.issue_register(session, app_org.dpo, records.BreachFilter(), "fr", "pdf")
    own_retention.run_own_retention(app_org.engine, ENDS)
    errors = _fetch_on_the_evidence_page(app_org, document.id)
    assert "Ce document a été détruit le 31/03/2026" in errors and "Violations de données" in errors
    assert "Traceback" not in errors and "own_retention" not in errors


def test_the_migration_renames_the_attachments_of_cases_pseudonymised_before_it(org):
    """Migration 0035: a case the old job pseudonymised loses its attachments' names then;
    another case's attachments keep theirs."""
    from alembic import command

    from dashboard import db
    from models.attachment import CaseAttachment

    done, kept = (make_request(org, requester_name=name) for name in ("Inès Moreau", "Paul Durand"))
    rows = {request.id: _attach(org, request.id) for request in (done, kept)}
    cfg = db.alembic_config()
    with org.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0034")
    with org.engine.begin() as conn:  # what the job before 0035 left: the case pseudonymised, its files named
        conn.execute(text("UPDATE dsr_request SET pseudonymised_at = :t WHERE id = :i"), {"t": ENDS, "i": done.id})
    with org.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with org.session() as session:
        names = {a.case_id: (a.filename, a.description) for a in session.exec(select(CaseAttachment))}
    assert names[done.id] == (f"PJ-{rows[done.id].id}.pdf", "")
    assert names[kept.id] == ("courrier Moreau.pdf", rows[kept.id].description)


# ------------------------------------------------------------------ audit packs

def _pack(org, entity: str):
    """A pack of today's documents for one entity, built by the auditor."""
    from dashboard import audit_pack

    today = paris_today()
    with org.work() as session:
        result = audit_pack.build_audit_pack(session, org.auditor, {
            "date_from": today, "date_to": today, "entity_id": org.entities[entity].id, "reason": "Contrôle CNIL"})
        return session.get(EvidenceDocument, result.document_id)


def _pack_text(session, pack) -> str:
    """Everything a pack's files say, PDFs read as text; raises Shredded once its key is gone."""
    archive = zipfile.ZipFile(io.BytesIO(evidence.readable(session, pack).content))
    return "\n".join(pdf_text(archive.read(name)) if name.endswith(".pdf") else
                     archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_an_audit_pack_holding_a_case_is_destroyed_when_that_case_reaches_its_period(org, closed_request):
    """A pack holds, decrypted, a request's documents and the breach register's narratives:
    stored encrypted under a key of its own, the cases it holds recorded; its key goes when any
    of them reaches its period. A pack of another entity stays readable, the registry verifies,
    the certificate names the pack, and the files handed over keep their fingerprints."""
    request, acknowledgement = closed_request
    breach = _closed_breach(org, "M. Jean Dupont a reçu le tableau de Mme Lefèvre.")
    still_open = declare(org, description="Le dossier de Mme Zoé Marchand a été perdu.")
    medicis, lumina = _pack(org, "MEDICIS"), _pack(org, "LUMINA")
    with org.session() as session:
        text_ = _pack_text(session, medicis)
        covers = set(session.exec(select(AuditPackCover.case_type, AuditPackCover.case_id)
                                  .where(AuditPackCover.pack_key == medicis.case_id)).all())
        stored = evidence.stored_content(session, medicis.id)
        files = session.exec(select(EvidencePackFile.name, EvidencePackFile.sha256)
                             .where(EvidencePackFile.pack_id == medicis.id)).all()
    assert acknowledgement.number in text_ and "Moreau" in text_ and "Dupont" in text_ and "Marchand" in text_
    assert covers == {("dsr", request.id), ("breach", breach.id), ("breach", still_open.id)}
    assert medicis.case_type == "audit_pack" and medicis.envelope_sha256 == evidence.sha256_hex(stored)

    report = own_retention.run_own_retention(org.engine, ENDS)
    assert sorted((d.due.kind, d.due.case_id) for d in report.done) == [("breach", breach.id), ("dsr", request.id)]
    assert [number for d in report.done for number in d.packs_shredded] == [medicis.number]
    with org.session() as session:
        with pytest.raises(case_keys.Shredded):
            _pack_text(session, session.get(EvidenceDocument, medicis.id))
        assert "Lumina" in _pack_text(session, session.get(EvidenceDocument, lumina.id))
        certificate = evidence.find_by_number(session, report.certificate_number)
        body = pdf_text(evidence.readable(session, certificate).content)
        kept = session.exec(select(EvidencePackFile.name, EvidencePackFile.sha256)
                             .where(EvidencePackFile.pack_id == medicis.id)).all()
    assert medicis.number in body and Translator("fr")("own_retention.pdf.packs", count=1) in body
    assert lumina.number not in body and "Moreau" not in body
    assert kept == files
    chain, docs = _verify_all(org)
    assert chain.intact, chain
    assert docs.intact and docs.shredded >= 2, docs  # the acknowledgement and the pack at least

    later = _pack(org, "MEDICIS")  # after the retention: notes, no narrative; covers only what it read
    with org.session() as session:
        text_ = _pack_text(session, later)
        covers = set(session.exec(select(AuditPackCover.case_type, AuditPackCover.case_id)
                                  .where(AuditPackCover.pack_key == later.case_id)).all())
    assert "Marchand" in text_ and "Moreau" not in text_ and "Dupont" not in text_
    assert covers == {("breach", still_open.id)}


def test_a_pack_during_whose_build_a_case_it_read_was_pseudonymised_is_refused(org, closed_request, monkeypatch):
    """The retention job commits while the pack is being written: the request's acknowledgement
    was read in clear, the job could not see the pack's cover yet. The pack is refused with a
    message, and nothing of it is recorded. PostgreSQL: SQLite runs one writer at a time."""
    from dashboard import audit_pack

    if org.engine.dialect.name != "postgresql":
        pytest.skip("a true race needs concurrent writers (PostgreSQL)")
    request, acknowledgement = closed_request

    def retention_meanwhile(session, actor, scope):  # what the job's claim commits, from another connection
        assert ("dsr", request.id) in scope.covers  # the acknowledgement was read before
        with org.engine.begin() as conn:
            conn.execute(text("UPDATE dsr_request SET pseudonymised_at = :at WHERE id = :id"),
                         {"at": ENDS, "id": request.id})
        return []

    monkeypatch.setattr(audit_pack, "CONTRIBUTORS", [f"{__name__}:_noop_contributor"])
    monkeypatch.setattr(sys.modules[__name__], "_noop_contributor", retention_meanwhile)
    with pytest.raises(RuleViolation) as refused:
        _pack(org, "MEDICIS")
    assert Translator("fr").message(refused.value.key, refused.value.params).startswith(
        "Un dossier que ce dossier d'audit contenait a atteint la fin de sa durée de conservation")
    with org.session() as session:
        assert session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == evidence.PACK_KIND)).all() == []
        assert session.exec(select(AuditPackCover)).all() == []


def _noop_contributor(session, actor, scope):
    return []


def test_a_pack_stored_in_clear_before_packs_were_sealed_is_listed_as_kept_in_clear(org, closed_request):
    request, _ = closed_request
    with org.engine.begin() as conn:  # a pack built before migration 0036, of every entity: in clear
        conn.execute(text("INSERT INTO evidence_document (number, verification_code, kind, title, case_type,"
                          " case_ref, entity_id, filename, media_type, language, size, sha256, content, issued_at,"
                          " issued_by_name) VALUES ('DOC-2026-9001', 'AAAA-BBBB-CCCD', 'evidence.audit_pack', 't',"
                          " '', '', NULL, 'p.zip', 'application/zip', 'fr', 2, :sha, :content, :at, '')"),
                     {"content": b"PK", "sha": evidence.sha256_hex(b"PK"), "at": datetime.now(timezone.utc)
                      .replace(tzinfo=None)})
    report = own_retention.run_own_retention(org.engine, ENDS)
    assert report.done[0].legacy_documents == ("DOC-2026-9001",) and report.done[0].packs_shredded == ()
