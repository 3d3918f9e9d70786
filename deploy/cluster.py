"""`manage.py cluster`: N app servers and one nginx (and optionally a worker) on loopback,
against DATABASE_URL: the production layout of README "Deploying on several servers" on one
machine, for local trials, the browser tests (tests/e2e/test_cluster.py) and the load script
(benchmarks/load_sessions.py).

nginx runs in the foreground with its own prefix in a temporary folder, from
deploy/nginx.conf.template, with a self-signed certificate made by openssl for 127.0.0.1. The
app servers are `streamlit run dashboard/server.py` (what `manage.py serve` runs), each on
127.0.0.1 and a port of its own. The schema is migrated once before any server starts (two
servers must not migrate the same database at the same time).

Local only: nginx adds a response header X-DPO-Upstream (which app server answered) so that a
test can pin a browser to a server (`route_to`); the production template has none.
"""

import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().with_name("nginx.conf.template")
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
ROUTE_COOKIE = "dpo_desk_route"
UPSTREAM_HEADER = "X-DPO-Upstream"
MAX_SERVERS = 8


def nginx_available() -> bool:
    return Path(NGINX).exists() or shutil.which("nginx") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(template: str, **values: str) -> str:
    """Fill the template's {{name}} fields; a field left unfilled is an error."""
    text = template
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        missing = text[text.index("{{"):].split("}}")[0] + "}}"
        raise ValueError(f"nginx template field not filled: {missing}")
    return text


TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _upstream_servers(app_ports: list[int]) -> str:
    return "\n".join(f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in app_ports)


@dataclass
class WorkerFiles:
    """Where nginx's workers write what does not fit in memory (a large response, an upload), and
    the `user` line that names who they run as."""
    temp: Path
    user_directive: str = ""
    own_folder: bool = False  # outside the cluster's folder: removed on its own


def worker_files(folder: Path) -> WorkerFiles:
    """Started as root (a container, CI), nginx runs its workers as `nobody`, who cannot enter a
    private folder such as pytest's or mkdtemp's: a large response or an upload would then fail
    with "Permission denied". Their temporary files go to a folder of their own, which they own."""
    if os.geteuid() != 0:
        files = WorkerFiles(folder / "nginx-temp")
        for kind in TEMP_KINDS:
            (files.temp / kind).mkdir(parents=True, exist_ok=True)
        return files
    nobody = pwd.getpwnam("nobody")
    files = WorkerFiles(Path(tempfile.mkdtemp(prefix="dpo-nginx-temp-")),
                        f"user {nobody.pw_name} {grp.getgrgid(nobody.pw_gid).gr_name};", own_folder=True)
    files.temp.chmod(0o711)  # nobody may pass through, not list
    for kind in TEMP_KINDS:
        (files.temp / kind).mkdir()
        os.chown(files.temp / kind, nobody.pw_uid, nobody.pw_gid)
    return files


def nginx_config(folder: Path, *, app_ports: list[int], https_port: int, http_port: int,
                 certificate: Path, key: Path, workers: WorkerFiles) -> str:
    """The template filled for a loopback cluster whose nginx files live in `folder`."""
    return render(
        TEMPLATE.read_text(),
        main_directives="\n".join(filter(None, ["daemon off;", f"pid {folder / 'nginx.pid'};",
                                                 workers.user_directive])),
        error_log=str(folder / "nginx-error.log"),
        access_log=str(folder / "nginx-access.log"),
        http_directives="\n".join(f"    {kind}_temp_path {workers.temp / kind};" for kind in TEMP_KINDS),
        upstream_servers=_upstream_servers(app_ports),
        http_listen=f"127.0.0.1:{http_port}",
        https_listen=f"127.0.0.1:{https_port}",
        server_name="127.0.0.1 localhost",
        public_host=f"127.0.0.1:{https_port}",
        ssl_certificate=str(certificate),
        ssl_certificate_key=str(key),
        server_directives=f"        add_header {UPSTREAM_HEADER} $upstream_addr always;  # local cluster only",
    )


def production_config(*, app_ports: list[int], server_name: str = "dpo.example.fr",
                      certificate: str = "/etc/ssl/certs/dpo-desk.crt",
                      key: str = "/etc/ssl/private/dpo-desk.key") -> str:
    """The template filled for Debian's nginx service (edit the names, addresses and certificate)."""
    return render(
        TEMPLATE.read_text(),
        main_directives="user www-data;\npid /run/nginx.pid;",
        error_log="/var/log/nginx/error.log",
        access_log="/var/log/nginx/access.log",
        http_directives="    include /etc/nginx/mime.types;",
        upstream_servers=_upstream_servers(app_ports),
        http_listen="80", https_listen="443", server_name=server_name, public_host="$host",
        ssl_certificate=certificate, ssl_certificate_key=key, server_directives="")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    key.chmod(0o600)
    return cert, key


def _insecure_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate, on loopback
    return context


def _get(url: str, *, cookie: str | None = None, timeout: float = 3):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    return urllib.request.urlopen(request, timeout=timeout, context=_insecure_context())


def _wait_until(check, process: subprocess.Popen, log: Path, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not start:\n{tail}")
        time.sleep(0.3)


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15) -> None:
        _stop(self.process, timeout)


def _stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass
class Cluster:
    url: str  # https://127.0.0.1:PORT, through nginx
    http_url: str
    servers: list[AppServer]
    folder: Path
    nginx: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def route_to(self, index: int, attempts: int = 200) -> str:
        """A value of the routing cookie that nginx sends to server `index` (found by asking)."""
        wanted = self.servers[index].address
        for _ in range(attempts):
            value = uuid.uuid4().hex
            with _get(f"{self.url}/_stcore/health", cookie=f"{ROUTE_COOKIE}={value}") as response:
                if response.headers.get(UPSTREAM_HEADER) == wanted:
                    return value
        raise RuntimeError(f"no routing key found for {wanted}")


def start_app_server(port: int, folder: Path, env: dict) -> AppServer:
    log = folder / f"app-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "server.py"), "--server.headless",
             "true", "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
             "false"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return AppServer(port, process, log)


def _healthy(url: str) -> bool:
    with _get(f"{url}/_stcore/health", timeout=2) as response:
        return response.status == 200


def prepare_database(database_url: str, *, seed_demo: bool = False, env: dict | None = None) -> None:
    """Migrate (and seed) once, before any server starts: the command line does it in its own process."""
    command = "seed-demo" if seed_demo else "migrate"
    subprocess.run([sys.executable, "-m", "dashboard.cli", command], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, **(env or {}), "DATABASE_URL": database_url})


@contextmanager
def running_cluster(database_url: str, folder: Path | None = None, *, servers: int = 2, https_port: int | None = None,
                    http_port: int | None = None, app_ports: list[int] | None = None, worker: bool = False,
                    env: dict | None = None, migrate: bool = True, seed_demo: bool = False):
    """Yield a Cluster once nginx and every app server answer; stop them all at the end."""
    if not 1 <= servers <= MAX_SERVERS:
        raise ValueError(f"1 to {MAX_SERVERS} servers")
    if not nginx_available():
        raise RuntimeError(f"nginx not found at {NGINX} (apt-get install nginx-light)")
    own_folder = folder is None
    folder = Path(tempfile.mkdtemp(prefix="dpo-cluster-")) if own_folder else folder
    folder.mkdir(parents=True, exist_ok=True)
    https_port = https_port or free_port()
    http_port = http_port or free_port()
    app_ports = app_ports or [free_port() for _ in range(servers)]
    public_url = f"https://127.0.0.1:{https_port}"
    full_env = {**os.environ, "DPO_PUBLIC_URL": public_url, **(env or {}), "DATABASE_URL": database_url}
    # One Streamlit cookie secret for every server (signed cookies of the single sign-on flow), as on
    # several machines (README); a random one per process would refuse a cookie signed by another.
    full_env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    if migrate or seed_demo:
        prepare_database(database_url, env=full_env)  # the schema first, once
    certificate, key = self_signed_certificate(folder)
    conf = folder / "nginx.conf"
    nginx_workers = worker_files(folder)
    conf.write_text(nginx_config(folder, app_ports=app_ports, https_port=https_port, http_port=http_port,
                                 certificate=certificate, key=key, workers=nginx_workers))
    app_servers: list[AppServer] = []
    nginx = None
    workers: list[subprocess.Popen] = []
    seeding = None
    try:
        if seed_demo:  # the demo data goes in while the servers start
            seeding = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "seed-demo"], cwd=ROOT, env=full_env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        app_servers = [start_app_server(port, folder, full_env) for port in app_ports]
        nginx_log = folder / "nginx-stderr.log"
        with open(nginx_log, "w") as out:
            nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")],
                                     stdout=out, stderr=subprocess.STDOUT)
        for server in app_servers:
            _wait_until(lambda s=server: _healthy(s.url), server.process, server.log, f"app server {server.port}")
        _wait_until(lambda: _healthy(public_url), nginx, folder / "nginx-error.log", "nginx", timeout=30)
        if seeding is not None:
            _, errors = seeding.communicate(timeout=600)
            if seeding.returncode:
                raise RuntimeError(f"seed-demo failed:\n{errors[-3000:]}")
        if worker:
            with open(folder / "worker.log", "w") as out:
                workers.append(subprocess.Popen([sys.executable, "-m", "dashboard.cli", "worker"], cwd=ROOT,
                                                env=full_env, stdout=out, stderr=subprocess.STDOUT))
        yield Cluster(public_url, f"http://127.0.0.1:{http_port}", app_servers, folder, nginx, workers)
    finally:
        for process in [*workers, *(s.process for s in app_servers), *([seeding] if seeding else [])]:
            with suppress(Exception):
                _stop(process)
        if nginx is not None:
            with suppress(Exception):
                _stop(nginx, timeout=10)
        if nginx_workers.own_folder:
            shutil.rmtree(nginx_workers.temp, ignore_errors=True)
        if own_folder:
            shutil.rmtree(folder, ignore_errors=True)


def _interrupt(*_):
    raise KeyboardInterrupt


def main(args) -> int:
    """`manage.py cluster`: run until Ctrl-C (or SIGTERM)."""
    from dashboard import config

    if args.print_nginx_config:  # for a server: Debian's paths, ports 80 and 443
        print(production_config(app_ports=[args.first_app_port + n for n in range(args.servers)]))
        return 0
    url = config.database_url()
    app_ports = [args.first_app_port + n for n in range(args.servers)]
    signal.signal(signal.SIGTERM, _interrupt)  # systemctl stop / kill: stop the servers and nginx too
    try:
        with running_cluster(url, servers=args.servers, https_port=args.port, http_port=args.http_port,
                             app_ports=app_ports, worker=args.worker, seed_demo=args.seed_demo) as cluster:
            print(f"DPO Desk on {cluster.url} (self-signed certificate), HTTP {cluster.http_url} -> HTTPS")
            for server in cluster.servers:
                print(f"  app server {server.url}   log {server.log}")
            print(f"  nginx logs in {cluster.folder}; Ctrl-C stops everything", flush=True)
            while all(s.running() for s in cluster.servers) and cluster.nginx.poll() is None:
                time.sleep(1)
            print("a process stopped; stopping the cluster", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
