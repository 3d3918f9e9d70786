"""Who sees and does what: a department head sees, lists, exports, downloads and
acts only on his or her departments' requests, by any route; a forged id and a
request of another department get the same refusal, logged; auditors read and
change nothing; opening a request's personal data is logged with its reason."""

import pytest
from sqlmodel import select

from dashboard.access import ReasonRequired
from dashboard.dsr import documents, intake, queries, routing, work, workflow
from dashboard.errors import NotAllowed
from dashboard.links import cases_linked_to_activity
from dashboard.validation import InvalidInput
from dashboard.demo import activities as demo_activities
from models.audit import AuditEntry
from models.clock import paris_today
from tests.dsr.conftest import make_request


def _denials(org) -> list[tuple[str, str]]:
    with org.session() as session:
        return [(e.actor_name, e.details["attempted"]) for e in session.exec(
            select(AuditEntry).where(AuditEntry.action == "access.denied").order_by(AuditEntry.seq))]


@pytest.fixture
def two_departments(routed_org):
    """A DRC request (member) and an HR request (staff) with an acknowledgement each."""
    org = routed_org
    member = make_request(org)
    staff = make_request(org, relation="staff", requester_name="Thomas Roux", requester_contact="t.roux@example.org")
    with org.work() as session:
        documents.issue_acknowledgement(session, org.dpo, member.id)
        documents.issue_acknowledgement(session, org.dpo, staff.id)
    return org, member, staff


HEAD_ROUTES = [
    ("open", lambda s, a, rid, doc: queries.open_request(s, a, rid)),
    ("header", lambda s, a, rid, doc: queries.case_header(s, a, rid)),
    ("download", lambda s, a, rid, doc: documents.download(s, a, rid, doc)),
    ("search", lambda s, a, rid, doc: work.add_search(s, a, rid, 1, {"system": "SIRH", "searched_on": paris_today()})),
    ("propose", lambda s, a, rid, doc: workflow.propose_answer(s, a, rid, 1, {"outcome": "granted",
                                                                             "answer": "Réponse de la direction."})),
]


@pytest.mark.parametrize(("route", "call"), HEAD_ROUTES, ids=[r for r, _ in HEAD_ROUTES])
def test_a_head_cannot_reach_another_departments_request_by_any_route(two_departments, route, call):
    org, member, staff = two_departments
    with org.session() as session:
        doc_id = queries.open_request(session, org.dpo, member.id).documents[0].id
    with pytest.raises(NotAllowed), org.work() as session:
        call(session, org.head_hr, member.id, doc_id)  # chef.rh on a Customer Relations request
    with pytest.raises(NotAllowed), org.work() as session:
        call(session, org.head_hr, 987_654, doc_id)  # a forged id: the same answer
    assert [d[0] for d in _denials(org)] == ["chef.rh", "chef.rh"]


def test_a_head_cannot_download_another_requests_document_through_his_own(two_departments):
    org, member, staff = two_departments
    with org.session() as session:
        other_doc = queries.open_request(session, org.dpo, member.id).documents[0].id
    with pytest.raises(NotAllowed), org.work() as session:
        documents.download(session, org.head_hr, staff.id, other_doc)
    assert _denials(org) == [("chef.rh", "dsr.download")]


def test_heads_list_and_export_only_their_departments(two_departments):
    org, member, staff = two_departments
    make_request(org, relation="other", requester_name="Anonyme", requester_contact="")  # unrouted
    with org.session() as session:
        hr = queries.list_requests(session, org.head_hr, queries.ListFilter())
        dpo = queries.list_requests(session, org.dpo, queries.ListFilter())
        hr_csv = queries.export_csv(session, org.head_hr, queries.ListFilter()).decode("utf-8-sig")
        forged_filter = queries.count_requests(session, org.head_hr,
                                               queries.ListFilter(department_id=org.departments["DRC"].id))
    assert [r.reference for r in hr.rows] == [staff.reference] and hr.total == 1
    assert dpo.total == 3
    assert staff.reference in hr_csv and member.reference not in hr_csv
    assert forged_filter == 0


def test_heads_actions_on_their_own_department_work(two_departments):
    org, member, staff = two_departments
    with org.work() as session:
        workflow.start_work(session, org.dpo, staff.id, 1)
    with org.work() as session:
        work.add_search(session, org.head_hr, staff.id, 2, {"system": "SIRH", "searched_on": paris_today()})
    with org.work() as session:
        workflow.propose_answer(session, org.head_hr, staff.id, 3, {"outcome": "granted",
                                                                    "answer": "Dossier administratif joint."})
    with org.session() as session:
        view = queries.open_request(session, org.head_hr, staff.id)
    assert view.is_assignee and view.can_work and not view.can_decide
    assert view.request.status == "answer_proposed"


@pytest.mark.parametrize("action", ["start", "extend", "reassign", "close", "ack", "intake"])
def test_heads_cannot_take_the_dpos_decisions_even_on_their_requests(two_departments, action):
    org, member, staff = two_departments
    calls = {
        "start": lambda s: workflow.start_work(s, org.head_hr, staff.id, 1),
        "extend": lambda s: workflow.extend(s, org.head_hr, staff.id, 1, {"reasons": "x" * 30,
                                                                          "notified_on": paris_today()}),
        "reassign": lambda s: workflow.reassign(s, org.head_hr, staff.id, 1, org.departments["RH"].id),
        "close": lambda s: workflow.close(s, org.head_hr, staff.id, 1, {"outcome": "granted",
                                                                         "answered_on": paris_today()}),
        "ack": lambda s: documents.issue_acknowledgement(s, org.head_hr, staff.id),
        "intake": lambda s: intake.create_request(s, org.head_hr, {}),
    }
    with pytest.raises(NotAllowed), org.work() as session:
        calls[action](session)
    assert len(_denials(org)) == 1


@pytest.mark.parametrize("action", ["start", "search", "ack", "intake", "routing"])
def test_auditors_change_nothing_by_any_route(two_departments, action):
    org, member, staff = two_departments
    calls = {
        "start": lambda s: workflow.start_work(s, org.auditor, member.id, 1),
        "search": lambda s: work.add_search(s, org.auditor, member.id, 1, {"system": "X",
                                                                            "searched_on": paris_today()}),
        "ack": lambda s: documents.issue_acknowledgement(s, org.auditor, member.id),
        "intake": lambda s: intake.create_request(s, org.auditor, {}),
        "routing": lambda s: routing.set_rule(s, org.auditor, {"entity_id": 1, "relation": "member"}),
    }
    with pytest.raises(NotAllowed), org.work() as session:
        calls[action](session)
    with org.session() as session:
        assert queries.open_request(session, org.dpo, member.id).request.version == 1


def test_auditors_read_with_a_reason_and_download(two_departments):
    org, member, staff = two_departments
    with pytest.raises(ReasonRequired), org.work() as session:
        queries.open_request(session, org.auditor, member.id)
    with org.work() as session:
        view = queries.open_request(session, org.auditor, member.id, "Contrôle annuel des demandes")
        document = documents.download(session, org.auditor, member.id, view.documents[0].id,
                                      "Contrôle annuel des demandes")
    with pytest.raises(ReasonRequired), org.work() as session:  # a download from the case carries its reason
        documents.download(session, org.auditor, member.id, view.documents[0].id)
    assert view.request.requester_name == "Jeanne Morel" and not view.can_work
    assert document.content.startswith(b"%PDF")
    with org.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.actor_name == "auditeur")
                               .order_by(AuditEntry.seq)).all()
    assert [(e.action, e.reason) for e in entries] == [
        ("personal_data.view", "Contrôle annuel des demandes"), ("evidence.download", "Contrôle annuel des demandes")]


def test_every_display_is_logged_the_owner_with_the_implicit_reason(two_departments):
    org, member, staff = two_departments
    with org.work() as session:
        queries.open_request(session, org.dpo, member.id)  # the DPO recorded it: owner
    with pytest.raises(ReasonRequired), org.work() as session:
        queries.open_request(session, org.legal, member.id)  # legal is not the owner
    for _ in range(2):  # a reason remembered by the page is logged on every display
        with org.work() as session:
            queries.open_request(session, org.legal, member.id, "Relecture juridique du refus")
    with org.session() as session:
        views = session.exec(select(AuditEntry).where(AuditEntry.action == "personal_data.view",
                                                      AuditEntry.object_id == member.id)
                             .order_by(AuditEntry.seq)).all()
    assert [(v.actor_name, v.reason) for v in views] == [
        ("dpo", "access.reason.assigned"), ("juriste", "Relecture juridique du refus"),
        ("juriste", "Relecture juridique du refus")]


def test_the_register_hub_shows_linked_requests_within_visibility(routed_org):
    org = routed_org
    with org.work() as session:
        demo_activities.seed(session)
        activity = demo_activities.activity_id(session, "member_management")
    request = make_request(org, activity_ids=[activity])
    with org.session() as session:
        for_dpo = cases_linked_to_activity(session, org.dpo, activity)
        for_cr = cases_linked_to_activity(session, org.head_cr, activity)
        for_hr = cases_linked_to_activity(session, org.head_hr, activity)
    assert [(c.case_type, c.reference, c.is_open) for c in for_dpo] == [("dsr", request.reference, True)]
    assert for_cr == for_dpo and for_hr == []
    assert for_dpo[0].status == "dsr.status.received" and "Jeanne" not in for_dpo[0].title


def test_routing_rules_are_the_dpos(routed_org):
    org = routed_org
    medicis = org.entities["MEDICIS"].id
    with pytest.raises(NotAllowed), org.work() as session:
        routing.set_rule(session, org.legal, {"entity_id": medicis, "relation": "member", "department_id": None})
    with org.work() as session:
        routing.set_rule(session, org.dpo, {"entity_id": medicis, "relation": "member", "department_id": None})
        routing.set_rule(session, org.dpo, {"entity_id": medicis, "relation": "learner",
                                            "department_id": org.departments["SG"].id})
    with pytest.raises(InvalidInput), org.work() as session:  # a Savelunari department: not Médicis's to route to
        routing.set_rule(session, org.dpo, {"entity_id": medicis, "relation": "learner",
                                            "department_id": org.departments["PEDA"].id})
    with org.session() as session:
        table = {(r.entity_id, r.relation): r.department_id for r in routing.routing_table(session, org.dpo)}
    assert table[(medicis, "member")] is None and table[(medicis, "learner")] == org.departments["SG"].id
    assert make_request(org).department_id is None  # the DPO now routes members by hand
    assert make_request(org, relation="learner").department_id == org.departments["SG"].id
