"""The audit pack: one ZIP handed to an auditor or the CNIL for a period.

Inside: the files given (documents as issued, the audit-trail export, the registers
other case types contribute), a hand-over slip to sign (bordereau.pdf), a README in
the reader's language explaining how to check everything, and two manifests listing
every other file with its SHA-256: manifest.csv for a spreadsheet, SHA256SUMS.txt
for `sha256sum -c`. The ZIP's own SHA-256 cannot be inside it: the evidence
registry records it under the pack's number.

Files are written as they come (only their names and hashes are kept) into a file the
caller gives (a temporary file), so a pack holds in memory one of its files at a time,
never the whole ZIP.
"""

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from reportlab.lib.units import mm

from exports.csv_safe import to_csv
from exports.pdf.base import (CONTENT_WIDTH, build_pdf, grid_table, heading, key_value_table, para, signature_block,
                              spacer)
from exports.stamp import DocumentStamp, Translator
from models.clock import paris_time

MANIFEST = "manifest.csv"
CHECKSUMS = "SHA256SUMS.txt"
README = "README.txt"
SLIP = "bordereau.pdf"
DOCUMENTS_DIR = "documents"
REGISTERS_DIR = "registres"
TRAIL_FILE = "journal-audit.csv"


@dataclass(frozen=True)
class PackFile:
    name: str  # path inside the ZIP
    content: bytes
    source: str  # "document", "trail", "register", "slip", "readme"
    number: str = ""  # registry number, for documents
    title: str = ""
    issued_at: datetime | None = None
    issued_by: str = ""


@dataclass(frozen=True)
class PackInfo:
    stamp: DocumentStamp  # the pack's own number and verification code
    zip_name: str
    title: str
    header: str  # PDF header line: the entity, or the organisation
    entity: str
    date_from: date
    date_to: date
    reason: str
    chain: str  # the audit chain's verification, as a sentence
    trail_entries: int
    signatories: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Listed:
    """One file of a written pack: its path inside the ZIP, SHA-256 and size."""
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class _Listed:
    name: str
    sha256: str
    size: int
    source: str
    number: str
    title: str
    issued_at: datetime | None
    issued_by: str


def safe_name(name: str, limit: int = 120) -> str:
    """A file name any unzip tool and any operating system accept: ASCII, no folders."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(".-")
    return cleaned[-limit:] or "fichier"


def _unique(name: str, used: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = name, ""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}.{extension}" if extension else f"{stem}-{n}"
    used.add(candidate)
    return candidate


def _write(archive: zipfile.ZipFile, name: str, content: bytes, when: datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=paris_time(when).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


def _slip(listed: list[_Listed], info: PackInfo, tr: Translator) -> bytes:
    stamp = info.stamp
    issued = paris_time(stamp.issued_at).strftime("%d/%m/%Y %H:%M")
    story = [
        para(tr("evidence.pack.slip.title"), "title"),
        para(info.title, "subtitle"),
        key_value_table([
            (tr("evidence.pack.slip.number"), stamp.number),
            (tr("evidence.pack.slip.entity"), info.entity),
            (tr("evidence.pack.slip.period"), tr("evidence.pack.period", date_from=info.date_from.strftime("%d/%m/%Y"),
                                                  date_to=info.date_to.strftime("%d/%m/%Y"))),
            (tr("evidence.pack.slip.built"), tr("evidence.pack.built", at=issued, by=stamp.issued_by)),
            (tr("evidence.pack.slip.reason"), info.reason),
            (tr("evidence.pack.slip.chain"), info.chain),
            (tr("evidence.pack.slip.files"), str(len(listed))),
        ]),
        heading(tr("evidence.pack.slip.contents")),
        grid_table(
            [tr("evidence.pack.col.file"), tr("evidence.pack.col.document"), tr("evidence.pack.col.sha256")],
            [(item.name, item.number or tr(f"evidence.pack.source.{item.source}"),
              f"{item.sha256[:32]}\n{item.sha256[32:]}") for item in listed],
            widths=[CONTENT_WIDTH - 112 * mm, 32 * mm, 80 * mm],
        ),
        spacer(),
        signature_block(tr, info.signatories, lead_in=[
            para(tr("evidence.pack.slip.own_hash", number=stamp.number, code=stamp.verification_code), "small"),
            spacer(6)]),
    ]
    return build_pdf(story, stamp=stamp, tr=tr, title=tr("evidence.pack.slip.title"), subject=info.title,
                     author=stamp.issued_by, header=info.header, keywords=("audit-pack",))


def _readme(listed: list[_Listed], info: PackInfo, tr: Translator) -> bytes:
    counts = {source: sum(1 for item in listed if item.source == source) for source in ("document", "register")}
    text = tr("evidence.pack.readme", number=info.stamp.number, code=info.stamp.verification_code, title=info.title,
              entity=info.entity, date_from=info.date_from.strftime("%d/%m/%Y"),
              date_to=info.date_to.strftime("%d/%m/%Y"), built_by=info.stamp.issued_by,
              built_at=paris_time(info.stamp.issued_at).strftime("%d/%m/%Y %H:%M"), reason=info.reason,
              chain=info.chain, documents=counts["document"], registers=counts["register"],
              trail=info.trail_entries, zip_name=info.zip_name)
    return text.replace("\n", "\r\n").encode("utf-8-sig")  # Notepad opens it as UTF-8 with CRLF


def _manifest(listed: list[_Listed], tr: Translator) -> bytes:
    header = [tr(f"evidence.pack.col.{name}") for name in ("file", "sha256", "size", "source", "document", "title",
                                                           "issued_at", "issued_by")]
    return to_csv(header, ([item.name, item.sha256, item.size, tr(f"evidence.pack.source.{item.source}"),
                            item.number, item.title, item.issued_at, item.issued_by] for item in listed))


def _checksums(listed: list[_Listed]) -> bytes:
    return "".join(f"{item.sha256}  {item.name}\n" for item in listed).encode("utf-8")


def write_pack(files: Iterable[PackFile], info: PackInfo, tr: Translator, target: BinaryIO) -> list[Listed]:
    """Write the pack's ZIP into `target` (a temporary file: a pack at the size limit is never
    held in memory) and return what it holds, in the ZIP's order: (name, SHA-256, size) of every
    file, the manifests included (they cannot list their own hash: the registry records it, see
    EvidencePackFile). Each file is hashed as it is written, so the ZIP is never read back."""
    listed: list[_Listed] = []
    everything: list[Listed] = []
    used = {MANIFEST, CHECKSUMS, README, SLIP}
    when = info.stamp.issued_at

    def put(archive: zipfile.ZipFile, name: str, content: bytes) -> str:
        _write(archive, name, content, when)
        digest = hashlib.sha256(content).hexdigest()
        everything.append(Listed(name, digest, len(content)))
        return digest

    def add(archive: zipfile.ZipFile, file: PackFile) -> None:
        name = _unique(file.name, used) if file.source not in ("slip", "readme") else file.name
        digest = put(archive, name, file.content)
        listed.append(_Listed(name, digest, len(file.content), file.source, file.number, file.title, file.issued_at,
                              file.issued_by))

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            add(archive, file)
        add(archive, PackFile(SLIP, _slip(listed, info, tr), "slip", info.stamp.number,
                              tr("evidence.pack.slip.title"), when, info.stamp.issued_by))
        add(archive, PackFile(README, _readme(listed, info, tr), "readme"))
        put(archive, MANIFEST, _manifest(listed, tr))
        put(archive, CHECKSUMS, _checksums(listed))
    return everything
