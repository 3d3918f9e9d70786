"""Who is acting: resolved from the log-in session on every request, never trusted
from the browser."""

from dataclasses import dataclass, field

from models.roles import Capability, Role, has_capability

# The group's administration: accounts (and their entity limits), entities, departments,
# routing, the mail log. A user limited to some entities is refused them whatever his role.
GROUP_CAPABILITIES = frozenset({Capability.MANAGE_USERS, Capability.MANAGE_SETTINGS})


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    full_name: str
    role: Role
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # The entities the user is limited to (a local correspondent); None: the whole group.
    entity_ids: frozenset[int] | None = None
    language: str = "fr"
    must_change_password: bool = False  # a temporary password: the app shows only the change form
    needs_second_factor: bool = False  # the role requires one and none is set: the app shows only enrolment
    session_id: int | None = None  # the log-in session this request came with

    def can(self, capability: Capability) -> bool:
        if capability in GROUP_CAPABILITIES and self.entity_ids is not None:
            return False  # a local correspondent never administers the group (nor lifts his own limit)
        return has_capability(self.role, capability)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR

    def covers_entity(self, entity_id: int | None) -> bool:
        """Whether the actor's entities include this one (always, for a user of the whole group)."""
        return self.entity_ids is None or (entity_id is not None and entity_id in self.entity_ids)

    def covers_department(self, department_id: int | None, entity_id: int | None = None) -> bool:
        """Whether the actor may see a case of this entity routed to this department: the
        Python twin of dashboard.permissions.department_filter. An actor limited to some
        entities sees nothing whose entity is not given."""
        if not self.covers_entity(entity_id):
            return False
        if self.can(Capability.READ_ALL_CASES) or self.can(Capability.WORK_ALL_CASES):
            return True
        return department_id is not None and department_id in self.department_ids


# The command line acts as this actor (creating the first DPO, demo data...).
SYSTEM = Actor(user_id=None, username="system", full_name="DPO Desk (CLI)", role=Role.DPO)
