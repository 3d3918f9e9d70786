"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives: the mail tests
(and the browser tests) read it back."""

import email
import email.policy
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from dashboard.mail.smtp import SmtpSettings
from tests.app_server import free_port  # noqa: F401 - the mail tests take it from here


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    @property
    def raw(self) -> str:
        return self.message.as_string()


@dataclass
class SmtpServer:
    port: int
    messages: list[Received] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides) -> SmtpSettings:
        values = {"host": "127.0.0.1", "port": self.port, "tls": "none", "user": "", "password": "",
                  "sender": "dpo-desk@mutuelle-medicis.fr", "timeout": 10.0}
        values.update(overrides)
        return SmtpSettings(**values)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.to]
