"""The review and consent pages in AppTest: every role opens them without a traceback or a
raw catalogue key, a department head sees only his tasks, and a consent withdrawal is
recorded by the DPO, linked to its request both ways, and carried through its checklist
by the systems' departments until it is done."""

from datetime import timedelta

import pytest
from sqlmodel import select

from dashboard import consent, db, retention
from dashboard.dsr import intake
from models.clock import paris_today
from models.consent import ConsentWithdrawal, WithdrawalStep
from tests.page_support import app_as, form_key, page_path
from tests.retention.factories import activity_with_systems, consent_activity, generate, record


def _text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [h.value for h in at.header] + [w.value for w in at.warning]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [c.value for c in at.caption]
                    + [s.value for s in at.success] + [t.value for t in at.title] + [s.value for s in at.subheader]
                    + [df.value.to_string() for df in at.dataframe])


def _open(org, username, page, **params):
    at = app_as(org, username)
    for name, value in params.items():
        at.query_params[name] = str(value)
    at = at.switch_page(page_path(page)).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("username", ["dpo", "juriste", "chef.relation", "chef.rh", "auditeur"])
def test_every_role_opens_both_pages_in_its_language_without_raw_keys(app_org, username):
    activity_with_systems(app_org, ("CRM",))
    activity_with_systems(app_org, ("Paie",), department="RH", name="Paie")
    consent_activity(app_org)
    generate(app_org)
    for page in ("retention_campaigns.py", "consent_withdrawals.py"):
        at = _open(app_org, username, page)
        text = _text(at)
        assert "retention." not in text and "consent." not in text and "None" not in text, text[:500]
    retention_text = _text(_open(app_org, username, "retention_campaigns.py"))
    if username == "chef.rh":
        assert "Paie" in retention_text and "CRM" not in retention_text  # his department's task only
    if username in ("auditeur", "chef.rh"):
        at = _open(app_org, username, "retention_campaigns.py")
        assert not any(b.label == "Générer la campagne" for b in at.button)


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_withdrawal_is_recorded_linked_and_carried_through_its_checklist(app_org):
    activity = consent_activity(app_org)  # DCEM; systems "CRM" and "Outil d'envoi", both DCEM
    with db.unit_of_work(app_org.engine) as session:
        request = intake.create_request(session, app_org.dpo, {
            "entity_id": app_org.entities["MEDICIS"].id, "channel": "email",
            "received_at": __import__("datetime").datetime.now(__import__("datetime").timezone.utc),
            "requester_name": "Inès Garnier", "requester_contact": "ines.garnier@exemple-mail.fr",
            "relation": "member", "rights": ["consent_withdrawal"],
            "description": "Je ne veux plus recevoir la lettre d'information.", "is_minor": False,
            "activity_ids": [activity.id]})
        request_id, request_ref = request.id, request.reference
    at = _open(app_org, "dpo", "consent_withdrawals.py")
    at.text_input(key=form_key(at, "consent_new/source_reference")).input("MP-UNSUB-88412")
    at.selectbox(key=form_key(at, "consent_new/dsr")).select(request_id)
    at = _button(at, "Enregistrer le retrait").click().run()
    assert not at.exception
    with app_org.session() as session:
        withdrawal = session.exec(select(ConsentWithdrawal)).one()
    assert withdrawal.dsr_id == request_id and withdrawal.due_on == paris_today() + timedelta(days=7)
    assert f"Ouvrir la demande {request_ref}" in [link.label for link in at.get("page_link")]
    # the request's page links back to the withdrawal
    dsr = app_as(app_org, "dpo")
    dsr.query_params["id"] = str(request_id)
    dsr = dsr.switch_page(page_path("dsr_case.py")).run()
    assert not dsr.exception
    assert any(withdrawal.reference in link.label for link in dsr.get("page_link"))
    # the marketing head ticks both systems of his department, on the day fixed when the form opened
    head = _open(app_org, "chef.marketing", "consent_withdrawals.py", id=withdrawal.id)
    assert "En retard" not in _text(head)
    head = _button(head, "Reporté dans ce système").click().run()
    assert not head.exception and "Système coché." in _text(head)
    head = _button(head, "Reporté dans ce système").click().run()
    assert not head.exception
    assert "Reporté partout le" in _text(head)
    with app_org.session() as session:
        done = session.exec(select(ConsentWithdrawal)).one()
    assert (done.status, done.done_on) == ("done", paris_today())
    # someone else's department sees nothing of it
    other = _open(app_org, "chef.rh", "consent_withdrawals.py")
    assert withdrawal.reference not in _text(other)


def test_a_system_ticked_meanwhile_refuses_the_second_tick_in_words_not_in_silence(app_org):
    """Two people at once: the DPO ticks a system while the head, who opened the checklist before,
    ticks it too. The head's form, drawn from what the head saw, still reaches its use case, which
    refuses it in words; a form taken away under the submit would drop it without a word."""
    withdrawal_id = record(app_org, consent_activity(app_org).id)
    head = _open(app_org, "chef.marketing", "consent_withdrawals.py", id=withdrawal_id)
    with db.unit_of_work(app_org.engine) as session:
        step = session.exec(select(WithdrawalStep).where(WithdrawalStep.withdrawal_id == withdrawal_id)
                            .order_by(WithdrawalStep.system_name)).first()  # the first checklist line
        consent.tick_step(session, app_org.dpo, step.id, step.version, paris_today(), "Fait par le DPO")
    note = form_key(head, f"consent_withdrawal/note_{step.id}")
    head.text_input(key=note).input("Désinscrit à la main")
    head = _button(head, "Reporté dans ce système").click().run()
    assert not head.exception
    assert [e.value for e in head.error] == ["Ce système est déjà coché."]
    assert head.text_input(key=note).value == "Désinscrit à la main"
    with app_org.session() as session:
        assert session.get(WithdrawalStep, step.id).note == "Fait par le DPO"


def test_a_slow_head_keeps_the_day_the_form_opened(app_org, monkeypatch):
    """The close form's date is fixed when the form opens: past midnight, a rerun does not move it."""
    from models import clock

    activity_with_systems(app_org, ("CRM",))
    generate(app_org)
    opened_on = paris_today()
    # Found by its label, not its key: without a key, a default computed again is a new widget.
    done_on = lambda at: next(d for d in at.date_input if d.label == "Date de réalisation")  # noqa: E731
    at = _open(app_org, "chef.relation", "retention_campaigns.py")
    assert done_on(at).value == opened_on
    monkeypatch.setattr(clock, "paris_today", lambda now=None: opened_on + timedelta(days=1))  # midnight passed
    at = at.run()  # a rerun the next day (another click, minutes of thinking)
    assert done_on(at).value == opened_on
    at.text_area(key=form_key(at, "retention_task/proof")).input("Purge faite, journal JOB-1")
    at = _button(at, "Clore avec cette preuve").click().run()
    assert not at.exception and "Tâche close." in _text(at), [e.value for e in at.error]
    with app_org.session() as session:
        from models.retention import RetentionTask
        closed = session.exec(select(RetentionTask).where(RetentionTask.status == "done")).one()
    assert closed.done_on == opened_on


def test_a_task_closed_meanwhile_refuses_the_second_closing_in_words_not_in_silence(app_org):
    """Two people at once: the DPO closes the head's task while the head, who opened it before,
    closes it too. The head's form, drawn from what the head saw, still reaches its use case, which
    refuses it naming the DPO; a form taken away under the submit would drop it without a word."""
    activity_with_systems(app_org, ("CRM",))
    campaign_id, _ = generate(app_org)
    at = _open(app_org, "chef.relation", "retention_campaigns.py")
    with app_org.session() as session:
        from models.retention import RetentionTask
        task = session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign_id)
                            .order_by(RetentionTask.id)).first()
    with db.unit_of_work(app_org.engine) as session:
        retention.close_task(session, app_org.dpo, task.id, task.version, {
            "method": "deletion", "done_on": paris_today(), "done_by": "Équipe DSI",
            "proof": "Purge faite par la DSI, journal JOB-7"})
    at.text_area(key=form_key(at, "retention_task/proof")).input("Purge faite, journal JOB-1")
    at = _button(at, "Clore avec cette preuve").click().run()
    assert not at.exception
    assert any(e.value.startswith("dpo a modifié ce dossier") for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=form_key(at, "retention_task/proof")).value == "Purge faite, journal JOB-1"


def test_a_new_campaign_is_shown_with_its_message_after_another_was_open(app_org):
    """The campaign picker remembers its last pick: after a generation it must follow the new
    campaign, or the page jumps back to the old one and the message is lost (seen in CI)."""
    activity_with_systems(app_org, ("CRM",))
    generate(app_org)  # Médicis's campaign: the one the picker shows first
    at = _open(app_org, "dpo", "retention_campaigns.py")
    assert "Mutuelle Médicis" in " ".join(h.value for h in at.header)
    lumina = app_org.entities["LUMINA"].id
    at.selectbox(key=form_key(at, "retention_generate/entity")).select(lumina)
    at = _button(at, "Générer la campagne").click().run()
    assert not at.exception
    assert "Lumina Apprendre" in " ".join(h.value for h in at.header)
    assert any("tâche(s) ajoutée(s)" in s.value for s in at.success)


def test_a_second_withdrawal_is_shown_with_its_message(app_org):
    activity = consent_activity(app_org)
    first = record(app_org, activity.id)
    at = _open(app_org, "dpo", "consent_withdrawals.py", id=first)
    at.text_input(key=form_key(at, "consent_new/source_reference")).input("MP-UNSUB-90001")
    at = _button(at, "Enregistrer le retrait").click().run()
    assert not at.exception
    with app_org.session() as session:
        second = session.exec(select(ConsentWithdrawal).where(ConsentWithdrawal.id != first)).one()
    assert second.reference in " ".join(s.value for s in at.subheader)
    assert any(second.reference in s.value for s in at.success)
