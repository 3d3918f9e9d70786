"""The archival form of every issued PDF (PDF/A-2b), the embedded Unicode font and its
stand-ins, and the checks the other PDF tests rely on (tests/pdfa_check.py, the orphan
and margin readers of tests/pdf_reading.py): each is shown to catch what it looks for.
Every real generator at maximum length: tests/test_documents_at_max_length.py."""

from datetime import UTC, datetime
from io import BytesIO

import pikepdf
import pytest
from PIL import Image, ImageCms
from pikepdf import Name
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from dashboard.i18n import Translator
from exports.pdf import base
from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para, printable,
                              signature_block)
from exports.pdf.pdfa import SRGB_PROFILE
from exports.stamp import DocumentStamp
from scripts.make_srgb_icc import profile
from tests.pdf_reading import body_runs, ink_in_the_margins, layout_problems, pdf_text
from tests.pdfa_check import parse_pdf_date, pdfa_problems

TR = Translator("fr")
ISSUED = datetime(2026, 12, 3, 9, 15, 42, tzinfo=UTC)
LABEL = "Date et signature :"


def _stamp(issued_at: datetime = ISSUED) -> DocumentStamp:
    return DocumentStamp("DOC-2026-0042", "ABCD-EFGH-JKLM", issued_at, "Zoé Lefèvre", "fr")


def _build(story_maker, issued_at: datetime = ISSUED) -> bytes:
    return build_pdf(story_maker(), stamp=_stamp(issued_at), tr=TR, title="Certificat → test", subject="Essai",
                     author="Zoé Lefèvre", header="Mutuelle Médicis", keywords=["DSR-2026-0001"])


def _sample():
    return [heading("Données effacées"), para("Ζωή Παπαδοπούλου → Дмитрий Иванов ≥ 2"),
            key_value_table([("Personne", "Dupont & <Fils>")]),
            signature_block(TR, [("Délégué", "Zoé Lefèvre")], lead_in=[para("Je certifie.")])]


@pytest.fixture(scope="module")
def sample() -> bytes:
    return _build(_sample)


def test_the_srgb_profile_is_the_project_own_and_converts_like_srgb():
    data = SRGB_PROFILE.read_bytes()
    assert data == profile()  # the file is what scripts/make_srgb_icc.py writes, byte for byte
    assert data[8] == 2 and data[12:20] == b"mntrRGB "  # ICC version 2, display, RGB
    ours = ImageCms.ImageCmsProfile(BytesIO(data))
    image = Image.new("RGB", (256, 2))
    for i in range(256):
        image.putpixel((i, 0), (i, 255 - i, i // 3))
        image.putpixel((i, 1), (i, i, i))
    converted = ImageCms.applyTransform(image, ImageCms.buildTransform(ours, ImageCms.createProfile("sRGB"),
                                                                      "RGB", "RGB"))
    worst = max(abs(a - b) for a, b in zip(image.tobytes(), converted.tobytes()))
    assert worst <= 1  # lcms's own sRGB agrees with ours


def test_a_built_document_is_pdfa_2b(sample):
    assert pdfa_problems(sample) == []
    with pikepdf.open(BytesIO(sample)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "Certificat → test" and meta["dc:creator"] == ["Zoé Lefèvre"]
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert fonts == {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"}  # embedded subsets, no Helvetica


def test_a_generator_with_its_own_styles_tables_and_drawings_inherits_the_embedded_font():
    """What another generator may do (its own ParagraphStyle, a plain Table, a drawing) stays PDF/A."""
    from reportlab.graphics.shapes import Drawing, String
    drawing = Drawing(100, 20)
    drawing.add(String(0, 5, "Légende → ≥"))
    content = _build(lambda: [Paragraph("Style maison", ParagraphStyle("maison")), Table([["cellule"]]), drawing])
    assert pdfa_problems(content) == []
    assert "Légende → ≥" in pdf_text(content)


def test_same_input_gives_the_same_bytes_dated_the_day_of_issue(sample):
    assert _build(_sample) == sample  # reproducible: the registry's SHA-256 can be recomputed
    info = PdfReader(BytesIO(sample)).metadata
    assert parse_pdf_date(info["/CreationDate"]) == ISSUED == parse_pdf_date(info["/ModDate"])
    later = _build(_sample, datetime(2027, 1, 2, 8, 0, tzinfo=UTC))
    assert parse_pdf_date(PdfReader(BytesIO(later)).metadata["/CreationDate"]).year == 2027
    with pikepdf.open(BytesIO(sample)) as one, pikepdf.open(BytesIO(later)) as two:
        assert bytes(one.trailer.ID[0]) != bytes(two.trailer.ID[0])  # the ID follows the content


def test_other_scripts_and_signs_print_and_read_back(sample):
    text = pdf_text(sample)
    assert "Ζωή Παπαδοπούλου → Дмитрий Иванов ≥ 2" in text
    assert "Dupont & <Fils>" in text


def test_characters_the_font_lacks_get_readable_stand_ins():
    assert printable("Zoé → ≥ Ζωή Дмитрий ☺ ✓") == "Zoé → ≥ Ζωή Дмитрий ☺ ✓"  # all in DejaVu Sans
    assert printable("Merci 🎉👍🏽!") == "Merci [party popper][thumbs up sign]!"  # skin tone left out
    assert printable("张伟, 한국") == "[U+5F20 U+4F1F], [U+D55C U+AD6D]"
    assert printable("a\x00b\x07c") == "abc"
    content = _build(lambda: [para("Famille 👨‍👩‍👧 : 张伟 😀")])
    assert "Famille [man][woman][girl] : [U+5F20 U+4F1F] [grinning face]" in pdf_text(content)
    assert pdfa_problems(content) == []


def test_long_words_and_urls_wrap_inside_their_column(tmp_path):
    url = "https://www.cnil.fr/fr/" + "reglement-europeen/" * 20 + "article-15"
    word = "Anticonstitutionnellement" * 12
    content = _build(lambda: [para(url), para(word), key_value_table([("Lien", url), ("Mot", word)]),
                              grid_table(["A", "B", "C", "D"], [(url, word, url, "x")])])
    assert ink_in_the_margins(content, tmp_path) == []
    assert "article-15" in pdf_text(content).replace(" ", "")


def test_the_margin_reader_sees_an_overflow(tmp_path):
    too_wide = Table([["x" * 200]], colWidths=[CONTENT_WIDTH])  # a plain string cell does not wrap
    assert ink_in_the_margins(_build(lambda: [too_wide]), tmp_path)


def _filler(lines: int) -> list:
    return [para(f"Ligne {i} de remplissage") for i in range(lines)]


@pytest.mark.parametrize("lines", [46, 47, 48, 49, 50])
def test_a_heading_never_ends_a_page(lines):
    """Whatever the filler's length, the heading goes with its paragraph."""
    content = _build(lambda: [*_filler(lines), heading("Mesures prises"), para("Texte de la section " * 30)])
    assert layout_problems(content, LABEL) == []


def test_a_heading_before_a_table_with_a_tall_first_row_never_ends_a_page():
    """A table row cannot split: the heading follows the table to the next page when the row
    does not fit under it, whatever the room left."""
    tall = "Conséquences probables pour les personnes concernées, détaillées. " * 40
    problems = []
    for lines in range(24, 40):  # the heading lands a line lower each time, through the tipping point
        content = _build(lambda: [*_filler(lines), key_value_table([("Nombre", "870")]),
                                  heading("5. Conséquences probables"),
                                  key_value_table([("Conséquences probables pour les personnes", tall),
                                                   ("Suite", "x")])])
        problems += layout_problems(content, LABEL)
    assert problems == []


@pytest.mark.parametrize("lines", [20, 45])
def test_a_heading_before_a_long_paragraph_stays_on_a_page_it_does_not_leave_blank(lines):
    """The heading moves to the next page only when not one line of what follows fits under it."""
    content = _build(lambda: [*_filler(lines), heading("Ce qui s'est passé"), para("Texte long du récit " * 500)])
    first = body_runs(content)[0]
    assert layout_problems(content, LABEL) == []
    if lines == 20:
        at = next(i for i, run in enumerate(first) if run.text == "Ce qui s'est passé")
        assert len(first) - at > 20  # the story starts under its heading, the page is filled


@pytest.mark.parametrize("lines", [40, 42, 44, 46, 48])
def test_a_signature_block_stays_whole_with_its_lead_in(lines):
    content = _build(lambda: [*_filler(lines), signature_block(TR, [("Délégué", "Zoé"), ("Direction", "Hugo")],
                                                                   lead_in=[para("Je certifie l'effacement.")])])
    assert layout_problems(content, LABEL) == []
    pages = [page.extract_text() for page in PdfReader(BytesIO(content)).pages]
    holder = next(text for text in pages if LABEL in text)
    assert "Je certifie l'effacement." in holder and "Délégué" in holder


def test_the_layout_reader_sees_an_orphan_heading_and_a_lone_signature():
    """Without keepWithNext and KeepTogether (reportlab's defaults), the reader reports both."""
    loose = ParagraphStyle("loose", base.STYLES["h2"], keepWithNext=0)
    found = set()
    for lines in range(44, 52):
        content = _build(lambda: [*_filler(lines), Paragraph("Mesures prises", loose), para("Suite " * 40)])
        found |= {p.split(":")[1].strip() for p in layout_problems(content, LABEL)}
        bare = signature_block(TR, [("Délégué", "Zoé")])._content[0]  # the table alone, splittable
        content = _build(lambda: [*_filler(lines), para("Je certifie."), Spacer(1, 3), bare])
        found |= {p.split(":")[1].strip() for p in layout_problems(content, LABEL)}
    assert found == {"heading alone at the bottom", "the signature block opens the page, cut from the text it signs"}


def _mutated(content: bytes, change) -> bytes:
    with pikepdf.open(BytesIO(content)) as pdf:
        change(pdf)
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()


def _set_meta(key, value):
    def change(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta[key] = value
    return change


def _javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def _transparency_group(pdf):
    pdf.pages[0].obj.Group = pikepdf.Dictionary(S=Name.Transparency)


def _cmyk(pdf):
    page = pdf.pages[0]
    page.contents_add(pdf.make_stream(b"0 0 0 1 k 10 10 5 5 re f"))


@pytest.mark.parametrize(("change", "expected"), [
    (lambda pdf: pdf.docinfo.__setitem__(Name.Title, "Autre titre"), "Info /Title"),
    (lambda pdf: pdf.docinfo.__setitem__(Name.CreationDate, "D:20000101000000+00'00'"), "Info /CreationDate"),
    (_set_meta("pdfaid:part", "1"), "pdfaid:part"),
    (lambda pdf: pdf.Root.__delitem__(Name.Metadata), "no XMP"),
    (lambda pdf: pdf.Root.__delitem__(Name.OutputIntents), "no GTS_PDFA1 output intent"),
    (_javascript, "forbidden action /JavaScript"),
    (_transparency_group, "transparency group without a blending colour space"),
    (_cmyk, "DeviceCMYK"),
])
def test_the_checker_catches_each_breach(sample, change, expected):
    problems = pdfa_problems(_mutated(sample, change))
    assert any(expected in problem for problem in problems), problems


def test_the_checker_refuses_plain_reportlab_and_encryption(sample):
    buffer = BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph("Bonjour")])  # Helvetica, no XMP, no output intent
    problems = pdfa_problems(buffer.getvalue())
    assert any("Helvetica is not embedded" in p for p in problems)
    assert any("no XMP" in p for p in problems) and any("output intent" in p for p in problems)
    with pikepdf.open(BytesIO(sample)) as pdf:
        out = BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=4))
    assert "the file is encrypted" in pdfa_problems(out.getvalue())
