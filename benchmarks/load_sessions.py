"""Many people at once on several app servers (issue 19): real Streamlit sessions, over the
WebSocket that the browser opens (wss://.../_stcore/stream), through nginx, on PostgreSQL.

    .venv/bin/python benchmarks/load_sessions.py [--sessions 50] [--duration 60] [--servers 2]
                                                 [--url https://127.0.0.1:8443 --database-url URL]

Without --url it starts its own cluster (deploy/cluster.py: `--servers` app servers and nginx
on loopback) on a throwaway PostgreSQL database beside BENCH_DATABASE_URL's (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), seeded with the demo, dropped at the end.
With --url it drives a running `manage.py cluster` (DATABASE_URL or --database-url: its
database, for the log-ins and pg_stat_activity).

Bounded: at most 50 sessions, loopback addresses only (127.0.0.1, localhost, ::1), at most
300 seconds of load (`--duration`), every page given at most 60 seconds.

Each session logs in with a demo account (dpo and juriste in turn) through auth.login, the use
case behind the log-in form (password checked with argon2), and brings the session token as
the browser brings the launcher's HttpOnly cookie (__Host-dpo_desk_session, over https), with a
routing cookie of its own (nginx's sticky hash). Then, like a person, it opens the home page (the
deadline overview) and goes through the case pages (requests, breaches, register, processors,
DPIAs) one after another, 1 to 3 seconds apart, until the time is up. Each page is a BackMsg
rerun_script with that page's name; its time runs from sending it to Streamlit's
script_finished (the first page's includes opening the WebSocket and the TLS handshake).

Printed: pages served, p50/p95/max page times (first page and navigation apart), errors (a
refused or dropped connection, a page that did not finish within 60 s, a page not found, an
exception element on the page), the sessions on each app server, and PostgreSQL connections
(pg_stat_activity on the app's database: the most seen during the run, sampled every 0.5 s,
and by state at the end).
"""

import argparse
import asyncio
import os
import random
import ssl
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DPO_PASSWORD_PROFILE", "cheap")  # the cluster it starts: demo accounts, cheap hashes
os.environ.setdefault("DPO_MFA_REQUIRED_ROLES", "")

import websockets  # noqa: E402
from sqlalchemy import text  # noqa: E402

MAX_SESSIONS = 50
MAX_DURATION = 300
PAGE_TIMEOUT = 60
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ACCOUNTS = ("dpo", "juriste")
SIGNED_IN = "Connecté(e) :".encode()  # the sidebar of every signed-in page (French, the default)
PAGES = ("", "dsr", "breaches", "register", "processors", "dpia")  # "": the default page (overview)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def log_in_tokens(database_url: str, count: int) -> list[str]:
    from dashboard import auth, db
    from dashboard.demo import DEMO_PASSWORD

    engine = db.make_engine(database_url)
    tokens = []
    try:
        for n in range(count):
            with db.unit_of_work(engine) as session:
                tokens.append(auth.login(session, ACCOUNTS[n % len(ACCOUNTS)], DEMO_PASSWORD))
    finally:
        engine.dispose()
    return tokens


class Stats:
    def __init__(self):
        self.first: list[float] = []
        self.navigation: list[float] = []
        self.errors: Counter = Counter()
        self.servers: Counter = Counter()


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the local cluster's self-signed certificate
    return context


def _rerun(page_name: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_name = page_name
    return message.SerializeToString()


async def _run_page(ws, page_name: str) -> str | None:
    """Send one page's rerun; wait for its end. Returns an error kind, or None."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await ws.send(_rerun(page_name))
    problem = None
    signed_in = False
    deadline = time.monotonic() + PAGE_TIMEOUT
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
        signed_in = signed_in or SIGNED_IN in data
        message = ForwardMsg()
        message.ParseFromString(data)
        kind = message.WhichOneof("type")
        if kind == "page_not_found":
            problem = "page not found"
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element" \
                and message.delta.new_element.WhichOneof("type") == "exception":
            problem = "exception on the page"
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            return problem or (None if signed_in else "not signed in (log-in page)")


async def warm_up_on(url: str, token: str, route: str) -> None:
    """Untimed: one session goes through every page once on one app server (its first imports)."""
    stats = Stats()
    await one_session(url, token, 0, stats, 0, route=route, pages=PAGES)
    if stats.errors:
        raise SystemExit(f"warm-up failed: {dict(stats.errors)}")


async def one_session(url: str, token: str, stop_at: float, stats: Stats, start_delay: float,
                      route: str | None = None, pages: tuple[str, ...] = ()) -> None:
    """A person: the home page, then case pages 1 to 3 s apart until `stop_at` (or `pages`, in order)."""
    await asyncio.sleep(start_delay)
    route = route or uuid.uuid4().hex
    cookie = f"__Host-dpo_desk_session={token}; __Host-dpo_desk_browser={uuid.uuid4().hex}; dpo_desk_route={route}"
    ws_url = url.replace("https://", "wss://").replace("http://", "ws://") + "/_stcore/stream"
    started = time.monotonic()
    try:
        async with websockets.connect(ws_url, ssl=_tls() if ws_url.startswith("wss") else None,
                                      subprotocols=["streamlit"], origin=url,
                                      additional_headers={"Cookie": cookie}, max_size=None,
                                      open_timeout=PAGE_TIMEOUT) as ws:
            upstream = ws.response.headers.get("X-DPO-Upstream", "?")
            stats.servers[upstream] += 1
            first = True
            for step in range(10_000):
                if pages:
                    if step == len(pages):
                        return
                    page = pages[step]
                else:
                    page = PAGES[0] if first else random.choice(PAGES[1:])
                began = started if first else time.monotonic()
                try:
                    problem = await _run_page(ws, page)
                except asyncio.TimeoutError:
                    stats.errors["page not finished within 60 s"] += 1
                    return
                elapsed = time.monotonic() - began
                if problem:
                    stats.errors[problem] += 1
                (stats.first if first else stats.navigation).append(elapsed)
                first = False
                if pages:
                    continue
                if time.monotonic() + 1 > stop_at:
                    return
                await asyncio.sleep(random.uniform(1, 3))  # a person reading the page
                if time.monotonic() > stop_at:
                    return
    except (OSError, websockets.exceptions.WebSocketException) as error:
        stats.errors[f"connection: {error.__class__.__name__} {str(error)[:80]}"] += 1


def sample_connections(database_url: str, stop: threading.Event, seen: list[int]) -> None:
    from dashboard import db

    engine = db.make_engine(database_url)
    name = engine.url.database
    try:
        with engine.connect() as conn:
            while not stop.is_set():
                count = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> "
                                          "pg_backend_pid()"), {"d": name}).scalar_one()
                seen.append(count)
                conn.rollback()
                stop.wait(0.5)
    finally:
        engine.dispose()


def connections_by_state(database_url: str) -> dict[str, int]:
    from dashboard import db

    engine = db.make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity WHERE datname = :d "
                                     "AND pid <> pg_backend_pid() GROUP BY 1"), {"d": engine.url.database}).all()
            max_connections = conn.execute(text("SHOW max_connections")).scalar_one()
    finally:
        engine.dispose()
    return {**{state: count for state, count in rows}, "max_connections": int(max_connections)}


def drive(url: str, database_url: str, sessions: int, duration: float, routes: list[str]) -> int:
    """`routes`: one routing cookie per app server, for the warm-up."""
    print(f"logging in {sessions} sessions ...", flush=True)
    tokens = log_in_tokens(database_url, sessions + 1)
    warm = tokens.pop()
    print("warming up every app server (untimed) ...", flush=True)
    for route in routes:
        asyncio.run(warm_up_on(url, warm, route))
    stats = Stats()
    seen: list[int] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_connections, args=(database_url, stop, seen), daemon=True)
    sampler.start()
    began = time.monotonic()
    stop_at = began + duration

    async def everyone():
        ramp = min(10.0, duration / 4)  # people arrive over the first seconds, not in one instant
        await asyncio.gather(*(one_session(url, token, stop_at, stats, ramp * n / sessions)
                               for n, token in enumerate(tokens)))

    print(f"{sessions} sessions for {duration:.0f} s on {url} ...", flush=True)
    asyncio.run(everyone())
    elapsed = time.monotonic() - began
    stop.set()
    sampler.join(timeout=5)
    at_end = connections_by_state(database_url)
    pages = len(stats.first) + len(stats.navigation)
    print(f"\n{sessions} sessions, {elapsed:.0f} s, {pages} pages served ({pages / elapsed:.1f}/s); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (other work included)")
    for label, values in (("first page (connect + run)", stats.first), ("navigation", stats.navigation),
                          ("all pages", stats.first + stats.navigation)):
        if values:
            print(f"  {label:<28} n={len(values):<5} p50 {percentile(values, .5):6.2f} s   "
                  f"p95 {percentile(values, .95):6.2f} s   max {max(values):6.2f} s")
    print(f"  errors: {sum(stats.errors.values())}" + "".join(f"\n    {k}: {v}" for k, v in stats.errors.items()))
    print("  sessions per app server: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.servers.items())))
    print(f"  PostgreSQL connections to the app's database: max {max(seen) if seen else '?'} during the run "
          f"(median {statistics.median(seen) if seen else '?'}); at the end "
          + ", ".join(f"{k} {v}" for k, v in at_end.items() if k != "max_connections")
          + f" (server max_connections {at_end['max_connections']})")
    return 1 if stats.errors else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (at most 300)")
    parser.add_argument("--servers", type=int, default=2, help="app servers of the cluster it starts")
    parser.add_argument("--url", help="a running cluster (https://127.0.0.1:PORT)")
    parser.add_argument("--database-url", help="its database (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions: 1 to {MAX_SESSIONS}")
    if not 5 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration: 5 to {MAX_DURATION} seconds")
    if args.url:
        if urlsplit(args.url).hostname not in LOOPBACK:
            parser.error("--url: loopback only (127.0.0.1, localhost, ::1)")
        database_url = args.database_url or os.environ.get("DATABASE_URL", "")
        if not database_url.startswith("postgresql"):
            parser.error("--database-url (or DATABASE_URL): the cluster's PostgreSQL database")
        return drive(args.url.rstrip("/"), database_url, args.sessions, args.duration,
                     [uuid.uuid4().hex for _ in range(8)])  # most likely every server

    from benchmarks.throwaway_db import postgres_database
    from deploy import cluster

    database_url, drop = postgres_database("dpo_load")
    try:
        print(f"starting {args.servers} app servers and nginx, seeding the demo ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="dpo-load-") as folder, \
                cluster.running_cluster(database_url, Path(folder), servers=args.servers, seed_demo=True) as running:
            print(f"pools: DPO_DB_POOL_SIZE={os.environ.get('DPO_DB_POOL_SIZE', '5')} "
                  f"DPO_DB_MAX_OVERFLOW={os.environ.get('DPO_DB_MAX_OVERFLOW', '10')} per engine", flush=True)
            return drive(running.url, database_url, args.sessions, args.duration,
                         [running.route_to(n) for n in range(len(running.servers))])
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
