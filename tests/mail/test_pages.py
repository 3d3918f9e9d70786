"""The account page's mail preferences and the DPO's mail log, in AppTest (French UI)."""

from datetime import timedelta

from sqlmodel import select

from dashboard.demo import dsr as demo_dsr
from dashboard.mail import worker
from models import mail
from models.mail import MailPreference
from models.types import utcnow
from tests.dsr.conftest import make_request
from tests.mail.smtp_server import SmtpServer, free_port
from tests.page_support import app_as, page_path


def _account(app_org, username):
    at = app_as(app_org, username)
    at.switch_page(page_path("account.py")).run()
    assert not at.exception
    return at


def test_a_head_switches_an_event_off_and_chooses_english(app_org):
    at = _account(app_org, "chef.rh")
    labels = {c.key: c.label for c in at.checkbox if c.key and c.key.startswith("mail_pref_")}
    assert labels == {"mail_pref_request_routed": "Demande confiée à mon service",
                      "mail_pref_dsr_deadline": "Échéance d'une demande (J-7, J-3, J-1)",
                      "mail_pref_dsr_overdue": "Demande en retard",
                      "mail_pref_dpia": "AIPD : révision, mesures, réponse de la CNIL",
                      "mail_pref_register_review": "Revue annuelle du registre",
                      "mail_pref_data_review": "Revue annuelle des données et retraits de consentement à propager",
                      "mail_pref_digest": "Récapitulatif hebdomadaire (lundi matin)"}
    assert all(c.value for c in at.checkbox if c.key in labels)  # every event by default
    at.checkbox(key="mail_pref_digest").uncheck()
    at.radio(key="mail_pref_language").set_value("en")
    at.button[[b.label for b in at.button].index("Enregistrer mes préférences")].click().run()
    assert not at.exception and not at.error
    assert "Préférences de courriel enregistrées." in [s.value for s in at.success]
    assert at.checkbox(key="mail_pref_digest").value is False
    with app_org.session() as session:
        [row] = session.exec(select(MailPreference)).all()
    assert (row.disabled_events, row.language) == ("digest", "en")
    at.button[[b.label for b in at.button].index("Enregistrer mes préférences")].click().run()  # twice: same row
    with app_org.session() as session:
        assert len(session.exec(select(MailPreference)).all()) == 1


def test_an_auditor_is_told_the_role_gets_no_mail(app_org):
    at = _account(app_org, "auditeur")
    assert "Votre rôle ne reçoit aucune notification par courriel." in [c.value for c in at.caption]
    assert not [c for c in at.checkbox if c.key and c.key.startswith("mail_pref_")]


def test_the_dpo_sees_failed_mails_on_the_log_and_in_a_banner(app_org, monkeypatch):
    monkeypatch.delenv("DPO_SMTP_HOST", raising=False)
    with app_org.work() as session:
        demo_dsr.seed_routing(session)
    make_request(app_org)
    down = SmtpServer(free_port()).settings()
    moment = utcnow()
    for _ in range(mail.MAX_ATTEMPTS):
        worker.deliver(app_org.engine, moment, settings=down)
        moment += timedelta(hours=3)
    at = app_as(app_org, "dpo")
    assert "1 courriel(s) de notification n'ont pas pu être envoyés : voir « Courriels »." in [
        w.value for w in at.warning]
    at.switch_page(page_path("mail_log.py")).run()
    assert not at.exception and not at.error
    assert any("Aucun serveur de courriel n'est configuré" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert list(table["Résultat"]) == ["Échec"] and list(table["Destinataire"]) == ["chef.relation"]
    assert list(table["Événement"]) == ["Demande confiée à mon service"]
    assert list(table["Tentatives"]) == [mail.MAX_ATTEMPTS]
    assert "Jeanne" not in table.to_string()


def test_a_head_sees_no_mail_banner(app_org):
    at = app_as(app_org, "chef.rh")
    assert not [w for w in at.warning if "courriel" in w.value]
