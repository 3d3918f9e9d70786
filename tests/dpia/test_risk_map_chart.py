"""The DPIA risk map as the page draws it (Plotly): likelihood across, severity up, each
risk before and after the corrective measures, an arrow from one to the other."""

from dashboard.charts.risk_map import risk_map_figure
from dashboard.i18n import Translator

RISKS = [  # (marker, name, severity before, likelihood before, severity after, likelihood after)
    ("A", "Accès illégitime", 4, 3, 2, 1),
    ("M", "Modification non désirée", 3, 3, 2, 1),  # ends in the same cell as A: the two are spread apart
    ("D", "Disparition", 2, 4, None, None),  # corrective measures not estimated yet: no "after", no arrow
    ("R", "Réidentification", 1, 2, 1, 2),  # unchanged by the measures: two markers, no arrow
]


def _cells(trace) -> list[tuple[str, int, int]]:
    """(label, likelihood, severity) of each marker, offsets within the cell removed."""
    assert all(abs(x - round(x)) < 0.5 and abs(y - round(y)) < 0.5 for x, y in zip(trace.x, trace.y))
    return [(label, round(x), round(y)) for label, x, y in zip(trace.text, trace.x, trace.y)]


def test_risks_are_placed_before_and_after_with_an_arrow_per_moved_risk():
    figure = risk_map_figure(Translator("fr"), RISKS)
    before, after = figure.data
    assert (before.name, after.name) == ("Mesures existantes ou prévues", "Avec les mesures correctives")
    assert _cells(before) == [("A", 3, 4), ("M", 3, 3), ("D", 4, 2), ("R", 2, 1)]
    assert _cells(after) == [("A", 1, 2), ("M", 1, 2), ("R", 2, 1)]
    assert len(set(zip(after.x, after.y))) == 3  # sharing a cell, none hides another
    assert figure.layout.xaxis.title.text == "Vraisemblance du risque"
    assert figure.layout.yaxis.title.text == "Gravité du risque"
    arrows = [(round(a.ax), round(a.ay), round(a.x), round(a.y)) for a in figure.layout.annotations if a.showarrow]
    assert arrows == [(3, 4, 1, 2), (3, 3, 1, 2)]  # from "before" (likelihood, severity) to "after"
    for arrow, start, end in zip(figure.layout.annotations, before.x[:2], after.x):
        assert (arrow.ax, arrow.x) == (start, end)  # to the very markers, offsets included


def test_a_map_without_estimated_risks_has_empty_traces_and_no_arrow():
    figure = risk_map_figure(Translator("en"), [("A", "Illegitimate access", None, None, None, None)])
    assert [(trace.name, len(trace.x)) for trace in figure.data] == [
        ("Existing or planned measures", 0), ("With the corrective measures", 0)]
    assert not figure.layout.annotations
