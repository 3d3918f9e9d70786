"""Recording processors and contracts, the flags, the deadlines and who sees what, on
SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.links import cases_linked_to_activity
from dashboard.processor import audits, contracts, flags, registry, subprocessors
from dashboard.validation import InvalidInput
from models.audit import AuditEntry
from models.clock import paris_today
from models.deadlines import add_months
from models.processor import Processor, ProcessorAudit, ProcessorContract, SubProcessor
from tests.processor.conftest import activity, contract_data, processor_data

US_UNDER_DPF = {"country_code": "US", "processing": True, "storage": True, "transfer_tool": "adequacy",
                "note": "Certifié DPF"}


def _create(org, actor=None, **kwargs):
    with org.work() as session:
        return registry.create_processor(session, actor or org.dpo, processor_data(org, **kwargs))


def _flags(org, processor_id):
    with org.session() as session:
        return flags.flags_of(session, [processor_id], paris_today())[processor_id]


def test_a_us_transfer_is_flagged_for_the_insurer_that_forbids_it_not_for_the_platform(porg):
    insurer = _create(porg, activities=("newsletter",), locations=[US_UNDER_DPF])
    platform = _create(porg, entity="SAVELUNARI", activities=("support_desk",),
                       locations=[{**US_UNDER_DPF, "transfer_tool": "scc", "scc_module": 2}])
    assert insurer.reference.startswith("SST-") and insurer.transfers_outside_eu
    assert {"forbidden_transfer", "outside_eea", "no_contract"} <= _flags(porg, insurer.id)
    assert "forbidden_transfer" not in _flags(porg, platform.id) and "outside_eea" in _flags(porg, platform.id)
    with porg.session() as session:
        listed = registry.list_processors(session, porg.legal, registry.RegisterFilter(flag="forbidden_transfer"))
    assert [row.id for row in listed.rows] == [insurer.id]


def test_a_sub_processor_outside_the_eu_makes_the_processor_transfer(porg):
    processor = _create(porg)
    assert "forbidden_transfer" not in _flags(porg, processor.id)
    with porg.work() as session:
        offshore = subprocessors.add_subprocessor(session, porg.dpo, processor.id, {
            "name": "Support Offshore Ltd", "country_code": "IN", "transfer_tool": "scc", "scc_module": 3,
            "authorisation": "specific"})
    assert offshore.status == "active" and "forbidden_transfer" in _flags(porg, processor.id)
    with porg.work() as session:  # no longer used: kept, marked removed, and the transfer is gone
        subprocessors.remove_subprocessor(session, porg.dpo, offshore.id, offshore.version)
    assert "forbidden_transfer" not in _flags(porg, processor.id)
    with porg.session() as session:
        assert session.get(SubProcessor, offshore.id).status == "removed"


@pytest.mark.parametrize(("change", "key"), [
    ({"locations": [{"country_code": "US"}]}, "processor.error.transfer_tool_missing"),
    ({"country_code": "XK"}, "processor.error.country_unknown"),  # Kosovo has no ISO 3166-1 code
    ({"locations": [{"country_code": "ZZ"}]}, "processor.error.country_unknown"),
    ({"locations": []}, "validation.too_few"),
])
def test_bad_processor_input_gets_a_clear_message_and_saves_nothing(porg, change, key):
    with porg.session() as session:
        entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
    with pytest.raises(InvalidInput) as error:
        _create(porg, **change)
    assert [p.key for p in error.value.problems] == [key]
    with porg.session() as session:
        assert session.exec(select(func.count()).select_from(Processor)).one() == 0
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == entries


@pytest.mark.parametrize(("terms", "key"), [
    ({"initial_end": "2020-01-01"}, "processor.error.end_before_start"),
    ({"initial_end": "{in_60_days}", "notice_months": 6}, "processor.error.notice_too_long"),
])
def test_bad_contract_terms_save_nothing(porg, terms, key):
    processor = _create(porg)
    today = paris_today()
    terms = {k: (today + timedelta(days=60) if v == "{in_60_days}" else v) for k, v in terms.items()}
    with pytest.raises(InvalidInput) as error, porg.work() as session:
        contracts.save_contract(session, porg.dpo, processor.id, contract_data(**terms))
    assert [p.key for p in error.value.problems] == [key]
    with porg.session() as session:
        assert session.exec(select(func.count()).select_from(ProcessorContract)).one() == 0


def test_clause_scoring_flags_a_missing_clause_until_the_contract_is_amended(porg):
    processor = _create(porg)
    today = paris_today()
    with porg.work() as session:
        contract = contracts.save_contract(session, porg.legal, processor.id, contract_data(
            missing=("art28_h", "policy_breach"), initial_end=today + timedelta(days=400), notice_months=3))
    assert (contract.clause_score, contract.missing_clauses) == (90, 2)  # 19 of 21 points
    assert "missing_clause" in _flags(porg, processor.id) and "no_contract" not in _flags(porg, processor.id)
    with porg.session() as session:
        flagged = session.exec(flags.contracts_with_missing_clauses(session, porg.dpo)).all()
        assert [c.id for c in flagged] == [contract.id]
        assert session.exec(flags.contracts_with_missing_clauses(session, porg.head_cr)).all() == []  # not his scope
    with porg.work() as session:
        contracts.save_contract(session, porg.legal, processor.id,
                                contract_data(initial_end=today + timedelta(days=400)), contract.id, contract.version)
    assert "missing_clause" not in _flags(porg, processor.id)
    with pytest.raises(ConcurrentEdit), porg.work() as session:  # a form opened before the amendment
        contracts.save_contract(session, porg.dpo, processor.id, contract_data(), contract.id, contract.version)
    with porg.session() as session:
        kept = session.get(ProcessorContract, contract.id)
        assert kept.missing_clauses == 0 and kept.end_date == today + timedelta(days=400)


def test_end_and_notice_dates_are_stored_and_follow_tacit_renewal(porg):
    processor = _create(porg)
    today = paris_today()
    first_end = today - timedelta(days=10)
    with porg.work() as session:
        contract = contracts.save_contract(session, porg.dpo, processor.id, contract_data(
            starts_on=first_end - timedelta(days=365), initial_end=first_end, tacit_renewal=True, renewal_months=12,
            notice_months=3))
    from models.deadlines import add_months, notice_date

    assert contract.end_date == add_months(first_end, 12)  # the term running today
    assert contract.notice_date == notice_date(add_months(first_end, 12), 3)
    with porg.work() as session:  # a year later, opening the register rolls the term on
        contracts.roll_tacit_renewals(session, porg.dpo, today + timedelta(days=400))
    with porg.session() as session:
        assert session.get(ProcessorContract, contract.id).end_date == add_months(first_end, 24)
    with porg.work() as session:  # only editors' sessions move the terms on
        assert contracts.roll_tacit_renewals(session, porg.auditor, today + timedelta(days=900)) == 0
        assert contracts.roll_tacit_renewals(session, porg.head_hr, today + timedelta(days=900)) == 0
    with porg.session() as session:
        listed = registry.list_processors(session, porg.dpo, registry.RegisterFilter(flag="deadline_soon"))
    assert [row.id for row in listed.rows] == []  # notice in ~9 months


def test_general_authorisation_opens_an_objection_window(porg):
    processor = _create(porg, objection_window_days=15)
    today = paris_today()
    with porg.work() as session:
        added = subprocessors.add_subprocessor(session, porg.dpo, processor.id, {
            "name": "Imprimerie Lorraine", "country_code": "FR", "authorisation": "general",
            "notified_on": today - timedelta(days=2)})
        late = subprocessors.add_subprocessor(session, porg.dpo, processor.id, {
            "name": "Ancien routeur", "country_code": "FR", "authorisation": "general",
            "notified_on": today - timedelta(days=60)})
    from models.deadlines import objection_deadline

    assert added.status == "notified"
    assert added.objection_deadline == objection_deadline(today - timedelta(days=2), 15)
    assert "objection_open" in _flags(porg, processor.id)
    with pytest.raises(InvalidInput) as error, porg.work() as session:
        subprocessors.decide_objection(session, porg.dpo, late.id, late.version, {"objected": True,
                                                                                   "note": "Hors délai"})
    assert error.value.problems[0].key == "processor.error.window_closed"
    with porg.work() as session:
        subprocessors.decide_objection(session, porg.dpo, added.id, added.version,
                                       {"objected": True, "note": "Localisation des sauvegardes inconnue"})
    with porg.session() as session:
        assert session.get(SubProcessor, added.id).status == "objected"
    assert "objection_open" not in _flags(porg, processor.id)
    with pytest.raises(InvalidInput), porg.work() as session:  # general authorisation without the notice date
        subprocessors.add_subprocessor(session, porg.dpo, processor.id, {
            "name": "Sans date", "country_code": "FR", "authorisation": "general"})


def test_department_heads_see_only_processors_of_their_departments_activities(porg):
    payroll = _create(porg, activities=("hr_payroll",))
    members = _create(porg, legal_name="Gestion Adhérents SA", activities=("member_management",))
    unlinked = _create(porg, legal_name="Sans traitement", activities=())
    everyone = registry.RegisterFilter()
    with porg.session() as session:
        seen = {actor: {r.id for r in registry.list_processors(session, getattr(porg, actor), everyone).rows}
                for actor in ("dpo", "legal", "auditor", "head_hr", "head_cr")}
        assert registry.count_processors(session, porg.head_hr, everyone) == 1
        assert flags.count_flags(session, porg.head_cr).total == 1
    assert seen["dpo"] == seen["legal"] == seen["auditor"] == {payroll.id, members.id, unlinked.id}
    assert seen["head_hr"] == {payroll.id} and seen["head_cr"] == {members.id}
    with porg.session() as session:
        assert registry.get_processor(session, porg.head_hr, payroll.id).editable is False
        assert registry.get_processor(session, porg.auditor, members.id).editable is False
        assert registry.get_processor(session, porg.legal, members.id).editable is True
    with pytest.raises(NotAllowed), porg.work() as session:
        registry.get_processor(session, porg.head_hr, members.id)
    with pytest.raises(NotAllowed), porg.work() as session:
        registry.get_processor(session, porg.head_hr, 999999)
    with porg.session() as session:
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")
                               .order_by(AuditEntry.seq)).all()
        assert [(e.actor_name, e.object_id) for e in denied] == [("chef.rh", members.id), ("chef.rh", 999999)]
        linked = cases_linked_to_activity(session, porg.head_cr, activity(porg, "member_management"))
        assert [(c.case_type, c.reference, c.url_path) for c in linked] == [
            ("processor", members.reference, f"processor?id={members.id}")]
        assert cases_linked_to_activity(session, porg.head_hr, activity(porg, "member_management")) == []


@pytest.mark.parametrize("who", ["auditor", "head_hr"])
def test_auditors_and_department_heads_change_nothing(porg, who):
    processor = _create(porg)
    actor = getattr(porg, who)
    attempts = [
        lambda s: registry.create_processor(s, actor, processor_data(porg)),
        lambda s: registry.update_processor(s, actor, processor.id, processor.version, processor_data(porg)),
        lambda s: contracts.save_contract(s, actor, processor.id, contract_data()),
        lambda s: subprocessors.add_subprocessor(s, actor, processor.id, {"name": "X SA", "country_code": "FR",
                                                                         "authorisation": "specific"}),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed), porg.work() as session:
            attempt(session)
    with porg.session() as session:
        assert session.exec(select(func.count()).select_from(Processor)).one() == 1
        assert session.exec(select(func.count()).select_from(ProcessorContract)).one() == 0


def test_edit_keeps_history_and_refuses_a_stale_version(porg):
    processor = _create(porg)
    with porg.work() as session:
        registry.update_processor(session, porg.dpo, processor.id, processor.version,
                                  processor_data(porg, legal_name="Paie Conseil SAS", status="approved"))
    with pytest.raises(ConcurrentEdit), porg.work() as session:
        registry.update_processor(session, porg.legal, processor.id, processor.version,
                                  processor_data(porg, legal_name="Écrasé"))
    with porg.session() as session:
        assert session.get(Processor, processor.id).legal_name == "Paie Conseil SAS"
        update = session.exec(select(AuditEntry).where(AuditEntry.action == "processor.update")).one()
    assert update.details["changes"]["legal_name"] == ["Paie & <Compagnie> SAS", "Paie Conseil SAS"]
    assert update.details["changes"]["status"] == ["assessed", "approved"]


def _audit_data(performed_on, **changes) -> dict:
    return {"performed_on": performed_on, "kind": "on_site", "auditor": "Cabinet Audit & Conformité",
            "outcome": "minor_findings", "findings": "Journalisation des accès incomplète"} | changes


def test_dpo_records_an_audit_and_the_next_one_is_due_an_interval_later(porg):
    today = paris_today()
    processor = _create(porg, planned_audit_on=today - timedelta(days=20))  # planned, then done
    assert processor.next_audit_date == today - timedelta(days=20) and "audit_due" in _flags(porg, processor.id)
    performed = today - timedelta(days=10)
    with porg.work() as session:
        audits.record_audit(session, porg.dpo, processor.id, _audit_data(performed))
    with porg.work() as session:  # an older audit recorded late does not move the last one back
        audits.record_audit(session, porg.legal, processor.id, _audit_data(performed - timedelta(days=400),
                                                                           outcome="compliant", findings=""))
    with porg.session() as session:
        stored = session.exec(select(ProcessorAudit).order_by(ProcessorAudit.performed_on.desc())).all()
        refreshed = session.get(Processor, processor.id)
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "processor.audit.record")
                               .order_by(AuditEntry.seq)).all()
    assert [(a.performed_on, a.outcome, a.findings, a.recorded_by) for a in stored] == [
        (performed, "minor_findings", "Journalisation des accès incomplète", "Claire Fontaine"),
        (performed - timedelta(days=400), "compliant", "", "Julien Mercier")]
    assert refreshed.last_audit_on == performed and refreshed.planned_audit_on is None
    assert refreshed.next_audit_date == add_months(performed, 12)
    assert "audit_due" not in _flags(porg, processor.id)
    assert [(e.actor_name, e.object_ref, e.details["audit_id"], e.details["next_audit"]) for e in entries] == [
        ("dpo", processor.reference, stored[0].id, add_months(performed, 12).isoformat()),
        ("juriste", processor.reference, stored[1].id, add_months(performed, 12).isoformat())]


@pytest.mark.parametrize("who", ["auditor", "head_hr"])
def test_auditors_and_department_heads_cannot_record_an_audit(porg, who):
    processor = _create(porg, activities=("hr_payroll",))  # one the HR head sees
    with pytest.raises(NotAllowed), porg.work() as session:
        audits.record_audit(session, getattr(porg, who), processor.id, _audit_data(paris_today()))
    with porg.session() as session:
        assert session.exec(select(func.count()).select_from(ProcessorAudit)).one() == 0
        assert session.get(Processor, processor.id).last_audit_on is None
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "processor.audit.record")).all()
        denied = session.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).one()
    assert (denied.actor_name, denied.details["attempted"]) == (getattr(porg, who).username, "processor.audit.record")
