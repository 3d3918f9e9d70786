"""The group (issue 18): departments belong to an entity, a head's visibility follows the
departments he heads, users limited to some entities (a local correspondent), routing
within the request's entity, the insurer's clause policy per entity, the consolidated view.
Each test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from dataclasses import replace

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from dashboard import db, group_view, organisation, register, users
from dashboard.actor import Actor
from dashboard.demo import activities as demo_activities
from dashboard.dsr import queries, routing, workflow
from dashboard.dsr import common as dsr_common
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.overview.scope import OverviewFilter
from dashboard.permissions import department_filter
from dashboard.processor import contracts, registry
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.dsr import DataSubjectRequest
from models.org import Department
from models.processing import ProcessingActivity
from models.processor import ProcessorContract
from models.processor_clauses import ALL_CLAUSES, ART28_CLAUSES, CLAUSE_STATES, POLICY_CLAUSES, score_clauses
from models.roles import Role
from tests.conftest import actor_named
from tests.dsr.conftest import make_request, routed_org  # noqa: F401 (a fixture)
from tests.processor.conftest import contract_data, processor_data

PASSWORD = "Tr0mbone-Jaune-Azur-2026!"


def _user(org, username, role, departments=(), entities=()) -> Actor:
    with org.work() as session:
        users.create_user(session, org.dpo, {
            "username": username, "full_name": f"Personne {username}", "role": role, "password": PASSWORD,
            "department_ids": [org.departments[d].id for d in departments],
            "entity_ids": [org.entities[e].id for e in entities]})
    return actor_named(org.engine, username)


@pytest.fixture
def gorg(org):
    """The demo organisation with its register (activities of every entity)."""
    with org.work() as session:
        demo_activities.seed(session)
    return org


def _activity(org, key) -> int:
    with org.session() as session:
        return demo_activities.activity_id(session, key)


# ------------------------------------------------------------------ departments of an entity


def test_each_demo_department_belongs_to_its_entity(org):
    entities = {e.id: code for code, e in org.entities.items()}
    of = {code: entities[d.entity_id] for code, d in org.departments.items()}
    assert of["DCEM"] == "MEDICIS" and of["SAV-MKT"] == "SAVELUNARI" and of["PEDA"] == "SAVELUNARI"
    assert of["LUM-SUPPORT"] == "LUMINA" and of["ADEPIA-ADH"] == "ADEPIA" and of["GERP-ADH"] == "GERP"


def test_a_medicis_marketing_head_no_longer_sees_a_savelunari_activity(gorg):
    marketing = actor_named(gorg.engine, "chef.marketing")
    sharing = _activity(gorg, "social_sharing")  # Savelunari's, in its own marketing department
    with gorg.session() as session:
        listed = {r.id for r in register.list_activities(session, marketing, register.RegisterFilter(), 1, 500).rows}
    assert sharing not in listed and _activity(gorg, "prospection") in listed
    with pytest.raises(NotAllowed), gorg.work() as session:  # by id too: refused, and logged
        register.get_activity(session, marketing, sharing)
    with gorg.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied",
                                                       AuditEntry.object_id == sharing)).all()
    assert [e.actor_name for e in denied] == ["chef.marketing"]


def test_a_savelunari_head_cannot_get_a_medicis_request_by_id(routed_org):
    org = routed_org
    head = _user(org, "chef.sav", Role.DEPARTMENT_HEAD, departments=("SAV-MKT",))
    medicis = make_request(org, relation="prospect")  # routed to DCEM, Médicis's marketing
    savelunari = make_request(org, entity="SAVELUNARI", relation="prospect", requester_name="Hugo Lambert")
    assert savelunari.department_id == org.departments["SAV-MKT"].id
    with org.session() as session:
        listed = {r.id for r in queries.list_requests(session, head, queries.ListFilter()).rows}
    assert listed == {savelunari.id}
    for use_case in (lambda s: queries.open_request(s, head, medicis.id, "Vérification du dossier"),
                     lambda s: queries.case_header(s, head, medicis.id),
                     lambda s: dsr_common.fetch(s, head, medicis.id, action="dsr.read")):
        with pytest.raises(NotAllowed), org.work() as session:
            use_case(session)
    with org.work() as session:
        assert queries.case_header(session, head, savelunari.id).reference == savelunari.reference


def test_routing_offers_and_accepts_only_the_requests_entitys_departments(routed_org):
    org = routed_org
    savelunari = org.entities["SAVELUNARI"].id
    with org.session() as session:
        offered = {d.code for d in organisation.list_departments(session, org.dpo, entity_id=savelunari)}
    assert offered == {"PEDA", "SUPPORT", "SAV-TECH", "SAV-FIN", "SAV-MKT"}
    request = make_request(org)  # Médicis, routed to DRC
    with pytest.raises(InvalidInput) as error, org.work() as session:
        workflow.reassign(session, org.dpo, request.id, request.version, org.departments["SUPPORT"].id)
    assert error.value.problems[0].key == "group.error.department_of_other_entity"
    with org.session() as session:
        assert session.get(DataSubjectRequest, request.id).department_id == org.departments["DRC"].id
    with pytest.raises(InvalidInput), org.work() as session:
        routing.set_rule(session, org.dpo, {"entity_id": savelunari, "relation": "staff",
                                            "department_id": org.departments["RH"].id})
    with pytest.raises(InvalidInput):
        make_request(org, entity="SAVELUNARI", relation="learner", department_id=org.departments["DRC"].id)


def test_a_rule_left_pointing_at_a_moved_department_routes_nothing(routed_org):
    org = routed_org
    dcem = org.departments["DCEM"]
    with org.work() as session:  # the DPO moves Médicis's marketing department to Savelunari
        organisation.save_department(session, org.dpo, {"code": "DCEM", "name": dcem.name,
                                                        "entity_id": org.entities["SAVELUNARI"].id},
                                     dcem.id, dcem.version)
    assert make_request(org, relation="prospect").department_id is None  # the DPO routes it by hand


def test_the_department_entity_edit_is_audited_and_a_stale_edit_refused(org):
    rh = org.departments["RH"]
    fields = {"code": "RH", "name": rh.name, "entity_id": org.entities["ADEPIA"].id}
    with org.work() as session:
        organisation.save_department(session, org.dpo, fields, rh.id, rh.version)
    with pytest.raises(ConcurrentEdit), org.work() as session:  # a second DPO's form drawn on the old version
        organisation.save_department(session, org.dpo, {**fields, "entity_id": org.entities["GERP"].id},
                                     rh.id, rh.version)
    with org.session() as session:
        assert session.get(Department, rh.id).entity_id == org.entities["ADEPIA"].id
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "organisation.save_department",
                                                      AuditEntry.object_id == rh.id)
                             .order_by(AuditEntry.id.desc())).first()
    assert entry.details["changes"]["entity_id"] == [org.entities["MEDICIS"].id, org.entities["ADEPIA"].id]
    with pytest.raises(InvalidInput), org.work() as session:
        organisation.save_department(session, org.dpo, {**fields, "entity_id": 999999}, rh.id, rh.version + 1)


# ------------------------------------------------------------------ users limited to some entities


def test_a_local_correspondent_sees_only_his_entities_cases_everywhere(gorg, routed_org):
    org = gorg
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    assert local.entity_ids == frozenset({org.entities["SAVELUNARI"].id})
    medicis = make_request(org)
    savelunari = make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Inès Moreau")
    with org.session() as session:
        requests = {r.id for r in queries.list_requests(session, local, queries.ListFilter()).rows}
        activities = register.list_activities(session, local, register.RegisterFilter(), 1, 500).rows
        entities = {e.code for e in organisation.list_entities(session, local)}
        departments = {d.code for d in organisation.list_departments(session, local)}
    assert requests == {savelunari.id}
    assert activities and {a.entity_name for a in activities} == {"Savelunari"}
    assert entities == {"SAVELUNARI"} and "DRC" not in departments and "PEDA" in departments
    with pytest.raises(NotAllowed), org.work() as session:  # not only the list: the use case by id
        queries.case_header(session, local, medicis.id)
    with pytest.raises(NotAllowed), org.work() as session:
        register.get_activity(session, local, _activity(org, "member_management"))
    with org.work() as session:
        register.get_activity(session, local, _activity(org, "payments"))


def test_a_local_correspondents_person_search_finds_only_his_entities_cases(gorg, routed_org):
    """Issue 16: "results only within scope" — legal counsel limited to one entity searching
    a name borne by requests and breaches of two entities finds his entity's cases only, and
    the audit entry lists only what was disclosed."""
    from dashboard import person_search
    from tests.breach.factories import declare

    org = gorg
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    make_request(org, requester_name="Inès Moreau")  # Médicis
    own = make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Inès MOREAU")
    declare(org, description="Le relevé de Mme Inès Moreau a été envoyé à un autre adhérent.")  # Médicis
    own_breach = declare(org, entity_id=org.entities["SAVELUNARI"].id,
                         description="L'attestation de Mme Ines Moreau a été publiée par erreur.")
    reason = "Demande d'accès : vérifier les demandes antérieures de la personne"
    with org.work() as session:
        everything = person_search.search_person(session, org.dpo, "ines moreau", reason)
    assert len([h for h in everything if h.case_type == "dsr"]) == 2 and \
        len([h for h in everything if h.case_type == "breach"]) == 2  # the group's DPO sees both entities
    with org.work() as session:
        hits = person_search.search_person(session, local, "ines moreau", reason)
    assert {(h.case_type, h.case_id) for h in hits} == {("dsr", own.id), ("breach", own_breach.id)}
    assert {h.entity_name for h in hits} == {"Savelunari"}
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == person_search.ACTION,
                                                      AuditEntry.actor_id == local.user_id)).one()
    assert sorted(entry.details["results"]) == sorted([own.reference, own_breach.reference])


def test_a_limited_auditor_and_processors_follow_the_entities(gorg):
    org = gorg
    with org.work() as session:
        shared = registry.create_processor(session, org.dpo, processor_data(
            org, entity="SAVELUNARI", activities=("learner_accounts", "lumina_accounts"),
            entity_ids=[org.entities["LUMINA"].id]))
        insurer = registry.create_processor(session, org.dpo, processor_data(org))
    auditor = _user(org, "auditeur.lumina", Role.AUDITOR, entities=("LUMINA",))
    with org.session() as session:
        seen = {p.id for p in registry.list_processors(session, auditor, registry.RegisterFilter(), 1, 100).rows}
    assert shared.id in seen and insurer.id not in seen
    with pytest.raises(NotAllowed), org.work() as session:
        registry.get_processor(session, auditor, insurer.id)


def test_the_limitation_is_edited_by_the_dpo_audited_and_checked(org):
    local = _user(org, "correspondant.gerp", Role.DEPARTMENT_HEAD, departments=("GERP-ADH",), entities=("GERP",))
    with pytest.raises(InvalidInput) as error, org.work() as session:  # a department outside his entities
        users.update_user(session, org.dpo, local.user_id, {
            "full_name": "Personne", "role": Role.DEPARTMENT_HEAD,
            "department_ids": [org.departments["DRC"].id], "entity_ids": [org.entities["GERP"].id]})
    assert error.value.problems[0].key == "group.error.department_outside_entities"
    with pytest.raises(NotAllowed), org.work() as session:
        users.update_user(session, org.legal, local.user_id, {
            "full_name": "Personne", "role": Role.DEPARTMENT_HEAD,
            "department_ids": [org.departments["GERP-ADH"].id], "entity_ids": []})
    with org.work() as session:
        row = users.update_user(session, org.dpo, local.user_id, {
            "full_name": "Personne", "role": Role.DEPARTMENT_HEAD,
            "department_ids": [org.departments["GERP-ADH"].id], "entity_ids": []})
    assert row.entity_ids == ()
    assert actor_named(org.engine, "correspondant.gerp").entity_ids is None
    with org.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "users.update",
                                                      AuditEntry.object_id == local.user_id)).one()
    assert entry.details["changes"]["entity_ids"] == [[org.entities["GERP"].id], []]


def test_an_edit_without_the_limitation_keeps_it(org):
    local = _user(org, "correspondant.adepia", Role.LEGAL, entities=("ADEPIA",))
    with org.work() as session:
        row = users.update_user(session, org.dpo, local.user_id, {"full_name": "Nouveau nom", "role": Role.LEGAL})
    assert row.entity_ids == (org.entities["ADEPIA"].id,)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(role=st.sampled_from(list(Role)), data=st.data())
def test_the_python_and_sql_scopes_agree(gorg, role, data):
    """Actor.covers_department (fetch by id) and department_filter (lists) are one rule."""
    org = gorg
    entity_ids = data.draw(st.none() | st.frozensets(st.sampled_from([e.id for e in org.entities.values()])))
    department_ids = data.draw(st.frozensets(st.sampled_from([d.id for d in org.departments.values()])))
    actor = Actor(user_id=None, username="x", full_name="X", role=role, department_ids=department_ids,
                  entity_ids=entity_ids)
    a = ProcessingActivity
    with org.session() as session:
        rows = session.exec(select(a.id, a.department_id, a.entity_id)).all()
        listed = set(session.exec(select(a.id).where(department_filter(actor, a.department_id, a.entity_id))))
        via_department = set(session.exec(select(a.id).where(department_filter(actor, a.department_id))))
    assert listed == {i for i, d, e in rows if actor.covers_department(d, e)}
    departments = {d.id: d.entity_id for d in org.departments.values()}
    assert via_department == {i for i, d, e in rows if actor.covers_department(d, departments[d])}


# ------------------------------------------------------------------ the clause policy


def test_the_eight_points_are_asked_of_medicis_contracts_only(gorg):
    org = gorg
    policy_missing = POLICY_CLAUSES[:3]
    with org.work() as session:
        medicis = registry.create_processor(session, org.dpo, processor_data(org))
        savelunari = registry.create_processor(session, org.dpo, processor_data(
            org, entity="SAVELUNARI", activities=("payments",), legal_name="PayRhône bis SAS"))
        for processor in (medicis, savelunari):
            contracts.save_contract(session, org.dpo, processor.id, contract_data(missing=policy_missing))
    with org.session() as session:
        stored = {c.processor_id: c for c in session.exec(select(ProcessorContract))}
        medicis_file = registry.get_processor(session, org.dpo, medicis.id)
        savelunari_file = registry.get_processor(session, org.dpo, savelunari.id)
    assert (stored[medicis.id].missing_clauses, stored[savelunari.id].missing_clauses) == (3, 0)
    assert stored[savelunari.id].clause_score == 100
    assert medicis_file.clause_policy.applies and medicis_file.clause_policy.adopting == ("Mutuelle Médicis",)
    assert not savelunari_file.clause_policy.applies
    assert savelunari_file.clause_policy.entities == ("Savelunari",)
    assert set(medicis_file.contracts[0].clauses) == set(ALL_CLAUSES)
    assert set(savelunari_file.contracts[0].clauses) == set(ART28_CLAUSES)

    # Savelunari adopts the policy: its contracts are scored again over the 21 points.
    entity = org.entities["SAVELUNARI"]
    with org.work() as session:
        fields = {f: getattr(entity, f) for f in organisation.ENTITY_FIELDS}
        organisation.save_entity(session, org.dpo, {**fields, "adopts_policy_clauses": True}, entity.id,
                                 entity.version)
    with org.session() as session:
        assert session.get(ProcessorContract, stored[savelunari.id].id).missing_clauses == 3
        assert registry.get_processor(session, org.dpo, savelunari.id).clause_policy.applies


def test_a_processor_shared_with_an_adopting_entity_is_asked_the_eight_points(gorg):
    org = gorg
    with org.work() as session:
        processor = registry.create_processor(session, org.dpo, processor_data(
            org, entity="SAVELUNARI", activities=("payments",)))
        contracts.save_contract(session, org.dpo, processor.id, contract_data(missing=POLICY_CLAUSES))
    with org.session() as session:
        assert session.exec(select(ProcessorContract.missing_clauses)
                            .where(ProcessorContract.processor_id == processor.id)).one() == 0
    with org.work() as session:  # now also used for a Médicis activity: Médicis adopted the policy
        data = processor_data(org, entity="SAVELUNARI", activities=("payments", "hr_payroll"),
                              entity_ids=[org.entities["MEDICIS"].id])
        registry.update_processor(session, org.dpo, processor.id, processor.version, data)
    with org.session() as session:
        assert session.exec(select(ProcessorContract.missing_clauses)
                            .where(ProcessorContract.processor_id == processor.id)).one() == 8


@given(states=st.dictionaries(st.sampled_from(ALL_CLAUSES), st.sampled_from(CLAUSE_STATES)),
       policy=st.booleans())
def test_the_score_counts_only_the_points_asked(states, policy):
    score = score_clauses(states, policy)
    asked = ALL_CLAUSES if policy else ART28_CLAUSES
    assert score.missing == sum(1 for k in asked if states.get(k, "missing") == "missing")
    assert score.present + score.partial + score.missing == len(asked)
    assert 0 <= score.score <= 100
    if not policy:
        assert score == score_clauses({k: v for k, v in states.items() if k in ART28_CLAUSES}, False)


def test_an_unknown_clause_state_is_refused_even_where_not_asked():
    with pytest.raises(ValueError):
        score_clauses({POLICY_CLAUSES[0]: "maybe"}, False)


# ------------------------------------------------------------------ the consolidated view


def test_the_register_side_by_side_matches_each_entity_filter(gorg):
    org = gorg
    with org.session() as session:
        rows = group_view.register_by_entity(session, org.dpo)
        for row in rows[:-1]:
            flt = register.RegisterFilter(entity_id=row.entity_id)
            assert row.entries == register.list_activities(session, org.dpo, flt, 1, 1).total
            drafts = register.list_activities(session, org.dpo, replace(flt, status="draft"), 1, 1).total
            assert row.drafts == drafts
        local = _user(org, "correspondant.lumina", Role.AUDITOR, entities=("LUMINA",))
        limited = group_view.register_by_entity(session, local)
    assert rows[-1].entity_id is None and rows[-1].entries == sum(r.entries for r in rows[:-1])
    assert rows[-1].entries == len(demo_activities.ACTIVITIES)
    assert [r.entity_name for r in limited[:-1]] == ["Lumina Apprendre"] and limited[-1].entries == 3


def test_the_overview_side_by_side_gives_each_entity_and_the_group(routed_org):
    org = routed_org
    make_request(org)
    make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Inès Moreau")
    make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Léa Fontaine")
    with org.session() as session:
        rows = {r.entity_name: r for r in group_view.overview_by_entity(session, org.dpo, OverviewFilter())}
        peda = group_view.overview_by_entity(session, actor_named(org.engine, "chef.peda"), OverviewFilter())
    assert rows["Mutuelle Médicis"].requests_open == 1 and rows["Savelunari"].requests_open == 2
    assert rows[""].requests_open == 3 and rows["Lumina Apprendre"].requests_open == 0
    assert {r.entity_name: r.requests_open for r in peda}["Savelunari"] == 2  # his SUPPORT department
    assert {r.entity_name: r.requests_open for r in peda}["Mutuelle Médicis"] == 0


# ------------------------------------------------------------------ the migration's backfill


def test_the_migration_gives_each_existing_department_an_entity(gorg):
    """Down to 0028 (no link), cases moved so that one department serves two entities, then
    up again: a department used by one entity goes to it, the others to the main entity."""
    org = gorg
    cfg = db.alembic_config()
    ids = {code: d.id for code, d in org.departments.items()}
    with org.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0028")
    with org.engine.begin() as conn:  # payments (Savelunari) now owned by Médicis's DRC: DRC serves two entities
        conn.execute(text("UPDATE processing_activity SET department_id = :d "
                          "WHERE name = 'Paiements et facturation'"), {"d": ids["DRC"]})
    with org.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with org.session() as session:
        of = {d.code: d.entity_id for d in session.exec(select(Department))}
        adopted = {e.code: e.adopts_policy_clauses for e in organisation.list_entities(session, org.dpo)}
    e = {code: x.id for code, x in org.entities.items()}
    assert of["SAV-MKT"] == e["SAVELUNARI"] and of["LUM-SUPPORT"] == e["LUMINA"] and of["RH"] == e["MEDICIS"]
    assert of["DRC"] == e["MEDICIS"]  # two entities: the main one (the oldest)
    assert of["SAV-FIN"] == e["MEDICIS"]  # no case left: the main one too
    assert all(adopted.values())  # the entities already there keep being asked the eight points


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entity_ids=st.lists(st.integers(min_value=-2**31, max_value=2**31 - 1) | st.sampled_from([1, 2, 3])
                           | st.text(max_size=30), max_size=4))
def test_a_hostile_limitation_is_refused_with_a_message_and_changes_nothing(org, entity_ids):
    juriste = org.legal.user_id
    with org.session() as session:
        before = users.get_user(session, org.dpo, juriste)
    known = {e.id for e in org.entities.values()}
    data = {"full_name": before.full_name, "role": Role.LEGAL, "entity_ids": entity_ids}
    try:
        with org.work() as session:
            row = users.update_user(session, org.dpo, juriste, data, before.version)
    except InvalidInput as error:
        assert error.problems and all(p.key for p in error.problems)
        with org.session() as session:
            assert users.get_user(session, org.dpo, juriste) == before
    else:
        assert set(row.entity_ids) <= known  # only known entities get through (a digit string is a number)
        assert len(row.entity_ids) == len({int(e) for e in entity_ids})
    with org.work() as session:  # back to the whole group for the next example
        current = users.get_user(session, org.dpo, juriste)
        users.update_user(session, org.dpo, juriste, {"full_name": current.full_name, "role": Role.LEGAL,
                                                      "entity_ids": []}, current.version)
