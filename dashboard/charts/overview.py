"""The deadline overview's charts. Each takes the plain data of dashboard.overview and
a translator, and says what it shows in its title; colours are the same everywhere:
late red, due within a week orange, on track blue.

Figures are written as plain specifications and built in one validated step: plotly's
incremental `update_layout` / `add_vline` calls cost ten times more, and the page draws
its chart on every rerun (see benchmarks/overview.py). A built figure is kept, keyed on
everything it shows (language, data, day), so that a rerun on the same data builds none
(issue 19): plotly's validation of a figure was the largest part of drawing a chart."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import plotly.graph_objects as go

from dashboard.kept import Kept
from dashboard.markdown import chart_text

URGENCY_COLOURS = {"late": "#c62828", "clock": "#d84315", "soon": "#ef8f00", "on_track": "#2d5b9a"}
ANSWERED = "#2d5b9a"
RECEIVED = "#9fb8d9"
RATE = "#2e7d32"
GRID = "#eee"


class BuiltFigure(go.Figure):
    """A figure never changed once built: its plain form (`to_dict`, a deep copy of the whole
    figure that st.plotly_chart asks for on every draw, most of a kept chart's drawing time)
    is made once and given again. Read it, never change it."""

    _plain: dict | None = None

    def to_dict(self) -> dict:
        if self._plain is None:
            self._plain = super().to_dict()
        return self._plain


_FIGURES: Kept[BuiltFigure] = Kept(64)  # only read once built, never changed


def _figure(title: str, height: int, data: list[dict], **layout) -> BuiltFigure:
    base = {"title": {"text": title, "x": 0, "xanchor": "left"}, "height": height, "font": {"size": 13},
            "margin": {"l": 10, "r": 10, "t": 60, "b": 10}, "plot_bgcolor": "white",
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"}}
    return BuiltFigure({"data": data, "layout": {**base, **layout}})


def _vertical_line(x, colour: str = "#222", dash: str = "solid") -> dict:
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": {"color": colour, "width": 2, "dash": dash}}


def timeline_figure(tr, items: Sequence, today: date, group_of, horizon: date) -> BuiltFigure:
    """Open cases as bars from their start to their deadline, grouped (case type or
    department: `group_of(item) -> str`), today marked. `items`: DeadlineItem (hashable)."""
    items = tuple(items)
    key = ("timeline", tr.language, items, tuple(group_of(i) for i in items), today, horizon)
    return _FIGURES.get(key, lambda: _timeline_figure(tr, items, today, group_of, horizon))


def _timeline_figure(tr, items: Sequence, today: date, group_of, horizon: date) -> BuiltFigure:
    user_group = group_of
    group_of = lambda item: chart_text(user_group(item))  # noqa: E731 - department names are user text
    ordered = sorted(items, key=lambda i: (group_of(i), i.due, i.reference))
    data = []
    for urgency, colour in URGENCY_COLOURS.items():
        chosen = [i for i in ordered if i.shown_urgency == urgency]
        if not chosen:
            continue
        data.append({
            "type": "bar", "orientation": "h", "name": tr(f"overview.urgency.{urgency}"), "marker": {"color": colour},
            "y": [[group_of(i) for i in chosen],
                  [f"{i.reference} · {tr(f'overview.kind_short.{i.kind}')}" for i in chosen]],
            "base": [i.start.isoformat() for i in chosen],
            "x": [max(1, (i.due - i.start).days) * 86_400_000 for i in chosen],
            "customdata": [[tr(f"overview.kind.{i.kind}"), tr.date(i.start), tr.date(i.due), chart_text(i.title)]
                           for i in chosen],
            "hovertemplate": (f"%{{y}}<br>%{{customdata[0]}}<br>{tr('overview.chart.start')} : %{{customdata[1]}}"
                              f"<br>{tr('overview.chart.deadline')} : %{{customdata[2]}}<br>%{{customdata[3]}}"
                              "<extra></extra>")})
    left = max(min([today - timedelta(days=30), *[i.start for i in ordered]]), today - timedelta(days=120))
    right = horizon + timedelta(days=3)
    midnight = datetime.combine(today, datetime.min.time()).isoformat()
    ticks = date_ticks(tr, left, right)
    # "today" is written at the top of its line, inside the plot: at the bottom it sat on the axis's dates
    return _figure(
        tr("overview.chart.timeline"), 140 + 24 * max(1, len(ordered)), data, barmode="overlay",
        shapes=[_vertical_line(midnight, dash="dash")],
        annotations=[{"x": midnight, "xref": "x", "y": 1, "yref": "paper", "yanchor": "top", "xanchor": "left",
                      "xshift": 4, "text": tr("overview.chart.today"), "showarrow": False,
                      "bgcolor": "rgba(255,255,255,0.85)"}],
        xaxis={"type": "date", "range": [left.isoformat(), right.isoformat()], "showgrid": True, "gridcolor": GRID,
               "tickmode": "array", "tickvals": [d.isoformat() for d, _ in ticks], "ticktext": [t for _, t in ticks]},
        yaxis={"autorange": "reversed", "tickfont": {"size": 11}})


def date_ticks(tr, left: date, right: date) -> list[tuple[date, str]]:
    """Ticks of a date axis written in the user's language (plotly writes months in English):
    the 1st of each month, and the 15th when the axis spans less than about seven months;
    the year shown on the first tick and on each January."""
    days = [1, 15] if (right - left).days <= 220 else [1]
    ticks: list[tuple[date, str]] = []
    year, month = left.year, left.month
    while date(year, month, 1) <= right:
        for day in days:
            tick = date(year, month, day)
            if left <= tick <= right:
                label = f"{tick.day} {tr(f'month.short.{tick.month}')}"
                if not ticks or (tick.month == 1 and day == days[0]):
                    label += f" {tick.year}"
                ticks.append((tick, label))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


def monthly_figure(tr, months: Sequence) -> BuiltFigure:
    """Requests received and answered per month, and the share answered in time. `months`: MonthRow."""
    months = tuple(months)
    return _FIGURES.get(("monthly_figure", tr.language, months), lambda: _monthly_figure(tr, months))


def _monthly_figure(tr, months: Sequence) -> BuiltFigure:
    labels = [month_label(tr, m.month) for m in months]
    rates = [None if m.on_time_rate is None else round(100 * m.on_time_rate, 1) for m in months]
    return _figure(
        tr("overview.chart.monthly"), 420, [
            {"type": "bar", "x": labels, "y": [m.received for m in months], "name": tr("overview.chart.received"),
             "marker": {"color": RECEIVED}},
            {"type": "bar", "x": labels, "y": [m.answered for m in months], "name": tr("overview.chart.answered"),
             "marker": {"color": ANSWERED}},
            {"type": "scatter", "x": labels, "y": rates, "name": tr("overview.chart.on_time_rate"), "yaxis": "y2",
             "mode": "lines+markers", "connectgaps": False, "line": {"color": RATE, "width": 3},
             "hovertemplate": "%{y} %<extra></extra>"}],
        barmode="group",
        xaxis={"type": "category"},  # month names as written: plotly would read "Sep 2026" as a date, in English
        yaxis={"title": {"text": tr("overview.chart.requests")}, "rangemode": "tozero", "gridcolor": GRID},
        yaxis2={"title": {"text": tr("overview.chart.on_time_axis")}, "overlaying": "y", "side": "right",
                "range": [0, 105], "tickvals": [0, 25, 50, 75, 100], "showgrid": False, "ticksuffix": " %"})


def department_figure(tr, loads: Sequence) -> BuiltFigure:
    """Open requests per department, split into late, due within a week and the rest. `loads`: DepartmentLoad."""
    loads = tuple(loads)
    return _FIGURES.get(("department_figure", tr.language, loads), lambda: _department_figure(tr, loads))


def _department_figure(tr, loads: Sequence) -> BuiltFigure:
    names = [chart_text(d.name) if d.department_id is not None else tr("overview.unrouted") for d in loads]
    parts = (("late", [d.late for d in loads]), ("soon", [d.soon for d in loads]),
             ("on_track", [d.open - d.late - d.soon for d in loads]))
    return _figure(
        tr("overview.chart.departments"), 140 + 36 * max(1, len(loads)),
        [{"type": "bar", "orientation": "h", "y": names, "x": values, "name": tr(f"overview.urgency.{urgency}"),
          "marker": {"color": URGENCY_COLOURS[urgency]}} for urgency, values in parts],
        barmode="stack", yaxis={"autorange": "reversed"},
        xaxis={"title": {"text": tr("overview.chart.open_requests")}, "gridcolor": GRID})


def ages_figure(tr, ages: Sequence[tuple[str, int]]) -> BuiltFigure:
    """Open requests by days since receipt; past 30 days a request is past its usual month."""
    ages = tuple(ages)
    return _FIGURES.get(("ages_figure", tr.language, ages), lambda: _ages_figure(tr, ages))


def _ages_figure(tr, ages: Sequence[tuple[str, int]]) -> BuiltFigure:
    colours = [URGENCY_COLOURS["on_track"] if label in ("0_7", "8_14", "15_30") else URGENCY_COLOURS["late"]
               for label, _ in ages]
    return _figure(
        tr("overview.chart.ages"), 380,
        [{"type": "bar", "x": [tr(f"overview.age.{label}") for label, _ in ages], "y": [n for _, n in ages],
          "marker": {"color": colours}, "text": [n for _, n in ages], "textposition": "outside",
          "hovertemplate": "%{x} : %{y}<extra></extra>"}],
        yaxis={"title": {"text": tr("overview.chart.open_requests")}, "rangemode": "tozero", "gridcolor": GRID},
        xaxis={"title": {"text": tr("overview.chart.age_axis")}})


def breach_clock_figure(tr, clocks: Sequence, now: datetime) -> BuiltFigure:
    """Hours left before each running 72-hour deadline (negative: hours over). `clocks`: DeadlineItem."""
    hours = [round((c.due_at - now).total_seconds() / 3600, 1) for c in clocks]
    colours = [URGENCY_COLOURS["late"] if h < 0 else URGENCY_COLOURS["soon"] if h < 24 else
               URGENCY_COLOURS["on_track"] for h in hours]
    return _figure(
        tr("overview.chart.breach_clocks"), 140 + 40 * max(1, len(clocks)),
        [{"type": "bar", "orientation": "h", "y": [chart_text(f"{c.reference} · {c.title}"[:60]) for c in clocks], "x": hours,
          "marker": {"color": colours}, "textposition": "auto", "hovertemplate": "%{y}<br>%{text}<extra></extra>",
          "text": [tr("overview.chart.hours_over", hours=-h) if h < 0 else tr("overview.chart.hours_left", hours=h)
                   for h in hours]}],
        shapes=[_vertical_line(0)], yaxis={"autorange": "reversed"},
        xaxis={"title": {"text": tr("overview.chart.hours_axis")}, "gridcolor": GRID, "zeroline": False})


def month_label(tr, month: str) -> str:
    """"2026-09" → "sept. 2026" (fr), "Sep 2026" (en)."""
    year, number = month.split("-")
    return f"{tr(f'month.short.{int(number)}')} {year}"
