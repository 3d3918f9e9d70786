"""The speed-ups of the PDF builder change nothing of what is drawn (exports/pdf/speed.py, the
paragraph of exports/pdf/base.py, the PDF/A parts written by reportlab in exports/pdf/pdfa.py)."""

from io import BytesIO

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib import rl_accel
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from exports.pdf import base, pdfa
from exports.pdf.base import CONTENT_WIDTH, STYLES, markup, para
from tests.pdfa_check import pdfa_problems


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False) | st.integers(-10**6, 10**6),
                min_size=1, max_size=6))
def test_the_memoised_number_formatting_writes_what_reportlab_writes(numbers):
    from reportlab.pdfgen import canvas
    assert canvas.fp_str(*numbers) == rl_accel._py_fp_str(*numbers)
    assert canvas.fp_str(*numbers) == rl_accel._py_fp_str(*numbers)  # from the table, the second time
    assert canvas.fp_str(list(numbers)) == rl_accel._py_fp_str(list(numbers))  # a list: not memoised


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from([base.FONT, base.FONT_BOLD]), st.sampled_from([8, 8.5, 9.5, 16]))
def test_the_memoised_word_width_is_reportlab_s(text, font, size):
    face = pdfmetrics.getFont(font)
    expected = rl_accel._py_instanceStringWidthTTF(face, text, size)
    assert face.stringWidth(text, size) == pytest.approx(expected, abs=1e-9)
    assert pdfmetrics.stringWidth(text, font, size) == pytest.approx(expected, abs=1e-9)


def test_a_font_subset_is_built_once_and_is_the_one_reportlab_builds():
    face = pdfmetrics.getFont(base.FONT).face
    subset = [0, *map(ord, "Zoé → ≥ Дмитрий")]
    first = face.makeSubset(subset)
    assert face.makeSubset(list(subset)) is first
    type(face).makeSubset.table.clear()
    assert face.makeSubset(subset) == first  # rebuilt from the font program: the same bytes


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.sampled_from(["body", "cell", "cell_bold", "small", "h2"]),
       st.sampled_from([80.0, 150.5, CONTENT_WIDTH]))
def test_a_paragraph_parsed_once_and_measured_once_breaks_like_reportlab_s(value, style, width):
    plain = Paragraph(base.text(value), STYLES[style])
    ours, again = para(value, style), para(value, style)  # the second one shares the first one's parse
    expected = plain.wrap(width, 10_000)
    assert ours.wrap(width, 10_000) == expected
    assert ours.wrap(width, 10_000) == expected  # remembered
    assert again.wrap(width, 10_000) == expected
    assert ours.wrap(width / 2, 10_000) == plain.wrap(width / 2, 10_000)  # another width: measured anew
    assert _lines(ours) == _lines(plain)


def _lines(paragraph) -> list:
    """What each line of a measured paragraph draws: its words, or its fragments' text and font."""
    shape = []
    for line in paragraph.blPara.lines:
        if isinstance(line, tuple):
            shape.append(line)
        else:
            shape.append([(getattr(f, "text", ""), f.fontName, f.fontSize, getattr(f, "lineBreak", False))
                          for f in line.words])
    return shape


def test_a_split_paragraph_keeps_its_text(tmp_path):
    long = para(" ".join(f"mot{i}" for i in range(2000)))
    long.wrap(CONTENT_WIDTH, 200)
    pieces = long.split(CONTENT_WIDTH, 200)
    assert len(pieces) == 2
    words = []
    for piece in pieces:
        piece.wrap(CONTENT_WIDTH, 10_000)
        for line in piece.blPara.lines:
            words += line[1] if isinstance(line, tuple) else [w.text for w in line.words]
    assert " ".join(words).split() == [f"mot{i}" for i in range(2000)]


def test_markup_with_the_same_text_in_another_style_is_parsed_for_that_style():
    bold, plain = markup("<b>Titre</b> suite", "cell"), markup("<b>Titre</b> suite", "small")
    assert bold.style is STYLES["cell"] and plain.style is STYLES["small"]
    assert bold.frags[0].fontSize != plain.frags[0].fontSize


def test_the_file_identifier_is_the_digest_of_the_file_and_a_foreign_pdf_is_refused(tmp_path):
    from tests.evidence.conftest import certificate_builder
    from exports.stamp import DocumentStamp
    from datetime import UTC, datetime
    build = certificate_builder()
    one = build(DocumentStamp("DOC-2026-0001", "AAAA-BBBB-CCCC", datetime(2026, 12, 3, 9, tzinfo=UTC), "Z", "fr"))
    two = build(DocumentStamp("DOC-2026-0002", "AAAA-BBBB-CCCC", datetime(2026, 12, 3, 9, tzinfo=UTC), "Z", "fr"))
    assert pdfa_problems(one) == [] and pdfa_problems(two) == []
    assert pdfa._ID_PLACEHOLDER not in one
    with pikepdf.open(BytesIO(one)) as first, pikepdf.open(BytesIO(two)) as second:
        assert bytes(first.trailer.ID[0]) != bytes(second.trailer.ID[0])
        assert str(first.docinfo.CreationDate) == "D:20261203090000+00'00'"
        assert "/Trapped" not in first.docinfo
    with pytest.raises(ValueError):
        pdfa.make_pdfa(b"%PDF-1.4 not ours", issued_at=datetime(2026, 12, 3, tzinfo=UTC), language="fr")


def test_long_free_texts_are_not_kept_in_the_tables():
    """A 20 000-character text (the longest an input allows) is drawn but never kept: the tables
    hold labels and words, not what a hostile input could fill memory with."""
    long_text = "Ж" * 20_000
    paragraph = para(long_text)
    paragraph.wrap(CONTENT_WIDTH, 10_000)
    assert not any(len(key[0]) > 300 for key in base._PARSED)
    face = pdfmetrics.getFont(base.FONT)
    face.stringWidth(long_text, 9)
    assert not any(len(key[1]) > 100 for key in type(face).stringWidth.table)
    assert base.printable("x" * 400) == "x" * 400
    assert base._printable_short.cache_info().currsize <= 4096


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=12))
def test_subset_codes_by_table_are_reportlab_s(lines):
    """Each document's lines mapped to their font-subset codes with the remembered table give
    what reportlab's own splitString gives for the same lines in the same order."""
    from reportlab.pdfbase.pdfdoc import PDFDocument
    font = pdfmetrics.getFont(base.FONT)
    original = type(font).splitString.original
    ours, theirs = PDFDocument(), PDFDocument()
    for line in lines * 2:  # the second time round, from the table
        assert font.splitString(line, ours) == original(font, line, theirs)
    assert font.state[ours].assignments == font.state[theirs].assignments


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_the_pdf_escape_by_table_is_reportlab_s(raw):
    from reportlab.pdfgen import canvas
    assert canvas.escapePDF(raw) == rl_accel._py_escapePDF(raw)
    assert rl_accel.escapePDF("(a\\b) é") == rl_accel._py_escapePDF("(a\\b) é")  # text: reportlab's own


def test_a_frame_copies_like_deepcopy():
    import copy
    from reportlab.platypus.frames import Frame
    frame = Frame(10, 20, 300, 400, id="f", showBoundary=0)
    frame._frameBGs = [("bg", [1, 2])]
    ours = copy.deepcopy(frame)
    del Frame.__deepcopy__
    try:
        theirs = copy.deepcopy(frame)
    finally:
        from exports.pdf.speed import _frame_deepcopy
        Frame.__deepcopy__ = _frame_deepcopy
    assert type(ours) is type(theirs) and ours.__dict__ == theirs.__dict__
    assert ours._frameBGs is not frame._frameBGs and ours._frameBGs[0][1] is not frame._frameBGs[0][1]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6, allow_nan=False), min_size=8, max_size=40),
       st.booleans())
def test_a_remembered_number_array_is_formatted_as_reportlab_formats_it(numbers, multiline):
    from reportlab.pdfbase import pdfdoc
    ours = pdfdoc.PDFArray(numbers)
    ours.multiline = multiline
    original = pdfdoc.PDFArray.format.__closure__
    expected = next(c.cell_contents for c in original if callable(c.cell_contents))(ours, None)
    assert ours.format(None) == expected
    assert ours.format(None) == expected  # remembered
    assert pdfdoc.PDFArray([float(n) for n in numbers]).format(None) == pdfdoc.PDFArray(
        [float(n) for n in numbers]).format(None)
    assert len(pdfdoc.PDFArray.format.table) <= 256


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=300), st.text(max_size=60)), min_size=1, max_size=30),
       st.lists(st.floats(20, 900), min_size=1, max_size=6))
def test_a_table_measured_from_remembered_rows_is_measured_like_reportlab_s(rows, rooms):
    """A table placed several times (any room, in any order) gets the row heights, row positions,
    height and last row reportlab computes for each room, and splits at the same rows."""
    from reportlab.platypus import Table
    from reportlab.platypus.tables import TableStyle

    def make(cls):
        table = cls([[para(a, "cell_bold"), para(b, "cell")] for a, b in rows], colWidths=[150, CONTENT_WIDTH - 150])
        table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 3)]))
        return table
    ours, theirs = make(base._Table), make(Table)
    for room in [*rooms, 10_000, *rooms]:
        assert ours.wrap(CONTENT_WIDTH, room) == theirs.wrap(CONTENT_WIDTH, room)
        assert (ours._rowHeights, ours._rowpositions, ours._height, ours._hmax) == (
            theirs._rowHeights, theirs._rowpositions, theirs._height, theirs._hmax)
        our_pieces, their_pieces = ours.split(CONTENT_WIDTH, room), theirs.split(CONTENT_WIDTH, room)
        assert [len(p._cellvalues) for p in our_pieces] == [len(p._cellvalues) for p in their_pieces]
        assert all(type(p) is base._Table for p in our_pieces)
