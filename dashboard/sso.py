"""Single sign-on with an OpenID Connect provider (Streamlit's `st.login`, `[auth]` secrets).

The provider's identity (issuer and subject) is linked to an account of its own, created at
the first sign-on and never to a local account of the same name (no take-over by a look-alike
name). Its role and departments come from the provider's groups claim at every sign-on
(`DPO_OIDC_ROLE_GROUPS`, `DPO_OIDC_DEPARTMENT_GROUPS`): a user in no mapped group is refused.
The password of such an account is random and unknown (local log-in impossible); local accounts
keep working beside it. The provider's own second factor applies: the local TOTP is not asked."""

import re
import secrets
from typing import Any

from sqlmodel import Session, select

from dashboard import audit, audit_anonymous, auth, config
from models import sso_mapping
from models.errors import DomainError
from models.org import Department, User, UserDepartment
from models.roles import Role


class NoRole(DomainError):
    """The provider vouched for the person, but none of their groups gives access."""

    key = "sso.no_role"


class AccountDisabled(DomainError):
    key = "sso.disabled"


def _username(session: Session, claims: dict[str, Any]) -> str:
    base = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "sso")
    base = re.sub(r"[^a-z0-9._-]+", ".", base.split("@")[0].lower()).strip(".-_")[:70] or "sso"
    if len(base) < 2 or not base[0].isalnum():
        base = f"sso.{base}".strip(".")
    name, n = base, 1
    while session.exec(select(User.id).where(User.username == name)).first() is not None:
        n += 1
        name = f"{base}.{n}"
    return name


def sign_in(session: Session, claims: dict[str, Any]) -> User:
    """The account the provider's ID-token claims stand for, its role and departments
    refreshed from its groups, the log-in on record."""
    subject = f"{claims.get('iss', '')}|{claims.get('sub', '')}"[:500]
    if not claims.get("sub"):
        raise NoRole()
    groups = claims.get(config.oidc_groups_claim()) or []
    groups = [str(g) for g in groups] if isinstance(groups, list) else [str(groups)]
    role = sso_mapping.role_for(groups, config.oidc_role_groups())
    if role is None:
        audit_anonymous.record(session, "sso.login_refused", subject[:80], actor_name=str(claims.get("email", ""))[:80],
                               details={"groups": groups[:20]})
        session.commit()
        raise NoRole()
    user = session.exec(select(User).where(User.oidc_subject == subject)).first()
    full_name = str(claims.get("name") or claims.get("email") or claims["sub"])[:200]
    if user is None:
        user = User(username=_username(session, claims), full_name=full_name, email=str(claims.get("email", ""))[:254],
                    role=role, password_hash=auth.hash_password(secrets.token_urlsafe(32)), oidc_subject=subject)
        session.add(user)
        session.flush()
        audit.record(session, None, "sso.account_created", actor_name="sso", object_type="user", object_id=user.id,
                     object_ref=user.username, details={"role": role, "groups": groups[:20]})
    if not user.active:
        raise AccountDisabled()
    codes = sso_mapping.department_codes(groups, config.oidc_department_groups()) if role == Role.DEPARTMENT_HEAD else []
    wanted = set(session.exec(select(Department.id).where(Department.code.in_(codes))).all()) if codes else set()
    links = {link.department_id: link for link in session.exec(
        select(UserDepartment).where(UserDepartment.user_id == user.id))}
    before = {"role": user.role, "department_ids": sorted(links)}
    for department_id, link in links.items():
        if department_id not in wanted:
            session.delete(link)
    for department_id in wanted - set(links):
        session.add(UserDepartment(user_id=user.id, department_id=department_id))
    user.role, user.full_name = role, full_name
    session.add(user)
    session.flush()
    after = {"role": user.role, "department_ids": sorted(wanted)}
    if before != after:
        audit.record(session, None, "sso.account_updated", actor_name="sso", object_type="user", object_id=user.id,
                     object_ref=user.username, details={"changes": audit.diff(before, after)})
    auth.complete_login(session, user, via="oidc")
    return user
