import streamlit as st

from dashboard import ui

st.title(ui.t("auth.title"))
st.caption(ui.t("app.tagline"))
if ui.mfa_pending():  # the password was right: the second factor's code
    st.info(ui.t("mfa.code_prompt"))
    with st.form("login_code", clear_on_submit=True):
        code = st.text_input(ui.t("mfa.code"), key="login_code", max_chars=8, autocomplete="one-time-code")
        submitted = st.form_submit_button(ui.t("auth.submit"), type="primary")
    if submitted and ui.sign_in_code(code):
        st.rerun()
    if st.button(ui.t("common.cancel"), key="login_code_cancel"):
        ui.cancel_mfa()
        st.rerun()
else:
    with st.form("login", clear_on_submit=False):
        username = st.text_input(ui.t("auth.username"), key="login_username", autocomplete="username")
        password = st.text_input(ui.t("auth.password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(ui.t("auth.submit"), type="primary")
    if submitted and (ui.sign_in(username, password) or ui.mfa_pending()):
        st.rerun()
    if ui.sso_available():  # single sign-on; the local accounts above stay available
        st.divider()
        if st.button(ui.t("sso.sign_in"), key="sso_login", icon=":material/badge:"):
            st.login()
