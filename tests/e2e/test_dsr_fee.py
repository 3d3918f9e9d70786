"""A reasonable fee (Arts. 12(5)(a) and 15(3)) in the browser, by two people at once: the DPO
and the lawyer open the same request's fee form; the DPO records a fee; the lawyer, whose form
predates it, records another: refused, naming the DPO, the lawyer's input kept on screen, and
only the DPO's fee stored. Then the request cannot be closed until the fee has ended."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import auth, db
from dashboard.dsr import intake
from models.dsr import DataSubjectRequest
from models.dsr_fee import DsrFee
from models.org import Entity, User
from models.types import utcnow
from tests.e2e.conftest import choose, keyed, open_tab, press, signed_in, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def request_id(database) -> int:
    """An access request of its own (other modules' tests use the demo ones)."""
    with db.unit_of_work(database) as session:
        dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
        medicis = session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()
        request = intake.create_request(session, dpo, {
            "entity_id": medicis.id, "channel": "letter", "received_at": utcnow(), "relation": "member",
            "requester_name": "Paul Frais-Test", "requester_contact": "3 rue du Test, 75001 Paris",
            "rights": ["access"], "description": "Une seconde copie papier de mon dossier, s'il vous plaît."})
        return request.id


@pytest.fixture(scope="module")
def users(browser, app_url):
    """User A (the DPO) and user B (the lawyer), each signed in in a browser of their own."""
    yield from signed_in(browser, app_url, "dpo", "juriste")


def _open_fee_form(page, url: str, states_a_reason: bool) -> None:
    page.goto(url)
    wait_idle(page)
    if states_a_reason:  # the lawyer is not the assignee
        reason = page.locator(".st-key-dsr_reason_input input")
        expect(reason).to_be_visible()
        reason.fill("Contrôle des frais demandés")
        press(page.get_by_role("button", name="Afficher le dossier"), "show the request")
        wait_idle(page)
    open_tab(page, "Étapes")
    page.get_by_text("Frais raisonnables (art. 12.5 a et 15.3)").click()
    expect(page.locator(keyed("dsr/fee_cost_basis") + " textarea")).to_be_visible()


def _fill(page, basis: str, amount: str, cost_basis: str, reasons: str = "") -> None:
    choose(page, "dsr/fee_basis", basis)
    page.locator(keyed("dsr/fee_amount") + " input").fill(amount)
    page.locator(keyed("dsr/fee_cost_basis") + " textarea").fill(cost_basis)
    if reasons:
        page.locator(keyed("dsr/fee_reasons") + " textarea").fill(reasons)


def _fees(database, request_id) -> list[tuple[str, int, str]]:
    with db.new_session(database) as session:
        return [(f.basis, f.amount_cents, f.state) for f in session.exec(
            select(DsrFee).where(DsrFee.request_id == request_id).order_by(DsrFee.id))]


def test_a_second_fee_from_a_stale_form_is_refused_and_the_request_waits_for_the_fee(users, app_url, request_id,
                                                                                        database):
    a, b = users
    url = f"{app_url}/dsr-case?id={request_id}"
    for page in (a, b):  # both open the fee form before anyone records a fee
        _open_fee_form(page, url, states_a_reason=page is b)

    _fill(a, "Copie supplémentaire", "8.40", "Seconde copie papier : 84 pages à 0,05 € et envoi recommandé 4,20 €.")
    press(a.get_by_role("button", name="Enregistrer les frais notifiés"), "record the fee")
    expect(a.get_by_text("Enregistré.")).to_be_visible()
    expect(a.get_by_text("Frais de 8,40 € notifiés le")).to_be_visible()

    typed = "Septième demande identique en deux mois, chacune déjà satisfaite."
    _fill(b, "Demande excessive", "40", "Deux heures de recherche à 20 € l'heure.", typed)
    press(b.get_by_role("button", name="Enregistrer les frais notifiés"), "record another fee")

    expect(b.get_by_test_id("stAlertContentError").filter(has_text="dpo a modifié ce dossier")).to_be_visible()
    expect(b.locator(keyed("dsr/fee_reasons") + " textarea")).to_have_value(typed)
    assert _fees(database, request_id) == [("further_copy", 840, "notified")]

    # Both reload and see the fee awaiting its answer. The DPO cannot close meanwhile; then the DPO
    # records the payment while the lawyer, from the same view, records a waiver: refused.
    press(b.get_by_role("button", name="Recharger le dossier (abandonner ma saisie)"), "reload the request")
    expect(b.get_by_text("Frais de 8,40 € notifiés le")).to_be_visible()
    a.reload()
    wait_idle(a)
    open_tab(a, "Étapes")
    a.get_by_text("Clôturer (décision)").click()
    choose(a, "dsr/close_outcome", "Accordée", exact=True)
    press(a.get_by_role("button", name="Clôturer la demande"), "close")
    expect(a.get_by_test_id("stAlertContentError").filter(has_text="attendent la réponse de la personne")
           ).to_be_visible()
    a.get_by_text("Payés", exact=True).click()
    press(a.get_by_role("button", name="Enregistrer l'issue des frais"), "the fee was paid")
    expect(a.get_by_text("Enregistré.")).to_be_visible()

    b.get_by_text("Abandonnés par l'organisme", exact=True).click()
    press(b.get_by_role("button", name="Enregistrer l'issue des frais"), "waive the fee")
    expect(b.get_by_test_id("stAlertContentError").filter(has_text="dpo a modifié ce dossier")).to_be_visible()
    assert _fees(database, request_id) == [("further_copy", 840, "paid")]

    choose(a, "dsr/close_outcome", "Accordée", exact=True)  # the decision's section stayed open
    press(a.get_by_role("button", name="Clôturer la demande"), "close")
    expect(a.get_by_test_id("stMain")).to_contain_text("Clôturée")
    with db.new_session(database) as session:
        assert session.get(DataSubjectRequest, request_id).status == "closed"
    assert _fees(database, request_id) == [("further_copy", 840, "paid")]
