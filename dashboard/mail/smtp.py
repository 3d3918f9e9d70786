"""The SMTP connection, configured by the environment (README, "E-mail notifications").

Standard library only (smtplib, email). Without `DPO_SMTP_HOST` nothing is sent: the
worker records each mail as "not configured" (the demo runs that way).
"""

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from models.types import utcnow

TLS_MODES = ("starttls", "ssl", "none")


class MailConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str  # starttls | ssl (implicit TLS, port 465) | none (a relay on the same host only)
    user: str
    password: str
    sender: str
    timeout: float = 30.0
    ca_file: str = ""  # PEM of the CA that signed the server's certificate; "": the system's

    @property
    def configured(self) -> bool:
        return bool(self.host)


def settings_from_env(environ: dict | None = None) -> SmtpSettings:
    env = os.environ if environ is None else environ
    tls = env.get("DPO_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise MailConfigError(f"DPO_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[tls]
    port_text = env.get("DPO_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else default_port
    except ValueError as exc:
        raise MailConfigError(f"DPO_SMTP_PORT must be a number, not {port_text!r}") from exc
    host = env.get("DPO_SMTP_HOST", "").strip()
    sender = env.get("DPO_MAIL_FROM", "").strip() or "dpo-desk@localhost"
    return SmtpSettings(host=host, port=port, tls=tls, user=env.get("DPO_SMTP_USER", "").strip(),
                        password=env.get("DPO_SMTP_PASSWORD", ""), sender=sender,
                        ca_file=env.get("DPO_SMTP_CA_FILE", "").strip())


def public_url(environ: dict | None = None) -> str:
    """The app's address for the links in mails (`DPO_PUBLIC_URL`, e.g. https://dpo.example.fr)."""
    env = os.environ if environ is None else environ
    return env.get("DPO_PUBLIC_URL", "").strip().rstrip("/")


def build_message(settings: SmtpSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    domain = settings.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a notification
    message.set_content(body)
    return message


def send(settings: SmtpSettings, to: str, subject: str, body: str) -> None:
    """Send one mail; raises OSError / smtplib.SMTPException when it could not be handed over."""
    message = build_message(settings, to, subject, body)
    context = ssl.create_default_context(cafile=settings.ca_file or None)  # the certificate and host name checked
    if settings.tls == "ssl":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        client.ehlo()
        if settings.tls == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(message)
