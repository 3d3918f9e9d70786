"""How the deadline overview (pages/home.py, dashboard/overview/) holds at scale.

    .venv/bin/python benchmarks/overview.py [--sizes 10000,100000,1000000] [--database sqlite|postgresql|both]
                                            [--repeat 5] [--explain] [--profile]

For each database and size: a throwaway database (SQLite in a temp folder; on PostgreSQL
`dpo_bench_<random>` created beside BENCH_DATABASE_URL's database, default
postgresql+psycopg://postgres@127.0.0.1:5432/test, dropped at the end), migrated, the demo
organisation, then N requests over eight years at a steady rate (1 000 000 = ~340 a day) with
breaches, processors and contracts, DPIAs and register entries in proportion (see `fill`).
Then, for the DPO, for the head of Human Resources, and for the DPO with the page's entity filter
set to the largest entity:

- page: the real app (dashboard/app.py, its default page is the overview) in Streamlit's
  AppTest, logged in as that user; one warm-up run, then `--repeat` timed reruns (median);
  scripts compiled once, as a server does (AppTest alone would compile them on every run);
  peak: the Python heap allocated during one more run, under tracemalloc (that run is not timed);
- floor = empty + SQL. empty: the same app, same user, same navigation and sidebar, with the
  overview page replaced by a page that checks the user and draws its title only. SQL: every
  statement the overview page executes (captured on the engine during one run; those the empty
  page runs too — the log-in check — are counted once, in the empty page), replayed on a raw
  DBAPI connection with their parameters and fetched (median). Page, empty page and replay are
  timed in interleaved rounds, so that a busy neighbour slows all three alike;
- wall and CPU: every figure above is wall-clock time (what a user waits for on a quiet
  machine). On a shared, loaded machine wall time is inflated by whatever else runs, so each
  round also records CPU time, the work each part does whatever the load: for the page and the
  empty page, the CPU time of the thread that runs the script (`time.thread_time` in Streamlit's
  script thread: the app's own work, SQLite's included as it runs in that thread; not AppTest's
  polling and tree parsing in the main thread); for the SQL, the replaying thread's. On
  PostgreSQL the server's CPU time is added to each (the backends serving the benchmark's
  database, from Linux's /proc/<pid>/schedstat: the server runs on the same machine; where it
  cannot be read, the replay's wall time stands for the SQL and the page/floor CPU ratio is not
  given). page / floor (CPU) = page CPU / (empty CPU + SQL CPU);
- baseline: the common Streamlit pattern, `pd.read_sql("SELECT * FROM <table>")` of every table
  the page reads, then the same figures in pandas (open, late, due within 7 days and within the
  horizon per kind of deadline, the timeline's first items, requests per month, per department,
  by age, the compliance figures), filtered in pandas to what the user may see. No chart is drawn:
  a naive page would cost at least this much; median of at most 3 runs, and its peak memory;
- growth: page time at the largest size / page time at the smallest.

Targets (issue 8): page / floor <= 1.5; baseline / page >= 10 at 1 000 000 requests; growth
from 10 000 to 1 000 000 <= x3. Then the five slowest statements of the page at the largest
size (`--explain`: with their query plans).

`--profile`: where the page's CPU time goes, statement by statement: the page run `--repeat`
more times as a copy of pages/home.py that reads the script thread's CPU clock before each of
its top-level statements (a block such as `if kinds:` counts whole); the median of each, the
largest first. No profiler: cProfile's cost per call inflated Streamlit's many small calls
several times over and misplaced where the time went. Then what Streamlit alone costs the page: the
elements and widgets it draws beyond the empty page's (counted in AppTest's tree), times what one
element and one widget cost on a bare page (40 of a kind, the script thread's CPU): the part of the
page's own CPU no page code can remove, against what page/floor <= 1.5 leaves it (0.5 x floor).
"""

import argparse
import ast
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import types
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DPO_PASSWORD_PROFILE", "cheap")
os.environ["DPO_SESSION_IDLE_MINUTES"] = "1440"  # a million-row baseline takes minutes between two page runs

import logging  # noqa: E402

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit.logger  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import app_test, local_script_runner  # noqa: E402

import models  # noqa: E402
from dashboard import db, i18n, navigation, ui  # noqa: E402
from throwaway_db import postgres_database  # noqa: E402
from dashboard.overview.scope import HORIZONS, SOON_DAYS, OverviewFilter  # noqa: E402
from models.breach import Breach, BreachDepartment  # noqa: E402
from models.clock import paris_today  # noqa: E402
from models.dpia import Dpia, DpiaMeasure  # noqa: E402
from models.dsr import DataSubjectRequest, DsrRight  # noqa: E402
from models.processing import ProcessingActivity  # noqa: E402
from models.processor import (Processor, ProcessorActivity, ProcessorContract, ProcessorEntity,  # noqa: E402
                              SubProcessor)
from models.roles import Capability  # noqa: E402
from tests.conftest import actor_named, build_org  # noqa: E402
from tests.page_support import APP, signed_in_token  # noqa: E402

models.load_all()
for name in [*logging.root.manager.loggerDict, "dpo_desk", "alembic"]:  # "missing ScriptRunContext" etc.
    if name.split(".")[0] in ("streamlit", "dpo_desk", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)

# (user, label, entity the page's filter is set to): the DPO's overview, a department head's, and
# the DPO's filtered on the largest entity (the filter the page offers: other access paths).
PERSONAS = (("dpo", "DPO", None), ("chef.rh", "head HR", None), ("dpo", "DPO, MEDICIS", "MEDICIS"))
YEARS = 8
DAYS = YEARS * 365
TIMEOUT = 900  # seconds an AppTest run may take
TARGET_FLOOR, TARGET_BASELINE, TARGET_GROWTH = 1.5, 10.0, 3.0
EMPTY_PAGE = '''"""Benchmark floor: the overview's place in the app (same user check), drawing its title only."""
import streamlit as st

from dashboard import ui

ui.page_actor(page="home")
st.title(ui.tr()("overview.title"))
'''


def say(*args) -> None:
    print(*args, flush=True)


def ms(seconds: float) -> float:
    return seconds * 1000


# ====================================================================== realistic data


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError(day)


def _utc(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


# (entity, relation, department, weight): the insurer's routing policy and the e-learning platforms.
ROUTES = (("MEDICIS", "member", "DRC", 40), ("MEDICIS", "prospect", "DCEM", 12), ("MEDICIS", "staff", "RH", 8),
          ("MEDICIS", "elected_member", "SG", 2), ("ADEPIA", "member", "DRC", 8), ("GERP", "member", "DRC", 6),
          ("GERP", "staff", "RH", 1), ("SAVELUNARI", "learner", "PEDA", 8), ("SAVELUNARI", "learner", "SUPPORT", 5),
          ("LUMINA", "learner", "SUPPORT", 5), ("LUMINA", "learner", "PEDA", 2), ("MEDICIS", "other", None, 3))
OPEN_MIX = (("received", 25), ("awaiting_identity", 8), ("awaiting_clarification", 4), ("in_progress", 45),
            ("answer_proposed", 18))
OUTCOME_MIX = (("granted", 72), ("partly_granted", 10), ("refused", 8), ("manifestly_unfounded", 2),
               ("excessive", 1), ("cannot_identify", 7))
CHANNELS = ("email", "email", "email", "web_form", "web_form", "letter", "phone", "cnil")
RIGHT_MIX = ("access", "access", "access", "erasure", "erasure", "marketing_opt_out", "objection",
             "rectification", "portability", "restriction", "consent_withdrawal", "information")


def _pick(rng: random.Random, mix):
    return rng.choices([m[:-1] if len(m) > 2 else m[0] for m in mix], weights=[m[-1] for m in mix])[0]


@dataclass
class Volumes:
    requests: int
    rights: int = 0
    open_requests: int = 0
    breaches: int = 0
    activities: int = 0
    processors: int = 0
    contracts: int = 0
    dpias: int = 0
    measures: int = 0

    def line(self) -> str:
        return (f"{self.requests} requests ({self.open_requests} open), {self.rights} rights, "
                f"{self.breaches} breaches, {self.activities} register entries, {self.processors} processors, "
                f"{self.contracts} contracts, {self.dpias} DPIAs, {self.measures} measures")


def _request_row(rng: random.Random, i: int, received: date, today: date, ids: dict) -> dict:
    """Nearly every request older than two months is closed (most on time, some late, a few
    withdrawn); the recent ones are open in proportion to their age, a few suspended
    (waiting for the person), a few extended; a few forgotten ones are overdue."""
    entity, relation, department = _pick(rng, ROUTES)
    age = (today - received).days
    extended = rng.random() < 0.03
    due = _add_months(received, 3 if extended else 1)
    complex_ = rng.random() < 0.1
    target = received + timedelta(days=60 if complex_ else 30)
    if age > 60:
        still_open = rng.random() < 0.0002
    else:
        still_open = rng.random() < max(0.01, 1 - age / 35)
    row = dict(status="", is_open=still_open, outcome="", answered_on=None, closed_at=None, suspended_since=None,
               identity_proof_asked=False, identity_asked_on=None, remedies_informed=False, outcome_reasons="")
    if still_open:
        status = _pick(rng, OPEN_MIX) if age <= 60 else "in_progress"
        row["status"] = status
        if status in ("awaiting_identity", "awaiting_clarification"):
            row["suspended_since"] = received + timedelta(days=rng.randint(0, min(age, 5)))
        if status == "awaiting_identity":
            row.update(identity_proof_asked=True, identity_asked_on=row["suspended_since"])
    elif rng.random() < 0.03:
        row["status"] = "withdrawn"
        row["closed_at"] = _utc(min(today, received + timedelta(days=rng.randint(1, 20))), 15)
    else:
        limit = (due - received).days
        if age <= 60:
            took = rng.randint(1, max(1, min(age, limit)))
        elif rng.random() < 0.92:
            took = rng.randint(max(1, limit // 4), limit)
        else:
            took = limit + rng.randint(1, 30)
        answered = min(today, received + timedelta(days=took))
        outcome = _pick(rng, OUTCOME_MIX)
        row.update(status="closed", outcome=outcome, answered_on=answered, closed_at=_utc(answered, 16),
                   remedies_informed=outcome != "granted",
                   outcome_reasons="" if outcome == "granted" else "Motifs détaillés dans la réponse.")
    return dict(
        id=i + 1, reference=f"DSR-{received.year}-{i + 1:07d}", entity_id=ids["entity"][entity],
        owner_id=None, created_at=_utc(received), updated_at=_utc(received), channel=rng.choice(CHANNELS),
        received_at=_utc(received, rng.randint(7, 19), rng.randint(0, 59)), received_on=received,
        requester_name=f"Personne {i}", requester_contact=f"p{i}@exemple.fr", requester_name_key=f"personne {i}",
        requester_contact_key=f"p{i}@exemple.fr", relation=relation, is_minor=False, description="Demande.",
        department_id=ids["department"][department] if department else None, complex=complex_,
        health_access=False, health_older_than_five_years=False, identity_verified_on=None, identity_method="",
        suspended_days=0, extended=extended, extension_notified_on=received + timedelta(days=20) if extended else None,
        extension_reasons="Demande complexe (art. 12(3))." if extended else "", legal_due_on=due, health_due_on=None,
        due_on=due, internal_target_on=target, proposed_answer="", proposed_outcome="", version=1, **row)


def _insert(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def fill(engine: Engine, org, n: int, today: date, batch: int) -> Volumes:
    rng = random.Random(8)
    ids = {"entity": {code: e.id for code, e in org.entities.items()},
           "department": {code: d.id for code, d in org.departments.items()}}
    volumes = Volumes(n)
    first = today - timedelta(days=DAYS - 1)
    right_id = 0
    with engine.begin() as conn:
        for start in range(0, n, batch):
            rows, rights = [], []
            for i in range(start, min(n, start + batch)):
                received = first + timedelta(days=i * DAYS // n)  # a steady rate, ids in arrival order
                row = _request_row(rng, i, received, today, ids)
                volumes.open_requests += row["is_open"]
                rows.append(row)
                for right in rng.sample(RIGHT_MIX, rng.choice((1, 1, 1, 2))):
                    right_id += 1
                    rights.append(dict(id=right_id, request_id=row["id"], right=right))
            _insert(conn, DataSubjectRequest.__table__, rows)
            _insert(conn, DsrRight.__table__, _unique_rights(rights))
        volumes.rights = conn.execute(text("SELECT count(*) FROM dsr_right")).scalar_one()
        _fill_cases(conn, rng, n, today, ids, volumes)
    if engine.url.get_backend_name() == "postgresql":
        with engine.begin() as conn:
            for table in ("dsr_request", "dsr_right", "breach", "breach_department", "processing_activity",
                          "processor", "processor_entity", "processor_activity", "processor_contract",
                          "processor_subprocessor", "dpia", "dpia_measure"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"))
    return volumes


def _unique_rights(rights: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for r in rights:
        if (r["request_id"], r["right"]) not in seen:
            seen.add((r["request_id"], r["right"]))
            kept.append(r)
    return kept


def _fill_cases(conn, rng: random.Random, n: int, today: date, ids: dict, volumes: Volumes) -> None:
    """Breaches ~1 per 1000 requests, register entries ~1 per 2000, processors ~1 per 5000
    (each with one or two contracts), DPIAs ~1 per 10 000 (four measures each); a floor of
    a few dozen so that the small sizes have every kind of deadline."""
    now = datetime.now(timezone.utc)
    dept_weights = Counter()
    for entity, _, department, weight in ROUTES:
        dept_weights[(entity, department)] += weight
    pairs = [p for p in dept_weights if p[1]]

    def entity_department():
        entity, department = rng.choices(pairs, weights=[dept_weights[p] for p in pairs])[0]
        return ids["entity"][entity], ids["department"][department]

    # ---- register entries (the hub processors and DPIAs hang on)
    activities = []
    for k in range(max(40, n // 2000)):
        entity_id, department_id = entity_department()
        next_review = today + timedelta(days=rng.randint(-45, 320))
        activities.append(dict(
            id=k + 1, reference=f"TRT-B-{k + 1:05d}", entity_id=entity_id,
            status=rng.choice(("validated",) * 4 + ("draft",)), owner_id=None, created_at=now, updated_at=now,
            name=f"Traitement {k + 1}", department_id=department_id,
            version=1, description="", joint_controllers="", consent_records="", withdrawal_propagation="",
            validated_by_id=None, validated_at=None, last_reviewed_on=next_review - timedelta(days=365),
            next_review_on=next_review, source_reference=""))
    _insert(conn, ProcessingActivity.__table__, activities)
    volumes.activities = len(activities)

    # ---- breaches: most notified in time, some late, some not notifiable; a few clocks running
    count = max(12, n // 1000)
    breaches, links = [], []
    for k in range(count):
        aware = now - timedelta(hours=(count - k) * DAYS * 24 / count + rng.randint(0, 12))
        if k >= count - 3:  # clocks running now: 20 h, 50 h and 80 h (overdue) after awareness
            aware = now - timedelta(hours=(20, 50, 80)[k - (count - 3)])
        deadline = aware + timedelta(hours=72)
        entity_id, department_id = entity_department()
        pending = k >= count - 3
        risk = None if pending else rng.choice(("risk",) * 5 + ("high", "none", "none"))
        notified = None
        if risk in ("risk", "high"):
            notified = deadline - timedelta(hours=rng.randint(2, 60)) if rng.random() < 0.9 else \
                deadline + timedelta(hours=rng.randint(2, 96))
        breaches.append(dict(
            id=k + 1, reference=f"VIO-B-{k + 1:05d}", entity_id=entity_id, owner_id=None, created_at=aware,
            updated_at=aware, status="declared" if pending else "closed", title=f"Violation {k + 1}",
            description="", declared_by_id=None, declared_by_name="", detected_at=aware - timedelta(hours=2),
            aware_at=aware, notification_deadline=deadline, data_categories=["identity", "contact"],
            risk_level=risk, notified_at=notified,
            authority_notification="pending" if pending else ("not_required" if risk == "none" else "done")))
        links.append(dict(id=k + 1, breach_id=k + 1, department_id=department_id))
    _insert(conn, Breach.__table__, breaches)
    _insert(conn, BreachDepartment.__table__, links)
    volumes.breaches = len(breaches)

    # ---- processors, their entities and activities, contracts, sub-processors
    processors, entities, served, contracts, subs = [], [], [], [], []
    for k in range(max(30, n // 5000)):
        pid = k + 1
        ended = rng.random() < 0.1
        entity_id, _ = entity_department()
        last_audit = today - timedelta(days=rng.randint(30, 700))
        processors.append(dict(
            id=pid, reference=f"SST-B-{pid:05d}", entity_id=entity_id, owner_id=None, created_at=now, updated_at=now,
            status="ended" if ended else rng.choice(("approved",) * 5 + ("assessed",)), legal_name=f"Prestataire {pid}",
            country_code="FR", data_categories=[], subject_categories=[], certifications=[], last_audit_on=last_audit,
            next_audit_date=None if ended else last_audit + timedelta(days=365)))
        entities.append(dict(id=len(entities) + 1, processor_id=pid, entity_id=entity_id))
        for activity in rng.sample(activities, rng.randint(1, 3)):
            served.append(dict(id=len(served) + 1, processor_id=pid, activity_id=activity["id"]))
        for c in range(1 if ended else rng.randint(1, 2)):
            starts = today - timedelta(days=rng.randint(60, 2000))
            end = starts + timedelta(days=365 * rng.randint(1, 6)) if rng.random() < 0.8 else None
            active = not ended and (end is None or end >= today - timedelta(days=30))
            missing = 0 if rng.random() < 0.7 else rng.randint(1, 5)
            ended_on = None if active else min(end or today, today) - timedelta(days=rng.randint(0, 200))
            contracts.append(dict(
                id=len(contracts) + 1, processor_id=pid, title=f"Contrat {pid}-{c + 1}", starts_on=starts,
                initial_end=end, status="active" if active else "ended", end_date=end,
                notice_date=end - timedelta(days=90) if end else None, notice_months=3 if end else 0,
                missing_clauses=missing, clause_score=32 - 2 * missing, ended_on=ended_on,
                end_choice="" if active else "delete", end_period_days=0 if active else 30,
                end_due_date=ended_on + timedelta(days=30) if ended_on else None,
                destruction_proved_on=ended_on + timedelta(days=20) if ended_on and rng.random() < 0.85 else None,
                created_at=now, updated_at=now, version=1))
        if rng.random() < 0.15:
            notified_on = today - timedelta(days=rng.randint(0, 40))
            subs.append(dict(id=len(subs) + 1, processor_id=pid, name=f"Sous-traitant {pid}", country_code="FR",
                             authorisation="general", notified_on=notified_on,
                             objection_deadline=notified_on + timedelta(days=30), status="notified",
                             created_at=now, version=1))
    for table, rows in ((Processor.__table__, processors), (ProcessorEntity.__table__, entities),
                        (ProcessorActivity.__table__, served), (ProcessorContract.__table__, contracts),
                        (SubProcessor.__table__, subs)):
        _insert(conn, table, rows)
    volumes.processors, volumes.contracts = len(processors), len(contracts)

    # ---- DPIAs and their action plans
    dpias, measures = [], []
    for k in range(max(12, n // 10000)):
        activity = rng.choice(activities)
        status = rng.choice(("validated",) * 5 + ("in_progress", "in_progress", "draft", "refused", "archived"))
        decided = today - timedelta(days=rng.randint(10, 1000)) if status in ("validated", "refused") else None
        consulted = today - timedelta(days=rng.randint(1, 50)) if status == "in_progress" and k % 7 == 0 else None
        dpias.append(dict(
            id=k + 1, reference=f"AIPD-B-{k + 1:05d}", entity_id=activity["entity_id"], status=status, owner_id=None,
            created_at=now, updated_at=now, activity_id=activity["id"], title=f"AIPD {k + 1}", decided_on=decided,
            review_date=decided + timedelta(days=3 * 365) if status == "validated" else None,
            prior_consultation=consulted is not None, cnil_consulted_on=consulted,
            cnil_answer_due=consulted + timedelta(weeks=8) if consulted else None, version=1))
        for m in range(4):
            mstatus = rng.choice(("existing", "planned", "in_progress", "done"))
            measures.append(dict(id=len(measures) + 1, dpia_id=k + 1, title=f"Mesure {m + 1}", status=mstatus,
                                 due_date=today + timedelta(days=rng.randint(-30, 200))
                                 if mstatus in ("planned", "in_progress") else None))
    _insert(conn, Dpia.__table__, dpias)
    _insert(conn, DpiaMeasure.__table__, measures)
    volumes.dpias, volumes.measures = len(dpias), len(measures)


# ====================================================================== databases


@dataclass
class Database:
    backend: str
    url: str
    cleanup: object = None

    def drop(self) -> None:
        if self.cleanup:
            self.cleanup()


def create_database(backend: str, size: int, folder: Path) -> Database:
    if backend == "sqlite":
        return Database(backend, f"sqlite:///{folder / f'overview_{size}.sqlite3'}")
    url, drop = postgres_database("dpo_bench")
    return Database(backend, url, drop)


def analyse(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    if engine.url.get_backend_name() == "postgresql":  # the visibility map, for index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")


# ====================================================================== capture and replay


@dataclass
class Statement:
    sql: str
    parameters: object
    many: bool
    caller: str


def _caller() -> str:
    """The innermost application function that issued the statement."""
    frame = sys._getframe(2)
    root = str(ROOT) + os.sep
    while frame:
        path = frame.f_code.co_filename
        if (path.startswith(root) and os.sep + ".venv" + os.sep not in path
                and not path.endswith(("dashboard/db.py", "dashboard/overview/prepared.py"))):
            return f"{os.path.relpath(path, ROOT)}:{frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


class Capture:
    """Every statement any engine sends while active (during one AppTest run: the app's)."""

    def __init__(self):
        self.statements: list[Statement] = []

    def _hook(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(Statement(statement, parameters, executemany, _caller()))

    def __enter__(self):
        event.listen(Engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc):
        event.remove(Engine, "before_cursor_execute", self._hook)


def page_only(page: list[Statement], empty: list[Statement]) -> list[Statement]:
    """The page's statements less those the empty page runs as well (the log-in check)."""
    shared = Counter(s.sql for s in empty)
    kept = []
    for s in page:
        if shared[s.sql]:
            shared[s.sql] -= 1
        else:
            kept.append(s)
    return kept


class ServerClock:
    """CPU seconds used so far by the PostgreSQL backends serving this database (the pool's and
    the replay's connections): /proc/<pid>/schedstat, nanoseconds on the CPU. None on SQLite, or
    when the server's processes cannot be read (another machine)."""

    def __init__(self, raw, backend: str):
        self.raw, self.pids = raw, None
        if backend == "postgresql":
            self.refresh()

    def refresh(self) -> None:
        """Find the backends again (the pool may have opened a connection): outside timed windows."""
        cursor = self.raw.cursor()
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        self.pids = [pid for (pid,) in cursor.fetchall()]
        cursor.close()
        self.raw.rollback()
        if self.read() is None:
            self.pids = []

    def read(self) -> float | None:
        if not self.pids:
            return None
        try:
            return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) for pid in self.pids) / 1e9
        except (OSError, ValueError, IndexError):
            return None


def _with_server(clock: ServerClock, fn, cpu: list):
    """Run fn(cpu); add the server's CPU time during it to the figure fn appended to `cpu`."""
    before = clock.read()
    result = fn(cpu)
    after = clock.read()
    if before is not None and after is not None:
        cpu[-1] += after - before
    return result


def replay(raw, statements: list[Statement], cpu: list | None = None) -> tuple[float, list[float]]:
    """Run the statements on a raw DBAPI connection, fetching every row; rolled back. Its
    CPU time (this thread's) appended to `cpu`."""
    each = []
    cpu_start = time.thread_time()
    start = time.perf_counter()
    cursor = raw.cursor()
    for s in statements:
        t0 = time.perf_counter()
        if s.many:
            cursor.executemany(s.sql, s.parameters)
        else:
            cursor.execute(s.sql, s.parameters)
        if cursor.description is not None:
            cursor.fetchall()
        each.append(time.perf_counter() - t0)
    cursor.close()
    raw.rollback()
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(time.thread_time() - cpu_start)
    return elapsed, each


def explain(raw, backend: str, s: Statement) -> str:
    cursor = raw.cursor()
    if backend == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + s.sql, s.parameters)
        lines = [f"  {'  ' * (1 if parent else 0)}{detail}" for _, parent, _, detail in cursor.fetchall()]
    else:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + s.sql, s.parameters)
        lines = ["  " + row[0] for row in cursor.fetchall()]
    cursor.close()
    raw.rollback()
    return "\n".join(lines)


# ====================================================================== the pages


@dataclass
class EmptyPage:
    """Swap the overview for a page that draws nothing (same url, same place in the navigation);
    or for another file in its place (`--profile`'s copy of the page)."""

    path: Path
    original: tuple = field(default=navigation.PAGES)

    def __enter__(self):
        navigation.PAGES = tuple(replace(p, file=str(self.path)) if p.file == "home.py" else p
                                 for p in self.original)

    def __exit__(self, *exc):
        navigation.PAGES = self.original


SCRIPT_CPU: list[float] = []  # CPU time of each script run, in the thread that ran it
_run_script_thread = local_script_runner.LocalScriptRunner._run_script_thread


def _timed_script_thread(self) -> None:
    start = time.thread_time()
    try:
        _run_script_thread(self)
    finally:
        SCRIPT_CPU.append(time.thread_time() - start)


local_script_runner.LocalScriptRunner._run_script_thread = _timed_script_thread

# A server compiles each script once (its runtime's ScriptCache, emptied when a file changes);
# AppTest compiles the entry script and the page anew on every run, which the overview's long
# script paid (some 2.5 ms of CPU a run, magic commands included) and the empty page's few lines
# did not. One cache for every run, as on a server.
_SCRIPTS = ScriptCache()
app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SCRIPTS


def app_run(at: AppTest, cpu: list | None = None) -> float:
    """One run's wall time; its script thread's CPU time appended to `cpu`."""
    runs = len(SCRIPT_CPU)
    start = time.perf_counter()
    at.run(timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(sum(SCRIPT_CPU[runs:]))
    unexpected = i18n.translate("error.unexpected", "fr")
    if at.exception or any(e.value == unexpected for e in at.error):
        raise RuntimeError(f"the page failed: {[e.value for e in at.exception] or [e.value for e in at.error]}")
    return elapsed


# `--profile`: the page's copy reads the script thread's CPU clock before each top-level statement.
_CLOCK = types.ModuleType("_overview_clock")
_CLOCK.marks = []  # (line of pages/home.py, CPU time), in the order the page ran
_CLOCK.mark = lambda line: _CLOCK.marks.append((line, time.thread_time()))
sys.modules[_CLOCK.__name__] = _CLOCK
END = 0  # the mark after the page's last statement


def clocked_page(folder: Path) -> Path:
    """A copy of pages/home.py marking the clock before each top-level statement and at its end;
    its links point at the real pages."""
    source = (ROOT / "pages" / "home.py").read_text()
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        lines.insert(first - 1, f"_overview_clock.mark({first})")
    text = "\n".join(["import _overview_clock", *lines, f"_overview_clock.mark({END})", ""])
    text = text.replace("Path(__file__).parent", f"Path({str(ROOT / 'pages')!r})")
    path = folder / "clocked_overview.py"
    path.write_text(text)
    return path


def page_profile(at: AppTest, clocked: Path, repeat: int) -> list[tuple[float, int, str]]:
    """(median CPU ms, line, its source) of each top-level statement of the page, over `repeat` runs."""
    spent: dict[int, list[float]] = {}
    with EmptyPage(clocked):
        for _ in range(repeat):
            _CLOCK.marks.clear()
            app_run(at)
            for (line, start), (_, end) in zip(_CLOCK.marks, _CLOCK.marks[1:]):
                spent.setdefault(line, []).append(end - start)
    source = (ROOT / "pages" / "home.py").read_text().splitlines()
    return sorted(((ms(statistics.median(times)), line, source[line - 1].strip())
                   for line, times in spent.items()), reverse=True)


# `--profile`: what Streamlit itself costs the page, whatever the page computes. Each element is a
# message built and queued, a widget also an identity hashed from its arguments and a state
# registered. Measured on bare pages drawing `ELEMENTS` of one kind, in the script thread.
WIDGET_TYPES = frozenset({"selectbox", "button_group", "button", "download_button", "multiselect", "radio",
                          "checkbox", "text_input", "number_input", "date_input", "text_area"})
ELEMENTS = 40
BARE_PAGES = {
    "display": "for i in range(N):\n    st.metric(f'label {i}', i, delta='x', delta_color='gray', border=True)\n",
    "widget": "for i in range(N):\n    st.selectbox(f'label {i}', [None, 1, 2, 3], key=f'box{i}', "
              "format_func=lambda v: 'all' if v is None else str(v))\n",
}


def element_costs(folder: Path, repeat: int) -> dict[str, float]:
    """CPU ms Streamlit spends on one element of each class (display, widget), beyond an empty run."""
    costs = {}
    for name, body in BARE_PAGES.items():
        spent = {}
        for count in (0, ELEMENTS):
            path = folder / f"bare_{name}_{count}.py"
            path.write_text(f"import time\nimport streamlit as st\nN = {count}\n_start = time.thread_time()\n"
                            f"{body}st.session_state['_cpu'] = time.thread_time() - _start\n")
            at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
            at.run()
            runs = []
            for _ in range(max(repeat, 5)):
                at.run()
                runs.append(at.session_state["_cpu"])
            spent[count] = statistics.median(runs)
        costs[name] = ms(spent[ELEMENTS] - spent[0]) / ELEMENTS
    return costs


def census(at: AppTest) -> Counter:
    """The elements and blocks the run drew in the main area, by kind (display or widget)."""
    found: Counter = Counter()

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            found["widget" if getattr(child, "type", "") in WIDGET_TYPES else "display"] += 1
            walk(child)

    walk(at.main)
    return found


def peak_mb(fn) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def metric(at: AppTest, key: str) -> int | None:
    label = i18n.translate(key, "fr")
    value = next((m.value for m in at.metric if m.label == label), None)
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return int(digits) if digits else None


# ====================================================================== the naive baseline


def _days(series):
    return pd.to_datetime(series, format="ISO8601", errors="coerce")


def _instants(series):
    return pd.to_datetime(series, format="ISO8601", errors="coerce", utc=True)


def naive_overview(engine: Engine, department_ids: set[int] | None, flt: OverviewFilter) -> dict:
    """The common pattern: every row of every table into a DataFrame, then pandas (visibility
    and the entity filter included)."""
    with engine.connect() as conn:
        frames = {name: pd.read_sql(text(f"SELECT * FROM {name}"), conn) for name in (
            "dsr_request", "breach", "breach_department", "processing_activity", "processor", "processor_entity",
            "processor_activity", "processor_contract", "processor_subprocessor", "dpia", "dpia_measure",
            "department")}
    entity = flt.entity_id
    today = pd.Timestamp(flt.today())
    soon, horizon, now = today + pd.Timedelta(days=SOON_DAYS), pd.Timestamp(flt.horizon()), pd.Timestamp(flt.instant())
    period = pd.Timestamp(flt.period_start())
    out: dict = {}

    def marks(kind, due, instant=False):
        if instant:
            upcoming_end = pd.Timestamp(flt.horizon() + timedelta(days=1), tz="Europe/Paris")
            soon_end = pd.Timestamp(flt.soon() + timedelta(days=1), tz="Europe/Paris")
            late, ahead = due < now, due >= now
            out[kind] = (int(late.sum()), int((ahead & (due < soon_end)).sum()),
                         int((ahead & (due < upcoming_end)).sum()))
            return late | (ahead & (due < upcoming_end))
        late, ahead = due < today, due >= today
        out[kind] = (int(late.sum()), int((ahead & (due <= soon)).sum()), int((ahead & (due <= horizon)).sum()))
        return late | (ahead & (due <= horizon))

    timeline = []
    # requests
    r = frames["dsr_request"]
    if department_ids is not None:
        r = r[r.department_id.isin(department_ids)]
    if entity:
        r = r[r.entity_id == entity]
    r = r.assign(is_open=r.is_open.astype(bool), due_on=_days(r.due_on), received_on=_days(r.received_on),
                 answered_on=_days(r.answered_on))
    opened = r[r.is_open]
    out["requests_open"], out["requests_suspended"] = len(opened), int(opened.suspended_since.notna().sum())
    running = opened[opened.suspended_since.isna()]
    shown = marks("dsr_answer", running.due_on)
    timeline.append(running[shown].nsmallest(40, "due_on")[["reference", "due_on"]])
    recent = r[r.received_on >= period]
    received = recent.groupby(recent.received_on.dt.strftime("%Y-%m")).size()
    answered = r[r.answered_on >= period]
    per_month = answered.assign(on_time=answered.answered_on <= answered.due_on).groupby(
        answered.answered_on.dt.strftime("%Y-%m")).agg(answered=("id", "size"), on_time=("on_time", "sum"))
    out["months"] = per_month.join(received.rename("received"), how="outer").fillna(0)
    due = opened.due_on
    out["departments"] = opened.assign(
        late=opened.suspended_since.isna() & (due < today),
        soon=opened.suspended_since.isna() & (due >= today) & (due <= soon)).groupby(
        "department_id", dropna=False).agg(open=("id", "size"), late=("late", "sum"), soon=("soon", "sum")).merge(
        frames["department"][["id", "name"]], left_index=True, right_on="id", how="left")
    age = (today - opened.received_on).dt.days
    out["ages"] = pd.cut(age, [-1, 7, 14, 30, 60, 90, 10**6]).value_counts(sort=False)
    # breaches
    b = frames["breach"]
    if department_ids is not None:
        links = frames["breach_department"]
        b = b[b.id.isin(links[links.department_id.isin(department_ids)].breach_id)]
    if entity:
        b = b[b.entity_id == entity]
    deadline, notified = _instants(b.notification_deadline), _instants(b.notified_at)
    clocks = b[(b.authority_notification == "pending") & deadline.notna()]
    shown = marks("breach_notification", _instants(clocks.notification_deadline), instant=True)
    timeline.append(clocks[shown][["reference"]])
    since = pd.Timestamp(flt.period_start(), tz="Europe/Paris")
    out["breaches_recorded"] = int((_instants(b.detected_at) >= since).sum())
    out["breaches_notified"] = int((notified >= since).sum())
    out["breaches_on_time"] = int(((notified >= since) & (notified <= deadline)).sum())
    # register, processors, contracts
    in_scope = frames["processing_activity"]
    if department_ids is not None:
        in_scope = in_scope[in_scope.department_id.isin(department_ids)]
    a = in_scope[in_scope.entity_id == entity] if entity else in_scope
    a = a.assign(next_review_on=_days(a.next_review_on))
    shown = marks("register_review", a.next_review_on)
    timeline.append(a[shown][["reference"]])
    out["activities"] = (len(a), int((a.status == "validated").sum()), int((a.next_review_on < today).sum()))
    p = frames["processor"]
    if department_ids is not None:
        served = frames["processor_activity"]
        p = p[p.id.isin(served[served.activity_id.isin(in_scope.id)].processor_id)]
    if entity:
        used = frames["processor_entity"]
        p = p[p.id.isin(used[used.entity_id == entity].processor_id)]
    c = frames["processor_contract"].merge(p[["id", "reference"]], left_on="processor_id", right_on="id",
                                           suffixes=("", "_processor"))
    active, ended = c[c.status == "active"], c[c.status == "ended"]
    shown = marks("contract_end", _days(active.end_date).dropna())
    notice = _days(active.notice_date)
    marks("contract_notice", notice[notice >= today])
    marks("destruction_proof", _days(ended[ended.destruction_proved_on.isna()].end_due_date).dropna())
    marks("processor_audit", _days(p[p.status != "ended"].next_audit_date).dropna())
    s = frames["processor_subprocessor"]
    s = s[s.processor_id.isin(p.id) & (s.status == "notified")]
    objection = _days(s.objection_deadline)
    marks("objection_window", objection[objection >= today])
    out["contracts"] = (len(active), int((active.missing_clauses == 0).sum()), int((active.missing_clauses > 0).sum()))
    # DPIAs
    d = frames["dpia"].merge(in_scope[["id", "department_id"]], left_on="activity_id", right_on="id",
                             suffixes=("", "_a"))
    if entity:
        d = d[d.entity_id == entity]
    alive = d[d.status != "archived"]
    marks("dpia_review", _days(d[d.status == "validated"].review_date).dropna())
    answer = _days(alive.cnil_answer_due)
    marks("cnil_answer", answer[answer >= today])
    m = frames["dpia_measure"]
    m = m[m.dpia_id.isin(alive.id) & m.status.isin(["planned", "in_progress"])]
    marks("dpia_measure", _days(m.due_date).dropna())
    out["dpias"] = (len(alive), int((alive.status == "validated").sum()))
    out["timeline"] = len(pd.concat(timeline))
    return out


# ====================================================================== measuring one database


@dataclass
class Row:
    backend: str
    size: int
    persona: str
    page_ms: float
    peak_mb: float
    empty_ms: float
    sql_ms: float
    statements: int
    baseline_ms: float
    baseline_mb: float
    top: list = field(default_factory=list)  # (ms, caller, sql, plan) of the slowest statements
    # CPU time (see the module's docstring): the script thread's for the pages, the replaying thread's
    # for the SQL, plus the PostgreSQL server's for each (`cpu_complete` False: the server's could not
    # be read, the SQL figure is the replay's wall time and there is no CPU ratio)
    page_cpu_ms: float = 0.0
    empty_cpu_ms: float = 0.0
    sql_cpu_ms: float = 0.0
    cpu_complete: bool = True

    @property
    def floor_ms(self) -> float:
        return self.empty_ms + self.sql_ms

    @property
    def cpu_ratio(self) -> float:
        """page / floor in CPU time (nan when the server's CPU time could not be read)."""
        if not self.cpu_complete:
            return float("nan")
        return self.page_cpu_ms / (self.empty_cpu_ms + self.sql_cpu_ms)


def measure(backend: str, size: int, folder: Path, empty_page: Path, repeat: int, explain_top: bool,
            largest: bool, clocked: Path | None = None) -> list[Row]:
    database = create_database(backend, size, folder)
    engine = db.make_engine(database.url)
    rows = []
    try:
        db.migrate(engine)
        with db.unit_of_work(engine) as session:
            db.ensure_baseline(session)
        org = build_org(engine)
        start = time.perf_counter()
        volumes = fill(engine, org, size, paris_today(), batch=20_000 if backend == "sqlite" else 50_000)
        analyse(engine)
        say(f"[{backend} {size:>9}] filled in {time.perf_counter() - start:.0f} s: {volumes.line()}")
        os.environ["DATABASE_URL"] = database.url
        st.cache_resource.clear()
        for username, persona, entity in PERSONAS:
            rows.append(_measure_persona(engine, org, backend, size, username, persona, entity, empty_page, repeat,
                                         explain_top and largest, clocked))
    finally:
        st.cache_resource.clear()
        gc.collect()
        engine.dispose()
        database.drop()
    return rows


def _measure_persona(engine, org, backend, size, username, persona, entity, empty_page, repeat, explain_top,
                     clocked: Path | None = None) -> Row:
    streamlit.logger.set_log_level("error")  # "missing ScriptRunContext" when the state is set between runs
    token = signed_in_token(org, username)
    page, empty = AppTest.from_file(APP, default_timeout=TIMEOUT), AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.session_state[ui.TOKEN_KEY] = token
    empty.session_state[ui.TOKEN_KEY] = token
    app_run(page)  # warm-up: imports, first charts, the engine and its pool
    entity_id = org.entities[entity].id if entity else None
    if entity_id:  # the filter as a user sets it
        label = i18n.translate("overview.filter.entity", "fr")
        next(box for box in page.selectbox if box.label == label).set_value(entity_id)
        app_run(page)
    with EmptyPage(empty_page):
        app_run(empty)
        if page.title[0].value != empty.title[0].value:
            raise RuntimeError("the empty page is not in the overview's place")
    with Capture() as seen_page:
        app_run(page)
    with EmptyPage(empty_page), Capture() as seen_empty:
        app_run(empty)
    statements = page_only(seen_page.statements, seen_empty.statements)
    raw = engine.raw_connection()
    try:
        replay(raw, statements)  # warm-up
        page_times, empty_times, sql_times, each = [], [], [], []
        page_cpu, empty_cpu, sql_cpu = [], [], []
        server = ServerClock(raw, backend)
        for _ in range(repeat):  # interleaved: a busy neighbour slows all three alike
            gc.collect()
            if backend == "postgresql":
                server.refresh()
            page_times.append(_with_server(server, lambda cpu: app_run(page, cpu), page_cpu))
            with EmptyPage(empty_page):
                empty_times.append(_with_server(server, lambda cpu: app_run(empty, cpu), empty_cpu))
            total, per_statement = _with_server(server, lambda cpu: replay(raw, statements, cpu), sql_cpu)
            sql_times.append(total)
            each.append(per_statement)
        peak = peak_mb(lambda: app_run(page))
        profile = page_profile(page, clocked, repeat) if clocked else []
        with EmptyPage(empty_page):
            app_run(empty)
        own_elements = census(page) - census(empty) if clocked else Counter()
        medians = [statistics.median(times) for times in zip(*each)] if each else []
        top = sorted(zip(medians, statements), key=lambda t: -t[0])[:5]
        plans = [explain(raw, backend, s) if explain_top else "" for _, s in top]
    finally:
        raw.close()
    flt = OverviewFilter(entity_id=entity_id)
    actor = actor_named(engine, username)
    sees_all = actor.can(Capability.READ_ALL_CASES) or actor.can(Capability.WORK_ALL_CASES)
    departments = None if sees_all else set(actor.department_ids)
    baseline_times, figures = [], None
    for _ in range(min(repeat, 3)):
        gc.collect()
        start = time.perf_counter()
        figures = naive_overview(engine, departments, flt)
        baseline_times.append(time.perf_counter() - start)
    baseline_peak = peak_mb(lambda: naive_overview(engine, departments, flt))
    shown = metric(page, "overview.metric.dsr_open")
    check = "same" if shown == figures["requests_open"] else f"DIFFERENT (page {shown})"
    row = Row(backend, size, persona, ms(statistics.median(page_times)), peak, ms(statistics.median(empty_times)),
              ms(statistics.median(sql_times)), len(statements), ms(statistics.median(baseline_times)), baseline_peak,
              [(ms(t), s.caller, " ".join(s.sql.split()), plan) for (t, s), plan in zip(top, plans)],
              ms(statistics.median(page_cpu)), ms(statistics.median(empty_cpu)),
              ms(statistics.median(sql_cpu if backend == "sqlite" or server.pids else sql_times)),
              backend == "sqlite" or bool(server.pids))
    say(f"[{backend} {size:>9}] {persona:13} page {row.page_ms:7.0f} ms, empty {row.empty_ms:5.0f} ms, "
        f"SQL {row.sql_ms:6.0f} ms ({row.statements} statements), baseline {row.baseline_ms:8.0f} ms; "
        f"CPU: page {row.page_cpu_ms:.1f}, empty {row.empty_cpu_ms:.1f}, SQL {row.sql_cpu_ms:.1f} ms, "
        f"page/floor {row.cpu_ratio:.2f} (load {os.getloadavg()[0]:.1f}); "
        f"open requests {figures['requests_open']} (page: {check})")
    if profile:
        say(f"    where the page's CPU goes (pages/home.py, median of {repeat} runs; "
            f"{sum(t for t, *_ in profile):.1f} ms in all):")
        for spent, line, text in profile:
            if spent >= 0.1:
                say(f"    {spent:6.2f} ms  line {line:3}: {text[:90]}")
        costs = element_costs(clocked.parent, repeat)
        least = sum(own_elements[kind] * costs[kind] for kind in costs)
        budget = (TARGET_FLOOR - 1) * (row.empty_cpu_ms + row.sql_cpu_ms)
        say(f"    what Streamlit alone costs it: the page draws {own_elements['display']} elements and "
            f"{own_elements['widget']} widgets beyond the empty page's; on a bare page one element costs "
            f"{costs['display']:.3f} ms, one widget {costs['widget']:.3f} ms: at least {least:.1f} ms of the page's "
            f"own CPU, against {budget:.1f} ms that page/floor <= {TARGET_FLOOR} leaves it "
            f"({(TARGET_FLOOR - 1):.1f} x floor)")
    return row


# ====================================================================== report


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(rows: list[Row], sizes: list[int]) -> None:
    say("")
    say("Medians; page, empty page and raw SQL timed in interleaved rounds. Peak = Python heap during one "
        "run (tracemalloc). Wall-clock ms first; then CPU ms (the script's thread, the replay's thread, "
        "and on PostgreSQL the server's backends) and page/floor in CPU time.")
    for backend in dict.fromkeys(r.backend for r in rows):
        mine = [r for r in rows if r.backend == backend]
        say(f"\n== {backend}")
        say(f"{'requests':>9} {'overview of':13} {'page ms':>8} {'peak MB':>8} {'empty ms':>9} {'SQL ms':>8} "
            f"{'stmts':>5} {'floor ms':>9} {'page/floor':>10} {'baseline ms':>12} {'base MB':>8} {'base/page':>9} "
            f"| {'page CPU':>8} {'empty CPU':>9} {'SQL CPU':>7} {'page/floor CPU':>14}")
        for r in mine:
            ratio = r.page_ms / r.floor_ms
            gain = r.baseline_ms / r.page_ms
            say(f"{r.size:>9} {r.persona:13} {r.page_ms:8.0f} {r.peak_mb:8.1f} {r.empty_ms:9.0f} {r.sql_ms:8.1f} "
                f"{r.statements:5} {r.floor_ms:9.0f} {ratio:6.2f} {'ok' if ratio <= TARGET_FLOOR else '--':>3} "
                f"{r.baseline_ms:12.0f} {r.baseline_mb:8.0f} {gain:6.1f}{' ok' if gain >= TARGET_BASELINE else ' --'} "
                f"| {r.page_cpu_ms:8.1f} {r.empty_cpu_ms:9.1f} {r.sql_cpu_ms:7.1f} {r.cpu_ratio:11.2f}"
                f" {'ok' if r.cpu_ratio <= TARGET_FLOOR else '--'}")
        small, large = min(sizes), max(sizes)
        for _, persona, _ in PERSONAS:
            a = next((r for r in mine if r.persona == persona and r.size == small), None)
            b = next((r for r in mine if r.persona == persona and r.size == large), None)
            if a and b and a is not b:
                growth = b.page_ms / a.page_ms
                say(f"growth {persona:13} {small} -> {large}: {a.page_ms:.0f} -> {b.page_ms:.0f} ms, x{growth:.2f} "
                    f"(target <= x{TARGET_GROWTH:g}: {verdict(growth <= TARGET_GROWTH)})")
        floor_ok = all(r.page_ms / r.floor_ms <= TARGET_FLOOR for r in mine)
        say(f"target page/floor <= {TARGET_FLOOR}: {verdict(floor_ok)} "
            f"(worst {max(r.page_ms / r.floor_ms for r in mine):.2f})")
        cpu_ok = all(r.cpu_ratio <= TARGET_FLOOR for r in mine)
        say(f"target page/floor <= {TARGET_FLOOR} in CPU time: {verdict(cpu_ok)} "
            f"(worst {max(r.cpu_ratio for r in mine):.2f})")
        at_large = [r for r in mine if r.size == large]
        if large >= 1_000_000:
            say(f"target baseline/page >= {TARGET_BASELINE:g} at {large}: "
                f"{verdict(all(r.baseline_ms / r.page_ms >= TARGET_BASELINE for r in at_large))} "
                f"(least {min(r.baseline_ms / r.page_ms for r in at_large):.1f})")
        for r in at_large:
            say(f"\nslowest statements of the page, {backend}, {r.size} requests, {r.persona} "
                f"(raw SQL total {r.sql_ms:.1f} ms):")
            for t, caller, sql, plan in r.top:
                say(f"  {t:8.1f} ms  {caller}\n             {sql[:160]}")
                if plan:
                    say(plan)


WATCHED = ("pages/home.py", "dashboard/app.py", "dashboard/ui.py", "dashboard/overview", "dashboard/charts",
           "models/dsr.py")


def code_state() -> dict[str, float]:
    """Modification times of the code the page runs: a shared working copy may change mid-run."""
    files = []
    for name in WATCHED:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return {str(f.relative_to(ROOT)): f.stat().st_mtime for f in files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="query plans of the slowest statements")
    parser.add_argument("--profile", action="store_true", help="the page's CPU time, statement by statement")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    backends = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    folder = Path(tempfile.mkdtemp(prefix="overview_bench_"))
    empty_page = folder / "empty_overview.py"
    empty_page.write_text(EMPTY_PAGE)
    clocked = clocked_page(folder) if args.profile else None
    say(f"overview benchmark: sizes {sizes}, {', '.join(backends)}, {args.repeat} rounds, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; horizon {OverviewFilter().horizon_days} "
        f"days of {HORIZONS}")
    rows, code = [], code_state()
    try:
        for backend in backends:
            for size in sizes:
                rows += measure(backend, size, folder, empty_page, args.repeat, args.explain, size == max(sizes),
                                clocked)
    finally:
        report(rows, sizes)
        say(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        changed = [name for name, mtime in code_state().items() if code.get(name) != mtime]
        if changed:
            say(f"\nWARNING: code changed during the run, figures mix versions: {', '.join(changed)}")
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
