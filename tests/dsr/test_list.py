"""The filtered, paginated list sorted by deadline, its CSV export, and the demo data."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from dashboard import db, demo, organisation
from dashboard.dsr import fees, queries, workflow
from models.clock import paris_today
from models.dsr import DataSubjectRequest, DsrRoutingRule
from models.evidence import EvidenceDocument
from tests.dsr.conftest import copy_fee, make_request, paris_noon


def _refs(org, actor=None, **flt) -> list[str]:
    with org.session() as session:
        page = queries.list_requests(session, actor or org.dpo, queries.ListFilter(**flt))
    return [r.reference for r in page.rows]


def test_filters_and_deadline_order(routed_org):
    org = routed_org
    today = paris_today()
    late = make_request(org, received_at=paris_noon(today - timedelta(days=40)), requester_name="Ancien")
    soon = make_request(org, received_at=paris_noon(today - timedelta(days=27)), requester_name="Bientôt",
                        rights=["erasure", "access"])
    fresh = make_request(org, entity="SAVELUNARI", relation="learner",
                         received_at=paris_noon(today - timedelta(days=1)), requester_name="Nouveau")
    waiting = make_request(org, received_at=paris_noon(today - timedelta(days=45)), requester_name="Attente",
                           relation="staff")
    with org.work() as session:
        workflow.ask_person(session, org.dpo, waiting.id, 1, {"waiting_for": "awaiting_clarification",
                                                              "asked_on": today - timedelta(days=44)})
    assert _refs(org) == [waiting.reference, late.reference, soon.reference, fresh.reference]  # by deadline
    assert _refs(org, deadline="late") == [late.reference]  # a suspended clock is never late
    due = _refs(org, deadline="due_within", within_days=7)
    assert soon.reference in due and late.reference not in due and fresh.reference not in due
    assert _refs(org, right="erasure") == [soon.reference]
    assert _refs(org, entity_id=org.entities["SAVELUNARI"].id) == [fresh.reference]
    assert _refs(org, department_id=org.departments["RH"].id) == [waiting.reference]
    assert _refs(org, status="awaiting_clarification") == [waiting.reference]
    with org.work() as session:
        workflow.withdraw(session, org.dpo, late.id, 1, {"withdrawn_on": today})
    assert late.reference not in _refs(org) and _refs(org, status="withdrawn") == [late.reference]
    assert len(_refs(org, status="")) == 4


def test_pagination_is_server_side(org):
    for n in range(7):
        make_request(org, requester_name=f"Personne {n}", received_at=paris_noon(paris_today() - timedelta(days=n + 1)))
    with org.session() as session:
        first = queries.list_requests(session, org.dpo, queries.ListFilter(), page=1, page_size=3)
        third = queries.list_requests(session, org.dpo, queries.ListFilter(), page=3, page_size=3)
    assert (first.total, len(first.rows), len(third.rows)) == (7, 3, 1)
    assert [r.due_on for r in first.rows] == sorted(r.due_on for r in first.rows)


def test_a_head_paging_through_all_statuses_sees_each_request_once_in_deadline_order(org):
    """Pages of a head's list over every status, with many requests sharing a deadline: together
    they hold each of the department's requests exactly once, by deadline then id (the order
    ix_dsr_request_department_due_on gives, migration 0034), and the count is the department's."""
    today = paris_today()
    hr, other = org.departments["RH"].id, org.departments["SG"].id
    mine = [make_request(org, department_id=hr, requester_name=f"Personne {n}",
                         received_at=paris_noon(today - timedelta(days=(10, 40, 3)[n % 3])))
            for n in range(11)]
    make_request(org, department_id=other, received_at=paris_noon(today - timedelta(days=10)))
    with org.work() as session:
        for request in mine[::4]:
            workflow.withdraw(session, org.dpo, request.id, 1, {"withdrawn_on": today})
    flt = queries.ListFilter(status="")
    with org.session() as session:
        pages = [queries.list_requests(session, org.head_hr, flt, page=p, page_size=4) for p in (1, 2, 3, 4)]
    paged = [(row.due_on, row.id) for page in pages for row in page.rows]
    assert [len(page.rows) for page in pages] == [4, 4, 3, 0]
    assert {page.total for page in pages} == {11}
    assert paged == sorted((request.due_on, request.id) for request in mine)
    assert len({row.status for page in pages for row in page.rows}) == 2  # open and withdrawn


def test_csv_export_is_safe_and_holds_no_requester_data(org):
    with org.work() as session:
        organisation.save_department(session, org.dpo, {"code": "EVIL", "name": "=HYPERLINK(\"http://x\")"})
        evil = session.exec(select(organisation.Department).where(organisation.Department.code == "EVIL")).one()
    request = make_request(org, department_id=evil.id, requester_name="=cmd|' /C calc'!A0")
    with org.work() as session:
        content = queries.export_csv(session, org.dpo, queries.ListFilter()).decode("utf-8-sig")
    lines = content.splitlines()
    assert lines[0].startswith("Référence;Entité;Canal")
    assert request.reference in lines[1] and "'=HYPERLINK" in lines[1]
    assert "cmd" not in content and "Jeanne" not in content
    assert lines[0].endswith(";Frais") and lines[1].endswith(";")  # no fee: an empty cell


def test_csv_export_lists_each_requests_fees_for_the_auditor(org):
    request = make_request(org)
    with org.work() as session:
        fees.notify(session, org.dpo, request.id, 1, copy_fee())
    with org.work() as session:
        fees.settle(session, org.dpo, request.id, 2, {"state": "paid", "settled_on": paris_today()})
    with org.work() as session:
        french = queries.export_csv(session, org.auditor, queries.ListFilter()).decode("utf-8-sig")
        english = queries.export_csv(session, org.auditor, queries.ListFilter(), "en").decode("utf-8-sig")
    assert french.splitlines()[1].endswith(";8,40 € — Payés")
    assert english.splitlines()[1].endswith(";€8.40 — Paid")


def test_demo_requests_cover_what_a_dpo_must_see(engine):
    for _ in range(2):  # idempotent
        with db.unit_of_work(engine) as session:
            demo.seed(session)
    today = paris_today()
    with db.new_session(engine) as session:
        rows = session.exec(select(DataSubjectRequest)).all()
        open_rows = [r for r in rows if r.status not in ("closed", "withdrawn")]
        certificates = session.exec(select(func.count()).select_from(EvidenceDocument).where(
            EvidenceDocument.kind == "dsr.destruction_certificate")).one()
        rules = session.exec(select(func.count()).select_from(DsrRoutingRule)).one()
    assert 25 <= len(rows) <= 40
    assert any(r.due_on < today and not r.suspended_since for r in open_rows)  # late
    assert any(today <= r.due_on <= today + timedelta(days=7) for r in open_rows)  # due within 7 days
    assert any(r.extended for r in rows)
    assert any(r.status == "awaiting_identity" and r.suspended_since for r in rows)
    assert {r.outcome for r in rows if r.status == "closed"} == {"granted", "partly_granted", "refused",
                                                                  "manifestly_unfounded", "excessive",
                                                                  "cannot_identify"}
    assert certificates == 1 and rules > 0
    assert {r.relation for r in rows} >= {"staff", "elected_member", "member", "prospect", "learner"}
