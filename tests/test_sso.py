"""Single sign-on (OIDC): the provider's groups give the role and departments, at every
sign-on; no mapped group, no access; a provider identity never takes over a local account
(OWASP ASVS 2.x federated identity; the local accounts stay available)."""

import pytest
from sqlmodel import select

from dashboard import auth, sso
from models import sso_mapping
from models.audit import AuditEntry
from models.org import Department, User, UserDepartment
from models.roles import Role

ROLES = "dpo-desk-dpo=dpo,dpo-desk-juristes=legal,dpo-desk-chefs=department_head,dpo-desk-audit=auditor"
ISSUER = "http://idp.example"


def test_groups_map_to_the_first_listed_role_and_to_departments():
    assert sso_mapping.role_for(["dpo-desk-chefs", "dpo-desk-dpo"], ROLES) == Role.DPO  # most privileged first
    assert sso_mapping.role_for(["dpo-desk-audit"], ROLES) == Role.AUDITOR
    assert sso_mapping.role_for(["compta"], ROLES) is None
    assert sso_mapping.role_for(["x"], "x=superuser") is None  # not a role
    assert sso_mapping.department_codes(["rh", "drc", "other"], "rh=RH, drc = DRC,bad") == ["DRC", "RH"]


@pytest.fixture
def mapping(monkeypatch):
    monkeypatch.setenv("DPO_OIDC_ROLE_GROUPS", ROLES)
    monkeypatch.setenv("DPO_OIDC_DEPARTMENT_GROUPS", "service-rh=RH")


def _claims(sub: str, *groups: str, **more) -> dict:
    return {"iss": ISSUER, "sub": sub, "email": f"{sub}@medicis.example", "name": sub.title(),
            "groups": list(groups), **more}


def _departments(org, user_id: int) -> list[str]:
    with org.session() as session:
        return sorted(session.exec(select(Department.code).join(
            UserDepartment, UserDepartment.department_id == Department.id).where(UserDepartment.user_id == user_id)))


def test_first_sign_on_creates_a_linked_account_and_later_ones_follow_the_groups(org, mapping):
    with org.work() as session:
        user = sso.sign_in(session, _claims("marie", "dpo-desk-chefs", "service-rh"))
        user_id, username = user.id, user.username
    assert username == "marie" and _departments(org, user_id) == ["RH"]
    with org.work() as session:  # moved to the legal team in the directory
        user = sso.sign_in(session, _claims("marie", "dpo-desk-juristes", "service-rh"))
        assert (user.id, user.role) == (user_id, Role.LEGAL)
    assert _departments(org, user_id) == []
    with org.session() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.object_id == user_id,
                                                                           AuditEntry.object_type == "user")
                                                  .order_by(AuditEntry.seq))]
        login = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.login")
                             .order_by(AuditEntry.seq.desc())).first()  # the last one
    assert actions.count("sso.account_created") == 1 and "sso.account_updated" in actions
    assert login.details == {"via": "oidc"}
    with org.work() as session:  # its password is random: no local log-in
        with pytest.raises(auth.LoginFailed):
            auth.check_password(session, "marie", "")


def test_a_provider_identity_never_takes_over_a_local_account(org, mapping):
    with org.work() as session:
        user = sso.sign_in(session, _claims("dpo", "dpo-desk-audit", preferred_username="dpo"))
        assert user.username != "dpo" and user.role == Role.AUDITOR
    with org.session() as session:
        local = session.exec(select(User).where(User.username == "dpo")).one()
    assert (local.oidc_subject, local.role) == ("", "dpo")


def test_no_mapped_group_no_account_and_the_refusal_is_logged(org, mapping):
    with pytest.raises(sso.NoRole), org.work() as session:
        sso.sign_in(session, _claims("intrus", "compta"))
    with org.session() as session:
        assert session.exec(select(User).where(User.email == "intrus@medicis.example")).first() is None
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "sso.login_refused")).first()


def test_a_disabled_sso_account_stays_out_and_needs_no_local_second_factor(org, mapping, monkeypatch):
    monkeypatch.setenv("DPO_MFA_REQUIRED_ROLES", "dpo")
    with org.work() as session:
        user = sso.sign_in(session, _claims("paul", "dpo-desk-dpo"))
        assert not auth.actor_for(session, user).needs_second_factor  # the provider's factor applies
        user.active = False
        session.add(user)
    with pytest.raises(sso.AccountDisabled), org.work() as session:
        sso.sign_in(session, _claims("paul", "dpo-desk-dpo"))
