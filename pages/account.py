import streamlit as st

from dashboard import ui, users

actor = ui.page_actor(page="account")
st.title(ui.t("account.title"))
st.write(f"**{actor.full_name}** — `{actor.username}` — {ui.t(f'role.{actor.role}')}")
st.subheader(ui.t("account.change_password"))
with st.form("change_password", clear_on_submit=True):
    current = st.text_input(ui.t("account.current_password"), type="password", key="pw_current")
    new = st.text_input(ui.t("account.new_password"), type="password", key="pw_new")
    confirm = st.text_input(ui.t("account.confirm_password"), type="password", key="pw_confirm")
    submitted = st.form_submit_button(ui.t("common.save"), type="primary")
if submitted:
    if new != confirm:
        st.error(ui.t("account.passwords_differ"))
    elif ui.call(users.change_own_password, current, new, actor=actor).ok:
        st.success(ui.t("account.password_changed"))
