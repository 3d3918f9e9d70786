"""The speed-ups of the PDF builder change nothing of what is drawn (exports/pdf/speed.py, the
paragraph, the table and the table cells drawn as strings of exports/pdf/base.py, the PDF/A
parts written by reportlab in exports/pdf/pdfa.py)."""

from datetime import UTC, datetime
from io import BytesIO

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib import rl_accel
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from exports.pdf import base, pdfa, speed
from exports.pdf.base import CONTENT_WIDTH, STYLES, markup, para
from exports.stamp import DocumentStamp
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


# Lines that share letters (the usual case), with no-break spaces and characters the font lacks
# (the test after this one goes past the 256 codes of a first subset).
_LINE = st.text(alphabet=st.sampled_from("aé zàç→≥Д\xa0") | st.characters(blacklist_categories=("Cs",)),
                max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=30))
def test_subset_codes_by_table_are_reportlab_s(lines):
    """Each document's lines mapped to their font-subset codes with the remembered table give
    what reportlab's own splitString gives for the same lines in the same order, and leave the
    document's subsets as reportlab leaves them."""
    _codes_are_reportlab_s(lines)


def test_subset_codes_past_the_first_subset_are_reportlab_s():
    """600 characters the font draws: past the 256 codes of the first subset, lines mix codes
    of both subsets and are reportlab's own, as are lines mixing known and new characters."""
    covered = [chr(c) for c in sorted(base._COVERED) if c > 0x20][:600]
    lines = ["".join(covered[i:i + 40]) + " é" for i in range(0, 600, 40)]
    lines += [first[:20] + later[20:] for first, later in zip(lines, lines[3:])]
    assert _codes_are_reportlab_s(lines).nextCode > 512


def _codes_are_reportlab_s(lines):
    from reportlab.pdfbase.pdfdoc import PDFDocument
    font = pdfmetrics.getFont(base.FONT)
    original = type(font).splitString.original
    ours, theirs = PDFDocument(), PDFDocument()
    for line in lines * 2:  # the second time round, from the table
        assert font.splitString(line, ours) == original(font, line, theirs)
    mine, reference = font.state[ours], font.state[theirs]
    assert (mine.assignments, mine.subsets, mine.nextCode) == (reference.assignments, reference.subsets,
                                                              reference.nextCode)
    return mine


def test_a_to_unicode_map_is_made_and_compressed_once_as_reportlab_makes_it():
    """A subset's ToUnicode map (how copied text gets its characters back) is reportlab's own
    text, made once, and its stream is that text compressed as reportlab's Flate filter does."""
    import zlib
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.pdfdoc import PDFZCompress
    subset = [0, *map(ord, "Zoé → ≥ Дмитрий")]
    first = ttfonts.makeToUnicodeCMap("AAAAAA+DPOSans", subset)
    assert first == ttfonts.makeToUnicodeCMap.original("AAAAAA+DPOSans", list(subset))
    assert ttfonts.makeToUnicodeCMap("AAAAAA+DPOSans", list(subset)) is first
    assert ttfonts.makeToUnicodeCMap("AAAAAB+DPOSans", subset) != first  # another subset's name
    compress = speed._FontProgramCompress()
    assert compress.encode(first) == PDFZCompress.encode(first) == zlib.compress(first.encode("utf8"))
    assert compress.encode(first) is compress.encode(first)
    from tests.evidence.conftest import certificate_builder
    build = certificate_builder()
    content = build(DocumentStamp("DOC-2026-0001", "AAAA-BBBB-CCCC", datetime(2026, 12, 3, 9, tzinfo=UTC), "Z", "fr"))
    with pikepdf.open(BytesIO(content)) as pdf:
        maps = [font.ToUnicode.read_bytes().decode() for page in pdf.pages for font in page.Resources.Font.values()]
    assert maps and all("beginbfchar" in m for m in maps)


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


# --- Table cells drawn as plain strings (exports/pdf/base.py `cell`) ------------------------

_WORDS = ["Zoé", "Дмитрий", "Ζωή", "→", "≥", "—", "&", "<b>gras</b>", "DSR-2026-0042", "20 octobre 2026", "W" * 30,
          "m" * 12, "שלום", "مرحبا", "🎉", "张伟", "sou\u00adple", "zéro\u200blargeur", "a\xa0b", "  ", "\t", "\n", ""]
_CELL_TEXT = st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=10).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_CELL_TEXT, st.sampled_from(["cell", "cell_bold", "small"]), st.floats(30, CONTENT_WIDTH))
def test_a_cell_left_as_a_string_is_the_one_line_its_paragraph_draws(value, style, width):
    """A cell becomes a plain string only when reportlab's paragraph of the same text, in the
    column's room, is one line of exactly that text; anything else is that paragraph."""
    ours = base.cell(value, style, width)
    theirs = Paragraph(base.text(value), STYLES[style])
    theirs.wrap(width - 12, 10_000)
    if isinstance(ours, str):
        assert ours == base.printable(value)
        assert len(theirs.blPara.lines) == 1 and _line_text(theirs.blPara.lines[0]) == ours
        assert theirs.height == STYLES[style].leading
    else:
        assert isinstance(ours, Paragraph) and ours.text == theirs.text and ours.style is theirs.style


def _line_text(line) -> str:
    """The text of one line of a measured paragraph: its words (one style), or its fragments
    (markup, or text the parser cut at an entity such as &amp;)."""
    return " ".join(line[1]) if isinstance(line, tuple) else "".join(f.text for f in line.words)


def test_ordinary_labels_and_values_are_drawn_as_strings():
    assert base.cell("Référence de la demande", "cell_bold", 55 * mm) == "Référence de la demande"
    assert base.cell("Dupont & <Fils> → Дмитрий", "cell", 100 * mm) == "Dupont & <Fils> → Дмитрий"
    for kept in ("Gestion des adhérents (Ζωή)", "a  b", " a", "a\nb", "sou\u00adple", "שלום", ""):
        assert isinstance(base.cell(kept, "cell", 36 * mm), Paragraph), kept


def _tables(rows, names):
    """The three kinds of table of exports/pdf/base.py, built from the same texts."""
    return [base.key_value_table(rows), base.key_value_table(rows, label_width=30 * mm),
            base.grid_table(["Système", "Catégorie de données", "Date"], [[a, b, "20 octobre 2026"] for a, b in rows],
                            widths=[36 * mm, 48 * mm, CONTENT_WIDTH - 84 * mm]),
            base.signature_block(lambda key, **kwargs: "Date et signature :", names)._content[-1]]


def _as_paragraphs(monkeypatch):
    """reportlab's own way: every cell a paragraph, as before the shortcut."""
    monkeypatch.setattr(base, "cell", lambda value, style, width: para(value, style))


def _drawn(flowables) -> tuple[bytes, list[float]]:
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.lib.pagesizes import A4
    buffer = BytesIO()
    heights = [f.wrap(CONTENT_WIDTH, 10_000)[1] for f in flowables]
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=base.MARGIN, rightMargin=base.MARGIN, invariant=1,
                      initialFontName=base.FONT).build(flowables)
    return buffer.getvalue(), heights


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT), min_size=1, max_size=6),
       st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT), min_size=1, max_size=3))
def test_tables_with_string_cells_are_laid_out_and_drawn_as_with_paragraphs(rows, names):
    """Row heights, table heights, and every run of text drawn (its text, position, size and
    weight) are those of the same tables whose cells are all reportlab paragraphs."""
    from tests.pdf_reading import read_pdf
    ours, our_heights = _drawn(_tables(rows, names))
    with pytest.MonkeyPatch.context() as patch:
        _as_paragraphs(patch)
        theirs, their_heights = _drawn(_tables(rows, names))
    assert our_heights == their_heights
    (our_text, our_pages), (their_text, their_pages) = read_pdf(ours), read_pdf(theirs)
    assert our_text == their_text
    assert _placed(our_pages) == _placed(their_pages)


def _placed(pages) -> list:
    """Each run's text, weight and size, and its position to a hundredth of a point (the two
    ways write the same coordinates as one sum or as two terms, rounded apart)."""
    return [[(r.text, r.bold, r.size, round(r.x, 2), round(r.y, 2)) for r in runs] for runs in pages]


SAMPLE_ROWS = [("Raison sociale", "Mutuelle Médicis (mutuelle régie par le livre II du code de la mutualité)"),
               ("Adresse", "12 rue de la Santé, 75013 Paris"), ("Délégué(e) à la protection des données", "Zoé — z@x.fr"),
               ("Dupont & <Fils>", "Дмитрий Иванов → ≥ 🎉 张伟"), ("Hébreu", "שלום עולם"), ("Espaces", "deux  espaces"),
               ("Vide", ""), ("Long", "Texte très long é à ç & <balise> pour éprouver la mise en page ; " * 4)]


def test_tables_with_string_cells_render_pixel_identical_to_paragraph_tables(tmp_path, monkeypatch):
    """What a reader sees, colours included: the pages of the shortcut's tables and of
    reportlab's paragraph tables render to the same pixels (pdftoppm, 100 dpi)."""
    import shutil
    import subprocess
    from PIL import Image, ImageChops
    from tests.conftest import service_missing
    if shutil.which("pdftoppm") is None:
        service_missing("pdftoppm not installed (Debian: apt-get install poppler-utils)")
    names = [("Effacement réalisé par", "Service adhésions"), ("Vérifié par", ""), ("Visa du DPO", "Zoé Lefèvre")]
    ours, _ = _drawn(_tables(SAMPLE_ROWS, names))
    _as_paragraphs(monkeypatch)
    theirs, _ = _drawn(_tables(SAMPLE_ROWS, names))
    assert ours != theirs  # the shortcut was taken
    pages = {}
    for name, content in (("ours", ours), ("theirs", theirs)):
        (tmp_path / f"{name}.pdf").write_bytes(content)
        subprocess.run(["pdftoppm", "-png", "-r", "100", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True, capture_output=True, timeout=120)
        pages[name] = sorted(tmp_path.glob(f"{name}-*.png"))
    assert len(pages["ours"]) == len(pages["theirs"]) >= 1
    for mine, reference in zip(pages["ours"], pages["theirs"]):
        assert ImageChops.difference(Image.open(mine).convert("RGB"), Image.open(reference).convert("RGB")).getbbox() \
            is None, mine.name
