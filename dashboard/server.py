"""Launcher: `streamlit run dashboard/server.py` (what `manage.py serve` runs).

An `st.App` that runs the entry script dashboard/app.py as usual and also serves
`GET /api/calendar/<token>.ics`, each user's personal calendar feed. Streamlit's
`streamlit run` finds the `app = st.App(...)` below (by reading this file) and serves
it with uvicorn; the entry script stays dashboard/app.py, away from the top-level
pages/ folder.

The route answers 200 text/calendar for an active token, 404 for anything else (an
unknown or revoked token, a disabled account), 500 "error" if the database fails —
never a traceback. The token is never logged (Streamlit turns uvicorn's access log off).

It also owns the browser's session cookie (see dashboard/web_session.py):
`GET /auth/session?ticket=...&next=...` exchanges a one-time log-in ticket for a new
session and sets the HttpOnly cookie, `GET /auth/logout` ends the session and removes
it. A middleware adds the security headers to every response, gives each browser its
pre-log-in key, and refuses `/media/...` (downloads, audit packs) without a live session.
"""

import logging
import secrets
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ first on the path, not the root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.responses import PlainTextResponse, RedirectResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from dashboard import auth, calendar_feed, config, db, web_session  # noqa: E402
from dashboard.web_session import BROWSER_COOKIE, SESSION_COOKIE  # noqa: E402

ENTRY_SCRIPT = Path(__file__).resolve().with_name("app.py")
_log = logging.getLogger("dpo_desk.calendar")
_engine = None
_engine_lock = threading.Lock()


def _get_engine():
    """One engine per process for the route (the pages have theirs in dashboard.ui)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = db.make_engine(config.database_url())
        return _engine


def _feed(token: str, language: str | None, base_url: str) -> bytes | None:
    with db.unit_of_work(_get_engine()) as session:
        return calendar_feed.feed_for_token(session, token, language, base_url=base_url)


async def calendar_route(request: Request) -> Response:
    token = request.path_params.get("token", "")
    language = request.query_params.get("lang")
    try:
        content = await run_in_threadpool(_feed, token, language, str(request.base_url))
    except Exception:
        _log.exception("calendar feed failed")  # the token is not in the message
        return PlainTextResponse("error", status_code=500)
    if content is None:
        return PlainTextResponse("not found", status_code=404)
    return Response(content, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="dpo-desk.ics"',
                             "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                             "X-Robots-Tag": "noindex"})


# ------------------------------------------------------------------ log-in session cookie


def _https(request: Request) -> bool:
    return web_session.is_https(request.url.scheme, request.headers)


def _redeem(ticket: str, browser_key: str) -> str | None:
    with db.unit_of_work(_get_engine()) as session:
        return auth.redeem_ticket(session, ticket, browser_key)


def _end(token: str) -> None:
    with db.unit_of_work(_get_engine()) as session:
        auth.logout(session, token)


def _live(token: str) -> bool:
    try:
        with db.unit_of_work(_get_engine()) as session:
            auth.resolve_session(session, token)
        return True
    except auth.SessionEnded:
        return False


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def session_route(request: Request) -> Response:
    """The log-in form's ticket, from the same browser, becomes a new session and its cookie."""
    https = _https(request)
    browser_key = web_session.read_cookie(request.cookies, BROWSER_COOKIE, https) or ""
    try:
        token = await run_in_threadpool(_redeem, request.query_params.get("ticket", ""), browser_key)
    except Exception:
        _log.exception("log-in ticket failed")
        return PlainTextResponse("error", status_code=500)
    response = _no_store(RedirectResponse(web_session.safe_next(request.query_params.get("next")) if token else "/",
                                          status_code=303))
    if token:
        response.set_cookie(web_session.cookie_name(SESSION_COOKIE, https), token, path="/", httponly=True,
                            samesite="strict", secure=https, max_age=int(config.session_max_hours() * 3600))
        _drop_identity_cookies(request, response)
    return response


def _drop_identity_cookies(request: Request, response: Response) -> None:
    """Streamlit's own identity cookies (st.login) have served once the app's session is open
    (or refused): the app's session rules (idle and absolute lifetime, log-out) are the only ones."""
    for name in request.cookies:
        if name.startswith(web_session.STREAMLIT_IDENTITY_COOKIES):
            response.delete_cookie(name, path="/", httponly=True, samesite="lax")


async def logout_route(request: Request) -> Response:
    """End the session the cookie names (the app has normally ended it already) and remove the cookie."""
    https = _https(request)
    token = web_session.read_cookie(request.cookies, SESSION_COOKIE, https)
    if token:
        try:
            await run_in_threadpool(_end, token)
        except Exception:
            _log.exception("log-out failed")
    response = _no_store(RedirectResponse(f"/?{web_session.LOGGED_OUT_PARAM}=1", status_code=303))
    response.delete_cookie(web_session.cookie_name(SESSION_COOKIE, https), path="/", httponly=True,
                           samesite="strict", secure=https)
    _drop_identity_cookies(request, response)
    return response


class SecurityMiddleware:
    """Pure ASGI (WebSockets pass untouched): security headers on every HTTP response, the
    pre-log-in browser key on HTML pages, and no media file without a live session."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        https = _https(request)
        if request.url.path.startswith("/media/"):
            token = web_session.read_cookie(request.cookies, SESSION_COOKIE, https)
            if not token or not await run_in_threadpool(_live, token):
                response = _no_store(PlainTextResponse("forbidden", status_code=403))
                response.headers.update(web_session.SECURITY_HEADERS)
                return await response(scope, receive, send)
        # The page itself (not its assets, fetched in parallel: each would draw another key), even
        # when answered 304 from the browser's cache.
        needs_key = (request.method == "GET" and not request.url.path.startswith(_NOT_PAGES)
                     and web_session.read_cookie(request.cookies, BROWSER_COOKIE, https) is None)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in _HEADER_NAMES]
                headers += [(k.lower().encode(), v.encode()) for k, v in web_session.SECURITY_HEADERS.items()]
                if needs_key:
                    cookie = Response()
                    cookie.set_cookie(web_session.cookie_name(BROWSER_COOKIE, https), secrets.token_urlsafe(32),
                                      path="/", httponly=True, samesite="strict", secure=https)
                    headers += [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_HEADER_NAMES = {name.lower() for name in web_session.SECURITY_HEADERS}
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/api/", "/auth/", "/app/static/", "/favicon")

calendar_feed.mark_route_served()
app = st.App(str(ENTRY_SCRIPT),
             routes=[Route(calendar_feed.ROUTE, calendar_route, methods=["GET"]),
                     Route(web_session.SESSION_ROUTE, session_route, methods=["GET"]),
                     Route(web_session.LOGOUT_ROUTE, logout_route, methods=["GET"])],
             middleware=[Middleware(SecurityMiddleware)])
