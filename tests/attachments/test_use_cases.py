"""Attachments through the use cases, on SQLite and PostgreSQL: who may list, add,
download and verify by case type; refusals logged; identity documents refused;
bytes kept as sent and never changed; each upload and download an audit entry with
its reason and without the file's name."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from dashboard import attachments, cli
from dashboard.access import ASSIGNED_CASE_REASON, ReasonRequired
from dashboard.demo import activities as demo_activities
from dashboard.demo import dsr as demo_dsr
from dashboard.dpia import cases as dpia_cases
from dashboard.errors import NotAllowed, RuleViolation
from dashboard.processor import registry
from dashboard.validation import InvalidInput
from models.attachment import CaseAttachment, pseudonymised_filename
from models.audit import AuditEntry
from tests.attachments.files import CSV, EML, pdf
from tests.breach.factories import declare
from tests.dsr.conftest import make_request
from tests.processor.conftest import processor_data
from tests.tamper import as_owner

READ = "Réponse à la demande d'accès"


@pytest.fixture
def cases(org):
    """One case of each type: a member's request routed to customer relations (DRC), a breach
    concerning DRC, a payroll processor and a payroll DPIA (HR)."""
    with org.work() as session:
        demo_dsr.seed_routing(session)
        demo_activities.seed(session)
    request = make_request(org)
    breach = declare(org)
    with org.work() as session:
        processor = registry.create_processor(session, org.dpo, processor_data(org))
        payroll = demo_activities.activity_id(session, "hr_payroll")
    with org.work() as session:
        dpia = dpia_cases.create_dpia(session, org.legal, {"activity_id": payroll, "title": "AIPD paie"})
    return {"dsr": request.id, "breach": breach.id, "processor": processor.id, "dpia": dpia.id}


def _upload(org, actor, case_type, case_id, content=CSV, name="extraction.csv", kind="data_extract", reason=READ,
            description="Extraction envoyée"):
    with org.work() as session:
        return attachments.upload(session, actor, case_type, case_id, filename=name, content=content, kind=kind,
                                  description=description, reason=reason)


def _entries(org, action):
    with org.session() as session:
        return session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


# who: (list, upload) per case type; the request and the breach are customer relations', the
# processor and the DPIA serve payroll (HR)
MATRIX = {
    "dsr": {"dpo": (True, True), "legal": (True, True), "head_cr": (True, True), "head_hr": (False, False),
            "auditor": (True, False)},
    "breach": {"dpo": (True, True), "legal": (True, True), "head_cr": (True, True), "head_hr": (False, False),
               "auditor": (True, False)},
    "processor": {"dpo": (True, True), "legal": (True, True), "head_cr": (False, False), "head_hr": (True, False),
                  "auditor": (True, False)},
    "dpia": {"dpo": (True, True), "legal": (True, True), "head_cr": (False, False), "head_hr": (True, False),
             "auditor": (True, False)},
}


@pytest.mark.parametrize("case_type", list(MATRIX))
def test_permission_matrix_follows_each_cases_own_rule(org, cases, case_type):
    case_id = cases[case_type]
    first = _upload(org, org.dpo, case_type, case_id, content=pdf(), name="lettre.pdf", kind="incoming_letter")
    for persona, (may_list, may_upload) in MATRIX[case_type].items():
        actor = getattr(org, persona)
        if may_list:
            with org.session() as session:
                listing = attachments.list_attachments(session, actor, case_type, case_id)
            assert [r.filename for r in listing.rows][0] == "lettre.pdf", persona
            with org.work() as session:
                assert attachments.download(session, actor, first.id, "Contrôle du dossier").content == pdf()
            with org.work() as session:
                assert attachments.verify(session, actor, first.id).intact
        else:
            for call in (lambda s: attachments.list_attachments(s, actor, case_type, case_id),
                         lambda s: attachments.download(s, actor, first.id, "Contrôle du dossier"),
                         lambda s: attachments.verify(s, actor, first.id)):
                with pytest.raises(NotAllowed), org.work() as session:
                    call(session)
        content = f"{persona};{case_type}\n".encode()
        if may_upload:
            _upload(org, actor, case_type, case_id, content=content)
        else:
            with pytest.raises(NotAllowed):
                _upload(org, actor, case_type, case_id, content=content)
    denied = {e.actor_name for e in _entries(org, "access.denied")}
    assert denied == {{"dpo": "dpo", "legal": "juriste", "head_cr": "chef.relation", "head_hr": "chef.rh",
                       "auditor": "auditeur"}[p] for p, rights in MATRIX[case_type].items() if not all(rights)}


def test_upload_download_and_verify_are_logged_with_the_reason_and_without_the_name(org, cases):
    row = _upload(org, org.dpo, "dsr", cases["dsr"], content=EML, name="Courriel de Jeanne Morel.eml",
                  kind="incoming_email", description="Demande initiale de Jeanne Morel", reason=None)
    assert (row.file_type, row.media_type, row.size) == ("eml", "message/rfc822", len(EML))
    with org.work() as session:
        download = attachments.download(session, org.auditor, row.id, "Audit annuel des demandes")
    assert download.content == EML and download.filename == "Courriel de Jeanne Morel.eml"
    with pytest.raises(ReasonRequired), org.work() as session:
        attachments.download(session, org.auditor, row.id, "")  # the auditor does not handle the case
    upload, = _entries(org, "attachment.upload")
    assert upload.reason == ASSIGNED_CASE_REASON  # the DPO handles the request
    assert upload.details["sha256"] == row.sha256 and upload.object_ref.startswith("DSR-")
    downloaded, = _entries(org, "attachment.download")
    assert downloaded.reason == "Audit annuel des demandes" and downloaded.actor_name == "auditeur"
    for entry in (upload, downloaded):
        assert "Morel" not in str(entry.details) and "Morel" not in entry.object_ref


def test_an_identity_document_is_refused_by_its_kind_and_the_attempt_logged(org, cases):
    with pytest.raises(InvalidInput) as refused:
        _upload(org, org.dpo, "dsr", cases["dsr"], content=pdf(), name="cni.pdf", kind="identity_document")
    assert refused.value.problems[0].key == "attachment.refused.identity_document"
    with org.session() as session:
        assert session.exec(select(CaseAttachment)).all() == []
    attempt, = _entries(org, "attachment.upload.refused")
    assert attempt.details["errors"] == ["attachment.refused.identity_document"] and attempt.actor_name == "dpo"


def test_a_pdf_that_is_not_a_pdf_and_a_path_in_the_name_are_handled(org, cases):
    with pytest.raises(InvalidInput) as refused:
        _upload(org, org.dpo, "dsr", cases["dsr"], content=b"MZ\x90\x00 not a pdf", name="lettre.pdf",
                kind="incoming_letter")
    assert refused.value.problems[0].key == "attachment.refused.bad_pdf"
    row = _upload(org, org.dpo, "dsr", cases["dsr"], content=CSV, name="../../etc/extraction.csv")
    assert row.filename == "extraction.csv"


def test_the_same_file_twice_on_a_case_is_refused_once_kept(org, cases):
    _upload(org, org.dpo, "dsr", cases["dsr"])
    with pytest.raises(RuleViolation) as twice:
        _upload(org, org.dpo, "dsr", cases["dsr"])  # a double click
    assert twice.value.key == "attachment.already_attached"
    _upload(org, org.dpo, "breach", cases["breach"])  # the same file on another case is another attachment
    with org.session() as session:
        assert len(session.exec(select(CaseAttachment)).all()) == 2


def test_the_size_limit_comes_from_the_configuration(org, cases, monkeypatch):
    monkeypatch.setenv("DPO_ATTACHMENT_MAX_BYTES", str(len(CSV) - 1))
    with pytest.raises(InvalidInput) as refused:
        _upload(org, org.dpo, "dsr", cases["dsr"])
    assert refused.value.problems[0].key == "attachment.refused.too_large"


def test_a_forged_attachment_id_or_case_type_reveals_nothing(org, cases):
    for call in (lambda s: attachments.download(s, org.dpo, 987_654, READ),
                 lambda s: attachments.list_attachments(s, org.dpo, "payroll", cases["dsr"]),
                 lambda s: attachments.list_attachments(s, org.head_hr, "dsr", 987_654)):
        with pytest.raises(NotAllowed), org.work() as session:
            call(session)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=st.text(max_size=400) | st.sampled_from(["\x00", "a" * 20_000, "<b>gras</b> **x** [l](http://e.x)",
                                                              "=1+1", "../../etc/passwd"]),
       name=st.text(min_size=1, max_size=300) | st.sampled_from(["../../etc/passwd", "a\x00b.csv", "x" * 20_000]))
def test_any_description_and_name_is_kept_literally_or_refused_in_words(org, cases, description, name):
    content = f"{len(description)};{len(name)};{hash((description, name))}\n".encode()
    try:
        row = _upload(org, org.dpo, "breach", cases["breach"], content=content, name=f"{name}.csv",
                      description=description)
    except InvalidInput as refused:
        assert all(p.key.startswith(("validation.", "attachment.refused.")) for p in refused.problems)
        return
    except RuleViolation as twice:
        assert twice.key == "attachment.already_attached"
        return
    assert row.description == description.strip() and len(row.filename) <= 200
    with org.session() as session:
        stored = session.get(CaseAttachment, row.id)
        assert attachments.readable(session, stored) == content and stored.description == description.strip()


def test_the_database_refuses_to_change_or_delete_an_attachment(org, cases):
    """Insert-only, but for the own retention job's one change: the neutral name and no
    description (dashboard/own_retention.py, migration 0035)."""
    row = _upload(org, org.dpo, "dsr", cases["dsr"], description="Lettre de Mme Moreau")
    neutral = pseudonymised_filename(row.id, row.file_type)
    for statement in ("UPDATE case_attachment SET content = :c WHERE id = :i",
                      "DELETE FROM case_attachment WHERE id = :i",
                      "UPDATE case_attachment SET filename = 'autre nom.pdf' WHERE id = :i",
                      "UPDATE case_attachment SET description = 'autre description' WHERE id = :i",
                      "UPDATE case_attachment SET filename = :n WHERE id = :i",  # the description stays
                      "UPDATE case_attachment SET filename = :n, description = 'x' WHERE id = :i",
                      "UPDATE case_attachment SET filename = :n, description = '', kind = 'other' WHERE id = :i",
                      "UPDATE case_attachment SET filename = :n, description = '', content = :c WHERE id = :i",
                      "UPDATE case_attachment SET filename = :n, description = '', case_id = case_id + 1 "
                      "WHERE id = :i"):
        with pytest.raises(DBAPIError), org.engine.begin() as conn:
            conn.execute(text(statement), {"c": b"forged", "i": row.id, "n": neutral})
    with org.session() as session:
        stored = session.get(CaseAttachment, row.id)
        assert (stored.filename, stored.description) == (row.filename, "Lettre de Mme Moreau")
    with org.engine.begin() as conn:
        conn.execute(text("UPDATE case_attachment SET filename = :n, description = '' WHERE id = :i"),
                     {"n": neutral, "i": row.id})
    with org.work() as session:
        assert attachments.verify(session, org.dpo, row.id).intact
        assert [(a.filename, a.description) for a in attachments.list_attachments(
            session, org.dpo, "dsr", cases["dsr"]).rows] == [(neutral, "")]


@pytest.mark.parametrize("tampering", ["bytes", "hash"])
def test_verify_documents_finds_an_attachment_changed_behind_the_apps_back(org, cases, monkeypatch, capsys,
                                                                         tampering):
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    kept = _upload(org, org.dpo, "dsr", cases["dsr"], content=pdf(), name="lettre.pdf", kind="incoming_letter")
    changed = _upload(org, org.dpo, "dsr", cases["dsr"])
    assert cli.main(["verify-documents"]) == 0
    capsys.readouterr()
    if tampering == "bytes":
        as_owner(org.engine, "UPDATE case_attachment SET content = :c WHERE id = :i", c=b"nom;contrat\nX;Y\n",
                 i=changed.id)
    else:
        as_owner(org.engine, "UPDATE case_attachment SET sha256 = :h WHERE id = :i", h="0" * 64, i=changed.id)
    assert cli.main(["verify-documents"]) == 1
    err = capsys.readouterr().err
    assert f"PJ-{changed.id}" in err and f"PJ-{kept.id}" not in err
    with org.work() as session:
        check = attachments.verify(session, org.dpo, changed.id)
    assert not check.intact
    entry = _entries(org, "attachment.verify")[-1]
    assert entry.details["intact"] is False


def test_two_people_sending_the_same_file_at_once_keep_one(org, cases):
    """Both checks for a twin run before either commits: the database's unique index decides
    (PostgreSQL; SQLite serialises writers, the second waits and then meets the first's row)."""
    import threading

    from sqlalchemy.exc import IntegrityError

    from dashboard import db

    if org.engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer at a time: the race cannot happen there")
    outcome = {}

    def second():
        with db.new_session(org.engine) as session:
            try:
                attachments.upload(session, org.legal, "dsr", cases["dsr"], filename="copie.csv", content=CSV,
                                   kind="data_extract", reason=READ)
                session.commit()
                outcome["second"] = "kept"
            except IntegrityError:
                outcome["second"] = "refused"

    with db.new_session(org.engine) as first:
        attachments.upload(first, org.dpo, "dsr", cases["dsr"], filename="extraction.csv", content=CSV,
                           kind="data_extract", reason=READ)
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(timeout=2)  # it found no twin and now waits on the unique index
        first.commit()
    racer.join(timeout=60)
    assert outcome == {"second": "refused"}
    with org.session() as session:
        assert [a.filename for a in session.exec(select(CaseAttachment))] == ["extraction.csv"]


def test_files_of_requests_and_breaches_are_stored_encrypted_those_of_processors_and_dpias_in_clear(org, cases):
    """The retention job destroys a request's or a breach's key (tests/test_own_retention.py);
    processor and DPIA files concern the organisation, not data subjects."""
    from dashboard import case_keys, evidence

    for case_type, case_id in cases.items():
        row = _upload(org, org.dpo, case_type, case_id, content=pdf(), name="piece.pdf", kind="other")
        with org.session() as session:
            stored = session.get(CaseAttachment, row.id)
            sealed = case_type in ("dsr", "breach")
            assert (bytes(stored.content) != pdf()) is sealed and (stored.envelope_sha256 is not None) is sealed
            assert case_keys.is_envelope(bytes(stored.content)) is sealed
            assert stored.sha256 == evidence.sha256_hex(pdf()) and attachments.readable(session, stored) == pdf()
