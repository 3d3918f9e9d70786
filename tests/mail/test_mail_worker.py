"""The outbox, the worker and the SMTP sending, against a real SMTP server (aiosmtpd) on
localhost, on SQLite and PostgreSQL."""

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlmodel import select

from dashboard.demo import dsr as demo_dsr
from dashboard.dsr import workflow
from dashboard.mail import preferences, worker
from dashboard.mail.smtp import SmtpSettings
from models import mail
from models.clock import PARIS
from models.mail import MailOutbox
from tests.breach.factories import declare
from tests.dsr.conftest import make_request
from tests.mail.smtp_server import SmtpServer, free_port

BASE = "https://dpo.example.fr"
REQUESTER = ("Jeanne Morel", "jeanne.morel@example.org", "Copie de mes données")
HEAD_DRC = "chef.relation@mutuelle-medicis.fr"


@pytest.fixture
def routed(org):
    with org.work() as session:
        demo_dsr.seed_routing(session)
    return org


def rows(org, **where) -> list[MailOutbox]:
    with org.session() as session:
        query = select(MailOutbox).order_by(MailOutbox.id)
        for name, value in where.items():
            query = query.where(getattr(MailOutbox, name) == value)
        return list(session.exec(query).all())


def paris_morning(day) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=PARIS).astimezone(timezone.utc)


def assert_no_personal_data(text: str) -> None:
    for secret in REQUESTER:
        assert secret not in text


def test_a_routed_request_mails_the_head_with_reference_and_link_only(routed, smtp_server):
    request = make_request(routed)  # a Médicis member: routed to Customer Relations (DRC)
    [row] = rows(routed, event=mail.REQUEST_ROUTED)
    assert row.status == mail.PENDING and row.case_reference == request.reference
    outcome = worker.deliver(routed.engine, settings=smtp_server.settings(), base_url=BASE)
    assert outcome == {mail.SENT: 1}
    [received] = smtp_server.messages
    assert received.to == [HEAD_DRC]
    assert request.reference in received.subject
    assert f"{BASE}/dsr-case?id={request.id}" in received.body
    assert_no_personal_data(received.raw)
    [row] = rows(routed, event=mail.REQUEST_ROUTED)
    assert (row.status, row.attempts, row.recipient_email) == (mail.SENT, 1, HEAD_DRC) and row.sent_at
    assert worker.deliver(routed.engine, settings=smtp_server.settings(), base_url=BASE) == {}  # not twice


def test_rolled_back_action_sends_nothing(routed):
    with pytest.raises(RuntimeError):
        with routed.work() as session:
            from dashboard.dsr import intake

            intake.create_request(session, routed.dpo, {
                "entity_id": routed.entities["MEDICIS"].id, "channel": "email",
                "received_at": datetime.now(timezone.utc) - timedelta(days=1), "requester_name": "Jeanne Morel",
                "relation": "member", "rights": ["access"]})
            assert rows  # the row exists inside the transaction...
            raise RuntimeError("the action fails after the use case")
    assert rows(routed) == []  # ...and went with it


def test_rerouting_mails_the_new_department(routed, smtp_server):
    request = make_request(routed)
    with routed.work() as session:
        workflow.reassign(session, routed.dpo, request.id, request.version, routed.departments["RH"].id)
    worker.deliver(routed.engine, settings=smtp_server.settings(), base_url=BASE)
    assert [m.to for m in smtp_server.messages] == [[HEAD_DRC], ["chef.rh@mutuelle-medicis.fr"]]


def test_breach_declared_mails_dpo_and_legal_at_once_without_its_facts(org, smtp_server):
    breach = declare(org, actor=org.head_hr)
    worker.deliver(org.engine, settings=smtp_server.settings(), base_url=BASE)
    assert sorted(m.to[0] for m in smtp_server.messages) == ["dpo@mutuelle-medicis.fr",
                                                              "juriste@mutuelle-medicis.fr"]
    for received in smtp_server.messages:
        assert breach.reference in received.subject
        assert f"{BASE}/breach?id={breach.id}" in received.body
        for fact in ("Courriel envoyé au mauvais destinataire", "remboursements", "Usurpation", "Adhérents"):
            assert fact not in received.raw


def test_without_smtp_mails_are_recorded_as_not_configured(routed):
    make_request(routed)
    outcome = worker.deliver(routed.engine, settings=SmtpSettings("", 25, "none", "", "", "x@y"), base_url="")
    assert outcome == {mail.NOT_CONFIGURED: 1}
    assert [r.status for r in rows(routed)] == [mail.NOT_CONFIGURED]


def test_a_failed_send_is_retried_with_back_off_once_the_server_is_up(routed):
    make_request(routed)
    server = SmtpServer(free_port())  # not started: the connection is refused
    now = datetime.now(timezone.utc)
    assert worker.deliver(routed.engine, now, settings=server.settings()) == {mail.PENDING: 1}
    [row] = rows(routed)
    assert row.attempts == 1 and row.last_error and row.status == mail.PENDING
    assert worker.deliver(routed.engine, now + timedelta(seconds=30), settings=server.settings()) == {}  # back-off
    server.start()
    try:
        assert worker.deliver(routed.engine, now + timedelta(minutes=2), settings=server.settings()) == {mail.SENT: 1}
    finally:
        server.stop()
    [row] = rows(routed)
    assert (row.status, row.attempts, row.last_error) == (mail.SENT, 2, "")
    assert len(server.messages) == 1


def test_a_mail_is_given_up_after_its_attempts_and_shown_to_the_dpo(routed):
    from dashboard.mail import log

    make_request(routed)
    down = SmtpServer(free_port()).settings()
    moment = datetime.now(timezone.utc)
    for _ in range(mail.MAX_ATTEMPTS):
        worker.deliver(routed.engine, moment, settings=down)
        moment += timedelta(hours=3)
    [row] = rows(routed)
    assert (row.status, row.attempts) == (mail.FAILED, mail.MAX_ATTEMPTS)
    with routed.session() as session:
        assert log.failure_count(session, routed.dpo) == 1
        assert log.failure_count(session, routed.head_cr) == 0
        page = log.mail_log(session, routed.dpo, failures_only=True)
        assert [(r.recipient, r.status) for r in page.rows] == [("chef.relation", mail.FAILED)]


def test_a_row_left_sending_by_a_dead_worker_is_never_sent_again(routed, smtp_server):
    make_request(routed)
    now = datetime.now(timezone.utc)
    assert worker._claim_due(routed.engine, now)  # claimed, then the worker dies
    assert worker.recover_interrupted(routed.engine, now + timedelta(minutes=5)) == 0
    assert worker.recover_interrupted(routed.engine, now + timedelta(minutes=20)) == 1
    assert worker.deliver(routed.engine, now + timedelta(hours=1), settings=smtp_server.settings()) == {}
    assert smtp_server.messages == []
    assert [(r.status, r.last_error) for r in rows(routed)] == [(mail.FAILED, "interrupted")]


def test_request_reminders_at_thresholds_then_overdue_escalated(routed, smtp_server):
    request = make_request(routed)
    worker.deliver(routed.engine, settings=smtp_server.settings())  # the routing mail
    due = request.due_on
    for days_before, level in ((10, None), (7, "d-7"), (5, None), (3, "d-3"), (1, "d-1")):
        claimed = worker.schedule_reminders(routed.engine, paris_morning(due - timedelta(days=days_before)))
        assert claimed == (1 if level else 0), days_before
    assert worker.schedule_reminders(routed.engine, paris_morning(due - timedelta(days=1))) == 0  # at most once
    reminders = rows(routed, event=mail.DSR_DEADLINE)
    assert [r.threshold.split(":")[1] for r in reminders] == ["d-7", "d-3", "d-1"]
    assert {r.recipient_id for r in reminders} == {routed.head_cr.user_id}
    assert worker.schedule_reminders(routed.engine, paris_morning(due + timedelta(days=2))) == 2
    overdue = rows(routed, event=mail.DSR_OVERDUE)
    assert {r.recipient_id for r in overdue} == {routed.head_cr.user_id, routed.dpo.user_id}
    worker.deliver(routed.engine, paris_morning(due + timedelta(days=2)), settings=smtp_server.settings(),
                   base_url=BASE)
    assert len(smtp_server.messages) == 1 + 3 + 2
    dpo_mail = smtp_server.to("dpo@mutuelle-medicis.fr")[0]
    assert request.reference in dpo_mail.subject and "dépassée" in dpo_mail.subject
    for received in smtp_server.messages:
        assert_no_personal_data(received.raw)


def test_breach_clock_reminders_in_hours(org, smtp_server):
    breach = declare(org, hours_ago=10)
    worker.deliver(org.engine, settings=smtp_server.settings())  # the declaration mails
    deadline = breach.notification_deadline.replace(tzinfo=timezone.utc)
    assert worker.schedule_reminders(org.engine, deadline - timedelta(hours=30)) == 0
    assert worker.schedule_reminders(org.engine, deadline - timedelta(hours=20)) == 2  # DPO and legal, h-24
    assert worker.schedule_reminders(org.engine, deadline - timedelta(hours=11)) == 2  # h-12
    assert worker.schedule_reminders(org.engine, deadline - timedelta(minutes=30)) == 2  # h-1
    assert worker.schedule_reminders(org.engine, deadline + timedelta(minutes=1)) == 2  # run out
    levels = sorted({r.threshold.split(":")[1] for r in rows(org, event=mail.BREACH_CLOCK)})
    assert levels == ["h-1", "h-12", "h-24", "overdue"]


def test_preferences_choose_events_and_language(routed, smtp_server):
    with routed.work() as session:
        saved = preferences.save_preferences(session, routed.head_cr, {
            "enabled": [e for e in mail.ROLE_EVENTS["department_head"] if e != mail.REQUEST_ROUTED],
            "language": "en"})
    assert mail.REQUEST_ROUTED not in saved.enabled and saved.language == "en"
    request = make_request(routed)
    assert rows(routed) == []  # switched off: nothing enqueued
    moment = paris_morning(request.due_on - timedelta(days=3))
    worker.schedule_reminders(routed.engine, moment)
    worker.deliver(routed.engine, moment, settings=smtp_server.settings())
    [received] = smtp_server.messages
    assert "in 3 days" in received.subject  # English, as chosen


def test_preferences_refuse_unknown_events(org):
    from dashboard.validation import InvalidInput

    with pytest.raises(InvalidInput):
        with org.work() as session:
            preferences.save_preferences(session, org.head_cr, {"enabled": ["everything"], "language": "fr"})
    with pytest.raises(InvalidInput):
        with org.work() as session:
            preferences.save_preferences(session, org.head_cr, {"enabled": [], "language": "de"})


def test_weekly_digest_once_per_week(routed, smtp_server):
    make_request(routed)
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)  # 08:00 in Paris
    claimed = worker.schedule_digests(routed.engine, monday)
    assert claimed == 5  # the DPO and the four department heads (legal has no digest)
    assert worker.schedule_digests(routed.engine, monday + timedelta(days=2)) == 0
    worker.deliver(routed.engine, monday, settings=smtp_server.settings(), base_url=BASE)
    digests = [m for m in smtp_server.messages if "2026-W49" in m.subject]
    assert len(digests) == 5
    for received in digests:
        assert_no_personal_data(received.raw)


def test_a_head_without_address_is_recorded_not_retried_and_listed_for_the_dpo(routed, smtp_server):
    from dashboard.mail import log
    from models.org import User

    with routed.work() as session:
        head = session.get(User, routed.head_cr.user_id)
        head.email = ""
        session.add(head)
    make_request(routed)
    assert worker.deliver(routed.engine, settings=smtp_server.settings()) == {mail.NO_ADDRESS: 1}
    assert smtp_server.messages == []
    with routed.session() as session:
        assert log.failure_count(session, routed.dpo) == 0  # no banner: nothing failed to send
        page = log.mail_log(session, routed.dpo, failures_only=True)
        assert [(r.recipient, r.status) for r in page.rows] == [("chef.relation", mail.NO_ADDRESS)]


def test_register_review_and_processor_audit_reminders_come_from_the_overview_sources(org):
    """Other kinds of deadline: the register's yearly review (the DPO and the department's
    head) and a processor audit (the DPO), read from the same sources as the overview."""
    from dashboard.demo import activities as demo_activities
    from dashboard.demo import processors as demo_processors
    from models.clock import paris_today
    from models.processing import ProcessingActivity
    from models.processor import Processor

    with org.work() as session:
        demo_activities.seed(session)
        demo_processors.seed(session)
    due = paris_today() + timedelta(days=60)  # far from the demo's own dates
    with org.work() as session:
        activity = session.exec(select(ProcessingActivity).where(
            ProcessingActivity.department_id == org.departments["RH"].id).order_by(ProcessingActivity.id)).first()
        activity.next_review_on = due
        processor = session.exec(select(Processor).where(Processor.status != "ended")
                                 .order_by(Processor.id)).first()
        processor.next_audit_date = due
        session.add_all([activity, processor])
        activity_id, processor_id = activity.id, processor.id
    worker.schedule_reminders(org.engine, paris_morning(due - timedelta(days=3)))
    review = [r for r in rows(org, event=mail.REGISTER_REVIEW) if r.case_id == activity_id]
    assert {r.recipient_id for r in review} == {org.dpo.user_id, org.head_hr.user_id}
    assert {r.threshold for r in review} == {f"register_review:d-3:{due.isoformat()}"}
    audit = [r for r in rows(org, event=mail.PROCESSOR_AUDIT) if r.case_id == processor_id]
    assert [r.recipient_id for r in audit] == [org.dpo.user_id]
    assert audit[0].kind == "processor_audit" and audit[0].case_type == "processor"


def test_contract_notice_objection_window_dpia_review_and_measure_reminders(org, smtp_server):
    """The other deadlines the issue names: a contract's notice date and a sub-processor
    objection window (the DPO), a DPIA's review date and an action-plan measure (the DPO and
    the heads of the DPIA's department), each read from the overview's sources and mailed
    with the case reference and link, not the measure's or sub-processor's wording."""
    from dashboard.demo import activities as demo_activities
    from dashboard.demo import dpia as demo_dpia
    from dashboard.demo import processors as demo_processors
    from dashboard.mail import outbox
    from models.clock import paris_today
    from models.dpia import Dpia, DpiaMeasure
    from models.dpia_rules import OPEN_ACTION_STATUSES
    from models.processing import ProcessingActivity
    from models.processor import Processor, ProcessorContract, SubProcessor

    with org.work() as session:
        demo_activities.seed(session)
        demo_processors.seed(session)
        demo_dpia.seed(session)
    due = paris_today() + timedelta(days=60)  # far from the demo's own dates
    with org.work() as session:
        contract = session.exec(select(ProcessorContract).where(ProcessorContract.status == "active")
                                .order_by(ProcessorContract.id)).first()
        contract.notice_date = due
        sub = session.exec(select(SubProcessor).order_by(SubProcessor.id)).first()
        sub.status, sub.notified_on, sub.objection_deadline = "notified", paris_today(), due
        reviewed = session.exec(select(Dpia).where(Dpia.status == "validated").order_by(Dpia.id)).first()
        reviewed.review_date = due
        measure = session.exec(select(DpiaMeasure).join(Dpia, Dpia.id == DpiaMeasure.dpia_id).where(
            DpiaMeasure.status.in_(sorted(OPEN_ACTION_STATUSES)), Dpia.status != "archived")
            .order_by(DpiaMeasure.id)).first()
        measure.due_date = due
        session.add_all([contract, sub, reviewed, measure])
        session.flush()
        secrets = (sub.name, measure.title)
        expected = {"contract_notice": (contract.processor_id, {org.dpo.user_id}),
                    "objection_window": (sub.processor_id, {org.dpo.user_id})}
        for kind, dpia_id in (("dpia_review", reviewed.id), ("dpia_measure", measure.dpia_id)):
            dpia = session.get(Dpia, dpia_id)
            department_id = session.get(ProcessingActivity, dpia.activity_id).department_id
            heads = {u.id for u in outbox.department_heads(session, department_id)}
            assert heads, kind  # the demo's DPIAs belong to departments with a head
            expected[kind] = (dpia_id, {org.dpo.user_id} | heads)
        references = {"processor": session.get(Processor, contract.processor_id).reference}
    moment = paris_morning(due - timedelta(days=3))
    worker.schedule_reminders(org.engine, moment)
    events = {"contract_notice": mail.CONTRACT, "objection_window": mail.OBJECTION_WINDOW,
              "dpia_review": mail.DPIA, "dpia_measure": mail.DPIA}
    threshold_rows = {}
    for kind, (case_id, recipients) in expected.items():
        found = [r for r in rows(org, event=events[kind], kind=kind) if r.case_id == case_id
                 and r.threshold == f"{kind}:d-3:{due.isoformat()}"]
        assert {r.recipient_id for r in found} == recipients, kind
        threshold_rows[kind] = found
    assert worker.schedule_reminders(org.engine, moment + timedelta(hours=2)) == 0  # at most once
    worker.deliver(org.engine, moment, settings=smtp_server.settings(), base_url=BASE)
    notice = [m for m in smtp_server.to("dpo@mutuelle-medicis.fr") if references["processor"] in m.subject]
    assert notice and any(f"{BASE}/processor?id={expected['contract_notice'][0]}" in m.body for m in notice)
    for received in smtp_server.messages:
        for secret in secrets:
            assert secret not in received.raw


def test_an_unexpected_error_fails_that_mail_and_the_others_still_go(routed, smtp_server, monkeypatch):
    from dashboard.mail import compose as compose_module

    make_request(routed)
    make_request(routed, requester_name="Paul Durand")
    real = compose_module.compose
    calls = []

    def flaky(row, *args, **kwargs):
        calls.append(row.id)
        if len(calls) == 1:
            raise KeyError("a bug")
        return real(row, *args, **kwargs)

    monkeypatch.setattr(worker, "compose", flaky)
    assert worker.deliver(routed.engine, settings=smtp_server.settings()) == {mail.FAILED: 1, mail.SENT: 1}
    assert len(smtp_server.messages) == 1
    assert sorted(r.status for r in rows(routed)) == [mail.FAILED, mail.SENT]
