"""Two people edit the same record: the second save, made on the version that person saw,
is refused with a message naming who changed what and when; the first save stands.
On SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlmodel import select

from dashboard import i18n, organisation, users
from dashboard.dsr import routing
from dashboard.errors import ConcurrentEdit
from dashboard.validation import InvalidInput
from dashboard.processor import contracts, registry
from models.dsr import DsrRoutingRule
from models.org import User
from models.processor import Processor, ProcessorContract


def _message(error: ConcurrentEdit, language: str = "fr") -> str:
    return i18n.Translator(language).error(error)


def test_second_account_edit_on_the_same_version_names_the_first_editor(org):
    with org.session() as session:
        user = session.exec(select(User).where(User.username == "chef.rh")).one()
        seen = user.version
        departments = [d.id for d in org.departments.values() if d.code == "RH"]
    base = {"full_name": "Chef RH", "email": "rh@medicis.example", "role": "department_head",
            "department_ids": departments, "active": True}
    with org.work() as session:  # the DPO saves first
        users.update_user(session, org.dpo, user.id, {**base, "email": "nouvelle.adresse@medicis.example"}, seen)
    with pytest.raises(ConcurrentEdit) as refused, org.work() as session:  # then a second DPO tab, opened before
        users.update_user(session, org.dpo, user.id, {**base, "full_name": "Autre nom"}, seen)
    text = _message(refused.value)
    assert "dpo" in text and "Votre saisie n'a pas été enregistrée" in text
    assert "Adresse électronique" in text or "courriel" in text.lower() or "e-mail" in text.lower()
    with org.session() as session:
        kept = session.get(User, user.id)
    assert (kept.email, kept.full_name, kept.version) == ("nouvelle.adresse@medicis.example", "Chef RH", seen + 1)


def test_entity_and_department_edits_carry_the_version_seen(org):
    entity = org.entities["MEDICIS"]
    data = {f: getattr(entity, f) for f in ("code", "name", "legal_name", "address", "registration_number",
                                            "dpo_name", "dpo_email", "dpo_phone", "dpo_address", "alsace_moselle",
                                            "holds_health_records", "forbids_non_eu_transfers", "active",
                                            "internal_target_days", "internal_target_days_complex")}
    with org.work() as session:
        organisation.save_entity(session, org.dpo, {**data, "address": "1 rue A"}, entity.id, entity.version)
    with pytest.raises(ConcurrentEdit) as refused, org.work() as session:
        organisation.save_entity(session, org.dpo, {**data, "dpo_phone": "01 02 03 04 05"}, entity.id,
                                 entity.version)
    assert "dpo" in _message(refused.value, "en") and "Your input was not saved" in _message(refused.value, "en")
    department = next(iter(org.departments.values()))
    fields = {"code": department.code, "name": department.name, "email": department.email, "active": True}
    with org.work() as session:
        organisation.save_department(session, org.dpo, {**fields, "name": "Nom A"}, department.id, department.version)
    with pytest.raises(ConcurrentEdit), org.work() as session:
        organisation.save_department(session, org.dpo, {**fields, "name": "Nom B"}, department.id,
                                     department.version)
    with org.session() as session:
        assert session.get(type(department), department.id).name == "Nom A"


def test_routing_form_saves_whole_or_not_at_all_when_someone_routed_since(org):
    """Two DPO tabs open the insurer's routing form; the first routes members to HR, the
    second (still showing the old rule) changes prospects and members: refused as a whole."""
    entity = org.entities["MEDICIS"]
    with org.session() as session:
        rules = {r.relation: r.department_id for r in session.exec(
            select(DsrRoutingRule).where(DsrRoutingRule.entity_id == entity.id))}
    hr = org.departments["RH"].id
    with org.work() as session:
        routing.set_rules(session, org.dpo, entity.id, rules, {**rules, "member": hr})
    other = next(d.id for code, d in sorted(org.departments.items()) if code != "RH" and d.entity_id == entity.id)
    with pytest.raises(ConcurrentEdit) as refused, org.work() as session:
        routing.set_rules(session, org.dpo, entity.id, rules, {**rules, "prospect": other, "member": other})
    assert "dpo" in _message(refused.value)
    with org.session() as session:
        after = {r.relation: r.department_id for r in session.exec(
            select(DsrRoutingRule).where(DsrRoutingRule.entity_id == entity.id))}
    assert after == {**rules, "member": hr}  # the first save whole, nothing of the second


def _processor(org) -> int:
    with org.work() as session:
        created = registry.create_processor(session, org.dpo, {
            "legal_name": "Hébergeur Test SAS", "country_code": "FR", "services": "Hébergement",
            "entity_id": org.entities["MEDICIS"].id,
            "locations": [{"country_code": "FR", "processing": True, "storage": True}]})
        return created.id


def test_stale_processor_save_names_the_editor_and_the_fields(org):
    processor_id = _processor(org)
    with org.session() as session:
        seen = session.get(Processor, processor_id).version
        pfile = registry.get_processor(session, org.dpo, processor_id)
        base = {name: getattr(pfile.processor, name) for name in registry.FIELDS}
        base |= {"entity_ids": pfile.entity_ids, "activity_ids": [],
                 "locations": [loc.model_dump() for loc in pfile.locations]}
    with org.work() as session:
        registry.update_processor(session, org.legal, processor_id, seen, {**base, "address": "12 rue du Port"})
    with pytest.raises(ConcurrentEdit) as refused, org.work() as session:
        registry.update_processor(session, org.dpo, processor_id, seen, {**base, "dpo_contact": "dpo@h.example"})
    text = _message(refused.value)
    assert "juriste" in text and "Adresse" in text
    with org.session() as session:
        kept = session.get(Processor, processor_id)
    assert (kept.address, kept.dpo_contact) == ("12 rue du Port", base["dpo_contact"])


def test_a_contract_reference_is_recorded_once_per_processor(org):
    """A form sent twice (double click) cannot file the same contract twice."""
    processor_id = _processor(org)
    contract = {"title": "Contrat d'hébergement", "document_reference": "CT-2026-17",
                "signed_on": date(2026, 1, 5), "starts_on": date(2026, 1, 10), "initial_end": None, "clauses": {}}
    with org.work() as session:
        contracts.save_contract(session, org.dpo, processor_id, contract)
    with pytest.raises(InvalidInput) as refused, org.work() as session:
        contracts.save_contract(session, org.dpo, processor_id, contract)
    assert [(p.field, p.key) for p in refused.value.problems] == [("document_reference",
                                                                   "processor.error.reference_taken")]
    with org.session() as session:
        stored = session.exec(select(ProcessorContract).where(ProcessorContract.processor_id == processor_id)).all()
    assert len(stored) == 1
