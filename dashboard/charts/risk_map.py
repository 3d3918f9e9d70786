"""The risk map of a DPIA, like the CNIL PIA software's cartography: likelihood across,
severity up, on the four CNIL levels; each risk with the existing or planned measures
(red) and with the corrective measures of the action plan (dark blue), an arrow from
one to the other. The same placement rules draw the PDF's map (exports/pdf)."""

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.markdown import chart_text
from models.dpia_rules import LEVELS, map_arrows, map_markers, risk_zone

BEFORE = "#FD4664"
AFTER = "#091C6B"
ZONES = {"low": "#dcefdc", "moderate": "#fbe7c6", "high": "#f5c6c6"}


def risk_map_figure(tr, risks: Sequence[tuple[str, str, int | None, int | None, int | None, int | None]]) -> go.Figure:
    """`risks`: (marker, name, severity before, likelihood before, severity after, likelihood after)."""
    figure = go.Figure()
    for severity in LEVELS:
        for likelihood in LEVELS:
            figure.add_shape(type="rect", x0=likelihood - 0.5, x1=likelihood + 0.5, y0=severity - 0.5,
                             y1=severity + 0.5, fillcolor=ZONES[risk_zone(severity, likelihood)],
                             line={"color": "white", "width": 2}, layer="below")
    points, indexes = map_markers([(label, *levels) for label, _, *levels in risks])
    pairs = [(name, before, after) for (_, name, *_), (before, after) in zip(risks, indexes)]

    def position(index: int) -> tuple[float, float]:
        point = points[index]
        return point.likelihood + point.dx, point.severity + point.dy

    for before, after in map_arrows(points, indexes):
        (x0, y0), (x1, y1) = position(before), position(after)
        figure.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                              showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=1.4, arrowcolor="#5b6474",
                              standoff=11, startstandoff=11)
    for colour, legend, which in ((BEFORE, tr("dpia.map.before"), 1), (AFTER, tr("dpia.map.after"), 2)):
        xs, ys, labels, hovers = [], [], [], []
        for name, *risk_markers in pairs:
            index = risk_markers[which - 1]
            if index is None:
                continue
            x, y = position(index)
            point = points[index]
            xs.append(x)
            ys.append(y)
            labels.append(point.label)
            hovers.append(f"{point.label} — {chart_text(name)}<br>{tr('dpia.map.severity_axis')} : "
                          f"{tr(f'dpia.level.{point.severity}')}<br>{tr('dpia.map.likelihood_axis')} : "
                          f"{tr(f'dpia.level.{point.likelihood}')}")
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers+text", name=legend, text=labels, textposition="middle center",
            textfont={"color": "white", "size": 11, "family": "Arial Black, sans-serif"},
            marker={"size": 26, "color": colour, "line": {"color": "white", "width": 1.5}},
            hovertext=hovers, hoverinfo="text"))
    ticks = {"tickmode": "array", "tickvals": list(LEVELS), "ticktext": [tr(f"dpia.level.{level}") for level in LEVELS],
             "range": [0.5, 4.5], "showgrid": False, "zeroline": False, "fixedrange": True}
    figure.update_layout(
        xaxis={**ticks, "title": {"text": tr("dpia.map.likelihood_axis")}},
        yaxis={**ticks, "title": {"text": tr("dpia.map.severity_axis")}, "scaleanchor": "x", "scaleratio": 1},
        height=520, margin={"l": 10, "r": 10, "t": 30, "b": 10}, plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0}, font={"size": 13},
    )
    return figure
