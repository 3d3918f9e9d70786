"""Review campaigns and consent withdrawals on SQLite and PostgreSQL: generation is
idempotent, who sees and closes what, exceptions, versions, audit entries, the mail
worker's reminders, and the overview's two deadline kinds (figures and timeline)."""

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlmodel import select

from dashboard import consent, db, retention, retention_documents
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.evidence_room import download
from dashboard.mail import worker
from dashboard.overview import figures
from dashboard.overview.scope import OverviewFilter
from dashboard.validation import InvalidInput
from models import mail
from models.audit import AuditEntry
from models.clock import PARIS, paris_today
from models.errors import RuleViolation
from models.mail import MailOutbox
from models.retention import RetentionTask
from tests.retention.factories import activity_with_systems, consent_activity, generate, record

CLOSE = {"method": "deletion", "done_on": date(2026, 12, 2), "done_by": "Équipe DSI",
         "proof": "Script de purge exécuté, journal joint", "proof_reference": "CHG-2026-311"}


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, *args, **kwargs)


def _tasks(org, campaign_id):
    with org.session() as session:
        return list(session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign_id)
                                 .order_by(RetentionTask.id)))


def test_generating_twice_adds_nothing_and_a_new_system_adds_only_its_lines(org):
    activity = activity_with_systems(org)  # 2 rules x 2 systems
    activity_with_systems(org, ("Paie",), department="RH", name="Paie")  # 2 rules x 1 system
    campaign_id, added = generate(org)
    assert added == 6
    again_id, again = generate(org)
    assert (again_id, again) == (campaign_id, 0)
    assert len(_tasks(org, campaign_id)) == 6
    _call(org, retention.add_system, org.dpo, activity.id, "Archives papier", org.departments["DRC"].id)
    assert generate(org)[1] == 2
    tasks = _tasks(org, campaign_id)
    assert len(tasks) == 8 and len({t.line_key for t in tasks}) == 8
    nir = next(t for t in tasks if t.category == "NIR" and t.system == "CRM")
    assert (nir.duration, nir.unit, nir.cutoff_on) == (13, "months", date(2025, 11, 2))
    actions = [e.action for e in _call(org, lambda s: list(s.exec(select(AuditEntry).where(
        AuditEntry.object_type == retention.OBJECT_TYPE).order_by(AuditEntry.seq))))]
    assert actions == ["retention.generate", "retention.regenerate", "retention.regenerate"]


def test_only_the_dpo_and_legal_generate(org):
    activity_with_systems(org)
    for actor in (org.head_cr, org.auditor):
        with pytest.raises(NotAllowed):
            generate(org, actor)
    assert generate(org, org.legal)[1] == 4


def test_department_heads_see_and_close_only_their_tasks(org):
    activity_with_systems(org, ("CRM",))  # DRC
    activity_with_systems(org, ("Paie",), department="RH", name="Paie")
    campaign_id, _ = generate(org)
    view = _call(org, retention.get_campaign, org.head_cr, campaign_id)
    assert {r.department_name for r in view.tasks} == {org.departments["DRC"].name} and len(view.tasks) == 2
    assert all(r.can_close for r in view.tasks) and not view.can_manage
    hr_task = next(t for t in _tasks(org, campaign_id) if t.department_id == org.departments["RH"].id)
    with pytest.raises(NotAllowed):
        _call(org, retention.close_task, org.head_cr, hr_task.id, hr_task.version, CLOSE)
    with pytest.raises(NotAllowed):
        _call(org, retention.close_task, org.auditor, hr_task.id, hr_task.version, CLOSE)
    with pytest.raises(NotAllowed):  # an exception is the DPO's or legal's decision
        _call(org, retention.record_exception, org.head_hr, hr_task.id, hr_task.version,
              {"ground": "legal_hold", "detail": "Contentieux prud'homal en cours", "kept_until": date(2029, 1, 1)})
    done = _call(org, retention.close_task, org.head_hr, hr_task.id, hr_task.version, CLOSE)
    assert (done.status, done.method, done.done_by, done.closed_by_name) == ("done", "deletion", "Équipe DSI",
                                                                            org.head_hr.full_name)
    assert [r.campaign.id for r in _call(org, retention.list_campaigns, org.head_cr)] == [campaign_id]
    assert _call(org, retention.list_campaigns, org.auditor)[0].done == 1
    denied = _call(org, lambda s: s.exec(select(AuditEntry).where(AuditEntry.action == "access.denied")).all())
    assert len(denied) >= 3


def test_a_head_without_tasks_in_a_campaign_does_not_see_it(org):
    activity_with_systems(org, ("Paie",), department="RH", name="Paie")
    campaign_id, _ = generate(org)
    assert _call(org, retention.list_campaigns, org.head_cr) == []
    with pytest.raises(NotAllowed):
        _call(org, retention.get_campaign, org.head_cr, campaign_id)


def test_stale_version_double_close_and_bad_input_are_refused(org):
    activity_with_systems(org, ("CRM",))
    campaign_id, _ = generate(org)
    task = _tasks(org, campaign_id)[0]
    with pytest.raises(InvalidInput) as bad:
        _call(org, retention.close_task, org.dpo, task.id, task.version,
              {**CLOSE, "done_on": paris_today() + timedelta(days=1)})
    assert bad.value.problems[0].key == "retention.done_in_future"
    with pytest.raises(InvalidInput):
        _call(org, retention.close_task, org.dpo, task.id, task.version, {**CLOSE, "proof": "x\x00" * 10})
    _call(org, retention.close_task, org.head_cr, task.id, task.version, CLOSE)
    with pytest.raises(ConcurrentEdit) as stale:  # a second person, on the version they saw
        _call(org, retention.close_task, org.dpo, task.id, task.version, CLOSE)
    assert stale.value.params["who"] in (org.head_cr.username, org.head_cr.full_name)  # says who
    with pytest.raises(RuleViolation):  # the same person's double click, on the new version
        _call(org, retention.close_task, org.head_cr, task.id, task.version + 1, CLOSE)


def test_exception_keeps_the_task_out_of_destruction_and_on_record(org):
    activity_with_systems(org, ("CRM",))
    campaign_id, _ = generate(org)
    task = _tasks(org, campaign_id)[0]
    kept = _call(org, retention.record_exception, org.legal, task.id, task.version,
                 {"ground": "legal_hold", "detail": "Contentieux n° 24/0031 devant le tribunal judiciaire",
                  "kept_until": date(2029, 6, 30)}, today=date(2026, 12, 3))
    assert (kept.status, kept.exception_ground, kept.kept_until) == ("exception", "legal_hold", date(2029, 6, 30))
    reopened = _call(org, retention.reopen_task, org.dpo, task.id, kept.version, "Contentieux clos par transaction")
    assert reopened.status == "open" and reopened.exception_ground == ""
    entry = _call(org, lambda s: s.exec(select(AuditEntry).where(AuditEntry.action == "retention.reopen")).one())
    assert entry.details["changes"]["exception_ground"] == ["legal_hold", ""]


def test_certificates_go_to_the_registry_and_heads_download_only_their_tasks(org):
    activity_with_systems(org, ("CRM",))
    activity_with_systems(org, ("Paie",), department="RH", name="Paie")
    campaign_id, _ = generate(org)
    tasks = _tasks(org, campaign_id)
    cr_task = next(t for t in tasks if t.department_id == org.departments["DRC"].id)
    hr_task = next(t for t in tasks if t.department_id == org.departments["RH"].id)
    with pytest.raises(RuleViolation):
        _call(org, retention_documents.issue_task_certificate, org.dpo, cr_task.id)
    for task in (cr_task, hr_task):
        _call(org, retention.close_task, org.dpo, task.id, task.version, CLOSE)
    with pytest.raises(NotAllowed):
        _call(org, retention_documents.issue_task_certificate, org.head_cr, cr_task.id)
    cr_doc = _call(org, retention_documents.issue_task_certificate, org.dpo, cr_task.id, "fr")
    hr_doc = _call(org, retention_documents.issue_task_certificate, org.dpo, hr_task.id, "en")
    report = _call(org, retention_documents.issue_campaign_report, org.legal, campaign_id)
    seen_by_head = {d.number for d in _call(org, retention_documents.campaign_documents, org.head_cr, campaign_id)}
    assert seen_by_head == {cr_doc.number}
    got = _call(org, download, org.head_cr, cr_doc.id, "Contrôle de la purge annuelle")
    assert got.content.startswith(b"%PDF")
    with pytest.raises(NotAllowed):
        _call(org, download, org.head_cr, hr_doc.id, "Contrôle de la purge annuelle")
    assert _call(org, download, org.auditor, report.id, "Revue des preuves").content.startswith(b"%PDF")
    again = _call(org, retention_documents.issue_task_certificate, org.dpo, cr_task.id, "fr")
    assert again.supersedes_id == cr_doc.id


def paris_morning(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=PARIS).astimezone(timezone.utc)


def _data_review_mails(org, kind):
    with org.session() as session:
        return list(session.exec(select(MailOutbox).where(MailOutbox.event == mail.DATA_REVIEW,
                                                          MailOutbox.kind == kind).order_by(MailOutbox.id)))


def test_the_mail_worker_reminds_heads_and_the_dpo_of_tasks_and_steps_due_or_late(org):
    """The reminders come from the overview's sources (dashboard/mail/worker.py), like every
    other deadline: a week before, three days, one day, then once late; a closed task or a
    ticked step is no longer reminded."""
    activity_with_systems(org, ("CRM",))
    campaign_id, _ = generate(org, due_on=date(2027, 1, 31))
    assert worker.schedule_reminders(org.engine, paris_morning(date(2027, 1, 20))) == 0  # 11 days ahead
    worker.schedule_reminders(org.engine, paris_morning(date(2027, 1, 28)))
    soon = _data_review_mails(org, "retention_task")
    assert {(m.recipient_id, m.case_type, m.case_id, m.threshold) for m in soon} == {
        (who.user_id, "retention", campaign_id, "retention_task:d-3:2027-01-31") for who in (org.dpo, org.head_cr)}
    for task in _tasks(org, campaign_id):
        _call(org, retention.close_task, org.dpo, task.id, task.version, CLOSE)
    assert worker.schedule_reminders(org.engine, paris_morning(date(2027, 2, 1))) == 0  # nothing open is late

    activity = consent_activity(org, systems=("CRM",), department="DRC")
    withdrawal_id = record(org, activity.id, received_on=paris_today() - timedelta(days=9))  # due two days ago
    worker.schedule_reminders(org.engine, paris_morning(paris_today()))
    late = _data_review_mails(org, "consent_propagation")
    assert {(m.recipient_id, m.case_type, m.case_id, m.threshold.split(":")[1]) for m in late} == {
        (who.user_id, "consent", withdrawal_id, "overdue") for who in (org.dpo, org.head_cr)}


def test_the_timeline_shows_review_tasks_and_withdrawal_steps(org):
    activity_with_systems(org, ("CRM",))
    generate(org, as_of=paris_today() - timedelta(days=40), due_on=paris_today() + timedelta(days=20))
    record(org, consent_activity(org).id, received_on=paris_today() - timedelta(days=1))
    with org.session() as session:
        timeline = figures.upcoming_items(session, org.dpo, OverviewFilter())
        heads = figures.upcoming_items(session, org.head_cr, OverviewFilter())
    assert {i.kind for i in timeline} >= {"retention_task", "consent_propagation"}
    assert {i.kind for i in heads} == {"retention_task"}  # the withdrawal's systems belong to DCEM


def test_overview_shows_tasks_and_withdrawal_steps_within_each_ones_scope(org):
    activity_with_systems(org, ("CRM",))
    activity = consent_activity(org)  # DCEM; systems "Outil d'envoi" and "CRM"
    generate(org, as_of=paris_today() - timedelta(days=40), due_on=paris_today() - timedelta(days=1))
    record(org, activity.id, received_on=paris_today() - timedelta(days=10))
    flt = OverviewFilter()
    dpo = _call(org, figures.headline, org.dpo, flt).kinds
    assert dpo["retention_task"].late == 2 + 4  # DRC: 2 rules x 1 system; DCEM newsletter: 2 rules x 2 systems
    assert dpo["consent_propagation"].late == 2
    head = _call(org, figures.headline, org.head_cr, flt).kinds
    assert head["retention_task"].late == 2 and head["consent_propagation"].late == 0
    listed = _call(org, figures.deadline_list, org.head_cr, flt, "retention_task")
    assert {i.case_type for i in listed.items} == {"retention"}


def test_consent_withdrawal_is_carried_through_its_checklist(org):
    activity = consent_activity(org)
    today = paris_today()
    withdrawal_id = record(org, activity.id, received_on=today - timedelta(days=2))
    view = _call(org, consent.get_withdrawal, org.dpo, withdrawal_id)
    assert [s.step.system_name for s in view.steps] == ["CRM", "Outil d'envoi"]
    assert view.withdrawal.due_on == today - timedelta(days=2) + timedelta(days=7)
    assert _call(org, consent.list_withdrawals, org.head_cr) == []  # no step in his departments
    first, second = (s.step for s in view.steps)
    with pytest.raises(NotAllowed):
        _call(org, consent.tick_step, org.head_cr, first.id, first.version, today)
    with pytest.raises(NotAllowed):
        _call(org, consent.tick_step, org.auditor, first.id, first.version, today)
    with pytest.raises(InvalidInput):
        _call(org, consent.tick_step, org.dpo, first.id, first.version, today - timedelta(days=3))
    _call(org, consent.tick_step, org.dpo, first.id, first.version, today, "Liste de diffusion mise à jour")
    with pytest.raises(ConcurrentEdit):
        _call(org, consent.tick_step, org.legal, first.id, first.version, today)
    assert _call(org, consent.get_withdrawal, org.dpo, withdrawal_id).withdrawal.status == "open"
    _call(org, consent.tick_step, org.legal, second.id, second.version, today - timedelta(days=1))
    done = _call(org, consent.get_withdrawal, org.auditor, withdrawal_id).withdrawal
    assert (done.status, done.done_on) == ("done", today)
    details = _call(org, lambda s: s.exec(select(AuditEntry).where(AuditEntry.action == "consent.withdrawal")).one()
                    ).details
    assert details["systems"] == ["CRM", "Outil d'envoi"] and details["propagation_days"] == 7


def test_a_withdrawal_needs_a_consent_basis_and_systems(org):
    contract_based = activity_with_systems(org)
    with pytest.raises(InvalidInput) as error:
        record(org, contract_based.id)
    assert error.value.problems[0].key == "consent.not_consent_based"
    bare = consent_activity(org, systems=())
    with pytest.raises(InvalidInput) as error:
        record(org, bare.id)
    assert error.value.problems[0].key == "consent.no_system"
    with pytest.raises(NotAllowed):
        _call(org, consent.record_withdrawal, org.head_cr, {"activity_id": bare.id, "received_on": paris_today(),
                                                            "channel": "email"})


def test_procedure_is_saved_with_versions(org):
    activity = consent_activity(org)
    saved = _call(org, consent.save_procedure, org.dpo, activity.id, None, "Case à cocher non pré-cochée",
                  "Registre des consentements de l'outil d'envoi")
    with pytest.raises(ConcurrentEdit):
        _call(org, consent.save_procedure, org.legal, activity.id, saved.version + 5, "Autre mode", "Autre lieu")
    with pytest.raises(NotAllowed):
        _call(org, consent.save_procedure, org.auditor, activity.id, saved.version, "Autre mode", "Autre lieu")
    listed = {a.activity.id: a for a in _call(org, consent.consent_activities, org.auditor)}
    assert listed[activity.id].procedure.collection_method == "Case à cocher non pré-cochée"


@pytest.mark.parametrize("proof, key", [("x" * 20_000, "validation.too_long"), ("Preuve\x00cachée", None),
                                         ("", "validation.too_short")])
def test_hostile_proofs_change_nothing(org, proof, key):
    activity_with_systems(org, ("CRM",))
    campaign_id, _ = generate(org)
    task = _tasks(org, campaign_id)[0]
    with pytest.raises(InvalidInput) as error:
        _call(org, retention.close_task, org.head_cr, task.id, task.version, {**CLOSE, "proof": proof})
    if key:
        assert error.value.problems[0].key == key
    for bad_day in (date(1900, 1, 1), date(2026, 1, 1) - timedelta(days=800)):
        with pytest.raises(InvalidInput):
            _call(org, retention.close_task, org.head_cr, task.id, task.version, {**CLOSE, "done_on": bad_day})
    assert _tasks(org, campaign_id)[0].status == "open" and _tasks(org, campaign_id)[0].version == task.version


def test_markup_and_formulas_are_kept_as_typed(org):
    activity_with_systems(org, ("CRM",))
    campaign_id, _ = generate(org)
    task = _tasks(org, campaign_id)[0]
    typed = "**Purge** <script>alert(1)</script> =HYPERLINK(\"http://x\") [lien](javascript:x)"
    _call(org, retention.close_task, org.head_cr, task.id, task.version, {**CLOSE, "proof": typed})
    assert _tasks(org, campaign_id)[0].proof == typed
