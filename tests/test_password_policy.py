"""Passwords follow the CNIL's recommendation (délibération n° 2022-100 du 21 juillet 2022,
"Cas n° 1 : mot de passe seul": 80 bits of entropy; passwords checked against lists of
compromised passwords and refused when derived from the person): the rule, the accounts
that use it, the temporary password changed before anything else, and the throttled,
audited change of one's own password."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard import auth, navigation, ui, users
from dashboard.validation import InvalidInput
from models import password_policy
from models.audit import AuditEntry
from models.org import User, UserSession
from tests.page_support import app_as, page_path

DEMO_PASSWORD = "demo-dpo-desk-2026"
STRONG = "Vq7#mZ2!pL9$wK4x"
PASSPHRASE = "violon pirate lagune orage cactus moulin brioche"  # 7 words


@pytest.mark.parametrize(("password", "key"), [
    ("123456789012", "password.too_weak"),               # digits only: 40 bits
    (" " * 12, "password.blank"),
    ("abcdefghijkl", "password.too_weak"),              # one class: 56 bits
    (DEMO_PASSWORD, "password.common"),                 # published with the demo
    ("Password123!Password123!", "password.guessable"),
    ("sophie.martin-Ete-2026!", "password.personal"),   # the user's own name
    ("Azerty!Azerty!Azerty!1", "password.guessable"),
])
def test_weak_common_and_personal_passwords_are_refused(password, key):
    assert key in password_policy.problems(password, "sophie.martin", "Sophie Martin")


@pytest.mark.parametrize("password", [STRONG, PASSPHRASE, "Ornithorynque-Vert-Kiwi-93"])
def test_strong_passwords_and_passphrases_are_accepted(password):
    assert password_policy.problems(password, "sophie.martin", "Sophie Martin") == []


def test_the_cnil_examples_reach_80_bits():
    """12 characters of the four classes; 14 letters and digits (the CNIL's examples 1 and 2)."""
    assert round(password_policy.entropy_bits("aA1!" * 3)) >= 80
    assert round(password_policy.entropy_bits("aA1" * 4 + "bB")) >= 80
    assert round(password_policy.entropy_bits("aA1!" * 2 + "bB2")) < 80  # 11 characters


def test_the_shipped_list_holds_the_breached_classics():
    common = password_policy.common_passwords()
    assert len(common) >= 10_000 and {"123456", "password", "azerty", DEMO_PASSWORD} <= common


def test_demo_accounts_still_log_in_with_the_demo_password(org):
    with org.work() as session:
        assert auth.login(session, "juriste", DEMO_PASSWORD)


@pytest.mark.parametrize("password", ["123456789012", " " * 12, "nouveau.compte", DEMO_PASSWORD])
def test_the_dpo_cannot_create_an_account_with_a_weak_password(org, password):
    data = {"username": "nouveau.compte", "full_name": "Nina Nouveau", "role": "legal", "password": password}
    with pytest.raises(InvalidInput) as error, org.work() as session:
        users.create_user(session, org.dpo, data)
    assert error.value.problems[0].field == "password"
    with org.session() as session:
        assert users.find_user_id(session, "nouveau.compte") is None


def test_a_password_set_by_the_dpo_is_temporary_and_must_be_changed_first(org):
    with org.work() as session:
        user_id = users.find_user_id(session, "chef.rh")
        with pytest.raises(InvalidInput):
            users.reset_password(session, org.dpo, user_id, DEMO_PASSWORD)
        users.reset_password(session, org.dpo, user_id, STRONG)
        token = auth.login(session, "chef.rh", STRONG)
        actor = auth.resolve_session(session, token)
    assert actor.must_change_password
    assert {spec.file for spec in navigation.pages_for(actor)} == {navigation.PASSWORD_PAGE.file}  # at every address
    with org.work() as session:
        users.change_own_password(session, actor, STRONG, PASSPHRASE)
        assert not auth.resolve_session(session, token).must_change_password


def test_change_own_password_refuses_a_weak_one_and_ends_the_other_sessions(org):
    with org.work() as session:
        here = auth.login(session, "juriste", DEMO_PASSWORD)
        elsewhere = auth.login(session, "juriste", DEMO_PASSWORD)
        actor = auth.resolve_session(session, here)
    with pytest.raises(InvalidInput) as weak, org.work() as session:
        users.change_own_password(session, actor, DEMO_PASSWORD, "123456789012")
    assert weak.value.problems[0].field == "new_password"
    with org.work() as session:
        assert users.change_own_password(session, actor, DEMO_PASSWORD, STRONG) == 1
    with org.work() as session:
        assert auth.resolve_session(session, here).username == "juriste"  # this session goes on
    with pytest.raises(auth.SessionEnded), org.work() as session:
        auth.resolve_session(session, elsewhere)
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "users.change_own_password")).one()
        assert entry.details == {"other_sessions_ended": 1}
        user = session.exec(select(User).where(User.username == "juriste")).one()
        assert auth.verify_password(user.password_hash, STRONG)


def test_changing_ones_password_is_throttled_and_every_attempt_logged(org):
    with org.work() as session:
        actor = auth.resolve_session(session, auth.login(session, "auditeur", DEMO_PASSWORD))
    for _ in range(users.PASSWORD_CHANGE_ATTEMPTS):
        with pytest.raises(InvalidInput), org.work() as session:
            users.change_own_password(session, actor, "a guess at the password", STRONG)
    with pytest.raises(users.PasswordChangeThrottled), org.work() as session:
        users.change_own_password(session, actor, DEMO_PASSWORD, STRONG)  # even the right one, for now
    with org.session() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.actor_name == "auditeur",
                                                                          AuditEntry.action.like("users.%"))
                                                  .order_by(AuditEntry.seq))]  # in the order they happened
        user = session.exec(select(User).where(User.username == "auditeur")).one()
    assert actions == ["users.change_own_password_failed"] * 5 + ["users.change_own_password_throttled"]
    assert auth.verify_password(user.password_hash, DEMO_PASSWORD)


def test_with_a_temporary_password_the_app_shows_only_the_change_form(app_org):
    with app_org.work() as session:
        users.reset_password(session, app_org.dpo, users.find_user_id(session, "juriste"), STRONG)
    at = app_as(app_org, None)
    at.text_input(key="login_username").input("juriste")
    at.text_input(key="login_password").input(STRONG)
    at.button(key="FormSubmitter:login-Se connecter").click().run()
    assert [t.value for t in at.title] == ["Choisir un nouveau mot de passe"]
    assert not at.dataframe
    with pytest.raises(ValueError):  # no route to any other page
        at.switch_page(page_path("home.py"))
    at.text_input(key="pw_current").input(STRONG)
    at.text_input(key="pw_new").input(PASSPHRASE)
    at.text_input(key="pw_confirm").input(PASSPHRASE)
    at.button(key="FormSubmitter:change_password-Enregistrer").click().run()
    assert [t.value for t in at.title] == ["Échéances"]
    assert not at.exception
    with app_org.session() as session:
        assert not session.exec(select(User).where(User.username == "juriste")).one().must_change_password
        assert len(session.exec(select(UserSession)).all()) == 1


def test_with_a_temporary_password_a_page_run_directly_refuses(app_org):
    """The page itself re-checks: a stale navigation or a forged URL shows nothing else either."""
    with app_org.work() as session:
        users.reset_password(session, app_org.dpo, users.find_user_id(session, "auditeur"), STRONG)
    at = AppTest.from_file(page_path("audit_trail.py"), default_timeout=30)
    with app_org.work() as session:
        at.session_state[ui.TOKEN_KEY] = auth.login(session, "auditeur", STRONG)
    at.run()
    assert [e.value for e in at.error] == ["Votre mot de passe est provisoire : changez-le avant toute autre action."]
    assert not at.dataframe and not at.button
