"""Thousands of generated inputs through every form validator and every import, on SQLite
and PostgreSQL; prints what happened to them.

    .venv/bin/python benchmarks/fuzz_inputs.py [--examples 1000] [--validator-examples 2000]
                                               [--database sqlite|postgresql|both] [--seed 0]

The cases are tests/inputs/fuzz_cases.py, the ones the quick property-based tests run
(tests/inputs/test_properties.py) with a few dozen examples each:

- every form's pydantic input model (dashboard.validation.validate), with whole generated
  inputs: values of the field's type, plausible or not (text with NUL characters, integers
  beyond 64 bits, dates from year 1 to 9999, naive and far-off times, stray types);
- every creation form's use case on a database (request intake, routing rule, breach
  declaration, processor, contract, register entry, DPIA, screening, entity, department,
  user), a valid input with one to three fields replaced by generated values;
- the register import (the demo register exported, a few cells replaced or rows added, as
  CSV or XLSX, or raw bytes) previewed then confirmed, and the PIA import (the CNIL
  software's file with a few values replaced, or raw bytes).

For each: inputs tried, accepted, refused with a message (DomainError), unhandled errors
(any other exception: a traceback for the user), partial writes (a refusal after which some
table's row count changed; the audit entry of a refused permission excepted, it is on
record on purpose). The first unhandled or partial input of each case is printed.
A throwaway database per backend (SQLite in a temp folder; on PostgreSQL `dpo_fuzz_<random>`
beside BENCH_DATABASE_URL's database, default postgresql+psycopg://postgres@127.0.0.1:5432/test,
dropped at the end).
"""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DPO_PASSWORD_PROFILE", "cheap")

import logging  # noqa: E402

from hypothesis import HealthCheck, given, seed as hypothesis_seed, settings  # noqa: E402


from dashboard import db  # noqa: E402
from dashboard.validation import InvalidInput, limit_problems, validate  # noqa: E402
from tests.conftest import build_org  # noqa: E402
from tests.inputs import fuzz_cases  # noqa: E402
from throwaway_db import postgres_database  # noqa: E402


def say(*args) -> None:
    print(*args, flush=True)


class Tally:
    def __init__(self, name: str, backend: str):
        self.name, self.backend = name, backend
        self.kinds: Counter = Counter()
        self.first: dict[str, str] = {}
        self.seconds = 0.0

    def add(self, kind: str, detail: str = "", example: object = None) -> None:
        self.kinds[kind] += 1
        if kind in ("unhandled", "partial") and kind not in self.first:
            self.first[kind] = f"{detail}\n      input: {repr(example)[:300]}"

    def row(self) -> str:
        k = self.kinds
        return (f"| {self.backend} | {self.name} | {sum(k.values())} | {k['accepted']} | {k['refused']} | "
                f"{k['unhandled']} | {k['partial']} | {self.seconds:.0f} |")


def _run(tally: Tally, strategy, check, examples: int, seed: int) -> None:
    start = time.perf_counter()

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(value=strategy)
    def run(value):
        check(value)

    run()
    tally.seconds = time.perf_counter() - start


def fuzz_models(examples: int, seed: int) -> list[Tally]:
    tallies = []
    for model in fuzz_cases.form_models():
        tally = Tally(f"{model.__name__} (validator)", "-")

        def check(data, model=model, tally=tally):
            try:
                result = validate(model, data)
            except InvalidInput:
                tally.add("refused")
            except Exception as error:  # noqa: BLE001
                tally.add("unhandled", f"{type(error).__name__}: {error}"[:200], data)
            else:
                tally.add("accepted" if not limit_problems(result) else "unhandled", "limits not applied", data)

        _run(tally, fuzz_cases.model_data(model), check, examples, seed)
        tallies.append(tally)
        say(tally.row())
    return tallies


def fuzz_database(backend: str, url: str, examples: int, seed: int) -> list[Tally]:
    engine = db.make_engine(url)
    db.migrate(engine)
    org = build_org(engine)
    fuzz_cases.prepare(org)
    table = fuzz_cases.register_table(org)
    prober = fuzz_cases.Prober(engine)
    tallies = []
    for case in fuzz_cases.form_cases():
        tally = Tally(case.name, backend)

        def check(changes, case=case, tally=tally):
            data = {**case.base(org), **changes}
            outcome = prober.attempt(lambda session: case.run(session, org, data))
            tally.add(outcome.kind, outcome.detail, data)

        _run(tally, fuzz_cases.overrides(case.model), check, examples, seed)
        tallies.append(tally)
        say(tally.row())
    imports = [("register import", fuzz_cases.register_files(table), lambda f: fuzz_cases.import_register(org, *f)),
               ("PIA import", fuzz_cases.pia_files(), lambda d: fuzz_cases.import_pia(org, d))]
    for name, strategy, call in imports:
        tally = Tally(name, backend)

        def check(value, call=call, tally=tally):
            outcome = prober.attempt(call(value))
            tally.add(outcome.kind, outcome.detail, value if not isinstance(value, bytes) else value[:200])

        _run(tally, strategy, check, examples, seed)
        tallies.append(tally)
        say(tally.row())
    engine.dispose()
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="generated inputs per database case")
    parser.add_argument("--validator-examples", type=int, default=2000, help="generated inputs per input model")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    say(f"{args.validator_examples} generated inputs per input model, {args.examples} per database case, "
        f"seed {args.seed}\n")
    say("| database | case | tried | accepted | refused | unhandled | partial writes | s |")
    say("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    tallies = fuzz_models(args.validator_examples, args.seed)
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for backend in backends:
        if backend == "sqlite":
            folder = tempfile.mkdtemp(prefix="dpo_fuzz_")
            tallies += fuzz_database(backend, f"sqlite:///{folder}/fuzz.sqlite3", args.examples, args.seed)
        else:
            url, drop = postgres_database("dpo_fuzz")
            try:
                tallies += fuzz_database(backend, url, args.examples, args.seed)
            finally:
                drop()
    total = Counter()
    for tally in tallies:
        total.update(tally.kinds)
    say(f"\nTotal: {sum(total.values())} inputs tried, {total['accepted']} accepted, {total['refused']} refused "
        f"with a message, {total['unhandled']} unhandled errors, {total['partial']} partial writes.")
    for tally in tallies:
        for kind, text_ in tally.first.items():
            say(f"- {tally.backend} {tally.name}, first {kind}: {text_}")


if __name__ == "__main__":
    main()
