import streamlit as st

from dashboard import calendar_feed, mfa, ui
from dashboard.mail import preferences as mail_preferences
from dashboard.overview.scope import HORIZONS, OverviewFilter

actor = ui.page_actor(page="account")
st.title(ui.t("account.title"))
st.write(f"**{ui.literal(actor.full_name)}** — `{actor.username}` — {ui.t(f'role.{actor.role}')}")
st.subheader(ui.t("account.change_password"))
if ui.password_form(actor):
    st.rerun()

# ------------------------------------------------------------------ second factor
st.subheader(ui.t("mfa.title"))
enrolled = bool(ui.call(mfa.own_factor, actor=actor).value)
st.caption(ui.t("mfa.status_on" if enrolled else "mfa.status_off"))
if st.session_state.pop("_mfa_setup_done", False):
    st.session_state["mfa_setup"] = False  # closed after an enrolment (before the toggle is drawn)
if st.toggle(ui.t("mfa.replace" if enrolled else "mfa.enrol"), key="mfa_setup"):  # a new key only on demand
    if ui.second_factor_enrolment(actor, replacing=enrolled):
        st.session_state["_mfa_setup_done"] = True
        st.rerun()
else:
    ui.forget_new_secret()

# ------------------------------------------------------------------ deadline calendar
_NEW_FEED_URL = "_calendar_feed_url"  # shown once, on the run after its creation


st.divider()
st.subheader(ui.t("calendar.title"))
st.caption(ui.t("calendar.intro"))
language = ui.lang()
base_url = ui.base_url()
horizon = st.selectbox(ui.t("calendar.horizon"), HORIZONS, index=HORIZONS.index(calendar_feed.FEED_HORIZON_DAYS),
                       format_func=lambda days: ui.t("calendar.horizon_days", days=days), key="calendar_horizon")
st.download_button(ui.t("calendar.download"), key="calendar_ics", icon=":material/calendar_month:",
                   mime="text/calendar", file_name="echeances-dpo-desk.ics", on_click="ignore",
                   help=ui.t("calendar.download_help"),
                   data=lambda: ui.call(calendar_feed.calendar_file, OverviewFilter(horizon_days=horizon), language,
                                        base_url=base_url, actor=actor, quiet=True).value or b"")

st.markdown(f"**{ui.t('calendar.feed.heading')}**")
if not calendar_feed.route_served():
    st.caption(ui.t("calendar.feed.unavailable"))
else:
    st.caption(ui.t("calendar.feed.explain"))
    active = bool(ui.call(calendar_feed.has_feed, actor=actor).value)
    new_url = st.session_state.pop(_NEW_FEED_URL, None)
    if new_url:
        st.success(ui.t("calendar.feed.created"))
        st.code(new_url, language=None)
        st.warning(ui.t("calendar.feed.warning"), icon=":material/lock:")
    elif active:
        st.info(ui.t("calendar.feed.active"))
    else:
        st.caption(ui.t("calendar.feed.none"))
    left, right = st.columns(2)
    if left.button(ui.t("calendar.feed.replace" if active else "calendar.feed.create"), key="calendar_feed_create",
                   icon=":material/link:", help=ui.t("calendar.feed.replace_help") if active else None):
        created = ui.call(calendar_feed.create_feed, actor=actor)
        if created.ok:
            st.session_state[_NEW_FEED_URL] = calendar_feed.feed_url(base_url, created.value)
            st.rerun()
    if active and right.button(ui.t("calendar.feed.revoke"), key="calendar_feed_revoke", icon=":material/link_off:"):
        if ui.call(calendar_feed.revoke_feed, actor=actor).ok:
            ui.flash("calendar.feed.revoked")
            st.rerun()

# ------------------------------------------------------------------ e-mail notifications
st.divider()
st.subheader(ui.t("mail.prefs.title"))
st.caption(ui.t("mail.prefs.intro"))
mail_prefs = ui.call(mail_preferences.own_preferences, actor=actor).value
if mail_prefs is not None:
    if not mail_prefs.has_address:
        st.warning(ui.t("mail.prefs.no_address"), icon=":material/mail:")
    if not mail_prefs.offered:
        st.caption(ui.t("mail.prefs.none_for_role"))
    else:
        with st.form("mail_prefs_form"):
            chosen = {event: st.checkbox(ui.t(f"mail.event.{event}"), value=event in mail_prefs.enabled,
                                         key=f"mail_pref_{event}") for event in mail_prefs.offered}
            mail_language = st.radio(ui.t("mail.prefs.language"), ("fr", "en"),
                                     index=("fr", "en").index(mail_prefs.language) if mail_prefs.language in ("fr", "en")
                                     else 0, format_func=lambda code: ui.t(f"mail.lang.{code}"), horizontal=True,
                                     key="mail_pref_language")
            if st.form_submit_button(ui.t("mail.prefs.save"), type="primary"):
                saved = ui.call(mail_preferences.save_preferences,
                                {"enabled": [e for e, on in chosen.items() if on], "language": mail_language},
                                actor=actor)
                if saved.ok:
                    ui.flash("mail.prefs.saved")
                    st.rerun()
