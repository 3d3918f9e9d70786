"""The deadlines in the user's own calendar (use cases): an .ics file to download, and a
personal secret feed URL that a calendar application subscribes to.

Both hold what the overview's deadline list holds for the same user (late items and
those within the horizon), within what the user may see: a department head's feed
holds only his or her departments' cases. Only the kind of deadline, the case
reference and the case's title travel; never personal data.

The feed URL carries a random token; only its SHA-256 is stored. One active feed per
user: a new one revokes the previous one. A revoked or unknown token, or a disabled
account, gets nothing.
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from dashboard import audit
from dashboard.actor import Actor
from dashboard.auth import actor_for, token_digest
from dashboard.errors import NotAllowed
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from dashboard.overview.figures import DeadlineItem, upcoming_items
from dashboard.overview.scope import READERS, OverviewFilter
from dashboard.permissions import deny, require_any
from exports.ical import deadlines_ics
from models.calendar_feed import CalendarFeedToken
from models.org import User
from models.types import utcnow

FEED_LIMIT = 1000  # items in a file or feed, late ones and the earliest first
FEED_HORIZON_DAYS = 90  # the overview's default horizon
ROUTE = "/api/calendar/{token}.ics"  # served by dashboard/server.py
MAX_TOKEN_LENGTH = 200
_USED_REFRESH = timedelta(seconds=60)  # write last_used_at at most once a minute (clients poll)
# The page that opens a case of each type, with ?id=<case id> (dashboard/navigation.py).
CASE_PAGES = {"dsr": "dsr-case", "breach": "breach", "processor": "processor", "dpia": "dpia-detail",
              "register": "register-activity", "retention": "retention", "consent": "consent"}


_route_served = False


def mark_route_served() -> None:
    """Called by the launcher (dashboard/server.py) that serves ROUTE in this process."""
    global _route_served
    _route_served = True


def route_served() -> bool:
    """Whether feed URLs work here (not under a bare `streamlit run dashboard/app.py`)."""
    return _route_served


def feed_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + ROUTE.replace("{token}", token)


def case_link(base_url: str) -> Callable[[DeadlineItem], str]:
    """The URL of the page that opens an item's case (sign-in required, as always)."""
    base = base_url.rstrip("/")

    def link(item: DeadlineItem) -> str:
        page = CASE_PAGES.get(item.case_type)
        return f"{base}/{page}?id={item.case_id}" if page else ""

    return link


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _ics(session: Session, actor: Actor, flt: OverviewFilter, language: str, base_url: str) -> tuple[bytes, int]:
    items = upcoming_items(session, actor, flt, limit=FEED_LIMIT)
    tr = Translator(_language(language))
    content = deadlines_ics(items, tr, calendar_name=tr("calendar.ics.name"), now=flt.instant(),
                            link=case_link(base_url) if base_url else None)
    return content, len(items)


def calendar_file(session: Session, actor: Actor, flt: OverviewFilter, language: str = DEFAULT_LANGUAGE,
                  base_url: str = "") -> bytes:
    """The actor's deadlines (late, and within the filter's horizon) as an .ics file."""
    require_any(session, actor, set(READERS), action="calendar.export")
    content, count = _ics(session, actor, flt, language, base_url)
    audit.record(session, actor, "calendar.exported",
                 details={"items": count, "horizon_days": flt.horizon_days, "entity_id": flt.entity_id,
                          "department_id": flt.department_id, "case_types": list(flt.case_types)})
    return content


# ------------------------------------------------------------------ the personal feed


def _own_user(session: Session, actor: Actor, action: str) -> int:
    require_any(session, actor, set(READERS), action=action)
    if actor.user_id is None:  # the command line has no calendar
        deny(session, actor, action=action)
    return actor.user_id


def _active(session: Session, user_id: int) -> list[CalendarFeedToken]:
    return list(session.exec(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user_id,
                                                            CalendarFeedToken.revoked_at.is_(None))))


def revoke_all(session: Session, user_id: int, now: datetime | None = None) -> int:
    """Stop every feed URL of a user (also when an administrator resets the password)."""
    now = now or utcnow()
    rows = _active(session, user_id)
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


def create_feed(session: Session, actor: Actor) -> str:
    """A new secret feed token for the actor (the previous one stops working). The
    token is returned once; only its SHA-256 is kept."""
    user_id = _own_user(session, actor, "calendar.feed_create")
    now = utcnow()
    replaced = revoke_all(session, user_id, now)
    token = secrets.token_urlsafe(32)
    row = CalendarFeedToken(user_id=user_id, token_sha256=token_digest(token), created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "calendar.feed_created", object_type="calendar_feed", object_id=row.id,
                 details={"replaced": replaced})
    return token


def revoke_feed(session: Session, actor: Actor) -> int:
    """Stop the actor's feed URL; returns how many were active (0 or 1)."""
    user_id = _own_user(session, actor, "calendar.feed_revoke")
    revoked = revoke_all(session, user_id, utcnow())
    audit.record(session, actor, "calendar.feed_revoked", object_type="calendar_feed",
                 details={"revoked": revoked})
    return revoked


def has_feed(session: Session, actor: Actor) -> bool:
    if actor.user_id is None:
        return False
    return session.exec(select(CalendarFeedToken.id).where(CalendarFeedToken.user_id == actor.user_id,
                                                          CalendarFeedToken.revoked_at.is_(None))).first() is not None


def feed_for_token(session: Session, token: str, language: str | None = None, *, base_url: str = "",
                   now: datetime | None = None) -> bytes | None:
    """The .ics behind a feed URL, or None (unknown or revoked token, disabled account):
    the user's deadlines with the overview's default filter, as that user would see them
    when signed in (the role and departments are read again on every request)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.exec(select(CalendarFeedToken).where(CalendarFeedToken.token_sha256 == token_digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    actor = actor_for(session, user)
    moment = now or utcnow()
    try:
        content, _ = _ics(session, actor, OverviewFilter(horizon_days=FEED_HORIZON_DAYS, now=moment),
                          language or user.language, base_url)
    except NotAllowed:
        return None
    if row.last_used_at is None or moment - row.last_used_at > _USED_REFRESH:
        row.last_used_at = moment
        session.add(row)
    return content
