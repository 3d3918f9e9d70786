"""Issue 14 item 6, markdown injection (OWASP ASVS 4.0.3 V5.3.1, V5.3.3): every text a user
or an imported file wrote is shown literally. Payloads go into every free-text column of the
whole demo, then every page the DPO sees is drawn: no element that renders markdown (text,
titles, alerts, captions, labels of buttons, links, expanders, tabs, metrics, widgets, tooltips)
may carry a live link, image, HTML tag or formula."""

import json
import re

import pytest
from google.protobuf.message import Message
from sqlalchemy import text

from dashboard import audit, db
from dashboard.markdown import label, literal
from models.dsr import DataSubjectRequest as DsrRequest
from models.breach import Breach
from models.dpia import Dpia, DpiaScreening
from models.evidence import EvidenceDocument
from models.processor import Processor
from models.processing import ProcessingActivity
from tests.conftest import app_database, demo_sqlite
from tests.page_support import app_as, page_path
from sqlmodel import select

EVIL = "evil.test"
PAYLOADS = [
    f"[clic](http://{EVIL}/a)", f"![x](http://{EVIL}/x.png)", f"<img src=http://{EVIL}/i.png>",
    "<script>alert(1)</script>", f'<a href="http://{EVIL}/p">plotly</a>', "$$\\LaTeX$$", f"www.{EVIL}", ":red[rouge] :material/warning:",
    f"<http://{EVIL}/auto>", "# titre\n| a | b |\n|---|---|", f"[ref][1]\n\n[1]: http://{EVIL}/r",
]
PAYLOAD = " ".join(PAYLOADS)
# free-text columns that a user or an imported file fills
COLUMNS = {
    "app_user": ["full_name"], "department": ["name"], "entity": ["name", "legal_name", "address", "dpo_name"],
    "dsr_request": ["requester_name", "requester_contact", "description", "extension_reasons", "proposed_answer",
                    "outcome_reasons"],
    "processing_activity": ["name", "description", "joint_controllers", "consent_records", "withdrawal_propagation"],
    "processor": ["legal_name", "address", "contact_name", "services"],
    "breach": ["title", "description", "declared_by_name", "cause_details", "processor_name", "systems", "data_details",
               "people_categories", "likely_consequences", "measures_taken", "measures_proposed",
               "risk_justification", "art34_exception_details", "people_summary", "people_advice",
               "people_information_means", "closing_note"],
    "dpia_screening": ["justification", "screened_by_name"], "dsr_search": ["system", "notes"],
    "dsr_recipient": ["recipient", "note"], "processor_contract": ["title"],
    "processor_subprocessor": ["name", "service"], "register_data_category": ["name"],
    "register_purpose": ["description"], "register_recipient": ["name"], "register_subject_category": ["name"],
    "register_security_measure": ["description"], "register_transfer": ["recipient"],
    "register_retention": ["justification"], "breach_step": ["description"],
    "dpia": ["title", "author_name", "dpo_name", "dpo_opinion", "people_names", "people_opinion", "decision_by",
             "decision_comment"],
    "dpia_answer": ["text"], "dpia_measure": ["title", "description"], "dpia_risk": ["title"],
    "dpia_evaluation": ["comment"],
}
# markdown read from user text, still live after escaping would be a hole: links, images, tags, formulas
LIVE = re.compile("|".join([
    r"(?<!\\)\]\s*[(\[]",  # a link, an image, a reference
    r"(?<!\\)<[a-zA-Z/!?]",  # HTML, an autolink
    r"(?<!\\)\$",  # KaTeX
    r"(?<!\\)://",  # a bare URL (GFM autolink)
    r"(?<![\\\w])[wW]{3}\.",  # www. autolink
    r"(?<!\\):[a-z]+\[",  # :red[...] directives
]))
LITERAL_PROTOS = {"Text", "Code", "Json", "Arrow", "DataFrame", "TextInput", "TextArea", "Selectbox", "MultiSelect"}
MARKDOWN_FIELDS = {"body", "label", "help", "caption", "captions", "options"}


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory, sqlite_template):
    url, org = demo_sqlite(tmp_path_factory, sqlite_template)
    with org.engine.begin() as conn:
        for table, columns in COLUMNS.items():
            sets = ", ".join(f"{c} = :p || ' ' || {c}" if table in {"app_user", "department", "entity"}
                             else f"{c} = :p" for c in columns)
            conn.execute(text(f"UPDATE {table} SET {sets}"), {"p": PAYLOAD})
    with db.unit_of_work(org.engine) as session:
        audit.record(session, None, "test.payload", actor_name=PAYLOAD, reason=PAYLOAD, object_ref=PAYLOAD)
    with app_database(url):
        yield org
    org.engine.dispose()


def _markdown_strings(message, out: list[str]) -> None:
    if message.DESCRIPTOR.name in LITERAL_PROTOS:
        return
    for field, value in message.ListFields():
        items = list(value) if hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message)) else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in items:
                _markdown_strings(item, out)
        elif field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            out.extend(items)


CHART_TAGS = re.compile(r"<(a|img|script|iframe)\b", re.IGNORECASE)  # plotly reads <a href> in its labels


def _walk(node, out: list[str]) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None:
        _markdown_strings(proto, out)
        spec = getattr(proto, "spec", "") if proto.DESCRIPTOR.name == "PlotlyChart" else ""
        if spec:
            spec = json.dumps(json.loads(spec), ensure_ascii=False)
            out.extend(f"chart: {match.group(0)}" for match in CHART_TAGS.finditer(spec))
    for child in getattr(node, "children", {}).values():
        _walk(child, out)


def _live(at) -> list[str]:
    strings: list[str] = []
    _walk(at._tree, strings)
    for table in at.table:  # st.table renders its cells as markdown
        strings += [str(cell) for cell in table.value.to_numpy().ravel()]
    # the app's own style sheet (ui.widget_texts: Streamlit's widget words in French) holds no user text
    own_style = [s for s in strings if s.startswith("<style>") and not any(p in s for p in PAYLOADS)]
    return [s for s in strings if LIVE.search(s) and s not in own_style]


def _first_id(org, model):
    with org.session() as session:
        return session.exec(select(model.id).order_by(model.id)).first()


def _screened_activity(org) -> int:
    with org.session() as session:
        return session.exec(select(DpiaScreening.activity_id).order_by(DpiaScreening.id)).first()


def _pages(org):
    return [
        ("home.py", {}, {}), ("account.py", {}, {}), ("admin_users.py", {}, {}), ("admin_organisation.py", {}, {}),
        ("audit_trail.py", {}, {}), ("breach_register.py", {}, {}),
        ("breach_case.py", {}, {"breach_selected": _first_id(org, Breach)}),
        ("dsr_requests.py", {}, {}), ("dsr_intake.py", {}, {}), ("dsr_routing.py", {}, {}),
        ("dsr_case.py", {"id": str(_first_id(org, DsrRequest))},
         {f"dsr_reason_{_first_id(org, DsrRequest)}": PAYLOAD}),
        ("dpia_register.py", {}, {}), ("dpia_screening.py", {}, {}),
        ("dpia_screening.py", {}, {"screening_activity": _screened_activity(org)}),
        ("dpia_detail.py", {"id": str(_first_id(org, Dpia))}, {}),
        ("register_list.py", {}, {}),
        ("register_activity.py", {"id": str(_first_id(org, ProcessingActivity))}, {}),
        ("processor_register.py", {}, {}),
        ("processor_file.py", {"id": str(_first_id(org, Processor))}, {}),
        ("evidence_documents.py", {}, {"ev_open": _first_id(org, EvidenceDocument)}),
        ("evidence_verify.py", {}, {}), ("evidence_pack.py", {}, {}),
    ]


def test_the_helper_escapes_every_payload():
    for payload in PAYLOADS:
        assert not LIVE.search(literal(payload)) and not LIVE.search(label(payload)), payload
    assert literal("a\n  b") == "a  \nb" and label("a\nb") == "a b" and literal(None) == ""


DETAIL_PAGES = {"dpia_screening.py": 3, "breach_case.py": 10, "dsr_case.py": 4, "dpia_detail.py": 5, "register_activity.py": 5,
                "processor_file.py": 3}


def _draw(org, file, query, state):
    at = app_as(org, "dpo")
    at.query_params.update(query)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page_path(file)).run()  # AppTest draws every tab, lazy ones included
    assert not at.exception, (file, at.exception)
    return at


def test_every_page_shows_user_text_literally(poisoned):
    holes = {}
    for file, query, state in _pages(poisoned):
        at = _draw(poisoned, file, query, state)
        live = _live(at)
        if file in DETAIL_PAGES and (query or state):  # the payloads were shown (escaped), not merely absent
            strings: list[str] = []
            _walk(at._tree, strings)
            shown = re.sub(r"\s+", "", literal(PAYLOAD))
            assert sum(shown in re.sub(r"\s+", "", s) for s in strings) >= DETAIL_PAGES[file], file
        if live:
            holes[file] = live
    assert not holes, holes
