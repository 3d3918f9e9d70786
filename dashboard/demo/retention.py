"""Demo: the insurer's yearly data review (seed 001: "Chaque année, Médicis procède à une
revue des données [...] un certificat de destruction") and the consent withdrawals of the
insurer's newsletter and of the e-learning platforms' marketing (seeds 000 and 002).

- the systems that hold each activity's data (the member-management software, the
  e-mailing tool, the HR information system...);
- last year's campaign for Médicis, nearly finished (two tasks late, one legal hold), with
  its certificate and the board report issued; this year's campaign, just generated, a
  few tasks already closed with their proof, one kept under an archiving obligation;
- the consent procedures, and withdrawals: one carried everywhere, one in time, one late,
  and one received as a data-subject request on Savelunari and linked to it.

Dates are relative to the day of seeding; idempotent (does nothing once a campaign exists).
"""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from dashboard import consent, retention, retention_documents
from dashboard.demo.activities import _actor, activity_id
from dashboard.dsr import intake
from models.clock import PARIS, paris_today
from models.org import Department, Entity
from models.retention import RetentionCampaign, RetentionTask

# activity key -> systems (name, department code)
SYSTEMS = {
    "member_management": (("Progiciel de gestion des adhérents", "DRC"), ("GED des contrats", "DRC")),
    "benefits": (("Plateforme de remboursement des prestations", "DRC"),),
    "prospection": (("CRM prospects", "DCEM"), ("Outil d'envoi MailPilot", "DCEM")),
    "newsletter": (("Outil d'envoi MailPilot", "DCEM"), ("CRM adhérents", "DSI")),
    "hr_payroll": (("SIRH", "RH"), ("Logiciel de paie", "RH")),
    "recruitment": (("Portail de recrutement", "RH"),),
    "elected_members": (("Registre des élus", "SG"),),
    "it_logs": (("Puits de journaux (SIEM)", "DSI"),),
    "learner_accounts": (("Base des comptes apprenants", "SUPPORT"), ("Outil d'envoi Courriel Lumière", "PEDA")),
    "audience_analytics": (("Plateforme de gestion du consentement", "PEDA"), ("Outil de mesure d'audience", "PEDA")),
    "lumina_accounts": (("Base des comptes Lumina", "LUM-SUPPORT"), ("Centre de préférences", "LUM-SUPPORT")),
}

PROCEDURES = {
    "newsletter": ("Case à cocher non pré-cochée dans l'espace adhérent et sur les formulaires web, texte de "
                   "consentement versionné", "Registre des consentements de l'outil d'envoi (horodatage, canal, "
                   "version du texte présenté)"),
    "prospection": ("Case à cocher sur les formulaires de contact des indépendants",
                    "Historique horodaté du CRM prospects"),
    "learner_accounts": ("Option « offres d'anniversaire » décochée par défaut dans le profil",
                         "Préférences de communication horodatées dans la base des comptes"),
    "audience_analytics": ("Bandeau de la plateforme de gestion du consentement : « Tout accepter » et « Tout "
                           "refuser » au même niveau", "Preuve horodatée du choix dans la plateforme de gestion du "
                           "consentement (13 mois)"),
    "lumina_accounts": ("Case à cocher à l'inscription et centre de préférences",
                        "Journal horodaté du centre de préférences"),
}

PROOFS = {
    "deletion": ("Script de purge exécuté sur la base de production ; journal d'exécution archivé dans la GED "
                 "conformité", "CHG-{year}-0{n}"),
    "anonymisation": ("Statistiques agrégées par campagne, identifiants supprimés ; contrôle par échantillon de "
                      "100 lignes", "PV-ANO-{year}-0{n}"),
}


def _close(session: Session, actor, task: RetentionTask, method: str, done_on: date, who: str, n: int) -> None:
    proof, reference = PROOFS[method]
    retention.close_task(session, actor, task.id, task.version,
                         {"method": method, "done_on": done_on, "done_by": who, "proof": proof,
                          "proof_reference": reference.format(year=done_on.year, n=n)}, today=paris_today())


def _campaign(session: Session, dpo, entity_id: int, as_of: date, due_on: date) -> list[RetentionTask]:
    campaign, _ = retention.generate_campaign(session, dpo, entity_id, as_of, due_on, today=paris_today())
    return list(session.exec(select(RetentionTask).where(RetentionTask.campaign_id == campaign.id)
                             .order_by(RetentionTask.id)))


def seed(session: Session) -> None:
    if session.exec(select(RetentionCampaign)).first():
        return
    today = paris_today()
    dpo, legal = _actor(session, "dpo"), _actor(session, "juriste")
    heads = {"DRC": _actor(session, "chef.relation"), "RH": _actor(session, "chef.rh"),
             "DCEM": _actor(session, "chef.marketing")}
    departments = {d.code: d.id for d in session.exec(select(Department))}
    code_of = {v: k for k, v in departments.items()}
    for key, systems in SYSTEMS.items():
        for name, code in systems:
            retention.add_system(session, dpo, activity_id(session, key), name, departments[code])
    medicis_id = session.exec(select(Entity.id).where(Entity.code == "MEDICIS")).one()

    # Last year's campaign: nearly finished, two tasks late, a legal hold; certificate and report issued.
    last_as_of = date(today.year - 1, 12, 1)
    last = _campaign(session, dpo, medicis_id, last_as_of, last_as_of + timedelta(days=60))
    for n, task in enumerate(last):
        code = code_of.get(task.department_id, "")
        if n in (3, 7):
            continue  # still open: late
        if n == 5:
            retention.record_exception(session, legal, task.id, task.version, {
                "ground": "legal_hold", "detail": "Contentieux prud'homal en cours (conseil de prud'hommes de Paris, "
                "RG 24/0031) : dossiers gelés jusqu'à la décision définitive",
                "kept_until": today + timedelta(days=540)},
                today=today)
            continue
        done_on = min(today, date(today.year - 1, 12, 1) + timedelta(days=10 + n))
        method = "anonymisation" if task.end_action == "anonymise" else "deletion"
        _close(session, heads.get(code, dpo), task, method, done_on, f"Équipe {code or 'DSI'} — exploitation", n)
    campaign_id = last[0].campaign_id
    retention_documents.issue_campaign_certificate(session, dpo, campaign_id, "fr")
    retention_documents.issue_campaign_report(session, dpo, campaign_id, "fr")

    # This year's campaign: just generated, a few tasks closed, one archiving obligation.
    as_of = max(date(today.year, 1, 2), today - timedelta(days=12))
    current = _campaign(session, dpo, medicis_id, as_of, as_of + timedelta(days=45))
    for n, task in enumerate(current[:4]):
        code = code_of.get(task.department_id, "")
        _close(session, heads.get(code, dpo), task, "deletion", max(as_of, today - timedelta(days=3 - min(n, 3))),
               f"Équipe {code or 'DSI'} — exploitation", n)
    payroll = next((t for t in current[4:] if t.end_action == "archive" or "paie" in t.system.lower()), None)
    if payroll is not None:
        retention.record_exception(session, legal, payroll.id, payroll.version, {
            "ground": "archiving_obligation", "detail": "Bulletins de paie : conservation imposée (Code du travail, "
            "art. L3243-4, et prescription des actions en paiement des salaires)",
            "kept_until": today + timedelta(days=1800)},
            today=today)
    retention_documents.issue_task_certificate(session, dpo, current[0].id, "fr")

    # Consent: procedures, then withdrawals.
    for key, (method, proof) in PROCEDURES.items():
        consent.save_procedure(session, dpo, activity_id(session, key), None, method, proof)
    newsletter = activity_id(session, "newsletter")
    examples = ((20, "unsubscribe_link", "MP-UNSUB-88412", "all"), (3, "preference_centre", "ESP-PREF-20931", "one"),
                (11, "email", "COUR-2026-1187", "none"))
    for days_ago, channel, reference, done in examples:
        received = today - timedelta(days=days_ago)
        withdrawal = consent.record_withdrawal(session, dpo, {"activity_id": newsletter, "received_on": received,
                                                             "channel": channel, "source_reference": reference})
        _tick(session, dpo, heads, code_of, withdrawal.id, received, done)

    # A withdrawal that came as a data-subject request on Savelunari, linked both ways.
    received = today - timedelta(days=2)
    savelunari_id = session.exec(select(Entity.id).where(Entity.code == "SAVELUNARI")).one()
    request = intake.create_request(session, dpo, {
        "entity_id": savelunari_id, "channel": "email",
        "received_at": datetime.combine(received, time(9, 40), tzinfo=PARIS),
        "requester_name": "Inès Garnier", "requester_contact": "ines.garnier@exemple-mail.fr", "relation": "learner",
        "rights": ["consent_withdrawal"], "description": "Je ne souhaite plus recevoir les offres d'anniversaire.",
        "is_minor": False, "activity_ids": [activity_id(session, "learner_accounts")]})
    withdrawal = consent.record_withdrawal(session, dpo, {
        "activity_id": activity_id(session, "learner_accounts"), "received_on": received, "channel": "dsr",
        "source_reference": request.reference, "dsr_id": request.id})
    _tick(session, dpo, heads, code_of, withdrawal.id, received, "one")
    session.flush()


def _tick(session: Session, dpo, heads, code_of, withdrawal_id: int, received: date, how: str) -> None:
    view = consent.get_withdrawal(session, dpo, withdrawal_id)
    steps = [row.step for row in view.steps]
    chosen = steps if how == "all" else steps[:1] if how == "one" else []
    for step in chosen:
        actor = heads.get(code_of.get(step.department_id, ""), dpo)
        consent.tick_step(session, actor, step.id, step.version, min(paris_today(), received + timedelta(days=1)),
                          "Liste d'opposition mise à jour")
