"""`manage.py worker` (APScheduler), its job registry, and `manage.py demo` starting it."""

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from dashboard import cli
from dashboard.demo import dsr as demo_dsr
from dashboard.jobs import JOBS, runner
from models import mail
from models.mail import MailOutbox
from tests.dsr.conftest import make_request

ROOT = Path(__file__).resolve().parents[2]


def test_every_registered_job_resolves_to_a_function():
    assert len({job.name for job in JOBS}) == len(JOBS)
    for job in JOBS:
        assert callable(job.function()) and job.seconds > 0


def test_a_failing_job_is_logged_and_does_not_stop_the_others(org, monkeypatch, caplog):
    broken = runner.Job("broken", 60, "dashboard.mail.worker:does_not_exist")
    monkeypatch.setattr(runner, "JOBS", [broken, *JOBS])
    results = runner.run_once(org.engine)
    assert results["broken"] is None and "job broken failed" in caplog.text
    assert isinstance(results["mail.deliver"], dict)  # the next jobs ran


def _sqlite_org(org):
    return org.engine.url.get_backend_name() == "sqlite"


def test_worker_once_without_smtp_records_mails_as_not_configured(org, monkeypatch, capsys):
    with org.work() as session:
        demo_dsr.seed_routing(session)
    make_request(org)
    monkeypatch.setenv("DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("DPO_SMTP_HOST", raising=False)
    assert cli.main(["worker", "--once"]) == 0
    assert "mail.deliver: {'not_configured': 6}" in capsys.readouterr().out  # the routing mail, 5 digests
    with org.session() as session:
        assert {r.status for r in session.exec(select(MailOutbox))} == {mail.NOT_CONFIGURED}


def test_worker_refuses_bad_settings_and_unknown_jobs(monkeypatch, capsys):
    monkeypatch.setenv("DPO_SMTP_TLS", "maybe")
    assert cli.main(["worker", "--once"]) == 2
    monkeypatch.delenv("DPO_SMTP_TLS")
    assert cli.main(["worker", "--job", "nothing"]) == 2
    assert "mail.deliver" in capsys.readouterr().err


def test_the_scheduled_worker_sends_a_routed_request_mail(org, smtp_server, tmp_path):
    """The real `manage.py worker` process with APScheduler, until stopped."""
    with org.work() as session:
        demo_dsr.seed_routing(session)
    request = make_request(org)
    env = {**os.environ, "DATABASE_URL": org.engine.url.render_as_string(hide_password=False),
           "DPO_SMTP_HOST": "127.0.0.1", "DPO_SMTP_PORT": str(smtp_server.port), "DPO_SMTP_TLS": "none",
           "DPO_PUBLIC_URL": "https://dpo.example.fr"}
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "worker"], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not smtp_server.messages and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        assert smtp_server.messages, (tmp_path / "worker.log").read_text()[-3000:]
        assert request.reference in smtp_server.messages[0].subject
        assert process.poll() is None  # still running: it waits for the next runs
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_demo_starts_the_worker_beside_the_server(monkeypatch, tmp_path):
    started, stopped = [], []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            started.append(command)

        def terminate(self):
            stopped.append(True)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setenv("DPO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DPO_PUBLIC_URL", raising=False)
    monkeypatch.setattr(cli, "cmd_seed_demo", lambda args: 0)
    monkeypatch.setattr(cli, "cmd_serve", lambda args: 0)
    monkeypatch.setattr(cli.subprocess, "Popen", FakeProcess)
    assert cli.main(["demo", "--port", "8765"]) == 0
    assert started == [[sys.executable, "-m", "dashboard.cli", "worker"]] and stopped == [True]
    assert os.environ["DPO_PUBLIC_URL"] == "http://localhost:8765"
