"""What PDF/A and the embedded Unicode font cost: N destruction certificates (the DSR one,
a realistic three-page document) built as issued, against reportlab's minimal document.

    .venv/bin/python benchmarks/pdf_cost.py [N, default 1000]

- minimal: reportlab alone, SimpleDocTemplate, base-14 Helvetica, the certificate's text as
  plain paragraphs (nothing embedded, no tables, no post-processing): the floor;
- certificate without the PDF/A parts: the real generator, no output intent, XMP or file ID;
- certificate, PDF/A-2b: what DPO Desk issues (DejaVu Sans subsetted and embedded, XMP,
  output intent with the sRGB profile, real dates, content-derived ID).

Both the wall time and the process's CPU time are printed: on a shared machine the CPU time
is the steadier figure. The speed-ups of exports/pdf/speed.py apply to the minimal document
too (they are process-wide), so the ratio is not flattered by them.

Target (issue 19): the issued certificate within twice the minimal document's time. Figures of
3 December 2026 are in the README (section "Benchmarks").
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
    real = base.add_pdfa_parts, base.make_pdfa

    def without_pdfa(i: int) -> bytes:
        base.add_pdfa_parts, base.make_pdfa = (lambda canvas, **kwargs: None), (lambda content, **kwargs: content)
        try:
            return certificate(i)
        finally:
            base.add_pdfa_parts, base.make_pdfa = real

    builds = {"minimal reportlab document": minimal(words), "certificate without PDF/A parts": without_pdfa,
              "certificate, PDF/A-2b (as issued)": certificate}
    wall = dict.fromkeys(builds, 0.0)
    cpu = dict.fromkeys(builds, 0.0)
    sizes = dict.fromkeys(builds, 0)
    for build in builds.values():
        build(0)  # fonts parsed, caches warm
    # Interleaved, so that the load of a shared machine weighs on the three alike.
    for i in range(n):
        for label, build in builds.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            sizes[label] += len(build(i))
            wall[label] += time.perf_counter() - start
            cpu[label] += time.process_time() - start_cpu
    for label in builds:
        print(f"{label:<36} wall {wall[label]:7.2f} s  {wall[label] / n * 1000:6.1f} ms each  "
              f"cpu {cpu[label] / n * 1000:6.1f} ms each  {sizes[label] / n / 1024:6.1f} KiB each")
    minimal_label, plain, issued = builds
    print(f"{n} certificates as issued / {n} minimal documents: wall {wall[issued] / wall[minimal_label]:.2f}x, "
          f"cpu {cpu[issued] / cpu[minimal_label]:.2f}x; PDF/A parts {(cpu[issued] - cpu[plain]) / n * 1000:.1f} ms "
          f"cpu each")


if __name__ == "__main__":
    main()
