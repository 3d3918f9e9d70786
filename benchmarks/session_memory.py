"""Memory per session: the resident memory (RSS) of one Streamlit server of DPO Desk as
browser sessions log in and open the overview.

    .venv/bin/python benchmarks/session_memory.py [--sessions 1,5,10,20] [--user dpo]

The demo database (seeded by the CLI into a temp folder), served by `streamlit run
dashboard/server.py` (what `manage.py serve` starts); headless Chromium (Debian's, as the
browser tests) opens the sessions, each in its own browser context (its own cookies: a
separate Streamlit session), logs in as --user and waits for the overview to be drawn. After
each step the server's RSS (/proc/<pid>/status VmRSS) is read, once the garbage collector had
time to run. Per session = (RSS with the most sessions - RSS with one) / (sessions - 1): what
one more logged-in user costs, the first one's share of imports and caches set apart.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-dpo-desk-2026"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)


def log_in(browser, url: str, user: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    page.locator(".st-key-login_username input").fill(user)
    page.locator(".st-key-login_password input").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Connecté(e) :").wait_for()
    wait_idle(page)
    return context


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1,5,10,20")
    parser.add_argument("--user", default="dpo")
    args = parser.parse_args()
    steps = [int(s) for s in args.sessions.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="dpo-bench-memory-"))
    database = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": database, "DPO_PASSWORD_PROFILE": "cheap", "DPO_DATA_DIR": str(folder),
           "DPO_AUDIT_KEY_FILE": str(folder / "audit.key"),
           "DPO_AUDIT_CHECKPOINT_FILE": str(folder / "audit-checkpoints.log")}
    subprocess.run([sys.executable, "-m", "dashboard.cli", "seed-demo"], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    port = free_port()
    with open(folder / "streamlit.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "server.py"), "--server.headless",
             "true", "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
             "false"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app did not start, see {folder / 'streamlit.log'}")
            time.sleep(0.3)
        print(f"server started: {rss_mib(server.pid):7.1f} MiB RSS", flush=True)
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            contexts = []
            figures = {}
            for step in steps:
                while len(contexts) < step:
                    contexts.append(log_in(browser, url, args.user))
                time.sleep(3)  # the server's last rerun finishes, its garbage is collected
                figures[step] = rss_mib(server.pid)
                print(f"{step:>4} sessions of {args.user}, overview drawn: {figures[step]:7.1f} MiB RSS", flush=True)
            first, last = steps[0], steps[-1]
            if last > first:
                print(f"per session: {(figures[last] - figures[first]) / (last - first):.1f} MiB "
                      f"({first} -> {last} sessions)")
            for context in contexts:
                context.close()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
