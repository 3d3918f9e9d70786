"""Entry script. Served by the launcher `streamlit run dashboard/server.py` (which adds
the calendar feed route); `streamlit run dashboard/app.py` also works, without the feed.

It lives in dashboard/, not beside the top-level pages/ folder: Streamlit would
otherwise serve every file of a sibling pages/ folder as a page, logged in or not.
"""

import functools
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ first on the path, not the root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException, StopException  # noqa: E402

from dashboard import audit_banner, form_state, i18n, navigation, ui, users  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="DPO Desk", page_icon="🛡️", layout="wide")
ui.boot()
actor = ui.run_actor()  # the session resolved once per run: the page reads this one
if actor is None:
    ui.logged_out_notice()  # back from the log-out route
if actor is None and ui.sign_in_sso():  # back from the identity provider (st.login): the app's own session
    st.rerun()
ui.widget_texts()  # Streamlit's own words on its widgets, in the user's language


RELOAD_KEY = "_reload_for_language"


def _on_language_change() -> None:
    choice = st.session_state.get("language_switch")
    if choice and choice != ui.lang():
        ui.set_lang(choice)
        if ui.has_session() and ui.call(users.set_own_language, choice, quiet=True).ok:
            # Streamlit keeps the old labels of a keyed selectbox whose options are worded
            # anew; a reload draws every widget in the new language, which the saved
            # preference brings back with the session.
            st.session_state[RELOAD_KEY] = True


def _language_switch() -> None:
    st.session_state["language_switch"] = ui.lang()  # follows the language chosen at log-in too
    st.sidebar.segmented_control(ui.t("common.language"), options=list(i18n.LANGUAGES), format_func=str.upper,
                                 key="language_switch", on_change=_on_language_change)


_language_switch()
if actor is not None:
    st.sidebar.markdown(ui.t("auth.signed_in_as", name=ui.literal(actor.full_name), role=ui.t(f"role.{actor.role}")))
    if st.sidebar.button(ui.t("auth.logout"), key="logout", icon=":material/logout:"):
        ui.sign_out()
        st.rerun()

sections: dict[str, list] = {}
for spec in navigation.routes_for(actor):
    # A page outside the user's role keeps its address but runs a refusal instead (a link meant
    # for another role, a forged URL): said in the user's language and logged, where Streamlit
    # would say "Page not found" in English and open the overview.
    source = (functools.partial(ui.refuse_page, actor, spec.url_path) if spec.refused
              else str(ROOT / "pages" / spec.file))
    page = st.Page(source, title=ui.t(spec.title_key), icon=spec.icon,
                   url_path=spec.url_path, default=spec.default,
                   visibility="hidden" if spec.hidden else "visible")
    sections.setdefault(ui.t(spec.section_key), []).append(page)

current = st.navigation(sections if actor is not None else sections[next(iter(sections))],
                        position="sidebar" if actor is not None else "hidden", expanded=True)
# One container, always drawn, holds what only some runs show (a redirect script, a
# flash message, the audit alarm): the page below it keeps the same place in the element
# tree on every run, so Streamlit keeps its open tab and expanders instead of drawing them anew.
with st.container():
    ui.follow_redirect()
    ui.follow_opening(current.url_path)
    if st.session_state.pop(RELOAD_KEY, False):
        st.html("<script>window.location.reload()</script>", unsafe_allow_javascript=True, width="content")
        st.stop()
    ui.show_flash()
    audit_banner.show_alarm(actor)  # the DPO and auditors: the audit chain no longer verifies
    audit_banner.show_mail_failures(actor)  # the DPO: notification e-mails that could not be sent
form_state.begin_page(current.url_path + "?" + "&".join(f"{k}={v}" for k, v in sorted(st.query_params.items())))
try:
    current.run()
except StopException:
    ui.flash_seen()
    raise
except ScriptControlException:
    raise  # st.rerun / st.switch_page, or a newer run (a second click) cutting this one short
except Exception as error:
    if ui.is_database_down(error):
        ui.database_down(error)
    logging.getLogger("dpo_desk").exception("page %s failed", current.url_path)
    st.error(ui.t("error.unexpected"))
ui.flash_seen()
