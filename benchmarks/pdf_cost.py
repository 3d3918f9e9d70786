"""What PDF/A and the embedded Unicode font cost: N destruction certificates (the DSR one,
a realistic page) built three ways, against reportlab's minimal document.

    .venv/bin/python benchmarks/pdf_cost.py [N, default 1000]

- minimal: reportlab alone, SimpleDocTemplate, base-14 Helvetica, the certificate's text as
  plain paragraphs (nothing embedded, no tables, no post-processing): the floor;
- certificate, reportlab only: the real generator without the PDF/A pass;
- certificate, PDF/A-2b: what DPO Desk issues (DejaVu Sans subsetted and embedded, XMP,
  output intent with the sRGB profile, real dates, deterministic ID via pikepdf).

Target (issue 20): the issued certificate within about twice the minimal document's time.
Figures on the development machine (2 cores shared by eight sessions, 3 December 2026), 200 of
each, interleaved: minimal 58 ms, certificate reportlab only 212 ms, as issued 270 ms: the PDF/A
pass costs 1.2-1.3x the reportlab-only certificate (pikepdf's open and save, most of it); the
certificate's own layout (tables cut into rows, two fonts subsetted) is what makes it ~5x the
minimal document, with or without PDF/A.
"""

import sys
import time
from datetime import UTC, date, datetime
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from dashboard.i18n import Translator
from exports.pdf import base, dsr_destruction_certificate
from exports.pdf.dsr_common import CertificateFacts, Controller, ErasureLine, RecipientLine, RequestFacts, RetentionLine
from exports.stamp import DocumentStamp
from tests.pdf_reading import pdf_text

TR = Translator("fr")
CONTROLLER = Controller("Mutuelle Médicis", "Mutuelle Médicis (mutuelle régie par le livre II du code de la mutualité)",
                        "12 rue de la Santé, 75013 Paris", "775 659 923", "Zoé Lefèvre", "dpo@medicis.example",
                        "DPO — 12 rue de la Santé, 75013 Paris")
FACTS = RequestFacts("DSR-2026-0042", "Дмитрий Иванов", "d.ivanov@example.org", "email", date(2026, 10, 5),
                     ("erasure",), date(2026, 11, 5), date(2026, 11, 5))
CERTIFICATE = CertificateFacts(
    erased=[ErasureLine("Gestion des adhérents (Ζωή)", "Identité → contact", "deletion", date(2026, 10, 20),
                        "Service adhésions") for _ in range(6)],
    kept=[RetentionLine("Pièces comptables", "Code de commerce L123-22 : 10 ans ≥ clôture", date(2036, 12, 31))],
    recipients=[RecipientLine("Prestataire de tiers payant", "notified", date(2026, 10, 21), "")],
    backups_overwritten_on=date(2026, 12, 20), request_file_kept_until=date(2031, 10, 5),
    verified_by="Hugo Martin", outcome="granted", answered_on=date(2026, 10, 22))


def stamp(i: int) -> DocumentStamp:
    return DocumentStamp(f"DOC-2026-{i:05d}", "ABCD-EFGH-JKLM", datetime(2026, 12, 3, 9, 0, i % 60, tzinfo=UTC),
                         "Zoé Lefèvre", "fr")


def certificate(i: int) -> bytes:
    return dsr_destruction_certificate.build(TR, stamp(i), CONTROLLER, FACTS, CERTIFICATE)


def minimal(text: str):
    styles = getSampleStyleSheet()

    def build(i: int) -> bytes:
        buffer = BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title="Certificat", invariant=1).build(
            [Paragraph(line, styles["Normal"]) for line in text])
        return buffer.getvalue()
    return build


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    words = pdf_text(certificate(0)).split(". ")
    real = base.make_pdfa

    def reportlab_only(i: int) -> bytes:
        base.make_pdfa = lambda content, **kwargs: content
        try:
            return certificate(i)
        finally:
            base.make_pdfa = real

    builds = {"minimal reportlab document": minimal(words), "certificate, reportlab only": reportlab_only,
              "certificate, PDF/A-2b (as issued)": certificate}
    seconds = dict.fromkeys(builds, 0.0)
    sizes = dict.fromkeys(builds, 0)
    for build in builds.values():
        build(0)  # fonts parsed, caches warm
    # Interleaved, so that the load of a shared machine weighs on the three alike.
    for i in range(n):
        for label, build in builds.items():
            start = time.perf_counter()
            sizes[label] += len(build(i))
            seconds[label] += time.perf_counter() - start
    for label in builds:
        print(f"{label:<36} {seconds[label]:7.2f} s  {seconds[label] / n * 1000:6.1f} ms each  "
              f"{sizes[label] / n / 1024:6.1f} KiB each")
    minimal_s, plain, issued = seconds.values()
    print(f"{n} certificates as issued / {n} minimal documents: {issued / minimal_s:.2f}x; "
          f"as issued / reportlab only: {issued / plain:.2f}x (PDF/A pass {(issued - plain) / n * 1000:.1f} ms each)")


if __name__ == "__main__":
    main()
