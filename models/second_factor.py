"""Second factor rules (TOTP, RFC 6238): who must have one, which codes are accepted.
Pure functions: dashboard/mfa.py applies them."""

from models.roles import Role

STEP_SECONDS = 30  # RFC 6238 §4: the time step
DRIFT_STEPS = 1  # a code of the step before or after is accepted (RFC 6238 §5.2, clock drift)
DEFAULT_REQUIRED_ROLES = "dpo,auditor"


def parse_roles(text: str) -> frozenset[Role]:
    """`DPO_MFA_REQUIRED_ROLES`: role names separated by commas; unknown names are ignored."""
    names = {part.strip().lower() for part in (text or "").split(",")}
    return frozenset(role for role in Role if role.value in names)


def required_for(role: Role | str, required_roles: frozenset[Role]) -> bool:
    return Role(role) in required_roles


def needs_enrolment(role: Role | str, has_factor: bool, required_roles: frozenset[Role]) -> bool:
    """A user whose role requires a second factor and who has none: enrolment before any page."""
    return not has_factor and required_for(role, required_roles)


def fresh_step(step: int | None, last_step: int | None) -> bool:
    """A code is accepted once: its time step must come after the last one accepted
    (RFC 6238 §5.2: the verifier must not accept the second attempt of the same OTP)."""
    return step is not None and (last_step is None or step > last_step)
