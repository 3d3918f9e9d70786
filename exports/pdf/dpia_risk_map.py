"""The risk map drawn for the PDF with reportlab's own graphics (no browser needed):
likelihood across, severity up, as in the CNIL software's cartography; each risk
with existing or planned measures (red) and with the corrective measures (dark blue),
an arrow between the two."""

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from exports.pdf.base import FONT, FONT_BOLD, INK, MUTED
from exports.stamp import Translator
from models.dpia_rules import LEVELS, MapPoint, map_arrows, map_markers, risk_zone

BEFORE = colors.HexColor("#FD4664")  # the CNIL software's colours
AFTER = colors.HexColor("#091C6B")
ZONES = {"low": colors.HexColor("#dcefdc"), "moderate": colors.HexColor("#fbe7c6"),
         "high": colors.HexColor("#f5c6c6")}
CELL = 21 * mm
LEFT = 30 * mm  # room for the severity labels
BOTTOM = 16 * mm  # room for the likelihood labels


def risk_map_drawing(tr: Translator, risks: Sequence[tuple[str, int | None, int | None, int | None, int | None]],
                     width: float) -> Drawing:
    """`risks`: (marker, severity before, likelihood before, severity after, likelihood after)."""
    grid = CELL * len(LEVELS)
    height = BOTTOM + grid + 2 * mm
    drawing = Drawing(width, height)
    for severity in LEVELS:
        for likelihood in LEVELS:
            x, y = _cell_origin(severity, likelihood)
            drawing.add(Rect(x, y, CELL, CELL, fillColor=ZONES[risk_zone(severity, likelihood)],
                             strokeColor=colors.white, strokeWidth=1.5))
    for level in LEVELS:
        label = tr(f"dpia.level.{level}")
        drawing.add(String(LEFT - 2 * mm, BOTTOM + (level - 0.5) * CELL - 3, label, fontName=FONT, fontSize=7.5,
                           fillColor=MUTED, textAnchor="end"))
        drawing.add(String(LEFT + (level - 0.5) * CELL, BOTTOM - 5 * mm, label, fontName=FONT, fontSize=7.5,
                           fillColor=MUTED, textAnchor="middle"))
    drawing.add(String(LEFT + grid / 2, 2 * mm, tr("dpia.map.likelihood_axis"), fontName=FONT_BOLD, fontSize=8.5,
                       fillColor=INK, textAnchor="middle"))
    axis = String(0, 0, tr("dpia.map.severity_axis"), fontName=FONT_BOLD, fontSize=8.5, fillColor=INK,
                  textAnchor="middle")
    rotated = Group(axis)
    rotated.transform = (0, 1, -1, 0, 5 * mm, BOTTOM + grid / 2)  # a quarter turn: reads bottom to top
    drawing.add(rotated)

    points, pairs = map_markers(risks)
    for before, after in map_arrows(points, pairs):
        _arrow(drawing, _centre(points[before]), _centre(points[after]))
    for before, after in pairs:
        for index, colour in ((before, BEFORE), (after, AFTER)):
            if index is not None:
                x, y = _centre(points[index])
                drawing.add(Circle(x, y, 3.2 * mm, fillColor=colour, strokeColor=colors.white, strokeWidth=0.8))
                drawing.add(String(x, y - 2.6, points[index].label, fontName=FONT_BOLD, fontSize=7,
                                   fillColor=colors.white, textAnchor="middle"))
    _legend(drawing, tr, LEFT + grid + 8 * mm, BOTTOM + grid - 4 * mm)
    return drawing


def _cell_origin(severity: int, likelihood: int) -> tuple[float, float]:
    return LEFT + (likelihood - 1) * CELL, BOTTOM + (severity - 1) * CELL


def _centre(point: MapPoint) -> tuple[float, float]:
    x, y = _cell_origin(point.severity, point.likelihood)
    return x + (0.5 + point.dx) * CELL, y + (0.5 + point.dy) * CELL


def _arrow(drawing: Drawing, start: tuple[float, float], end: tuple[float, float]) -> None:
    (x1, y1), (x2, y2) = start, end
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    if length < 7 * mm:
        return
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    tip_x, tip_y = x2 - ux * 3.6 * mm, y2 - uy * 3.6 * mm
    drawing.add(Line(x1 + ux * 3.4 * mm, y1 + uy * 3.4 * mm, tip_x, tip_y, strokeColor=MUTED, strokeWidth=0.9,
                     strokeDashArray=[2, 1.5]))
    size = 1.8 * mm
    drawing.add(Polygon([tip_x, tip_y, tip_x - ux * size - uy * size * 0.6, tip_y - uy * size + ux * size * 0.6,
                         tip_x - ux * size + uy * size * 0.6, tip_y - uy * size - ux * size * 0.6],
                        fillColor=MUTED, strokeColor=MUTED, strokeWidth=0.5))


def _legend(drawing: Drawing, tr: Translator, x: float, y: float) -> None:
    rows = [(BEFORE, tr("dpia.map.before")), (AFTER, tr("dpia.map.after"))]
    for colour, label in rows:
        drawing.add(Circle(x + 2 * mm, y + 1 * mm, 2.2 * mm, fillColor=colour, strokeColor=colour))
        drawing.add(String(x + 6 * mm, y, label, fontName=FONT, fontSize=8, fillColor=INK))
        y -= 7 * mm
    y -= 2 * mm
    for zone in ("high", "moderate", "low"):
        drawing.add(Rect(x, y - 1 * mm, 4 * mm, 4 * mm, fillColor=ZONES[zone], strokeColor=MUTED, strokeWidth=0.3))
        drawing.add(String(x + 6 * mm, y, tr(f"dpia.map.zone.{zone}"), fontName=FONT, fontSize=8, fillColor=INK))
        y -= 6.5 * mm
