"""Each role sees exactly its pages; a page reached by any other route refuses."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard import auth, db, navigation, ui
from models.audit import AuditEntry
from tests.page_support import PASSWORD, app_as, form_key, page_path, signed_in_token
from tests.conftest import actor_named

REGISTER = {"register_list.py", "register_activity.py"}
EVIDENCE = {"evidence_documents.py", "evidence_verify.py"}
PROCESSOR_PAGES = {"processor_register.py", "processor_file.py", "processor_record.py"}
BREACH_PAGES = {"breach_register.py", "breach_case.py"}
DPIA_PAGES = {"dpia_register.py", "dpia_screening.py", "dpia_detail.py"}
RETENTION_PAGES = {"retention_campaigns.py", "consent_withdrawals.py"}
ACTION_PLAN = {"action_plan.py"}
CASES = {*REGISTER, *PROCESSOR_PAGES, *BREACH_PAGES, *DPIA_PAGES, *RETENTION_PAGES, *ACTION_PLAN}
DSR = {"dsr_requests.py", "dsr_case.py"}
EXPECTED_PAGES = {
    "dpo": {"home.py", "audit_trail.py", "admin_users.py", "admin_organisation.py", "account.py", *CASES, *DSR,
            "dsr_intake.py", "dsr_routing.py", "dsr_answer_templates.py", *EVIDENCE, "evidence_pack.py",
            "register_source_import.py", "person_search.py", "mail_log.py"},
    "juriste": {"home.py", "account.py", *CASES, *DSR, "dsr_intake.py", "dsr_answer_templates.py", *EVIDENCE,
                "register_source_import.py", "person_search.py"},
    "chef.rh": {"home.py", "account.py", *CASES, *DSR, *EVIDENCE},
    "auditeur": {"home.py", "audit_trail.py", "account.py", *CASES, *DSR, *EVIDENCE, "evidence_pack.py"},
}


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [t.value for t in at.title] + [e.value for e in at.error])


def test_anonymous_visitor_gets_only_the_login_form(app_org):
    at = app_as(app_org, None)
    assert [t.value for t in at.title] == ["Connexion à DPO Desk"]
    with pytest.raises(ValueError):
        at.switch_page(page_path("home.py"))


def test_every_address_shows_a_signed_out_visitor_the_login_form_only():
    """A link followed before signing in (a mail's) keeps its address behind the log-in form
    (the page opens once signed in: tests/e2e/test_mail.py), and runs no other page."""
    gate = navigation.pages_for(None)
    assert {spec.file for spec in gate} == {"login.py"}
    assert {spec.url_path for spec in navigation.PAGES if not spec.default} <= {spec.url_path for spec in gate}
    assert [spec.hidden for spec in gate].count(False) == 1  # one entry, the form itself


def test_login_form_signs_in_and_wrong_password_is_refused(app_org):
    at = app_as(app_org, None)
    at.text_input(key="login_username").input("dpo")
    at.text_input(key="login_password").input("wrong password!")
    at.button(key="FormSubmitter:login-Se connecter").click().run()
    assert [e.value for e in at.error] == ["Identifiant ou mot de passe incorrect."]
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="FormSubmitter:login-Se connecter").click().run()
    assert [t.value for t in at.title] == ["Échéances"]
    assert not at.exception


@pytest.mark.parametrize("username", sorted(EXPECTED_PAGES))
def test_each_role_sees_exactly_its_pages(app_org, username):
    actor = actor_named(app_org.engine, username)
    assert {spec.file for spec in navigation.pages_for(actor)} == EXPECTED_PAGES[username]
    at = app_as(app_org, username)
    assert not at.exception
    for spec in navigation.PAGES:
        if spec.file in EXPECTED_PAGES[username]:
            at.switch_page(page_path(spec.file)).run()
            assert not at.exception and not at.error, (spec.file, [e.value for e in at.error])
        else:
            with pytest.raises(ValueError):  # not registered for this role: no route to it
                at.switch_page(page_path(spec.file))


@pytest.mark.parametrize(("username", "page"), [("chef.rh", "admin_users.py"), ("juriste", "admin_organisation.py"),
                                                ("auditeur", "admin_users.py"), ("chef.rh", "audit_trail.py")])
def test_a_page_run_outside_its_navigation_refuses_and_logs(app_org, username, page):
    at = app_as(app_org, username, script=page_path(page))
    assert [e.value for e in at.error] == ["Vous n'avez pas accès à cette page. La tentative a été journalisée."]
    assert not at.dataframe  # nothing of the page's content was rendered
    with app_org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert [(d.actor_name, d.details["attempted"]) for d in denied] == [(username, f"page:{page[:-3].replace('admin_', '').replace('_', '-')}")]


def test_every_address_opens_a_signed_in_users_page_or_a_logged_refusal(app_org):
    """A link meant for another role (a bookmark, a forged URL) keeps its address and is refused
    in the user's language (tests/e2e/test_login_and_roles.py), not Streamlit's English "Page
    not found" and the overview; the refused page's own script is never run."""
    for username, expected in EXPECTED_PAGES.items():
        routes = navigation.routes_for(actor_named(app_org.engine, username))
        assert [spec.url_path for spec in routes] == [spec.url_path for spec in navigation.PAGES]
        assert {spec.file for spec in routes if not spec.refused} == expected
        assert all(spec.hidden for spec in routes if spec.refused)
    assert navigation.routes_for(None) == navigation.pages_for(None)  # signed out: the log-in form everywhere


def _users_address_run_by_the_app():
    from dashboard import ui

    ui.refuse_page(ui.current_actor(), "users")


def test_the_refusal_at_another_roles_address_is_worded_and_logged(app_org):
    at = AppTest.from_function(_users_address_run_by_the_app, default_timeout=30)
    at.session_state[ui.TOKEN_KEY] = signed_in_token(app_org, "chef.rh")
    at.run()
    assert [e.value for e in at.error] == ["Vous n'avez pas accès à cette page. La tentative a été journalisée."]
    assert not at.exception and not at.dataframe
    with app_org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert [(d.actor_name, d.details["attempted"]) for d in denied] == [("chef.rh", "page:users")]


def test_a_forged_session_value_grants_nothing_and_is_logged(app_org):
    at = app_as(app_org, None)
    at.session_state[ui.TOKEN_KEY] = "forged-token"
    at.session_state["role"] = "dpo"
    at.session_state["user_id"] = 1
    at.run()
    assert [t.value for t in at.title] == ["Connexion à DPO Desk"]  # no page content, only the log-in form
    assert not at.sidebar.button and not at.dataframe
    assert [e.value for e in at.error] == ["Accès refusé : cette session n'existe pas. La tentative a été journalisée."]
    assert not at.success  # not "session expired"
    with app_org.session() as session:
        attempts = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.forged_session")).all()
    assert [(a.actor_id, a.actor_name) for a in attempts] == [(None, "")]


def test_a_logged_out_session_says_so_and_logs_no_forgery(app_org):
    at = app_as(app_org, "dpo")
    with db.unit_of_work(app_org.engine) as session:
        auth.logout(session, at.session_state[ui.TOKEN_KEY])
    at.run()
    assert [t.value for t in at.title] == ["Connexion à DPO Desk"]
    # ended by its user (another tab): "logged out", not "session expired" (issue 20)
    assert [s.value for s in at.success] == ["Vous êtes déconnecté(e). À bientôt !"]
    assert not at.error
    with app_org.session() as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "auth.forged_session")).all()


def test_english_switch_translates_the_interface(app_org):
    at = app_as(app_org, "auditeur")
    at.session_state[ui.LANG_KEY] = "en"
    at.run()
    assert [t.value for t in at.title] == ["Deadlines"]
    assert "Auditor (read-only)" in _texts(at)


def test_dpo_creates_a_user_through_the_form_which_then_starts_empty(app_org):
    at = app_as(app_org, "dpo")
    at.switch_page(page_path("admin_users.py")).run()
    at.text_input(key=form_key(at, "new_user/username")).input("nouvelle.juriste")
    at.text_input(key=form_key(at, "new_user/full_name")).input("Inès Garnier")
    at.selectbox(key=form_key(at, "new_user/role")).select("legal")
    at.text_input(key=form_key(at, "new_user/password")).input("short")
    submit = form_key(at, "new_user/form")
    at.button(key=f"FormSubmitter:{submit}-Créer").click().run()
    assert "Certains champs sont à corriger" in at.error[0].value and "Mot de passe" in at.error[0].value
    assert at.text_input(key=form_key(at, "new_user/username")).value == "nouvelle.juriste"  # input kept on error
    at.text_input(key=form_key(at, "new_user/password")).input("a-long-temporary-password")
    at.button(key=f"FormSubmitter:{submit}-Créer").click().run()
    assert not at.error
    assert any("nouvelle.juriste" in s.value for s in at.success)
    # The next account starts from an empty form: no password, user name or role carried over.
    assert form_key(at, "new_user/form") != submit
    assert at.text_input(key=form_key(at, "new_user/password")).value == ""
    assert at.text_input(key=form_key(at, "new_user/username")).value == ""
    assert at.selectbox(key=form_key(at, "new_user/role")).value != "legal"
