"""The second factor in the app: a role that requires one sees only enrolment until it is
set; an account with one is asked its code after the password (OWASP ASVS 2.7, 2.8)."""

import time

import pyotp
import pytest
from sqlmodel import select

from dashboard import db, mfa, ui
from models.org import User
from tests.page_support import PASSWORD, app_as, page_path

LOGIN = "FormSubmitter:login-Se connecter"


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_a_required_role_without_factor_sees_only_enrolment_until_it_confirms(app_org, monkeypatch):
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "dpo,auditor")
    at = app_as(app_org, "auditeur")
    assert _titles(at) == ["Activer le second facteur"]
    with pytest.raises(ValueError):  # no other page is registered for this user
        at.switch_page(page_path("home.py"))
    at.switch_page(page_path("mfa_enrol.py")).run()
    secret = at.session_state[ui.MFA_NEW_SECRET]
    assert any(secret[:4] in c.value for c in at.get("code"))  # shown to the user as text
    at.text_input(key="mfa_enrol_code").input("12345x")
    at.button(key="FormSubmitter:mfa_enrol-Confirmer").click().run()
    assert [e.value for e in at.error] == ["Code incorrect ou déjà utilisé."]
    at.text_input(key="mfa_enrol_code").input(pyotp.TOTP(secret).now())
    at.button(key="FormSubmitter:mfa_enrol-Confirmer").click().run()
    assert not at.exception
    assert "Activer le second facteur" not in _titles(at)
    assert ui.MFA_NEW_SECRET not in at.session_state  # the secret is not kept, nor shown again
    with db.new_session(app_org.engine) as session:
        assert session.exec(select(User.totp_secret).where(User.username == "auditeur")).one()


def test_a_page_reached_before_enrolment_is_refused(app_org, monkeypatch):
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "dpo")
    at = app_as(app_org, "dpo")
    at.switch_page(page_path("mfa_enrol.py")).run()  # the only page registered
    assert _titles(at) == ["Activer le second facteur"]
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "")
    at.run()  # the setting emptied: every page again
    assert "Activer le second facteur" not in _titles(at)


def test_an_enrolled_account_gives_its_code_after_the_password(app_org):
    secret = mfa.new_secret()
    with db.unit_of_work(app_org.engine) as session:
        mfa.confirm_enrolment(session, app_org.legal, secret, pyotp.TOTP(secret).now())
    at = app_as(app_org, None)
    at.text_input(key="login_username").input("juriste")
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key=LOGIN).click().run()
    assert ui.TOKEN_KEY not in at.session_state  # nothing opened on the password alone
    assert [i.value for i in at.info] == ["Saisissez le code de votre application d'authentification."]
    at.text_input(key="login_code").input("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    at.button(key="FormSubmitter:login_code-Se connecter").click().run()
    assert [e.value for e in at.error] == ["Code incorrect ou déjà utilisé."]
    assert ui.TOKEN_KEY not in at.session_state
    at.text_input(key="login_code").input(pyotp.TOTP(secret).at(time.time() + 30))  # the next step's (clock drift)
    at.button(key="FormSubmitter:login_code-Se connecter").click().run()
    assert not at.exception
    assert _titles(at) == ["Échéances"]


def test_the_account_page_replaces_a_factor_only_with_a_code_of_the_current_one(app_org):
    at = app_as(app_org, "juriste")  # signed in, then enrolled (elsewhere)
    old = mfa.new_secret()
    with db.unit_of_work(app_org.engine) as session:
        mfa.confirm_enrolment(session, app_org.legal, old, pyotp.TOTP(old).now())
    at.switch_page(page_path("account.py")).run()
    assert "Activé : un code est demandé à chaque connexion." in [c.value for c in at.caption]
    assert ui.MFA_NEW_SECRET not in at.session_state  # no new key until asked for
    at.toggle(key="mfa_setup").set_value(True).run()
    new = at.session_state[ui.MFA_NEW_SECRET]
    at.text_input(key="mfa_enrol_code").input(pyotp.TOTP(new).now())
    at.button(key="FormSubmitter:mfa_enrol-Confirmer").click().run()  # no code of the current app
    assert [e.value for e in at.error] == ["Code incorrect ou déjà utilisé."]
    at.text_input(key="mfa_current_code").input(pyotp.TOTP(old).at(time.time() + 30))
    at.text_input(key="mfa_enrol_code").input(pyotp.TOTP(new).now())
    at.button(key="FormSubmitter:mfa_enrol-Confirmer").click().run()
    assert not at.exception and not at.error
    assert not at.toggle(key="mfa_setup").value and ui.MFA_NEW_SECRET not in at.session_state
    with db.new_session(app_org.engine) as session:
        assert mfa.unseal(session.exec(select(User.totp_secret).where(User.username == "juriste")).one()) == new
