"""The entity limit everywhere (issue 18, follow-up): a user limited to some entities (a
local correspondent) sees only what belongs to them — the audit trail, the evidence
room's documents of no case, the annual report, the review campaigns, the consent
withdrawals — and never a group-wide record. By id as in lists: an unknown id and
another entity's id get the same NotAllowed. Each test runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""

import io
import zipfile
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from dashboard import (alarms, annual_report, audit_pack, audit_trail, consent, evidence_room, navigation,
                       organisation, processor_record, register, register_io, retention, users)
from dashboard.audit_trail import TrailFilter
from dashboard.dsr import documents as dsr_documents
from dashboard.dsr import intake
from dashboard.errors import NotAllowed
from dashboard.evidence_room import DocumentFilter
from dashboard.mail import log as mail_log
from dashboard.processor import registry as processor_registry
from exports.audit_pack import TRAIL_FILE
from models import mail
from models.audit import AuditEntry
from models.clock import paris_today
from models.mail import MailOutbox
from models.processing import ProcessingActivity
from models.retention import RetentionTask
from models.roles import Role
from tests.breach.factories import declare
from tests.dsr.conftest import make_request, routed_org  # noqa: F401 (a fixture)
from tests.conftest import actor_named
from tests.processor.conftest import processor_data
from tests.register.factories import create as create_activity
from tests.register.test_consistency_use_cases import FRANCE, MOROCCO, RECIPIENTS, _call, _call_centre, _entry, _reload
from tests.retention.factories import activity_with_systems, consent_activity, generate
from tests.test_group_entities import _activity, _user, gorg  # noqa: F401 (a fixture)

UNKNOWN = 10**9
REASON = "Contrôle interne de l'entité"


def _refused(org, use_case) -> None:
    with pytest.raises(NotAllowed), org.work() as session:
        use_case(session)


# ------------------------------------------------------------------ the audit trail


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DPO])
def test_a_limited_trail_reader_reads_only_his_entities_entries(routed_org, role):
    org = routed_org
    reader = _user(org, f"lecteur.{role}", role, entities=("SAVELUNARI",))
    medicis = make_request(org)
    savelunari = make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Inès Moreau")
    sav, med = org.entities["SAVELUNARI"].id, org.entities["MEDICIS"].id
    with org.session() as session:
        seen = audit_trail.search(session, reader, TrailFilter(), 1, 1000)
        whole = audit_trail.search(session, org.dpo, TrailFilter(), 1, 1000)
        other = audit_trail.count(session, reader, TrailFilter(entity_id=med, include_unscoped=True))
        actions = audit_trail.list_actions(session, reader)
    assert savelunari.reference in {e.object_ref for e in seen.entries}
    assert medicis.reference not in {e.object_ref for e in seen.entries}
    assert {e.entity_id for e in seen.entries} == {sav} and seen.total == len(seen.entries)  # no group-wide entry
    assert medicis.reference in {e.object_ref for e in whole.entries}  # the group's DPO still reads everything
    assert other == 0 and "users.create" not in actions
    with org.work() as session:
        exported = audit_trail.export_csv(session, reader, TrailFilter()).decode("utf-8-sig")
    assert savelunari.reference in exported and medicis.reference not in exported
    medicis_seq = next(e.seq for e in whole.entries if e.object_ref == medicis.reference)
    for seq in (medicis_seq, UNKNOWN):  # a forged entry number: one answer, logged
        _refused(org, lambda s, seq=seq: audit_trail.sealed_part(s, reader, seq))
    with org.session() as session:
        denied = session.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "access.denied", AuditEntry.actor_name == reader.username)).one()
    assert denied == 2


def test_a_limited_auditor_packs_his_entity_only_with_its_entries(routed_org):
    org = routed_org
    auditor = _user(org, "auditeur.sav", Role.AUDITOR, entities=("SAVELUNARI",))
    medicis = make_request(org)
    savelunari = make_request(org, entity="SAVELUNARI", relation="learner", requester_name="Inès Moreau")
    sav = org.entities["SAVELUNARI"].id
    period = {"date_from": paris_today() - timedelta(days=30), "date_to": paris_today(), "reason": REASON}
    for entity_id in (None, org.entities["MEDICIS"].id, UNKNOWN):  # the group's, another's, an unknown one
        _refused(org, lambda s, e=entity_id: audit_pack.build_audit_pack(s, auditor, {**period, "entity_id": e}))
    with org.session() as session:  # before the pack (its own issue is an entry of the entity too)
        own = session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == sav)).one()
    with org.work() as session:
        pack = audit_pack.build_audit_pack(session, auditor, {**period, "entity_id": sav})
        content = audit_pack.pack_content(session, auditor, pack.document_id)
    trail = zipfile.ZipFile(io.BytesIO(content)).read(TRAIL_FILE).decode("utf-8-sig")
    assert savelunari.reference in trail and medicis.reference not in trail
    assert pack.trail_entries == own  # his entity's entries, no organisation-wide one


# ------------------------------------------------------------------ documents of no case, annual report


def test_a_limited_reader_gets_only_his_entities_documents(gorg):
    org = gorg
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    sav, med = org.entities["SAVELUNARI"].id, org.entities["MEDICIS"].id
    year = paris_today().year - 1
    request = make_request(org)
    with org.work() as session:
        group_report = annual_report.issue(session, org.dpo, year, None, None)
        sav_report = annual_report.issue(session, org.dpo, year, sav, None)
        medicis_extract = register_io.issue_register_pdf(session, org.dpo, med)
        sav_extract = register_io.issue_register_pdf(session, org.dpo, sav)
        medicis_record = processor_record.issue_record_pdf(session, org.dpo, med)
        acknowledgement = dsr_documents.issue_acknowledgement(session, org.dpo, request.id)  # a Médicis case's
    others = {group_report.id, medicis_extract.id, medicis_record.id, acknowledgement.id}
    with org.session() as session:
        listed = {r.id for r in evidence_room.search_documents(session, local, DocumentFilter(), 1, 500).rows}
        everything = {r.id for r in evidence_room.search_documents(session, org.dpo, DocumentFilter(), 1, 500).rows}
        reports = {r.id for r in annual_report.issued_reports(session, local)}
        kinds = evidence_room.list_kinds(session, local)
    assert {sav_report.id, sav_extract.id} <= listed and not listed & others
    assert others <= everything
    assert reports == {sav_report.id} and processor_record.PDF_KIND not in kinds
    for document_id in (*others, UNKNOWN):  # a forged ?id=: the same answer as an unknown one
        _refused(org, lambda s, i=document_id: evidence_room.document_detail(s, local, i))
        _refused(org, lambda s, i=document_id: evidence_room.download(s, local, i, REASON))
    for document_id in (group_report.id, UNKNOWN):
        _refused(org, lambda s, i=document_id: annual_report.download(s, local, i))
    with org.work() as session:
        assert annual_report.download(session, local, sav_report.id).sha256 == sav_report.sha256
        assert evidence_room.download(session, local, sav_extract.id, REASON).sha256 == sav_extract.sha256


def test_a_limited_user_neither_reads_nor_issues_the_groups_or_another_entitys_report(gorg):
    org = gorg
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    sav, med = org.entities["SAVELUNARI"].id, org.entities["MEDICIS"].id
    year = paris_today().year - 1
    for entity_id in (None, med, UNKNOWN):
        _refused(org, lambda s, e=entity_id: annual_report.figures(s, local, year, e))
        _refused(org, lambda s, e=entity_id: annual_report.latest(s, local, year, e))
        _refused(org, lambda s, e=entity_id: annual_report.issue(s, local, year, e, None))
    for entity_id in (med, UNKNOWN):
        _refused(org, lambda s, e=entity_id: register_io.issue_register_pdf(s, local, e))
        _refused(org, lambda s, e=entity_id: processor_record.issue_record_pdf(s, local, e))
    with pytest.raises(NotAllowed):  # nor writes a register entry into another entity
        create_activity(org, local, entity="MEDICIS", department="DRC")
    with org.work() as session:
        assert annual_report.figures(session, local, year, sav).year == year
        assert annual_report.issue(session, local, year, sav, None).entity_id == sav


# ------------------------------------------------------------------ review campaigns, consent withdrawals


def test_campaigns_and_withdrawals_of_other_entities_stay_out_of_a_limited_users_reach(org):
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    sav, med = org.entities["SAVELUNARI"].id, org.entities["MEDICIS"].id
    medicis_campaign, _ = generate(org, entity="MEDICIS")
    sav_campaign, _ = generate(org, entity="SAVELUNARI")
    with org.session() as session:
        listed = {row.campaign.id for row in retention.list_campaigns(session, local)}
        everyone = {row.campaign.id for row in retention.list_campaigns(session, org.dpo)}
    assert listed == {sav_campaign} and everyone == {sav_campaign, medicis_campaign}
    _refused(org, lambda s: retention.get_campaign(s, local, medicis_campaign))
    _refused(org, lambda s: retention.generate_campaign(s, local, med, date(2025, 12, 1), date(2026, 1, 31),
                                                        today=date(2025, 12, 1)))
    newsletter = consent_activity(org)  # Médicis's marketing
    request = make_request(org, rights=["consent_withdrawal"])
    data = {"activity_id": newsletter.id, "received_on": paris_today(), "channel": "unsubscribe_link",
            "source_reference": "EVT-2026-118"}
    for activity_id in (newsletter.id, UNKNOWN):
        _refused(org, lambda s, a=activity_id: consent.record_withdrawal(s, local, {**data, "activity_id": a}))
    with org.session() as session:
        offered = consent.withdrawal_requests(session, local, med)
        dpo_offered = consent.withdrawal_requests(session, org.dpo, med)
        assert consent.list_withdrawals(session, local) == []
    assert offered == [] and [r.id for r in dpo_offered] == [request.id]
    with org.work() as session:
        assert retention.get_campaign(session, local, sav_campaign).entity.id == sav


# ------------------------------------------------------------------ mails


def test_a_breach_alert_goes_to_a_local_correspondent_of_its_entity_only(org):
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    medicis = declare(org)
    savelunari = declare(org, entity_id=org.entities["SAVELUNARI"].id)
    with org.session() as session:
        alerted = {(m.case_id, m.recipient_id) for m in session.exec(
            select(MailOutbox).where(MailOutbox.event == mail.BREACH_DECLARED))}
    assert (savelunari.id, local.user_id) in alerted and (medicis.id, local.user_id) not in alerted
    assert (medicis.id, org.dpo.user_id) in alerted  # the group's DPO, for every entity


def test_a_returned_register_entry_is_mailed_to_the_dpos_who_see_it(org):
    limited = _user(org, "dpo.medicis", Role.DPO, entities=("MEDICIS",))
    activity = _entry(org, org.head_cr, recipients=RECIPIENTS)  # Savelunari's
    processor = _call_centre(org, activity, locations=(FRANCE,))
    _call(org, register.validate_activity, org.dpo, activity.id, _reload(org, activity.id).version)
    data = processor_data(org, entity="SAVELUNARI", activities=(), activity_ids=[activity.id],
                          legal_name="Atlas Appels SARL", country_code="MA", locations=[FRANCE, MOROCCO])
    _call(org, processor_registry.update_processor, org.legal, processor.id, processor.version, data)
    with org.session() as session:
        recipients = {m.recipient_id for m in session.exec(select(MailOutbox).where(
            MailOutbox.case_type == "register", MailOutbox.case_id == activity.id))}
    assert org.dpo.user_id in recipients and limited.user_id not in recipients


# ------------------------------------------------------------------ the group's administration


def test_a_limited_dpo_does_not_administer_the_group_nor_lift_his_own_limit(org):
    limited = _user(org, "dpo.medicis", Role.DPO, entities=("MEDICIS",))
    _refused(org, lambda s: users.list_users(s, limited))
    _refused(org, lambda s: users.update_user(s, limited, limited.user_id, {
        "full_name": "Personne", "role": Role.DPO, "entity_ids": []}))
    _refused(org, lambda s: organisation.save_entity(s, limited, {}, org.entities["GERP"].id,
                                                     org.entities["GERP"].version))
    _refused(org, lambda s: mail_log.mail_log(s, limited))
    assert limited.must_change_password  # the gate first, at every address: the pages once through it
    assert {"users", "organisation", "dsr-routing", "mail"}.isdisjoint(
        {p.url_path for p in navigation.pages_for(replace(limited, must_change_password=False))})
    assert {"users", "organisation", "dsr-routing", "mail"} <= {p.url_path for p in navigation.pages_for(org.dpo)}
    with org.session() as session:
        assert alarms.security_alarms(session, limited) == []
    assert actor_named(org.engine, "dpo.medicis").entity_ids == {org.entities["MEDICIS"].id}  # unchanged


# ------------------------------------------------------------------ writing into another entity


def test_a_limited_user_neither_finds_nor_records_another_entitys_cases(routed_org):
    org = routed_org
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    medicis = make_request(org)  # Jeanne Morel, at Médicis
    with org.session() as session:
        assert [h.id for h in intake.possible_duplicates(session, org.dpo, "Jeanne Morel")] == [medicis.id]
        assert intake.possible_duplicates(session, local, "Jeanne Morel") == []
    with pytest.raises(NotAllowed):
        make_request(org, actor=local)
    with pytest.raises(NotAllowed):
        declare(org, actor=local)
    _refused(org, lambda s: processor_registry.create_processor(s, local, processor_data(org, activities=())))
    with org.session() as session:
        assert session.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "access.denied", AuditEntry.actor_name == local.username)).one() == 3
    own = make_request(org, actor=local, entity="SAVELUNARI", relation="learner", requester_name="Inès Moreau")
    assert own.entity_id == org.entities["SAVELUNARI"].id


def test_review_tasks_follow_their_campaigns_entity_in_lists_as_by_id(org):
    """A department moved to another entity after the campaign: the task stays the campaign's."""
    activity_with_systems(org)  # Médicis, customer relations
    campaign_id, added = generate(org)
    assert added
    drc = org.departments["DRC"]
    with org.work() as session:
        moved = {"code": "DRC", "name": drc.name, "entity_id": org.entities["SAVELUNARI"].id}
        organisation.save_department(session, org.dpo, moved, drc.id, drc.version)
    for code in ("MEDICIS", "SAVELUNARI"):
        local = _user(org, f"juriste.{code.lower()}", Role.LEGAL, entities=(code,))
        with org.session() as session:
            tasks = session.exec(select(RetentionTask)).all()
            listed = set(session.exec(select(RetentionTask.id).where(retention.task_visible(local))))
            shown = {row.task.id for row in retention.get_campaign(session, local, campaign_id).tasks} \
                if code == "MEDICIS" else set()
        expected = {t.id for t in tasks if local.covers_department(t.department_id, org.entities["MEDICIS"].id)}
        assert listed == expected and (code == "SAVELUNARI" or shown == expected)
        assert bool(expected) == (code == "MEDICIS")


def test_a_limited_users_register_import_neither_reads_nor_writes_another_entitys_entries(gorg):
    org = gorg
    local = _user(org, "correspondant.sav", Role.LEGAL, entities=("SAVELUNARI",))
    with org.work() as session:  # the DPO's export of Médicis's register, a name changed
        sheet = register_io.export_register(session, org.dpo, "csv", org.entities["MEDICIS"].id).data
    lines = sheet.decode("utf-8-sig").split("\r\n")
    member = _activity(org, "member_management")
    with org.session() as session:
        name = session.get(ProcessingActivity, member).name
    changed = "\r\n".join([lines[0], *(line.replace(name, "Renommé par un autre") for line in lines[1:])])
    with pytest.raises(register_io.ImportRejected) as rejected, org.work() as session:
        register_io.preview_register_import(session, local, "r.csv", changed.encode("utf-8-sig"))
    assert {p.key for p in rejected.value.problems} == {"register.import.unknown_entity"}
    with org.session() as session:
        assert session.get(ProcessingActivity, member).name == name


def test_a_local_correspondent_edits_a_shared_processor_but_not_its_other_entities_links(gorg):
    org = gorg
    local = _user(org, "correspondant.lumina", Role.LEGAL, entities=("LUMINA",))
    lumina, medicis = org.entities["LUMINA"].id, org.entities["MEDICIS"].id

    def shared(**overrides):
        return processor_data(org, entity="SAVELUNARI", activities=("learner_accounts", "lumina_accounts"),
                              **{"entity_ids": [lumina], **overrides})

    with org.work() as session:
        processor = processor_registry.create_processor(session, org.dpo, shared())
    for changed in (shared(entity_ids=[lumina, medicis]),  # a link to Médicis added
                    processor_data(org, entity="SAVELUNARI", activities=("lumina_accounts",),
                                   entity_ids=[lumina])):  # Savelunari's activity unlinked
        _refused(org, lambda s, d=changed: processor_registry.update_processor(s, local, processor.id,
                                                                               processor.version, d))
    with org.work() as session:  # his own edit of the shared file goes through
        edited = processor_registry.update_processor(session, local, processor.id, processor.version,
                                                     shared(services="Hébergement des comptes"))
    assert edited.version == processor.version + 1
