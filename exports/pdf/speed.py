"""What makes reportlab quicker for DPO Desk's documents, without changing what it draws.

reportlab 5 keeps its C accelerator in a separate package (rl_accel, not installed here):
without it, the number formatting of every drawing operator (`fp_str`) and the width of every
word (`instanceStringWidthTTF`) run in plain Python, and they are a fifth of a certificate's
time. Both are pure functions of their arguments, and a document repeats the same few hundred
numbers and words (coordinates, paddings, colours; labels), so each is memoised here, in a
bounded table (emptied when full; words longer than 100 characters are not kept). The results are the
ones reportlab computes, so the bytes of a document are unchanged.

A font subset (the glyphs a document draws from one face, in the order it first drew them) is
built once per process: documents of one kind draw the same letters, and subsetting reads the
whole font program each time (a tenth of a certificate); so is its compressed form. At most 256
subsets are kept (some 20 MB at worst; a certificate's are 20-60 KB each). So is each subset's
ToUnicode map (the text that maps its codes back to characters, for copying and searching) and
its compressed form: a pure function of the subset's name and characters (at most 256 kept, a
few KB each).

Drawing a line of text in the embedded font: reportlab maps each character to its code in the
document's font subset (`TTFont.splitString`) and escapes the bytes for the page (`escapePDF`),
both one character at a time in Python. A document's assignments never change once made (a
character keeps its code in that document), so each document's font state gets a translation
table of the characters it has already assigned in its first subset, and a line made only of
those is mapped by `str.translate`; any other line goes through reportlab's own code, which
assigns the new codes, and the table learns them. The table has at most 256 entries (the first
subset's codes) and lives in the document's font state, which reportlab drops with the document.
The escape of bytes goes through a 256-entry translation table (reportlab's own escapes).
Same codes, same bytes.

A frame is deep-copied each time platypus measures a group of flowables kept together
(`_listWrapOn`); `copy.deepcopy` walks its two dozen numbers one by one. `Frame.__deepcopy__`
makes the same copy (a new frame whose attributes are the same numbers and strings, and deep
copies of anything else).

A long array of numbers (the glyph widths of each font subset, a few hundred numbers per
document, each formatted by its own calls) is formatted once per process: the bytes of an
array depend on its numbers (and their types), its layout flag and reportlab's `pdfMultiLine`
setting, all in the key; at most 256 arrays are kept.

`rl_config.useA85 = 0`: streams are compressed (Flate) without the extra ASCII85 text
encoding, which made every page and font program a quarter larger and took time to write;
PDF/A allows either.

`install()` runs once, when exports/pdf/base.py is imported. benchmarks/pdf_cost.py measures
the effect (`--plain` leaves it out).
"""

import zlib
from copy import deepcopy

from reportlab import rl_config
from reportlab.lib import rl_accel
from reportlab.pdfbase import pdfdoc

_LIMIT = 50_000  # entries per table; a certificate uses a few hundred
_LONGEST = 100  # characters of a text whose width is kept
_installed = False


def _memo_fp_str(original):
    table: dict = {}

    def fp_str(*args):
        try:
            return table[args]
        except KeyError:
            pass
        except TypeError:  # a list argument: not hashable
            return original(*args)
        if len(table) >= _LIMIT:
            table.clear()
        value = table[args] = original(*args)
        return value
    fp_str.table = table
    return fp_str


def _memo_ttf_width():
    widths: dict = {}

    def string_width(self, text, size, encoding="utf8"):
        if not isinstance(text, str):
            text = text.decode(encoding or "utf8")
        key = (self.fontName, text)
        units = widths.get(key)
        if units is None:
            get = self.face.charWidths.get
            default = self.face.defaultWidth
            units = sum([get(ord(char), default) for char in text])
            if len(text) <= _LONGEST:  # a word; a long run without spaces is not kept
                if len(widths) >= _LIMIT:
                    widths.clear()
                widths[key] = units
        return 0.001 * size * units
    string_width.table = widths
    return string_width


def _memo_last_256(original, key):
    """`original` kept for its last 256 distinct `key(*args)`: a font's subset program and its
    ToUnicode map depend only on the font and the subset, and every document rebuilds them."""
    kept: dict = {}

    def memoised(*args):
        k = key(*args)
        value = kept.get(k)
        if value is None:
            if len(kept) >= 256:
                kept.clear()
            value = kept[k] = original(*args)
        return value
    memoised.table = kept
    memoised.original = original
    return memoised


def _memo_subset(original):
    return _memo_last_256(original, lambda face, subset: (face.filename, tuple(subset)))


def _memo_to_unicode(original):
    return _memo_last_256(original, lambda fontname, subset: (fontname, tuple(subset)))


class _FontProgramCompress:
    """reportlab's Flate filter (PDFStreamFilterZCompress) for a font program or a ToUnicode
    map, remembering what it compressed."""
    pdfname = "FlateDecode"

    def __init__(self):
        self.table: dict = {}

    def encode(self, program: bytes | str) -> bytes:
        packed = self.table.get(program)  # the memoised subset or map: the same object, its hash kept
        if packed is None:
            if len(self.table) >= 256:
                self.table.clear()
            packed = self.table[program] = zlib.compress(program.encode("utf8") if isinstance(program, str)
                                                         else program)
        return packed


def _compress_font_programs(original, compress):
    def add_subset_objects(self, doc, fontname, subset):
        reference = original(self, doc, fontname, subset)
        # TTFont.addObjects registers the subset's ToUnicode map just before its font program.
        for key in (f"fontFile:{self.filename}({fontname})", f"toUnicodeCMap:{fontname}"):
            stream = doc.idToObject.get(key)
            if stream is not None and stream.filters and stream.filters[-1] is pdfdoc.PDFZCompress:
                stream.filters = [*stream.filters[:-1], compress]
        return reference
    return add_subset_objects


def _fast_split_string(original):
    """TTFont.splitString, with a per-document table of what is already assigned (see above)."""

    def split_string(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc) if isinstance(text, str) and text else None
        if state is not None:
            known = state.__dict__.get("_dpo_known")
            if known is not None and known[0].issuperset(text):
                return [(0, text.translate(known[1]).encode("latin-1"))]
        result = original(self, text, doc, encoding)
        if isinstance(text, str) and text:
            state = self.state[doc]
            known = state.__dict__.get("_dpo_known")
            if known is None:
                known = state._dpo_known = (set(), {})
            assignments = state.assignments
            for char in set(text) - known[0]:
                code = ord(char)
                n = assignments.get(32 if code == 0xA0 else code)  # reportlab prints a no-break space as a space
                if n is not None and n < 256:  # the first subset; a character it lacks is left to reportlab
                    known[0].add(char)
                    known[1][code] = chr(n)
        return result
    split_string.original = original
    return split_string


def _fast_escape(original, escapes: dict):
    """rl_accel's escapePDF: bytes (what the canvas escapes) through a 256-entry table."""
    table = {code: escapes[code] for code in range(256)}

    def escape_pdf(value):
        if isinstance(value, bytes):
            return value.decode("latin-1").translate(table)
        return original(value)
    escape_pdf.original = original
    return escape_pdf


_ATOMIC = frozenset((int, float, str, bool, type(None), bytes))


def _frame_deepcopy(self, memo):
    """What copy.deepcopy makes of a Frame (reportlab defines no copy hooks for it): a new
    instance, its attributes deep-copied (numbers, strings and None are their own copies)."""
    copy = self.__class__.__new__(self.__class__)
    memo[id(self)] = copy
    copy.__dict__.update({key: value if type(value) in _ATOMIC else deepcopy(value, memo)
                          for key, value in self.__dict__.items()})
    return copy


def _memo_number_array(original):
    table: dict = {}

    def format(self, document, IND=b"\n "):
        sequence = self.sequence
        if len(sequence) < 8:
            return original(self, document, IND)
        types = tuple(map(type, sequence))
        if not set(types) <= _NUMBERS:
            return original(self, document, IND)
        key = (tuple(sequence), types, self.multiline, IND, rl_config.pdfMultiLine)
        value = table.get(key)
        if value is None:
            if len(table) >= 256:
                table.clear()
            value = table[key] = original(self, document, IND)
        return value
    format.table = table
    return format


_NUMBERS = frozenset((int, float))


def install() -> None:
    """Idempotent; does nothing where the C accelerator is installed."""
    global _installed
    if _installed:
        return
    _installed = True
    rl_config.useA85 = 0
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.ttfonts import TTFontFace
    TTFontFace.makeSubset = _memo_subset(TTFontFace.makeSubset)
    ttfonts.makeToUnicodeCMap = _memo_to_unicode(ttfonts.makeToUnicodeCMap)
    TTFontFace.addSubsetObjects = _compress_font_programs(TTFontFace.addSubsetObjects, _FontProgramCompress())
    pdfdoc.PDFArray.format = _memo_number_array(pdfdoc.PDFArray.format)
    from reportlab.platypus.frames import Frame
    if "__deepcopy__" not in vars(Frame) and "__reduce_ex__" not in vars(Frame) and "__getstate__" not in vars(Frame):
        Frame.__deepcopy__ = _frame_deepcopy
    from reportlab.pdfbase.ttfonts import TTFont as _TTFont
    _TTFont.splitString = _fast_split_string(_TTFont.splitString)
    if rl_accel.escapePDF is getattr(rl_accel, "_py_escapePDF", None):
        import reportlab.pdfbase.pdfdoc
        import reportlab.pdfgen.canvas

        fast_escape = _fast_escape(rl_accel.escapePDF, rl_accel._ESCAPEDICT)
        for module in (rl_accel, reportlab.pdfgen.canvas, reportlab.pdfbase.pdfdoc):
            module.escapePDF = fast_escape
    if rl_accel.fp_str is getattr(rl_accel, "_py_fp_str", None):
        import reportlab.graphics.shapes
        import reportlab.lib.colors
        import reportlab.pdfbase.pdfdoc
        import reportlab.pdfbase.ttfonts
        import reportlab.pdfgen.canvas
        import reportlab.pdfgen.pathobject
        import reportlab.pdfgen.textobject
        import reportlab.platypus.flowables
        import reportlab.platypus.tables

        fast = _memo_fp_str(rl_accel.fp_str)
        for module in (rl_accel, reportlab.graphics.shapes, reportlab.lib.colors, reportlab.pdfbase.pdfdoc,
                       reportlab.pdfbase.ttfonts, reportlab.pdfgen.canvas, reportlab.pdfgen.pathobject,
                       reportlab.pdfgen.textobject, reportlab.platypus.flowables, reportlab.platypus.tables):
            if getattr(module, "fp_str", None) is not None:
                module.fp_str = fast
    if rl_accel.instanceStringWidthTTF is getattr(rl_accel, "_py_instanceStringWidthTTF", None):
        from reportlab.pdfbase.ttfonts import TTFont
        TTFont.stringWidth = _memo_ttf_width()
