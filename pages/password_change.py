"""The only page while a temporary password is in force (set by the DPO or the command line)."""

import streamlit as st

from dashboard import ui

actor = ui.page_actor(page=ui.PASSWORD_PAGE)
st.title(ui.t("password.change_title"))
st.info(ui.t("password.temporary"))
if ui.password_form(actor):
    st.rerun()
