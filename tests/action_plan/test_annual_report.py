"""The annual DPO report: its figures on a hand-built year (SQLite and PostgreSQL), who may
issue and read it, a double click that issues one document, and the PDF read back."""

from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from dashboard import annual_report, evidence
from dashboard.errors import NotAllowed
from models.dsr import DsrRight
from models.dsr_fee import DsrFee
from models.errors import RuleViolation
from models.evidence import EvidenceDocument
from models.processor import ProcessorContract
from tests.action_plan import factories as make
from tests.overview import factories as overview_make
from tests.pdf_reading import pdf_text

YEAR = 2025
TODAY = date(2026, 3, 11)
H = timedelta(hours=1)


@pytest.fixture
def year(org):
    """2025 at Médicis: four requests (one answered late, one received in 2024; two fees told in
    2025, one paid, and one told in 2024), three
    breaches (one notified in time, one late, one not notified), one from 2024; a contract
    ending in 2025 and one ending later; two audits; two DPIAs; three register entries."""
    with org.work() as session:
        a = overview_make.request(session, org, date(2025, 2, 3), status="closed", answered_on=date(2025, 2, 20))
        b = overview_make.request(session, org, date(2025, 5, 5), status="closed", answered_on=date(2025, 7, 30))
        c = overview_make.request(session, org, date(2025, 11, 20))
        d = overview_make.request(session, org, date(2024, 12, 20), status="closed", answered_on=date(2025, 1, 10))
        for request, rights in ((a, ["access", "erasure"]), (b, ["access"]), (c, ["objection"]), (d, ["access"])):
            for right in rights:
                session.add(DsrRight(request_id=request.id, right=right))
        for request, told, state in ((a, date(2025, 2, 10), "paid"), (b, date(2025, 5, 9), "declined"),
                                     (d, date(2024, 12, 22), "paid")):  # fees: the last one told in 2024
            session.add(DsrFee(request_id=request.id, basis="further_copy", amount_cents=840, state=state,
                               cost_basis="Impression et envoi recommandé.", notified_on=told, settled_on=told))
        aware = datetime(2025, 4, 1, 8, tzinfo=timezone.utc)
        overview_make.breach(session, org, aware, notified_at=aware + 30 * H)
        overview_make.breach(session, org, aware, notified_at=aware + 90 * H)
        overview_make.breach(session, org, aware)
        overview_make.breach(session, org, datetime(2024, 6, 1, tzinfo=timezone.utc))
        hr = make.activity(session, org, "RH", date(2026, 3, 1), name="Paie RH")
        hr.created_at = datetime(2025, 3, 1, tzinfo=timezone.utc)
        hr.validated_at = datetime(2025, 3, 2, tzinfo=timezone.utc)
        old = make.activity(session, org, "DRC", date(2026, 6, 1))
        old.created_at = datetime(2024, 3, 1, tzinfo=timezone.utc)
        make.review(session, old, date(2025, 6, 1))
        make.review(session, old, date(2024, 6, 1))
        p = make.processor(session, org, hr, [(date(2025, 5, 1), "major_findings", "Journaux absents"),
                                              (date(2025, 9, 1), "compliant", "")], next_audit=date(2026, 9, 1))
        session.add(ProcessorContract(processor_id=p.id, title="Contrat 1", starts_on=date(2024, 1, 1), status="active", end_date=date(2025, 12, 1)))
        session.add(ProcessorContract(processor_id=p.id, title="Contrat 2", starts_on=date(2024, 1, 1), status="active", end_date=date(2027, 1, 1)))
        session.add(ProcessorContract(processor_id=p.id, title="Contrat 3", starts_on=date(2024, 1, 1), status="ended", end_date=date(2025, 1, 1)))
        for dpia in (make.dpia(session, org, hr, [("Chiffrer", "planned", date(2026, 3, 1))], status="validated"),
                     make.dpia(session, org, old, [("Purger", "done", date(2025, 3, 1))], status="draft")):
            dpia.created_at = datetime(2025, 2, 1, tzinfo=timezone.utc)
        make.dpia(session, org, old, [], status="in_progress")  # opened in 2026: not in 2025's report
    return org


def _figures(org, actor=None, entity="MEDICIS"):
    with org.session() as session:
        return annual_report.figures(session, actor or org.dpo, YEAR,
                                     org.entities[entity].id if entity else None, today=TODAY)


def test_the_years_figures_on_a_hand_built_dataset(year):
    f = _figures(year)
    assert f.requests_received == 3  # the one received in December 2024 is not this year's
    assert dict(f.requests_by_right)["access"] == 2 and dict(f.requests_by_right)["erasure"] == 1
    assert dict(f.requests_by_right)["objection"] == 1 and dict(f.requests_by_right)["portability"] == 0
    assert dict(f.requests_by_outcome)["granted"] == 3  # answered in 2025, whenever received
    assert (f.requests_answered, f.requests_on_time) == (3, 2)  # the one of May answered in late July
    assert f.on_time_rate == pytest.approx(2 / 3)
    assert (f.fees_told, f.fees_paid, f.fees_paid_cents) == (2, 1, 840)
    assert (f.breaches, f.breaches_notified, f.breaches_within_72h) == (3, 2, 1)
    assert (f.contracts_active, f.contracts_expiring) == (2, 1)
    assert (f.audits, f.audits_with_findings) == (2, 1)
    assert dict(f.dpias_by_status)["validated"] == 1 and dict(f.dpias_by_status)["draft"] == 1
    assert dict(f.dpias_by_status)["in_progress"] == 0
    assert (f.register_created, f.register_validated, f.register_reviewed) == (1, 1, 1)
    # the plan as of 31 December 2025: "Chiffrer" due 1 March 2026 open, "Purger" done,
    # the audit's findings superseded (done), register reviews due in 2026 open
    assert f.actions_done >= 2 and f.actions_late == 0 and f.actions_open >= 3


def test_the_group_adds_every_entity_and_another_entity_has_none(year):
    group = _figures(year, entity=None)
    assert group.requests_received >= 3 and group.breaches >= 3
    other = next(code for code in year.entities if code != "MEDICIS")
    assert _figures(year, entity=other).breaches == 0


def test_department_heads_do_not_read_the_group_figures(year):
    with pytest.raises(NotAllowed):
        _figures(year, actor=year.head_hr)
    assert _figures(year, actor=year.auditor).breaches == 3


def test_a_year_out_of_range_is_refused_in_words(year):
    with pytest.raises(RuleViolation) as refused, year.session() as session:
        annual_report.figures(session, year.dpo, 1999, None, today=TODAY)
    assert refused.value.key == "annual.error.year"


def test_issue_once_on_a_double_click_then_read_back(year):
    org = year
    medicis = org.entities["MEDICIS"].id
    with org.work() as session:
        first = annual_report.issue(session, org.legal, YEAR, medicis, None, "fr", today=TODAY)
    with org.work() as session:  # the second click of a double click: drawn with the same "last seen"
        again = annual_report.issue(session, org.legal, YEAR, medicis, None, "fr", today=TODAY)
    assert again.id == first.id
    with org.work() as session:  # a deliberate new issue, once the first is seen: supersedes it
        second = annual_report.issue(session, org.dpo, YEAR, medicis, first.id, "en", today=TODAY)
    assert second.id != first.id and second.supersedes_id == first.id
    with org.session() as session:
        stored = session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == annual_report.REPORT_KIND)).all()
    assert len(stored) == 2
    with pytest.raises(NotAllowed), org.work() as session:
        annual_report.issue(session, org.auditor, YEAR, medicis, second.id, "fr", today=TODAY)
    with org.work() as session:
        document = annual_report.download(session, org.auditor, first.id)
        assert [r.number for r in annual_report.issued_reports(session, org.auditor)] == [second.number, first.number]
    reader = PdfReader(BytesIO(document.content))
    text = pdf_text(document.content)
    assert "2025" in reader.metadata.title
    for expected in ("Demandes reçues, par droit exercé", "Notifiées dans les 72 heures", "67 % (2/3)",
                     "50 % (1/2)", "2, dont 1 payés (8,40 €)", document.number):
        assert expected in text, expected
    assert evidence.sha256_hex(document.content) == document.sha256
    with pytest.raises(NotAllowed), org.work() as session:
        annual_report.download(session, org.head_hr, first.id)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.text(max_size=20), st.none(), st.floats(allow_nan=True), st.booleans()))
def test_any_year_outside_the_gdprs_years_is_refused_in_words(value):
    if isinstance(value, int) and not isinstance(value, bool) and annual_report.FIRST_YEAR <= value <= TODAY.year:
        assert annual_report.check_year(value, TODAY) == value
    else:
        with pytest.raises(RuleViolation) as refused:
            annual_report.check_year(value, TODAY)
        assert refused.value.key == "annual.error.year"


def test_an_unknown_entity_is_refused_and_nothing_is_issued(org):
    with pytest.raises(RuleViolation) as refused, org.work() as session:
        annual_report.issue(session, org.dpo, YEAR, 999_999, None, "fr", today=TODAY)
    assert refused.value.key == "annual.error.entity"
    with org.session() as session:
        assert not session.exec(select(EvidenceDocument).where(
            EvidenceDocument.kind == annual_report.REPORT_KIND)).all()


def test_a_colleagues_report_issued_meanwhile_is_returned_not_doubled(year):
    medicis = year.entities["MEDICIS"].id
    with year.work() as session:  # legal's button was drawn when no report existed; the DPO issues first
        dpo_report = annual_report.issue(session, year.dpo, YEAR, medicis, None, "fr", today=TODAY)
    with year.work() as session:
        legal_click = annual_report.issue(session, year.legal, YEAR, medicis, None, "fr", today=TODAY)
    assert legal_click.id == dpo_report.id and legal_click.issued_by_name == dpo_report.issued_by_name
