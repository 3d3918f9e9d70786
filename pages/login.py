import streamlit as st

from dashboard import ui

st.title(ui.t("auth.title"))
st.caption(ui.t("app.tagline"))
with st.form("login", clear_on_submit=False):
    username = st.text_input(ui.t("auth.username"), key="login_username", autocomplete="username")
    password = st.text_input(ui.t("auth.password"), type="password", key="login_password",
                             autocomplete="current-password")
    submitted = st.form_submit_button(ui.t("auth.submit"), type="primary")
if submitted and ui.sign_in(username, password):
    st.rerun()
