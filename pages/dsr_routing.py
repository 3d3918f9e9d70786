import streamlit as st

from dashboard import organisation, ui
from dashboard.dsr import routing
from models.roles import Capability

actor = ui.page_actor(Capability.MANAGE_SETTINGS, page="dsr-routing")
tr = ui.tr()
st.title(tr("dsr.routing.title"))
st.caption(tr("dsr.routing.help"))

departments = {d.id: d.name for d in ui.call(organisation.list_departments, actor=actor).value or []}
rows = ui.call(routing.routing_table, actor=actor).value or []
entities = {row.entity_id: row.entity_name for row in rows}
entity_id = st.selectbox(tr("field.dsr_entity_id"), list(entities), format_func=entities.get, key="dsr_routing_entity")

with st.form(f"dsr_routing_{entity_id}"):
    choices = [None, *departments]
    chosen = {}
    for row in (row for row in rows if row.entity_id == entity_id):
        chosen[row.relation] = st.selectbox(
            tr(f"dsr.relation.{row.relation}"), choices,
            index=choices.index(row.department_id) if row.department_id in choices else 0,
            format_func=lambda i: tr("dsr.routing.by_hand") if i is None else departments[i],
            key=f"dsr_routing_{entity_id}_{row.relation}")
    if st.form_submit_button(tr("common.save"), type="primary"):
        results = [ui.call(routing.set_rule, {"entity_id": entity_id, "relation": relation,
                                              "department_id": department_id}, actor=actor)
                   for relation, department_id in chosen.items()]
        if all(result.ok for result in results):
            ui.flash("common.saved")
            st.rerun()
