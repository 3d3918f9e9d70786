"""Demo attachments: the e-mail in which Jeanne Morel asked for her data, the CSV extract
sent to Nadia Haddad for her portability request, and the hosting provider's written
security attestation on Nuage Rhodanien's processor file. Added through the use case,
so they are checked, hashed and logged like any upload."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlmodel import Session, select

from dashboard import attachments, auth
from models.attachment import CaseAttachment
from models.dsr import DataSubjectRequest
from models.org import User
from models.processor import Processor


def _email(request: DataSubjectRequest) -> bytes:
    received = request.received_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f"From: {request.requester_name} <{request.requester_contact}>\r\n"
            f"To: dpo@medicis-mutuelle.example\r\nSubject: Demande d'acces a mes donnees\r\n"
            f"Date: {received}\r\nMessage-ID: <demo-{request.reference}@exemple-mail.fr>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"Madame, Monsieur,\r\n\r\n{request.description}\r\n\r\n"
            f"Cordialement,\r\n{request.requester_name}\r\n").encode("utf-8")


def _extract(request: DataSubjectRequest) -> bytes:
    lines = ["categorie;donnee;valeur;source",
             f"identite;nom;{request.requester_name};GESTADH",
             f"coordonnees;courriel;{request.requester_contact};GESTADH",
             "contrat;numero;AD-2019-044781;GESTADH",
             "contrat;formule;Prévoyance Sérénité;GESTADH",
             "cotisations;2025;412,80 €;SAP FI"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _attestation() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle("Attestation de sécurité — Nuage Rhodanien SAS")
    y = 780
    for line in ("Nuage Rhodanien SAS — 12 quai Perrache, 69002 Lyon",
                 "Attestation écrite du sous-traitant (article 28.3.h du RGPD)",
                 "",
                 "Nous attestons que les données des plateformes Savelunari et Lumina Apprendre sont",
                 "hébergées exclusivement en France (Lyon, Marseille), chiffrées au repos (AES-256) et",
                 "sauvegardées chaque nuit, que notre certification ISO/IEC 27001 est en cours de validité,",
                 "et qu'aucun sous-traitant ultérieur n'a été ajouté depuis la signature du contrat.",
                 "",
                 "Le Service conformité — conformite@nuage-rhodanien.example"):
        page.drawString(60, y, line)
        y -= 18
    page.save()
    return buffer.getvalue()


def seed(session: Session) -> None:
    if session.exec(select(CaseAttachment.id)).first():
        return
    dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
    requests = {r.requester_name: r for r in session.exec(select(DataSubjectRequest))}
    if (morel := requests.get("Jeanne Morel")) is not None:
        attachments.upload(session, dpo, "dsr", morel.id, filename="Demande d'accès - courriel reçu.eml",
                           content=_email(morel), kind="incoming_email",
                           description="Courriel initial de la demandeuse")
    if (haddad := requests.get("Nadia Haddad")) is not None:
        attachments.upload(session, dpo, "dsr", haddad.id, filename="extraction_portabilite.csv",
                           content=_extract(haddad), kind="data_extract",
                           description="Export CSV envoyé pour la portabilité (GESTADH, SAP FI)")
    hosting = session.exec(select(Processor).where(Processor.legal_name == "Nuage Rhodanien SAS")).first()
    if hosting is not None:
        attachments.upload(session, dpo, "processor", hosting.id, filename="attestation_securite_2026.pdf",
                           content=_attestation(), kind="processor_attestation",
                           description="Attestation annuelle de sécurité et de localisation des données")
