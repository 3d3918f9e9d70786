"""The deadlines in a DPO's own calendar: the .ics a calendar application reads (RFC 5545:
escaping, folding, all-day and timed events, alarms), and the personal feed behind a
secret URL — within what its owner may see, dead once revoked, replaced or disabled."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from dashboard import calendar_feed, db, users
from dashboard.demo import dsr as demo_dsr
from dashboard.i18n import Translator
from dashboard.overview.figures import DeadlineItem
from dashboard.overview.scope import OverviewFilter
from exports.ical import deadlines_ics, fold
from models.audit import AuditEntry
from models.calendar_feed import CalendarFeedToken
from models.org import User
from tests.dsr.conftest import make_request

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=timezone.utc)
FR = Translator("fr")


# ------------------------------------------------------------------ a tiny RFC 5545 reader


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def parse(content: bytes) -> dict:
    """{"props": [(name, params, value)], "events": [{name: (params, value)} + "alarms"]}
    after checking the physical lines: CRLF only, 75 octets at most, each valid UTF-8."""
    assert content.endswith(b"\r\n")
    physical = content[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a multi-byte character
    logical: list[str] = []
    for line in (p.decode("utf-8") for p in physical):
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    calendar: dict = {"props": {}, "events": []}
    stack: list[dict] = []
    for line in logical[1:-1]:
        head, value = line.split(":", 1)
        name, *params = head.split(";")
        if name == "BEGIN":
            component = {"_type": value, "alarms": []}
            (stack[-1]["alarms"] if stack else calendar["events"]).append(component)
            stack.append(component)
        elif name == "END":
            assert stack.pop()["_type"] == value
        else:
            target = stack[-1] if stack else calendar["props"]
            target[name] = (tuple(params), value)
    assert not stack
    return calendar


def text(component: dict, name: str) -> str:
    return _unescape(component[name][1])


def item(**overrides) -> DeadlineItem:
    data = dict(kind="dpia_review", case_type="dpia", case_id=7, reference="AIPD-2026-0007", title="Vidéoprotection",
                entity_id=1, department_id=None, start=date(2026, 1, 1), due=date(2026, 4, 2), due_at=None,
                urgency="on_track")
    data.update(overrides)
    return DeadlineItem(**data)


# ------------------------------------------------------------------ the file


def test_calendar_header_and_one_all_day_event_per_deadline():
    items = [item(), item(kind="register_review", case_type="register", case_id=3, reference="TRT-2026-0003",
                          title="Paie", due=date(2026, 2, 27), urgency="late")]
    cal = parse(deadlines_ics(items, FR, calendar_name="DPO Desk — échéances", now=NOW))
    props = cal["props"]
    assert props["VERSION"][1] == "2.0" and props["CALSCALE"][1] == "GREGORIAN"
    assert props["METHOD"][1] == "PUBLISH" and props["PRODID"][1]
    assert props["X-WR-TIMEZONE"][1] == "Europe/Paris"
    assert _unescape(props["X-WR-CALNAME"][1]) == "DPO Desk — échéances"
    first, second = cal["events"]
    assert first["UID"][1] == "dpia_review-7-20260402@dpo-desk"
    assert first["DTSTAMP"][1] == "20260310T093000Z"
    assert first["DTSTART"] == (("VALUE=DATE",), "20260402")
    assert first["DTEND"] == (("VALUE=DATE",), "20260403")  # the next day: one whole day
    assert text(first, "SUMMARY") == f"{FR('overview.kind.dpia_review')} — AIPD-2026-0007 — Vidéoprotection"
    assert "02/04/2026" in text(first, "DESCRIPTION") and "AIPD-2026-0007" in text(first, "DESCRIPTION")
    assert FR("calendar.ics.late") not in text(first, "DESCRIPTION")
    assert FR("calendar.ics.late") in text(second, "DESCRIPTION")
    assert second["DTSTART"] == (("VALUE=DATE",), "20260227")
    (alarm,) = first["alarms"]
    assert alarm["ACTION"][1] == "DISPLAY" and alarm["TRIGGER"][1] == "-P1D" and alarm["DESCRIPTION"][1]


def test_the_same_deadline_keeps_its_uid_and_two_measures_of_one_dpia_due_the_same_day_do_not_collide():
    one = parse(deadlines_ics([item()], FR, calendar_name="x", now=NOW))["events"][0]["UID"]
    again = parse(deadlines_ics([item()], FR, calendar_name="x", now=NOW + timedelta(hours=5)))["events"][0]["UID"]
    assert one == again
    measures = [item(kind="dpia_measure", title="Chiffrer"), item(kind="dpia_measure", title="Purger"),
                item(kind="dpia_measure", title="Purger")]
    uids = [e["UID"][1] for e in parse(deadlines_ics(measures, FR, calendar_name="x", now=NOW))["events"]]
    assert uids[0] == "dpia_measure-7-20260402@dpo-desk" and len(set(uids)) == 3
    assert all(u.endswith("@dpo-desk") for u in uids)


def test_breach_clock_is_a_timed_event_in_utc_with_an_alarm_twelve_hours_before():
    due_at = datetime(2026, 3, 11, 23, 15, tzinfo=timezone.utc)  # 00:15 on 12 March in Paris
    clock = item(kind="breach_notification", case_type="breach", case_id=4, reference="VIO-2026-0004",
                 title="Courriel mal adressé", due=date(2026, 3, 12), due_at=due_at, urgency="soon")
    (event,) = parse(deadlines_ics([clock], FR, calendar_name="x", now=NOW))["events"]
    assert event["DTSTART"] == ((), "20260311T231500Z")
    assert "DTEND" not in event  # an instant, not a day
    assert event["UID"][1] == "breach_notification-4-20260312@dpo-desk"
    assert "12/03/2026 00:15" in text(event, "DESCRIPTION")  # shown in Paris time
    assert event["alarms"][0]["TRIGGER"][1] == "-PT12H"


def test_text_with_commas_semicolons_newlines_and_accents_is_escaped_folded_and_read_back_whole():
    title = ("Révision « données de santé » ; accès, rectification\\effacement\net portabilité — "
             "élèves, salariés ; œuvres sociales, ÉÈÀÇ ✓ 日本語 " * 3).strip()
    content = deadlines_ics([item(title=title)], FR, calendar_name="Agenda; DPO, Médicis", now=NOW)
    cal = parse(content)  # checks CRLF, 75 octets and whole UTF-8 characters per line
    (event,) = cal["events"]
    assert text(event, "SUMMARY").endswith(title)
    raw = event["SUMMARY"][1]
    assert "\\;" in raw and "\\," in raw and "\\n" in raw and "\\\\" in raw
    assert _unescape(cal["props"]["X-WR-CALNAME"][1]) == "Agenda; DPO, Médicis"
    assert content.count(b"\r\n ") > 3  # folded


def test_folding_counts_octets_not_characters():
    line = "SUMMARY:" + "é" * 100  # 2 octets each
    physical = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    assert "".join(p.decode("utf-8")[1 if i else 0:] for i, p in enumerate(physical)) == line
    assert fold("X:" + "a" * 73) == "X:" + "a" * 73  # exactly 75 octets: not folded


def test_a_link_to_the_case_is_added_when_given():
    (event,) = parse(deadlines_ics([item()], FR, calendar_name="x", now=NOW,
                                   link=calendar_feed.case_link("https://dpo.example.org/")))["events"]
    assert event["URL"] == (("VALUE=URI",), "https://dpo.example.org/dpia-detail?id=7")
    assert "https://dpo.example.org/dpia-detail?id=7" in text(event, "DESCRIPTION")


def test_english_calendar():
    en = Translator("en")
    (event,) = parse(deadlines_ics([item(urgency="late")], en, calendar_name="x", now=NOW))["events"]
    assert "Deadline: 2026-04-02" in text(event, "DESCRIPTION") and "LATE" in text(event, "DESCRIPTION")


# ------------------------------------------------------------------ use cases


@pytest.fixture
def requests(org):
    """A member's request (Customer Relations) and a staff member's (HR), routed by the insurer's rules."""
    with org.work() as session:
        demo_dsr.seed_routing(session)
    member = make_request(org)
    staff = make_request(org, relation="staff", requester_name="Thomas Roux", requester_contact="t.roux@example.org")
    assert member.department_id == org.departments["DRC"].id and staff.department_id == org.departments["RH"].id
    return member, staff


def _events(content: bytes) -> dict[str, dict]:
    return {e["UID"][1]: e for e in parse(content)["events"]}


def _uid(request) -> str:
    return f"dsr_answer-{request.id}-{request.due_on:%Y%m%d}@dpo-desk"


def _actions(org, action: str) -> list[AuditEntry]:
    with org.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_calendar_file_holds_the_actors_deadlines_without_personal_data_and_is_logged(org, requests):
    member, staff = requests
    with org.work() as session:
        content = calendar_feed.calendar_file(session, org.dpo, OverviewFilter(case_types=("dsr",)), "fr")
    events = _events(content)
    assert set(events) == {_uid(member), _uid(staff)}
    assert events[_uid(member)]["DTSTART"] == (("VALUE=DATE",), f"{member.due_on:%Y%m%d}")
    assert text(events[_uid(member)], "SUMMARY") == f"{FR('overview.kind.dsr_answer')} — {member.reference}"
    for personal in (b"Morel", b"Roux", b"example.org", "Copie de mes donn".encode()):
        assert personal not in content
    (entry,) = _actions(org, "calendar.exported")
    assert entry.actor_name == "dpo" and entry.details["items"] == 2


def test_a_department_heads_feed_never_holds_another_departments_request(org, requests):
    member, staff = requests
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.head_hr)
    with org.work() as session:
        content = calendar_feed.feed_for_token(session, token)
    assert _uid(staff) in _events(content)
    assert _uid(member) not in _events(content) and member.reference.encode() not in content
    with org.work() as session:
        own_file = calendar_feed.calendar_file(session, org.head_cr, OverviewFilter(), "fr")
    assert member.reference.encode() in own_file and staff.reference.encode() not in own_file


def test_feed_lifecycle_new_token_replaces_the_old_revoke_ends_it_and_each_step_is_logged(org, requests):
    with org.work() as session:
        assert not calendar_feed.has_feed(session, org.legal)
        first = calendar_feed.create_feed(session, org.legal)
    with org.work() as session:
        assert calendar_feed.has_feed(session, org.legal)
        assert calendar_feed.feed_for_token(session, first).startswith(b"BEGIN:VCALENDAR")
        second = calendar_feed.create_feed(session, org.legal)
    assert second != first and len(second) >= 40
    with org.work() as session:
        assert calendar_feed.feed_for_token(session, first) is None  # replaced: dead at once
        assert calendar_feed.feed_for_token(session, second) is not None
        calendar_feed.revoke_feed(session, org.legal)
    with org.work() as session:
        assert calendar_feed.feed_for_token(session, second) is None
        assert not calendar_feed.has_feed(session, org.legal)
        stored = [row.token_sha256 for row in session.exec(select(CalendarFeedToken))]
    assert first not in stored and second not in stored  # only digests are kept
    assert calendar_feed.token_digest(second) in stored
    created = _actions(org, "calendar.feed_created")
    assert [(e.actor_name, e.details["replaced"]) for e in created] == [("juriste", 0), ("juriste", 1)]
    assert [e.actor_name for e in _actions(org, "calendar.feed_revoked")] == ["juriste"]


def test_unknown_tokens_and_disabled_accounts_get_nothing(org, requests):
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.auditor)  # auditors read: they have a feed too
    with org.work() as session:
        assert calendar_feed.feed_for_token(session, token) is not None
        for forged in ("", "x", token[:-1], token + "x", "a" * 5000):
            assert calendar_feed.feed_for_token(session, forged) is None
        user = session.get(User, org.auditor.user_id)
        user.active = False
        session.add(user)
    with org.work() as session:
        assert calendar_feed.feed_for_token(session, token) is None


def test_a_password_reset_by_the_dpo_stops_the_users_feed(org, requests):
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.head_hr)
    with org.work() as session:
        users.reset_password(session, org.dpo, org.head_hr.user_id, "Temporaire-2026-xyz")
    with org.work() as session:
        assert calendar_feed.feed_for_token(session, token) is None
    assert [e.details for e in _actions(org, "users.reset_password")] == [{"calendar_feeds_revoked": 1}]


def test_feed_uses_the_users_language_and_records_when_it_was_last_read(org, requests):
    with org.work() as session:
        token = calendar_feed.create_feed(session, org.dpo)
        user = session.get(User, org.dpo.user_id)
        user.language = "en"
        session.add(user)
    with org.work() as session:
        english = calendar_feed.feed_for_token(session, token, base_url="http://desk.local:8501/")
    assert b"X-WR-CALNAME:DPO Desk \xe2\x80\x94 deadlines" in english
    assert b"URL;VALUE=URI:http://desk.local:8501/dsr-case?id=" in english
    with org.work() as session:
        french = calendar_feed.feed_for_token(session, token, "fr")
        assert "échéances".encode() in french
        row = session.exec(select(CalendarFeedToken)).one()
        assert row.last_used_at is not None


# ------------------------------------------------------------------ the account page


def _account_page(app_org, username):
    from tests.page_support import app_as, page_path

    at = app_as(app_org, username)
    at.switch_page(page_path("account.py")).run()
    assert not at.exception and not at.error
    return at


def test_account_page_without_the_feed_route_offers_the_file_only(app_org, monkeypatch):
    monkeypatch.setattr(calendar_feed, "_route_served", False)  # `streamlit run dashboard/app.py`
    at = _account_page(app_org, "chef.rh")
    assert "Calendrier des échéances" in [s.value for s in at.subheader]
    assert not [b for b in at.button if b.key == "calendar_feed_create"]
    assert FR("calendar.feed.unavailable") in [c.value for c in at.caption]


def test_account_page_creates_shows_once_and_revokes_the_feed_url(app_org, monkeypatch):
    monkeypatch.setattr(calendar_feed, "_route_served", True)  # what dashboard/server.py does
    at = _account_page(app_org, "chef.rh")
    at.button(key="calendar_feed_create").click().run()
    assert not at.exception and not at.error
    (shown,) = [c.value for c in at.code]
    assert "/api/calendar/" in shown and shown.endswith(".ics")
    token = shown.rsplit("/", 1)[1].removesuffix(".ics")
    assert FR("calendar.feed.warning") in [w.value for w in at.warning]
    with db.unit_of_work(app_org.engine) as session:
        assert calendar_feed.feed_for_token(session, token) is not None
    at.run()  # any later run: the address is not shown again
    assert not at.code and FR("calendar.feed.active") in [i.value for i in at.info]
    at.button(key="calendar_feed_revoke").click().run()
    assert FR("calendar.feed.revoked") in [s.value for s in at.success]
    with db.unit_of_work(app_org.engine) as session:
        assert calendar_feed.feed_for_token(session, token) is None
