"""The register out (PDF extract for the CNIL, CSV, XLSX) and in (spreadsheet import).

An import is all or nothing: every problem of the file is reported with its line and
column, and nothing is saved until the file is clean. A row whose reference is an
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
from dashboard.permissions import require, require_writer
from dashboard.register import (content_problems, create_activity, load_content, register_entries,
                                update_activity)
from dashboard.validation import problem
from exports import register_sheet
from exports.register_pdf import build_register_pdf
from exports.register_sheet import LIST_COLUMNS, TEXT_COLUMNS, SheetProblem, SheetRow
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


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class _Planned:
    line: int
    entity_id: int
    content: ActivityContent
    existing: ProcessingActivity | None
    source_reference: str
    last_reviewed_on: date | None


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _plan_row(row: SheetRow, entities: dict[str, Entity], departments: dict[str, Department],
              existing: dict[str, ProcessingActivity], translators) -> tuple[_Planned | None, list[SheetProblem]]:
    values, problems = row.values, []
    entity = entities.get(values.get("entity", "").upper())
    if entity is None:
        problems.append(SheetProblem(row.line, row.labels["entity"], "register.import.unknown_entity",
                                     {"value": values.get("entity", "")}))
    department = departments.get(values.get("department", "").upper())
    if department is None:
        problems.append(SheetProblem(row.line, row.labels["department"], "register.import.unknown_department",
                                     {"value": values.get("department", "")}))
    data: dict = {c: values.get(c, "") for c in TEXT_COLUMNS}
    data["department_id"] = department.id if department else 0
    for column in LIST_COLUMNS:
        items, found = register_sheet.read_list(row, column, translators) if column in row.labels else ([], [])
        data[column] = items
        problems += found
    last_reviewed_on = None
    if values.get("last_reviewed_on"):
        try:
            last_reviewed_on = _parse_date(values["last_reviewed_on"])
        except ValueError:
            problems.append(SheetProblem(row.line, row.labels["last_reviewed_on"], "validation.date"))
    try:
        content = ActivityContent.model_validate(data)
    except ValidationError as error:
        reported = {(p.column, p.item) for p in problems}  # an unknown value is reported once, not twice
        for found in content_problems(error):
            column = row.labels.get(found.field, found.field)
            if (column, found.params.get("item")) not in reported:
                problems.append(SheetProblem(row.line, column, found.key, found.params, found.params.get("item")))
        content = None
    reference = values.get("reference", "")
    current = existing.get(reference)
    if current is not None and entity is not None and current.entity_id != entity.id:
        problems.append(SheetProblem(row.line, row.labels["reference"], "register.import.reference_other_entity",
                                     {"value": reference}))
    if problems:
        return None, problems
    return _Planned(row.line, entity.id, content, current, values.get("source_reference") or reference,
                    last_reviewed_on), []


def import_register(session: Session, actor: Actor, filename: str, data: bytes) -> ImportResult:
    require_writer(session, actor, action="register.import", object_type="register")
    require(session, actor, Capability.WORK_ALL_CASES, action="register.import", object_type="register")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected([SheetProblem(1, "", "register.import.too_big", {"mb": MAX_IMPORT_BYTES // 2**20})])
    try:
        table = register_sheet.read_table(filename, data)
    except register_sheet.UnreadableFile:
        raise ImportRejected([SheetProblem(1, "", "register.import.unreadable")]) from None
    translators = [i18n.Translator(lang) for lang in i18n.LANGUAGES]
    rows, problems = register_sheet.read_rows(table, translators)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([SheetProblem(1, "", "register.import.empty_file")])
    entities = {e.code.upper(): e for e in session.exec(select(Entity).where(Entity.active))}
    departments = {d.code.upper(): d for d in session.exec(select(Department).where(Department.active))}
    references = [r.values.get("reference", "") for r in rows if r.values.get("reference")]
    existing = {a.reference: a for a in session.exec(
        select(ProcessingActivity).where(ProcessingActivity.reference.in_(references)))} if references else {}
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
    created = updated = 0
    for plan in planned:
        if plan.existing is None:
            activity = create_activity(session, actor, plan.entity_id, plan.content,
                                       source_reference=plan.source_reference)
            created += 1
        else:
            activity = plan.existing
            if load_content(session, activity) != plan.content:
                update_activity(session, actor, activity.id, None, plan.content, action="register.import_update")
                updated += 1
            elif plan.last_reviewed_on in (None, activity.last_reviewed_on):
                continue
            else:
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
