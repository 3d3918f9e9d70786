"""The overview's figures on a crafted data set, on SQLite and PostgreSQL: late and due-soon
boundaries at midnight in Paris, extended and suspended requests, breach clocks that ran
out, and department heads who never count another department's cases."""

from datetime import date, datetime, timedelta, timezone

import pytest

from dashboard import overview
from dashboard.overview import figures, statistics
from dashboard.overview.scope import OverviewFilter
from tests.overview import factories as make

# 10 March 2026, one second before midnight in Paris (CET, UTC+1), and midnight itself.
BEFORE_MIDNIGHT = datetime(2026, 3, 10, 22, 59, 59, tzinfo=timezone.utc)
MIDNIGHT = datetime(2026, 3, 10, 23, 0, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)


@pytest.fixture
def crafted(org):
    """Requests, breaches and register entries around 10 March 2026 (names in comments)."""
    with org.work() as session:
        rows = {
            # due Tuesday 10 March: due today before midnight, late from midnight
            "A": make.request(session, org, date(2026, 2, 10)),
            # due Wednesday 18 March: 8 days away on the 10th, 7 days away on the 11th
            "B": make.request(session, org, date(2026, 2, 18)),
            # extended: three months, 5 April is Easter Sunday, 6 April Easter Monday -> 7 April
            "C": make.request(session, org, date(2026, 1, 5), extended=True),
            # suspended while waiting for the person: its old deadline is not "late"
            "D": make.request(session, org, date(2026, 1, 20), status="awaiting_identity",
                              suspended_since=date(2026, 2, 20)),
            # answered in time, and answered late (due Monday 2 February)
            "E": make.request(session, org, date(2026, 2, 2), status="closed", answered_on=date(2026, 2, 20)),
            "F": make.request(session, org, date(2026, 1, 2), status="closed", answered_on=date(2026, 2, 10)),
            # Human Resources, late since 12 February
            "G": make.request(session, org, date(2026, 1, 12), department="RH"),
            # not routed yet
            "H": make.request(session, org, date(2026, 3, 9), department=None),
        }
        # clocks: ran out 8 hours ago; runs out exactly at BEFORE_MIDNIGHT; 10 hours left
        rows["K"] = make.breach(session, org, BEFORE_MIDNIGHT - 80 * H)
        rows["K2"] = make.breach(session, org, BEFORE_MIDNIGHT - 72 * H)
        rows["L"] = make.breach(session, org, BEFORE_MIDNIGHT - 62 * H)
        # notified within 72 hours (HR) and after them (Customer Relations)
        aware = datetime(2026, 2, 1, 10, tzinfo=timezone.utc)
        rows["M"] = make.breach(session, org, aware, department="RH", notified_at=aware + 48 * H)
        rows["N"] = make.breach(session, org, aware, notified_at=aware + 80 * H)
        rows["R1"] = make.activity(session, org, "RH", date(2026, 3, 5))
        rows["R2"] = make.activity(session, org, "DRC", date(2026, 3, 20), status="draft")
        ids = {name: row.id for name, row in rows.items()}
    return ids


def _headline(org, actor, now=BEFORE_MIDNIGHT, **flt):
    with org.session() as session:
        return figures.headline(session, actor, OverviewFilter(now=now, **flt))


def _counts(headline, kind):
    k = headline.kinds[kind]
    return k.total, k.late, k.soon, k.upcoming


def test_requests_due_today_are_late_from_midnight_in_paris(org, crafted):
    before = _headline(org, org.dpo)
    assert before.today == date(2026, 3, 10)
    # A, B, C (extended), G (late) and H (unrouted) run; D is suspended
    assert _counts(before, "dsr_answer") == (5, 1, 1, 4)
    assert (before.requests_open, before.requests_suspended) == (6, 1)
    after = _headline(org, org.dpo, now=MIDNIGHT)
    assert after.today == date(2026, 3, 11)
    assert _counts(after, "dsr_answer") == (5, 2, 1, 3)  # A is late, B now within 7 days
    with org.session() as session:
        late = figures.deadline_list(session, org.dpo, OverviewFilter(now=MIDNIGHT), "dsr_answer", "late")
        soon = figures.deadline_list(session, org.dpo, OverviewFilter(now=MIDNIGHT), "dsr_answer", "soon")
    assert [i.case_id for i in late.items] == [crafted["G"], crafted["A"]]  # earliest deadline first
    assert [(i.case_id, i.due, i.urgency) for i in soon.items] == [(crafted["B"], date(2026, 3, 18), "soon")]


def test_an_extended_request_counts_against_its_three_months_and_a_suspended_one_is_never_late(org, crafted):
    with org.session() as session:
        listed = figures.deadline_list(session, org.dpo, OverviewFilter(now=BEFORE_MIDNIGHT), "dsr_answer")
    due = {i.case_id: (i.due, i.urgency) for i in listed.items}
    assert due[crafted["C"]] == (date(2026, 4, 7), "on_track")
    assert crafted["D"] not in due


def test_breach_clocks_run_to_the_second(org, crafted):
    at_deadline = _headline(org, org.dpo)
    assert _counts(at_deadline, "breach_notification") == (3, 1, 2, 2)  # K ran out; K2 runs out now; L
    a_second_later = _headline(org, org.dpo, now=BEFORE_MIDNIGHT + timedelta(seconds=1))
    assert _counts(a_second_later, "breach_notification") == (3, 2, 1, 1)
    with org.session() as session:
        clocks = figures.deadline_list(session, org.dpo, OverviewFilter(now=BEFORE_MIDNIGHT),
                                       "breach_notification").items
    assert [(c.case_id, c.urgency) for c in clocks] == [(crafted["K"], "late"), (crafted["K2"], "soon"),
                                                        (crafted["L"], "soon")]
    assert clocks[0].due_at == BEFORE_MIDNIGHT - 8 * H


def test_register_reviews_and_filters(org, crafted):
    headline = _headline(org, org.dpo)
    assert _counts(headline, "register_review") == (2, 1, 0, 1)
    only_requests = _headline(org, org.dpo, case_types=("dsr",))
    assert set(only_requests.kinds) == {"dsr_answer"}
    hr_only = _headline(org, org.dpo, department_id=org.departments["RH"].id)
    assert _counts(hr_only, "dsr_answer") == (1, 1, 0, 0)
    assert _counts(hr_only, "register_review") == (1, 1, 0, 0)
    assert _counts(hr_only, "breach_notification") == (0, 0, 0, 0)
    other_entity = _headline(org, org.dpo, entity_id=org.entities["ADEPIA"].id)
    assert other_entity.late_total() == 0 and other_entity.requests_open == 0


@pytest.mark.parametrize("persona, requests, late, open_, suspended, clocks, reviews", [
    ("head_hr", 1, 1, 1, 0, 0, (1, 1, 0, 0)),
    ("head_cr", 3, 0, 4, 1, 3, (1, 0, 0, 1)),
    ("auditor", 5, 1, 6, 1, 3, (2, 1, 0, 1)),
])
def test_each_role_counts_only_what_it_may_see(org, crafted, persona, requests, late, open_, suspended, clocks,
                                               reviews):
    actor = getattr(org, persona)
    headline = _headline(org, actor)
    assert headline.kinds["dsr_answer"].total == requests
    assert headline.kinds["dsr_answer"].late == late
    assert (headline.requests_open, headline.requests_suspended) == (open_, suspended)
    assert headline.kinds["breach_notification"].total == clocks
    assert _counts(headline, "register_review") == reviews


def test_a_head_asking_for_another_department_gets_nothing_of_it(org, crafted):
    foreign = org.departments["DRC"].id
    headline = _headline(org, org.head_hr, department_id=foreign)
    assert all(k.total == 0 for k in headline.kinds.values()) and headline.requests_open == 0
    with org.session() as session:
        flt = OverviewFilter(now=BEFORE_MIDNIGHT, department_id=foreign)
        assert figures.upcoming_items(session, org.head_hr, flt) == []
        assert statistics.load_per_department(session, org.head_hr, flt) == []
        assert sum(m.received for m in statistics.requests_per_month(session, org.head_hr, flt)) == 0
        everything = overview.build(session, org.head_hr, OverviewFilter(now=BEFORE_MIDNIGHT))
    hr = org.departments["RH"].id
    assert {i.department_id for i in everything.timeline if i.case_type in ("dsr", "register")} == {hr}
    assert [d.department_id for d in everything.departments] == [hr]
    assert everything.clocks == []


def test_requests_per_month_and_on_time_rate(org, crafted):
    with org.session() as session:
        months = statistics.requests_per_month(session, org.dpo, OverviewFilter(now=BEFORE_MIDNIGHT, months=3))
        hr = statistics.requests_per_month(session, org.head_hr, OverviewFilter(now=BEFORE_MIDNIGHT, months=3))
    assert [(m.month, m.received, m.answered, m.answered_on_time) for m in months] == [
        ("2026-01", 4, 0, 0), ("2026-02", 3, 2, 1), ("2026-03", 1, 0, 0)]
    assert months[1].on_time_rate == 0.5 and months[0].on_time_rate is None
    assert [(m.month, m.received) for m in hr] == [("2026-01", 1), ("2026-02", 0), ("2026-03", 0)]


def test_workload_per_department_and_ages(org, crafted):
    with org.session() as session:
        flt = OverviewFilter(now=BEFORE_MIDNIGHT)
        loads = statistics.load_per_department(session, org.dpo, flt)
        ages = statistics.open_request_ages(session, org.dpo, flt)
    by_department = {d.department_id: (d.open, d.late, d.soon) for d in loads}
    assert by_department == {org.departments["RH"].id: (1, 1, 0), org.departments["DRC"].id: (4, 0, 1),
                             None: (1, 0, 0)}
    assert loads[0].department_id == org.departments["RH"].id  # the late department first
    assert ages == [("0_7", 1), ("8_14", 0), ("15_30", 2), ("31_60", 2), ("61_90", 1), ("90_plus", 0)]


def test_compliance_figures(org, crafted):
    with org.session() as session:
        flt = OverviewFilter(now=BEFORE_MIDNIGHT, months=3)
        auditor = statistics.compliance(session, org.auditor, flt)
        head_cr = statistics.compliance(session, org.head_cr, flt)
    assert (auditor.requests_answered, auditor.requests_on_time) == (2, 1)
    assert (auditor.breaches_recorded, auditor.breaches_notified, auditor.breaches_notified_on_time) == (5, 2, 1)
    assert (auditor.activities, auditor.activities_validated, auditor.activities_review_overdue) == (2, 1, 1)
    assert (auditor.dpias, auditor.dpias_validated, auditor.contracts_active) == (0, 0, 0)
    assert (head_cr.breaches_notified, head_cr.breaches_notified_on_time) == (1, 0)
    assert (head_cr.requests_answered, head_cr.requests_on_time) == (2, 1)


def test_the_timeline_puts_the_most_pressing_first(org, crafted):
    with org.session() as session:
        items = figures.upcoming_items(session, org.dpo, OverviewFilter(now=BEFORE_MIDNIGHT), limit=4)
    assert [(i.kind, i.urgency) for i in items] == [
        ("dsr_answer", "late"), ("register_review", "late"), ("breach_notification", "late"),
        ("breach_notification", "soon")]
    assert all(i.start <= i.due for i in items)



def test_compliance_counts_overdue_open_cases_as_not_on_time(org, crafted):
    """Issue 15, rule 10 — GDPR Art. 12(3) (an answer within one month) and Art. 33(1)
    (notification within 72 hours): an open request past its deadline (G) and a breach
    whose clock ran out unnotified (K) are failures, not absences. A (due today), D
    (suspended, EDPB Guidelines 01/2022 § 159) and K2 (its 72 hours end at this very
    instant) are not overdue."""
    with org.session() as session:
        c = statistics.compliance(session, org.auditor, OverviewFilter(now=BEFORE_MIDNIGHT, months=3))
        at_midnight = statistics.compliance(session, org.auditor, OverviewFilter(now=MIDNIGHT, months=3))
    assert (c.requests_on_time, c.requests_overdue_open, c.requests_due) == (1, 1, 3)
    assert (c.breaches_notified_on_time, c.breaches_overdue_unnotified, c.breaches_due) == (1, 1, 3)
    assert c.rate(c.requests_on_time, c.requests_due) == pytest.approx(1 / 3)
    assert (at_midnight.requests_overdue_open, at_midnight.breaches_overdue_unnotified) == (2, 2)
