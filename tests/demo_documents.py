"""Every kind of PDF the application issues, issued through its use cases on the demo
database (which on its own holds only some kinds): for the tests that look at all of them."""

from sqlmodel import select

from dashboard import evidence
from dashboard.breach import documents as breach_documents
from dashboard.breach.records import BreachFilter
from dashboard.dpia import documents as dpia_documents
from dashboard.dsr import documents as dsr_documents
from dashboard.processor import documents as processor_documents
from dashboard.processor.registry import RegisterFilter
from dashboard.register_io import issue_register_pdf
from models.breach import Breach
from models.dpia import Dpia
from models.dsr_fee import DsrFee
from models.evidence import EvidenceDocument
from models.processor import ProcessorContract

PDF = "application/pdf"


def issue_every_kind(org) -> None:
    """Add to the demo registry one PDF of each kind it lacks, in French and in English
    where the use case offers both."""
    with org.session() as session:
        letter_breach = session.exec(select(Breach.id).where(Breach.people_summary != "")
                                     .order_by(Breach.reference)).first()
        notice_breach = session.exec(select(Breach.id).where(Breach.risk_level.is_not(None))
                                     .order_by(Breach.reference)).first()
        dpia_id = session.exec(select(Dpia.id).order_by(Dpia.reference)).first()
        contract_id = session.exec(select(ProcessorContract.id).order_by(ProcessorContract.id)).first()
        charged_id = session.exec(select(DsrFee.request_id).order_by(DsrFee.id)).first()
    with org.work() as session:
        dsr_documents.issue_fee_notice(session, org.dpo, charged_id, "fr")
        breach_documents.issue_authority_notice(session, org.dpo, notice_breach, "fr",
                                                delay_reasons="Ampleur connue seulement après l'enquête.")
        breach_documents.issue_people_letter(session, org.dpo, letter_breach, "fr")
        breach_documents.issue_people_letter(session, org.dpo, letter_breach, "en")
        breach_documents.issue_register(session, org.dpo, BreachFilter(), "fr", "pdf")
        dpia_documents.issue_report(session, org.dpo, dpia_id, "fr")
        processor_documents.issue_clause_report(session, org.dpo, contract_id, "fr")
        processor_documents.issue_register_extract(session, org.dpo, RegisterFilter(), "en")
        issue_register_pdf(session, org.dpo, org.entities["MEDICIS"].id, language="fr")


def pdf_documents(org) -> list[EvidenceDocument]:
    """As issued: those of requests and breaches are stored encrypted (dashboard/case_keys.py)."""
    with org.session() as session:
        return [evidence.readable(session, document) for document in session.exec(
            select(EvidenceDocument).where(EvidenceDocument.media_type == PDF).order_by(EvidenceDocument.id))]


def one_per_kind(documents: list[EvidenceDocument]) -> dict[tuple[str, str], EvidenceDocument]:
    """The first document of each (kind, language)."""
    chosen: dict[tuple[str, str], EvidenceDocument] = {}
    for document in documents:
        chosen.setdefault((document.kind, document.language), document)
    return chosen
