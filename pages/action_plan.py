"""The action plan: every action of every case type in one list (owner, due date, status,
the case one click away), filtered and exported as CSV; and the DPO's annual report to the
board, issued into the evidence registry and downloaded from it."""

from pathlib import Path

import streamlit as st

from dashboard import action_plan, annual_report, evidence_ui, organisation, ui
from dashboard.action_plan import KINDS, STATUSES, ActionFilter
from dashboard.form_state import CaseForms
from models.clock import paris_today
from models.roles import Capability, Role

HERE = Path(__file__).parent
CASE_PAGES = {"dsr": "dsr_case.py", "breach": "breach_case.py", "processor": "processor_file.py",
              "dpia": "dpia_detail.py", "register": "register_activity.py", "retention": "retention_campaigns.py"}
PAGE_SIZE = 25

actor = ui.page_actor(page="action_plan")
tr = ui.tr()
lang = ui.lang()
st.title(tr("action_plan.title"))
st.caption(tr("action_plan.intro"))
if actor.role == Role.DEPARTMENT_HEAD:
    st.caption(tr("action_plan.scope.department_head"))

entities = {e.id: e.name for e in ui.call(organisation.list_entities, actor=actor).value or []}
departments = {d.id: d.name for d in ui.call(organisation.list_departments, actor=actor).value or []}
own_departments = {i: n for i, n in departments.items() if actor.covers_department(i)}

row = st.columns(2)
entity_id = row[0].selectbox(tr("action_plan.filter.entity"), [None, *entities], key="ap_entity",
                             placeholder=tr("common.choose"),
                             format_func=lambda i: tr("common.all") if i is None else entities[i])
department_id = row[1].selectbox(tr("action_plan.filter.department"), [None, *own_departments], key="ap_department",
                                 placeholder=tr("common.choose"),
                                 format_func=lambda i: tr("common.all") if i is None else own_departments[i])
kinds = st.pills(tr("action_plan.filter.kinds"), list(KINDS), selection_mode="multi", default=list(KINDS),
                 key="ap_kinds", format_func=lambda k: tr(f"action_plan.kind.{k}"))
statuses = st.pills(tr("action_plan.filter.statuses"), list(STATUSES), selection_mode="multi",
                    default=["open", "late"], key="ap_statuses", format_func=lambda s: tr(f"action_plan.status.{s}"))
af = ActionFilter(entity_id=entity_id, department_id=department_id, kinds=tuple(kinds) or KINDS,
                  statuses=tuple(statuses) or STATUSES)

found = ui.call(action_plan.actions, af, actor=actor).value
if found is None:
    st.stop()
metrics = st.columns(4)
for column, status in zip(metrics, STATUSES):
    column.metric(tr(f"action_plan.metric.{status}"), sum(a.status == status for a in found), border=True)
metrics[3].download_button(tr("action_plan.download_csv"), key="ap_csv", icon=":material/download:",
                           mime="text/csv", file_name=tr("action_plan.csv_name"), on_click="ignore",
                           data=lambda: ui.call(action_plan.export_csv, af, lang, actor=actor, quiet=True).value or b"")

if not found:
    st.info(tr("action_plan.none"))
else:
    st.caption(tr("action_plan.count", count=len(found)))
    page = ui.paginator("ap_list", len(found), PAGE_SIZE)
    shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    head = st.columns([2, 4, 2, 1.3, 1])
    for column, key in zip(head, ("reference", "action", "owner", "due", "status")):
        column.markdown(f"**{tr(f'action_plan.col.{key}')}**")
    for index, item in enumerate(shown):
        cells = st.columns([2, 4, 2, 1.3, 1], vertical_alignment="center")
        with cells[0]:
            st.page_link(str(HERE / CASE_PAGES[item.case_type]), label=ui.literal_label(item.reference),
                         query_params={"id": str(item.case_id)}, icon=":material/open_in_new:")
            st.caption(tr(f"action_plan.kind.{item.kind}"))
        cells[1].markdown(ui.literal(item.action))
        cells[2].markdown(ui.literal(action_plan.owner_label(item, departments)) or "—")
        cells[3].markdown(tr.date(item.due) if item.due else tr("action_plan.no_due"))
        colour = {"late": "red", "open": "orange", "done": "green"}[item.status]
        cells[4].markdown(f":{colour}-badge[{tr(f'action_plan.status.{item.status}')}]")

# ------------------------------------------------------------------ annual report
if actor.can(Capability.WORK_ALL_CASES) or actor.can(Capability.READ_ALL_CASES):
    st.divider()
    st.subheader(tr("annual.title"))
    st.caption(tr("annual.intro"))
    this_year = paris_today().year
    years = list(range(this_year, annual_report.FIRST_YEAR - 1, -1))
    top = st.columns(3)
    year = top[0].selectbox(tr("annual.year"), years, index=1 if len(years) > 1 else 0, key="ar_year",
                            placeholder=tr("common.choose"))
    scopes = [*([None] if actor.entity_ids is None else []), *entities]  # a local correspondent: his entities
    scope = top[1].selectbox(tr("annual.scope"), scopes, key="ar_scope", placeholder=tr("common.choose"),
                             format_func=lambda i: tr("annual.group") if i is None else entities[i])
    language = top[2].selectbox(tr("annual.language"), ["fr", "en"], key="ar_lang", placeholder=tr("common.choose"),
                                format_func=lambda l: tr(f"annual.lang.{l}"))
    if actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only:
        forms = CaseForms("annual_report", f"{year}-{scope}")
        current = ui.call(annual_report.latest, year, scope, actor=actor, quiet=True).value
        seen = forms.fixed("seen", lambda: current.id if current else None)  # fixed when the button is drawn
        if st.button(tr("annual.issue"), key=forms.key("issue"), type="primary", icon=":material/summarize:"):
            issued = ui.call(annual_report.issue, year, scope, seen, language or "fr", actor=actor)
            forms.done(issued, "annual.issued", number=issued.value.number if issued.ok else "")
    reports = ui.call(annual_report.issued_reports, actor=actor, quiet=True).value
    if reports is not None:
        st.markdown(f"**{tr('annual.issued_list')}**")
        if not reports:
            st.info(tr("annual.none"))
        for report in reports:
            with st.container(border=True, key=f"ar_card_{report.id}"):
                evidence_ui.issued_document(report, case_ref="", key=f"ar_doc_{report.id}",
                                            fetch=lambda i=report.id: ui.call(annual_report.download, i,
                                                                              actor=actor).value)
