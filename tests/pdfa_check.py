"""A focused checker of the PDF/A-2b rules (ISO 19005-2, level B) that DPO Desk's PDFs can
break. It is NOT veraPDF, the reference validator (Java, fetched from Maven or GitHub, which
this project cannot reach; no PDF/A validator installs from PyPI, npm or Debian): it checks
the clauses below, read with pikepdf, and is used by tests/test_pdfa.py on every generator.

Checked (clause of ISO 19005-2 in brackets):
- file header %PDF-1.0..1.7 followed by a binary comment (6.1.2); no encryption (6.1.3);
  the trailer has an /ID of two strings (6.1.3);
- XMP metadata in the catalog, unfiltered (6.6.2.1), parseable, with pdfaid:part 2 and
  pdfaid:conformance B (6.6.4); Info entries equal to their XMP counterparts: Title/dc:title,
  Author/dc:creator, Subject/dc:description, Keywords/pdf:Keywords, Creator/xmp:CreatorTool,
  Producer/pdf:Producer, CreationDate/xmp:CreateDate, ModDate/xmp:ModifyDate (6.6.3);
- an output intent GTS_PDFA1 whose DestOutputProfile is an ICC profile (version 2 or 4,
  display or printer class) whose colour space has the stream's N components, one profile
  if several intents (6.2.3); no DeviceCMYK (operators k/K or the colour space) when that
  profile is RGB, no DeviceRGB when it is CMYK (6.2.4.3);
- every font used by a page or a form is embedded (FontFile, FontFile2 or FontFile3;
  6.2.11.4), subsetted (tag "ABCDEF+", our rule, to keep the files small); a symbolic
  TrueType font has no /Encoding and its program's cmap has one subtable or a (3,0) one
  (6.2.11.6);
- no JavaScript, no Launch or other forbidden actions, no additional actions (/AA) on the
  catalog, pages or annotations (6.5, 6.6.1); no embedded files (6.8); no PostScript or
  reference XObjects, no /Alternates or /OPI on images, no interpolation (6.2.8, 6.2.9);
- transparency: a transparency group has a blending colour space (/CS) (6.2.10), and soft
  masks or constant alpha are used only with an output intent present;
- annotations are printable, not hidden (6.3.2).

Not checked (veraPDF would): the glyph widths in /Widths against the font program
(6.2.11.5), the validity of the embedded font programs and of the ICC profile beyond
its header, content stream syntax limits (6.1.13), XMP extension schemas for custom
properties (6.6.2.3: DPO Desk writes only predefined ones).
"""

import re
import struct
from datetime import datetime
from io import BytesIO
from xml.etree import ElementTree

import pikepdf
from pikepdf import Name

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
                     "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}
SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")
PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?")


def parse_pdf_date(value: str) -> datetime:
    match = PDF_DATE.match(value)
    if not match:
        raise ValueError(f"not a PDF date: {value!r}")
    *parts, zone = match.groups()
    moment = "-".join(parts[:3]) + "T" + ":".join(parts[3:])
    if zone and zone != "Z":
        moment += zone[:3] + ":" + zone[4:6]
    else:
        moment += "+00:00"
    return datetime.fromisoformat(moment)


def _xmp_values(xml: bytes) -> dict[str, object]:
    root = ElementTree.fromstring(xml)
    values: dict[str, object] = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for prefix, uri in NS.items():  # properties written as attributes
            for attribute, value in description.attrib.items():
                if attribute.startswith(f"{{{uri}}}"):
                    values[f"{prefix}:{attribute.split('}')[1]}"] = value
        for element in description:
            uri, local = element.tag[1:].split("}")
            prefix = next((p for p, u in NS.items() if u == uri), uri)
            items = [li.text or "" for li in element.iter(f"{{{NS['rdf']}}}li")]
            values[f"{prefix}:{local}"] = items if len(element) else (element.text or "")
    return values


def _cmap_subtables(program: bytes) -> list[tuple[int, int]]:
    """(platform, encoding) of each subtable of a TrueType program's cmap."""
    count = struct.unpack(">H", program[4:6])[0]
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", program[12 + 16 * i:28 + 16 * i])
        if tag == b"cmap":
            tables = struct.unpack(">H", program[offset + 2:offset + 4])[0]
            return [struct.unpack(">HH", program[offset + 4 + 8 * j:offset + 8 + 8 * j]) for j in range(tables)]
    return []


class _Walker:
    def __init__(self, pdf: pikepdf.Pdf, problems: list[str]):
        self.pdf, self.problems, self.seen = pdf, problems, set()
        self.fonts_checked: set[tuple[int, int]] = set()
        self.operators: set[str] = set()
        self.colour_spaces: set[str] = set()
        self.transparency = False

    def resources(self, resources, where: str) -> None:
        if resources is None:
            return
        for name, font in (resources.get(Name.Font) or {}).items():
            self.font(font, f"{where} font {name}")
        for name, xobject in (resources.get(Name.XObject) or {}).items():
            self.xobject(xobject, f"{where} XObject {name}")
        for _, state in (resources.get(Name.ExtGState) or {}).items():
            soft_mask = state.get(Name.SMask)
            if (soft_mask is not None and soft_mask != Name.None_) or float(state.get(Name.CA, 1)) < 1 \
                    or float(state.get(Name.ca, 1)) < 1 or str(state.get(Name.BM, "/Normal")) not in (
                    "/Normal", "/Compatible"):
                self.transparency = True
            if Name.TR in state:
                self.problems.append(f"{where}: an ExtGState with a transfer function (TR)")
        for _, space in (resources.get(Name.ColorSpace) or {}).items():
            self.colour_spaces.add(str(space[0] if isinstance(space, pikepdf.Array) else space))

    def content(self, owner, where: str) -> None:
        try:
            for operands, operator in pikepdf.parse_content_stream(owner):
                self.operators.add(str(operator))
                if str(operator) in ("cs", "CS") and operands:
                    self.colour_spaces.add(str(operands[0]))
        except pikepdf.PdfError as error:
            self.problems.append(f"{where}: unreadable content stream ({error})")

    def group(self, group, where: str) -> None:
        if group is not None and group.get(Name.S) == Name.Transparency:
            self.transparency = True
            if Name.CS not in group:
                self.problems.append(f"{where}: a transparency group without a blending colour space (/CS)")

    def xobject(self, xobject, where: str) -> None:
        if xobject.objgen in self.seen and xobject.objgen != (0, 0):
            return
        self.seen.add(xobject.objgen)
        subtype = xobject.get(Name.Subtype)
        if subtype == Name.PS or Name.Ref in xobject or xobject.get(Name.Subtype2) == Name.PS:
            self.problems.append(f"{where}: a PostScript or reference XObject")
        if subtype == Name.Image:
            for key in (Name.Alternates, Name.OPI):
                if key in xobject:
                    self.problems.append(f"{where}: an image with {key}")
            if xobject.get(Name.Interpolate) is True:
                self.problems.append(f"{where}: an image with /Interpolate true")
            if Name.SMask in xobject:
                self.transparency = True
            space = xobject.get(Name.ColorSpace)
            if space is not None:
                self.colour_spaces.add(str(space[0] if isinstance(space, pikepdf.Array) else space))
        elif subtype == Name.Form:
            self.group(xobject.get(Name.Group), where)
            self.resources(xobject.get(Name.Resources), where)
            self.content(xobject, where)

    def font(self, font, where: str) -> None:
        key = font.objgen
        if key in self.fonts_checked and key != (0, 0):
            return
        self.fonts_checked.add(key)
        subtype = font.get(Name.Subtype)
        if subtype == Name.Type3:
            self.resources(font.get(Name.Resources), where)
            return
        descriptor_owner = font.DescendantFonts[0] if subtype == Name.Type0 else font
        base = str(descriptor_owner.get(Name.BaseFont, font.get(Name.BaseFont, "?")))
        descriptor = descriptor_owner.get(Name.FontDescriptor)
        programs = [k for k in (Name.FontFile, Name.FontFile2, Name.FontFile3) if descriptor is not None
                    and k in descriptor]
        if not programs:
            self.problems.append(f"{where}: font {base} is not embedded")
            return
        if not SUBSET_TAG.match(base):
            self.problems.append(f"{where}: font {base} is embedded whole, not subsetted")
        symbolic = bool(int(descriptor.get(Name.Flags, 0)) & 4)
        if subtype == Name.TrueType and symbolic:
            if Name.Encoding in font:
                self.problems.append(f"{where}: symbolic TrueType font {base} has an /Encoding")
            subtables = _cmap_subtables(descriptor.FontFile2.read_bytes())
            if len(subtables) != 1 and (3, 0) not in subtables:
                self.problems.append(f"{where}: symbolic TrueType font {base}: cmap {subtables} has neither one "
                                     "subtable nor (3,0)")


def _action_problems(action, where: str) -> list[str]:
    problems = []
    while isinstance(action, pikepdf.Dictionary):
        if str(action.get(Name.S)) in FORBIDDEN_ACTIONS:
            problems.append(f"{where}: forbidden action {action.get(Name.S)}")
        action = action.get(Name.Next)
    return problems


def pdfa_problems(content: bytes) -> list[str]:
    """What keeps `content` from being PDF/A-2b, as far as the rules above go ([] = none)."""
    problems: list[str] = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", content):
        problems.append("header: not %PDF-1.n followed by a comment of four binary bytes")
    with pikepdf.open(BytesIO(content)) as pdf:
        if pdf.is_encrypted or Name.Encrypt in pdf.trailer:
            problems.append("the file is encrypted")
        file_id = pdf.trailer.get(Name.ID)
        if not isinstance(file_id, pikepdf.Array) or len(file_id) != 2:
            problems.append("trailer: no file identifier /ID")
        root = pdf.Root
        problems += _metadata_problems(pdf)
        profile_space = _output_intent_problems(root, problems)
        for key in (Name.AA, Name.JavaScript):
            if key in root or (Name.Names in root and key in root.Names):
                problems.append(f"catalog: {key}")
        if Name.Names in root and Name.EmbeddedFiles in root.Names:
            problems.append("catalog: embedded files")
        problems += _action_problems(root.get(Name.OpenAction), "catalog OpenAction")
        walker = _Walker(pdf, problems)
        for number, page in enumerate(pdf.pages, start=1):
            where = f"page {number}"
            if Name.AA in page.obj:
                problems.append(f"{where}: additional actions /AA")
            walker.group(page.obj.get(Name.Group), where)
            walker.resources(page.obj.get(Name.Resources), where)
            walker.content(page.obj, where)
            for annotation in page.obj.get(Name.Annots) or []:
                flags = int(annotation.get(Name.F, 0))
                if annotation.get(Name.Subtype) != Name.Popup and (not flags & 4 or flags & (1 | 2 | 32)):
                    problems.append(f"{where}: annotation {annotation.get(Name.Subtype)} not printable or hidden")
                if Name.AA in annotation:
                    problems.append(f"{where}: annotation with additional actions /AA")
                problems += _action_problems(annotation.get(Name.A), f"{where} annotation")
        if profile_space == "RGB" and ({"k", "K"} & walker.operators or "/DeviceCMYK" in walker.colour_spaces):
            problems.append("DeviceCMYK colour with an RGB output intent")
        if profile_space == "CMYK" and ({"rg", "RG"} & walker.operators or "/DeviceRGB" in walker.colour_spaces):
            problems.append("DeviceRGB colour with a CMYK output intent")
        if walker.transparency and profile_space is None:
            problems.append("transparency without an output intent")
    return problems


def _metadata_problems(pdf: pikepdf.Pdf) -> list[str]:
    metadata = pdf.Root.get(Name.Metadata)
    if metadata is None:
        return ["catalog: no XMP /Metadata"]
    problems = []
    if Name.Filter in metadata:
        problems.append("XMP metadata stream is filtered")
    if metadata.get(Name.Type) != Name.Metadata or metadata.get(Name.Subtype) != Name.XML:
        problems.append("XMP metadata stream is not /Type /Metadata /Subtype /XML")
    raw = metadata.read_bytes()
    if not raw.lstrip().startswith(b"<?xpacket begin="):
        problems.append("XMP metadata has no xpacket header")
    try:
        xmp = _xmp_values(raw)
    except ElementTree.ParseError as error:
        return [*problems, f"XMP metadata does not parse: {error}"]
    if xmp.get("pdfaid:part") != "2":
        problems.append(f"XMP pdfaid:part is {xmp.get('pdfaid:part')!r}, not 2")
    if xmp.get("pdfaid:conformance") != "B":
        problems.append(f"XMP pdfaid:conformance is {xmp.get('pdfaid:conformance')!r}, not B")
    info = pdf.trailer.get(Name.Info) or {}
    pairs = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
             "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer"}
    for key, prop in pairs.items():
        if key not in info:
            continue
        value = xmp.get(prop)
        value = value[0] if isinstance(value, list) and len(value) == 1 else value
        if str(info[key]) != value:
            problems.append(f"Info {key} {str(info[key])!r} differs from XMP {prop} {value!r}")
    for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        if key not in info:
            continue
        if prop not in xmp:
            problems.append(f"Info {key} without XMP {prop}")
            continue
        if parse_pdf_date(str(info[key])) != datetime.fromisoformat(str(xmp[prop])):
            problems.append(f"Info {key} {info[key]} differs from XMP {prop} {xmp[prop]}")
    if Name.Trapped in info and str(info.Trapped) not in ("/True", "/False"):
        problems.append("Info /Trapped is neither True nor False")
    return problems


def _output_intent_problems(root, problems: list[str]) -> str | None:
    """Appends the output intent's problems; returns its profile's colour space (RGB, CMYK, GRAY)."""
    intents = [i for i in root.get(Name.OutputIntents) or [] if i.get(Name.S) == Name.GTS_PDFA1]
    if not intents:
        problems.append("catalog: no GTS_PDFA1 output intent")
        return None
    profiles = {i.DestOutputProfile.objgen for i in intents if Name.DestOutputProfile in i}
    if len(profiles) != 1:
        problems.append("output intents: not exactly one destination profile")
        return None
    stream = intents[0].DestOutputProfile
    icc = stream.read_bytes()
    if len(icc) < 128 or icc[36:40] != b"acsp" or struct.unpack(">I", icc[:4])[0] != len(icc):
        problems.append("output intent: DestOutputProfile is not an ICC profile")
        return None
    space = icc[16:20].decode("ascii", "replace").strip()
    components = {"RGB": 3, "CMYK": 4, "GRAY": 1}.get(space)
    if int(stream.get(Name.N, 0)) != components:
        problems.append(f"output intent: /N {stream.get(Name.N)} for an ICC profile in {space}")
    if icc[8] not in (2, 4):
        problems.append(f"output intent: ICC profile version {icc[8]}")
    if icc[12:16] not in (b"mntr", b"prtr"):
        problems.append(f"output intent: ICC profile class {icc[12:16]!r}, not a display or output one")
    return space
