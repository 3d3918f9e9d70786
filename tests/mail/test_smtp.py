"""The SMTP connection itself: settings from the environment, STARTTLS with the server's
certificate checked, the log-in, against a real aiosmtpd server on localhost."""

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from dashboard.mail import smtp
from tests.mail.smtp_server import SmtpServer, free_port


def test_settings_from_environment():
    settings = smtp.settings_from_env({"DPO_SMTP_HOST": "smtp.mutuelle-medicis.fr", "DPO_SMTP_USER": "dpo-desk",
                                       "DPO_SMTP_PASSWORD": "s3cret", "DPO_MAIL_FROM": "dpo-desk@medicis.fr"})
    assert (settings.host, settings.port, settings.tls, settings.user, settings.sender) == (
        "smtp.mutuelle-medicis.fr", 587, "starttls", "dpo-desk", "dpo-desk@medicis.fr")
    assert smtp.settings_from_env({"DPO_SMTP_HOST": "h", "DPO_SMTP_TLS": "ssl"}).port == 465
    assert smtp.settings_from_env({"DPO_SMTP_HOST": "h", "DPO_SMTP_TLS": "none", "DPO_SMTP_PORT": "2525"}).port == 2525
    assert not smtp.settings_from_env({}).configured


@pytest.mark.parametrize("environ", [{"DPO_SMTP_TLS": "maybe"}, {"DPO_SMTP_PORT": "twenty-five"}])
def test_bad_settings_are_refused_with_a_message(environ):
    with pytest.raises(smtp.MailConfigError):
        smtp.settings_from_env({"DPO_SMTP_HOST": "h", **environ})


def test_plain_send_reaches_the_server(smtp_server):
    smtp.send(smtp_server.settings(), "chef.rh@mutuelle-medicis.fr", "[DPO Desk] Essai", "Corps é ü")
    [received] = smtp_server.messages
    assert received.to == ["chef.rh@mutuelle-medicis.fr"]
    assert received.subject == "[DPO Desk] Essai" and "Corps é ü" in received.body
    assert received.message["Auto-Submitted"] == "auto-generated"


@pytest.fixture
def certificate(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl not found: no certificate for the STARTTLS test")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    return key, cert


class Logins:
    def __init__(self):
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        self.seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-smtp")


def test_starttls_with_the_certificate_checked_and_a_login(certificate):
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server, logins = SmtpServer(free_port()), Logins()
    controller = Controller(server, hostname="127.0.0.1", port=server.port, tls_context=context,
                            require_starttls=True, authenticator=logins, auth_require_tls=True,
                            server_hostname="localhost")
    controller.start()
    try:
        settings = server.settings(host="localhost", tls="starttls", user="dpo-desk", password="s3cret-smtp",
                                   ca_file=str(cert))
        smtp.send(settings, "dpo@mutuelle-medicis.fr", "Sujet", "Corps")
        assert [m.to for m in server.messages] == [["dpo@mutuelle-medicis.fr"]]
        assert logins.seen == [(b"dpo-desk", b"s3cret-smtp")]
        with pytest.raises(ssl.SSLCertVerificationError):  # a certificate the system does not trust: refused
            smtp.send(server.settings(host="localhost", tls="starttls"), "dpo@mutuelle-medicis.fr", "S", "C")
        with pytest.raises((smtp.smtplib.SMTPException, OSError)):  # what the worker records as a failure
            smtp.send(server.settings(host="localhost", tls="starttls", user="dpo-desk", password="wrong",
                                      ca_file=str(cert), timeout=3.0), "dpo@mutuelle-medicis.fr", "S", "C")
        assert len(server.messages) == 1
    finally:
        controller.stop()
