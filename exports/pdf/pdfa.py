"""The PDF/A-2b form (ISO 19005-2, level B) of every issued document: what reportlab does not
write by itself, added while it writes the file (no second pass over the PDF).

reportlab (5.x) has no PDF/A switch. It already embeds every font it draws with (the
builder registers only TrueType fonts, which reportlab subsets and embeds, and names
one of them as the canvas's initial font, so the base-14 Helvetica is never
referenced). What it lacks is added by `add_pdfa_parts`, called by the builder's canvas
just before reportlab writes the file:

- the output intent (GTS_PDFA1) with the sRGB profile of exports/pdf/icc/ (the
  project's own file, see scripts/make_srgb_icc.py) that the DeviceRGB colours refer to;
  the profile is read and compressed once per process;
- XMP metadata: the Info dictionary's fields mirrored as dc:/xmp:/pdf: properties,
  with the pdfaid:part 2 / pdfaid:conformance B claim (a fixed template, filled in);
- the real date of issue as CreationDate and ModDate (Info and XMP). reportlab's
  invariant mode, which the builder keeps so that the same input gives the same
  bytes, writes 1 January 2000 instead: reportlab.lib.utils.TimeStamp uses the epoch
  946684800 (or SOURCE_DATE_EPOCH) whenever `invariant` is set. The stamp's issue
  time is just as reproducible, and true; no /Trapped entry (not a prepress file);
- a file identifier (trailer /ID) derived from the content: reportlab writes a placeholder
  of fixed length, and `make_pdfa` replaces it with the MD5 of the whole file (the one
  reportlab writes in invariant mode is the same for every document): a rebuilt document
  gets the same bytes, hence the same SHA-256, and two documents differ.

Until December 2026 these were added by a pikepdf round-trip (open, edit, save), a fifth of a
certificate's time; benchmarks/pdf_cost.py has the figures.

tests/pdfa_check.py checks the result against the PDF/A-2b rules that matter for
these documents (it is not veraPDF, which needs Java from outside the registries).
"""

import hashlib
import re
import zlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import PDFArray, PDFCatalog, PDFDictionary, PDFInfo, PDFName, PDFObject, PDFString
from reportlab.pdfbase.pdfdoc import format as pdf_format

SRGB_PROFILE = Path(__file__).resolve().parent / "icc" / "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab PDF Library (PDF/A-2b)"


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
# The trailer's /ID as reportlab writes it (PDFDocument.ID), with a placeholder that make_pdfa
# replaces by the file's digest: same length, so no offset moves.
_ID_PLACEHOLDER = b"FEEDFACE" * 4
_ID = b"\n[<" + _ID_PLACEHOLDER + b"><" + _ID_PLACEHOLDER + b">]\n"


def pdf_date(moment: datetime) -> str:
    """A PDF date string in UTC: D:20261203091500+00'00'."""
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def xml_safe(value: object) -> str:
    """`value` as text XMP can hold; the builder gives the Info dictionary the same text."""
    return _NOT_XML.sub("", "" if value is None else str(value))


class _Stream(PDFObject):
    """An indirect stream written as given: `data` already filtered by `filter` (or not at all)."""
    __RefOnly__ = 1

    def __init__(self, entries: dict, data: bytes, filter: str | None = None):
        self.entries, self.data = dict(entries), data
        if filter:
            self.entries["Filter"] = PDFName(filter)

    def format(self, document) -> bytes:
        entries = PDFDictionary({**self.entries, "Length": len(self.data)})
        return pdf_format(entries, document) + b"\nstream\n" + self.data + b"\nendstream\n"


@cache
def _profile() -> bytes:
    return zlib.compress(SRGB_PROFILE.read_bytes(), 9)


class _PDFAInfo(PDFInfo):
    """The Info dictionary with the real date of issue and without /Trapped."""

    def format(self, document):
        date = PDFString(self.issued)
        return pdf_format(PDFDictionary({
            "Title": PDFString(self.title), "Author": PDFString(self.author), "ModDate": date,
            "CreationDate": date, "Producer": PDFString(PRODUCER), "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject), "Keywords": PDFString(self.keywords)}), document)


_CATALOG_ENTRIES = [*PDFCatalog.__NoDefault__, "OutputIntents"]


def add_pdfa_parts(canvas, *, issued_at: datetime, language: str) -> None:
    """Called on a reportlab canvas before it saves: the output intent, XMP, the Info
    dictionary's dates and producer, and the placeholder ID (see make_pdfa)."""
    document = canvas._doc
    info = document.info
    fields = {"title": info.title, "author": info.author, "subject": info.subject, "keywords": info.keywords,
              "creator": info.creator}
    fields = {key: xml_safe(value) for key, value in fields.items()}
    info.__class__ = _PDFAInfo
    for key, value in fields.items():  # the same text in the Info dictionary and in XMP
        setattr(info, key, value)
    info.issued = pdf_date(issued_at)
    catalog = document.Catalog
    catalog.__NoDefault__ = _CATALOG_ENTRIES
    profile = _Stream({"N": 3, "Alternate": PDFName("DeviceRGB")}, _profile(), "FlateDecode")
    catalog.OutputIntents = PDFArray([PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION), "RegistryName": PDFString("http://www.color.org"),
        "Info": PDFString(OUTPUT_CONDITION), "DestOutputProfile": profile})])
    xmp = XMP.format(**{k: escape(v) for k, v in fields.items()}, language=escape(language),
                     producer=escape(PRODUCER), date=issued_at.astimezone(UTC).isoformat(timespec="seconds"))
    catalog.Metadata = _Stream({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}, xmp.encode("utf-8"))
    document._ID = _ID


def make_pdfa(content: bytes, *, issued_at: datetime, language: str) -> bytes:
    """`content`, written by a canvas that `add_pdfa_parts` prepared, with its file identifier:
    the MD5 of the file (with the placeholder), in place of the placeholder."""
    at = content.rfind(_ID)
    if at < 0:
        raise ValueError("not prepared by add_pdfa_parts: no placeholder file identifier")
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest().upper().encode("ascii")
    return content[:at] + _ID.replace(_ID_PLACEHOLDER, digest) + content[at + len(_ID):]
