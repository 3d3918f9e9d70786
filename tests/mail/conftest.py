import pytest

from tests.mail.smtp_server import SmtpServer, free_port


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()
