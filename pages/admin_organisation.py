import streamlit as st

from dashboard import organisation, ui
from dashboard.form_state import CaseForms
from models.roles import Capability

actor = ui.page_actor(Capability.MANAGE_SETTINGS, page="organisation")
st.title(ui.t("organisation.title"))

entities = ui.call(organisation.list_entities, True, actor=actor).value or []
departments = ui.call(organisation.list_departments, True, actor=actor).value or []
entities_tab, departments_tab = st.tabs([ui.t("organisation.entities"), ui.t("organisation.departments")],
                                       key="organisation_tabs")

ENTITY_TEXT = ("code", "name", "legal_name", "address", "registration_number", "dpo_name", "dpo_email",
               "dpo_phone", "dpo_address", "legal_representative", "legal_representative_title")
ENTITY_FLAGS = ("alsace_moselle", "holds_health_records", "forbids_non_eu_transfers", "adopts_policy_clauses",
                "active")

with entities_tab:
    st.dataframe([{ui.t("field.code"): e.code, ui.t("field.name"): e.name, ui.t("field.legal_name"): e.legal_name,
                   ui.t("field.dpo_name"): e.dpo_name} for e in entities], hide_index=True, width="stretch")
    by_id = {e.id: e for e in entities}
    choice = st.selectbox(ui.t("organisation.select_entity"), [None, *by_id], key="entity_choice",
                          format_func=lambda i: ui.t("organisation.new_entity") if i is None else by_id[i].name)
    entity = by_id.get(choice)
    forms = CaseForms("entity", choice)
    seen = forms.version("entity", entity.version) if entity else None
    key = forms.key
    with st.form(key("form")):
        values = {f: st.text_input(ui.t(f"field.{f}"), value=getattr(entity, f) if entity else "", key=key(f))
                  for f in ENTITY_TEXT}
        values |= {f: st.checkbox(ui.t(f"field.{f}"), value=getattr(entity, f) if entity else f == "active",
                                  key=key(f)) for f in ENTITY_FLAGS}
        values["internal_target_days"] = st.number_input(
            ui.t("field.internal_target_days"), 1, 90, entity.internal_target_days if entity else 30,
            key=key("target"))
        values["internal_target_days_complex"] = st.number_input(
            ui.t("field.internal_target_days_complex"), 1, 90, entity.internal_target_days_complex if entity else 60,
            key=key("target_complex"))
        if st.form_submit_button(ui.t("common.save"), type="primary"):
            forms.done(ui.call(organisation.save_entity, values, choice, seen, actor=actor))

entity_names = {e.id: e.name for e in entities}
with departments_tab:
    st.dataframe([{ui.t("field.code"): d.code, ui.t("field.name"): d.name,
                   ui.t("field.department_entity_id"): entity_names.get(d.entity_id, "?"), ui.t("field.email"): d.email,
                   ui.t("field.active"): ui.t("common.yes") if d.active else ui.t("common.no")}
                  for d in departments], hide_index=True, width="stretch")
    by_id = {d.id: d for d in departments}
    choice = st.selectbox(ui.t("organisation.select_department"), [None, *by_id], key="department_choice",
                          format_func=lambda i: ui.t("organisation.new_department") if i is None else by_id[i].name)
    department = by_id.get(choice)
    forms = CaseForms("department", choice)
    seen = forms.version("department", department.version) if department else None
    key = forms.key
    with st.form(key("form")):
        values = {f: st.text_input(ui.t(f"field.{f}"), value=getattr(department, f) if department else "",
                                   key=key(f)) for f in ("code", "name", "email")}
        entity_keys = list(entity_names)
        values["entity_id"] = st.selectbox(
            ui.t("field.department_entity_id"), entity_keys, format_func=entity_names.get, key=key("entity"),
            index=entity_keys.index(department.entity_id) if department and department.entity_id in entity_keys
            else 0, help=ui.t("group.department_entity_help"))
        values["active"] = st.checkbox(ui.t("field.active"), value=department.active if department else True,
                                       key=key("active"))
        if st.form_submit_button(ui.t("common.save"), type="primary"):
            forms.done(ui.call(organisation.save_department, values, choice, seen, actor=actor))
