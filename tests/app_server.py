"""The real app served by `streamlit run dashboard/server.py` (what `manage.py serve` runs),
on a given database and a free port, for the tests that talk to it over HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served_app(database_url: str, folder: Path, *, port: int | None = None, args: tuple[str, ...] = (),
               clock: Path | None = None):
    """Yield the base URL once /_stcore/health answers; the server's log goes to folder/streamlit.log.
    `args`: more `streamlit run` options (e.g. `--secrets.files`). `clock`: a file holding how many
    seconds the app's clock runs ahead, which a test may change (tests/app_clock.py)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DPO_PASSWORD_PROFILE": "cheap"}
    port = port or free_port()
    log_path = folder / "streamlit.log"
    with open(log_path, "w") as log:
        launcher = ["tests.app_clock", str(clock)] if clock else ["streamlit"]
        server = subprocess.Popen(
            [sys.executable, "-m", *launcher, "run", str(ROOT / "dashboard" / "server.py"), "--server.headless",
             "true", "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
             "false", *args],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the app did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
