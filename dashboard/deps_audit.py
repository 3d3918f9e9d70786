"""Dependency audit: the locked packages against a public advisory database (pip-audit).

Exit codes of `manage.py audit-deps` (documented in the README):
  0  no known vulnerability in requirements.lock
  1  known vulnerabilities: the report lists package, version, advisory and fixed versions
  3  the advisory source could not be reached: NOTHING WAS CHECKED (not a pass)
  2  pip-audit missing or failed for another reason
The audit reads the hashed lock without installing anything (`--disable-pip --no-deps`).
"""

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import config

OK, VULNERABLE, FAILED, UNREACHABLE = 0, 1, 2, 3
DEFAULT_SERVICE = "osv"  # OSV aggregates the PyPA advisory database and GitHub's advisories
_NETWORK_SIGNS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "ConnectTimeout",
                  "ReadTimeout", "Temporary failure in name resolution", "Network is unreachable")


@dataclass
class AuditOutcome:
    code: int
    key: str  # catalogue key of the one-line summary
    params: dict = field(default_factory=dict)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, version, advisory, fixed in


def run_audit(lock: Path | None = None, *, service: str = DEFAULT_SERVICE, osv_url: str | None = None,
              timeout: int = 15) -> AuditOutcome:
    lock = lock or config.ROOT / "requirements.lock"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--disable-pip", "--no-deps",
                   "--require-hashes", "-s", service, "--progress-spinner", "off", "--timeout", str(timeout),
                   "-f", "json", "-o", str(report)]
        if osv_url:
            command += ["--osv-url", osv_url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * 40)
        except subprocess.TimeoutExpired:
            return AuditOutcome(UNREACHABLE, "deps.audit.unreachable", {"service": service, "detail": "timeout"})
        text = report.read_text() if report.exists() else ""
    if not text:
        stderr = done.stderr or ""
        if "No module named pip_audit" in stderr:
            return AuditOutcome(FAILED, "deps.audit.missing")
        if any(sign in stderr for sign in _NETWORK_SIGNS):
            last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
            return AuditOutcome(UNREACHABLE, "deps.audit.unreachable", {"service": service, "detail": last[:300]})
        return AuditOutcome(FAILED, "deps.audit.failed", {"detail": (stderr.strip().splitlines() or [""])[-1][:300]})
    data = json.loads(text)
    packages = data.get("dependencies", data) if isinstance(data, dict) else data
    findings = [(p["name"], p.get("version", ""), v["id"], ", ".join(v.get("fix_versions", [])) or "-")
                for p in packages for v in p.get("vulns", [])]
    if findings:
        return AuditOutcome(VULNERABLE, "deps.audit.vulnerable", {"count": len(findings)}, findings)
    return AuditOutcome(OK, "deps.audit.clean", {"packages": len(packages), "service": service})
