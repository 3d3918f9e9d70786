"""The overview says the same thing everywhere, in French (issue 20): unrouted requests,
the 72-hour clock's own group, the last twelve months ending with this one, months and
dates written in French on the charts, "today" clear of the axis."""

from datetime import date, datetime, timedelta, timezone

from dashboard.charts import overview as charts
from dashboard.i18n import Translator
from dashboard.overview import figures, statistics
from dashboard.overview.figures import DeadlineItem
from dashboard.overview.scope import OverviewFilter
from dashboard.overview.statistics import DepartmentLoad, MonthRow
from tests.overview import factories as make

FR, EN = Translator("fr"), Translator("en")
TODAY = date(2026, 9, 14)
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _item(kind="dsr_answer", case_type="dsr", department_id=None, due=TODAY + timedelta(days=3), due_at=None,
          urgency="soon") -> DeadlineItem:
    return DeadlineItem(kind, case_type, 1, "DSR-2026-0001", "", 1, department_id, due - timedelta(days=30), due,
                        due_at, urgency)


def test_an_unrouted_request_is_non_aiguillee_in_the_timeline_and_the_department_chart():
    departments = {3: "Ressources humaines"}
    assert figures.group_label(FR, _item(), departments) == "Non aiguillées"
    assert figures.group_label(FR, _item(department_id=3), departments) == "Ressources humaines"
    breach = _item("breach_notification", "breach")
    assert figures.group_label(FR, breach, departments) == "Toute l'organisation"  # a breach concerns the whole
    figure = charts.department_figure(FR, [DepartmentLoad(None, "", 4, 1, 1), DepartmentLoad(3, "Ressources humaines",
                                                                                               2, 0, 0)])
    assert list(figure.data[0].y) == ["Non aiguillées", "Ressources humaines"]


def test_a_running_72_hour_clock_is_its_own_group_not_within_7_days():
    instant = datetime(2026, 9, 15, 10, 0, tzinfo=timezone.utc)
    clock = _item("breach_notification", "breach", due=instant.date(), due_at=instant, urgency="soon")
    request = _item(urgency="soon")
    assert (clock.shown_urgency, request.shown_urgency) == ("clock", "soon")
    assert figures.urgency_label(FR, "breach_notification", "soon") == "Dans les 72 h"
    assert figures.urgency_label(FR, "dsr_answer", "soon") == "Sous 7 jours"
    figure = charts.timeline_figure(FR, [clock, request], TODAY, lambda i: "x", TODAY + timedelta(days=90))
    groups = {trace.name: list(trace.y[1]) for trace in figure.data}
    assert groups == {"Dans les 72 h": ["DSR-2026-0001 · 72 h"], "Sous 7 jours": ["DSR-2026-0001 · réponse"]}


def test_the_timeline_writes_its_dates_in_french_and_today_away_from_the_axis():
    figure = charts.timeline_figure(FR, [_item()], TODAY, lambda i: "x", TODAY + timedelta(days=90))
    ticks = list(figure.layout.xaxis.ticktext)
    assert ticks[0].endswith("2026") and "1 sept." in ticks and "1 oct." in ticks
    assert not any(month in tick.split() for tick in ticks for month in ENGLISH_MONTHS)
    (today,) = figure.layout.annotations
    assert (today.text, today.y, today.yanchor) == ("aujourd'hui", 1, "top")  # at the top, inside the plot
    english = charts.timeline_figure(EN, [_item()], TODAY, lambda i: "x", TODAY + timedelta(days=90))
    assert "1 Sep" in list(english.layout.xaxis.ticktext)


def test_date_ticks_name_the_year_on_january_and_thin_out_on_a_long_axis():
    ticks = charts.date_ticks(FR, date(2026, 11, 20), date(2027, 2, 20))
    assert [t for _, t in ticks] == ["1 déc. 2026", "15 déc.", "1 janv. 2027", "15 janv.", "1 févr.", "15 févr."]
    assert len(charts.date_ticks(FR, date(2026, 1, 1), date(2027, 1, 1))) == 13  # the 1st of each month only


def test_months_are_french_categories_never_dates_plotly_would_write_in_english():
    months = [MonthRow("2025-09", 3, 2, 2), MonthRow("2025-10", 1, 1, 0)]
    figure = charts.monthly_figure(FR, months)
    assert list(figure.data[0].x) == ["sept. 2025", "oct. 2025"]
    assert figure.layout.xaxis.type == "category"


def test_the_last_12_months_end_with_the_current_month(org):
    now = datetime(2026, 3, 15, 9, 0, tzinfo=timezone.utc)
    with org.work() as session:
        make.request(session, org, date(2026, 3, 2))
        make.request(session, org, date(2025, 3, 30))  # thirteen months back: outside
        rows = statistics.requests_per_month(session, org.dpo, OverviewFilter(now=now, months=12))
    assert [r.month for r in rows][0] == "2025-04" and rows[-1].month == "2026-03" and len(rows) == 12
    assert rows[-1].received == 1 and sum(r.received for r in rows) == 1
    labels = list(charts.monthly_figure(FR, rows).data[0].x)
    assert (labels[0], labels[-1]) == ("avr. 2025", "mars 2026")
