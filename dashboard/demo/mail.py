"""Demo e-mail preferences: the head of the e-learning teaching department reads his mails
in English, the marketing head does without the weekly digest. The mails themselves come
from the demo cases (routed requests, declared breaches) and from the worker that
`manage.py demo` starts (recorded as "not sent" until DPO_SMTP_HOST is set)."""

from sqlmodel import Session, select

from models import mail
from models.mail import MailPreference
from models.org import User

PREFERENCES = {"chef.peda": ("", "en"), "chef.marketing": (mail.DIGEST, "fr")}


def seed(session: Session) -> None:
    for username, (disabled, language) in PREFERENCES.items():
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or session.exec(select(MailPreference).where(MailPreference.user_id == user.id)).first():
            continue
        session.add(MailPreference(user_id=user.id, disabled_events=disabled, language=language))
    session.flush()
