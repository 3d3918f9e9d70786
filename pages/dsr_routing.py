import streamlit as st

from dashboard import organisation, ui
from dashboard.form_state import CaseForms
from dashboard.dsr import routing
from models.roles import Capability

actor = ui.page_actor(Capability.MANAGE_SETTINGS, page="dsr-routing")
tr = ui.tr()
st.title(tr("dsr.routing.title"))
st.caption(tr("dsr.routing.help"))

rows = ui.call(routing.routing_table, actor=actor).value or []
entities = {row.entity_id: row.entity_name for row in rows}
entity_id = st.selectbox(tr("field.dsr_entity_id"), list(entities), format_func=entities.get, key="dsr_routing_entity")
# A rule routes to one of the entity's own departments.
departments = {d.id: d.name for d in ui.call(organisation.list_departments, entity_id=entity_id,
                                             actor=actor).value or []} if entity_id else {}

forms = CaseForms("dsr_routing", entity_id)
with st.form(forms.key("form")):
    choices = [None, *departments]
    chosen, seen = {}, {}
    for row in (row for row in rows if row.entity_id == entity_id):
        seen[row.relation] = forms.version(row.relation, row.department_id)  # the rule shown when the form opened
        chosen[row.relation] = st.selectbox(
            tr(f"dsr.relation.{row.relation}"), choices,
            index=choices.index(row.department_id) if row.department_id in choices else 0,
            format_func=lambda i: tr("dsr.routing.by_hand") if i is None else departments[i],
            key=forms.key(row.relation))
    if st.form_submit_button(tr("common.save"), type="primary"):
        forms.done(ui.call(routing.set_rules, entity_id, seen, chosen, actor=actor))
