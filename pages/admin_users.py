import streamlit as st

from dashboard import organisation, ui, users
from models.roles import Capability, Role

actor = ui.page_actor(Capability.MANAGE_USERS, page="users")
st.title(ui.t("users.title"))

departments = ui.call(organisation.list_departments, actor=actor).value or []
department_names = {d.id: d.name for d in departments}
rows = ui.call(users.list_users, actor=actor).value or []
roles = list(Role)

st.dataframe(
    [{ui.t("field.username"): u.username, ui.t("field.full_name"): u.full_name,
      ui.t("field.role"): ui.t(f"role.{u.role}"),
      ui.t("field.department_ids"): ", ".join(department_names.get(d, "?") for d in u.department_ids),
      ui.t("field.active"): ui.t("common.yes") if u.active else ui.t("common.no")} for u in rows],
    hide_index=True, width="stretch",
)

create_tab, edit_tab, reset_tab = st.tabs([ui.t("users.create"), ui.t("users.edit"), ui.t("users.reset_password")])

with create_tab, st.form("create_user", clear_on_submit=False):
    username = st.text_input(ui.t("field.username"), key="new_username")
    full_name = st.text_input(ui.t("field.full_name"), key="new_full_name")
    email = st.text_input(ui.t("field.email"), key="new_email")
    role = st.selectbox(ui.t("field.role"), roles, format_func=lambda r: ui.t(f"role.{r}"), key="new_role")
    chosen = st.multiselect(ui.t("field.department_ids"), list(department_names),
                            format_func=department_names.get, key="new_departments")
    password = st.text_input(ui.t("field.password"), type="password", key="new_password")
    if st.form_submit_button(ui.t("common.create"), type="primary"):
        result = ui.call(users.create_user, {"username": username, "full_name": full_name, "email": email,
                                             "role": role, "password": password, "department_ids": chosen,
                                             "language": ui.lang()}, actor=actor)
        if result.ok:
            ui.flash("users.created", username=result.value.username)
            st.rerun()

by_id = {u.id: u for u in rows}
with edit_tab:
    selected = st.selectbox(ui.t("users.select"), list(by_id), key="edit_user_id",
                            format_func=lambda i: f"{by_id[i].full_name} ({by_id[i].username})")
    if selected is not None:
        user = by_id[selected]
        with st.form(f"edit_user_{user.id}"):
            full_name = st.text_input(ui.t("field.full_name"), value=user.full_name)
            email = st.text_input(ui.t("field.email"), value=user.email)
            role = st.selectbox(ui.t("field.role"), roles, index=roles.index(user.role),
                                format_func=lambda r: ui.t(f"role.{r}"))
            chosen = st.multiselect(ui.t("field.department_ids"), list(department_names),
                                    default=[d for d in user.department_ids if d in department_names],
                                    format_func=department_names.get)
            active = st.checkbox(ui.t("field.active"), value=user.active)
            if st.form_submit_button(ui.t("common.save"), type="primary"):
                result = ui.call(users.update_user, user.id, {"full_name": full_name, "email": email, "role": role,
                                                              "department_ids": chosen, "active": active},
                                 actor=actor)
                if result.ok:
                    ui.flash("common.saved")
                    st.rerun()

with reset_tab:
    target = st.selectbox(ui.t("users.select"), list(by_id), key="reset_user_id",
                          format_func=lambda i: f"{by_id[i].full_name} ({by_id[i].username})")
    with st.form("reset_password", clear_on_submit=True):
        new_password = st.text_input(ui.t("account.new_password"), type="password", key="reset_pw")
        if st.form_submit_button(ui.t("users.reset_password")) and target is not None:
            if ui.call(users.reset_password, target, new_password, actor=actor).ok:
                st.success(ui.t("users.password_reset_done"))
