"""The only page while the user's role requires a second factor and none is set
(DPO_MFA_REQUIRED_ROLES)."""

import streamlit as st

from dashboard import ui

actor = ui.page_actor(page=ui.MFA_PAGE)
st.title(ui.t("mfa.enrol_title"))
st.info(ui.t("mfa.required"))
if ui.second_factor_enrolment(actor):
    st.rerun()
