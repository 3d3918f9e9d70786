"""Single sign-on: which role and departments the provider's groups give an account.
Pure functions: dashboard/sso.py applies them on every SSO log-in."""

from models.roles import Role


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """"group=value,group=value" (spaces ignored; a pair without "=" is ignored), in order."""
    pairs = []
    for part in (text or "").split(","):
        group, sep, value = part.partition("=")
        if sep and group.strip() and value.strip():
            pairs.append((group.strip(), value.strip()))
    return pairs


def role_for(groups: list[str], role_groups: str) -> Role | None:
    """The first role of `DPO_OIDC_ROLE_GROUPS` (listed most privileged first) one of whose
    groups the account is in; None: the account gets no access."""
    member = set(groups)
    for group, role in parse_pairs(role_groups):
        if group in member and role in {r.value for r in Role}:
            return Role(role)
    return None


def department_codes(groups: list[str], department_groups: str) -> list[str]:
    """The departments (by code) of `DPO_OIDC_DEPARTMENT_GROUPS` the account's groups name."""
    member = set(groups)
    return sorted({code for group, code in parse_pairs(department_groups) if group in member})
