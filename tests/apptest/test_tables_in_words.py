"""The tables the browser walk cannot read (st.dataframe draws on a canvas): on the demo
data, the evidence room, a request's history, the audit trail and a register entry's
linked cases hold no catalogue key, raw value or ISO date (issue 20)."""

import re

import pytest
from sqlmodel import select

from models.dsr import DataSubjectRequest
from models.evidence import EvidenceDocument
from models.processing import ProcessingActivity
from tests.language_check import ENGLISH, catalogue_keys, foreign_words
from tests.page_support import app_as, page_path

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _first(org, column, *where):
    with org.session() as session:
        return session.exec(select(column).where(*where).order_by(column)).first()


def _cells(at) -> str:
    texts = []
    for frame in at.dataframe:
        value = frame.value
        texts += [str(c) for c in value.columns]
        texts += [str(v) for row in value.itertuples(index=False) for v in row]
    return "\n".join(texts)


def _draw(org, file, query=None, state=None):
    at = app_as(org, "dpo")
    at.query_params.update(query or {})
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(page_path(file)).run()
    assert not at.exception, (file, at.exception)
    return at


def test_tables_read_in_french(app_demo_org):
    request_id = _first(app_demo_org, DataSubjectRequest.id)
    activity_id = _first(app_demo_org, ProcessingActivity.id)
    pages = [("evidence_documents.py", {}, {"ev_open": _first(app_demo_org, EvidenceDocument.id)}),
             ("audit_trail.py", {}, {}),
             ("dsr_case.py", {"id": str(request_id)}, {f"dsr_reason_{request_id}": "Contrôle interne"}),
             ("register_activity.py", {"id": str(activity_id)}, {})]
    problems = {}
    for file, query, state in pages:
        text = _cells(_draw(app_demo_org, file, query, state))
        assert text, file
        if file == "dsr_case.py":  # the history was drawn, in words
            assert "Demande enregistrée" in text and "Canal : " in text, text[:500]
        found = (catalogue_keys(text), foreign_words(text, ENGLISH), ISO_DAY.findall(text))
        if any(found):
            problems[file] = found
    assert not problems, problems


def test_document_kinds_read_in_words_in_the_evidence_room(app_demo_org):
    at = _draw(app_demo_org, "evidence_documents.py")
    kinds = set(at.dataframe[0].value["Nature"])
    assert "Accusé de réception" in kinds and not any("." in k for k in kinds)
    assert "dsr.destruction_certificate" not in at.selectbox(key="ev_kind").options
    assert "Certificat d'effacement" in at.selectbox(key="ev_kind").options
