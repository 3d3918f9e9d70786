import streamlit as st

from dashboard import mfa, organisation, ui, users
from dashboard.form_state import CaseForms
from models.roles import Capability, Role

actor = ui.page_actor(Capability.MANAGE_USERS, page="users")
st.title(ui.t("users.title"))

departments = ui.call(organisation.list_departments, actor=actor).value or []
department_names = {d.id: d.name for d in departments}
entity_names = {e.id: e.name for e in ui.call(organisation.list_entities, True, actor=actor).value or []}
rows = ui.call(users.list_users, actor=actor).value or []
with_factor = ui.call(mfa.users_with_factor, actor=actor).value or set()
roles = list(Role)

st.dataframe(
    [{ui.t("field.username"): u.username, ui.t("field.full_name"): u.full_name,
      ui.t("field.role"): ui.t(f"role.{u.role}"),
      ui.t("field.department_ids"): ", ".join(department_names.get(d, "?") for d in u.department_ids),
      ui.t("field.entity_ids"): ", ".join(entity_names.get(e, "?") for e in u.entity_ids) or ui.t("group.whole_group"),
      ui.t("field.active"): ui.t("common.yes") if u.active else ui.t("common.no"),
      ui.t("mfa.title"): ui.t("common.yes") if u.id in with_factor else ui.t("common.no")} for u in rows],
    hide_index=True, width="stretch",
)

create_tab, edit_tab, reset_tab, factor_tab = st.tabs(
    [ui.t("users.create"), ui.t("users.edit"), ui.t("users.reset_password"), ui.t("mfa.reset")], key="users_tabs")

new_user = CaseForms("new_user")
key = new_user.key
with create_tab, st.form(key("form")):  # a new generation after each creation: no password or department kept
    username = st.text_input(ui.t("field.username"), key=key("username"))
    full_name = st.text_input(ui.t("field.full_name"), key=key("full_name"))
    email = st.text_input(ui.t("field.email"), key=key("email"))
    role = st.selectbox(ui.t("field.role"), roles, format_func=lambda r: ui.t(f"role.{r}"), key=key("role"))
    chosen = st.multiselect(ui.t("field.department_ids"), list(department_names),
                            format_func=department_names.get, key=key("departments"),
                            placeholder=ui.t("common.choose"))
    limited_to = st.multiselect(ui.t("field.entity_ids"), list(entity_names), format_func=entity_names.get,
                                key=key("entities"), placeholder=ui.t("group.whole_group"),
                                help=ui.t("group.entity_ids_help"))
    password = st.text_input(ui.t("field.password"), type="password", key=key("password"))
    if st.form_submit_button(ui.t("common.create"), type="primary"):
        result = ui.call(users.create_user, {"username": username, "full_name": full_name, "email": email,
                                             "role": role, "password": password, "department_ids": chosen,
                                             "entity_ids": limited_to, "language": ui.lang()}, actor=actor)
        if result.ok:
            new_user.done(result, "users.created", username=result.value.username)

by_id = {u.id: u for u in rows}
with edit_tab:
    selected = st.selectbox(ui.t("users.select"), list(by_id), key="edit_user_id",
                            format_func=lambda i: f"{by_id[i].full_name} ({by_id[i].username})")
    if selected is not None:
        user = by_id[selected]
        forms = CaseForms("user", user.id)
        seen = forms.version("user", user.version)
        with st.form(forms.key("form")):
            full_name = st.text_input(ui.t("field.full_name"), value=user.full_name, key=forms.key("full_name"))
            email = st.text_input(ui.t("field.email"), value=user.email, key=forms.key("email"))
            role = st.selectbox(ui.t("field.role"), roles, index=roles.index(user.role),
                                format_func=lambda r: ui.t(f"role.{r}"), key=forms.key("role"))
            chosen = st.multiselect(ui.t("field.department_ids"), list(department_names),
                                    default=[d for d in user.department_ids if d in department_names],
                                    format_func=department_names.get, key=forms.key("departments"),
                                    placeholder=ui.t("common.choose"))
            limited_to = st.multiselect(ui.t("field.entity_ids"), list(entity_names),
                                        default=[e for e in user.entity_ids if e in entity_names],
                                        format_func=entity_names.get, key=forms.key("entities"),
                                        placeholder=ui.t("group.whole_group"), help=ui.t("group.entity_ids_help"))
            active = st.checkbox(ui.t("field.active"), value=user.active, key=forms.key("active"))
            if st.form_submit_button(ui.t("common.save"), type="primary"):
                forms.done(ui.call(users.update_user, user.id, {"full_name": full_name, "email": email, "role": role,
                                                                "department_ids": chosen, "entity_ids": limited_to,
                                                                "active": active},
                                   seen, actor=actor))

with reset_tab:
    target = st.selectbox(ui.t("users.select"), list(by_id), key="reset_user_id",
                          format_func=lambda i: f"{by_id[i].full_name} ({by_id[i].username})")
    with st.form("reset_password", clear_on_submit=True):
        new_password = st.text_input(ui.t("account.new_password"), type="password", key="reset_pw")
        if st.form_submit_button(ui.t("users.reset_password")) and target is not None:
            if ui.call(users.reset_password, target, new_password, actor=actor).ok:
                st.success(ui.t("users.password_reset_done"))

with factor_tab:
    st.caption(ui.t("mfa.reset_help"))
    holders = [i for i in by_id if i in with_factor]
    target = st.selectbox(ui.t("users.select"), holders, key="mfa_reset_user_id", index=None,
                          format_func=lambda i: f"{by_id[i].full_name} ({by_id[i].username})",
                          placeholder=ui.t("common.choose") if holders else ui.t("common.no_options"))
    if st.button(ui.t("mfa.reset"), key="mfa_reset", disabled=target is None, icon=":material/phonelink_erase:"):
        if ui.call(mfa.reset_factor, target, actor=actor).ok:
            ui.flash("mfa.reset_done", username=by_id[target].username)
            st.rerun()
