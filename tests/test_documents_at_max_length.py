"""Every kind of document, built with every free-text field at the longest length its
validator accepts, in French and in English: none stops with reportlab's LayoutError
(a table row taller than a page), and the end of a long field is printed.

The demo database is taken and each free-text column of the case tables (and of the
entities) is filled to its limit: the column's own length, which is the validator's,
or for a TEXT column the limit of the validator that writes it. Then each document is
issued through its use case and read back with pypdf.
"""

import ast
import functools
import sys
import zipfile
from datetime import UTC, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from annotated_types import MaxLen
from pypdf import PdfReader
from sqlalchemy import JSON, String, Text
from sqlmodel import SQLModel, select

from dashboard import annual_report, audit_pack, retention_documents
from dashboard.breach import documents as breach_documents
from dashboard.breach.records import BreachFilter
from dashboard.dpia import content as dpia_content
from dashboard.dpia import documents as dpia_documents
from dashboard.dsr import documents as dsr_documents
from dashboard.dsr import answers, fees, intake, work, workflow
from dashboard.evidence import readable
from dashboard.own_retention import run_own_retention
from dashboard.processor import documents as processor_documents
from dashboard.processor.registry import RegisterFilter
from dashboard.register_io import issue_register_pdf
from dashboard import processor_record
from exports.audit_pack import SLIP
from exports.pdf import base as pdf_base
from exports.pdf.pdfa import make_pdfa
from models.breach import LETTER_TEXT_FIELDS, LONG_TEXT, AuthorityNotification, Breach, BreachNotification
from models.answer_letter import LETTER_MAX_CHARS, AnswerLetter
from models.clock import paris_today
from models.dpia import Dpia, DpiaAnswer
from models.dsr import DataSubjectRequest, DsrErasure
from models.dsr_fee import DsrFee
from models.evidence import EvidenceDocument
from models.processor import ProcessorContract
from models.retention import RetentionCampaign, RetentionTask
from models.types import utcnow
from tests.conftest import demo_sqlite
from tests.pdf_reading import ink_in_the_margins, layout_problems, read_pdf
from tests.pdfa_check import parse_pdf_date, pdfa_problems

# Each document is read once for the tests of this module (the fixture is module-scoped): its
# text and its body's runs, in one extraction.
reading = functools.cache(read_pdf)


def pdf_text(content: bytes) -> str:
    return reading(content)[0]


@pytest.fixture(scope="module", autouse=True)
def _forget_the_readings():
    yield
    reading.cache_clear()

FILLED_TABLES = ("entity", "dsr_", "breach", "processor", "dpia", "processing_activity", "register_", "retention_")
APPEND_ONLY = ("dsr_answer_template",)  # letter templates: a new revision, never an UPDATE (migration 0021)
NOT_TEXT = ("reference", "code", "sha256", "country_code", "status", "kind", "phase", "language")


ROOT = Path(__file__).resolve().parent.parent
SHARED_BUILDER = {"exports/pdf/base.py", "exports/pdf/pdfa.py", "exports/pdf/speed.py"}


def _limit(model, name: str) -> int:
    return next(m.max_length for m in model.model_fields[name].metadata if isinstance(m, MaxLen))


PACK_REASON = _limit(audit_pack.PackRequest, "reason")  # 500


# TEXT columns: the limit of the validator that writes each.
TEXT_LIMITS = {
    ("dsr_request", "description"): _limit(intake.RequestCreate, "description"),
    ("dsr_request", "extension_reasons"): _limit(workflow.Extension, "reasons"),
    ("dsr_request", "proposed_answer"): _limit(workflow.Proposal, "answer"),
    ("dsr_request", "outcome_reasons"): _limit(workflow.Closing, "reasons"),
    ("dsr_search", "notes"): _limit(work.SearchData, "notes"),
    ("dsr_answer_letter", "body"): LETTER_MAX_CHARS,
    ("dsr_fee", "cost_basis"): _limit(fees.FeeNotice, "cost_basis"),
    ("dsr_fee", "reasons"): _limit(fees.FeeNotice, "reasons"),
}
DPIA_TEXT = dpia_content.TEXT_LIMIT  # 20 000


# Names in other scripts, signs the old font lacked, an emoji and Chinese (printed as readable
# stand-ins, exports/pdf/base.py printable), and a long URL that must wrap inside its column.
UNICODE = "Ζωή Παπαδοπούλου, Дмитрий Иванов → ≥ 🎉 张伟 "
URL = "https://www.cnil.fr/fr/reglement-europeen-protection-donnees/chapitre3#Article15 "


def _long(length: int, marker: str) -> str:
    """Real words up to `length` characters, ending with `marker`."""
    body = UNICODE + ("Texte très long é à ç & <balise> pour éprouver la mise en page ; " + URL) * (length // 60 + 1)
    return body[:length - len(marker) - 1].rstrip() + " " + marker


def _text_columns():
    for table in SQLModel.metadata.sorted_tables:
        if not table.name.startswith(FILLED_TABLES) or table.name in APPEND_ONLY:
            continue
        for column in table.columns:
            kind = getattr(column.type, "impl", column.type)  # sqlmodel's AutoString wraps a String
            kind = kind() if isinstance(kind, type) else kind
            if isinstance(kind, JSON) or column.name in NOT_TEXT or column.name.endswith(("_key", "_id")):
                continue
            if isinstance(kind, Text) or (isinstance(kind, String) and kind.length is None):
                limit = DPIA_TEXT if table.name.startswith("dpia") else TEXT_LIMITS.get((table.name, column.name),
                                                                                        LONG_TEXT)
            elif isinstance(kind, String) and kind.length >= 100:
                limit = kind.length
            else:
                continue  # codes and short identifiers
            yield table, column, limit


def _fill(session) -> dict[tuple[str, str], str]:
    markers = {}
    for n, (table, column, limit) in enumerate(_text_columns()):
        marker = f"fin{n:03d}x"
        markers[table.name, column.name] = marker
        session.execute(table.update().values({column.name: _long(limit, marker)}))
    # The English letter prints the English version of the free text (a JSON column): at its
    # maximum too, ending with the same markers as the French columns it translates.
    english = {name: _long(LONG_TEXT, markers["breach", name]) for name in LETTER_TEXT_FIELDS}
    session.execute(Breach.__table__.update().values(letter_texts_en=english))
    # The demo's two proposed answers: the second is sent in English.
    letters = session.exec(select(AnswerLetter.id).order_by(AnswerLetter.id)).all()
    session.execute(AnswerLetter.__table__.update().where(AnswerLetter.id == letters[1]).values(language="en"))
    # A done task of each campaign moved to intermediate archiving: the certificate's third table.
    for campaign_id in session.exec(select(RetentionCampaign.id)).all():
        task_id = session.exec(select(RetentionTask.id).where(
            RetentionTask.campaign_id == campaign_id, RetentionTask.status == "done")
            .order_by(RetentionTask.id.desc())).first()
        session.execute(RetentionTask.__table__.update().where(RetentionTask.id == task_id).values(
            method="intermediate_archiving", kept_until=paris_today() + timedelta(days=3650)))
    return markers


@pytest.fixture(scope="module")
def issued(tmp_path_factory, sqlite_template):
    """(kind, language, what it was built from) -> the document, issued at maximum lengths."""
    _, org = demo_sqlite(tmp_path_factory, sqlite_template)
    with org.work() as session:
        markers = _fill(session)
    with org.session() as session:
        ack_id = session.exec(select(DataSubjectRequest.id).order_by(DataSubjectRequest.id)).first()
        extended_id = session.exec(select(DataSubjectRequest.id).where(DataSubjectRequest.extended)).first()
        erased_id = session.exec(select(DsrErasure.request_id)).first()
        charged_id = session.exec(select(DsrFee.request_id).where(DsrFee.basis != "further_copy")).first()
        ended_id = session.exec(select(ProcessorContract.id).where(
            ProcessorContract.destruction_proved_on.is_not(None))).first()
        contract_id = session.exec(select(ProcessorContract.id).order_by(ProcessorContract.id)).first()
        phased = session.exec(select(BreachNotification.breach_id).distinct()).all()
        overdue = session.exec(select(Breach.id).where(
            Breach.authority_notification == AuthorityNotification.PENDING,
            Breach.notification_deadline < utcnow())).all()
        dpia_id = session.exec(select(DpiaAnswer.dpia_id).order_by(DpiaAnswer.dpia_id)).first() \
            or session.exec(select(Dpia.id)).first()
        answered = dict(session.exec(select(AnswerLetter.language, AnswerLetter.request_id)).all())
        campaign_id = session.exec(select(RetentionCampaign.id).order_by(RetentionCampaign.id)).first()
        task_id = session.exec(select(RetentionTask.id).where(RetentionTask.campaign_id == campaign_id,
                                                              RetentionTask.status == "done")
                               .order_by(RetentionTask.id)).first()
        used = {ack_id, extended_id, erased_id, charged_id, *answered.values()}
        expired = session.exec(select(DataSubjectRequest).where(DataSubjectRequest.closed_at.is_not(None),
                                                                DataSubjectRequest.id.not_in(used))
                               .order_by(DataSubjectRequest.id)).first()
    documents = {}
    backups = paris_today() + timedelta(days=400)
    built: list[tuple[str, bytes]] = []  # every PDF the shared builder made: (generator module, bytes)

    def recording(content, **kwargs):
        result = make_pdfa(content, **kwargs)
        built.append((_generator_module(), result))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_base, "make_pdfa", recording)
        for language in ("fr", "en"):
            with org.work() as session:
                documents["dsr.acknowledgement", language, "requester_contact"] = \
                    dsr_documents.issue_acknowledgement(session, org.dpo, ack_id, language)
                documents["dsr.extension_notice", language, "extension_reasons"] = \
                    dsr_documents.issue_extension_notice(session, org.dpo, extended_id, language)
                documents["dsr.fee_notice", language, "reasons"] = \
                    dsr_documents.issue_fee_notice(session, org.dpo, charged_id, language)
                documents["dsr.destruction_certificate", language, "reason"] = \
                    dsr_documents.issue_destruction_certificate(session, org.dpo, erased_id, "V" * 200, language,
                                                                backups)
                contract = session.get(ProcessorContract, ended_id)
                documents["processor.destruction_certificate", language, "retained_by_law"] = \
                    processor_documents.issue_destruction_certificate(session, org.dpo, ended_id, contract.version,
                                                                      language)
                documents["processor.clause_report", language, "title"] = \
                    processor_documents.issue_clause_report(session, org.dpo, contract_id, language)
                documents["processor.register_extract", language, "name"] = \
                    processor_documents.issue_register_extract(session, org.dpo, RegisterFilter(), language)
                for breach_id in phased:  # every later notification after a 4 000-character phase
                    documents["breach.authority_notice", language, f"content_added {breach_id}"] = \
                        breach_documents.issue_authority_notice(session, org.dpo, breach_id, language)
                for breach_id in overdue:
                    documents["breach.authority_notice", language, f"delay {breach_id}"] = \
                        breach_documents.issue_authority_notice(session, org.dpo, breach_id, language,
                                                                delay_reasons=_long(LONG_TEXT, "retardfinx"))
                documents["breach.people_letter", language, "people_advice"] = \
                    breach_documents.issue_people_letter(session, org.dpo, phased[0], language)
                documents["breach.register_pdf", language, "title"] = \
                    breach_documents.issue_register(session, org.dpo, BreachFilter(), language, "pdf")
                documents["dpia.report", language, "text"] = dpia_documents.issue_report(session, org.dpo, dpia_id,
                                                                                         language)
                documents["register_extract", language, "description"] = \
                    issue_register_pdf(session, org.dpo, org.entities["MEDICIS"].id, language=language)
                documents["processor_record.extract", language, "processing_categories"] = \
                    processor_record.issue_record_pdf(session, org.dpo, org.entities["LUMINA"].id, language)
                letter = session.exec(select(AnswerLetter).where(AnswerLetter.request_id == answered[language])).one()
                documents["dsr.answer_letter", language, "body"] = \
                    answers.issue(session, org.dpo, letter.request_id, letter.version, {"sent_on": paris_today()})
                documents["retention.task_certificate", language, "proof"] = \
                    retention_documents.issue_task_certificate(session, org.dpo, task_id, language)
                documents["retention.campaign_certificate", language, "proof"] = \
                    retention_documents.issue_campaign_certificate(session, org.dpo, campaign_id, language)
                documents["retention.campaign_report", language, "exception_detail"] = \
                    retention_documents.issue_campaign_report(session, org.dpo, campaign_id, language)
                medicis = org.entities["MEDICIS"].id
                seen = annual_report.latest(session, org.dpo, paris_today().year, medicis)
                documents["dpo.annual_report", language, "legal_name"] = annual_report.issue(
                    session, org.dpo, paris_today().year, medicis, seen.id if seen else None, language)
        with org.work() as session:  # the hand-over slip of an audit pack listing all of the above
            pack = audit_pack.build_audit_pack(session, org.auditor, {
                "date_from": paris_today() - timedelta(days=30), "date_to": paris_today(),
                "entity_id": org.entities["MEDICIS"].id, "reason": _long(PACK_REASON, "packfinx")})
            zipped = audit_pack.pack_content(session, org.auditor, pack.document_id)
        # DPO Desk's own retention job (French only), on a request closed beyond its period.
        with org.work() as session:
            session.execute(DataSubjectRequest.__table__.update().where(DataSubjectRequest.id == expired.id)
                            .values(closed_at=utcnow() - timedelta(days=366 * 6)))
        markers["dsr_request", "reference"] = expired.reference  # the certificate names cases by reference only
        report = run_own_retention(org.engine)
        with org.session() as session:
            documents["own_retention.certificate", "fr", "references"] = readable(session, session.exec(
                select(EvidenceDocument).where(EvidenceDocument.number == report.certificate_number)).one())
    org.engine.dispose()
    slip = zipfile.ZipFile(BytesIO(zipped)).read(SLIP)
    return markers, documents, built, slip


EXPECTED_END = {  # the long field whose end each kind prints
    "dsr.acknowledgement": ("dsr_request", "requester_contact"),
    "dsr.extension_notice": ("dsr_request", "extension_reasons"),
    "dsr.fee_notice": ("dsr_fee", "reasons"),
    "dsr.destruction_certificate": ("dsr_retention", "reason"),
    "processor.destruction_certificate": ("processor_contract", "retained_by_law"),
    "processor.clause_report": ("processor_contract", "title"),
    "processor.register_extract": ("processor", "legal_name"),
    "breach.authority_notice": ("breach_notification", "content_added"),
    "breach.people_letter": ("breach", "people_advice"),
    "breach.register_pdf": ("breach", "title"),
    "dpia.report": ("dpia_answer", "text"),
    "register_extract": ("processing_activity", "description"),
    "processor_record.extract": ("processor_record", "processing_categories"),
    "dsr.answer_letter": ("dsr_answer_letter", "body"),
    "retention.task_certificate": ("retention_task", "proof"),
    "retention.campaign_certificate": ("retention_task", "proof"),
    "retention.campaign_report": ("retention_task", "exception_detail"),
    "dpo.annual_report": ("entity", "legal_name"),  # figures; the controller's names
    "own_retention.certificate": ("dsr_request", "reference"),  # no free text: the case it pseudonymised
}
LANGUAGES = {"own_retention.certificate": ("fr",)}  # the job issues it in French (dashboard/own_retention.py)
NO_FREE_TEXT = {"own_retention.certificate"}  # references, counts and catalogue text only


def test_every_kind_is_built_at_maximum_lengths_in_both_languages(issued):
    """Every document kind the application issues (the list of tests/test_pdf_rendering.py),
    each free-text field at its validator's maximum (a DPIA answer of 20 000 characters,
    a complementary notification of 4 000), in French and in English."""
    markers, documents, _, _ = issued
    kinds = {(kind, language) for kind, language, _ in documents}
    assert kinds == {(kind, language) for kind in EXPECTED_END for language in LANGUAGES.get(kind, ("fr", "en"))}
    for (kind, language, source), document in documents.items():
        reader = PdfReader(BytesIO(document.content))
        text = pdf_text(document.content)
        assert len(reader.pages) >= 1
        assert f"/ {len(reader.pages)}" in text or f"of {len(reader.pages)}" in text
        if source.startswith("delay"):  # an overdue draft: its reasons, and the breach's own text
            assert "retardfinx" in text and markers["breach", "description"] in text, (kind, language, source)
        else:
            assert markers[EXPECTED_END[kind]] in text, (kind, language, source)


# --- Documents for the archive and for the eye (PDF/A-2b, Unicode, layout) -------------------

SIGNATURE_LABEL = {"fr": "Date et signature :", "en": "Date and signature:"}  # core.json pdf.signature_date


def _generator_module() -> str:
    """The module under exports/ that called the shared builder (the generator)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(ROOT / "exports") and path.relative_to(ROOT).as_posix() not in SHARED_BUILDER:
            return path.relative_to(ROOT).as_posix()
        frame = frame.f_back
    return "?"


def _calls(tree: ast.AST, name: str) -> bool:
    return any(isinstance(node, ast.Call) and name in (getattr(node.func, "id", None), getattr(node.func, "attr", None))
               for node in ast.walk(tree))


def _exports_modules():
    for path in sorted((ROOT / "exports").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _pdf_generators() -> set[str]:
    """Every module under exports/ that builds a PDF with the shared builder: found, not listed,
    so that a generator added later is held to the tests below."""
    return {name for name, tree in _exports_modules() if _calls(tree, "build_pdf")} - SHARED_BUILDER


def test_every_pdf_generator_is_built_at_maximum_lengths(issued):
    _, _, built, _ = issued
    generators = _pdf_generators()
    assert len(generators) >= 12  # the twelve of December 2026: the discovery works
    missing = generators - {module for module, _ in built}
    assert not missing, f"new PDF generators, to be issued in the `issued` fixture of this file: {sorted(missing)}"


def test_no_pdf_is_written_by_reportlab_outside_the_shared_builder():
    """A document made with reportlab's canvas or doc templates directly would escape the
    PDF/A conversion and the font: every generator goes through exports/pdf/base.py."""
    direct = ("SimpleDocTemplate", "BaseDocTemplate", "Canvas", "renderPDF", "drawToFile", "drawToString")
    offenders = set()
    for name, tree in _exports_modules():
        if name in SHARED_BUILDER:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
                if (node.module or "").startswith(("reportlab.pdfgen", "reportlab.graphics.renderPDF")) or \
                        any(alias.name in direct for alias in node.names):
                    offenders.add(name)
            if isinstance(node, ast.Import) and any(a.name.startswith("reportlab.pdfgen") for a in node.names):
                offenders.add(name)
    assert not offenders


def test_every_pdf_is_pdfa_2b(issued):
    """Checked by tests/pdfa_check.py (the PDF/A-2b rules these documents can break; not veraPDF)."""
    _, _, built, slip = issued
    assert len(built) > 24
    for module, content in [*built, (SLIP, slip)]:
        assert pdfa_problems(content) == [], module


def test_every_pdf_carries_its_real_date_of_issue(issued):
    """Not reportlab's invariant 1 January 2000: the date of issue, in the Info dictionary and the
    XMP metadata (their agreement is checked by pdfa_problems)."""
    _, documents, _, _ = issued
    for key, document in documents.items():
        info = PdfReader(BytesIO(document.content)).metadata
        issued_at = document.issued_at if document.issued_at.tzinfo else document.issued_at.replace(tzinfo=UTC)
        for field in ("/CreationDate", "/ModDate"):
            assert abs((parse_pdf_date(info[field]) - issued_at).total_seconds()) < 1, (key, field)


def test_every_pdf_prints_other_scripts_signs_and_stand_ins(issued):
    """Greek and Cyrillic names, "→" and "≥" print as themselves (DejaVu Sans is embedded); an
    emoji and Chinese, which the font lacks, print as readable text rather than empty boxes."""
    _, documents, _, slip = issued
    for key, content in [*((key, d.content) for key, d in documents.items() if key[0] not in NO_FREE_TEXT),
                         (SLIP, slip)]:
        text = pdf_text(content)
        for expected in ("Ζωή Παπαδοπούλου", "Дмитрий Иванов", "→", "≥", "[party popper]", "[U+5F20 U+4F1F]"):
            assert expected in text, (key, expected)
        assert "�" not in text and "\u25a1" not in text, key


def test_no_heading_or_signature_is_left_alone_at_a_page_break(issued):
    """Read back page by page: no heading ends a page, no signature block is split or opens a page
    without the text it signs."""
    _, documents, _, slip = issued
    for (kind, language, source), document in documents.items():
        assert layout_problems(document.content, SIGNATURE_LABEL[language], reading(document.content)[1]) == [], \
            (kind, language, source)
    assert layout_problems(slip, SIGNATURE_LABEL["fr"], reading(slip)[1]) == []


def test_nothing_overflows_into_the_margins(issued, tmp_path):
    _, documents, _, slip = issued
    seen = set()
    for (kind, language, source), document in documents.items():
        if (kind, language) in seen:
            continue
        seen.add((kind, language))
        assert ink_in_the_margins(document.content, tmp_path) == [], (kind, language)
    assert ink_in_the_margins(slip, tmp_path) == []

