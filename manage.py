#!/usr/bin/env python3
"""DPO Desk from a fresh clone, with nothing but Python 3.11:

    python3.11 manage.py demo     # set up .venv, start the app on demo data (http://localhost:8501)
    python3.11 manage.py test     # set up .venv, run the whole test suite

Every other command goes to the application's command line (manage.py --help).
The virtual environment lives in .venv/ and is rebuilt when requirements.lock
changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
PYTHON = VENV / "bin" / "python"


def ensure_environment() -> None:
    stamp = VENV / ".requirements.sha256"
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing dependencies from requirements.lock ...", flush=True)
    subprocess.check_call([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--require-hashes", "-r", str(LOCK)])  # every file checked against its SHA-256
    # Make the project importable from anywhere (streamlit, alembic, pytest) without a build step.
    site = subprocess.check_output([str(PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                   text=True).strip()
    Path(site, "dpo_desk.pth").write_text(str(ROOT) + "\n")
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if sys.version_info[:2] != (3, 11):
        print(f"DPO Desk needs Python 3.11 (this is {sys.version.split()[0]}): run python3.11 manage.py ...",
              file=sys.stderr)
        return 2
    ensure_environment()
    os.chdir(ROOT)
    if argv[:1] == ["test"]:
        # The whole suite on both cores: each browser test file on one worker (tests/conftest.py), the rest shared.
        parallel = [] if argv[1:] else ["-n", "2", "--dist", "loadgroup"]
        command = [str(PYTHON), "-m", "pytest", *parallel, *argv[1:]]
    else:
        command = [str(PYTHON), "-m", "dashboard.cli", *argv]
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["--help"]))
