"""Roles and what each may do: the permission matrix as data, enforced in dashboard/."""

from enum import StrEnum


class Role(StrEnum):
    DPO = "dpo"
    LEGAL = "legal"
    DEPARTMENT_HEAD = "department_head"
    AUDITOR = "auditor"


class Capability(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    WORK_ALL_CASES = "work_all_cases"
    WORK_DEPARTMENT_CASES = "work_department_cases"
    READ_ALL_CASES = "read_all_cases"
    READ_EVIDENCE = "read_evidence"
    READ_AUDIT_TRAIL = "read_audit_trail"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.DPO: frozenset(Capability),
    Role.LEGAL: frozenset(
        {Capability.WORK_ALL_CASES, Capability.READ_ALL_CASES, Capability.READ_EVIDENCE}
    ),
    Role.DEPARTMENT_HEAD: frozenset({Capability.WORK_DEPARTMENT_CASES}),
    Role.AUDITOR: frozenset(
        {Capability.READ_ALL_CASES, Capability.READ_EVIDENCE, Capability.READ_AUDIT_TRAIL}
    ),
}


def has_capability(role: Role | str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES[Role(role)]
