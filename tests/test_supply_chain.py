"""Issue 14 item 10, supply chain (OWASP ASVS 4.0.3 V14.2.1 / V14.2.4; OWASP Top 10 A06 and A08):
every installed file is checked against the SHA-256 recorded in requirements.lock, and the
dependency audit says plainly when it could not check anything."""

import json
import re
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

import manage
from dashboard import deps_audit
from scripts import lock

ROOT = Path(__file__).resolve().parents[1]
LOCK_TEXT = (ROOT / "requirements.lock").read_text()


def _locked() -> dict[str, tuple[str, list[str]]]:
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z])", LOCK_TEXT.split("\n", 4)[-1].strip()):
        name, version = lock.read_pins(block)[0]
        entries[lock.normalise(name)] = (version, re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def test_every_locked_package_is_pinned_with_its_hashes_and_matches_pyproject():
    entries = _locked()
    assert len(entries) > 50
    for name, (version, hashes) in entries.items():
        assert hashes, f"{name}=={version} has no hash: pip --require-hashes would refuse the whole lock"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, version = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", spec).groups()
        assert entries[lock.normalise(name)][0] == version, spec


def test_manage_installs_the_lock_with_required_hashes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(manage, "VENV", tmp_path)
    monkeypatch.setattr(manage, "PYTHON", tmp_path / "bin" / "python")
    monkeypatch.setattr(manage.venv, "EnvBuilder", lambda **_: type("B", (), {"create": lambda self, p: None})())
    monkeypatch.setattr(manage.subprocess, "check_call", lambda cmd: calls.append(cmd))
    monkeypatch.setattr(manage.subprocess, "check_output", lambda *a, **k: str(tmp_path))
    manage.ensure_environment()
    install = calls[0]
    assert "--require-hashes" in install and install[install.index("-r") + 1] == str(manage.LOCK)


def test_a_file_whose_bytes_differ_from_the_lock_is_refused(tmp_path):
    """A substituted wheel (compromised mirror, cache or index) does not install."""
    version, hashes = _locked()["six"]
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / f"six-{version}-py2.py3-none-any.whl").write_bytes(b"not the genuine wheel")
    (tmp_path / "req.txt").write_text(f"six=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes) + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-index", "--no-deps", "--require-hashes",
                           "--find-links", str(tmp_path / "wheels"), "-d", str(tmp_path / "out"),
                           "-r", str(tmp_path / "req.txt")], capture_output=True, text=True)
    assert done.returncode != 0
    assert "DO NOT MATCH THE HASHES" in done.stderr


def test_lock_script_reads_pins_and_file_versions():
    assert lock.read_pins("psycopg[binary]==3.3.9 \\\n    --hash=sha256:ab\n# c\nsix==1.17.0") == [
        ("psycopg", "3.3.9"), ("six", "1.17.0")]
    assert lock._file_version("typing_extensions-4.16.0-py3-none-any.whl", "typing-extensions") == "4.16.0"
    assert lock._file_version("sqlalchemy-2.1.9.tar.gz", "SQLAlchemy") == "2.1.9"
    assert lock._file_version("sqlalchemy_utils-1.0.tar.gz", "SQLAlchemy") is None


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_audit_reports_clearly_when_the_advisory_source_cannot_be_reached():
    done = _cli("audit-deps", "--osv-url", "http://127.0.0.1:9/v1/query")  # nothing listens on port 9
    assert done.returncode == deps_audit.UNREACHABLE == 3
    assert "Audit NON EFFECTUÉ" in done.stderr and "Rien n'a été vérifié" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


class _FakeOSV(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = {}
        if query["package"]["name"] == "six":
            body = {"vulns": [{"id": "GHSA-test-0001", "summary": "test advisory",
                               "affected": [{"package": {"name": "six", "ecosystem": "PyPI"},
                                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                                                                        {"fixed": "99.0"}]}]}]}]}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_osv():
    server = HTTPServer(("127.0.0.1", 0), _FakeOSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()


def test_audit_lists_a_known_vulnerability_and_fails(fake_osv):
    done = _cli("audit-deps", "--osv-url", fake_osv)
    assert done.returncode == deps_audit.VULNERABLE == 1, done.stderr
    assert "GHSA-test-0001" in done.stdout and "six" in done.stdout and "99.0" in done.stdout


def test_audit_passes_when_no_advisory_matches(fake_osv, tmp_path):
    entries = _locked()
    (tmp_path / "lock").write_text(lock.render([(name, *entries[name]) for name in ("alembic", "idna")]))
    outcome = deps_audit.run_audit(tmp_path / "lock", osv_url=fake_osv)
    assert outcome.code == deps_audit.OK and outcome.params["packages"] >= 2, outcome
