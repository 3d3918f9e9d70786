"""The review's certificate and board report with every field at its longest, in French
and in English: built without a layout error, every end of a long field printed, and
only what is true said (destroyed, archived, kept, pending each in its own section)."""

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard.i18n import Translator
from exports.pdf.dsr_common import Controller
from exports.pdf.retention_certificate import CampaignFacts, ReviewLine, build_certificate, build_report
from exports.stamp import DocumentStamp
from models.retention import RetentionTask
from models.org import Entity
from models.processing import ProcessingActivity
from tests.pdf_reading import pdf_text

OUT = Path("/tmp/retention_pdfs")


def _limit(model, name: str) -> int:
    return model.__table__.c[name].type.length


def _long(model, name: str, marker: str) -> str:
    length = _limit(model, name)
    body = "Texte très long é à ç & <balise> **gras** =SOMME(A1) pour éprouver la mise en page ; " * (length // 60 + 1)
    return body[:length - len(marker) - 1].rstrip() + " " + marker


def _controller() -> Controller:
    return Controller(_long(Entity, "name", "FINNOM"), _long(Entity, "legal_name", "FINRAISON"),
                      _long(Entity, "address", "FINADRESSE"), "775 671 258 00019", _long(Entity, "dpo_name", "FINDPO"),
                      "dpo@medicis.example", _long(Entity, "dpo_address", "FINDPOADR"))


def _line(status: str, n: int, method: str = "deletion") -> ReviewLine:
    activity = f"TRT-2026-{n:04d} — " + _long(ProcessingActivity, "name", f"FINTRT{n}")
    common = dict(activity=activity, department="Direction de la relation client (DRC) " * 5,
                  category=_long(RetentionTask, "category", f"FINCAT{n}"),
                  system=_long(RetentionTask, "system", f"FINSYS{n}"), duration=2147483647, unit="years",
                  start_event=_long(RetentionTask, "start_event", f"FINEVT{n}"), cutoff_on=date(2019, 12, 3),
                  due_on=date(2027, 1, 31), status=status)
    if status == "done":
        return ReviewLine(**common, method=method, done_on=date(2026, 12, 2),
                          done_by=_long(RetentionTask, "done_by", f"FINPAR{n}"),
                          proof=_long(RetentionTask, "proof", f"FINPREUVE{n}"),
                          proof_reference=_long(RetentionTask, "proof_reference", f"FINREF{n}"),
                          kept_until=date(2031, 12, 31) if method == "intermediate_archiving" else None)
    if status == "exception":
        return ReviewLine(**common, exception_ground="legal_hold", kept_until=date(2029, 6, 30),
                          exception_detail=_long(RetentionTask, "exception_detail", f"FINMOTIF{n}"))
    return ReviewLine(**common)


LINES = [_line("done", 1), _line("done", 2, "intermediate_archiving"), _line("exception", 3), _line("open", 4)]
FACTS = CampaignFacts("REV-2026-0001", 2026, date(2026, 12, 3), date(2027, 1, 31), "Toute la campagne (4 tâche(s))")


def _stamp(language: str) -> DocumentStamp:
    return DocumentStamp("DOC-2026-0042", "ABCD-EFGH-JKMN", datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc),
                         "Claire Martin", language)


def _save(name: str, content: bytes) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_bytes(content)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_certificate_at_maximum_length_says_what_is_destroyed_kept_and_pending(language):
    tr = Translator(language)
    content = build_certificate(tr, _stamp(language), _controller(), FACTS, LINES)
    _save(f"certificate_{language}.pdf", content)
    text = pdf_text(content)
    for marker in ("FINRAISON", "FINTRT1", "FINCAT1", "FINSYS1", "FINEVT1", "FINPAR1", "FINPREUVE1", "FINREF1",
                   "FINPREUVE2", "FINMOTIF3", "FINSYS4", "&", "<balise>", "=SOMME(A1)"):
        assert marker in text, marker
    assert tr("retention.pdf.cert.destroyed") in text
    assert tr("retention.pdf.cert.archived").split(" (")[0] in text
    assert tr("retention.pdf.cert.pending").split(" (")[0] in text
    # each line sits in its own section: the archived one is not among the destroyed
    destroyed = text.split(tr("retention.pdf.cert.destroyed"))[1].split(tr("retention.pdf.cert.archived")[:20])[0]
    assert "FINPREUVE1" in destroyed and "FINPREUVE2" not in destroyed and "FINMOTIF3" not in destroyed
    reader = PdfReader(__import__("io").BytesIO(content))
    assert reader.metadata.title.startswith(tr("retention.pdf.cert.title"))
    assert len(reader.pages) >= 2


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_certificate_without_destruction_certifies_none(language):
    tr = Translator(language)
    content = build_certificate(tr, _stamp(language), _controller(), FACTS, [LINES[2]])
    text = pdf_text(content)
    assert tr("retention.pdf.cert.none_destroyed") in text
    assert "FINMOTIF3" in text and tr("retention.pdf.cert.destroyed") + " " not in text.split("FINMOTIF3")[1]


def _attestation(tr: Translator, lines: list[ReviewLine]) -> str:
    text = pdf_text(build_certificate(tr, _stamp(tr.language), _controller(), FACTS, lines))
    return " ".join(text.split(tr("retention.pdf.cert.statement_title"))[-1].split())


@pytest.mark.parametrize("language, kept, pending, backups", [
    ("fr", "conserv", "non encore traitées", "cycle de rotation"),
    ("en", "kept", "not yet handled", "rotation cycle")])
def test_the_attestation_says_kept_or_pending_only_of_what_the_document_lists(language, kept, pending, backups):
    """The signed statement claims nothing the records do not say: a certificate of
    destroyed lines only says nothing is kept; one with open tasks says they are not
    covered, rather than calling them kept "for the grounds and until the dates stated";
    and nothing is claimed about when backups expire (DPO Desk does not know it)."""
    tr = Translator(language)
    destroyed_only = _attestation(tr, [LINES[0]])
    assert kept not in destroyed_only.casefold() and pending not in destroyed_only
    everything = _attestation(tr, LINES)
    assert kept in everything.casefold() and pending in everything
    pending_only = _attestation(tr, [LINES[3]])
    assert kept not in pending_only.casefold() and pending in pending_only
    assert backups not in everything


@pytest.mark.parametrize("language", ["fr", "en"])
def test_board_report_counts_per_department_late_tasks_and_exceptions(language):
    tr = Translator(language)
    lines = LINES + [ReviewLine(**{**LINES[3].__dict__, "department": "Ressources humaines",
                                   "due_on": date(2026, 11, 30)})]
    content = build_report(tr, _stamp(language), _controller(), FACTS, lines, date(2026, 12, 3))
    _save(f"report_{language}.pdf", content)
    text = pdf_text(content)
    assert tr("retention.pdf.report.by_department") in text
    assert "FINMOTIF3" in text  # the exception, with its ground
    late = text.split(tr("retention.pdf.report.late"))[1].split(tr("retention.pdf.report.exceptions"))[0]
    assert "Ressources humaines" in late and "FINSYS4" in late  # one late task: due 30/11, 3 days late
    assert " 3 " in late + " "
