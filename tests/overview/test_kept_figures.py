"""The overview's charts are built once per language and data (dashboard/charts/overview.py):
a rerun on the same data reuses the figure; other data, another day or another language
builds another."""

from datetime import date, timedelta

from dashboard.charts import overview as charts
from dashboard.i18n import Translator
from dashboard.overview.figures import DeadlineItem
from dashboard.overview.statistics import MonthRow

FR, EN = Translator("fr"), Translator("en")
TODAY = date(2026, 3, 10)


def _item(reference="DSR-2026-0001", due=date(2026, 3, 20)) -> DeadlineItem:
    return DeadlineItem("dsr_answer", "dsr", 1, reference, "", 1, None, date(2026, 2, 20), due, None, "on_track")


def _timeline(tr, items, today=TODAY, group="x"):
    return charts.timeline_figure(tr, items, today, lambda i: group, today + timedelta(days=90))


def test_the_same_data_reuses_the_figure_and_other_data_builds_another():
    first = _timeline(FR, [_item()])
    assert _timeline(FR, [_item()]) is first
    assert _timeline(FR, [_item(due=date(2026, 3, 21))]) is not first
    assert _timeline(FR, [_item()], today=TODAY + timedelta(days=1)) is not first
    assert _timeline(FR, [_item()], group="Ressources humaines") is not first
    english = _timeline(EN, [_item()])
    assert english is not first and english.layout.title.text != first.layout.title.text
    months = [MonthRow("2026-03", 4, 2, 1)]
    assert charts.monthly_figure(FR, months) is charts.monthly_figure(FR, list(months))
    assert charts.monthly_figure(FR, [MonthRow("2026-03", 5, 2, 1)]) is not charts.monthly_figure(FR, months)
