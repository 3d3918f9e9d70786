"""Each role logs in through the browser and sees exactly its navigation."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import db
from models.audit import AuditEntry
from tests.e2e.conftest import login, no_traceback, open_page, press, wait_idle

pytestmark = pytest.mark.browser

REGISTER = {"Registre des traitements"}
EVIDENCE = {"Documents émis", "Vérifier un document"}
BREACHES = {"Violations de données"}
DPIA = {"Analyses d'impact (AIPD)", "Pré-analyse AIPD"}
RETENTION = {"Revue annuelle des données", "Consentements et retraits"}
CASES = {*REGISTER, *BREACHES, "Sous-traitants", "Registre sous-traitant (art. 30.2)", *DPIA, *RETENTION,
         "Plan d'actions"}
STAFF = {"Modèles de réponse", "Dossiers d'une personne", "Importer un registre externe"}  # DPO and legal
NAVIGATION = {
    "dpo": {"Accueil", "Journal d'audit", "Utilisateurs", "Entités et directions", "Mon compte", *CASES,
            *EVIDENCE, "Dossier d'audit", "Demandes de droits", "Nouvelle demande", "Aiguillage des demandes",
            *STAFF, "Courriels"},
    "juriste": {"Accueil", "Mon compte", *CASES, *EVIDENCE, "Demandes de droits", "Nouvelle demande", *STAFF},
    "chef.rh": {"Accueil", "Mon compte", *CASES, *EVIDENCE, "Demandes de droits"},
    "auditeur": {"Accueil", "Journal d'audit", "Mon compte", *CASES, *EVIDENCE, "Dossier d'audit",
                 "Demandes de droits"},
}


def _navigation(page, expected_count: int | None = None) -> set[str]:
    """The sidebar's page names, read once the navigation shows `expected_count` links."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    if expected_count is not None:
        expect(links).to_have_count(expected_count)
    return {text.strip().splitlines()[-1] for text in links.all_inner_texts()}  # first lines: the icon's name


@pytest.mark.parametrize("username", sorted(NAVIGATION))
def test_each_role_sees_its_pages(page, app_url, username):
    login(page, app_url, username)
    assert _navigation(page, len(NAVIGATION[username])) == NAVIGATION[username]


def test_wrong_password_is_refused_with_a_french_message(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.locator(".st-key-login_username input").fill("dpo")
    page.locator(".st-key-login_password input").fill("not the password")
    press(page.get_by_role("button", name="Se connecter"))
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for()
    no_traceback(page)


def test_department_head_forging_the_users_url_is_refused_in_french_and_logged(page, app_url, e2e_database_url):
    """The address stays, the refusal is in French (not Streamlit's "Page not found" and the
    overview), nothing of the page shows, and the attempt is in the audit trail."""
    login(page, app_url, "chef.rh")
    attempts = len(_refused_pages(e2e_database_url))
    page.goto(f"{app_url}/users")
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Vous n'avez pas accès à cette page. La tentative a été journalisée.")).to_be_visible()
    assert page.url.rstrip("/").endswith("/users")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert "Utilisateurs" not in _navigation(page, len(NAVIGATION["chef.rh"]))
    expect(main).not_to_contain_text("claire.fontaine")
    expect(main).not_to_contain_text("Créer un utilisateur")
    assert _refused_pages(e2e_database_url)[attempts:] == [("chef.rh", "page:users")]


def _refused_pages(url: str) -> list[tuple[str, str]]:
    engine = db.make_engine(url)
    try:
        with db.new_session(engine) as session:
            entries = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")
                                   .order_by(AuditEntry.id)).all()
            return [(e.actor_name, e.details.get("attempted")) for e in entries]
    finally:
        engine.dispose()


def test_dpo_checks_the_audit_chain(page, app_url):
    login(page, app_url, "dpo")
    press(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Journal d'audit"))
    wait_idle(page)
    press(page.get_by_role("button", name="Vérifier l'intégrité de la chaîne"))
    # The result, and earlier checks' entries in the table below it ("Chaîne intacte : Oui").
    page.get_by_text(re.compile(r"^Chaîne intacte : .+ entrée")).wait_for()


def test_language_switch_redraws_the_page_and_is_remembered(page, app_url):
    login(page, app_url, "auditeur")
    press(page.get_by_test_id("stSidebar").get_by_text("EN", exact=True))
    page.get_by_role("heading", name="Deadlines").wait_for()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Audit trail")).to_be_visible()
    open_page(page, "Issued documents")
    entity_filter = page.locator(".st-key-ev_entity input")
    expect(entity_filter).to_have_value("All")
    press(page.get_by_test_id("stSidebar").get_by_text("FR", exact=True))
    expect(entity_filter).to_have_value("Tous")  # a filter's chosen option follows the language too
    page.get_by_role("heading", name="Documents émis").wait_for()
    login(page, app_url, "auditeur")
    page.get_by_role("heading", name="Échéances").wait_for()  # the choice is kept with the account


def test_a_reload_keeps_the_session_and_log_out_ends_it(page, app_url):
    login(page, app_url, "juriste")
    page.reload()
    wait_idle(page)
    page.get_by_text("Connecté(e) :").wait_for()  # still signed in after F5
    press(page.get_by_role("button", name="Se déconnecter"))
    page.get_by_role("button", name="Se connecter").wait_for()
    wait_idle(page)
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Se connecter").wait_for()  # the cookie went with the session
    expect(page.get_by_text("Connecté(e) :")).to_have_count(0)
