"""The action plan's read model on a hand-built data set, on SQLite and PostgreSQL: actions
from five case types, a department head who sees only his department's, and "late" judged
on the Paris calendar day."""

from datetime import date, datetime, timezone

import pytest

from dashboard import action_plan
from dashboard.action_plan import ActionFilter
from tests.action_plan import factories as make

TODAY = date(2026, 3, 11)


@pytest.fixture
def plan(org):
    with org.work() as session:
        hr = make.activity(session, org, "RH", date(2026, 3, 1), name="Paie RH")
        cr = make.activity(session, org, "DRC", date(2026, 6, 1), name="Fichier clients")
        make.review(session, hr, date(2025, 3, 1))
        d_hr = make.dpia(session, org, hr, [("Chiffrer la base RH", "planned", date(2026, 3, 10)),
                                            ("Former les gestionnaires", "done", date(2026, 2, 1)),
                                            ("Mesure existante", "existing", None)])
        d_cr = make.dpia(session, org, cr, [("Purger les prospects", "in_progress", date(2026, 3, 11))])
        # 10 March 22:30 UTC is 23:30 in Paris (due 10 March: late on the 11th);
        # 10 March 23:30 UTC is already 11 March in Paris (due today: not late)
        b = make.breach(session, org, "DRC", [
            ("remediation", "Changer les mots de passe", datetime(2026, 3, 10, 22, 30, tzinfo=timezone.utc), None),
            ("remediation", "Corriger la faille", datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc), None),
            ("containment", "Couper l'accès", None, None)])
        p = make.processor(session, org, cr, [(date(2025, 5, 1), "major_findings", "Journalisation absente"),
                                              (date(2024, 5, 1), "minor_findings", "Contrat à revoir")],
                           next_audit=date(2026, 5, 1))
        c = make.campaign(session, org, 2026, [(hr, date(2026, 3, 1), "open"), (cr, date(2026, 3, 31), "done")])
        return {"hr": hr.id, "cr": cr.id, "dpia_hr": d_hr.id, "dpia_cr": d_cr.id, "breach": b.id,
                "processor": p.id, "campaign": c.id}


def _actions(org, actor, **kw):
    with org.session() as session:
        return action_plan.actions(session, actor, ActionFilter(today=TODAY, **kw))


def _by_text(actions):
    return {a.action: a for a in actions}


def test_the_dpo_sees_every_open_action_of_five_case_types(org, plan):
    found = _by_text(_actions(org, org.dpo))
    assert {a.kind for a in found.values()} == set(action_plan.KINDS)
    assert found["Chiffrer la base RH"].status == "late"  # due 10 March, today the 11th
    assert found["Purger les prospects"].status == "open"  # due today
    assert found["Changer les mots de passe"].status == "late"
    assert found["Corriger la faille"].status == "open"  # due 11 March in Paris
    assert found["Corriger la faille"].due == date(2026, 3, 11)
    assert "Couper l'accès" not in found  # containment is not remediation
    assert found["Journalisation absente"].status == "open"
    assert found["Journalisation absente"].due == date(2026, 5, 1)
    assert "Contrat à revoir" not in found  # superseded by a later audit: done
    assert found["Paie RH"].status == "late"  # register review due 1 March
    assert found["Paie RH — SIRH"].kind == "retention_task"
    assert "Former les gestionnaires" not in found and "Mesure existante" not in found
    # one click away: every action names its case
    breach = found["Changer les mots de passe"]
    assert (breach.case_type, breach.case_id) == ("breach", plan["breach"])
    assert found["Journalisation absente"].case_id == plan["processor"]
    # late first, then by due day
    statuses = [a.status for a in _actions(org, org.dpo)]
    assert statuses == sorted(statuses, key=["late", "open"].index)


def test_done_actions_on_demand(org, plan):
    done = _actions(org, org.dpo, statuses=("done",))
    texts = {a.action for a in done}
    assert {"Former les gestionnaires", "Contrat à revoir", "Fichier clients — SIRH", "Paie RH"} <= texts
    assert all(a.status == "done" for a in done)


def test_a_department_head_sees_only_his_departments_actions(org, plan):
    hr = _by_text(_actions(org, org.head_hr, statuses=action_plan.STATUSES))
    assert "Chiffrer la base RH" in hr and "Paie RH — SIRH" in hr and "Paie RH" in hr
    assert not {"Purger les prospects", "Changer les mots de passe", "Journalisation absente",
                "Fichier clients", "Fichier clients — SIRH"} & set(hr)
    cr = _by_text(_actions(org, org.head_cr))
    assert {"Purger les prospects", "Changer les mots de passe", "Journalisation absente"} <= set(cr)
    assert "Chiffrer la base RH" not in cr


def test_filters_by_kind_department_and_status(org, plan):
    only = _actions(org, org.dpo, kinds=("breach_remediation",))
    assert {a.kind for a in only} == {"breach_remediation"}
    late = _actions(org, org.dpo, statuses=("late",))
    assert late and all(a.status == "late" for a in late)
    hr_dep = _actions(org, org.dpo, department_id=org.departments["RH"].id)
    assert "Purger les prospects" not in {a.action for a in hr_dep}
    assert "Chiffrer la base RH" in {a.action for a in hr_dep}


def test_summary_counts_open_late_and_done(org, plan):
    with org.session() as session:
        s = action_plan.summary(session, org.dpo, ActionFilter(today=TODAY))
    assert s.late >= 4 and s.open >= 3 and s.done >= 4
    assert s.by_kind["breach_remediation"] == (1, 1)


def test_the_summary_counts_what_the_plan_lists(org, plan):
    """The card counts in SQL what the plan lists in Python (issue 19): the same actions, the
    same "late" (the Paris day, the breach's instant judged on its Paris day) and "done"; for
    each actor, filter, day and choice of kinds, kept statements run again included."""
    from datetime import timedelta

    from sqlmodel import select

    from models.breach import BreachStep

    medicis = org.entities["MEDICIS"].id
    filters = [{}, {"department_id": org.departments["RH"].id}, {"department_id": org.departments["DRC"].id},
               {"entity_id": medicis}, {"kinds": ("breach_remediation", "register_review")}]
    days = [TODAY, TODAY - timedelta(days=1), date(2026, 5, 2), date(2025, 1, 1)]

    def check():
        for actor in (org.dpo, org.head_hr, org.auditor):
            for kw in filters:
                for day in days:
                    af = ActionFilter(today=day, statuses=action_plan.STATUSES, **kw)
                    with org.session() as session:
                        listed = action_plan.actions(session, actor, af)
                        counted = action_plan.summary(session, actor, af)
                    kinds = af.kinds
                    expected = {k: (sum(a.kind == k and a.status == "open" for a in listed),
                                    sum(a.kind == k and a.status == "late" for a in listed)) for k in kinds}
                    assert counted.by_kind == expected, (actor.username, kw, day)
                    assert (counted.open, counted.late, counted.done) == tuple(
                        sum(a.status == s for a in listed) for s in ("open", "late", "done")), (actor.username, kw, day)
    check()
    with org.work() as session:  # a measure done: the kept statements see it
        step = session.exec(select(BreachStep).where(BreachStep.description == "Changer les mots de passe")).one()
        step.done_at = datetime(2026, 3, 11, 9, tzinfo=timezone.utc)
        session.add(step)
    check()
    with org.session() as session:
        assert action_plan.summary(session, org.dpo, ActionFilter(today=TODAY)).by_kind["breach_remediation"] == (1, 0)


def test_the_auditor_reads_the_plan(org, plan):
    assert _actions(org, org.auditor)


def test_breach_remediation_is_a_deadline_of_the_overview_and_its_reminders(org, plan):
    """The overview (and so the calendar and the mail worker, which read every source) counts
    the open remediation measures with a due date; the mail event exists for the kind."""
    from dashboard.overview import figures
    from dashboard.overview.scope import OverviewFilter
    from models import mail

    now = datetime(2026, 3, 11, 8, tzinfo=timezone.utc)
    with org.session() as session:
        head = figures.headline(session, org.dpo, OverviewFilter(now=now))
        listed = figures.deadline_list(session, org.dpo, OverviewFilter(now=now), "breach_remediation")
        hidden = figures.headline(session, org.head_hr, OverviewFilter(now=now))
    counts = head.kinds["breach_remediation"]
    # judged on the Paris day, as on the plan: due 10 March 23:30 in Paris is late on the 11th,
    # due 11 March 00:30 in Paris is not, though its instant has passed at 09:00 in Paris
    assert (counts.late, counts.total) == (1, 2)
    assert {(i.title, i.urgency, i.due) for i in listed.items} == {
        ("Changer les mots de passe", "late", date(2026, 3, 10)), ("Corriger la faille", "soon", date(2026, 3, 11))}
    assert all(i.due_at is None for i in listed.items)  # shown as a date deadline, not a clock
    assert hidden.kinds["breach_remediation"].total == 0  # a Customer Relations breach
    assert mail.SOURCE_EVENTS["breach_remediation"] == mail.ACTION
    assert mail.wants("dpo", frozenset(), mail.ACTION) and not mail.wants("auditor", frozenset(), mail.ACTION)


def test_a_remediation_measure_is_reminded_in_paris_days_to_the_dpo_and_legal(org):
    from datetime import time, timedelta

    from dashboard.mail import worker
    from models import mail
    from models.clock import PARIS
    from models.mail import MailOutbox
    from sqlmodel import select

    due = date(2031, 5, 20)
    with org.work() as session:  # 23:30 in Paris on 20 May: still the 20th
        b = make.breach(session, org, "DRC", [("remediation", "Changer les clés", datetime.combine(
            due, time(23, 30), tzinfo=PARIS).astimezone(timezone.utc), None)])
    morning = datetime.combine(due - timedelta(days=3), time(9), tzinfo=PARIS).astimezone(timezone.utc)
    worker.schedule_reminders(org.engine, morning)
    with org.session() as session:
        sent = session.exec(select(MailOutbox).where(MailOutbox.event == mail.ACTION,
                                                     MailOutbox.case_id == b.id)).all()
    assert {r.recipient_id for r in sent} == {org.dpo.user_id, org.legal.user_id}
    assert {r.threshold for r in sent} == {f"breach_remediation:d-3:{due.isoformat()}"}
