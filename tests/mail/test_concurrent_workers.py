"""At most once: several workers running at the same time (threads of one process, and
two `manage.py worker --once` processes) send each mail once, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from dashboard.demo import dsr as demo_dsr
from dashboard.mail import worker
from models import mail
from models.mail import MailOutbox
from models.types import utcnow
from sqlmodel import select
from tests.breach.factories import declare
from tests.dsr.conftest import make_request

ROOT = Path(__file__).resolve().parents[2]


def busy_org(org):
    """Mails of every sort due now: routed requests, requests due within days, a breach
    whose 72 hours run out within 12 hours."""
    with org.work() as session:
        demo_dsr.seed_routing(session)
    for n in range(6):
        make_request(org, relation="member" if n % 2 else "staff")
    for days in (26, 28, 29):  # due within a few days: reminders now
        make_request(org, received_at=utcnow() - timedelta(days=days))
    declare(org, hours_ago=62)
    return org


def outbox(org) -> list[MailOutbox]:
    with org.session() as session:
        return list(session.exec(select(MailOutbox)).all())


def assert_each_mail_once(org, smtp_server):
    rows = outbox(org)
    assert rows and all(r.status == mail.SENT for r in rows), Counter(r.status for r in rows)
    events = Counter(r.event for r in rows)
    assert events[mail.REQUEST_ROUTED] and events[mail.DSR_DEADLINE] and events[mail.BREACH_CLOCK], events
    sent = Counter((m.to[0], m.subject) for m in smtp_server.messages)
    assert len(smtp_server.messages) == len(rows)
    assert max(sent.values()) == 1, [k for k, v in sent.items() if v > 1]


def test_worker_threads_at_once_send_each_mail_once(org, smtp_server):
    busy_org(org)
    start = threading.Barrier(4)
    errors = []

    def run():
        start.wait()
        try:
            for _ in range(2):
                worker.tick(org.engine, settings=smtp_server.settings(), base_url="")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors
    worker.deliver(org.engine, settings=smtp_server.settings(), base_url="")  # a pass skipped by the lock's holder
    assert_each_mail_once(org, smtp_server)


def test_two_worker_processes_at_once_send_each_mail_once(org, smtp_server):
    busy_org(org)
    env = {**os.environ, "DATABASE_URL": org.engine.url.render_as_string(hide_password=False),
           "DPO_SMTP_HOST": "127.0.0.1", "DPO_SMTP_PORT": str(smtp_server.port), "DPO_SMTP_TLS": "none",
           "DPO_MAIL_FROM": "dpo-desk@mutuelle-medicis.fr", "DPO_PUBLIC_URL": "http://localhost:8501"}
    command = [sys.executable, "-m", "dashboard.cli", "worker", "--once"]
    workers = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=240)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert all("mail.deliver" in out for out in outputs), outputs
    worker.deliver(org.engine, settings=smtp_server.settings(), base_url="")  # a pass skipped by the lock's holder
    assert_each_mail_once(org, smtp_server)
