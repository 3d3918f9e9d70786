"""deploy/: the nginx template (rendered and checked by nginx itself), the systemd units' commands,
and the PostgreSQL pool settings read from the environment (README, "Deploying on several servers")."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url

from dashboard import cli, config, db
from deploy import cluster

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"


def _locations(conf: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*location ([^{\n]+?) \{(.*?)\n        \}", conf, flags=re.S | re.M))


def test_the_production_config_is_complete_and_every_proxied_location_forwards_the_scheme():
    conf = cluster.production_config(app_ports=[8601, 8602, 8603])
    assert "{{" not in conf and "X-DPO-Upstream" not in conf  # the local debug header stays local
    assert "hash $dpo_route consistent;" in conf
    assert conf.count("max_fails=3 fail_timeout=10s;") == 3  # one stray error moves no browser off its session
    assert "return 301 https://$host$request_uri;" in conf and "listen 443 ssl;" in conf
    locations = _locations(conf)
    assert set(locations) == {"/", "= /_stcore/stream", "/api/calendar/", "/auth/"}
    for name, body in locations.items():
        # proxy_set_header is not inherited by a location that sets one: each must say https itself
        # (else the app sets its cookies without Secure and __Host-).
        assert "proxy_set_header X-Forwarded-Proto https;" in body, name
        assert "proxy_set_header Host $host;" in body, name
    stream = locations["= /_stcore/stream"]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream and "proxy_read_timeout 1d;" in stream
    assert "access_log off;" in locations["/api/calendar/"] and "access_log off;" in locations["/auth/"]


def test_a_template_field_left_unfilled_is_an_error():
    with pytest.raises(ValueError, match="ssl_certificate"):
        cluster.render("listen {{https_listen}}; ssl_certificate {{ssl_certificate}};", https_listen="443")


@pytest.mark.skipif(not cluster.nginx_available(), reason="nginx not installed (apt-get install nginx-light)")
def test_nginx_accepts_the_local_config(tmp_path):
    cert, key = cluster.self_signed_certificate(tmp_path)
    conf = tmp_path / "nginx.conf"
    workers = cluster.worker_files(tmp_path)
    conf.write_text(cluster.nginx_config(tmp_path, app_ports=[18601, 18602], https_port=18443, http_port=18080,
                                         certificate=cert, key=key, workers=workers))
    checked = subprocess.run([cluster.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e",
                              str(tmp_path / "error.log")], capture_output=True, text=True)
    if workers.own_folder:
        shutil.rmtree(workers.temp)
    assert checked.returncode == 0, checked.stderr


def test_nginx_closes_an_idle_connection_to_an_app_server_before_the_server_does():
    """Else a request sent on a connection the app server is closing fails, and counts against a
    healthy server: sticky browsers would move off their Streamlit sessions (a stale routing)."""
    import uvicorn
    from streamlit.web.server.starlette import starlette_server

    server_side = uvicorn.Config(app=None, **starlette_server._get_uvicorn_config_kwargs()).timeout_keep_alive
    upstream = re.search(r"upstream dpo_desk \{(.*?)\n    \}", cluster.production_config(app_ports=[8601]), re.S)
    nginx_side = re.search(r"^\s*keepalive_timeout (\d+)s;", upstream.group(1), re.M)
    assert nginx_side and int(nginx_side.group(1)) < server_side


@pytest.mark.parametrize("unit", ["dpo-desk@.service", "dpo-desk-worker.service"])
def test_the_units_run_commands_that_exist(unit):
    text = (UNITS / unit).read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", text, flags=re.M).group(1).replace("%i", "8601").split()
    assert exec_start[1:3] == ["-m", "dashboard.cli"]
    args = cli.build_parser().parse_args(exec_start[3:])  # exits (SystemExit) on an unknown option
    assert args.func in (cli.cmd_serve, cli.cmd_worker)
    assert "DPO_AUTO_MIGRATE=0" in text and "EnvironmentFile=/etc/dpo-desk/dpo-desk.env" in text


def test_pool_sizes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DPO_DB_POOL_SIZE", "3")
    monkeypatch.setenv("DPO_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("DPO_DB_POOL_TIMEOUT", "7")
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # no connection is made
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (3, 0, 7)
    engine.dispose()
    for name in ("DPO_DB_POOL_SIZE", "DPO_DB_MAX_OVERFLOW", "DPO_DB_POOL_TIMEOUT"):
        monkeypatch.delenv(name)
    assert (config.db_pool_size(), config.db_max_overflow(), config.db_pool_timeout()) == (5, 10, 30)


@pytest.mark.parametrize("value", ["0", "-1", "many", "1e3", "101"])
def test_a_bad_pool_size_is_refused_with_the_variable_named(monkeypatch, value):
    monkeypatch.setenv("DPO_DB_POOL_SIZE", value)
    with pytest.raises(ValueError, match="DPO_DB_POOL_SIZE must be an integer between 1 and 100"):
        db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_the_load_script_refuses_more_than_50_sessions_and_other_hosts():
    from benchmarks import load_sessions

    for argv in (["--sessions", "51"], ["--url", "https://example.org", "--database-url", "postgresql://x/y"],
                 ["--duration", "301"]):
        with pytest.raises(SystemExit) as exit_:
            load_sessions.main(argv)
        assert exit_.value.code == 2
    assert make_url("postgresql+psycopg://x@127.0.0.1/y").host in load_sessions.LOOPBACK


def test_the_served_app_does_no_heap_wide_work_after_each_run(monkeypatch):
    """As Streamlit reads .streamlit/config.toml where every server starts (the repository
    root): no source watcher, which resolved every loaded module's path after each run, and
    no full garbage collection after each run, which walked the whole heap (README, Benchmarks)."""
    from streamlit import config as streamlit_config

    monkeypatch.chdir(ROOT)
    try:
        streamlit_config.get_config_options(force_reparse=True)
        assert streamlit_config.get_option("server.fileWatcherType") == "none"
        assert streamlit_config.get_option("server.runOnSave") is False
        assert streamlit_config.get_option("runner.postScriptGC") is False
    finally:
        streamlit_config.get_config_options(force_reparse=True)
