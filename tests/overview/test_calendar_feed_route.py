"""The feed URL in the running app: the launcher `manage.py serve` starts
(`streamlit run dashboard/server.py`) serves the Streamlit app and
GET /api/calendar/<token>.ics. One real server for this module, on a SQLite file the
tests prepare through the use cases."""

import shutil
import sqlite3
import urllib.error
import urllib.request

import pytest

from dashboard import calendar_feed, db
from dashboard.demo import dsr as demo_dsr
from tests.app_server import served_app
from tests.conftest import build_org
from tests.dsr.conftest import make_request
from tests.overview.test_calendar import parse



def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory, sqlite_template):
    """(base URL, org, the member's and the staff member's requests, database path)."""
    folder = tmp_path_factory.mktemp("calendar_route")
    path = folder / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    org = build_org(engine)
    with org.work() as session:
        demo_dsr.seed_routing(session)
    member = make_request(org)
    staff = make_request(org, relation="staff", requester_name="Thomas Roux", requester_contact="t.roux@example.org")
    with served_app(f"sqlite:///{path}", folder) as url:
        yield url, org, member, staff, path
    engine.dispose()


def test_the_app_itself_is_still_served(served):
    url = served[0]
    status, kind, body = _get(f"{url}/")
    assert status == 200 and kind.startswith("text/html") and b"<html" in body.lower()


def test_a_feed_url_gives_the_users_deadlines_and_nothing_once_revoked(served):
    url, org, member, staff, _ = served
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.head_hr)
    feed = calendar_feed.feed_url(url, token)
    assert feed == f"{url}/api/calendar/{token}.ics"
    status, kind, body = _get(feed)
    assert status == 200 and kind.startswith("text/calendar")
    events = {e["UID"][1]: e for e in parse(body)["events"]}
    assert f"dsr_answer-{staff.id}-{staff.due_on:%Y%m%d}@dpo-desk" in events
    assert member.reference.encode() not in body  # another department's request
    assert b"Roux" not in body
    assert f"URL;VALUE=URI:{url}/dsr-case?id={staff.id}".encode() in body  # built from the request's host
    with org.work() as session:
        calendar_feed.revoke_feed(session, org.head_hr)
    assert _get(feed)[:2] == (404, "text/plain; charset=utf-8")
    assert _get(f"{url}/api/calendar/{'A' * 43}.ics")[0] == 404
    assert not _get(f"{url}/api/calendar/.ics")[1].startswith("text/calendar")  # Streamlit's own page


def test_a_database_failure_answers_error_without_a_traceback(served):
    url, org, _, _, path = served
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.dpo)
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE calendar_feed_token RENAME TO calendar_feed_token_away")
    try:
        status, kind, body = _get(calendar_feed.feed_url(url, token))
    finally:
        with sqlite3.connect(path) as conn:
            conn.execute("ALTER TABLE calendar_feed_token_away RENAME TO calendar_feed_token")
    assert (status, body) == (500, b"error")
    assert _get(calendar_feed.feed_url(url, token))[0] == 200
