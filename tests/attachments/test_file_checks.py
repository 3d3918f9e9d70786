"""What the bytes are decides, not the name: magic numbers, sizes, ZIP bombs, file names."""

import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.attachment import MAX_FILENAME, FileRefused, clean_filename, sniff
from tests.attachments.files import CSV, EML, JSON, pdf, xlsx, zip_of


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("lettre.pdf", pdf(), "pdf"),
    ("courriel.eml", EML, "eml"),
    ("extraction.csv", CSV, "csv"),
    ("extraction.json", JSON, "json"),
    ("extraction.zip", zip_of({"a.csv": CSV, "b.json": JSON}), "zip"),
    ("extraction.xlsx", xlsx(), "xlsx"),
    ("LETTRE.PDF", pdf(), "pdf"),
])
def test_each_accepted_type_is_recognised_by_its_bytes(name, content, expected):
    assert sniff(content, name) == expected


@pytest.mark.parametrize(("name", "content", "key"), [
    ("lettre.pdf", b"<html><body>not a pdf</body></html>", "attachment.refused.bad_pdf"),
    ("lettre.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "attachment.refused.bad_pdf"),  # an executable named .pdf
    ("lettre.pdf", pdf()[:200], "attachment.refused.bad_pdf"),  # truncated: no %%EOF
    ("lettre.pdf", CSV, "attachment.refused.bad_pdf"),
    ("courriel.eml", b"Bonjour, pas un courriel", "attachment.refused.mismatch"),
    ("extraction.csv", pdf(), "attachment.refused.mismatch"),  # a PDF named .csv
    ("extraction.csv", b"\x00\x01\x02binary\x00", "attachment.refused.mismatch"),
    ("extraction.json", b"{not json", "attachment.refused.mismatch"),
    ("extraction.zip", b"PK\x03\x04garbage", "attachment.refused.bad_zip"),
    ("extraction.xlsx", zip_of({"a.csv": CSV}), "attachment.refused.mismatch"),  # a ZIP named .xlsx
    ("programme.exe", b"MZ\x90\x00", "attachment.refused.type"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "attachment.refused.type"),
    ("passwd", b"root:x:0:0:root:/root:/bin/bash\n", "attachment.refused.type"),
    ("vide.pdf", b"", "attachment.refused.empty"),
    ("archive.zip", zip_of({"inner.zip": zip_of({"a.csv": CSV})}), "attachment.refused.zip_nested"),
])
def test_bytes_that_are_not_what_the_name_says_are_refused(name, content, key):
    with pytest.raises(FileRefused) as refused:
        sniff(content, name)
    assert refused.value.key == key


def test_the_size_limit_is_checked_and_stated():
    content = pdf()
    assert sniff(content, "a.pdf", max_bytes=len(content)) == "pdf"
    with pytest.raises(FileRefused) as refused:
        sniff(content, "a.pdf", max_bytes=len(content) - 1)
    assert refused.value.key == "attachment.refused.too_large" and "max_mb" in refused.value.params


def test_a_zip_bomb_is_refused_from_its_headers_without_unpacking():
    bomb = zip_of({"zeros.csv": b"0" * (50 * 1024 * 1024)})  # 50 MB of zeros: about 50 KB compressed
    assert len(bomb) < 200_000
    with pytest.raises(FileRefused) as refused:
        sniff(bomb, "extraction.zip")
    assert refused.value.key == "attachment.refused.zip_bomb"


def test_a_zip_that_lies_about_its_sizes_is_stopped_at_the_bound():
    honest = zip_of({"a.csv": b"1;2;3\n" * 40_000})
    # Headers claiming a tiny member: reading stops as soon as more comes out than declared.
    archive = zipfile.ZipFile(__import__("io").BytesIO(honest))
    info = archive.infolist()[0]
    forged = bytearray(honest)
    central = forged.rfind(b"PK\x01\x02")
    forged[central + 24:central + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
    with pytest.raises(FileRefused) as refused:
        sniff(bytes(forged), "a.zip")
    assert refused.value.key in ("attachment.refused.zip_bomb", "attachment.refused.bad_zip")
    assert info.file_size == 240_000


def test_a_zip_with_too_many_members_is_refused():
    many = zip_of({f"f{i}.csv": b"a" for i in range(2001)}, method=zipfile.ZIP_STORED)
    with pytest.raises(FileRefused) as refused:
        sniff(many, "many.zip")
    assert refused.value.key == "attachment.refused.zip_bomb"


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
    ("/absolute/path/lettre.pdf", "lettre.pdf"),
    ("lettre\x00.pdf", "lettre.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),  # "/" ends a segment
    ("Relevé **Morel** _x_.pdf", "Relevé Morel _x_.pdf"),  # reserved on Windows: dropped; the rest shown literally
    ("..", ""),
    ("   ", ""),
])
def test_file_names_keep_only_their_last_segment_without_control_characters(given, kept):
    assert clean_filename(given) == kept


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20_000) | st.sampled_from(["../../etc/passwd", "\x00" * 5, "a" * 20_000 + ".pdf",
                                                    "# titre\n**gras** <b>x</b>.pdf", "=HYPERLINK(\"x\").csv"]))
def test_any_file_name_becomes_a_safe_bounded_name(name):
    kept = clean_filename(name)
    assert len(kept) <= MAX_FILENAME
    assert "/" not in kept and "\\" not in kept and "\x00" not in kept and "<" not in kept
    assert not kept.startswith(".") and kept == kept.strip()
    assert all(ord(c) >= 32 for c in kept)


def test_a_long_name_keeps_its_extension():
    kept = clean_filename("x" * 5000 + ".pdf")
    assert kept.endswith(".pdf") and len(kept) == MAX_FILENAME
