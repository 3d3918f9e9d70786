"""More than one machine (issue 19): two app servers behind nginx (TLS, sticky sessions on the
routing cookie, deploy/nginx.conf.template) on one PostgreSQL database seeded with the demo,
started by deploy/cluster.py (what `manage.py cluster` runs).

- an edit through server A is read on server B;
- a stale save is refused across servers (two people pinned to different servers);
- a server stopped mid-session costs the user a reload, not data (last: it stops a server).

Scheduled jobs run once across servers: tests/mail/test_concurrent_workers.py
(`test_two_worker_processes_at_once_send_each_mail_once`, two `manage.py worker --once` processes
at the same time on PostgreSQL, each mail sent once: the outbox's unique key per event, case,
threshold and recipient is the claim, plus an advisory lock per job); the last test here checks
that it is still there and still runs on PostgreSQL.

Needs PostgreSQL (TEST_DATABASE_URL), nginx and Chromium: each missing one is a skip that says
which (a failure in CI)."""

import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit
from playwright.sync_api import expect
from sqlmodel import select

from dashboard import auth, db
from dashboard.breach import records as breach_records
from deploy import cluster as cluster_module
from models.breach import Breach
from models.org import Department, Entity, User
from tests.breach.factories import facts
from tests.conftest import service_missing, throwaway_postgres
from tests.e2e.conftest import PASSWORD, keyed, new_page, press, settle, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

REFUSED = "dpo a modifié ce dossier"  # the audit trail names the first person by their login


@pytest.fixture(scope="module")
def cluster_database():
    """A throwaway PostgreSQL database of its own (the cluster seeds it with the demo), dropped at the end."""
    if not cluster_module.nginx_available():
        service_missing(f"nginx not found at {cluster_module.NGINX} (apt-get install nginx-light)")
    yield from throwaway_postgres("dpo_cluster")


@pytest.fixture(scope="module")
def cluster(cluster_database, browser, tmp_path_factory):
    with cluster_module.running_cluster(cluster_database, tmp_path_factory.mktemp("cluster"), servers=2,
                                        seed_demo=True) as running:
        yield running


@pytest.fixture(scope="module")
def database(cluster, cluster_database):
    engine = db.make_engine(cluster_database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def breach_id(database):
    with db.unit_of_work(database) as session:
        dpo = auth.actor_for(session, session.exec(select(User).where(User.username == "dpo")).one())
        org = SimpleNamespace(
            entities={"MEDICIS": session.exec(select(Entity).where(Entity.code == "MEDICIS")).one()},
            departments={"DRC": session.exec(select(Department).where(Department.code == "DRC")).one()})
        data = facts(org, title="Fuite de test : deux serveurs")
        data |= {name: data[name].replace(second=0) for name in ("detected_at", "aware_at", "started_at")}
        return breach_records.declare(session, dpo, data).id


def pinned(browser, cluster, index: int):
    """A browser whose routing cookie sends it to app server `index` (through nginx)."""
    expect.set_options(timeout=30_000)  # as tests/e2e/conftest.page: 5 s is short on a loaded machine
    page = new_page(browser, ignore_https_errors=True)
    page.context.add_cookies([{"name": cluster_module.ROUTE_COOKIE, "value": cluster.route_to(index),
                               "url": cluster.url, "secure": True, "httpOnly": True}])
    return page


def served_by(page, url: str) -> str:
    """Load `url` and return the app server that answered (nginx lists every server it tried,
    e.g. "127.0.0.1:8602, 127.0.0.1:8601" when the first refused the connection)."""
    response = page.goto(url)
    wait_idle(page)
    return response.headers.get(cluster_module.UPSTREAM_HEADER.lower(), "").split(",")[-1].strip()


def nginx_errors(cluster) -> str:
    """Why a browser left its server, when it did: nginx logs each upstream it gave up on."""
    log = cluster.folder / "nginx-error.log"
    return "nginx's error log ends with:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])


def log_in(page, cluster, username: str) -> None:
    """tests/e2e/conftest.login, without clearing the routing cookie."""
    page.goto(cluster.url)
    wait_idle(page)
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(PASSWORD)
    press(page.get_by_role("button", name="Se connecter"))
    page.get_by_text("Connecté(e) :").wait_for()
    wait_idle(page)


@pytest.fixture(scope="module")
def people(browser, cluster):
    """The DPO on server A (index 0), the lawyer on server B (index 1)."""
    a, b = pinned(browser, cluster, 0), pinned(browser, cluster, 1)
    log_in(a, cluster, "dpo")
    log_in(b, cluster, "juriste")
    yield a, b
    for page in (a, b):
        page.context.close()


def _open_facts(page, cluster, breach_id, server) -> None:
    assert served_by(page, f"{cluster.url}/breach?id={breach_id}") == server.address, nginx_errors(cluster)
    _expand_facts(page)


def _expand_facts(page) -> None:
    """Open the facts form's expander, unless the page shows it open already (after a save)."""
    title = page.locator(keyed("breach/facts_title") + " input")
    expander = page.get_by_text("Compléter ou corriger les faits")
    expander.wait_for()
    if not title.is_visible():
        expander.click()
    expect(title).to_be_visible()
    settle(page)  # a run still going (the session resumed after a reload) would drop the typing and the click


def _save(page, field, answer) -> None:
    """Save the form holding `field` and see `answer` (the saved value is then read back from
    PostgreSQL or through the other server)."""
    button = page.get_by_test_id("stForm").filter(has=field).get_by_role("button", name="Enregistrer", exact=True)
    press(button, "cluster save")
    expect(answer).to_be_visible()


def test_an_edit_through_server_a_is_read_on_server_b(people, cluster, breach_id, database):
    a, b = people
    _open_facts(a, cluster, breach_id, cluster.servers[0])
    title = a.locator(keyed("breach/facts_title") + " input")
    title.fill("Fuite de test : écrite sur le serveur A")
    _save(a, title, a.get_by_text("Enregistré."))

    assert served_by(b, f"{cluster.url}/breach?id={breach_id}") == cluster.servers[1].address, nginx_errors(cluster)
    expect(b.get_by_role("heading", name="Fuite de test : écrite sur le serveur A")).to_be_visible()


def test_a_stale_save_is_refused_across_servers(people, cluster, breach_id, database):
    a, b = people
    _open_facts(a, cluster, breach_id, cluster.servers[0])
    _open_facts(b, cluster, breach_id, cluster.servers[1])  # both forms open before anyone saves

    title = a.locator(keyed("breach/facts_title") + " input")
    title.fill("Fuite de test : corrigée sur A")
    _save(a, title, a.get_by_text("Enregistré."))

    description = b.locator(keyed("breach/facts_description") + " textarea")
    description.fill("Description réécrite sur B")
    _save(b, description, b.get_by_test_id("stAlertContentError").filter(has_text=REFUSED))
    expect(b.get_by_text("champs modifiés : Intitulé)")).to_be_visible()  # what A changed, and who
    expect(description).to_have_value("Description réécrite sur B")  # B's input is still there
    with db.new_session(database) as session:
        stored = session.get(Breach, breach_id)
        assert stored.title == "Fuite de test : corrigée sur A"
        assert stored.description != "Description réécrite sur B"


def _fetch(url: str, *, method: str = "GET", body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60, context=cluster_module._insecure_context()) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_a_large_response_and_an_upload_pass_through_nginx(cluster):
    """Both go beyond nginx's memory buffers into its temporary files, written by its workers (as
    `nobody` when nginx starts as root): the chart library and an attachment must arrive whole."""
    static = Path(streamlit.__file__).parent / "static" / "static" / "js"
    largest = max(static.glob("*.js"), key=lambda path: path.stat().st_size)
    path = f"/static/js/{largest.name}"
    assert _fetch(cluster.url + path) == _fetch(cluster.servers[0].url + path) == (200, largest.read_bytes())

    # The app refuses an upload to an unknown session before reading it (a large body sent to it
    # directly may meet a closed socket); through nginx, the body is first read whole.
    upload = "/_stcore/upload_file/no-such-session/no-such-file"
    refused, _ = _fetch(cluster.servers[0].url + upload, method="PUT", body=b"x")
    assert refused != 500
    assert _fetch(cluster.url + upload, method="PUT", body=b"x" * (2 * 1024 * 1024))[0] == refused  # not nginx's 500


def test_jobs_run_once_across_servers_is_the_mail_tests_two_worker_processes():
    """Not repeated here: the two-process test of the mail worker, on PostgreSQL too (`org`)."""
    from tests.mail import test_concurrent_workers as workers

    assert "org" in workers.test_two_worker_processes_at_once_send_each_mail_once.__code__.co_varnames


def test_a_server_stopped_mid_session_costs_a_reload_not_data(browser, cluster, breach_id, database):
    page = pinned(browser, cluster, 1)
    try:
        log_in(page, cluster, "dpo")
        _open_facts(page, cluster, breach_id, cluster.servers[1])
        title = page.locator(keyed("breach/facts_title") + " input")
        title.fill("Fuite de test : enregistrée avant l'arrêt")
        _save(page, title, page.get_by_text("Enregistré."))

        cluster.servers[1].stop()  # mid-session: the browser's WebSocket to it closes

        # The user reloads: nginx sends the same routing cookie to the server still running, where
        # the log-in session (in PostgreSQL) resumes, with the data committed before the stop.
        assert served_by(page, f"{cluster.url}/breach?id={breach_id}") == cluster.servers[0].address, \
            nginx_errors(cluster)
        expect(page.get_by_text("Connecté(e) :")).to_be_visible()
        expect(page.get_by_role("heading", name="Fuite de test : enregistrée avant l'arrêt")).to_be_visible()

        _expand_facts(page)  # and goes on working there
        title = page.locator(keyed("breach/facts_title") + " input")
        title.fill("Fuite de test : enregistrée après l'arrêt")
        _save(page, title, page.get_by_text("Enregistré."))
        with db.new_session(database) as session:
            assert session.get(Breach, breach_id).title == "Fuite de test : enregistrée après l'arrêt"
    finally:
        page.context.close()
