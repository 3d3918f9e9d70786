"""Shared layout of every PDF DPO Desk issues: build every new document with `build_pdf`
and it inherits all of the following.

A4 portrait, a header with the issuer, and a footer on every page with the document
number, its verification code and "page X of Y". Metadata (title, author, subject,
creator) is set for pypdf and PDF viewers; `invariant=1` makes the same input produce the
same bytes.

Archival form: the output is PDF/A-2b (exports/pdf/pdfa.py adds the XMP metadata, the
sRGB output intent, the real date of issue and the file ID while reportlab writes the file).

Speed: exports/pdf/speed.py memoises reportlab's number formatting and word widths (its C
accelerator is not installed); a paragraph measured twice at the same width (a table
measures its cells, then a page break measures them again) keeps its first measure; so does
each row of a table (`_Table`) placed several times; a table cell that fits on one line is
drawn as a plain string, as reportlab draws it, not as a paragraph (`cell`); `printable`
remembers the labels it has cleaned. benchmarks/pdf_cost.py has the figures.

Font: DejaVu Sans (exports/pdf/fonts/, Bitstream Vera licence, LICENSE.txt there),
embedded and subsetted: Latin, Greek, Cyrillic, Hebrew, Arabic letters, arrows and
mathematical signs ("→", "≥") and the monochrome emoticons of U+1F600-1F64F. Limits, see
`printable`: a character the font lacks (CJK ideographs, most emoji) is printed as
readable text instead of an empty box. Arabic and Hebrew print with the font's glyphs
(reportlab 5 joins and orders them on the page); copied or extracted text comes out in
visual order. No hyphenation dictionary: a word or URL too long for its line is cut at
the line's end.
"""

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import _listWrapOn
from reportlab.platypus.tables import CellStyle, _calc_pc

from exports.pdf import speed
from exports.pdf.pdfa import add_pdfa_parts, make_pdfa
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_time

FONT = "DPOSans"
FONT_BOLD = "DPOSans-Bold"
FONT_ITALIC = "DPOSans-Italic"
INK = colors.HexColor("#1f2a44")
ACCENT = colors.HexColor("#2d5b9a")
MUTED = colors.HexColor("#5b6474")
RULE = colors.HexColor("#c8cfdb")
SHADE = colors.HexColor("#eef2f8")
MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
CREATOR = "DPO Desk"


speed.install()
FONTS_DIR = Path(__file__).resolve().parent / "fonts"


def _register_fonts() -> frozenset[int]:
    """Registers the DejaVu Sans family; returns the code points both the regular and the
    bold face draw (the italic faces are not used by any document)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                           (FONT_ITALIC, "DejaVuSans-Oblique.ttf"), (f"{FONT}-BoldItalic", "DejaVuSans-BoldOblique.ttf")):
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=f"{FONT}-BoldItalic")
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph) & frozenset(
        pdfmetrics.getFont(FONT_BOLD).face.charToGlyph)


# Outside the Basic Multilingual Plane (most emoji), reportlab writes a broken ToUnicode
# entry (<1F600>, not a UTF-16 pair): the glyph would print but copying or searching the
# text would not find it. Such characters get a stand-in too.
# Control characters are left out too (the font maps some of them to empty glyphs).
_COVERED = frozenset(c for c in _register_fonts() if 0x20 <= c <= 0xFFFF and not 0x7F <= c < 0xA0)
_KEPT = frozenset(map(chr, _COVERED)) | {"\n", "\t"}  # the characters `_printable` keeps as they are
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A table sets its cells' default font (Helvetica, a base-14 font that is never embedded,
# which PDF/A forbids) on the canvas even when every cell is a Paragraph, and so does a
# drawing (reportlab.graphics) when it starts: every table, drawing and paragraph style of
# every document defaults to the embedded font instead.
CellStyle.fontname = FONT
STATE_DEFAULTS["fontName"] = FONT
ParagraphStyle.defaults["fontName"] = FONT  # and so does a paragraph style that names no font
_EMOJI_GLUE = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, text and emoji variation selectors
_INVISIBLE = frozenset(("Cc", "Cf", "Mn", "Me", "Sk", "Cs", "Co", "Cn"))


def _printable(value: str) -> str:
    """`value` with every character the embedded font cannot draw replaced by readable text,
    so that nothing prints as an empty box: an emoji or pictograph by its Unicode name in
    brackets ("[party popper]"), a run of letters of a script the font lacks (CJK) by their
    code points ("[U+5F20 U+4F1F]"); controls, skin-tone modifiers and other marks the font
    lacks are left out, and so are the joiners and variation selectors of an emoji sequence."""
    if value.isascii() and not _ASCII_CONTROLS.search(value):
        return value
    if _KEPT.issuperset(value):  # every character drawn as it is: what the loop below returns
        return value
    out: list[str] = []
    letters: list[str] = []
    after_stand_in = False
    for char in value:
        if after_stand_in and char in _EMOJI_GLUE:
            continue
        if ord(char) in _COVERED or char in "\n\t":
            if letters:
                out.append(f"[{' '.join(letters)}]")
                letters.clear()
            out.append(char)
            after_stand_in = False
            continue
        category = unicodedata.category(char)
        if category in _INVISIBLE:
            continue
        if category == "So":
            if letters:
                out.append(f"[{' '.join(letters)}]")
                letters.clear()
            out.append(f"[{unicodedata.name(char, f'U+{ord(char):04X}').lower()}]")
        else:
            letters.append(f"U+{ord(char):04X}")
        after_stand_in = True
    if letters:
        out.append(f"[{' '.join(letters)}]")
    return "".join(out)


_printable_short = lru_cache(maxsize=4096)(_printable)


def printable(value: str) -> str:
    """`value` with every character the embedded font cannot draw replaced by readable text
    (see `_printable`); a short value (a label, a date, a name) is remembered: it recurs in
    every document."""
    if len(value) <= 300:
        return _printable_short(value)
    return _printable(value)


# Every paragraph: a word or URL longer than the line is cut where the line ends
# (splitLongWords) rather than running into the margin. reportlab's finer options
# (uriWasteReduce, embeddedHyphenation) were measured to push a long URL past the margin;
# tests/test_pdfa.py renders long tokens and looks for ink in the margin.
_WRAP = ParagraphStyle("wrap", splitLongWords=1)

STYLES = {
    # A title or a heading never ends a page: it moves to the next one with what follows it.
    "title": ParagraphStyle("title", _WRAP, fontName=FONT_BOLD, fontSize=16, leading=20, textColor=INK,
                            spaceAfter=4, keepWithNext=1),
    "subtitle": ParagraphStyle("subtitle", _WRAP, fontName=FONT, fontSize=10, leading=13, textColor=MUTED,
                               spaceAfter=10),
    "h2": ParagraphStyle("h2", _WRAP, fontName=FONT_BOLD, fontSize=11.5, leading=15, textColor=ACCENT,
                         spaceBefore=10, spaceAfter=4, keepWithNext=1),
    "body": ParagraphStyle("body", _WRAP, fontName=FONT, fontSize=9.5, leading=13, textColor=INK,
                           alignment=TA_LEFT),
    "small": ParagraphStyle("small", _WRAP, fontName=FONT, fontSize=8, leading=10.5, textColor=MUTED),
    "cell": ParagraphStyle("cell", _WRAP, fontName=FONT, fontSize=8.5, leading=11, textColor=INK),
    "cell_bold": ParagraphStyle("cell_bold", _WRAP, fontName=FONT_BOLD, fontSize=8.5, leading=11,
                                textColor=INK),
}


class _KeepWithNext(KeepTogether):
    """What reportlab builds for a heading (keepWithNext) and the flowable after it. Plain
    KeepTogether moves both to the next page whenever the whole follower does not fit, which
    leaves most of a page blank before a long paragraph; here they move only when the follower
    cannot start below the heading (not one line of a paragraph, not the first rows of a
    table): a heading never ends a page, and pages stay full."""

    def split(self, aW, aH):
        *lead, follower = self._content
        if lead and not isinstance(follower, (KeepTogether, Spacer)):
            _, lead_height = _listWrapOn(lead, aW, self.canv)
            spaces = sum(f.getSpaceBefore() + f.getSpaceAfter() for f in lead) + follower.getSpaceBefore()
            room = aH - lead_height - spaces  # on the safe side: spaces are not always all applied
            if room > 0:
                _, height = follower.wrapOn(self.canv, aW, room)
                if height <= room or follower.splitOn(self.canv, aW, room):
                    return list(self._content)
        return super().split(aW, aH)


def text(value: object) -> str:
    """Escape a user string for Paragraph markup ("Dupont & <Fils>" stays intact),
    keeping line breaks."""
    return _escaped(printable("" if value is None else str(value)))


def _escaped(shown: str) -> str:
    """Printable text as paragraph markup."""
    return escape(shown).replace("\n", "<br/>")


_PARSED: dict = {}  # (markup, style) -> what reportlab's parser made of it; bounded
_PARSED_LIMIT = 20_000
_PARSED_LONGEST = 300  # characters of markup: labels, names, dates, short sentences


class _Paragraph(Paragraph):
    """A paragraph that parses its markup once per process, and remembers its last measure.

    Parsing: the same markup in the same style gives the same fragments (labels, headings
    and dates recur in every document), which reportlab's layout only reads (it sets one
    marker on them, always to the same value): they are shared. Measuring: measured again at
    the same width (a table measures its cells to size its rows, a page break and the drawing
    measure them again), a paragraph gives the same lines without breaking them anew. The
    text and style of a paragraph never change once it is built; a split makes new paragraphs."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or bulletText is not None:
            return super()._setup(text, style, bulletText, frags, cleaner)
        if len(text) > _PARSED_LONGEST:  # a long free text: seldom repeated, not kept
            return super()._setup(text, style, bulletText, frags, cleaner)
        key = (text, id(style), self.caseSensitive)
        parsed = _PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            if self.bulletText is None:
                if len(_PARSED) >= _PARSED_LIMIT:
                    _PARSED.clear()
                _PARSED[key] = (self.text, self.frags, self.style, style)  # the style keeps its id alive
            return
        self.text, self.frags, self.style, _ = parsed
        self.bulletText = None
        self.debug = 0

    _MEASURE = ("width", "_wrapWidths", "blPara", "height", "_width_max", "_splitLongWordCount", "_hyphenations")

    def wrap(self, availWidth, availHeight):
        measure = self.__dict__.get("_measure")
        if measure is not None and measure[0] == availWidth:
            self.__dict__.update(measure[2])
            return measure[1]
        result = super().wrap(availWidth, availHeight)
        state = self.__dict__
        self._measure = (availWidth, result, {key: state[key] for key in self._MEASURE if key in state})
        return result


def para(value: object, style: str = "body") -> Paragraph:
    return _Paragraph(text(value), STYLES[style])


def markup(raw_markup: str, style: str = "body") -> Paragraph:
    """A paragraph whose markup the caller built from escaped parts."""
    return _Paragraph(raw_markup, STYLES[style])


def heading(value: str) -> Paragraph:
    return para(value, "h2")


# A table cell whose text fits on one line of its column is handed to the table as a plain
# string: reportlab draws it with drawString (no parse, no line breaking, no text object in
# a graphics state of its own), which is most of a certificate's cells. It is drawn where and
# as its paragraph would be: reportlab puts a string's baseline one font size below the top
# padding, as a paragraph puts its first line's (rl_config.paraFontSizeHeightOffset), at the
# same left padding; a string row is one leading tall, as a one-line paragraph is; and the
# cell's font, size, leading and colour are the paragraph style's (`_text_style`). Only text
# a paragraph draws as it is: words between single spaces (a paragraph collapses any other
# whitespace and breaks at it), no soft hyphen or zero-width space (break points), no
# right-to-left script (a paragraph may reorder it), no line break; and narrower than the
# column by a hair, so that reportlab's own measure of a line (word by word) could not
# differ. Anything else stays a paragraph. tests/test_pdf_speed.py compares both.
_CELL_PADDING = CellStyle.leftPadding + CellStyle.rightPadding  # reportlab's, which our tables keep
_FIT_SLACK = 0.01  # points
_NOT_PLAIN = re.compile("[\u00ad\u0590-\u08ff\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufb1d-\ufdff\ufe70-\ufeff]")


def cell(value: object, style: str, width: float) -> str | Paragraph:
    """A table cell in paragraph style `style`, in a column `width` points wide (with
    reportlab's default padding): the plain string when it fits on one line, else a paragraph.
    The table must give the cell the style's text attributes (`_text_style`)."""
    shown = printable("" if value is None else str(value))
    if len(shown) <= 200 and shown.split() == shown.split(" ") and not _NOT_PLAIN.search(shown):
        look = STYLES[style]
        if pdfmetrics.stringWidth(shown, look.fontName, look.fontSize) <= width - _CELL_PADDING - _FIT_SLACK:
            return shown
    return _Paragraph(_escaped(shown), STYLES[style])


def _text_style(style: str, start: tuple[int, int], stop: tuple[int, int]) -> list[tuple]:
    """Table style commands giving the cells from `start` to `stop` the font, size, leading
    and colour of paragraph style `style`, for the cells `cell` leaves as plain strings."""
    look = STYLES[style]
    return [("FONT", start, stop, look.fontName, look.fontSize, look.leading), ("TEXTCOLOR", start, stop, look.textColor)]


# A table cell cannot be split across pages: reportlab stops with a LayoutError when
# one row is taller than the page. Long values are therefore cut into pieces of at
# most this many lines of their column, each piece a row of its own.
_LINES_PER_ROW = 24
_CHAR_WIDTH = 0.56  # average glyph width of the cell font, in font sizes


def _pieces(value: str, width: float, font_size: float = 8.5) -> list[str]:
    """`value` cut between words into pieces that each
    fill at most _LINES_PER_ROW lines of a column `width` points wide."""
    per_line = max(8, int(width / (font_size * _CHAR_WIDTH)) - 2)
    limit = per_line * _LINES_PER_ROW
    if len(value) <= limit:
        return [value]
    words = re.split(r"(?<=\s)", value)
    pieces, current = [], ""
    for word in words:
        while len(word) > limit:  # a run without spaces: cut it where it must be
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        if current and len(current) + len(word) > limit:
            pieces.append(current)
            current = ""
        current += word
    if current.strip():
        pieces.append(current)
    return [piece.strip("\n") for piece in pieces]


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


class _Table(Table):
    """A table that remembers the height of each row it has measured.

    reportlab measures a table again each time it is placed: before the page break to see
    whether it fits (at any height), then at the room left (with and without the space
    before it), and each time it measures every row from the first (with its long-table
    shortcut, which stops early only for spanned cells). The rows' cells are paragraphs at
    fixed column widths, whose height does not depend on the room: a row measured once keeps
    its height, and a later measure is made from the remembered heights as reportlab makes it
    (the same rows, the same compensated sum). A table with spanned cells, or a measure that
    needs a row not measured yet, is reportlab's own, and its rows are remembered. The pieces
    of a split table are new tables of this class (reportlab builds them with `self.__class__`)."""

    def _calc_height(self, availHeight, availWidth, H=None, W=None):
        fixed = self._argH
        if self._spanCmds or None not in fixed:
            return super()._calc_height(availHeight, availWidth, H=H, W=W)
        widths = tuple(W or _calc_pc(self._argW, availWidth))
        key = (widths, tuple(fixed), id(self._cellvalues), id(self._cellStyles))
        known = self.__dict__.get("_known_rows")
        if known is not None and known[0] == key and self._measured(known[1]):
            return
        super()._calc_height(availHeight, availWidth, H=H, W=W)
        rows = known[1] if known is not None and known[0] == key else {}
        for i, (given, height) in enumerate(zip(fixed, self._rowHeights)):
            if given is None and height is not None:
                rows[i] = height
        self._known_rows = (key, rows)

    def _measured(self, rows: dict) -> bool:
        """reportlab's Table._calc_height (5.x) for a table without spanned cells, with the rows'
        heights taken from `rows`; False, and nothing set, if a row is not there. Without spans
        its long-table shortcut never stops early (it stops only once spanned rows are
        complete): every row is measured whatever the room, and the room changes nothing."""
        H = list(self._argH)
        minimum = self._minRowHeights
        for i, given in enumerate(H):
            if given is None:
                height = rows.get(i)
                if height is None:
                    return False
                H[i] = max(minimum[i], height) if minimum else height
        hmax = len(H)
        self._rowHeights = H
        self._rowpositions = positions = []
        height = c = 0
        for i in range(hmax - 1, -1, -1):  # reportlab's compensated sum, from the last row
            positions.append(height)
            y = H[i] - c
            t = height + y
            c = (t - height) - y
            height = t
        positions.append(height)
        self._height = height
        positions.reverse()
        self._hmax = hmax
        return True


def key_value_table(rows: Sequence[tuple[str, object]], label_width: float = 55 * mm) -> Table:
    """Two columns, label and value: the usual body of a certificate or a notice. A long
    value continues on further rows under an empty label, so the table splits across pages."""
    data = []
    value_width = CONTENT_WIDTH - label_width
    for label, value in rows:
        for i, piece in enumerate(_pieces(_shown(value), value_width - 12)):
            data.append([cell(label if i == 0 else "", "cell_bold", label_width), cell(piece, "cell", value_width)])
    table = _Table(data, colWidths=[label_width, value_width])
    table.setStyle(TableStyle([
        *_text_style("cell_bold", (0, 0), (0, -1)),
        *_text_style("cell", (1, 0), (1, -1)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def split_row(row: Sequence[object], widths: Sequence[float]) -> list[list[str]]:
    """One table row as several, when a cell is too long for one page: each cell's
    pieces side by side, empty cells below the short ones."""
    cells = [_pieces(_shown(v), w - 12) for v, w in zip(row, widths)]
    height = max(len(c) for c in cells)
    return [[c[i] if i < len(c) else "" for c in cells] for i in range(height)]


def grid_table(header: Sequence[str], rows: Sequence[Sequence[object]],
               widths: Sequence[float] | None = None) -> Table:
    """A table with a shaded header row, repeated on every page it spans."""
    widths = widths or [CONTENT_WIDTH / len(header)] * len(header)
    data = [[cell(h, "cell_bold", w) for h, w in zip(header, widths)]]
    data += [[cell(v, "cell", w) for v, w in zip(piece, widths)] for row in rows for piece in split_row(row, widths)]
    table = _Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        *_text_style("cell_bold", (0, 0), (-1, 0)),
        *_text_style("cell", (0, 1), (-1, -1)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def signature_block(tr: Translator, signatories: Sequence[tuple[str, str]],
                    lead_in: Sequence[Flowable] = ()) -> Flowable:
    """Boxes for (role, name) to sign and date by hand, never split across two pages and
    never alone at the top of one: kept with `lead_in`, the text the signatories sign under."""
    width = CONTENT_WIDTH / max(1, len(signatories))
    cells = [[cell(role, "cell_bold", width) for role, _ in signatories],
             [cell(name, "cell", width) for _, name in signatories],
             [cell(tr("pdf.signature_date"), "small", width) for _ in signatories]]
    table = _Table(cells, colWidths=[width] * len(signatories), rowHeights=[None, None, 22 * mm])
    table.setStyle(TableStyle([
        *_text_style("cell_bold", (0, 0), (-1, 0)),
        *_text_style("cell", (0, 1), (-1, 1)),
        *_text_style("small", (0, 2), (-1, 2)),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return KeepTogether([*lead_in, table])


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def _fitted(text: str, font: str, size: float, room: float) -> str:
    """The text cut, with an ellipsis, to fit on one line of the given width."""
    if pdfmetrics.stringWidth(text, font, size) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip(" ,·—-") + "…"


def _numbered_canvas(header: str, stamp: DocumentStamp, tr: Translator):
    class NumberedCanvas(rl_canvas.Canvas):
        """Defers page output until the page count is known ("page X of Y")."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            add_pdfa_parts(self, issued_at=stamp.issued_at, language=stamp.language)
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - 13 * mm, width - MARGIN, height - 13 * mm)
            self.setFont(FONT_BOLD, 8)
            self.setFillColor(INK)
            room = width - 2 * MARGIN - pdfmetrics.stringWidth(stamp.number, FONT, 8) - 6 * mm
            self.drawString(MARGIN, height - 11 * mm, _fitted(printable(header), FONT_BOLD, 8, room))
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawRightString(width - MARGIN, height - 11 * mm, stamp.number)
            self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
            issued = paris_time(stamp.issued_at).strftime("%d/%m/%Y %H:%M")
            self.drawString(MARGIN, 10 * mm, tr("pdf.footer", number=stamp.number,
                                                 code=stamp.verification_code, issued=issued))
            self.drawRightString(width - MARGIN, 10 * mm,
                                 tr("pdf.page_of", page=self._pageNumber, total=total))
            self.restoreState()

    return NumberedCanvas


def build_pdf(
    story: list[Flowable],
    *,
    stamp: DocumentStamp,
    tr: Translator,
    title: str,
    subject: str,
    author: str,
    header: str,
    keywords: Sequence[str] = (),
) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
        subject=subject,
        creator=CREATOR,
        keywords=[stamp.number, stamp.verification_code, *keywords],
        lang=stamp.language,
        invariant=1,
        initialFontName=FONT,  # else each page names the base-14 Helvetica, which is not embedded
        keepTogetherClass=_KeepWithNext,
    )
    doc.build(story, canvasmaker=_numbered_canvas(header, stamp, tr))
    return make_pdfa(buffer.getvalue(), issued_at=stamp.issued_at, language=stamp.language)
