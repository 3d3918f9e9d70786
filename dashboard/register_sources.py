"""Import of a register kept elsewhere: Madis's export of processing activities, or the
CNIL's model register (.ods or .xlsx, one sheet per activity).

Three steps, nothing saved before the last: `read_source` reads the file (refused whole if
it is not a spreadsheet or goes beyond the limits) and proposes a mapping of its labels;
`preview_source` applies the DPO's mapping and answers and tells, activity by activity,
what is still to complete and what the register's rules refuse; `import_source` saves
every activity as a draft entry, or none: one missing answer or one invalid activity and
nothing is written (the unit of work rolls back).
"""

import hashlib
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from dashboard import audit
from dashboard.actor import Actor
from dashboard.permissions import require, require_writer
from dashboard.register import content_limit_problems, content_problems, create_activity
from exports import register_sources
from exports.register_sheet import OverLimit, UnreadableFile
from models.errors import DomainError
from models.org import Entity
from models.register import ActivityContent
from models.register_mapping import TARGETS, Draft, Need, complete, draft, suggest
from models.roles import Capability

MAX_SOURCE_BYTES = 10 * 1024 * 1024


class SourceUnreadable(DomainError):
    key = "register.source.unreadable"


class SourceRejected(DomainError):
    """Something is still to complete or invalid: nothing was saved."""

    key = "register.source.rejected"


@dataclass(frozen=True)
class SourceFile:
    layout: str  # "form" (one sheet per activity: the CNIL's model) or "rows" (Madis)
    records: tuple[register_sources.Record, ...]
    labels: tuple[str, ...]  # every label met, in order
    mapping: dict[str, str]  # the suggested one
    sha256: str


@dataclass(frozen=True)
class Problem:
    field: str
    key: str
    params: dict


@dataclass(frozen=True)
class DraftPreview:
    index: int
    origin: str
    name: str
    draft: Draft
    missing: tuple[Need, ...]  # answers still needed
    problems: tuple[Problem, ...]  # what the register's rules refuse, answers given

    @property
    def ready(self) -> bool:
        return not self.missing and not self.problems


@dataclass(frozen=True)
class SourcePreview:
    drafts: tuple[DraftPreview, ...]

    @property
    def ready(self) -> bool:
        return bool(self.drafts) and all(d.ready for d in self.drafts)


def _authorise(session: Session, actor: Actor, action: str) -> None:
    require_writer(session, actor, action=action, object_type="register")
    require(session, actor, Capability.WORK_ALL_CASES, action=action, object_type="register")


def _read(filename: str, data: bytes) -> SourceFile:
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceUnreadable("register.import.too_big", mb=MAX_SOURCE_BYTES // 2**20)
    try:
        sheets = register_sources.read_sheets(filename, data)
    except UnreadableFile:
        raise SourceUnreadable() from None
    except OverLimit as over:
        raise SourceUnreadable(over.key, **over.params) from None
    layout, found = register_sources.records(sheets)
    if not found:
        raise SourceUnreadable("register.source.no_activity")
    labels = tuple(dict.fromkeys(label for record in found for label, _ in record.fields))
    return SourceFile(layout, tuple(found), labels, suggest(labels), hashlib.sha256(data).hexdigest())


def read_source(session: Session, actor: Actor, filename: str, data: bytes) -> SourceFile:
    """The file's activities and labels, with a suggested mapping. Writes nothing."""
    _authorise(session, actor, "register.source_read")
    return _read(filename, data)


def _check_mapping(mapping: Mapping[str, str]) -> None:
    for label, target in mapping.items():
        if target not in TARGETS:
            raise SourceRejected("register.source.bad_target", label=label)


def _preview(source: SourceFile, mapping: Mapping[str, str],
             answers: Mapping[int, Mapping[str, Any]]) -> SourcePreview:
    _check_mapping(mapping)
    previews = []
    for index, record in enumerate(source.records):
        found = draft(record.origin, record.fields, mapping)
        data, missing = complete(found, answers.get(index, {}))
        problems: list[Problem] = []
        if not found.name:
            problems.append(Problem("name", "register.source.no_name", {}))
        if not missing and not problems:
            try:
                content = ActivityContent.model_validate(data)
            except ValidationError as error:
                problems += [Problem(p.field, p.key, p.params) for p in content_problems(error)]
            else:
                problems += [Problem(p.field, p.key, p.params) for p in content_limit_problems(content)]
        previews.append(DraftPreview(index, record.origin, found.name, found, tuple(missing), tuple(problems)))
    return SourcePreview(tuple(previews))


def preview_source(session: Session, actor: Actor, filename: str, data: bytes, mapping: Mapping[str, str],
                   answers: Mapping[int, Mapping[str, Any]]) -> SourcePreview:
    """What each activity becomes with this mapping and these answers. Writes nothing."""
    _authorise(session, actor, "register.source_preview")
    return _preview(_read(filename, data), mapping, answers)


@dataclass(frozen=True)
class SourceImported:
    references: tuple[str, ...]


def import_source(session: Session, actor: Actor, filename: str, data: bytes, mapping: Mapping[str, str],
                  answers: Mapping[int, Mapping[str, Any]], entity_id: int) -> SourceImported:
    """Every activity as a draft entry of the entity, or none (SourceRejected)."""
    _authorise(session, actor, "register.source_import")
    if session.get(Entity, entity_id) is None:
        raise SourceRejected("register.source.choose_entity")
    source = _read(filename, data)
    preview = _preview(source, mapping, answers)
    if not preview.ready:
        raise SourceRejected(count=sum(1 for d in preview.drafts if not d.ready))
    references = []
    for item in preview.drafts:
        content, _ = complete(item.draft, answers.get(item.index, {}))
        activity = create_activity(session, actor, entity_id, content,
                                   source_reference=f"{filename[:40]}#{item.origin}"[:64])
        references.append(activity.reference)
    audit.record(session, actor, "register.source_import", object_type="register", entity_id=entity_id,
                 details={"filename": filename, "sha256": source.sha256, "layout": source.layout,
                          "created": references,
                          "mapping": {label: target for label, target in mapping.items() if target != "ignore"}})
    return SourceImported(tuple(references))
