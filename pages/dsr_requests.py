from pathlib import Path

import streamlit as st

from dashboard import organisation, ui
from dashboard.dsr import queries
from models.dsr import RIGHTS, STATUSES
from models.roles import Capability

HERE = Path(__file__).parent
actor = ui.page_actor(page="dsr")
tr = ui.tr()
st.title(tr("dsr.list.title"))
top = st.columns([2, 1, 2])
with top[0].form("dsr_open_reference", border=False):
    reference = st.text_input(tr("dsr.list.open_reference"), key="dsr_open_ref", placeholder="DSR-2026-0001")
    if st.form_submit_button(tr("dsr.list.open_button")) and reference.strip():
        found = ui.call(queries.find_reference, reference, actor=actor)
        if found.ok:
            st.switch_page(str(HERE / "dsr_case.py"), query_params={"id": str(found.value)})
if actor.can(Capability.WORK_ALL_CASES) and not actor.is_read_only:
    top[2].page_link(str(HERE / "dsr_intake.py"), label=tr("dsr.nav.new"), icon=":material/add_circle:")

entities = ui.call(organisation.list_entities, actor=actor).value or []
departments = [d for d in ui.call(organisation.list_departments, actor=actor).value or []
               if actor.covers_department(d.id, d.entity_id)]
entity_names = {e.id: e.name for e in entities}
department_names = {d.id: d.name for d in departments}
if actor.can(Capability.WORK_ALL_CASES) or actor.can(Capability.READ_ALL_CASES):
    department_names[queries.UNROUTED] = tr("dsr.list.unrouted")

row1 = st.columns(4)
entity_id = row1[0].selectbox(tr("dsr.col.entity"), [None, *entity_names], key="dsr_f_entity",
                              format_func=lambda i: tr("common.all") if i is None else entity_names[i])
status = row1[1].selectbox(tr("dsr.col.status"), ["open", "", *STATUSES], key="dsr_f_status",
                           format_func=lambda s: tr("dsr.list.open") if s == "open" else (
                               tr("common.all") if not s else tr(f"dsr.status.{s}")))
department_id = row1[2].selectbox(tr("dsr.col.department"), [None, *department_names], key="dsr_f_department",
                                  format_func=lambda i: tr("common.all") if i is None else department_names[i])
right = row1[3].selectbox(tr("dsr.col.rights"), ["", *RIGHTS], key="dsr_f_right",
                          format_func=lambda r: tr("common.all") if not r else tr(f"dsr.right.{r}"))
row2 = st.columns([3, 1])
deadline = row2[0].segmented_control(tr("dsr.col.deadline"), ["late", "due_within"], key="dsr_f_deadline",
                                     format_func=lambda d: tr(f"dsr.list.{d}"))
within = row2[1].number_input(tr("dsr.list.within_days"), 0, 365, 7, key="dsr_f_within",
                              disabled=deadline != "due_within")
flt = queries.ListFilter(entity_id=entity_id, status=status, department_id=department_id, right=right,
                         deadline=deadline or "", within_days=int(within))

page_size = 50
total = ui.call(queries.count_requests, flt, actor=actor).value or 0
page = ui.paginator("dsr", total, page_size)
result = ui.call(queries.list_requests, flt, page, page_size, actor=actor).value
if result and result.rows:
    def signals(row) -> str:
        return " · ".join(tr(f"dsr.list.signal.{name}") for name, on in (
            ("late", row.late), ("suspended", row.suspended), ("extended", row.extended)) if on)

    table = st.dataframe(
        [{tr("dsr.col.reference"): r.reference, tr("dsr.col.deadline"): tr.date(r.due_on),
          tr("dsr.list.signals"): signals(r),
          tr("dsr.col.internal_target_on"): tr.date(r.internal_target_on),
          tr("dsr.col.status"): tr(f"dsr.status.{r.status}"), tr("dsr.col.entity"): r.entity_name,
          tr("dsr.col.relation"): tr(f"dsr.relation.{r.relation}"),
          tr("dsr.col.rights"): ", ".join(tr(f"dsr.right.{x}") for x in r.rights),
          tr("dsr.col.department"): r.department_name or tr("dsr.list.unrouted"),
          tr("dsr.col.received_on"): tr.date(r.received_on),
          tr("dsr.col.outcome"): tr(f"dsr.outcome.{r.outcome}") if r.outcome else ""} for r in result.rows],
        hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="dsr_table")
    st.caption(tr("dsr.list.legend"))
    selected = table.selection.rows if table and table.selection else []
    if selected:
        st.switch_page(str(HERE / "dsr_case.py"), query_params={"id": str(result.rows[selected[0]].id)})
else:
    st.info(tr("common.empty"))

language = ui.lang()
st.download_button(tr("dsr.list.prepare_csv"), key="dsr_csv", icon=":material/download:", mime="text/csv",
                   file_name="demandes-droits.csv", on_click="ignore",
                   data=lambda: ui.call(queries.export_csv, flt, language, actor=actor, quiet=True).value or b"")
