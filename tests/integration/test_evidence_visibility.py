"""Department heads find, in the evidence room, the documents of their own cases and of
no one else's — for every case type that issues documents (dashboard.evidence.VISIBILITY)."""

import pytest
from sqlmodel import select

from dashboard import evidence_room, retention
from dashboard.breach import records as breach_records
from dashboard.dpia import common as dpia_common
from dashboard.dsr import common as dsr_common
from dashboard.processor import scope as processor_scope
from dashboard.errors import NotAllowed
from models.dsr import DataSubjectRequest
from models.evidence import EvidenceDocument
from tests.conftest import actor_named



def _visible_ids(org, actor) -> set[int]:
    with org.session() as session:
        found = evidence_room.search_documents(session, actor, evidence_room.DocumentFilter(), page_size=10_000)
    return {row.id for row in found.rows}


def test_heads_see_documents_of_their_departments_cases_only(demo_org):
    org = demo_org
    with org.session() as session:
        documents = session.exec(select(EvidenceDocument)).all()
        hr = org.departments["RH"].id
        hr_requests = set(session.exec(select(DataSubjectRequest.id).where(DataSubjectRequest.department_id == hr)))
    dsr_docs = {d.id: d.case_id for d in documents if d.case_type == "dsr"}
    assert dsr_docs and set(dsr_docs.values()) - hr_requests  # documents of other departments exist
    seen_by_hr = _visible_ids(org, org.head_hr)
    assert {i for i, case in dsr_docs.items() if case in hr_requests} <= seen_by_hr
    assert not {i for i, case in dsr_docs.items() if case not in hr_requests} & seen_by_hr
    assert not {d.id for d in documents if d.case_type in ("register", "") or d.kind == "evidence.audit_pack"} \
        & seen_by_hr
    assert _visible_ids(org, org.auditor) == {d.id for d in documents}


@pytest.mark.parametrize("username", ["chef.rh", "chef.relation", "chef.marketing", "chef.peda"])
def test_every_document_a_head_sees_belongs_to_a_case_the_head_may_open(demo_org, username):
    org = demo_org
    head = actor_named(org.engine, username)
    openers = {
        "dsr": lambda s, i: dsr_common.fetch(s, head, i, action="test"),
        "breach": lambda s, i: breach_records.fetch(s, head, i, action="test"),
        "processor": lambda s, i: processor_scope.fetch(s, head, i, action="test"),
        "dpia": lambda s, i: dpia_common.fetch_dpia(s, head, i, action="test"),
        "retention_task": lambda s, i: retention._task(s, head, i, action="test"),
    }
    with org.session() as session:
        rows = {d.id: d for d in session.exec(select(EvidenceDocument))}
    for document_id in _visible_ids(org, head):
        document = rows[document_id]
        with org.work() as session:
            openers[document.case_type](session, document.case_id)  # NotAllowed would fail the test
    hidden = set(rows) - _visible_ids(org, head)
    for document_id in sorted(hidden)[:10]:
        with pytest.raises(NotAllowed), org.work() as session:
            evidence_room.download(session, head, document_id, "contrôle du cloisonnement")
