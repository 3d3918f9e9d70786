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

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

SRGB_PROFILE = Path(__file__).resolve().parent / "icc" / "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab PDF Library, pikepdf (PDF/A-2b)"


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
_INFO = {"title": Name.Title, "author": Name.Author, "subject": Name.Subject, "keywords": Name.Keywords,
         "creator": Name.Creator}


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
        info = pdf.docinfo
        fields = {}
        for field, key in _INFO.items():  # the same text in the Info dictionary and in XMP
            fields[field] = _NOT_XML.sub("", str(info.get(key, "")))
            info[key] = fields[field]
        info[Name.CreationDate] = info[Name.ModDate] = pdf_date(issued_at)
        info[Name.Producer] = PRODUCER
        if Name.Trapped in info:  # not a prepress file; PDF/A wants no Unknown or mismatch here
            del info[Name.Trapped]
        xmp = XMP.format(**{k: escape(v) for k, v in fields.items()}, language=escape(language),
                         producer=escape(PRODUCER), date=issued_at.astimezone(UTC).isoformat(timespec="seconds"))
        # Written out rather than through pikepdf's XMP editor: a fixed template is ten times faster.
        pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)
        del pdf.trailer.ID  # reportlab's invariant ID is the same for every document: qpdf derives one
        out = BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()
