"""Small real files of each accepted type, built in memory."""

import io
import zipfile

from openpyxl import Workbook



def pdf(text: str = "Lettre de Mme Jeanne Morel") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


EML = (b"From: Jeanne Morel <jeanne.morel@example.org>\r\nTo: dpo@medicis.example\r\n"
       b"Subject: Demande d'acces\r\nDate: Tue, 01 Dec 2026 09:12:00 +0100\r\n"
       b"Message-ID: <1@example.org>\r\n\r\nBonjour, je souhaite une copie de mes donnees.\r\n")
CSV = "nom;contrat;date\nMorel;AD-778;2026-11-30\nCœur;AD-779;2026-12-01\n".encode("utf-8")
JSON = b'{"adherent": "AD-778", "contrats": [1, 2]}'


def zip_of(files: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["nom", "contrat"])
    book.active.append(["Morel", "AD-778"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
