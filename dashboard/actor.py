"""Who is acting: resolved from the log-in session on every request, never trusted
from the browser."""

from dataclasses import dataclass, field

from models.roles import Capability, Role, has_capability


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    full_name: str
    role: Role
    department_ids: frozenset[int] = field(default_factory=frozenset)
    language: str = "fr"
    must_change_password: bool = False  # a temporary password: the app shows only the change form
    needs_second_factor: bool = False  # the role requires one and none is set: the app shows only enrolment
    session_id: int | None = None  # the log-in session this request came with

    def can(self, capability: Capability) -> bool:
        return has_capability(self.role, capability)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR

    def covers_department(self, department_id: int | None) -> bool:
        """Whether the actor may see a case routed to this department."""
        if self.can(Capability.READ_ALL_CASES) or self.can(Capability.WORK_ALL_CASES):
            return True
        return department_id is not None and department_id in self.department_ids


# The command line acts as this actor (creating the first DPO, demo data...).
SYSTEM = Actor(user_id=None, username="system", full_name="DPO Desk (CLI)", role=Role.DPO)
