"""UI layer: the alarm banner shown above every page to the DPO and the auditors when
the audit chain no longer verifies (dashboard.audit_trail.alarm)."""

import streamlit as st

from dashboard import audit_trail, ui
from dashboard.mail import log as mail_log
from dashboard.actor import Actor
from models.roles import Capability


def show_alarm(actor: Actor | None) -> None:
    if actor is None or not actor.can(Capability.READ_AUDIT_TRAIL):
        return
    status = ui.call(audit_trail.alarm, actor=actor, quiet=True).value
    if status is not None:
        st.error(ui.t("audit.alarm", problem=ui.t(status.problem, seq=status.broken_seq)), icon=":material/gpp_bad:")


def show_mail_failures(actor: Actor | None) -> None:
    """The DPO: notification e-mails given up after their retries (page "Courriels")."""
    if actor is None or not actor.can(Capability.MANAGE_SETTINGS):
        return
    count = ui.call(mail_log.failure_count, actor=actor, quiet=True).value
    if count:
        st.warning(ui.t("mail.banner.failures", count=count), icon=":material/mail:")
