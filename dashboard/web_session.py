"""The browser side of a log-in session, shared by the launcher (dashboard/server.py, which
sets and clears the cookies) and the Streamlit glue (dashboard/ui.py, which reads them).
No streamlit here.

- The session cookie holds the random session token. Only the launcher sets it, HttpOnly
  (no script can read it), SameSite=Strict, Secure when the request came over https, with a
  `__Host-` name then (no sub-domain can plant one), and Max-Age the session's absolute
  lifetime. It is set at /auth/session in exchange for a one-time ticket that the log-in form
  created (auth.issue_ticket), and removed at /auth/logout.
- The browser cookie is a random key the launcher gives every browser that loads a page
  (HttpOnly, SameSite=Strict): a ticket is bound to it, so a ticket link sent to somebody else
  opens no session in their browser (no forced log-in, no session fixation).
"""

from urllib.parse import urlencode

SESSION_COOKIE = "dpo_desk_session"
BROWSER_COOKIE = "dpo_desk_browser"
SECURE_PREFIX = "__Host-"
SESSION_ROUTE = "/auth/session"
LOGOUT_ROUTE = "/auth/logout"
LOGGED_OUT_PARAM = "logged_out"  # the log-out route sends the browser to "/?logged_out=1": the page says so
STREAMLIT_IDENTITY_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")  # and their numbered chunks

# Streamlit's front end needs inline scripts and styles (its own bootstrap, st.html with
# unsafe_allow_javascript) and data: URLs (the emoji tab icon, images); everything else is
# this origin only: no third-party request, no remote image, no framing of the app.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' data: blob:",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def is_https(scheme: str, headers) -> bool:
    """Whether the browser reached us over https (directly, or through a proxy that says so)."""
    forwarded = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return scheme == "https" or forwarded == "https"


def cookie_name(base: str, https: bool) -> str:
    return f"{SECURE_PREFIX}{base}" if https else base


def read_cookie(cookies, base: str, https: bool) -> str | None:
    """The cookie's value; over https only the `__Host-` one counts (a plain one may have
    been planted by a sub-domain or over plain http)."""
    try:
        value = cookies.get(cookie_name(base, https))
    except Exception:  # noqa: BLE001 - a stand-in cookie jar (AppTest)
        return None
    return value if isinstance(value, str) and value else None


def safe_next(path: str | None) -> str:
    """A path of this site to go back to after log-in; anything else (another site,
    scheme-relative, backslashes) becomes "/"."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or any(
            ord(c) < 32 for c in path):
        return "/"
    return path


def session_url(ticket: str, next_path: str) -> str:
    return f"{SESSION_ROUTE}?{urlencode({'ticket': ticket, 'next': safe_next(next_path)})}"
