"""E-mail notifications in the browser: the action in the app, the worker's pass run here
against the e2e database (what `manage.py worker` runs), the mail read back from a real
SMTP server on localhost, and its link followed in the browser."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db
from dashboard.dsr import intake
from dashboard.mail import worker
from models.dsr import DataSubjectRequest
from models.mail import MailPreference
from models.org import Entity, User
from models.types import utcnow
from tests.conftest import actor_named
from tests.e2e.conftest import choose, keyed, login, no_traceback, open_tab, press, wait_idle
from tests.mail.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def e2e_engine(app_url, e2e_database_url):
    engine = db.make_engine(e2e_database_url)
    yield engine
    engine.dispose()


def go(page, app_url: str, path: str) -> None:
    """Open a page by its address (a sidebar link can stay "unstable" for long on a loaded machine)."""
    page.goto(f"{app_url}/{path}")
    wait_idle(page)


def run_worker(engine, smtp_server, app_url):
    return worker.tick(engine, settings=smtp_server.settings(), base_url=app_url)


def mails_about(smtp_server, reference: str):
    return [m for m in smtp_server.messages if reference in m.subject]


def heads_of(engine, reference: str) -> list[str]:
    from dashboard.mail.outbox import department_heads

    with db.new_session(engine) as session:
        request = session.exec(select(DataSubjectRequest).where(DataSubjectRequest.reference == reference)).one()
        return sorted(u.email for u in department_heads(session, request.department_id))


def link_in(body: str) -> str:
    return re.search(r"(http://\S+\?id=\d+)", body).group(1)


def test_a_request_routed_in_the_app_mails_its_head_without_personal_data(page, app_url, e2e_engine, smtp_server):
    login(page, app_url, "dpo")
    go(page, app_url, "dsr-new")
    choose(page, "dsr_new_entity", "Mutuelle Médicis")  # routing rules are per entity (issue 18)
    page.locator(keyed("dsr_new/name") + " input").fill("Apolline Courrielle")
    page.locator(keyed("dsr_new/contact") + " input").fill("apolline.courrielle@example.org")
    choose(page, "dsr_new/rights", "Accès", exact=True)
    page.keyboard.press("Escape")
    press(page.get_by_role("button", name="Enregistrer la demande", exact=True))
    wait_idle(page)
    page.get_by_text(re.compile(r"^Demande DSR-\d{4}-\d{4} enregistrée\.$")).wait_for()
    heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"^DSR-\d{4}-\d{4} — "))
    expect(heading).to_be_visible()
    reference = heading.inner_text().split(" — ")[0]
    heads = heads_of(e2e_engine, reference)
    assert heads, "the demo routing rules route this request to a department"

    run_worker(e2e_engine, smtp_server, app_url)
    received = mails_about(smtp_server, reference)
    assert sorted(m.to[0] for m in received) == heads
    for message in received:
        assert "Apolline" not in message.raw and "courrielle@example.org" not in message.raw
    with db.new_session(e2e_engine) as session:  # another browser test may have changed a head's address
        head = session.exec(select(User.username).where(User.email == heads[0])).first()
    login(page, app_url, head, at=link_in(received[0].body))  # the head, signed out, follows the mail's link
    expect(page).to_have_url(link_in(received[0].body))  # and is on the case once signed in
    expect(page.get_by_role("heading", level=1).filter(has_text=reference)).to_be_visible()
    no_traceback(page)


def test_a_deadline_reminder_reaches_the_head_and_its_link_opens_the_case(page, app_url, e2e_engine, smtp_server):
    with db.unit_of_work(e2e_engine) as session:
        medicis = session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()
        request = intake.create_request(session, actor_named(e2e_engine, "dpo"), {
            "entity_id": medicis.id, "channel": "email", "received_at": utcnow() - timedelta(days=28),
            "requester_name": "Basile Rappel", "requester_contact": "basile.rappel@example.org",
            "relation": "member", "rights": ["access"]})
        reference, due = request.reference, request.due_on
    run_worker(e2e_engine, smtp_server, app_url)
    reminders = [m for m in mails_about(smtp_server, reference) if "échéance" in m.subject]
    assert reminders, [m.subject for m in smtp_server.messages if reference in m.subject]
    assert sorted(m.to[0] for m in reminders) == heads_of(e2e_engine, reference)
    assert due.strftime("%d/%m/%Y") in reminders[0].body
    assert "Basile" not in reminders[0].raw and "rappel@example.org" not in reminders[0].raw
    run_worker(e2e_engine, smtp_server, app_url)  # the next pass: not again
    assert len([m for m in mails_about(smtp_server, reference) if "échéance" in m.subject]) == len(reminders)

    login(page, app_url, reminders[0].to[0].split("@")[0], at=link_in(reminders[0].body))
    expect(page.get_by_role("heading", level=1).filter(has_text=reference)).to_be_visible()


def test_a_breach_declared_by_a_head_alerts_the_dpo_and_legal(page, app_url, e2e_engine, smtp_server):
    title = "Armoire de dossiers du personnel restée ouverte"
    login(page, app_url, "chef.rh")
    go(page, app_url, "breaches")
    open_tab(page, "Déclarer une violation")
    page.locator(keyed("breach_declare/title") + " input").fill(title)
    page.locator(keyed("breach_declare/description") + " textarea").fill("Dossiers de Mme Lemaire consultables.")
    page.locator(keyed("breach_declare/confidentiality")).get_by_text("Confidentialité").click()
    press(page.get_by_test_id("stForm").filter(has=page.locator(keyed("breach_declare/title")))
          .get_by_test_id("stBaseButton-primaryFormSubmit"))
    wait_idle(page)
    heading = page.get_by_role("heading", name=title)
    expect(heading).to_have_text(re.compile(r"^VIO-\d{4}-\d{4} — "))
    reference = heading.inner_text().split(" — ")[0]
    # The app under test has no SMTP server configured: it says so instead of promising a mail.
    expect(page.get_by_text(f"Violation {reference} déclarée. Aucun serveur de courriel")).to_be_visible()
    expect(page.get_by_text("informé par le registre")).to_have_count(0)

    run_worker(e2e_engine, smtp_server, app_url)
    alerts = mails_about(smtp_server, reference)
    assert sorted(m.to[0] for m in alerts) == ["dpo@mutuelle-medicis.fr", "juriste@mutuelle-medicis.fr"]
    for alert in alerts:
        assert "72 heures" in alert.body
        assert title not in alert.raw and "Lemaire" not in alert.raw


def test_the_preference_form_switches_an_event_off(page, app_url, e2e_engine, smtp_server):
    login(page, app_url, "chef.rh")
    go(page, app_url, "account")
    box = page.locator(".st-key-mail_pref_request_routed")
    expect(box.locator("input")).to_be_checked()
    box.get_by_text("Demande confiée à mon service").click()
    page.locator(".st-key-mail_pref_language").get_by_text("Anglais").click()
    press(page.get_by_role("button", name="Enregistrer mes préférences"))
    wait_idle(page)
    expect(page.get_by_text("Préférences de courriel enregistrées.")).to_be_visible()
    page.reload()
    wait_idle(page)
    expect(page.locator(".st-key-mail_pref_request_routed input")).not_to_be_checked()
    no_traceback(page)
    try:
        with db.unit_of_work(e2e_engine) as session:  # a staff member's request: routed to HR
            medicis = session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()
            request = intake.create_request(session, actor_named(e2e_engine, "dpo"), {
                "entity_id": medicis.id, "channel": "email", "received_at": utcnow() - timedelta(days=1),
                "requester_name": "Chloé Préférence", "relation": "staff", "rights": ["access"]})
            reference = request.reference
        with db.new_session(e2e_engine) as session:  # his address as it is now (another test may change it)
            address = session.exec(select(User).where(User.username == "chef.rh")).one().email
        assert heads_of(e2e_engine, reference) == [address]
        run_worker(e2e_engine, smtp_server, app_url)
        assert mails_about(smtp_server, reference) == []  # switched off: not mailed
    finally:
        with db.unit_of_work(e2e_engine) as session:  # the shared demo database as it was
            user = session.exec(select(User).where(User.username == "chef.rh")).one()
            for row in session.exec(select(MailPreference).where(MailPreference.user_id == user.id)):
                session.delete(row)
