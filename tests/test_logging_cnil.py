"""Issue 14 item 8, logging per the CNIL's recommendation on logging (délibération n° 2021-122
du 14 octobre 2021, « recommandation relative aux mesures de journalisation ») and OWASP ASVS
4.0.3 V7.1–V7.3: one read entry per opening of a case, searches of the trail logged, downloads
with their reason, bounded entries for visitors not signed in without losing the evidence,
alarms on anomalies for the DPO, a configurable retention that keeps the chain verifiable."""

from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import alarms, audit, audit_anonymous, auth, db
from dashboard.errors import NotAllowed
from dashboard.permissions import deny
from models.audit import AuditEntry
from models.types import utcnow
from tests.dsr.conftest import make_request
from tests.page_support import app_as, page_path


def _entries(engine, action: str) -> list[AuditEntry]:
    with db.new_session(engine) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_a_case_opened_once_is_one_read_entry_whatever_the_reruns(app_org):
    request = make_request(app_org)
    at = app_as(app_org, "juriste")
    at.session_state[f"dsr_reason_{request.id}"] = "Contrôle des délais de réponse"
    at.query_params["id"] = str(request.id)
    at.switch_page(page_path("dsr_case.py")).run()
    assert not at.exception and "Jeanne Morel" in " ".join(m.value for m in at.markdown)
    at.run()
    at.run()  # reruns (a widget touched, a tab opened): the same opening
    reads = _entries(app_org.engine, "personal_data.view")
    assert [(e.actor_name, e.object_id, e.reason) for e in reads] == [
        ("juriste", request.id, "Contrôle des délais de réponse")]
    at.switch_page(page_path("home.py")).run()
    at.switch_page(page_path("dsr_case.py")).run()  # opened again: a new read
    assert len(_entries(app_org.engine, "personal_data.view")) == 2


def test_each_new_search_of_the_audit_trail_is_logged_once(app_org):
    at = app_as(app_org, "dpo")
    at.switch_page(page_path("audit_trail.py")).run()
    assert _entries(app_org.engine, "audit.search") == []  # opening the page is not a search
    at.text_input(key="audit_text").input("chef.rh").run()
    at.run()
    at.text_input(key="audit_actor").input("dpo").run()
    searches = _entries(app_org.engine, "audit.search")
    assert [e.details["filter"] for e in searches] == [{"text": "chef.rh"}, {"text": "chef.rh", "actor": "dpo"}]
    assert {e.actor_name for e in searches} == {"dpo"}


def _forged(engine, token: str, now) -> None:
    with pytest.raises(auth.ForgedSession), db.unit_of_work(engine) as session:
        auth.resolve_session(session, token, now=now)


def test_forged_cookies_leave_bounded_entries_and_the_whole_count(engine):
    now = utcnow().replace(minute=1)
    for i in range(30):  # one attacker replaying the same forged cookie
        _forged(engine, "replayed-token", now + timedelta(seconds=i))
    assert len(_entries(engine, "auth.forged_session")) == audit_anonymous.PER_SOURCE
    for i in range(120):  # then rotating tokens
        _forged(engine, f"token-{i}", now + timedelta(seconds=60 + i))
    assert len(_entries(engine, "auth.forged_session")) == audit_anonymous.PER_ACTION
    with db.unit_of_work(engine) as session:
        assert audit_anonymous.attempts_since(session, "auth.forged_session", now) == 150
        audit_anonymous.summarise_closed(session, now + timedelta(minutes=16))
    bursts = _entries(engine, "audit.anonymous_burst")
    assert len(bursts) == 1  # 121 sources in the window: one summary naming the most active
    summary = bursts[0].details
    assert summary["count"] == 150 and summary["logged_one_by_one"] == 50 and summary["sources"] == 121
    assert list(summary["most_active"].values())[0] == 30
    with db.new_session(engine) as session:
        assert audit.verify_chain(session).intact


def test_failed_log_ins_of_one_name_are_summarised_after_the_window(engine, org):
    now = utcnow().replace(minute=20)
    for i in range(9):
        with pytest.raises(Exception), db.unit_of_work(engine) as session:
            auth.login(session, "intrus", "wrong password", now=now + timedelta(seconds=i))
    failed = _entries(engine, "auth.login_failed") + _entries(engine, "auth.login_locked")
    assert len(failed) == 9  # five failures, then four attempts while locked: each under the bound
    for i in range(20):
        with pytest.raises(Exception), db.unit_of_work(engine) as session:
            auth.login(session, "intrus", "wrong password", now=now + timedelta(seconds=10 + i))
    assert len(_entries(engine, "auth.login_locked")) == audit_anonymous.PER_SOURCE
    with db.unit_of_work(engine) as session:
        audit_anonymous.summarise_closed(session, now + timedelta(minutes=30))
    burst = _entries(engine, "audit.anonymous_burst")
    assert [(b.details["action"], b.details["source"], b.details["count"]) for b in burst] == [
        ("auth.login_locked", "intrus", 24)]


def test_the_dpo_sees_alarms_on_refusals_lockouts_forgeries_and_altered_documents(app_org):
    org = app_org
    for _ in range(alarms.REFUSALS):
        with pytest.raises(NotAllowed), org.work() as session:
            deny(session, org.head_hr, action="page:audit-trail")
    for i in range(6):
        with pytest.raises(Exception), org.work() as session:
            auth.login(session, "admin", f"guess {i}")
    _forged(org.engine, "forged", utcnow())
    with org.work() as session:
        audit.record(session, org.legal, "evidence.verify", details={"outcome": "altered"})
    with org.work() as session:
        assert alarms.security_alarms(session, org.legal) == []
        raised = alarms.security_alarms(session, org.dpo)
    assert [a.key for a in raised] == ["alarm.refusals", "alarm.lockouts", "alarm.forged_sessions",
                                       "alarm.altered_documents"]
    assert raised[0].params == {"user": "chef.rh", "count": 5} and raised[1].params["names"] == "admin"
    at = app_as(org, "dpo")
    shown = [e.value for e in at.error]
    assert any("chef.rh" in text and "5 refus" in text for text in shown), shown
    assert not [e for e in app_as(org, "juriste").error if "Alerte" in e.value]


