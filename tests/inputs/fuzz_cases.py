"""Generated input for every form validator and every import, shared by the quick
property-based tests (tests/inputs/test_properties.py) and the long run that prints its
figures (benchmarks/fuzz_inputs.py).

The one property: whatever a person types or uploads, the application either accepts
it or refuses it with a DomainError (a message in the user's language) — never another
exception — and a refusal writes nothing (no row of any table changes count).
"""

import itertools
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from hypothesis import strategies as st
from openpyxl import Workbook
from pydantic import AwareDatetime, BaseModel, EmailStr
from sqlalchemy import text
from sqlmodel import SQLModel

from dashboard import db, organisation, register, register_io, users
from dashboard.breach import records
from dashboard.demo import activities as demo_activities
from dashboard.dpia import cases as dpia_cases, documents as dpia_documents, screening
from dashboard.dsr import intake, routing
from dashboard.processor import contracts, registry
from dashboard.errors import NotAllowed
from models.audit import AuditEntry, AuditHead
from models.errors import DomainError

CNIL_FILE = Path(__file__).parents[1] / "dpia" / "data" / "cnil_pia_export.json"

# ------------------------------------------------------------------ values

TRICKY_TEXT = ["", " ", "\x00", "Jeanne\x00Morel", "=1+1", "@SUM(A1)", "'quoted", "<b>&amp;</b>", "Ω≈ç√∫",
               "  spaced  ", "x" * 5000, "a\nb\r\nc", "| part | part |", "\\|", "null", "0", "-1", "1e308",
               "9" * 5000, "2026-13-45", "0001-01-01", "9999-12-31T23:59:59+00:00", "²", "٣"]
TEXT = st.one_of(st.text(max_size=60), st.sampled_from(TRICKY_TEXT))
BIG_INTS = [2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]
INTS = st.one_of(st.integers(-5, 400), st.integers(), st.sampled_from(BIG_INTS))
DATES = st.one_of(st.dates(date(2015, 1, 1), date(2030, 12, 31)), st.dates())
AWARE = st.one_of(
    st.datetimes(datetime(2015, 1, 1), datetime(2030, 12, 31), timezones=st.just(timezone.utc)),
    st.datetimes(timezones=st.just(timezone.utc)),
    st.datetimes(timezones=st.sampled_from([timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])))
DATETIMES = st.one_of(AWARE, st.datetimes())  # naive ones too
SCALARS = st.one_of(TEXT, INTS, DATES, DATETIMES, st.booleans(), st.none(), st.floats())


def for_annotation(annotation: Any, depth: int = 0) -> st.SearchStrategy:
    """Values of a field's type, plausible and not (every type may also get a stray scalar)."""
    return st.one_of(_typed(annotation, depth), SCALARS) if depth < 3 else SCALARS


def _typed(annotation: Any, depth: int) -> st.SearchStrategy:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _typed(args[0], depth)
    if origin in (Union, types.UnionType):
        return st.one_of(*(_typed(a, depth) for a in args))
    if annotation is type(None):
        return st.none()
    if origin is Literal:
        return st.one_of(st.sampled_from(args), TEXT)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.one_of(st.sampled_from([m.value for m in annotation]), TEXT)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return INTS
    if annotation is float:
        return st.floats()
    if annotation in (str, EmailStr):
        return st.one_of(TEXT, st.emails()) if annotation is EmailStr else TEXT
    if annotation is bytes:
        return st.binary(max_size=200)
    if annotation is date:
        return DATES
    if annotation in (datetime, AwareDatetime):
        return DATETIMES
    if origin in (list, tuple, set, frozenset, typing.Sequence):
        return st.lists(for_annotation(args[0] if args else Any, depth + 1), max_size=4)
    if origin is dict:
        return st.dictionaries(TEXT, for_annotation(args[1] if len(args) > 1 else Any, depth + 1), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_data(annotation, depth + 1)
    return SCALARS


def model_data(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy:
    """A whole input dict for a model, every field generated."""
    return st.fixed_dictionaries({name: for_annotation(f.annotation, depth)
                                  for name, f in model.model_fields.items()})


def overrides(model: type[BaseModel]) -> st.SearchStrategy:
    """One to three fields of a valid input replaced by generated values."""
    names = sorted(model.model_fields)
    return st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: for_annotation(model.model_fields[n].annotation) for n in chosen}))


# ------------------------------------------------------------------ every form's input model


def form_models() -> list[type[BaseModel]]:
    """Every pydantic input model of the application's forms."""
    from dashboard import audit_pack, evidence_room
    from dashboard.breach import forms as breach_forms
    from dashboard.dpia import content, decision
    from dashboard.dsr import fees, work, workflow
    from dashboard.processor import forms as processor_forms
    from models import register as register_models
    modules = [register, users, organisation, audit_pack, evidence_room, breach_forms, processor_forms, content,
               decision, dpia_cases, screening, intake, routing, work, workflow, fees, register_models]
    found = {}
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseModel) and not issubclass(value, SQLModel)
                    and value.__module__ == module.__name__ and not value.__name__.startswith("_")):
                found[f"{module.__name__}.{value.__name__}"] = value
    return [found[name] for name in sorted(found)]


# ------------------------------------------------------------------ use cases on a database


TABLES = sorted(SQLModel.metadata.tables)
AUDIT_TABLES = {AuditEntry.__tablename__, AuditHead.__tablename__}


def table_counts(engine) -> tuple[int, ...]:
    """The row count of every table, in one statement."""
    query = " UNION ALL ".join(f"SELECT {i} AS n, COUNT(*) AS c FROM {name}" for i, name in enumerate(TABLES))
    with engine.connect() as connection:
        return tuple(c for _, c in sorted(connection.execute(text(query)).all()))


@dataclass
class Outcome:
    kind: str  # accepted, refused, unhandled (an exception that is no DomainError), partial (a refusal that wrote)
    detail: str = ""


class Prober:
    """Runs calls in one unit of work each, as `dashboard.ui.call` does, and compares the
    row counts of every table before and after a refusal. Nothing else writes to the
    database meanwhile, so the counts after one call are the counts before the next."""

    def __init__(self, engine):
        self.engine = engine
        self.counts = table_counts(engine)

    def attempt(self, call: Callable[[Any], Any]) -> Outcome:
        before = self.counts
        try:
            with db.unit_of_work(self.engine) as session:
                call(session)
        except DomainError as error:
            self.counts = table_counts(self.engine)
            changed = [name for name, a, b in zip(TABLES, before, self.counts) if a != b
                       and not (name in AUDIT_TABLES and isinstance(error, NotAllowed))]  # a refusal is on record
            return Outcome("partial", f"{error.key}: {changed}") if changed else Outcome("refused", error.key)
        except Exception as error:  # noqa: BLE001 - what the property forbids
            self.counts = table_counts(self.engine)
            return Outcome("unhandled", f"{type(error).__name__}: {str(error)[:200]}")
        self.counts = table_counts(self.engine)
        return Outcome("accepted")


def _request(org) -> dict:
    return {"entity_id": org.entities["MEDICIS"].id, "channel": "email",
            "received_at": datetime.now(timezone.utc) - timedelta(days=1), "requester_name": "Jeanne Morel",
            "requester_contact": "jeanne@example.org", "relation": "member", "rights": ["access"],
            "description": "Copie de mes données."}


def _breach(org) -> dict:
    from tests.breach.factories import facts
    return facts(org)


def _processor(org) -> dict:
    from tests.processor.conftest import processor_data
    return processor_data(org, activities=())


def _contract(org) -> dict:
    from tests.processor.conftest import contract_data
    return contract_data()


def _entry(org) -> dict:
    from tests.register.factories import complete
    return complete(org.departments["DRC"].id)


@dataclass(frozen=True)
class FormCase:
    name: str
    model: type[BaseModel]
    base: Callable  # org -> valid input
    run: Callable  # (session, org, data) -> Any


def _first_processor(session, org) -> int:
    from models.processor import Processor
    from sqlmodel import select
    found = session.exec(select(Processor.id).order_by(Processor.id)).first()
    if found is None:
        from tests.processor.conftest import processor_data
        found = registry.create_processor(session, org.dpo, processor_data(org, activities=())).id
    return found


_ACTIVITY: dict[int, int] = {}  # id(engine) -> the demo activity the DPIA cases use


def _activity(session) -> int:
    return _ACTIVITY[id(session.get_bind())]


_SERIAL = itertools.count(1)  # codes and user names that a previous example has not taken


def form_cases() -> list[FormCase]:
    from dashboard.breach.forms import BreachFacts
    from dashboard.processor.forms import ContractData, ProcessorData
    from models.register import ActivityContent
    return [
        FormCase("dsr.intake", intake.RequestCreate, _request,
                 lambda s, org, d: intake.create_request(s, org.dpo, d)),
        FormCase("dsr.routing", routing.RuleData,
                 lambda org: {"entity_id": org.entities["MEDICIS"].id, "relation": "member", "department_id": None},
                 lambda s, org, d: routing.set_rule(s, org.dpo, d)),
        FormCase("breach.declare", BreachFacts, _breach, lambda s, org, d: records.declare(s, org.dpo, d)),
        FormCase("processor.create", ProcessorData, _processor,
                 lambda s, org, d: registry.create_processor(s, org.dpo, d)),
        FormCase("processor.contract", ContractData, _contract,
                 lambda s, org, d: contracts.save_contract(s, org.dpo, _first_processor(s, org), d)),
        FormCase("register.create", ActivityContent, _entry,
                 lambda s, org, d: register.create_activity(s, org.dpo, org.entities["MEDICIS"].id, d)),
        FormCase("dpia.create", dpia_cases.DpiaCreate, lambda org: {"activity_id": 0, "title": "AIPD de test"},
                 lambda s, org, d: dpia_cases.create_dpia(s, org.legal, {**d, "activity_id": d["activity_id"] or
                                                                         _activity(s)})),
        FormCase("dpia.screening", screening.ScreeningInput,
                 lambda org: {"criteria": [], "cnil_types": [], "justification": "Aucun critère ne s'applique."},
                 lambda s, org, d: screening.screen_activity(s, org.legal, _activity(s), d)),
        FormCase("organisation.entity", organisation.EntityData,
                 lambda org: {"code": f"NEWCO{next(_SERIAL)}", "name": "Nouvelle", "legal_name": "Nouvelle SAS",
                              "dpo_name": "Claire", "dpo_email": "dpo@example.org"},
                 lambda s, org, d: organisation.save_entity(s, org.dpo, d)),
        FormCase("organisation.department", organisation.DepartmentData,
                 lambda org: {"code": f"NEWD{next(_SERIAL)}", "name": "Nouvelle direction"},
                 lambda s, org, d: organisation.save_department(s, org.dpo, d)),
        FormCase("users.create", users.UserCreate,
                 lambda org: {"username": f"new.user{next(_SERIAL)}", "full_name": "New User", "role": "legal",
                              "password": "a-long-password-2026"},
                 lambda s, org, d: users.create_user(s, org.dpo, d)),
    ]


def prepare(org) -> None:
    """What the cases need beyond the demo organisation: its register."""
    with org.work() as session:
        demo_activities.seed(session)
        _ACTIVITY[id(session.get_bind())] = demo_activities.activity_id(session, "it_logs")


# ------------------------------------------------------------------ imports


def register_table(org) -> list[list[str]]:
    """The demo register as exported (header first)."""
    from exports import register_sheet
    with org.session() as session:
        data = register_io.export_register(session, org.dpo, "csv").data
    return register_sheet.read_table("r.csv", data)


@st.composite
def register_files(draw, table: list[list[str]]) -> tuple[str, bytes]:
    """The export with a few cells replaced (or rows added), as CSV or XLSX; or raw bytes."""
    fmt = draw(st.sampled_from(["csv", "xlsx", "raw"]))
    if fmt == "raw":
        return draw(st.sampled_from(["r.csv", "r.xlsx"])), draw(st.binary(max_size=400))
    rows = [list(row) for row in table]
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.integers(0, len(rows)))
        if line == len(rows):
            rows.append([draw(TEXT) for _ in rows[0]])
        else:
            rows[line][draw(st.integers(0, len(rows[line]) - 1))] = draw(TEXT)
    if fmt == "csv":
        from exports.csv_safe import to_csv
        return "r.csv", to_csv(rows[0], rows[1:])
    book = Workbook()
    sheet = book.active
    for row in rows:  # a spreadsheet cannot hold control characters: the person could not have typed them
        sheet.append(["".join(c for c in cell if c >= " " or c in "\n\t") for cell in row])
    buffer = BytesIO()
    book.save(buffer)
    return "r.xlsx", buffer.getvalue()


def import_register(org, filename: str, data: bytes):
    def call(session):
        preview = register_io.preview_register_import(session, org.dpo, filename, data)
        register_io.import_register(session, org.dpo, filename, data, confirm=preview.token)
    return call


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(BIG_INTS),
                                     st.floats(allow_nan=False), TEXT),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(TEXT, inner, max_size=3)), max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def pia_files(draw, base: Path | None = None) -> bytes:
    """The CNIL software's file (or `base`) with a few values replaced; or raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    data = json.loads((base or CNIL_FILE).read_text(encoding="utf-8"))
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    return json.dumps(data, ensure_ascii=draw(st.booleans())).encode()


def import_pia(org, data: bytes):
    def call(session):
        dpia_documents.import_json(session, org.legal, _activity(session), data)
    return call
