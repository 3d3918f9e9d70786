"""Streamlit glue shared by the entry script and the pages: the engine, the current
actor, translation, running a use case with its errors shown in the user's language.
Pages use this module and the use-case modules; they never open sessions themselves."""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from dashboard import auth, config, db, i18n, mfa, navigation, sso, users, web_session
from dashboard.actor import Actor
from dashboard.errors import DatabaseUnavailable, NotAllowed
from dashboard.markdown import label as literal_label, literal  # noqa: F401 - every user text shown goes through these
from dashboard.permissions import deny
from dashboard.validation import InvalidInput, check_limits
from models.errors import DomainError
from models.roles import Capability

TOKEN_KEY = "_auth_token"
_DEAD_COOKIE = "_dead_cookie_token"  # a cookie token found ended: not resolved again in this tab
_RESUMED = "_resumed_cookie_token"
REDIRECT_KEY = "_redirect_to"
LANG_KEY = "_lang"
FLASH_KEY = "_flash"
FLASH_DRAWN_KEY = "_flash_drawn"
_FLASH_BOX = "_flash_box"
_RUN_ACTOR = "_run_actor"  # the actor the entry script resolved at the start of the run under way
PASSWORD_PAGE = "password"
MFA_PAGE = "second-factor"
_SSO_TRIED = "_sso_tried"
MFA_PENDING = "_mfa_pending"  # (user id, deadline): the password was right, the code is awaited
MFA_PENDING_SECONDS = 300
MFA_NEW_SECRET = "_mfa_new_secret"  # the secret being enrolled, kept in this tab only until confirmed
_log = logging.getLogger("dpo_desk")
DB_RETRY_SECONDS = 10  # while the database does not answer, the page checks again this often


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return db.make_engine(url)


def engine():
    return _engine(config.database_url())


@st.cache_resource(show_spinner=False)
def _prepared(url: str) -> bool:
    db.ensure_ready(_engine(url), auto_migrate=config.auto_migrate())
    with db.unit_of_work(_engine(url)) as session:
        db.ensure_baseline(session)
    return True


def boot() -> None:
    """Stop with a clear message when the database cannot be used. A failure is not
    cached (st.cache_resource keeps only a success): the next run tries again."""
    try:
        _prepared(config.database_url())
    except Exception as error:  # noqa: BLE001 - whatever the driver says stays in the log
        if is_database_down(error):
            database_down(error)
        _log.exception("database start-up failed")
        st.error(tr().error(error) if isinstance(error, DomainError) else t("error.unexpected"))
        st.stop()


def widget_texts() -> None:
    """Streamlit's own words on its widgets, in the user's language where Streamlit offers
    no parameter: the file uploader's button and size limit are drawn by the browser in
    English ("Upload", "200MB per file"), so a style sheet writes them anew. (Placeholders,
    date formats and labels are set on each widget: `placeholder=`, `format="DD/MM/YYYY"`.)"""
    limit = int(st.get_option("server.maxUploadSize"))

    def css_text(key: str, **params) -> str:
        return json.dumps(t(key, **params), ensure_ascii=False)  # a CSS string: quotes and backslashes escaped

    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{
  content: {css_text("ui.uploader.button")}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: {css_text("ui.uploader.drop")} " — " {css_text("ui.uploader.limit", limit_mb=limit)};
  font-size: 0.875rem; opacity: 0.7; }}
</style>""")


def is_database_down(error: BaseException) -> bool:
    """The database did not answer (server down, unreachable, connection lost)."""
    return isinstance(error, DatabaseUnavailable | OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def database_down(error: BaseException | None = None) -> None:
    """The page a user sees, logged in or not, while the database does not answer: in the
    user's language, without the driver's message (host, port, database name go to the
    log only). A fragment polls the database and reloads the page as soon as it answers."""
    _log.warning("database unavailable: %s", getattr(error, "params", {}).get("detail") or error)
    st.error(t("db_down.message"), icon=":material/cloud_off:")
    st.caption(t("db_down.hint"))
    _wait_for_database()
    st.stop()


@st.fragment(run_every=DB_RETRY_SECONDS)
def _wait_for_database() -> None:
    if st.button(t("db_down.retry"), key="_db_retry", icon=":material/refresh:") or _database_answers():
        st.rerun(scope="app")


def _database_answers() -> bool:
    try:
        _prepared(config.database_url())
        return db.ping(engine())
    except Exception:  # noqa: BLE001 - still down
        return False


# ------------------------------------------------------------------ language


def lang() -> str:
    value = st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def set_lang(value: str) -> None:
    if value in i18n.LANGUAGES:
        st.session_state[LANG_KEY] = value


def t(key: str, **params) -> str:
    return i18n.translate(key, lang(), **params)


def tr() -> i18n.Translator:
    return i18n.Translator(lang())


# ------------------------------------------------------------------ errors


def show_error(error: DomainError) -> None:
    translator = tr()
    if isinstance(error, DatabaseUnavailable):
        _log.warning("database unavailable: %s", error.params.get("detail"))
        st.error(translator("db_down.message"), icon=":material/cloud_off:")
    elif isinstance(error, InvalidInput):
        lines = []
        for problem in error.problems:
            message = translator.message(problem.key, literal_params(problem.params))
            name = problem.field.split(".")[-1] if problem.field else ""
            # the field's name in words, or none: never the code's own name ("reference :")
            label = next((translator(k) for k in (f"field.{name}", f"details.field.{name}") if name and i18n.has_key(k)),
                         "")
            lines.append(f"- **{label}** : {message}" if label else f"- {message}")
        st.error(translator(error.key) + "\n" + "\n".join(lines))
    else:
        st.error(translator.message(error.key, literal_params(error.params)))


def literal_params(params: dict) -> dict:
    """An error's parameters may echo what the user typed: shown literally."""
    return {name: literal(value) if isinstance(value, str) else value for name, value in params.items()}


@dataclass
class Result:
    ok: bool
    value: Any = None
    error: DomainError | None = None


def call(fn: Callable[..., Any], *args, actor: Actor | None = None, quiet: bool = False, **kwargs) -> Result:
    """Run a use case `fn(session, actor, *args, **kwargs)` in one unit of work.
    A domain error is shown in the user's language; anything else is logged and
    shown as a generic message: no traceback ever reaches the page."""
    actor = actor or current_actor()
    if actor is None:
        st.rerun()
    try:
        check_limits([args, kwargs])  # what no use case could store (NUL, huge numbers, year 1)
        with db.unit_of_work(engine()) as session:
            value = fn(session, actor, *args, **kwargs)
        return Result(True, value)
    except DomainError as error:
        if not quiet:
            show_error(error)
        return Result(False, error=error)
    except IntegrityError:  # a unique business reference met twice (e.g. two submits racing)
        _log.warning("use case %s refused by a database constraint", getattr(fn, "__name__", fn), exc_info=True)
        error = DomainError("error.already_recorded")
        if not quiet:
            show_error(error)
        return Result(False, error=error)
    except Exception as error:
        if is_database_down(error):
            if not quiet:
                show_error(DatabaseUnavailable(detail=str(error)))
            return Result(False, error=DatabaseUnavailable(detail=""))
        _log.exception("use case %s failed", getattr(fn, "__name__", fn))
        if not quiet:
            st.error(t("error.unexpected"))
        return Result(False)


def flash(key: str, **params) -> None:
    """A message to show after the next rerun (e.g. "saved" after a form)."""
    st.session_state[FLASH_KEY] = (key, params)


def flash_box() -> dict:
    """Where a flash is posted without a Streamlit call (a plain dict of the session, fetched
    beforehand): a save's run gives way to a second click's run at its next Streamlit call,
    session state included (form_state). The next run's `show_flash` takes it."""
    return st.session_state.setdefault(_FLASH_BOX, {})


def follow_opening(url_path: str) -> None:
    """Open the record a use case created (`CaseForms.opened`) if this run is not already on
    its page: the run that created it may have given way to a second click's run before its
    own switch."""
    posted = st.session_state.get(_FLASH_BOX)
    target = posted.pop("open", None) if posted else None
    if target is None:
        return
    page, query = target
    if navigation.spec_for_file(Path(page).name).url_path != url_path or st.query_params.get("id") != query["id"]:
        st.switch_page(page, query_params=query)


def show_flash() -> None:
    """Draw the pending flash. It stays pending until the run that drew it ends whole
    (`flash_seen`): a run cut short by a newer one (a double click) would otherwise take
    it away before the browser ever showed it."""
    posted = st.session_state.get(_FLASH_BOX)
    if posted:
        st.session_state[FLASH_KEY] = posted.pop("item")
    item = st.session_state.get(FLASH_KEY)
    st.session_state[FLASH_DRAWN_KEY] = item
    if item:
        key, params, *kind = item
        (st.error if kind == ["error"] else st.success)(t(key, **params))


def flash_seen() -> None:
    """The run ended whole (or by st.stop): the flash it drew has reached the page. A flash
    set during the run, for the next one, is a different object and stays."""
    drawn = st.session_state.pop(FLASH_DRAWN_KEY, None)
    if drawn is not None and st.session_state.get(FLASH_KEY) is drawn:
        del st.session_state[FLASH_KEY]


# ------------------------------------------------------------------ identity


def _https() -> bool:
    try:
        url, headers = st.context.url, st.context.headers
    except Exception:  # no browser connection (bare mode)
        return False
    scheme = urlsplit(url).scheme if isinstance(url, str) else ""
    return web_session.is_https(scheme, {k.lower(): v for k, v in headers.items()} if headers else {})


def _cookie(base: str) -> str | None:
    """A cookie the browser sent when it connected (set by the launcher, HttpOnly)."""
    try:
        cookies = st.context.cookies
    except Exception:  # no browser connection (bare mode)
        return None
    return web_session.read_cookie(cookies, base, _https())


def _cookie_token() -> str | None:
    token = _cookie(web_session.SESSION_COOKIE)
    return None if token and token == st.session_state.get(_DEAD_COOKIE) else token


def has_session() -> bool:
    """Whether this tab came with a session token (its own, or the launcher's cookie)."""
    return bool(st.session_state.get(TOKEN_KEY) or _cookie_token())


def current_actor() -> Actor | None:
    """Resolve the browser session's token against the database on every run: the
    launcher's HttpOnly cookie (so that a reload resumes the session), or, without the
    launcher (AppTest, `streamlit run dashboard/app.py`), a token kept in this tab only."""
    token = st.session_state.get(TOKEN_KEY)
    from_cookie = not token
    if from_cookie:
        token = _cookie_token()
    if not token:
        return None
    try:
        with db.unit_of_work(engine()) as session:
            actor = auth.resolve_session(session, token)
    except auth.SessionEnded as error:  # expired, or forged (a token no session ever had: logged, shown as an error)
        st.session_state.pop(TOKEN_KEY, None)
        if from_cookie:
            st.session_state[_DEAD_COOKIE] = token  # not again in this tab; the next log-in replaces it
        st.session_state[FLASH_KEY] = (error.key, {}, *(["error"] if isinstance(error, auth.ForgedSession) else []))
        return None
    except Exception as error:
        if is_database_down(error):
            database_down(error)  # the token is kept: the session resumes when the database answers again
        raise
    if from_cookie and st.session_state.get(_RESUMED) != token:
        st.session_state[_RESUMED] = token
        set_lang(actor.language)
    return actor


def run_actor() -> Actor | None:
    """The entry script's resolution of the session, once per run: the page it runs reads it
    (`page_actor`) instead of resolving the token a second time. Dropped first, so that a run
    that fails to resolve never leaves the previous run's actor to its page."""
    st.session_state.pop(_RUN_ACTOR, None)
    actor = current_actor()
    st.session_state[_RUN_ACTOR] = actor
    return actor


def _here() -> str:
    try:
        path = urlsplit(st.context.url).path
        query = urlencode(st.query_params.to_dict())  # st.context.url has no query: a case's ?id= comes from here
    except Exception:  # no browser connection (bare mode)
        return "/"
    return web_session.safe_next(path + (f"?{query}" if query else ""))


def sign_in(username: str, password: str) -> bool:
    """Check the password. An account with a second factor then waits for its code
    (sign_in_code; nothing is opened yet). Otherwise, behind the launcher, the browser is
    sent with a one-time ticket to /auth/session, which opens a new session and sets its
    HttpOnly cookie (see dashboard/web_session.py); without it, the session lives in this tab."""
    st.session_state.pop(MFA_PENDING, None)

    def step(session):
        user = auth.check_password(session, username, password)
        if user.totp_secret:
            return user.id, None
        auth.complete_login(session, user)
        return None, _open(session, user)

    done = _login_step(step)
    if done is None:
        return False
    pending, opened = done
    if pending is not None:
        st.session_state[MFA_PENDING] = (pending, time.monotonic() + MFA_PENDING_SECONDS)
        return False
    _opened(*opened)
    return True


def sso_available() -> bool:
    """Whether single sign-on is configured (Streamlit's `[auth]` secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def sign_in_sso() -> bool:
    """The provider has signed the person in (st.user, from Streamlit's OIDC callback): map
    them to their account and open a session of the app's own, as after a password (the
    launcher then drops Streamlit's identity cookies: the app's session rules apply)."""
    if st.session_state.get(_SSO_TRIED):
        return False  # refused once in this tab: the local log-in form stays usable
    try:
        if not (sso_available() and st.user.is_logged_in):
            return False
        claims = st.user.to_dict()
    except Exception:  # no browser connection (bare mode)
        return False
    st.session_state[_SSO_TRIED] = True

    def step(session):
        return _open(session, sso.sign_in(session, claims))

    opened = _login_step(step)
    if opened is None:
        return False
    _opened(*opened)
    return True


def mfa_pending() -> bool:
    """Whether the password was right and the second factor's code is awaited."""
    item = st.session_state.get(MFA_PENDING)
    if item and item[1] < time.monotonic():
        st.session_state.pop(MFA_PENDING, None)
        flash("mfa.pending_expired")
        return False
    return bool(item)


def cancel_mfa() -> None:
    st.session_state.pop(MFA_PENDING, None)


def sign_in_code(code: str) -> bool:
    """The second step: the code of the user's authenticator app; then the session opens
    as after a password alone."""
    if not mfa_pending():
        return False
    user_id = st.session_state[MFA_PENDING][0]

    def step(session):
        user = mfa.verify_login_code(session, user_id, code)
        return _open(session, user)

    opened = _login_step(step)
    if opened is None:
        return False
    st.session_state.pop(MFA_PENDING, None)
    _opened(*opened)
    return True


def _open(session, user) -> tuple[str | None, str | None, str]:
    """A ticket for the launcher's cookie, or (without the launcher) a token for this tab."""
    browser_key = _cookie(web_session.BROWSER_COOKIE)
    if browser_key:
        return auth.issue_ticket(session, user, browser_key), None, user.language
    return None, auth.open_session(session, user), user.language


def _opened(ticket: str | None, token: str | None, language: str) -> None:
    set_lang(language)
    if ticket:
        st.session_state[REDIRECT_KEY] = web_session.session_url(ticket, _here())
    else:
        st.session_state[TOKEN_KEY] = token


def _login_step(fn: Callable[[Any], Any]) -> Any:
    """Run one step of the log-in in a unit of work; None (the error shown) when it fails."""
    try:
        with db.unit_of_work(engine()) as session:
            return fn(session)
    except DomainError as error:
        show_error(error)
        return None
    except Exception as error:
        if is_database_down(error):
            show_error(DatabaseUnavailable(detail=str(error)))
            return None
        _log.exception("log-in failed")
        st.error(t("error.unexpected"))
        return None


def sign_out() -> None:
    """End the session on the server now; a cookie session then sends the browser to
    /auth/logout, which removes the cookie."""
    token = st.session_state.pop(TOKEN_KEY, None)
    cookie_token = _cookie_token()
    try:
        with db.unit_of_work(engine()) as session:
            auth.logout(session, token or cookie_token)
    except Exception:
        _log.exception("log-out failed")
    if cookie_token:
        st.session_state[_DEAD_COOKIE] = cookie_token
        st.session_state[REDIRECT_KEY] = web_session.LOGOUT_ROUTE  # it comes back with LOGGED_OUT_PARAM
    else:
        flash("auth.logged_out")


def logged_out_notice() -> None:
    """After the log-out route: say that the user logged out (once; the address is cleaned)."""
    if web_session.LOGGED_OUT_PARAM in st.query_params:
        del st.query_params[web_session.LOGGED_OUT_PARAM]
        flash("auth.logged_out")


def follow_redirect() -> None:
    """Send the browser to the launcher route a log-in or log-out asked for."""
    target = st.session_state.pop(REDIRECT_KEY, None)
    if target:
        st.html(f"<script>window.location.replace({json.dumps(target)})</script>", unsafe_allow_javascript=True,
                width="content")
        st.stop()


_LOGGED = "_logged_once"  # {kind: value} recorded in the audit trail during this opening of the page


def logged(kind: str, value: Any) -> bool:
    """Whether `value` (a case and reason read, a search) was already recorded during this
    opening of the page: reruns of the page are not new reads (CNIL, journalisation, 2021)."""
    return st.session_state.get(_LOGGED, {}).get(kind) == value


def mark_logged(kind: str, value: Any) -> None:
    st.session_state.setdefault(_LOGGED, {})[kind] = value


def _opening(page: str) -> None:
    """A different page than the last run's: a new opening, whose reads are logged again."""
    if st.session_state.get("_page_open") != page:
        st.session_state["_page_open"] = page
        st.session_state[_LOGGED] = {}


def page_actor(capability: Capability | None = None, *, page: str = "") -> Actor:
    """Every page starts here: the signed-in actor, or a stop. A page reached
    without the capability (forged URL, stale navigation) is refused and logged."""
    actor = st.session_state[_RUN_ACTOR] if _RUN_ACTOR in st.session_state else current_actor()
    if actor is None:
        st.rerun()
    if actor.must_change_password and page != PASSWORD_PAGE:
        st.error(t("password.change_first"))
        st.stop()
    if actor.needs_second_factor and not actor.must_change_password and page != MFA_PAGE:
        st.error(t("mfa.enrol_first"))
        st.stop()
    if capability is not None and not actor.can(capability):
        refuse_page(actor, page, {"capability": str(capability)})  # opens the page itself, then stops
    _opening(page)
    return actor


def refuse_page(actor: Actor, page: str, details: dict | None = None) -> None:
    """The page at this address is not the signed-in `actor`'s: the attempt is logged, the user
    told in their language, and nothing of the page runs."""
    _opening(page)
    try:
        with db.unit_of_work(engine()) as session:
            deny(session, actor, action=f"page:{page}", details=details or {})
    except NotAllowed:
        pass
    st.error(t("error.page_not_allowed"))
    st.stop()


# ------------------------------------------------------------------ widgets


def show_alarms(alarms: list | None) -> None:
    """Security alarms (dashboard.alarms), their parameters (user names tried...) shown literally."""
    for alarm in alarms or []:
        params = {k: literal(v) if isinstance(v, str) else v for k, v in alarm.params.items()}
        st.error(t(alarm.key, **params), icon=":material/shield:")


def _step_page(state_key: str, delta: int) -> None:
    st.session_state[state_key] = st.session_state.get(state_key, 1) + delta


def paginator(key: str, total: int, page_size: int) -> int:
    """Page number chosen by the user (1-based); the query fetches only that page."""
    pages = max(1, -(-total // page_size))
    state_key = f"_page_{key}"
    page = min(max(1, st.session_state.get(state_key, 1)), pages)
    st.session_state[state_key] = page
    if pages == 1:  # everything on one page: its count, without two buttons that could not be used
        st.caption(t("common.page_of", page=page, pages=pages, total=total))
        return page
    left, middle, right = st.columns([1, 3, 1])
    left.button(t("common.previous"), key=f"{key}_prev", disabled=page <= 1,
                on_click=_step_page, args=(state_key, -1))
    right.button(t("common.next"), key=f"{key}_next", disabled=page >= pages,
                 on_click=_step_page, args=(state_key, 1))
    middle.caption(t("common.page_of", page=page, pages=pages, total=total))
    return page


def arrow_rows(rows: list[dict]):
    """Rows for st.dataframe as an Arrow table: Streamlit sends a table as Arrow, and given
    one it skips the pandas DataFrame it would build from a list of dicts (issue 19: half of
    what a 25-row list cost the overview)."""
    import pyarrow  # Streamlit's own dependency; imported here, where a table is drawn

    return pyarrow.Table.from_pylist(rows)


_BASE_URL = "_base_url"


def base_url() -> str:
    """The app's address as the browser reached it (calendar links and the feed route hang off the host).
    Read once per session: a session's browser stays on one address, and reading the request's
    headers cost the overview 0.7 ms a rerun (issue 19)."""
    if _BASE_URL not in st.session_state:
        st.session_state[_BASE_URL] = _base_url()
    return st.session_state[_BASE_URL]


def _base_url() -> str:
    try:
        url, headers = st.context.url, st.context.headers
    except Exception:  # no browser connection (bare mode)
        return ""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts and parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    host = headers.get("Host") if headers else None
    return f"http://{host}" if isinstance(host, str) and host else ""


def password_form(actor: Actor) -> bool:
    """Change one's own password (the account page, and the only page while a temporary
    password is in force). True once changed."""
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(t("account.current_password"), type="password", key="pw_current",
                                autocomplete="current-password")
        new = st.text_input(t("account.new_password"), type="password", key="pw_new", autocomplete="new-password",
                            help=t("password.rule"))
        confirm = st.text_input(t("account.confirm_password"), type="password", key="pw_confirm",
                                autocomplete="new-password")
        submitted = st.form_submit_button(t("common.save"), type="primary")
    if not submitted:
        return False
    if new != confirm:
        st.error(t("account.passwords_differ"))
        return False
    result = call(users.change_own_password, current, new, actor=actor)
    if result.ok:
        flash("password.changed_sessions_ended" if result.value else "account.password_changed", count=result.value)
    return result.ok



def forget_new_secret() -> None:
    """An enrolment left unfinished: its key is not kept."""
    st.session_state.pop(MFA_NEW_SECRET, None)


def second_factor_enrolment(actor: Actor, *, replacing: bool = False) -> bool:
    """Enrol (or replace) one's second factor: a new secret shown once, as an otpauth://
    URI and in base32, confirmed with a first code of the app (and, to replace one, a code
    of the current one). True once enrolled."""
    secret = st.session_state.get(MFA_NEW_SECRET)
    if not secret:
        secret = st.session_state[MFA_NEW_SECRET] = mfa.new_secret()
    st.caption(t("mfa.enrol_intro"))
    st.markdown(f"**{t('mfa.secret')}**")
    st.code(" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), language=None)
    st.markdown(f"**{t('mfa.uri')}**")
    st.code(mfa.provisioning_uri(secret, actor.username), language=None)
    with st.form("mfa_enrol", clear_on_submit=True):
        current = st.text_input(t("mfa.current_code"), key="mfa_current_code", max_chars=8,
                                autocomplete="one-time-code") if replacing else ""
        code = st.text_input(t("mfa.new_code" if replacing else "mfa.code"), key="mfa_enrol_code", max_chars=8, autocomplete="one-time-code")
        submitted = st.form_submit_button(t("mfa.confirm"), type="primary")
    if not submitted:
        return False
    if call(mfa.confirm_enrolment, secret, code, actor=actor, current_code=current).ok:
        st.session_state.pop(MFA_NEW_SECRET, None)  # never shown again
        flash("mfa.enrolled")
        return True
    return False
