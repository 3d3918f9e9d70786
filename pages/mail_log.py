import math

import streamlit as st

from dashboard import ui
from dashboard.mail import log as mail_log
from models.roles import Capability

actor = ui.page_actor(Capability.MANAGE_SETTINGS, page="mail")
tr = ui.tr()
st.title(tr("mail.log.title"))
st.caption(tr("mail.log.intro"))

failures_only = st.toggle(tr("mail.log.failures_only"), key="mail_log_failures")
page = st.session_state.get("mail_log_page", 1)
log = ui.call(mail_log.mail_log, failures_only, page, actor=actor).value
if log is not None:
    if not log.configured:
        st.info(tr("mail.log.not_configured"), icon=":material/mail_lock:")
    if not log.rows:
        st.caption(tr("mail.log.empty"))
    else:
        def _error(text: str) -> str:
            return tr(f"mail.error.{text}") if text and " " not in text and ":" not in text else text

        st.dataframe(
            [{tr("mail.log.col.created"): tr.datetime(r.created_at), tr("mail.log.col.recipient"): r.recipient,
              tr("mail.log.col.event"): tr(f"mail.event.{r.event}"), tr("mail.log.col.reference"): r.case_reference,
              tr("mail.log.col.status"): tr(f"mail.status.{r.status}"), tr("mail.log.col.attempts"): r.attempts,
              tr("mail.log.col.sent"): tr.datetime(r.sent_at) if r.sent_at else "",
              tr("mail.log.col.error"): _error(r.last_error)} for r in log.rows],
            hide_index=True, width="stretch", key="mail_log_table")
        pages = max(1, math.ceil(log.total / mail_log.PAGE_SIZE))
        left, middle, right = st.columns([1, 2, 1])
        middle.caption(tr("mail.log.page", page=page, pages=pages))
        if page > 1 and left.button(tr("mail.log.previous"), key="mail_log_prev"):
            st.session_state["mail_log_page"] = page - 1
            st.rerun()
        if page < pages and right.button(tr("mail.log.next"), key="mail_log_next"):
            st.session_state["mail_log_page"] = page + 1
            st.rerun()
