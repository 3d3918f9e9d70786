"""Turns what reportlab wrote into a PDF/A-2b file (ISO 19005-2, level B): the form an
issued document is archived in.

reportlab (5.x) has no PDF/A switch. It already embeds every font it draws with (the
builder registers only TrueType fonts, which reportlab subsets and embeds, and names
one of them as the canvas's initial font, so the base-14 Helvetica is never
referenced). What it lacks is added here with pikepdf, in one pass:

- the output intent (GTS_PDFA1) with the sRGB profile of exports/pdf/icc/ (the
  project's own file, see scripts/make_srgb_icc.py) that the DeviceRGB colours refer to;
- XMP metadata: the Info dictionary's fields mirrored as dc:/xmp:/pdf: properties,
  with the pdfaid:part 2 / pdfaid:conformance B claim;
- the real date of issue as CreationDate and ModDate (Info and XMP). reportlab's
  invariant mode, which the builder keeps so that the same input gives the same
  bytes, writes 1 January 2000 instead: reportlab.lib.utils.TimeStamp uses the epoch
  946684800 (or SOURCE_DATE_EPOCH) whenever `invariant` is set. The stamp's issue
  time is just as reproducible, and true;
- a file identifier (trailer /ID) derived from the content (qpdf's deterministic ID; the
  one reportlab writes in invariant mode is the same for every document): a rebuilt
  document gets the same bytes, hence the same SHA-256, and two documents differ.

tests/pdfa_check.py checks the result against the PDF/A-2b rules that matter for
these documents (it is not veraPDF, which needs Java from outside the registries).
"""

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

SRGB_PROFILE = Path(__file__).resolve().parent / "icc" / "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab PDF Library, pikepdf (PDF/A-2b)"


def pdf_date(moment: datetime) -> str:
    """A PDF date string in UTC: D:20261203091500+00'00'."""
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def make_pdfa(content: bytes, *, issued_at: datetime, language: str) -> bytes:
    """`content` (a reportlab PDF) as PDF/A-2b, dated `issued_at` (aware)."""
    with pikepdf.open(BytesIO(content)) as pdf:
        profile = pdf.make_stream(SRGB_PROFILE.read_bytes())
        profile.N = 3
        profile.Alternate = Name.DeviceRGB
        pdf.Root.OutputIntents = Array([Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=OUTPUT_CONDITION,
            RegistryName="http://www.color.org", Info=OUTPUT_CONDITION, DestOutputProfile=profile)])
        date = pdf_date(issued_at)
        pdf.docinfo[Name.CreationDate] = date
        pdf.docinfo[Name.ModDate] = date
        pdf.docinfo[Name.Producer] = PRODUCER
        if Name.Trapped in pdf.docinfo:  # not a prepress file; PDF/A wants no Unknown or mismatch here
            del pdf.docinfo[Name.Trapped]
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.load_from_docinfo(pdf.docinfo, raise_failure=True)
            meta["xmp:MetadataDate"] = issued_at.astimezone(UTC).isoformat()
            meta["dc:language"] = [language]
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        del pdf.trailer.ID  # reportlab's invariant ID is the same for every document: qpdf derives one
        out = BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()
