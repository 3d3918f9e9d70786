"""The demo register's processing activities, from the seed documents: the insurer's
member, HR and governance processing, and the e-learning platforms' accounts,
courses, AI personalisation, analytics, payments, support, video and sharing.

Other demo seeders find an activity by its key with `activity_id(session, key)`.
"""

from sqlmodel import Session, select

from dashboard.references import next_reference
from models.org import Department, Entity
from models.processing import ACTIVITY_PREFIX, ProcessingActivity

# key: (entity code, department code, name)
ACTIVITIES: dict[str, tuple[str, str, str]] = {
    "member_management": ("MEDICIS", "DRC", "Gestion des adhérents et des contrats de prévoyance"),
    "benefits": ("MEDICIS", "DRC", "Gestion des prestations et des remboursements"),
    "prospection": ("MEDICIS", "DCEM", "Prospection commerciale"),
    "newsletter": ("MEDICIS", "DCEM", "Lettres d'information et offres promotionnelles"),
    "hr_payroll": ("MEDICIS", "RH", "Gestion administrative du personnel et paie"),
    "recruitment": ("MEDICIS", "RH", "Recrutement des candidats"),
    "elected_members": ("MEDICIS", "SG", "Gestion des élus et des instances statutaires"),
    "it_logs": ("MEDICIS", "DSI", "Journalisation des accès et sécurité du système d'information"),
    "adepia_members": ("ADEPIA", "SG", "Gestion des adhérents de l'association ADEPIA-Médicis"),
    "gerp_savings": ("GERP", "DRC", "Gestion des adhérents au contrat d'épargne retraite"),
    "learner_accounts": ("SAVELUNARI", "SUPPORT", "Gestion des comptes apprenants"),
    "course_delivery": ("SAVELUNARI", "PEDA", "Diffusion des cours et suivi de la progression"),
    "audience_analytics": ("SAVELUNARI", "DSI", "Mesure d'audience, cartes de chaleur et enregistrement de sessions"),
    "payments": ("SAVELUNARI", "FIN", "Paiements et facturation"),
    "support_desk": ("SAVELUNARI", "SUPPORT", "Assistance aux apprenants (centre de support)"),
    "video_hosting": ("SAVELUNARI", "PEDA", "Hébergement et lecture des vidéos de cours"),
    "social_sharing": ("SAVELUNARI", "DCEM", "Partage des réussites sur les réseaux sociaux"),
    "ai_personalisation": ("LUMINA", "PEDA", "Personnalisation des parcours et recommandations par IA"),
    "partner_sharing": ("LUMINA", "PEDA", "Partage de la progression avec les organismes partenaires"),
    "lumina_accounts": ("LUMINA", "SUPPORT", "Gestion des comptes apprenants Lumina"),
}


def activity_id(session: Session, key: str) -> int:
    entity_code, _, name = ACTIVITIES[key]
    entity = session.exec(select(Entity).where(Entity.code == entity_code)).one()
    return session.exec(select(ProcessingActivity.id).where(
        ProcessingActivity.entity_id == entity.id, ProcessingActivity.name == name)).one()


def seed(session: Session) -> None:
    if session.exec(select(ProcessingActivity)).first():
        return
    entities = {e.code: e.id for e in session.exec(select(Entity))}
    departments = {d.code: d.id for d in session.exec(select(Department))}
    for entity_code, department_code, name in ACTIVITIES.values():
        session.add(ProcessingActivity(reference=next_reference(session, ACTIVITY_PREFIX), name=name,
                                       entity_id=entities[entity_code], department_id=departments[department_code],
                                       status="validated"))
    session.flush()
