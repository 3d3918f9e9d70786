"""The register out (PDF extract for the CNIL, CSV, XLSX) and in (spreadsheet import).

An import is all or nothing: every problem of the file is reported with its line and
column, and nothing is saved until the file is clean. It is shown first, entry by entry
(field: before → after, and the status the change leaves a validated entry in), and saved
only once confirmed, exactly as shown. The export carries each entry's version: a row for
an entry changed since the file was exported is refused, so that an older file never
overwrites newer work. A row whose reference is an
entry of the register updates that entry (rows that change nothing are left alone,
so importing an export again changes nothing); any other row creates a draft, keeping
the file's reference as its source reference.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlmodel import Session, select

from dashboard import audit, i18n
from dashboard.actor import Actor
from dashboard.evidence import issue_document
from dashboard.permissions import department_filter, entity_filter, require, require_entity, require_writer
from dashboard.register import (content_limit_problems, content_problems, create_activity, load_content,
                                register_entries, snapshot, status_after_change, update_activity)
from dashboard.validation import problem
from exports import register_sheet, register_sources
from exports.register_pdf import build_register_pdf
from exports.register_sheet import LIST_COLUMNS, TEXT_COLUMNS, SheetProblem, SheetRow
from models import input_limits
from models.clock import paris_today
from models.errors import DomainError
from models.evidence import EvidenceDocument
from models.org import Department, Entity
from models.processing import ProcessingActivity
from models.register import ActivityContent, next_review_on
from models.roles import Capability

if TYPE_CHECKING:  # the pack imports its contributors lazily, by name
    from dashboard.audit_pack import PackScope

MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    data: bytes


def export_register(session: Session, actor: Actor, fmt: str, entity_id: int | None = None,
                    language: str = i18n.DEFAULT_LANGUAGE) -> ExportFile:
    """The entries the actor may see (department heads: their departments')."""
    if fmt not in MEDIA_TYPES:
        raise problem("format", "validation.choice")
    entries = register_entries(session, actor, entity_id)
    tr = i18n.Translator(language)
    data = (register_sheet.register_csv if fmt == "csv" else register_sheet.register_xlsx)(entries, tr)
    audit.record(session, actor, "register.export", object_type="register", entity_id=entity_id,
                 details={"format": fmt, "entries": len(entries), "sha256": hashlib.sha256(data).hexdigest()})
    return ExportFile(f"registre-traitements-{paris_today().isoformat()}.{fmt}", MEDIA_TYPES[fmt], data)


def issue_register_pdf(session: Session, actor: Actor, entity_id: int, include_drafts: bool = True,
                       language: str = i18n.DEFAULT_LANGUAGE) -> EvidenceDocument:
    """The entity's register as a PDF a DPO can hand to the CNIL, kept in the
    evidence registry."""
    require(session, actor, Capability.WORK_ALL_CASES, action="register.pdf", object_type="entity",
            object_id=entity_id)
    require_entity(session, actor, entity_id, action="register.pdf", object_type="entity", object_id=entity_id)
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise problem("entity_id", "validation.unknown_entity")
    entries = register_entries(session, actor, entity_id, include_drafts=include_drafts)
    tr = i18n.Translator(language)
    today = paris_today()
    return issue_document(
        session, actor, kind="register_extract", title=tr("register.pdf.title_of", entity=entity.name),
        filename=f"registre-{entity.code.lower()}-{today.isoformat()}.pdf", media_type="application/pdf",
        build=lambda stamp: build_register_pdf(entity, entries, tr, stamp),
        language=tr.language, case_type="register", case_ref=entity.code, entity_id=entity.id)


# ------------------------------------------------------------------ import


class ImportRejected(DomainError):
    key = "register.import.rejected"

    def __init__(self, problems: list[SheetProblem]):
        super().__init__(count=len(problems))
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.item or 0))


class PreviewOutdated(DomainError):
    """The register or the file changed between the preview and its confirmation."""

    key = "register.import.preview_outdated"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class FieldChange:
    column: str  # column key (register.col.<key>), or "status"
    before: str
    after: str


@dataclass(frozen=True)
class EntryChange:
    """What importing one row will do to the register."""

    line: int
    reference: str  # the entry's reference; for a new entry, the file's (source) reference
    name: str
    action: str  # "create", "update" or "unchanged"
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ImportPreview:
    entries: tuple[EntryChange, ...]
    token: str  # what `import_register` must be given back: the preview that was confirmed

    @property
    def result(self) -> ImportResult:
        count = {a: sum(e.action == a for e in self.entries) for a in ("create", "update", "unchanged")}
        return ImportResult(count["create"], count["update"], count["unchanged"])


@dataclass(frozen=True)
class _Planned:
    line: int
    entity_id: int
    content: ActivityContent
    existing: ProcessingActivity | None
    version: int | None  # the entry's version in the file (= its current version)
    source_reference: str
    last_reviewed_on: date | None


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell_problem(row: SheetRow, column: str, key: str, **params) -> SheetProblem:
    return SheetProblem(row.line, row.labels.get(column, column), key, params)


def _plan_row(row: SheetRow, entities: dict[str, Entity], departments: dict[str, Department],
              existing: dict[str, ProcessingActivity], translators) -> tuple[_Planned | None, list[SheetProblem]]:
    values, problems = row.values, []
    entity = entities.get(values.get("entity", "").upper())
    if entity is None:
        problems.append(_cell_problem(row, "entity", "register.import.unknown_entity", value=values.get("entity", "")))
    department = departments.get(values.get("department", "").upper())
    if department is None:
        problems.append(_cell_problem(row, "department", "register.import.unknown_department",
                                      value=values.get("department", "")))
    data: dict = {c: values.get(c, "") for c in TEXT_COLUMNS}
    data["department_id"] = department.id if department else 0
    for column in LIST_COLUMNS:
        items, found = register_sheet.read_list(row, column, translators) if column in row.labels else ([], [])
        data[column] = items
        problems += found
    for column in register_sheet.SCALAR_CODED:
        value, found = register_sheet.read_scalar(row, column, translators)
        if value is not None:
            data[column] = value
        problems += found
    last_reviewed_on = None
    if values.get("last_reviewed_on"):
        try:
            last_reviewed_on = _parse_date(values["last_reviewed_on"])
        except ValueError:
            problems.append(_cell_problem(row, "last_reviewed_on", "validation.date"))
        else:
            out_of_bounds = input_limits.value_problem(last_reviewed_on)
            if out_of_bounds:
                problems.append(_cell_problem(row, "last_reviewed_on", out_of_bounds[0], **out_of_bounds[1]))
    content = None
    try:
        content = ActivityContent.model_validate(data)
    except ValidationError as error:
        reported = {(p.column, p.item) for p in problems}  # an unknown value is reported once, not twice
        for found in content_problems(error):
            column = row.labels.get(found.field, found.field)
            if (column, found.params.get("item")) not in reported:
                problems.append(SheetProblem(row.line, column, found.key, found.params, found.params.get("item")))
    else:
        for found in content_limit_problems(content):
            problems.append(SheetProblem(row.line, row.labels.get(found.field, found.field), found.key, found.params,
                                         found.params.get("item")))
    reference = values.get("reference", "")
    current = existing.get(reference)
    version = None
    if values.get("version"):
        text = values["version"]
        version = int(text) if text.isdigit() and len(text) < 10 else None
        if version is None:
            problems.append(_cell_problem(row, "version", "validation.number"))
    if current is not None and entity is not None and current.entity_id != entity.id:
        problems.append(_cell_problem(row, "reference", "register.import.reference_other_entity", value=reference))
    elif current is not None and not values.get("version"):
        problems.append(_cell_problem(row, "reference", "register.import.version_missing", value=reference))
    elif current is not None and version is not None and version != current.version:
        problems.append(_cell_problem(row, "version" if "version" in row.labels else "reference",
                                      "register.import.changed_since_export", value=reference))
    if problems:
        return None, problems
    return _Planned(row.line, entity.id, content, current, version, values.get("source_reference") or reference,
                    last_reviewed_on), []


def _plan(session: Session, actor: Actor, filename: str, data: bytes) -> list[_Planned]:
    """Read and check the whole file against the register as it stands: the rows to
    apply, or ImportRejected with every problem. Writes nothing."""
    require_writer(session, actor, action="register.import", object_type="register")
    require(session, actor, Capability.WORK_ALL_CASES, action="register.import", object_type="register")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected([SheetProblem(1, "", "register.import.too_big", {"mb": MAX_IMPORT_BYTES // 2**20})])
    try:
        kind = register_sources.sniff(filename, data)  # from the bytes: a PDF named .csv is no table
        if kind == "ods":
            table = register_sources.read_sheets(filename, data)[0].rows
        else:
            table = register_sheet.read_table(f"file.{kind}", data)
    except register_sheet.UnreadableFile:
        raise ImportRejected([SheetProblem(1, "", "register.import.unreadable")]) from None
    except register_sheet.OverLimit as over:
        raise ImportRejected([SheetProblem(over.line, "", over.key, over.params)]) from None
    translators = [i18n.Translator(lang) for lang in i18n.LANGUAGES]
    rows, problems = register_sheet.read_rows(table, translators)
    if any(p.line == 1 for p in problems):  # the header: the rows cannot be read
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([SheetProblem(1, "", "register.import.empty_file")])
    # a local correspondent's sheet names his entities and entries only: another's are unknown here
    entities = {e.code.upper(): e for e in session.exec(select(Entity).where(Entity.active,
                                                                             entity_filter(actor, Entity.id)))}
    departments = {d.code.upper(): d for d in session.exec(select(Department).where(Department.active))}
    references = [r.values.get("reference", "") for r in rows if r.values.get("reference")]
    existing = {a.reference: a for a in session.exec(
        select(ProcessingActivity).where(ProcessingActivity.reference.in_(references), department_filter(
            actor, ProcessingActivity.department_id, ProcessingActivity.entity_id)))} if references else {}
    planned, seen = [], {}
    for row in rows:
        reference = row.values.get("reference", "")
        if reference and reference in seen:
            problems.append(SheetProblem(row.line, row.labels["reference"], "register.import.duplicate_reference",
                                         {"value": reference, "line": seen[reference]}))
            continue
        if reference:
            seen[reference] = row.line
        plan, found = _plan_row(row, entities, departments, existing, translators)
        problems += found
        if plan:
            planned.append(plan)
    if problems:
        raise ImportRejected(problems)
    return planned


def _column_text(content: ActivityContent, column: str, tr: i18n.Translator, codes: dict[int, str]) -> str:
    if column == "department_id":
        return codes.get(content.department_id, "")
    if column in LIST_COLUMNS:
        return "\n".join(register_sheet.item_line(tr, column, item) for item in getattr(content, column))
    if column in register_sheet.SCALAR_CODED:
        return register_sheet.scalar_label(tr, column, getattr(content, column))
    return str(getattr(content, column))


def _describe(session: Session, actor: Actor, plan: _Planned, tr: i18n.Translator,
              codes: dict[int, str]) -> EntryChange:
    if plan.existing is None:
        return EntryChange(plan.line, plan.source_reference, plan.content.name, "create", ())
    activity = plan.existing
    before = load_content(session, activity)
    changes = []
    for column in ("department_id", *TEXT_COLUMNS, *register_sheet.SCALAR_CODED, *LIST_COLUMNS):
        old, new = _column_text(before, column, tr, codes), _column_text(plan.content, column, tr, codes)
        if old != new:
            changes.append(FieldChange("department" if column == "department_id" else column, old, new))
    if plan.last_reviewed_on and plan.last_reviewed_on != activity.last_reviewed_on:
        changes.append(FieldChange("last_reviewed_on", tr.date(activity.last_reviewed_on),
                                   tr.date(plan.last_reviewed_on)))
    if before != plan.content:
        status = status_after_change(session, actor, activity, plan.content)
        if status != activity.status or status == "validated":
            # a validated entry changed by the DPO stays validated, in the DPO's name: say so too
            changes.append(FieldChange("status", tr(f"register.status.{activity.status}"),
                                       tr(f"register.status.{status}") + (
                                           " — " + tr("register.import.revalidated") if status == "validated" else "")))
    return EntryChange(plan.line, activity.reference, plan.content.name, "update" if changes else "unchanged",
                       tuple(changes))


def _token(data: bytes, planned: list[_Planned], entries: list[EntryChange]) -> str:
    """A digest of the file and of what it will do to each entry at its current version:
    the confirmation applies exactly this, or nothing."""
    digest = hashlib.sha256(data)
    for plan, entry in zip(planned, entries):
        digest.update(repr((plan.line, entry.action, entry.reference,
                            plan.existing.version if plan.existing else None,
                            snapshot(plan.content), plan.last_reviewed_on,
                            [(c.column, c.after) for c in entry.changes if c.column == "status"])).encode())
    return digest.hexdigest()


def _preview(session: Session, actor: Actor, filename: str, data: bytes,
             language: str) -> tuple[list[_Planned], ImportPreview]:
    planned = _plan(session, actor, filename, data)
    tr = i18n.Translator(language)
    codes = {d.id: d.code for d in session.exec(select(Department))}
    entries = [_describe(session, actor, plan, tr, codes) for plan in planned]
    return planned, ImportPreview(tuple(entries), _token(data, planned, entries))


def preview_register_import(session: Session, actor: Actor, filename: str, data: bytes,
                            language: str = i18n.DEFAULT_LANGUAGE) -> ImportPreview:
    """What importing the file would change, entry by entry (field: before → after),
    before anything is saved. Saves nothing; `import_register` applies it once confirmed."""
    return _preview(session, actor, filename, data, language)[1]


def import_register(session: Session, actor: Actor, filename: str, data: bytes, *, confirm: str) -> ImportResult:
    """Apply a previewed import. `confirm` is the preview's token: if the register or the
    file changed since the preview (someone saved an entry meanwhile), nothing is saved."""
    planned, preview = _preview(session, actor, filename, data, i18n.DEFAULT_LANGUAGE)
    if preview.token != confirm:
        raise PreviewOutdated()
    created = updated = 0
    for plan, entry in zip(planned, preview.entries):
        if entry.action == "unchanged":
            continue
        if plan.existing is None:
            activity = create_activity(session, actor, plan.entity_id, plan.content,
                                       source_reference=plan.source_reference)
            created += 1
        else:
            activity = plan.existing
            if load_content(session, activity) != plan.content:
                activity = update_activity(session, actor, activity.id, plan.version, plan.content,
                                           action="register.import_update")
            updated += 1
        if plan.last_reviewed_on and plan.last_reviewed_on != activity.last_reviewed_on:
            activity.last_reviewed_on = plan.last_reviewed_on
            activity.next_review_on = next_review_on(plan.last_reviewed_on)
            session.add(activity)
    session.flush()
    result = ImportResult(created, updated, len(planned) - created - updated)
    audit.record(session, actor, "register.import", object_type="register",
                 details={"filename": filename, "sha256": hashlib.sha256(data).hexdigest(), "created": created,
                          "updated": updated, "unchanged": result.unchanged})
    return result


def pack_contribution(session: Session, actor: Actor, scope: "PackScope") -> list[tuple[str, bytes]]:
    """Audit-pack contributor (dashboard.audit_pack.CONTRIBUTORS): the register as it stands,
    CSV for all entities in scope and one PDF per entity, stamped with the pack's number."""
    tr = i18n.Translator(scope.language)
    entries = register_entries(session, actor, scope.entity_id)
    files = [("registre-traitements.csv", register_sheet.register_csv(entries, tr))]
    entities = {e.code: e for e in session.exec(select(Entity))}
    for code in sorted({entry.entity_code for entry in entries}):
        own = [entry for entry in entries if entry.entity_code == code]
        files.append((f"registre-traitements-{code.lower()}.pdf",
                      build_register_pdf(entities[code], own, tr, scope.stamp)))
    return files
