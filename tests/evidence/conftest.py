"""Issuing documents for the evidence tests (nothing else issues any on this branch),
and a department-visibility hook like the ones the case types register."""

import pytest
from sqlmodel import select

from dashboard import evidence
from dashboard.demo import activities as demo_activities
from dashboard.i18n import Translator
from dashboard.permissions import department_filter
from exports.pdf.base import build_pdf, heading, key_value_table, para, signature_block
from models.processing import ProcessingActivity

CASE_TYPE = "processing_activity"


def certificate_builder(title: str = "Certificat de destruction", lines: int = 3):
    tr = Translator("fr")

    def build(stamp):
        story = [heading(title), para("Les données de Mme Zoé Lefèvre & <Cie> ont été détruites.")]
        story += [para(f"Système n° {i} — données « contrat » effacées") for i in range(lines)]
        story += [key_value_table([("Dossier", "DSR-2026-0042"), ("Méthode", "Effacement sécurisé")]),
                  signature_block(tr, [("Le DPO", "Claire Fontaine"), ("Le chef de service", "Sophie Martin")])]
        return build_pdf(story, stamp=stamp, tr=tr, title=title, subject="Test", author=stamp.issued_by,
                         header="Mutuelle Médicis")
    return build


def issue(org, actor=None, *, entity="MEDICIS", kind="test.certificate", title="Certificat de destruction",
          case_type="test", case_id=None, case_ref="TST-2026-0001", supersedes=None, build=None):
    with org.work() as session:
        return evidence.issue_document(
            session, actor or org.dpo, kind=kind, title=title, filename="certificat.pdf",
            media_type="application/pdf", build=build or certificate_builder(title), case_type=case_type,
            case_id=case_id, case_ref=case_ref, entity_id=org.entities[entity].id if entity else None,
            supersedes=supersedes)


def activity_visible(actor, case_id):
    """What a case type registers: the ids of its cases the actor's departments own."""
    return case_id.in_(select(ProcessingActivity.id).where(department_filter(actor, ProcessingActivity.department_id)))


@pytest.fixture
def activities(org, monkeypatch):
    """Demo activities, with their documents' visibility registered as a case type would."""
    monkeypatch.setitem(evidence.VISIBILITY, CASE_TYPE, f"{__name__}:activity_visible")
    with org.work() as session:
        demo_activities.seed(session)
        return {key: demo_activities.activity_id(session, key) for key in ("hr_payroll", "member_management")}


def issue_for_activity(org, activity_id: int, **kwargs):
    return issue(org, case_type=CASE_TYPE, case_id=activity_id, case_ref=f"TRT-{activity_id}", **kwargs)
