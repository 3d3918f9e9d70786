"""Launcher: `streamlit run dashboard/server.py` (what `manage.py serve` runs).

An `st.App` that runs the entry script dashboard/app.py as usual and also serves
`GET /api/calendar/<token>.ics`, each user's personal calendar feed. Streamlit's
`streamlit run` finds the `app = st.App(...)` below (by reading this file) and serves
it with uvicorn; the entry script stays dashboard/app.py, away from the top-level
pages/ folder.

The route answers 200 text/calendar for an active token, 404 for anything else (an
unknown or revoked token, a disabled account), 500 "error" if the database fails —
never a traceback. The token is never logged (Streamlit turns uvicorn's access log off).
"""

import logging
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ first on the path, not the root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import PlainTextResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from dashboard import calendar_feed, config, db  # noqa: E402

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


calendar_feed.mark_route_served()
app = st.App(str(ENTRY_SCRIPT), routes=[Route(calendar_feed.ROUTE, calendar_route, methods=["GET"])])
