"""Streamlit glue shared by the entry script and the pages: the engine, the current
actor, translation, running a use case with its errors shown in the user's language.
Pages use this module and the use-case modules; they never open sessions themselves."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from dashboard import auth, config, db, i18n
from dashboard.actor import Actor
from dashboard.errors import NotAllowed
from dashboard.markdown import label as literal_label, literal  # noqa: F401 - every user text shown goes through these
from dashboard.permissions import deny
from dashboard.validation import InvalidInput
from models.errors import DomainError
from models.roles import Capability

TOKEN_KEY = "_auth_token"
COOKIE = "dpo_desk_session"  # lets a reload (F5, a link opened again) resume the log-in session
_COOKIE_SYNCED = "_cookie_synced"
LANG_KEY = "_lang"
FLASH_KEY = "_flash"
_log = logging.getLogger("dpo_desk")


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
    """Stop with a clear message when the database cannot be used."""
    try:
        _prepared(config.database_url())
    except DomainError as error:
        st.error(tr().error(error))
        st.stop()
    except Exception:
        _log.exception("database start-up failed")
        st.error(t("error.database_unavailable", detail=""))
        st.stop()


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
    if isinstance(error, InvalidInput):
        lines = []
        for problem in error.problems:
            message = translator(problem.key, **literal_params(problem.params))
            field_key = f"field.{problem.field.split('.')[-1]}" if problem.field else ""
            label = translator(field_key) if field_key and i18n.has_key(field_key) else problem.field
            lines.append(f"- **{label}** : {message}" if label else f"- {message}")
        st.error(translator(error.key) + "\n" + "\n".join(lines))
    else:
        st.error(translator(error.key, **literal_params(error.params)))


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
        with db.unit_of_work(engine()) as session:
            value = fn(session, actor, *args, **kwargs)
        return Result(True, value)
    except DomainError as error:
        if not quiet:
            show_error(error)
        return Result(False, error=error)
    except Exception:
        _log.exception("use case %s failed", getattr(fn, "__name__", fn))
        if not quiet:
            st.error(t("error.unexpected"))
        return Result(False)


def flash(key: str, **params) -> None:
    """A message to show after the next rerun (e.g. "saved" after a form)."""
    st.session_state[FLASH_KEY] = (key, params)


def show_flash() -> None:
    item = st.session_state.pop(FLASH_KEY, None)
    if item:
        key, params, *kind = item
        (st.error if kind == ["error"] else st.success)(t(key, **params))


# ------------------------------------------------------------------ identity


def _cookie_token() -> str | None:
    """The session token the browser sent when it connected (see sync_cookie)."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest's context is a stand-in


def current_actor() -> Actor | None:
    """Resolve the browser session's token against the database on every run. After a
    reload, Streamlit's session state is new: the token comes back from the cookie."""
    token = st.session_state.get(TOKEN_KEY)
    from_cookie = False
    if not token and st.session_state.get(_COOKIE_SYNCED) is None:
        token, from_cookie = _cookie_token(), True
    if not token:
        return None
    try:
        with db.unit_of_work(engine()) as session:
            actor = auth.resolve_session(session, token)
    except auth.SessionEnded as error:  # expired, or forged (a token no session ever had: logged, shown as an error)
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state[FLASH_KEY] = (error.key, {}, *(["error"] if isinstance(error, auth.ForgedSession) else []))
        return None
    if from_cookie:
        st.session_state[TOKEN_KEY] = token
        set_lang(actor.language)
    return actor


def sync_cookie() -> None:
    """Keep the browser's cookie in step with the log-in: set after log-in, removed after
    log-out or expiry. Only the random token is stored (its hash is in the database);
    SameSite=Strict, no lifetime (it ends with the browser), and the server ends the
    session after inactivity whatever the cookie says."""
    token = st.session_state.get(TOKEN_KEY) or ""
    if st.session_state.get(_COOKIE_SYNCED) == token or not (token or _cookie_token()):
        st.session_state[_COOKIE_SYNCED] = token
        return
    secure = "(location.protocol === 'https:' ? '; Secure' : '')"
    if token:
        script = f"document.cookie = '{COOKIE}={token}; path=/; SameSite=Strict' + {secure};"
    else:
        script = f"document.cookie = '{COOKIE}=; path=/; max-age=0; SameSite=Strict' + {secure};"
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True, width="content")
    st.session_state[_COOKIE_SYNCED] = token


def sign_in(username: str, password: str) -> bool:
    try:
        with db.unit_of_work(engine()) as session:
            token = auth.login(session, username, password)
            actor = auth.resolve_session(session, token)
    except DomainError as error:
        show_error(error)
        return False
    except Exception:
        _log.exception("log-in failed")
        st.error(t("error.unexpected"))
        return False
    st.session_state[TOKEN_KEY] = token
    set_lang(actor.language)
    return True


def sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    try:
        with db.unit_of_work(engine()) as session:
            auth.logout(session, token)
    except Exception:
        _log.exception("log-out failed")


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
    actor = current_actor()
    if actor is None:
        st.rerun()
    _opening(page)
    if capability is not None and not actor.can(capability):
        try:
            with db.unit_of_work(engine()) as session:
                deny(session, actor, action=f"page:{page}", details={"capability": str(capability)})
        except NotAllowed:
            pass
        st.error(t("error.page_not_allowed"))
        st.stop()
    return actor


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
    left, middle, right = st.columns([1, 3, 1])
    left.button(t("common.previous"), key=f"{key}_prev", disabled=page <= 1,
                on_click=_step_page, args=(state_key, -1))
    right.button(t("common.next"), key=f"{key}_next", disabled=page >= pages,
                 on_click=_step_page, args=(state_key, 1))
    middle.caption(t("common.page_of", page=page, pages=pages, total=total))
    return page


def base_url() -> str:
    """The app's address as the browser reached it (calendar links and the feed route hang off the host)."""
    try:
        url, headers = st.context.url, st.context.headers
    except Exception:  # no browser connection (bare mode)
        return ""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts and parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    host = headers.get("Host") if headers else None
    return f"http://{host}" if isinstance(host, str) and host else ""
