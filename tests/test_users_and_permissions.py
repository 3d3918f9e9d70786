"""Roles: who may administer, and refusals that are logged."""

import pytest
from sqlmodel import select

from dashboard import organisation, users
from dashboard.errors import NotAllowed
from dashboard.permissions import department_filter
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.org import Department
from models.roles import Capability, Role, has_capability


def _new_user(**overrides):
    data = {"username": "nouveau", "full_name": "Nina Nouveau", "role": "legal",
            "password": "a-long-enough-password"}
    return data | overrides


def test_dpo_creates_users_with_departments(org):
    with org.work() as session:
        row = users.create_user(session, org.dpo, _new_user(
            role="department_head", department_ids=[org.departments["DCEM"].id]))
    assert row.role == Role.DEPARTMENT_HEAD and row.department_ids == (org.departments["DCEM"].id,)


@pytest.mark.parametrize("persona", ["legal", "head_hr", "auditor"])
def test_only_the_dpo_administers_users_and_refusals_are_logged(org, persona):
    actor = getattr(org, persona)
    with pytest.raises(NotAllowed), org.work() as session:
        users.create_user(session, actor, _new_user())
    with org.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
        assert session.exec(select(AuditEntry).where(AuditEntry.object_ref == "nouveau")).first() is None
    assert [(d.actor_name, d.details["attempted"]) for d in denied] == [(actor.username, "users.create")]


def test_validation_errors_name_each_field_and_change_nothing(org):
    with pytest.raises(InvalidInput) as error, org.work() as session:
        users.create_user(session, org.dpo, _new_user(username="Bad Name!", password="short",
                                                     role="department_head"))
    fields = {p.field for p in error.value.problems}
    assert {"username", "password"} <= fields
    with pytest.raises(InvalidInput) as error, org.work() as session:
        users.create_user(session, org.dpo, _new_user(role="department_head"))
    assert [p.key for p in error.value.problems] == ["users.head_needs_department"]
    with pytest.raises(InvalidInput) as error, org.work() as session:
        users.create_user(session, org.dpo, _new_user(username="dpo"))
    assert error.value.problems[0].key == "users.username_taken"
    with org.session() as session:
        assert users.find_user_id(session, "nouveau") is None


def test_unknown_department_is_refused(org):
    with pytest.raises(InvalidInput) as error, org.work() as session:
        users.create_user(session, org.dpo, _new_user(role="department_head", department_ids=[9999]))
    assert error.value.problems[0].key == "validation.unknown_department"


def test_dpo_cannot_lock_themself_out(org):
    with pytest.raises(InvalidInput), org.work() as session:
        users.update_user(session, org.dpo, org.dpo.user_id, {"full_name": "Claire Fontaine", "role": "legal"})


def test_role_matrix():
    assert has_capability(Role.DPO, Capability.MANAGE_USERS)
    assert not has_capability(Role.LEGAL, Capability.MANAGE_USERS)
    assert has_capability(Role.LEGAL, Capability.WORK_ALL_CASES)
    assert not has_capability(Role.DEPARTMENT_HEAD, Capability.READ_ALL_CASES)
    assert not has_capability(Role.AUDITOR, Capability.WORK_ALL_CASES)
    assert has_capability(Role.AUDITOR, Capability.READ_AUDIT_TRAIL)


def test_department_filter_limits_heads_to_their_departments(org):
    with org.session() as session:
        def visible(actor):
            return {d.code for d in session.exec(select(Department).where(department_filter(actor, Department.id)))}

        assert visible(org.head_hr) == {"RH"}
        assert visible(org.head_cr) == {"DRC", "ADEPIA-ADH", "GERP-ADH"}  # the insurer's and its associations' members
        assert visible(org.dpo) == set(org.departments)
        assert visible(org.auditor) == set(org.departments)


def test_organisation_edits_are_the_dpos(org):
    with pytest.raises(NotAllowed), org.work() as session:
        organisation.save_department(session, org.legal, {"code": "NEW", "name": "Nouvelle"})
    with org.work() as session:
        department = organisation.save_department(session, org.dpo, {"code": "NEW", "name": "Nouvelle"})
    assert department.id
    with pytest.raises(InvalidInput), org.work() as session:
        organisation.save_entity(session, org.dpo, {"code": "X1", "name": "X", "legal_name": "X SAS",
                                                   "dpo_name": "A B", "dpo_email": "not-an-email"})
