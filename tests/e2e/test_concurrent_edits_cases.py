"""No edit is lost, in the browser, for breaches, DPIAs and register entries (issue 13,
items 1 and 3). Two people open the same record's edit form; the first saves; the
second, who opened the form before that save, changes another field and saves: the
second save is refused with a message naming the first person, the second person's
input stays on screen, and the first person's change is what is stored. And a person
who types a breach's detection and awareness times and submits more than a minute
later keeps the times typed (the "now" default is fixed when the form opens).

Accountability, GDPR art. 5(2) and 33(5): the breach record and the register
(art. 30) must hold what was typed, and no one's change may be silently undone."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import auth, db, register
from dashboard.breach import records as breach_records
from dashboard.demo import activities as demo_activities
from dashboard.dpia import cases
from models.breach import Breach
from models.clock import paris_time, paris_today
from models.org import Department, Entity, User
from tests.breach.factories import facts
from tests.e2e.conftest import keyed, labelled, open_page, open_tab, press, signed_in, wait_idle

pytestmark = pytest.mark.browser

REFUSED = "dpo a modifié ce dossier"  # the audit trail names user A by their login


def _dpo(session):
    return auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())


@pytest.fixture(scope="module")
def records(database):
    """A breach and a DPIA of their own (other modules' tests use the demo ones), and
    a demo register entry whose name no other test reads."""
    with db.unit_of_work(database) as session:
        dpo = _dpo(session)
        org = SimpleNamespace(
            entities={"MEDICIS": session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()},
            departments={"DRC": session.exec(select(Department).where(Department.code == "DRC")).one()})
        data = facts(org, title="Fuite de test : deux personnes")
        data |= {name: data[name].replace(second=0) for name in ("detected_at", "aware_at", "started_at")}  # as typed
        breach = breach_records.declare(session, dpo, data)
        activity_id = demo_activities.activity_id(session, "it_logs")
        dpia = cases.create_dpia(session, dpo, {"activity_id": activity_id, "title": "AIPD de test : deux personnes"})
        return SimpleNamespace(breach_id=breach.id, dpia_id=dpia.id, activity_id=activity_id)


@pytest.fixture(scope="module")
def users(browser, app_url):
    """User A (the DPO) and user B (the lawyer), each logged in in a browser of their own."""
    yield from signed_in(browser, app_url, "dpo", "juriste")


def _open(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def _save(form) -> None:
    press(form.get_by_role("button", name="Enregistrer", exact=True), "save")


def _refused(page, field, typed: str) -> None:
    """B's save was refused, naming A; B's input is still on screen; B may reload."""
    expect(page.get_by_test_id("stAlertContentError").filter(has_text=REFUSED)).to_be_visible()
    expect(field).to_have_value(typed)
    expect(page.get_by_role("button", name="Recharger le dossier (abandonner ma saisie)")).to_be_visible()


def test_breach_facts_a_stale_save_is_refused_and_keeps_the_input(users, app_url, records, database):
    a, b = users
    url = f"{app_url}/breach?id={records.breach_id}"
    for page in (a, b):  # both open the edit form before anyone saves
        _open(page, url)
        page.get_by_text("Compléter ou corriger les faits").click()
        expect(page.locator(keyed("breach/facts_title") + " input")).to_be_visible()

    a.locator(keyed("breach/facts_title") + " input").fill("Fuite de test : intitulé corrigé par A")
    _save(a.get_by_test_id("stForm").filter(has=a.locator(keyed("breach/facts_title"))))
    expect(a.get_by_text("Enregistré.")).to_be_visible()
    expect(a.get_by_role("heading", name="Fuite de test : intitulé corrigé par A")).to_be_visible()

    description = b.locator(keyed("breach/facts_description") + " textarea")
    description.fill("Description réécrite par B")
    _save(b.get_by_test_id("stForm").filter(has=description))
    _refused(b, description, "Description réécrite par B")
    expect(b.get_by_text("champs modifiés : Intitulé)")).to_be_visible()  # what A changed

    with db.new_session(database) as session:
        stored = session.get(Breach, records.breach_id)
        assert stored.title == "Fuite de test : intitulé corrigé par A"
        assert stored.description != "Description réécrite par B"


def test_dpia_a_stale_save_is_refused_and_keeps_the_input(users, app_url, records, database):
    a, b = users
    url = f"{app_url}/dpia-detail?id={records.dpia_id}"
    with db.new_session(database) as session:  # the context prefilled from the register entry (issue 18)
        prefilled = cases.get_dpia(session, _dpo(session), records.dpia_id).answers.get(121, "")
    for page in (a, b):
        _open(page, url)
        expect(page.locator(keyed("dpia/q121") + " textarea")).to_be_visible()

    overview = a.locator(keyed("dpia/q111") + " textarea")
    overview.fill("Vue d'ensemble écrite par A")
    _save(a.get_by_test_id("stForm").filter(has=overview))
    expect(a.get_by_text("Enregistré.")).to_be_visible()

    data = b.locator(keyed("dpia/q121") + " textarea")
    data.fill("Données décrites par B")
    _save(b.get_by_test_id("stForm").filter(has=data))
    _refused(b, data, "Données décrites par B")

    with db.new_session(database) as session:
        view = cases.get_dpia(session, _dpo(session), records.dpia_id)
    assert view.answers.get(111) == "Vue d'ensemble écrite par A"
    assert view.answers.get(121, "") == prefilled != "Données décrites par B"


def test_register_entry_a_stale_save_is_refused_and_keeps_the_input(users, app_url, records, database):
    a, b = users
    url = f"{app_url}/register-activity?id={records.activity_id}"
    for page in (a, b):
        _open(page, url)
        open_tab(page, "Modifier")
        expect(page.locator(keyed("register/description") + " textarea")).to_be_visible()
    with db.new_session(database) as session:
        before = register.get_activity(session, _dpo(session), records.activity_id).content

    a.locator(keyed("register/description") + " textarea").fill("Description mise à jour par A")
    _save(a.get_by_test_id("stForm").filter(has=a.locator(keyed("register/description"))))
    expect(a.get_by_text("Fiche enregistrée")).to_be_visible()

    name = b.locator(keyed("register/name") + " input")
    name.fill("Nom changé par B")
    _save(b.get_by_test_id("stForm").filter(has=name))
    _refused(b, name, "Nom changé par B")

    with db.new_session(database) as session:
        after = register.get_activity(session, _dpo(session), records.activity_id).content
    assert after.description == "Description mise à jour par A"
    assert after.name == before.name


def _type_when(page, label: str, when: datetime) -> None:
    """Type a date and time into the datetime widget shown with this label, one segment at a time."""
    values = {"day": f"{when:%d}", "month": f"{when:%m}", "year": f"{when:%Y}", "hour": f"{when:%H}",
              "minute": f"{when:%M}"}
    segments = labelled(page, "stDateTimeInput", label).locator("[role='spinbutton']")
    expect(segments.first).to_be_visible()
    labels = [(segment.get_attribute("aria-label") or "").lower() for segment in segments.all()]
    typed = 0
    for index, label in enumerate(labels):
        name = next((n for n in values if label.startswith(n)), None)
        if name:
            segments.nth(index).click()
            page.keyboard.type(values[name])
            typed += 1
    assert typed == 5, labels
    page.keyboard.press("Tab")


def test_a_slow_person_keeps_the_detection_and_awareness_times_typed(users, app_url, database, let_a_minute_pass):
    """Issue 13 item 1: the default "now" no longer replaces what was typed a minute before the submit."""
    a, _ = users
    open_page(a, "Violations de données")
    open_tab(a, "Déclarer une violation")
    day = paris_today() - timedelta(days=1)
    detected, aware = datetime(day.year, day.month, day.day, 8, 5), datetime(day.year, day.month, day.day, 9, 15)
    a.locator(keyed("breach_declare/title") + " input").fill("Fuite de test : déclarée lentement")
    a.locator(keyed("breach_declare/description") + " textarea").fill("Déclarée par une personne qui prend son temps.")
    a.locator(keyed("breach_declare/confidentiality")).get_by_text("Confidentialité").click()
    _type_when(a, "Détection", detected)
    _type_when(a, "Prise de connaissance (début du délai de 72 h)", aware)
    let_a_minute_pass(a)  # a slow person: the clock minute the form was drawn and typed in has passed
    press(a.get_by_role("button", name="Déclarer la violation"))
    expect(a.get_by_role("heading", name="Fuite de test : déclarée lentement")).to_be_visible()

    with db.new_session(database) as session:
        stored = session.exec(select(Breach).where(Breach.title == "Fuite de test : déclarée lentement")).one()
        assert paris_time(stored.detected_at).replace(tzinfo=None) == detected
        assert paris_time(stored.aware_at).replace(tzinfo=None) == aware
